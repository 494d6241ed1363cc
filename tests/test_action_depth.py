"""The plan, deeper (Guide §12, §15.1): each action's resources (cost, funding source, staff time), its
milestones (due date, status, date done) and its output indicators (achieved against a target), through
the operations, the plan's import and export, the Word draft read back, and the progress report."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from alembic import command
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import select

from strategy.core.db import _alembic_config, get_engine, prepare_database, read_session
from strategy.core.errors import Conflict, InvalidInput, NotFound
from strategy.core.models import PlanAction, PlanMilestone, PlanOutput, Revision
from strategy.documents.draft import export_docx
from strategy.documents.progress_report import export_progress_report
from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P
from strategy.plan.io import EXPORT_COLUMNS, commit_import, export_csv, export_xlsx, preview_import

HOSTILE = "=cmd|' /C calc'!A0 <script>alert(1)</script> & ]]> ‘Ŵ’ 🙂"
TODAY = date.today()


@pytest.fixture
def action(engine, partnership, author):
    """One action under one outcome, running from 01/04/2026 to 31/03/2027."""
    pid = partnership.id
    P.add_agency(engine, pid, "Harbourshire Police", author=author)
    aim = P.add_aim(engine, pid, title="Adults who pose a risk are disrupted", author=author)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Hotels report concerns", author=author)
    return P.create_action(
        engine,
        pid,
        outcome_id=outcome.id,
        title="Restart Operation Makesafe",
        author=author,
        leads=["Harbourshire Police"],
        start_date="01/04/2026",
        end_date="31/03/2027",
    )


def stored(engine, model, row_id):
    with read_session(engine) as session:
        row = session.get(model, row_id)
        return row.model_dump() if row else None


def history(engine, pid, prompt_id, item_id) -> list[tuple[str, str | None, str | None]]:
    with read_session(engine) as session:
        rows = session.exec(
            select(Revision).where(Revision.partnership_id == pid, Revision.prompt_id == prompt_id, Revision.item_id == item_id)
        ).all()
        return [(r.action, r.field, r.new_value) for r in sorted(rows, key=lambda r: r.id or 0)]


# --- Resources ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, pence",
    [
        ("£12,500", 1_250_000),
        ("12500", 1_250_000),
        ("12.5k", 1_250_000),
        ("12.5K", 1_250_000),
        ("£ 12,500.50", 1_250_050),
        ("£1.2m", 120_000_000),
        ("3 million", 300_000_000),
        ("12500 GBP", 1_250_000),
        ("£0", 0),
        (12500, 1_250_000),
        (12500.0, 1_250_000),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_costs_as_people_write_them(written, pence):
    assert P.parse_cost(written) == pence


@pytest.mark.parametrize(
    "written, message",
    [
        ("-500", "a cost cannot be below £0"),
        ("−£500", "a cost cannot be below £0"),
        ("(500)", "a cost cannot be below £0"),
        (-500, "a cost cannot be negative"),
        ("about ten thousand", "is not an amount of money"),
        ("$500", "is not in pounds"),
        ("€500", "is not in pounds"),
        ("1,5", "Use a point for decimals"),
        ("NaN", "is not an amount of money"),
        (float("nan"), "should be a number"),
        (float("inf"), "should be a number"),
        ("£2bn", "more than £1 billion"),
        (HOSTILE, "is not an amount of money"),
        ("c", "is not an amount of money"),
    ],
)
def test_a_cost_that_is_not_money_is_refused_saying_how_to_write_it(written, message):
    with pytest.raises(InvalidInput, match=message) as raised:
        P.parse_cost(written)
    assert "such as £12,500, 12500 or 12.5k" in raised.value.message


def test_resources_are_saved_version_checked_and_kept_in_the_history(engine, partnership, author, other_author, action):
    pid = partnership.id
    saved = P.update_action(
        engine,
        pid,
        action.id,
        expected_version=action.version,
        author=author,
        cost="12.5k",
        funding_source="Police and Crime Commissioner's fund",
        staff_time="0.2 FTE police sergeant",
    )
    row = stored(engine, PlanAction, action.id)
    assert (row["cost_pence"], row["funding_source"], row["staff_time"]) == (
        1_250_000,
        "Police and Crime Commissioner's fund",
        "0.2 FTE police sergeant",
    )
    assert P.resources_text(P.load_plan(engine, pid).action(action.id)) == (
        "£12,500; funding: Police and Crime Commissioner's fund; staff time: 0.2 FTE police sergeant"
    )
    assert ("edit", "cost_pence", "1250000") in history(engine, pid, "plan.action", action.id)
    # A negative cost is refused and the stored cost is as it was.
    with pytest.raises(InvalidInput, match="cannot be below £0"):
        P.update_action(engine, pid, action.id, expected_version=saved.version, author=author, cost="-£300")
    assert stored(engine, PlanAction, action.id) == row
    # Someone else saving on the version loaded before: a conflict, their figure in the history.
    with pytest.raises(Conflict) as raised:
        P.update_action(engine, pid, action.id, expected_version=action.version, author=other_author, cost="£9,000")
    assert raised.value.theirs == {"cost_pence": 1_250_000}
    assert stored(engine, PlanAction, action.id)["cost_pence"] == 1_250_000
    assert any(a == "conflict_copy" and "900000" in (v or "") for a, _f, v in history(engine, pid, "plan.action", action.id))
    # The cost is cleared by leaving it empty.
    P.update_action(engine, pid, action.id, expected_version=saved.version, author=author, cost="")
    assert stored(engine, PlanAction, action.id)["cost_pence"] is None


def test_a_new_action_can_carry_its_resources_and_a_bad_cost_adds_nothing(engine, partnership, author, action):
    pid = partnership.id
    outcome_id = action.outcome_id
    made = P.create_action(
        engine, pid, outcome_id=outcome_id, title="Brief taxi drivers", author=author, cost="£4,200", staff_time="Two hours"
    )
    assert (made.cost_pence, made.staff_time) == (420_000, "Two hours")
    with pytest.raises(InvalidInput, match="row 2: The cost 'lots' is not an amount of money"):
        P.create_actions(
            engine,
            pid,
            [
                {"outcome_id": outcome_id, "title": "One", "cost": "100"},
                {"outcome_id": outcome_id, "title": "Two", "cost": "lots"},
            ],
            author=author,
        )
    assert [x.title for x in P.load_plan(engine, pid).all_actions()] == ["Restart Operation Makesafe", "Brief taxi drivers"]


# --- Milestones -------------------------------------------------------------------------------------


def test_milestones_are_added_changed_and_kept_in_order_with_their_history(engine, partnership, author, action):
    pid = partnership.id
    later = P.add_milestone(engine, pid, action_id=action.id, title="Monthly summary shared", author=author, due_date="31/12/2026")
    first = P.add_milestone(
        engine, pid, action_id=action.id, title="Hotels briefed", author=author, due_date="30/09/2026", status="on track"
    )
    plan = P.load_plan(engine, pid)
    assert [m.title for m in plan.milestones[action.id]] == ["Hotels briefed", "Monthly summary shared"]
    assert (first.status, later.status) == ("on_track", "not_started")
    done = P.update_milestone(engine, pid, first.id, expected_version=first.version, author=author, status="done")
    assert (done.status, done.done_date) == ("done", TODAY.isoformat())  # done today unless a day is given
    again = P.update_milestone(engine, pid, first.id, expected_version=done.version, author=author, done_date="15/09/2026")
    assert again.done_date == "2026-09-15"
    steps = history(engine, pid, "plan.milestone", first.id)
    assert steps[0] == ("create", None, "Hotels briefed")
    assert ("edit", "status", "done") in steps and ("edit", "done_date", "2026-09-15") in steps
    # Back to "at risk": the date done goes.
    back = P.update_milestone(engine, pid, first.id, expected_version=again.version, author=author, status="at_risk")
    assert (back.status, back.done_date) == ("at_risk", None)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": "   "}, "The milestone is empty"),
        ({"title": "x" * (P.TEXT_LIMIT + 1)}, "The milestone"),
        ({"title": "Briefing", "due_date": "31/02/2026"}, "The milestone's due date"),
        ({"title": "Briefing", "due_date": "2026-13-01"}, "The milestone's due date"),
        ({"title": "Briefing", "due_date": "01/01/2100"}, "between 2000 and 2099"),
        ({"title": "Briefing", "status": "finished"}, "is not one of: Not started, On track, At risk, Done"),
        ({"title": "Briefing", "status": "on_track", "done_date": "01/05/2026"}, "Choose 'Done', or clear the date done"),
        ({"title": "Briefing", "status": "done", "done_date": (TODAY + timedelta(days=3)).strftime("%d/%m/%Y")}, "is in the future"),
        ({"title": "Briefing", "owner": "Sam"}, "A milestone has no owner"),
    ],
)
def test_a_bad_milestone_is_refused_with_what_to_fix_and_nothing_stored(engine, partnership, author, action, fields, message):
    pid = partnership.id
    with pytest.raises(InvalidInput, match=message):
        P.add_milestone(engine, pid, action_id=action.id, author=author, **fields)
    assert P.load_plan(engine, pid).milestones == {}


def test_a_milestone_outside_its_actions_dates_is_kept_with_a_warning(engine, partnership, author, action):
    pid = partnership.id
    early = P.add_milestone(engine, pid, action_id=action.id, title="Early", author=author, due_date="01/01/2026")
    late = P.add_milestone(engine, pid, action_id=action.id, title="Late", author=author, due_date="30/06/2027")
    inside = P.add_milestone(engine, pid, action_id=action.id, title="Inside", author=author, due_date="01/06/2026")
    x = P.load_plan(engine, pid).action(action.id)
    assert P.milestone_date_warning(x, early.due_date) == (
        "It is due on 01/01/2026, before its action commences (01/04/2026). Check one of the dates."
    )
    assert "after its action's completion (31/03/2027)" in P.milestone_date_warning(x, late.due_date)
    assert P.milestone_date_warning(x, inside.due_date) == ""
    found = [f.message for f in P.plan_checks(P.load_plan(engine, pid)) if f.kind == "milestone_dates"]
    assert found == [
        "A1.O1.1 milestone 'Early': It is due on 01/01/2026, before its action commences (01/04/2026). Check one of the dates.",
        "A1.O1.1 milestone 'Late': It is due on 30/06/2027, after its action's completion (31/03/2027). Check one of the dates.",
    ]


def test_two_people_editing_the_same_milestone_meet_a_conflict_and_nothing_is_lost(engine, partnership, author, other_author, action):
    pid = partnership.id
    m = P.add_milestone(engine, pid, action_id=action.id, title="Hotels briefed", author=author, due_date="30/09/2026")
    P.update_milestone(engine, pid, m.id, expected_version=m.version, author=author, title="Hotels and taxi firms briefed")
    with pytest.raises(Conflict) as raised:
        P.update_milestone(engine, pid, m.id, expected_version=m.version, author=other_author, title="Hotels briefed in person")
    assert "Sam Patel changed this milestone while you were editing it" in raised.value.message
    assert raised.value.theirs == {"title": "Hotels and taxi firms briefed"}
    assert stored(engine, PlanMilestone, m.id)["title"] == "Hotels and taxi firms briefed"
    copies = [v for a, _f, v in history(engine, pid, "plan.milestone", m.id) if a == "conflict_copy"]
    assert copies and "Hotels briefed in person" in copies[0]
    # The same in the other order: the second save is the one refused.
    now = stored(engine, PlanMilestone, m.id)["version"]
    P.update_milestone(engine, pid, m.id, expected_version=now, author=other_author, status="at_risk")
    with pytest.raises(Conflict):
        P.update_milestone(engine, pid, m.id, expected_version=now, author=author, status="on_track")
    assert stored(engine, PlanMilestone, m.id)["status"] == "at_risk"


def test_removing_an_action_takes_its_milestones_and_outputs_and_restoring_brings_them_back(engine, partnership, author, action):
    pid = partnership.id
    on_its_own = P.add_milestone(engine, pid, action_id=action.id, title="Removed first", author=author)
    kept = P.add_milestone(engine, pid, action_id=action.id, title="Hotels briefed", author=author, due_date="30/09/2026")
    output = P.add_output(engine, pid, action_id=action.id, title="Hotels visited", author=author, target=80)
    P.delete(engine, pid, "milestone", on_its_own.id, author=author)
    plan = P.load_plan(engine, pid)
    assert plan.removal_impact("action", action.id) == "1 milestone and 1 output indicator"
    assert P.delete(engine, pid, "action", action.id, author=author) == "1 milestone and 1 output indicator"
    plan = P.load_plan(engine, pid)
    assert plan.all_milestones() == [] and plan.all_outputs() == []
    # Only the action and the milestone removed on its own are offered; the rest come back with the action.
    assert [(r.kind, r.title) for r in P.removed(engine, pid)] == [("action", "Restart Operation Makesafe"), ("milestone", "Removed first")]
    # Editing or restoring a milestone of a removed action: told, not crashed, not re-created.
    with pytest.raises(NotFound, match="Someone removed that milestone"):
        P.update_milestone(engine, pid, kept.id, expected_version=kept.version, author=author, status="done")
    with pytest.raises(InvalidInput, match="Its action 'Restart Operation Makesafe' is removed too. Restore the action first"):
        P.restore(engine, pid, "milestone", on_its_own.id, author=author)
    with pytest.raises(NotFound, match="Someone removed that action"):
        P.add_milestone(engine, pid, action_id=action.id, title="New", author=author)
    assert P.restore(engine, pid, "action", action.id, author=author) == "1 milestone and 1 output indicator"
    plan = P.load_plan(engine, pid)
    assert [m.title for _x, m in plan.all_milestones()] == ["Hotels briefed"]
    assert [o.id for _x, o in plan.all_outputs()] == [output.id]
    P.restore(engine, pid, "milestone", on_its_own.id, author=author)
    assert len(P.load_plan(engine, pid).all_milestones()) == 2
    assert ("delete", None, None) in [(a, f, None) for a, f, _v in history(engine, pid, "plan.milestone", on_its_own.id)]


def test_removing_an_aim_takes_the_milestones_of_its_actions(engine, partnership, author, action):
    pid = partnership.id
    P.add_milestone(engine, pid, action_id=action.id, title="Hotels briefed", author=author)
    aim = P.load_plan(engine, pid).aims[0]
    assert P.delete(engine, pid, "aim", aim.id, author=author) == "1 outcome, 1 action and 1 milestone"
    P.restore(engine, pid, "aim", aim.id, author=author)
    assert len(P.load_plan(engine, pid).all_milestones()) == 1


# --- Output indicators --------------------------------------------------------------------------------


def test_output_indicators_count_what_is_achieved_against_the_target(engine, partnership, author, action):
    pid = partnership.id
    out = P.add_output(engine, pid, action_id=action.id, title="Training sessions delivered", author=author, target="12")
    assert (out.target, out.achieved, out.as_at) == (12.0, None, None)
    assert P.output_progress(out) == "Nothing counted yet (target 12)"
    counted = P.update_output(engine, pid, out.id, expected_version=out.version, author=author, achieved="5")
    assert (counted.achieved, counted.as_at) == (5.0, TODAY.isoformat())  # a count with no date is today's
    dated = P.update_output(engine, pid, out.id, expected_version=counted.version, author=author, achieved="6", as_at="30/11/2026")
    assert P.output_progress(dated) == "6 of 12 (50%) at 30/11/2026"
    # A new count with the old date left as it was is dated today.
    newer = P.update_output(engine, pid, out.id, expected_version=dated.version, author=author, achieved="8", as_at="30/11/2026")
    assert newer.as_at == TODAY.isoformat()
    assert ("edit", "achieved", "8.0") in history(engine, pid, "plan.output", out.id)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"target": "-3"}, "The target is -3; it cannot be less than 0"),
        ({"target": "twelve"}, "The target should be a number, but it is 'twelve'"),
        ({"achieved": "1,5"}, "Use a point for decimals"),
        ({"achieved": "NaN"}, "should be a number"),
        ({"achieved": "inf"}, "should be a number"),
        ({"target": "99999999999"}, "cannot be more than"),
        ({"as_at": "00/00/0000"}, "The date of the count"),
        ({"title": ""}, "The output indicator is empty"),
    ],
)
def test_a_bad_output_indicator_is_refused_and_the_stored_one_is_unchanged(engine, partnership, author, action, fields, message):
    pid = partnership.id
    out = P.add_output(engine, pid, action_id=action.id, title="Staff reached", author=author, target=240, achieved=61, as_at="30/11/2026")
    before = stored(engine, PlanOutput, out.id)
    with pytest.raises(InvalidInput, match=message):
        P.update_output(engine, pid, out.id, expected_version=out.version, author=author, **fields)
    assert stored(engine, PlanOutput, out.id) == before
    with pytest.raises(InvalidInput, match=message):
        P.add_output(engine, pid, action_id=action.id, author=author, **({"title": "Another"} | fields))
    assert len(P.load_plan(engine, pid).all_outputs()) == 1


# --- Import and export ------------------------------------------------------------------------------------


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


HEAD = ["Strategic aim", "Intended outcome", "Action", "Lead/responsible agency", "Cost", "Funding source", "Staff time"]


def test_the_plan_import_reads_cost_funding_source_and_staff_time(engine, partnership, author):
    pid = partnership.id
    data = _csv(
        [
            HEAD,
            ["Aim", "Outcome", "Brief hotels", "Harbourshire Police", "£12,500", "PCC fund", "0.2 FTE police sergeant"],
            ["", "", "Brief taxi firms", "Harbourshire Police", "12500", "", ""],
            ["", "", "Train door staff", "Harbourshire Police", "12.5k", "", ""],
            ["", "", "Share a summary", "Harbourshire Police", "", "", "Analyst, two days a month"],
        ]
    )
    preview = preview_import(engine, pid, data, "plan.csv")
    assert preview.problems == []
    commit_import(engine, pid, preview, author=author)
    actions = P.load_plan(engine, pid).all_actions()
    assert [(x.title, x.cost_pence, x.funding_source, x.staff_time) for x in actions] == [
        ("Brief hotels", 1_250_000, "PCC fund", "0.2 FTE police sergeant"),
        ("Brief taxi firms", 1_250_000, "", ""),
        ("Train door staff", 1_250_000, "", ""),
        ("Share a summary", None, "", "Analyst, two days a month"),
    ]


@pytest.mark.parametrize(
    "cost, message",
    [
        ("-£500", "is negative"),
        ("lots", "is not an amount of money"),
        ("$300", "is not in pounds"),
        ("1,5", "Use a point for decimals"),
    ],
)
def test_a_bad_cost_in_an_import_names_the_row_and_column_and_imports_nothing(engine, partnership, author, cost, message):
    pid = partnership.id
    data = _csv(
        [
            HEAD,
            ["Aim", "Outcome", "Brief hotels", "Harbourshire Police", "£100", "", ""],
            ["Aim", "Outcome", "Brief taxi firms", "Harbourshire Police", cost, "", ""],
        ]
    )
    preview = preview_import(engine, pid, data, "plan.csv")
    assert [(p.row, p.column) for p in preview.problems] == [(3, "Cost")]
    assert message in preview.problems[0].message
    assert not preview.ok
    assert P.load_plan(engine, pid).empty


def test_resources_export_safely_and_reimport_as_typed(engine, partnership, author, action):
    pid = partnership.id
    P.update_action(
        engine,
        pid,
        action.id,
        expected_version=action.version,
        author=author,
        cost="£12,500.50",
        funding_source=HOSTILE,
        staff_time="+0.2 FTE",
    )
    rows = list(csv.reader(io.StringIO(export_csv(engine, pid).decode("utf-8-sig"))))
    assert rows[0] == EXPORT_COLUMNS and rows[0][-3:] == ["Cost", "Funding source", "Staff time"]
    assert rows[1][-3:] == ["£12,500.50", "'" + HOSTILE, "'+0.2 FTE"]
    ws = load_workbook(io.BytesIO(export_xlsx(engine, pid))).active
    assert all(not str(c.value or "").startswith(("=", "+", "-", "@")) for c in ws[2])
    other = create_partnership(engine, name="Second", nation="wales")
    for data, name in ((export_xlsx(engine, pid), "plan.xlsx"), (export_csv(engine, pid), "plan.csv")):
        preview = preview_import(engine, other.id, data, name)
        assert preview.problems == []
        spec = preview.actions[0]
        assert (spec["cost_pence"], spec["funding_source"], spec["staff_time"]) == (1_250_050, HOSTILE, "+0.2 FTE")


# --- The Word draft ------------------------------------------------------------------------------------


def _action_table(doc):
    return next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:2] == ["Intended outcome", "Action"])


def test_the_draft_shows_resources_milestones_and_outputs_under_each_action(engine, partnership, author, action):
    pid = partnership.id
    P.update_action(
        engine, pid, action.id, expected_version=action.version, author=author, cost="12.5k", staff_time="0.2 FTE police sergeant"
    )
    P.add_milestone(
        engine,
        pid,
        action_id=action.id,
        title="Hotels briefed",
        author=author,
        due_date="30/09/2026",
        status="done",
        done_date="15/09/2026",
    )
    P.add_milestone(
        engine, pid, action_id=action.id, title=f"Summary {HOSTILE}\x07", author=author, due_date="01/01/2026", status="at_risk"
    )
    P.add_output(engine, pid, action_id=action.id, title="Hotels visited", author=author, target=80, achieved=34, as_at="30/11/2026")
    doc = Document(io.BytesIO(export_docx(engine, pid, charts=False)))
    table = _action_table(doc)
    assert [c.text for c in table.rows[0].cells][-1] == "Resources"
    row = table.rows[1].cells
    assert row[1].text.split("\n") == [
        "A1.O1.1 Restart Operation Makesafe",
        "Milestones:",
        f"• Summary {HOSTILE} (due 01/01/2026; at risk)",
        "• Hotels briefed (due 30/09/2026; done on 15/09/2026)",
        "Output indicators:",
        "• Hotels visited: 34 of 80 (43%) at 30/11/2026",
    ]
    assert row[5].text == "£12,500; staff time: 0.2 FTE police sergeant"
    body = [p.text for p in doc.paragraphs]
    assert "The costs given for 1 of the 1 actions come to £12,500." in body
    assert any("milestone 'Summary" in t and "before its action commences (01/04/2026)" in t for t in body)


def test_an_action_with_nothing_more_keeps_a_plain_cell(engine, partnership, author, action):
    doc = Document(io.BytesIO(export_docx(engine, partnership.id, charts=False)))
    row = _action_table(doc).rows[1].cells
    assert row[1].text == "A1.O1.1 Restart Operation Makesafe" and row[5].text == ""


# --- The progress report ----------------------------------------------------------------------------------


def _under(doc, heading: str) -> tuple[list[str], list]:
    """The paragraphs and tables after a Heading 1, up to the next one."""
    body = doc.element.body
    paragraphs, tables, inside = [], [], False
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            p = Paragraph(child, doc)
            if p.style is not None and p.style.name == "Heading 1":
                inside = p.text == heading
                continue
            if inside:
                paragraphs.append(p.text)
        elif child.tag.endswith("}tbl") and inside:
            tables.append(Table(child, doc))
    return paragraphs, tables


def _rows(table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


def test_the_progress_report_names_milestones_due_and_overdue_and_outputs_against_targets(engine, partnership, author, action):
    pid = partnership.id
    P.update_action(engine, pid, action.id, expected_version=action.version, author=author, cost="£4,200", funding_source="PCC fund")
    P.add_milestone(
        engine,
        pid,
        action_id=action.id,
        title="Before the period",
        author=author,
        due_date="01/05/2026",
        status="done",
        done_date="01/05/2026",
    )
    P.add_milestone(
        engine,
        pid,
        action_id=action.id,
        title="Hotels briefed",
        author=author,
        due_date="30/09/2026",
        status="done",
        done_date="29/09/2026",
    )
    P.add_milestone(engine, pid, action_id=action.id, title=f"Late {HOSTILE}", author=author, due_date="31/10/2026", status="at_risk")
    P.add_milestone(engine, pid, action_id=action.id, title="Long overdue", author=author, due_date="01/06/2026", status="on_track")
    P.add_milestone(engine, pid, action_id=action.id, title="Not due yet", author=author, due_date="31/01/2027")
    P.add_output(engine, pid, action_id=action.id, title="Hotels visited", author=author, target=80, achieved=34, as_at="30/11/2026")
    P.add_output(engine, pid, action_id=action.id, title="Drivers briefed", author=author, target=200)
    data = export_progress_report(engine, pid, since=date(2026, 9, 1), today=date(2026, 12, 1), charts=False)
    doc = Document(io.BytesIO(data))
    said, tables = _under(doc, "Milestones")
    assert said[0] == (
        "3 milestones were due since 1 September 2026 or are overdue. Overdue: A1.O1.1 Long overdue (due 1 June 2026); "
        f"A1.O1.1 Late {HOSTILE} (due 31 October 2026)."
    )
    assert _rows(tables[0]) == [
        ["Code", "Action", "Milestone", "Due", "Status", "Done on", "Overdue"],
        ["A1.O1.1", "Restart Operation Makesafe", "Long overdue", "01/06/2026", "On track", "", "Yes"],
        ["A1.O1.1", "Restart Operation Makesafe", "Hotels briefed", "30/09/2026", "Done", "29/09/2026", "No"],
        ["A1.O1.1", "Restart Operation Makesafe", f"Late {HOSTILE}", "31/10/2026", "At risk", "", "Yes"],
    ]
    said, tables = _under(doc, "Output indicators")
    assert _rows(tables[0])[1:] == [
        ["A1.O1.1", "Restart Operation Makesafe", "Hotels visited", "80", "34", "30/11/2026", "43%"],
        ["A1.O1.1", "Restart Operation Makesafe", "Drivers briefed", "200", "Not counted yet", "", ""],
    ]
    said, tables = _under(doc, "Resources")
    assert said == ["The costs given for these actions come to £4,200."]
    assert _rows(tables[0])[1] == ["A1.O1.1", "Restart Operation Makesafe", "£4,200", "PCC fund", ""]


def test_a_report_without_milestones_or_outputs_says_so(engine, partnership, author, action):
    doc = Document(io.BytesIO(export_progress_report(engine, partnership.id, today=date(2026, 12, 1), charts=False)))
    said, tables = _under(doc, "Milestones")
    assert tables == [] and said[0].startswith("No milestone was due up to this report, and none is overdue")
    said, tables = _under(doc, "Output indicators")
    assert tables == [] and said[0].startswith("No action has output indicators yet")
    assert _under(doc, "Resources") == ([], [])


# --- The demo and the upgrade -------------------------------------------------------------------------------


def test_the_demo_has_actions_with_resources_milestones_and_outputs(engine, demo_id):
    plan = P.load_plan(engine, demo_id)
    with_cost = [plan.code("action", x.id) for x in plan.all_actions() if x.cost_pence is not None]
    assert len(with_cost) == 3 and all(x.staff_time for x in plan.all_actions() if x.cost_pence is not None)
    assert len(plan.all_milestones()) == 7 and len(plan.all_outputs()) == 4
    assert {m.status for _x, m in plan.all_milestones()} == {"done", "at_risk", "on_track"}


def test_upgrading_from_0013_keeps_every_action_and_adds_the_new_fields(db_url):
    engine = get_engine(db_url)
    command.upgrade(_alembic_config(engine), "0013")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO partnership (id, name, name_key, nation, areas, archived, created_at, updated_at) "
                "VALUES (1, 'Harbourshire ŵ', 'harbourshire ŵ', 'england', '', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO plan_aim (id, partnership_id, seq, position, title, description, rationale, next_outcome_seq, version, "
                "created_at, updated_at, updated_by_name) VALUES (1, 1, 1, 1, 'Aim', '', '', 2, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'Sam')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO plan_outcome (id, partnership_id, aim_id, seq, position, title, rationale, next_action_seq, version, "
                "created_at, updated_at, updated_by_name) VALUES (1, 1, 1, 1, 1, 'Outcome', '', 41, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'Sam')"
            )
        )
        for n in range(1, 41):
            conn.execute(
                text(
                    "INSERT INTO plan_action (partnership_id, outcome_id, seq, position, title, rationale, leads_json, partners, "
                    "start_date, end_date, when_text, stage, component, recommendations_json, status, origin, version, created_at, "
                    "updated_at, updated_by_name) VALUES (1, 1, :n, :n, :title, '', '[\"Police\"]', '', '2026-04-01', '2027-03-31', "
                    "'', '', 'prevention', '[]', 'in_progress', '', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'Sam')"
                ),
                {"n": n, "title": f"Action {n} <script> ‘ŵ’"},
            )
    prepare_database(db_url)
    plan = P.load_plan(engine, 1)
    actions = plan.all_actions()
    assert [x.title for x in actions] == [f"Action {n} <script> ‘ŵ’" for n in range(1, 41)]
    assert {(x.cost_pence, x.funding_source, x.staff_time, x.version, x.status) for x in actions} == {(None, "", "", 3, "in_progress")}
    from strategy.core.authors import Author

    m = P.add_milestone(engine, 1, action_id=actions[0].id, title="First step", author=Author.make("Sam"))
    assert P.load_plan(engine, 1).milestones[actions[0].id][0].id == m.id


def test_the_next_period_carries_each_actions_resources_milestones_and_outputs(engine, demo_id):
    from strategy.people.periods import start_next_period

    def depth(pid):
        plan = P.load_plan(engine, pid)
        return (
            [(plan.code("action", x.id), x.cost_pence, x.funding_source, x.staff_time) for x in plan.all_actions()],
            [(plan.code("action", x.id), m.title, m.due_date, m.status, m.done_date) for x, m in plan.all_milestones()],
            [(plan.code("action", x.id), o.title, o.target, o.achieved, o.as_at) for x, o in plan.all_outputs()],
        )

    new_id = start_next_period(engine, demo_id, start=2029, end=2032, author=None)
    assert depth(new_id) == depth(demo_id) and len(depth(new_id)[1]) == 7


DEPTH_WRITES = {
    "add_milestone": lambda e, w, a: P.add_milestone(e, w["p"], action_id=w["action"].id, title="Another", author=a),
    "update_milestone": lambda e, w, a: P.update_milestone(
        e, w["p"], w["milestone"].id, expected_version=w["milestone"].version, author=a, status="at_risk"
    ),
    "remove_milestone": lambda e, w, a: P.delete(e, w["p"], "milestone", w["milestone"].id, author=a),
    "add_output": lambda e, w, a: P.add_output(e, w["p"], action_id=w["action"].id, title="Another", author=a),
    "update_output": lambda e, w, a: P.update_output(e, w["p"], w["output"].id, expected_version=w["output"].version, author=a, achieved=9),
    "update_resources": lambda e, w, a: P.update_action(
        e, w["p"], w["action"].id, expected_version=w["action"].version, author=a, cost="£500"
    ),
}


@pytest.mark.parametrize("operation", sorted(DEPTH_WRITES))
def test_only_those_who_may_edit_change_resources_milestones_and_outputs(engine, partnership, author, action, operation):
    from strategy.core.errors import NotAllowed
    from tests.people_support import member, snapshot

    pid = partnership.id
    world = {
        "p": pid,
        "action": action,
        "milestone": P.add_milestone(engine, pid, action_id=action.id, title="Hotels briefed", author=author),
        "output": P.add_output(engine, pid, action_id=action.id, title="Hotels visited", author=author, target=80),
    }
    people = {role: member(engine, pid, role, role) for role in ("scrutineer", "viewer", "editor")}
    people["outsider"] = member(engine, None, None, "outsider")
    before = snapshot(engine)
    for role in ("scrutineer", "viewer", "outsider"):
        with pytest.raises(NotAllowed):
            DEPTH_WRITES[operation](engine, world, people[role])
        assert snapshot(engine) == before, f"{operation} by a {role} changed what was stored"
    DEPTH_WRITES[operation](engine, world, people["editor"])
    after = snapshot(engine)
    assert any(after[t] != before[t] for t in ("plan_milestone", "plan_output", "plan_action"))
