"""Resources, milestones and output indicators on the Action plan page, as a person uses them (AppTest)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database, read_session
from strategy.core.models import PlanMilestone, Revision
from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P
from strategy.ui.state import PARTNERSHIP_KEY
from tests.people_support import sign_in_as
from tests.test_app import APP

SAM = Author.make("Sam Patel", "Harbourshire Council")
JO = Author.make("Jo Evans", "Harbourshire Police")
HOSTILE = "<img src=x onerror=alert(1)> **bold** =cmd|' /C calc'!A0"


@pytest.fixture
def url(tmp_path, monkeypatch, db_templates):
    url = db_templates.sqlite(tmp_path / "depth.sqlite3")
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    dispose_engine(url)


@pytest.fixture
def engine(url):
    return prepare_database(url)


@pytest.fixture
def pid(engine):
    return create_partnership(engine, name="Harbourshire", nation="england").id


@pytest.fixture
def action(engine, pid):
    P.add_agency(engine, pid, "Harbourshire Police", author=SAM)
    aim = P.add_aim(engine, pid, title="Adults who pose a risk are disrupted", author=SAM)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Hotels report concerns", author=SAM)
    return P.create_action(
        engine,
        pid,
        outcome_id=outcome.id,
        title="Restart Operation Makesafe",
        author=SAM,
        leads=["Harbourshire Police"],
        start_date="01/04/2026",
        end_date="31/03/2027",
        cost="£12,500",
        staff_time="0.2 FTE police sergeant",
    )


def page(pid: int) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[PARTNERSHIP_KEY] = str(pid)
    sign_in_as(at, SAM)
    at.run()
    at.switch_page("views/action_plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def said(elements) -> list[str]:
    return [e.value.replace("\\", "") for e in elements]


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def field(at: AppTest, key: str):
    return at.text_input(key=f"plan|{key}")


def test_the_add_action_form_takes_resources_and_refuses_a_negative_cost_keeping_what_was_typed(engine, pid):
    aim = P.add_aim(engine, pid, title="Aim", author=SAM)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Every school knows the signs", author=SAM)
    at = page(pid)
    next(s for s in at.selectbox if s.label.startswith("Intended outcome")).set_value(outcome.id)
    next(t for t in at.text_area if t.label == "Action").input("Train designated safeguarding leads")
    next(t for t in at.text_input if t.label == "Cost (£)").input("-£500")
    next(t for t in at.text_input if t.label == "Staff time").input("0.1 FTE trainer")
    button(at, "Add the action").click().run()
    assert any("a cost cannot be below £0" in e for e in said(at.error))
    assert P.load_plan(engine, pid).all_actions() == []
    assert next(t for t in at.text_input if t.label == "Staff time").value == "0.1 FTE trainer"
    next(t for t in at.text_input if t.label == "Cost (£)").input("12.5k")
    button(at, "Add the action").click().run()
    assert not at.exception
    [x] = P.load_plan(engine, pid).all_actions()
    assert (x.cost_pence, x.staff_time) == (1_250_000, "0.1 FTE trainer")


def test_milestones_are_added_warned_about_changed_and_removed_on_the_page(engine, pid, action):
    at = page(pid)
    assert any("Resources: £12,500; staff time: 0.2 FTE police sergeant" in c for c in said(at.caption))
    new = f"ms-new-{action.id}"
    # A date that is not one: refused, nothing stored, the text stays.
    field(at, f"{new}|title").input(HOSTILE)
    field(at, f"{new}|due_date").input("31/02/2026")
    button(at, "Add the milestone").click().run()
    assert any("The milestone's due date" in e for e in said(at.error))
    assert P.load_plan(engine, pid).all_milestones() == []
    assert field(at, f"{new}|title").value == HOSTILE
    # Before the action commences: added, with a warning that says which date to check.
    field(at, f"{new}|due_date").input("01/01/2026")
    button(at, "Add the milestone").click().run()
    assert not at.exception
    [(_x, m)] = P.load_plan(engine, pid).all_milestones()
    assert (m.title, m.due_date) == (HOSTILE, "2026-01-01")
    assert any("Added the milestone. It is due on 01/01/2026, before its action commences (01/04/2026)" in w for w in said(at.warning))
    # Marked done: saved with today's date.
    at.selectbox(key=f"plan|ms-{m.id}|status").set_value("done")
    field(at, f"ms-{m.id}|due_date").input("30/09/2026")
    button(at, "Save the milestone").click().run()
    saved = P.load_plan(engine, pid).milestones[action.id][0]
    assert (saved.status, saved.due_date, saved.done_date is not None) == ("done", "2026-09-30", True)
    assert any("Saved the milestone." in s for s in said(at.success))
    button(at, "Remove the milestone").click().run()
    assert P.load_plan(engine, pid).all_milestones() == []
    # The title in the message is text: every markdown and HTML character escaped, nothing drawn.
    [removed] = [e.value for e in at.info if "Removed milestone" in e.value]
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in removed and "\\*\\*bold\\*\\*" in removed
    button(at, "Undo the removal").click().run()
    assert len(P.load_plan(engine, pid).all_milestones()) == 1


def test_a_milestone_changed_by_someone_else_meanwhile_is_a_conflict_and_nothing_is_lost(engine, pid, action):
    m = P.add_milestone(engine, pid, action_id=action.id, title="Hotels briefed", author=SAM, due_date="30/09/2026")
    at = page(pid)
    field(at, f"ms-{m.id}|title").input("Hotels and taxi firms briefed")
    P.update_milestone(engine, pid, m.id, expected_version=m.version, author=JO, status="at_risk")  # Jo saves first
    button(at, "Save the milestone").click().run()
    assert not at.exception
    assert any("Jo Evans changed this milestone while you were editing it" in e for e in said(at.error))
    with read_session(engine) as session:
        row = session.get(PlanMilestone, m.id)
        assert (row.title, row.status) == ("Hotels briefed", "at_risk")
        copies = [
            r.new_value
            for r in session.exec(Revision.__table__.select().where(Revision.action == "conflict_copy")).all()  # type: ignore[attr-defined]
        ]
    assert any("Hotels and taxi firms briefed" in (c or "") for c in copies)
    # Sam's text is still in the field, Jo's status taken in; saving again keeps both.
    assert field(at, f"ms-{m.id}|title").value == "Hotels and taxi firms briefed"
    assert at.selectbox(key=f"plan|ms-{m.id}|status").value == "at_risk"
    button(at, "Save the milestone").click().run()
    row = P.load_plan(engine, pid).milestones[action.id][0]
    assert (row.title, row.status) == ("Hotels and taxi firms briefed", "at_risk")


def test_output_indicators_are_added_and_a_count_that_is_not_a_number_is_refused(engine, pid, action):
    at = page(pid)
    new = f"out-new-{action.id}"
    field(at, f"{new}|title").input("Training sessions delivered")
    field(at, f"{new}|target").input("twelve")
    button(at, "Add the output indicator").click().run()
    assert any("The target should be a number, but it is 'twelve'" in e for e in said(at.error))
    assert P.load_plan(engine, pid).all_outputs() == []
    field(at, f"{new}|target").input("12")
    field(at, f"{new}|achieved").input("-1")
    button(at, "Add the output indicator").click().run()
    assert any("cannot be less than 0" in e for e in said(at.error))
    field(at, f"{new}|achieved").input("3")
    field(at, f"{new}|as_at").input("30/11/2026")
    button(at, "Add the output indicator").click().run()
    [(_x, out)] = P.load_plan(engine, pid).all_outputs()
    assert (out.title, out.target, out.achieved, out.as_at) == ("Training sessions delivered", 12.0, 3.0, "2026-11-30")
    assert any(c == "3 of 12 (25%) at 30/11/2026" for c in said(at.caption))
    field(at, f"out-{out.id}|achieved").input("6")
    field(at, f"out-{out.id}|as_at").input("01/12/2026")
    button(at, "Save the output indicator").click().run()
    assert P.load_plan(engine, pid).outputs[action.id][0].achieved == 6.0


def test_a_scrutineer_reads_the_milestones_as_a_table_with_nothing_to_change(engine, pid, action):
    P.add_milestone(engine, pid, action_id=action.id, title="Hotels briefed", author=SAM)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[PARTNERSHIP_KEY] = str(pid)
    sign_in_as(at, Author.make("Viv Scrutineer", "Independent"), role="scrutineer", partnership_id=pid)
    at.run()
    at.switch_page("views/action_plan.py").run()
    assert not at.exception
    assert not [b for b in at.button if "milestone" in b.label or "output indicator" in b.label]
    table = next(f.value for f in at.dataframe if "Milestone" in f.value.columns)
    assert table["Milestone"].tolist() == ["Hotels briefed"]


def test_the_scrutineers_dashboard_lists_milestones_due_and_outputs(engine, pid, action):
    P.add_milestone(engine, pid, action_id=action.id, title="Hotels briefed", author=SAM, due_date="01/06/2026", status="at_risk")
    P.add_milestone(engine, pid, action_id=action.id, title="Far off", author=SAM, due_date="31/03/2099")
    P.add_output(engine, pid, action_id=action.id, title="Hotels visited", author=SAM, target=80, achieved=34, as_at="30/11/2026")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[PARTNERSHIP_KEY] = str(pid)
    sign_in_as(at, SAM)
    at.run()
    at.switch_page("views/scrutiny.py").run()
    assert not at.exception, [e.value for e in at.exception]
    headers = [h.value for h in at.header]
    assert "Milestones due and overdue" in headers and "Output indicators" in headers
    frames = [f.value for f in at.dataframe]
    milestones = next(f for f in frames if "Milestone" in f.columns)
    assert milestones[["Milestone", "Due", "Status", "Overdue"]].values.tolist() == [["Hotels briefed", "01/06/2026", "At risk", True]]
    outputs = next(f for f in frames if "Output indicator" in f.columns)
    assert outputs[["Output indicator", "Target", "Achieved", "Share of target"]].values.tolist() == [["Hotels visited", "80", "34", "43%"]]


def test_the_tables_cost_cell_saves_a_cost_and_refuses_one_that_is_not_money(engine, pid, action):
    import streamlit as st

    from strategy.ui import plan_extras, plan_views
    from strategy.ui.state import AUTHOR_KEY

    labels = {"A1.O1 Hotels report concerns": action.outcome_id}
    st.session_state[AUTHOR_KEY] = SAM
    rows = P.action_rows(P.load_plan(engine, pid))
    assert (rows[0]["Cost"], rows[0]["Staff time"]) == ("£12,500", "0.2 FTE police sergeant")
    st.session_state["ed"] = {"edited_rows": {0: {"Cost": "=1+1"}}, "added_rows": [], "deleted_rows": []}
    plan_views._table_changed(engine, pid, "ed", rows, labels)
    assert "A1.O1.1: The cost '=1+1' is not an amount of money" in st.session_state[plan_extras.MSG][1]
    assert P.load_plan(engine, pid).action(action.id).cost_pence == 1_250_000
    st.session_state["ed"] = {"edited_rows": {0: {"Cost": "£1.5k", "Funding source": "PCC fund"}}, "added_rows": [], "deleted_rows": []}
    plan_views._table_changed(engine, pid, "ed", rows, labels)
    x = P.load_plan(engine, pid).action(action.id)
    assert (x.cost_pence, x.funding_source) == (150_000, "PCC fund")
