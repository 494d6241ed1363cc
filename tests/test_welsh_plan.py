"""The plan's screens in Welsh for a person who chose Cymraeg (issue 20): the Theory of Change, the
evaluation framework, the action plan (its grid, views, timeline, export and import), "turn this activity
into an action" and the next strategy period; English unchanged for everyone else; and the grid's
choices stored as the same ids whichever language they were chosen in."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from strategy.core.authors import Author
from strategy.plan import operations as P
from strategy.ui.state import AUTHOR_KEY, LANGUAGE_KEY
from tests.test_plan_app import SAM, engine, pid, url  # noqa: F401  (fixtures)
from tests.welsh_support import page_in_language

ANN = Author.make("Ann Jones", "Harbourshire Police")


def _page(engine, partnership_id: int, path: str, person: Author, language: str | None = None) -> AppTest:  # noqa: F811
    return page_in_language(engine, partnership_id, path, person, language=language or "en")


def _said(elements) -> list[str]:
    return [e.value.replace("\\", "") for e in elements]


def _editor_columns(at: AppTest) -> dict:
    """The action plan grid's column settings as drawn: column name -> its label and options."""
    return json.loads(_grid(at).proto.columns)


def _grid(at: AppTest):
    """The action plan's editor grid (a data frame that can be edited)."""
    return next(e for e in at.dataframe if e.proto.editing_mode)


def test_the_action_plan_page_in_welsh_on_the_demo(engine, sqlite_demo_id):  # noqa: F811
    at = _page(engine, sqlite_demo_id, "views/action_plan.py", SAM, "cy")
    assert at.title[0].value == "Cynllun gweithredu"
    assert [t.label for t in at.tabs] == ["Fesul nod", "Fesul asiantaeth", "Fesul cydran", "Fesul argymhelliad", "Llinell amser"]
    assert [d.proto.label for d in at.get("download_button")] == [
        "Lawrlwytho fel Excel",
        "Lawrlwytho fel CSV",
        "Cerrig milltir fel CSV",
        "Dangosyddion allbwn fel CSV",
    ]
    assert {"Allforio a mewnforio", "Cerrig milltir a dangosyddion allbwn"} <= {h.value for h in at.header}
    assert any(e.label == "➕ Ychwanegu cam gweithredu" for e in at.expander)
    assert any(m == "**Gwiriadau**" for m in _said(at.markdown))
    # The grid: its columns' labels and the choices' names in Welsh; the data keeps its English names.
    columns = _editor_columns(at)
    assert columns["Action"]["label"] == "Cam gweithredu"
    assert columns["Lead/responsible agency"]["label"] == "Asiantaeth arweiniol/gyfrifol"
    assert columns["Status"]["label"] == "Statws" and columns["Core component"]["label"] == "Cydran graidd"
    assert columns["Stage or priority"]["label"] == "Cam neu flaenoriaeth"
    assert "Ar y gweill" in columns["Status"]["type_config"]["options"]
    assert "Nodi" in columns["Core component"]["type_config"]["options"]
    grid = _grid(at).value
    assert set(grid["Status"]) <= {"Heb ddechrau", "Ar y gweill", "Wedi'i gwblhau", "Wedi'i oedi", "Wedi'i atal"}
    assert set(grid["Core component"]) - {""} <= {"Atal ac amharu", "Nodi", "Ymateb y system gyfan", "Datblygu'r gweithlu"}
    # The milestones' fields and the import panel
    assert "Carreg filltir" in [t.label for t in at.text_input]
    assert any(m.startswith("Mewnforiwch gynllun o Excel neu CSV") for m in _said(at.markdown))
    # The timeline: its chart's words (legend, milestones) and its table in Welsh
    at.session_state["plan|views"] = "Llinell amser"
    at.run()
    assert not at.exception
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = {t["name"] for t in chart["data"] if t.get("name")}
    assert not names & {"Milestone done", "Milestone due", "Milestone overdue"}
    assert any(m.startswith("**Cerrig milltir** (ar y siart") for m in _said(at.markdown))


def test_someone_who_did_not_choose_sees_the_action_plan_in_english(engine, sqlite_demo_id):  # noqa: F811
    _page(engine, sqlite_demo_id, "views/action_plan.py", SAM, "cy")  # another person's choice changes nothing here
    at = _page(engine, sqlite_demo_id, "views/action_plan.py", ANN)
    assert at.title[0].value == "Action plan"
    assert [t.label for t in at.tabs] == ["By aim", "By agency", "By component", "By recommendation", "Timeline"]
    columns = _editor_columns(at)
    assert columns["Action"]["label"] == "Action" and columns["Status"]["label"] == "Status"
    assert "In progress" in columns["Status"]["type_config"]["options"]
    assert any(e.label == "➕ Add an action" for e in at.expander)


def test_the_theory_of_change_and_evaluation_pages_in_welsh(engine, sqlite_demo_id):  # noqa: F811
    at = _page(engine, sqlite_demo_id, "views/theory_of_change.py", SAM, "cy")
    assert at.title[0].value == "Damcaniaeth Newid"
    assert {"Y gadwyn", "Nodau strategol a chanlyniadau arfaethedig"} <= {h.value for h in at.header}
    assert "Nod strategol" in [t.label for t in at.text_input]
    assert any(b.label == "Ychwanegu'r nod" for b in at.button)
    chain = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "Nodau strategol" in chain["layout"]["xaxis"]["ticktext"]
    at.switch_page("views/evaluation.py").run()
    assert not at.exception
    assert at.title[0].value == "Fframwaith gwerthuso"
    assert "Y fframwaith" in {h.value for h in at.header}
    framework = at.dataframe[0].value
    assert "Y data sy'n dangos y canlyniad" in framework.columns and "Pa mor aml" in framework.columns
    assert any(b.label == "Ychwanegu'r mesur" for b in at.button)


def test_the_next_period_step_in_welsh(engine, sqlite_demo_id):  # noqa: F811
    at = _page(engine, sqlite_demo_id, "views/partnerships.py", SAM, "cy")
    assert "Dechrau cyfnod nesaf y strategaeth" in {h.value for h in at.header}
    assert "Blwyddyn gyntaf y cyfnod nesaf" in [t.label for t in at.text_input]
    assert any(b.label == "Dechrau'r cyfnod nesaf" for b in at.button)


@pytest.mark.parametrize(
    ("language", "component", "status", "stage"),
    [("en", "Identification", "In progress", "High priority"), ("cy", "Nodi", "Ar y gweill", "Blaenoriaeth uchel")],
)
def test_the_grid_stores_the_same_ids_whichever_language_the_choices_were_shown_in(engine, pid, language, component, status, stage):  # noqa: F811
    from strategy.ui import plan_views

    aim = P.add_aim(engine, pid, title="Aim", author=SAM)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Outcome", author=SAM)
    P.create_action(engine, pid, outcome_id=outcome.id, title="First", author=SAM)
    labels = {"A1.O1 Outcome": outcome.id}
    st.session_state[AUTHOR_KEY] = SAM
    st.session_state[LANGUAGE_KEY] = language
    try:
        changed = {"Core component": component, "Status": status, "Stage or priority": stage}
        st.session_state["ed"] = {
            "edited_rows": {0: changed},
            "added_rows": [{"Intended outcome": "A1.O1 Outcome", "Action": "Pasted", **changed}],
            "deleted_rows": [],
        }
        plan_views._table_changed(engine, pid, "ed", P.action_rows(P.load_plan(engine, pid)), labels)
        # The grid as drawn shows the stored ids' names in the same language again.
        shown = [plan_views._cell(c, r[c], language) for r in P.action_rows(P.load_plan(engine, pid)) for c in ("Core component", "Status")]
    finally:
        st.session_state.pop(LANGUAGE_KEY, None)
    actions = P.load_plan(engine, pid).all_actions()
    assert [(x.title, x.component, x.status, x.stage) for x in actions] == [
        ("First", "identification", "in_progress", "high"),
        ("Pasted", "identification", "in_progress", "high"),
    ]
    assert shown == [component, status, component, status]
