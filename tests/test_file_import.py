"""The one import panel (``strategy.ui.file_import``) where the snapshot's survey, a thematic audit's
survey and the action plan use it, through Streamlit's AppTest.

AppTest cannot upload a file, so each page's preview-and-import part runs in a small app of its own
(as tests/test_import_panel.py does for the survey and figures), on the same database."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from strategy.assessments import audit as au
from strategy.assessments import snapshot as sn
from strategy.assessments.io import audit_template_csv, snapshot_template_csv
from strategy.core.db import dispose_engine, prepare_database
from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P
from strategy.plan.io import export_csv
from strategy.tabular.formulas import csv_bytes
from strategy.ui.state import AUTHOR_KEY


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    yield url
    dispose_engine(url)


@pytest.fixture
def engine(url):
    return prepare_database(url)


@pytest.fixture
def pid(engine):
    return create_partnership(engine, name="Harbourshire Partnership", nation="england").id


def _survey_app(url: str, pid: int, kind: str, owner: int, data: bytes, filename: str) -> None:
    import streamlit as st

    from strategy.assessments import audit as au
    from strategy.assessments import snapshot as sn
    from strategy.assessments.io import import_audit_survey, import_snapshot_survey, preview_audit_survey, preview_snapshot_survey
    from strategy.core.db import prepare_database
    from strategy.ui.snapshot_views import k, preview_and_import
    from strategy.ui.state import current_author

    engine = prepare_database(url)
    key = k(f"{kind}-survey", pid, owner)
    if st.session_state.get(k(key, "gen"), 0):
        st.text("The uploader is empty again.")
        st.success(st.session_state[k(key, "done")])
        return
    if kind == "snapshot":
        preview_and_import(
            key,
            data,
            filename,
            preview=lambda d, n, o: preview_snapshot_survey(engine, pid, owner, d, n, o),
            run=lambda d, n, r, o: import_snapshot_survey(engine, pid, owner, d, n, author=current_author(), replace=r, options=o),
            what="frontline ratings",
            existing=len(sn.responses(engine, owner)),
        )
    else:
        preview_and_import(
            key,
            data,
            filename,
            preview=preview_audit_survey,
            run=lambda d, n, r, o: import_audit_survey(engine, pid, owner, d, n, author=current_author(), replace=r, options=o),
            what="survey responses",
            existing=len(au.survey_responses(engine, owner)),
        )


def _run(app, args, author) -> AppTest:
    at = AppTest.from_function(app, args=args, default_timeout=30)
    at.session_state[AUTHOR_KEY] = author
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _button(at: AppTest, start: str):
    return next((b for b in at.button if b.label.startswith(start)), None)


def _click(at: AppTest, start: str) -> AppTest:
    _button(at, start).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_snapshot_survey_is_previewed_with_its_rows_then_imported(url, engine, pid, author):
    snap = sn.create_snapshot(engine, pid, title="Snapshot 2026", author=author)
    at = _run(_survey_app, (url, pid, "snapshot", snap.id, snapshot_template_csv(), "survey.csv"), author)
    assert "**Preview of survey\\.csv**" in [m.value for m in at.markdown]
    assert "Read as: CSV, UTF-8, comma-separated" in [t.value for t in at.text]
    assert [m.value for m in at.metric] == ["2", "0", "0"]
    ready = at.dataframe[-1].value
    assert list(ready.columns) == ["Row", "Rating", "Comment", "Agency", "Role"]  # the statement's stored id is not shown
    assert list(ready["Row"]) == [2, 3] and list(ready["Agency"]) == ["Education", "Health"]
    assert at.radio == []
    _click(at, "Import 2 rows")
    assert "The uploader is empty again." in [t.value for t in at.text]
    assert [s.value for s in at.success] == ["Imported 2 frontline ratings."]
    assert len(sn.responses(engine, snap.id)) == 2


def test_an_audit_survey_with_responses_already_asks_whether_to_replace_them(url, engine, pid, author):
    audit = au.create_audit(engine, pid, theme="Child sexual abuse in the family", author=author)
    args = (url, pid, "audit", audit.id, audit_template_csv(), "audit.csv")
    _click(_run(_survey_app, args, author), "Import ")
    at = _run(_survey_app, args, author)
    assert at.radio[0].label == "The 2 survey responses already here"
    assert at.radio[0].value == "replace"
    ready = at.dataframe[-1].value
    assert list(ready["Aware of strategy"]) == ["Yes", "Yes"]
    at.radio[0].set_value("add").run()
    _click(at, "Import ")
    assert len(au.survey_responses(engine, audit.id)) == 4


def test_a_survey_file_with_problems_lists_them_and_offers_no_button(url, engine, pid, author):
    snap = sn.create_snapshot(engine, pid, title="Snapshot 2026", author=author)
    data = b"Statement,Rating\r\nZZ9,2\r\nAW1,7\r\n"
    at = _run(_survey_app, (url, pid, "snapshot", snap.id, data, "survey.csv"), author)
    assert _button(at, "Import ") is None
    assert any("2 problems to fix in the file" in e.value for e in at.error)
    problems = next(d.value for d in at.dataframe if list(d.value.columns) == ["Row", "Column", "Problem"])
    assert list(problems["Row"]) == [2, 3] and list(problems["Column"]) == ["Statement", "Rating"]
    assert sn.responses(engine, snap.id) == []


def _plan_app(url: str, pid: int, data: bytes, filename: str) -> None:
    import streamlit as st

    from strategy.core.db import prepare_database
    from strategy.ui.plan_views import preview_and_import

    engine = prepare_database(url)
    if st.session_state.get("plan|uploads", 0):
        st.text("The uploader is empty again.")
        st.success(st.session_state["plan|import|done|" + str(pid)])
        return
    preview_and_import(engine, pid, data, filename)


def _a_plan(engine, pid, author) -> None:
    aim = P.add_aim(engine, pid, title="=Safer families", author=author)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="'+44 7700 helpline", author=author)
    P.create_action(engine, pid, outcome_id=outcome.id, title="'tis the season", author=author, leads=["Police"], add_unknown_agencies=True)


def test_the_plan_is_previewed_with_its_actions_then_imported(url, engine, pid, author):
    source = create_partnership(engine, name="Source", nation="england").id
    _a_plan(engine, source, author)
    at = _run(_plan_app, (url, pid, export_csv(engine, source), "plan.csv"), author)
    assert "Will create 1 new strategic aim, 1 new intended outcome and 1 action. New agencies to add: Police." in [
        t.value for t in at.text
    ]
    assert [m.label for m in at.metric] == [
        "Actions ready",
        "Milestones and output indicators ready",
        "Rows with problems",
        "Blank rows skipped",
    ]
    ready = at.dataframe[-1].value
    assert list(ready.iloc[0][["Aim", "Outcome", "Action"]]) == ["=Safer families", "'+44 7700 helpline", "'tis the season"]
    columns = next(d.value for d in at.dataframe if list(d.value.columns) == ["Column in the file", "Goes into"])
    assert "Strategic aim" in list(columns["Goes into"])
    _click(at, "Import these")
    assert [s.value for s in at.success] == ["Imported 1 action from plan.csv."]
    assert [x.title for x in P.load_plan(engine, pid).all_actions()] == ["'tis the season"]


def test_a_csv_of_milestones_is_previewed_by_action_then_imported(url, engine, pid, author):
    _a_plan(engine, pid, author)
    data = csv_bytes(["Action code", "Milestone", "Due", "Status"], [["A1.O1.1", "=Briefing held", "03/04/2026", "On track"]])
    at = _run(_plan_app, (url, pid, data, "milestones.csv"), author)
    assert "Will add 1 milestone." in " ".join(t.value for t in at.text)
    ready = at.dataframe[-1].value
    assert list(ready.iloc[0][["Action", "Adds", "Due or target"]]) == ["A1.O1.1", "Milestone: =Briefing held", "03/04/2026"]
    _click(at, "Import these")
    assert [s.value for s in at.success] == ["Imported 1 milestone from milestones.csv."]
    [(_, milestone)] = P.load_plan(engine, pid).all_milestones()
    assert (milestone.title, milestone.due_date, milestone.status) == ("=Briefing held", "2026-04-03", "on_track")


def test_a_plan_already_imported_says_so_and_offers_no_button(url, engine, pid, author):
    _a_plan(engine, pid, author)
    at = _run(_plan_app, (url, pid, export_csv(engine, pid), "plan.csv"), author)
    assert _button(at, "Import these") is None
    assert [w.value for w in at.warning] == ["Everything in the file is already in the plan."]


def test_a_plan_file_with_unknown_columns_and_bad_dates_lists_every_problem(url, engine, pid, author):
    data = csv_bytes(
        ["Strategic aim", "Intended outcome", "Action", "Lead", "Completion", "Colour"],
        [["Aim", "Outcome", "Do it", "Police", "soon", "Blue"]],
    )
    at = _run(_plan_app, (url, pid, data, "plan.csv"), author)
    assert _button(at, "Import these") is None
    problems = next(d.value for d in at.dataframe if list(d.value.columns) == ["Row", "Column", "Problem"])
    assert list(problems["Row"]) == [2] and list(problems["Column"]) == ["Completion"]
    ignored = next(d.value for d in at.dataframe if list(d.value.columns) == ["Column in the file", "Why"])
    assert list(ignored["Column in the file"]) == ["Colour"]  # ("Budget" is read as the action's cost now)
