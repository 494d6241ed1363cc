"""The plan's pages as a person uses them (AppTest), and the action plan table's saving."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from strategy.answers.operations import add_row, list_rows
from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database
from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P
from strategy.ui.state import AUTHOR_KEY, PARTNERSHIP_KEY
from tests.people_support import sign_in_as
from tests.test_app import APP

SAM = Author.make("Sam Patel", "Harbourshire Council")


@pytest.fixture
def url(tmp_path, monkeypatch, db_templates, request):
    """Each test its own SQLite file, copied from a migrated template (the app's engine is cached per
    URL); a copy of the demo's database when the test asks for ``sqlite_demo_id``."""
    url = db_templates.sqlite(tmp_path / "plan.sqlite3", demo="sqlite_demo_id" in request.fixturenames)
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    dispose_engine(url)


@pytest.fixture
def engine(url):
    return prepare_database(url)


@pytest.fixture
def pid(engine):
    return create_partnership(engine, name="Harbourshire", nation="england").id


def page(pid: int, path: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[PARTNERSHIP_KEY] = str(pid)
    sign_in_as(at, SAM)
    at.run()
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def said(elements) -> list[str]:
    """What the person reads (markdown escapes taken out)."""
    return [e.value.replace("\\", "") for e in elements]


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_adding_aims_refusing_a_duplicate_and_removing_with_undo(engine, pid):
    at = page(pid, "views/theory_of_change.py")
    assert any("No strategic aims yet" in x for x in said(at.info))
    at.text_input(key="plan|new-aim").input("Recognise more children, earlier")
    button(at, "Add the aim").click().run()
    assert [a.title for a in P.load_plan(engine, pid).aims] == ["Recognise more children, earlier"]
    assert any("Added A1" in x for x in said(at.success))
    at.text_input(key="plan|new-aim").input("  RECOGNISE more children, earlier ")
    button(at, "Add the aim").click().run()
    assert any("already a strategic aim called" in x for x in said(at.error))
    assert len(P.load_plan(engine, pid).aims) == 1
    aim = P.load_plan(engine, pid).aims[0]
    at.text_area(key=f"plan|new-outcome|{aim.id}").input("Practitioners recognise signs")
    button(at, "Add the outcome").click().run()
    assert not at.exception
    assert any("A1.O1 'Practitioners recognise signs' has no action yet." in x for x in said(at.warning))
    button(at, "Remove A1 with 1 outcome").click().run()
    assert P.load_plan(engine, pid).empty
    assert any("with 1 outcome" in x for x in said(at.info))
    button(at, "Undo the removal").click().run()
    plan = P.load_plan(engine, pid)
    assert [plan.code("outcome", o.id) for o in plan.all_outcomes()] == ["A1.O1"]


def test_an_aim_edited_by_someone_else_meanwhile_is_reported(engine, pid):
    aim = P.add_aim(engine, pid, title="First name", author=SAM)
    at = page(pid, "views/theory_of_change.py")
    P.update_aim(engine, pid, aim.id, expected_version=aim.version, author=Author.make("Jo"), description="Jo's words")
    at.text_input(key=f"plan|aim-title|{aim.id}").input("My new name")
    button(at, "Save the aim").click().run()
    assert any("Jo changed this strategic aim while you were editing it" in x for x in said(at.error))
    stored = P.load_plan(engine, pid).aims[0]
    assert (stored.title, stored.description) == ("First name", "Jo's words")
    # Their description came into the untouched field; my title stayed in mine. Saving again keeps both.
    assert at.text_input(key=f"plan|aim-title|{aim.id}").value == "My new name"
    assert at.text_area(key=f"plan|aim-desc|{aim.id}").value == "Jo's words"
    button(at, "Save the aim").click().run()
    stored = P.load_plan(engine, pid).aims[0]
    assert (stored.title, stored.description) == ("My new name", "Jo's words")


def test_evaluation_lists_outcomes_without_a_measure_and_adds_one(engine, pid):
    aim = P.add_aim(engine, pid, title="Aim", author=SAM)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Staff are more confident", author=SAM)
    at = page(pid, "views/evaluation.py")
    assert any("1 intended outcome has no measure yet" in x for x in said(at.warning))
    assert "A1.O1 Staff are more confident" in said(at.text)
    at.selectbox(key="plan|m-new|outcome").set_value(outcome.id)
    at.text_area(key="plan|m-new|indicator").input("Survey confidence score")
    at.text_input(key="plan|m-new|baseline_date").input("31/02/2026")
    button(at, "Add the measure").click().run()
    assert any("not a real date" in x for x in said(at.error))
    assert P.load_plan(engine, pid).all_measures() == []
    at.text_input(key="plan|m-new|baseline_date").input("31/10/2025")
    button(at, "Add the measure").click().run()
    assert [m.baseline_date for m in P.load_plan(engine, pid).all_measures()] == ["2025-10-31"]
    assert any("Every intended outcome has at least one measure" in x for x in said(at.success))


def test_a_components_activity_becomes_an_action_in_one_step(engine, pid):
    aim = P.add_aim(engine, pid, title="Aim", author=SAM)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Outcome", author=SAM)
    row = add_row(
        engine,
        pid,
        "prevention.activities",
        {"activity": "Restart Operation Makesafe", "level": "secondary", "lead": "Harbourshire Police"},
        author=SAM,
    )
    at = page(pid, "views/prevention.py")
    at.selectbox(key="plan|act-outcome|prevention.activities").set_value(outcome.id)
    button(at, "Make it an action").click().run()
    assert any("not yet one of the partnership's agencies" in x for x in said(at.warning))
    assert P.load_plan(engine, pid).all_actions() == []
    button(at, "Add Harbourshire Police to the partnership's agencies").click().run()
    at.selectbox(key="plan|act-outcome|prevention.activities").set_value(outcome.id)
    button(at, "Make it an action").click().run()
    [action] = P.load_plan(engine, pid).all_actions()
    assert (action.title, action.component, P.leads(action)) == ("Restart Operation Makesafe", "prevention", ["Harbourshire Police"])
    assert action.origin == f"component:prevention:item:{row.id}"
    assert any("Restart Operation Makesafe (A1.O1.1)" in x for x in said(at.caption))
    assert list_rows(engine, pid, "prevention.activities")[0].values["activity"] == "Restart Operation Makesafe"


def test_the_action_plan_page_shows_checks_views_and_downloads_on_the_demo(engine, sqlite_demo_id, monkeypatch):
    from strategy.plan import io as plan_io

    made = []
    for name in ("export_xlsx", "export_csv"):
        real = getattr(plan_io, name)
        monkeypatch.setattr(plan_io, name, lambda *a, _real=real, _name=name, **k: made.append(_name) or _real(*a, **k))
    demo = sqlite_demo_id
    at = page(demo, "views/action_plan.py")
    assert any("Every action has a lead and dates" in x for x in said(at.success))
    assert [t.label for t in at.tabs] == ["By aim", "By agency", "By component", "By recommendation", "Timeline"]
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == ["Download as Excel", "Download as CSV", "Milestones as CSV", "Output indicators as CSV"]
    assert made == []  # the files are made when a download is clicked, not on every run of the page
    assert not at.get("plotly_chart")  # the timeline is drawn when its tab is open
    at.session_state["plan|views"] = "Timeline"
    at.run()
    assert len(at.get("plotly_chart")) == 1
    # The demo's milestones are on the chart, and in a table of their own under it.
    names = {t["name"] for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"] if t.get("name")}
    assert names & {"Milestone done", "Milestone due", "Milestone overdue"}
    assert any("Milestones" in x for x in said(at.markdown))


def test_the_action_plan_page_on_a_plan_with_gaps(engine, pid):
    aim = P.add_aim(engine, pid, title="Aim", author=SAM)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Outcome", author=SAM)
    P.add_outcome(engine, pid, aim_id=aim.id, title="Outcome without action", author=SAM)
    P.create_action(engine, pid, outcome_id=outcome.id, title="No lead, no dates", author=SAM)
    at = page(pid, "views/action_plan.py")
    shown = said(at.warning)
    assert any("A1.O1.1 'No lead, no dates' has no lead agency." in w for w in shown)
    assert any("has no dates" in w for w in shown)
    assert any("A1.O2 'Outcome without action' has no action yet." in w for w in shown)


# --- The table editor's saving, driven as Streamlit drives it -----------------------------------


def test_table_edits_paste_and_removal_save_through_the_plan(engine, pid):
    from strategy.ui import plan_extras, plan_views

    P.add_agency(engine, pid, "Harbourshire Police", author=SAM)
    aim = P.add_aim(engine, pid, title="Aim", author=SAM)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Outcome", author=SAM)
    first = P.create_action(engine, pid, outcome_id=outcome.id, title="First", author=SAM)
    plan = P.load_plan(engine, pid)
    rows = P.action_rows(plan)
    labels = {"A1.O1 Outcome": outcome.id}
    st.session_state[AUTHOR_KEY] = SAM
    st.session_state["ed"] = {
        "edited_rows": {
            0: {
                "Lead/responsible agency": "harbourshire police",
                "Commencement": "01/04/2026",
                "Completion": "31/03/2027",
                "Core component": "Identification",
                "Recommendations": "2; 5",
            }
        },
        "added_rows": [
            {"Intended outcome": "A1.O1 Outcome", "Action": f"Pasted {i}", "Lead/responsible agency": "Harbourshire Police"}
            for i in range(300)
        ],
        "deleted_rows": [],
    }
    plan_views._table_changed(engine, pid, "ed", rows, labels)
    plan = P.load_plan(engine, pid)
    stored = plan.actions[outcome.id][0]
    assert (P.leads(stored), stored.start_date, stored.end_date) == (["Harbourshire Police"], "2026-04-01", "2027-03-31")
    assert (stored.component, P.recommendations(stored)) == ("identification", ["rec2", "rec5"])
    assert len(plan.all_actions()) == 301
    # A lead who is not an agency yet: nothing saved, and the page offers to add it.
    st.session_state["ed"] = {"edited_rows": {0: {"Lead/responsible agency": "Harbour Light"}}, "added_rows": [], "deleted_rows": []}
    plan_views._table_changed(engine, pid, "ed", P.action_rows(plan), labels)
    assert st.session_state[plan_views.PENDING_AGENCIES] == ["Harbour Light"]
    assert P.leads(P.load_plan(engine, pid).actions[outcome.id][0]) == ["Harbourshire Police"]
    # Completion before commencement: refused, nothing changed.
    st.session_state["ed"] = {"edited_rows": {0: {"Completion": "01/01/2026"}}, "added_rows": [], "deleted_rows": []}
    plan_views._table_changed(engine, pid, "ed", P.action_rows(P.load_plan(engine, pid)), labels)
    assert "before the commencement date" in st.session_state[plan_extras.MSG][1]
    assert P.load_plan(engine, pid).actions[outcome.id][0].end_date == "2027-03-31"
    # Removing a row keeps it restorable.
    st.session_state["ed"] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [0]}
    plan_views._table_changed(engine, pid, "ed", P.action_rows(P.load_plan(engine, pid)), labels)
    assert first.id not in [x.id for x in P.load_plan(engine, pid).all_actions()]
    assert st.session_state[plan_views.UNDO] == ("action", first.id)
    # Choosing another outcome moves the action there.
    other = P.add_outcome(engine, pid, aim_id=aim.id, title="Another outcome", author=SAM)
    labels["A1.O2 Another outcome"] = other.id
    rows = P.action_rows(P.load_plan(engine, pid))
    st.session_state["ed"] = {"edited_rows": {0: {"Intended outcome": "A1.O2 Another outcome"}}, "added_rows": [], "deleted_rows": []}
    plan_views._table_changed(engine, pid, "ed", rows, labels)
    plan = P.load_plan(engine, pid)
    assert [plan.code("action", x.id) for x in plan.actions[other.id]] == ["A1.O2.1"]


@pytest.mark.parametrize(
    "path",
    [
        "views/theory_of_change.py",
        "views/evaluation.py",
        "views/action_plan.py",
        "views/prevention.py",
        "views/identification.py",
        "views/whole_system.py",
        "views/workforce_development.py",
    ],
)
def test_every_plan_page_runs_on_a_fresh_partnership(engine, pid, path):
    at = page(pid, path)
    assert not at.error, [e.value for e in at.error]


def test_actions_reorder_on_the_theory_of_change_page_and_keep_their_codes(engine, pid):
    aim = P.add_aim(engine, pid, title="Aim", author=SAM)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Outcome", author=SAM)
    first, second = (P.create_action(engine, pid, outcome_id=outcome.id, title=t, author=SAM) for t in ("First", "Second"))
    at = page(pid, "views/theory_of_change.py")
    at.button(key=f"plan|down|action|{first.id}").click().run()
    plan = P.load_plan(engine, pid)
    assert [x.title for x in plan.actions[outcome.id]] == ["Second", "First"]
    assert (plan.code("action", first.id), plan.code("action", second.id)) == ("A1.O1.1", "A1.O1.2")


def test_home_sums_up_the_plan(engine, sqlite_demo_id):
    demo = sqlite_demo_id
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[PARTNERSHIP_KEY] = str(demo)
    sign_in_as(at, SAM)
    at.run()
    assert "4 strategic aims · 8 intended outcomes · 20 actions · 8 measures · 0 gaps to close" in [m.value for m in at.markdown]


def test_a_large_plans_aims_are_drawn_when_opened_and_typing_survives_closing(engine, pid):
    aims = [P.add_aim(engine, pid, title=f"Aim number {n}", author=SAM) for n in range(1, 5)]
    at = page(pid, "views/theory_of_change.py")
    # Four aims: each is closed, and none of its fields is drawn until it is opened.
    assert not [t for t in at.text_input if t.key == f"plan|aim-title|{aims[2].id}"]
    at.session_state[f"plan|aim-open|{aims[2].id}"] = True
    at.run()
    at.text_area(key=f"plan|aim-desc|{aims[2].id}").input("Typed, not yet saved")
    at.run()
    at.session_state[f"plan|aim-open|{aims[2].id}"] = False  # closed again before saving
    at.run()
    assert not [t for t in at.text_area if t.key == f"plan|aim-desc|{aims[2].id}"]
    at.session_state[f"plan|aim-open|{aims[2].id}"] = True
    at.run()
    assert at.text_area(key=f"plan|aim-desc|{aims[2].id}").value == "Typed, not yet saved"
    button(at, "Save the aim").click().run()
    assert P.load_plan(engine, pid).aims[2].description == "Typed, not yet saved"


# --- Adding actions: nothing typed is lost --------------------------------------------------------


def test_a_row_typed_action_first_is_kept_with_what_it_lacks_until_completed(engine, pid):
    from strategy.ui import plan_views

    aim = P.add_aim(engine, pid, title="Aim", author=SAM)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Outcome", author=SAM)
    labels = {"A1.O1 Outcome": outcome.id}
    st.session_state[AUTHOR_KEY] = SAM
    typed = {"Action": "Train every designated safeguarding lead", "Commencement": "01/04/2026"}
    st.session_state["ed"] = {
        "edited_rows": {},
        "added_rows": [typed, {"Intended outcome": "A1.O1 Outcome", "Action": "Complete row"}],
        "deleted_rows": [],
    }
    plan_views._table_changed(engine, pid, "ed", [], labels)
    # The complete row is added; the one without an outcome is kept, saying what it lacks.
    assert [a.title for a in P.load_plan(engine, pid).all_actions()] == ["Complete row"]
    kept = st.session_state[plan_views._unsaved_key(pid)]
    assert [(r["Action"], r["Commencement"], r["What is missing"]) for r in kept] == [
        ("Train every designated safeguarding lead", "01/04/2026", "choose the intended outcome")
    ]
    # Choosing the outcome in the kept row adds it, with what was typed.
    st.session_state["kept"] = {"edited_rows": {0: {"Intended outcome": "A1.O1 Outcome"}}, "added_rows": [], "deleted_rows": []}
    plan_views._unsaved_changed(engine, pid, "kept", labels)
    plan = P.load_plan(engine, pid)
    assert sorted((a.title, a.start_date) for a in plan.all_actions()) == [
        ("Complete row", None),
        ("Train every designated safeguarding lead", "2026-04-01"),
    ]
    assert st.session_state[plan_views._unsaved_key(pid)] == []


def test_pasted_rows_with_an_unknown_agency_or_a_bad_date_are_kept_and_the_rest_added(engine, pid):
    from strategy.ui import plan_views

    aim = P.add_aim(engine, pid, title="Aim", author=SAM)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Outcome", author=SAM)
    labels = {"A1.O1 Outcome": outcome.id}
    st.session_state[AUTHOR_KEY] = SAM
    rows = [{"Intended outcome": "A1.O1 Outcome", "Action": f"Row {i}"} for i in range(5)]
    rows[1]["Lead/responsible agency"] = "Harbour Light"
    rows[3]["Completion"] = "31/02/2027"
    st.session_state["ed"] = {"edited_rows": {}, "added_rows": rows, "deleted_rows": []}
    plan_views._table_changed(engine, pid, "ed", [], labels)
    assert sorted(a.title for a in P.load_plan(engine, pid).all_actions()) == ["Row 0", "Row 2", "Row 4"]
    kept = st.session_state[plan_views._unsaved_key(pid)]
    assert sorted(r["Action"] for r in kept) == ["Row 1", "Row 3"]
    missing = {r["Action"]: r["What is missing"] for r in kept}
    assert "Harbour Light" in missing["Row 1"]
    assert "31/02/2027" in missing["Row 3"]
    assert st.session_state[plan_views.PENDING_AGENCIES] == ["Harbour Light"]
    plan_views._discard_unsaved(pid)
    assert plan_views._unsaved_key(pid) not in st.session_state


def test_the_add_action_form_keeps_what_was_typed_until_it_can_be_added(engine, pid):
    aim = P.add_aim(engine, pid, title="Aim", author=SAM)
    P.add_outcome(engine, pid, aim_id=aim.id, title="Every school knows the signs", author=SAM)
    P.add_agency(engine, pid, "Harbourshire Council", author=SAM)
    at = page(pid, "views/action_plan.py")
    action = next(t for t in at.text_area if t.label == "Action")
    action.input("Deliver signs-and-indicators training to every school")
    button(at, "Add the action").click().run()
    assert any("choose the intended outcome" in e for e in said(at.error))
    assert P.load_plan(engine, pid).all_actions() == []
    # What was typed is still there; choose the outcome and add it.
    assert next(t for t in at.text_area if t.label == "Action").value == "Deliver signs-and-indicators training to every school"
    outcome = next(s for s in at.selectbox if s.label.startswith("Intended outcome"))
    assert outcome.options == ["A1.O1 Every school knows the signs"]
    outcome.set_value(outcome.options and P.load_plan(engine, pid).all_outcomes()[0].id)
    next(m for m in at.multiselect if m.label == "Lead/responsible agency").set_value(["Harbourshire Council"])
    button(at, "Add the action").click().run()
    assert not at.exception
    actions = P.load_plan(engine, pid).all_actions()
    assert [(a.title, P.leads(a)) for a in actions] == [("Deliver signs-and-indicators training to every school", ["Harbourshire Council"])]
    assert any("Added A1.O1.1" in s for s in said(at.success))
    # A fresh, empty form for the next action.
    assert next(t for t in at.text_area if t.label == "Action").value == ""
