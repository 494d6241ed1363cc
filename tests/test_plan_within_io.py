"""Milestones and output indicators in the plan's Excel and CSV export and import, and on the command
line: a sheet (or a CSV file) each, every row naming its action by code; checked row by row with the
action import's preview, stored in one transaction, and never duplicated by importing the same file again."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from strategy.cli import main
from strategy.core.errors import InvalidInput
from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P
from strategy.plan.io import (
    MILESTONE_COLUMNS,
    OUTPUT_COLUMNS,
    commit_import,
    export_csv,
    export_xlsx,
    milestone_rows,
    output_rows,
    preview_import,
)
from strategy.tabular.reading import ImportRefused

HOSTILE = '=HYPERLINK("http://x") <b>bold</b> & ‘Ŵ’'


@pytest.fixture
def plan(engine, partnership, author):
    """Two actions (A1.O1.1 and A1.O1.2), the first with two milestones and an output indicator."""
    pid = partnership.id
    P.add_agency(engine, pid, "Harbourshire Police", author=author)
    aim = P.add_aim(engine, pid, title="Adults who pose a risk are disrupted", author=author)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Hotels report concerns", author=author)
    first = P.create_action(
        engine, pid, outcome_id=outcome.id, title="Restart Operation Makesafe", author=author, leads=["Harbourshire Police"],
        start_date="01/04/2026", end_date="31/03/2027",
    )  # fmt: skip
    second = P.create_action(engine, pid, outcome_id=outcome.id, title="Brief taxi drivers", author=author, leads=["Harbourshire Police"])
    P.add_milestone(engine, pid, action_id=first.id, title="Hotels briefed", author=author, due_date="30/09/2026", status="done",
                    done_date="01/01/2026")  # fmt: skip
    P.add_milestone(engine, pid, action_id=first.id, title=HOSTILE, author=author, due_date="03/04/2026", status="at_risk")
    P.add_output(engine, pid, action_id=first.id, title="Hotel staff trained", author=author, target=120, achieved=45,
                 as_at="31/01/2026")  # fmt: skip
    return first, second


def _csv(headers, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_the_excel_export_has_a_sheet_each_for_milestones_and_output_indicators_formula_safe(engine, partnership, plan):
    wb = load_workbook(io.BytesIO(export_xlsx(engine, partnership.id)))
    assert wb.sheetnames == ["Action plan", "Milestones", "Output indicators"]
    milestones = [[c.value for c in row] for row in wb["Milestones"].iter_rows()]
    assert milestones[0] == MILESTONE_COLUMNS
    # In the plan's order: by due date within the action; the formula-like title is text, written with its guard.
    assert milestones[1] == ["A1.O1.1", "Restart Operation Makesafe", "'" + HOSTILE, "03/04/2026", "At risk", None]
    assert milestones[2] == ["A1.O1.1", "Restart Operation Makesafe", "Hotels briefed", "30/09/2026", "Done", "01/01/2026"]
    assert all(c.data_type != "f" for row in wb["Milestones"].iter_rows() for c in row)
    outputs = [[c.value for c in row] for row in wb["Output indicators"].iter_rows()]
    assert outputs == [OUTPUT_COLUMNS, ["A1.O1.1", "Restart Operation Makesafe", "Hotel staff trained", 120, 45, "31/01/2026"]]
    # The CSV of each part says the same, guarded in the same way.
    rows = list(csv.reader(io.StringIO(export_csv(engine, partnership.id, "milestones").decode("utf-8-sig"))))
    assert rows[0] == MILESTONE_COLUMNS and rows[1][2] == "'" + HOSTILE


def test_the_export_imported_into_a_new_partnership_carries_milestones_and_outputs_and_again_adds_nothing(
    engine, partnership, plan, author
):
    data = export_xlsx(engine, partnership.id)
    fresh = create_partnership(engine, name="Vale Board", nation="wales")
    preview = preview_import(engine, fresh.id, data, "action-plan.xlsx")
    assert preview.problems == []
    assert "Will add 2 milestones and 1 output indicator." in preview.summary()
    assert preview.imported_text(commit_import(engine, fresh.id, preview, author=author)) == (
        "Imported 2 actions, 2 milestones and 1 output indicator"
    )
    assert milestone_rows(engine, fresh.id) == milestone_rows(engine, partnership.id)
    assert output_rows(engine, fresh.id) == output_rows(engine, partnership.id)
    got = P.load_plan(engine, fresh.id).all_milestones()
    assert [(m.title, m.due_date, m.status, m.done_date) for _, m in got] == [
        (HOSTILE, "2026-04-03", "at_risk", None),  # day first: 3 April, not 4 March
        ("Hotels briefed", "2026-09-30", "done", "2026-01-01"),
    ]
    # The same file again: everything is already there, nothing is duplicated.
    again = preview_import(engine, fresh.id, data, "action-plan.xlsx")
    assert again.problems == [] and (again.milestones_already, again.outputs_already) == (2, 1)
    assert "2 milestones already in the plan" not in again.summary()
    assert "0 milestones (2 already in the plan, left as they are)" in again.summary()
    with pytest.raises(InvalidInput, match="already in the plan"):
        commit_import(engine, fresh.id, again, author=author)
    assert len(P.load_plan(engine, fresh.id).all_milestones()) == 2 and len(P.load_plan(engine, fresh.id).all_outputs()) == 1


def test_a_csv_of_milestones_adds_them_to_the_actions_its_codes_name(engine, partnership, plan, author):
    first, second = plan
    data = _csv(
        MILESTONE_COLUMNS,
        [
            ["A1.O1.2", "", "Drivers' leaflet printed", "05/06/2026", "On track", ""],
            ["a1.o1.2", "", "All firms visited", "31/12/2026", "not started", ""],
            ["A1.O1.1", "Restart Operation Makesafe", "Hotels briefed", "30/09/2026", "Done", "01/01/2026"],  # already there
            ["", "Brief taxi drivers", "Taxi licensing told", "", "", ""],  # named by the action's name
        ],
    )
    preview = preview_import(engine, partnership.id, data, "milestones.csv")  # read as milestones by its columns
    assert preview.problems == [] and preview.actions == [] and preview.milestones_already == 1
    assert "Will add 3 milestones (1 already in the plan, left as it is)." in preview.summary()
    commit_import(engine, partnership.id, preview, author=author)
    stored = P.load_plan(engine, partnership.id).milestones[second.id]
    assert [(m.title, m.due_date, m.status) for m in stored] == [
        ("Drivers' leaflet printed", "2026-06-05", "on_track"),
        ("All firms visited", "2026-12-31", "not_started"),
        ("Taxi licensing told", None, "not_started"),
    ]
    assert len(P.load_plan(engine, partnership.id).milestones[first.id]) == 2


def test_a_csv_of_output_indicators_given_with_its_kind(engine, partnership, plan, author):
    _, second = plan
    data = _csv(
        ["Code", "Output indicator", "Target", "Achieved", "Count as at"], [["A1.O1.2", "Drivers briefed", "1,200", "300", "28/02/2026"]]
    )
    preview = preview_import(engine, partnership.id, data, "outputs.csv", kind="outputs")
    assert preview.problems == []
    commit_import(engine, partnership.id, preview, author=author)
    (out,) = P.load_plan(engine, partnership.id).outputs[second.id]
    assert (out.title, out.target, out.achieved, out.as_at) == ("Drivers briefed", 1200.0, 300.0, "2026-02-28")
    assert P.output_progress(out) == "300 of 1,200 (25%) at 28/02/2026"


def test_every_wrong_row_is_named_with_what_to_fix_and_nothing_is_stored(engine, partnership, plan, author):
    before = (milestone_rows(engine, partnership.id), output_rows(engine, partnership.id))
    wb = load_workbook(io.BytesIO(export_xlsx(engine, partnership.id)))
    ms = wb["Milestones"]
    ms.append(["A1.O1.2", "", "A good milestone", "01/05/2026", "On track", ""])  # row 4: fine on its own
    ms.append(["A9.O9.9", "", "Nowhere", "01/05/2026", "", ""])  # row 5
    ms.append(["A1.O1.2", "", "Bad day", "31/02/2026", "", ""])  # row 6
    ms.append(["A1.O1.2", "", "Bad status", "01/05/2026", "Finished-ish", ""])  # row 7
    ms.append(["A1.O1.2", "", "Month first", "04/13/2026", "", ""])  # row 8
    wb["Output indicators"].append(["A1.O1.2", "", "Leaflets", "lots", "", ""])  # row 3
    buffer = io.BytesIO()
    wb.save(buffer)
    preview = preview_import(engine, partnership.id, buffer.getvalue(), "plan.xlsx")
    said = [p.describe() for p in preview.problems]
    assert len(said) == 5
    assert said[0].startswith(
        "Row 5, column 'Action code' on sheet 'Milestones': No action in the plan or in this file has the code 'A9.O9.9'"
    )
    assert said[1].startswith("Row 6, column 'Due' on sheet 'Milestones': The milestone's due date '31/02/2026' is not a real date")
    assert "the day comes first" in said[1]
    assert said[2].startswith("Row 7, column 'Status' on sheet 'Milestones': The milestone's status 'Finished-ish' is not one of:")
    assert "Not started, On track, At risk, Done" in said[2]
    assert said[3].startswith("Row 8, column 'Due' on sheet 'Milestones'")
    assert said[4].startswith("Row 3, column 'Target' on sheet 'Output indicators': The target")
    with pytest.raises(ImportRefused):
        commit_import(engine, partnership.id, preview, author=author)
    assert (milestone_rows(engine, partnership.id), output_rows(engine, partnership.id)) == before  # not even row 4


def test_a_milestone_file_without_an_action_column_is_refused_whole(engine, partnership, plan):
    preview = preview_import(engine, partnership.id, _csv(["Milestone", "Due"], [["Briefing", "01/05/2026"]]), "m.csv")
    assert not preview.ok
    assert "needs the code of its action" in preview.problems[0].describe()


def test_cli_exports_and_imports_milestones_and_outputs(engine, engine_url, partnership, plan, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", engine_url)
    ms_csv, xlsx = tmp_path / "milestones.csv", tmp_path / "plan.xlsx"
    assert main(["export-actions", partnership.name, "--out", str(ms_csv), "--kind", "milestones"]) == 0
    assert ms_csv.read_bytes() == export_csv(engine, partnership.id, "milestones")
    assert main(["export-actions", partnership.name, "--out", str(xlsx)]) == 0
    create_partnership(engine, name="Vale Board", nation="wales")
    capsys.readouterr()
    assert main(["import-actions", "Vale Board", str(xlsx), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "milestone of A1.O1.1: Hotels briefed" in out
    assert "Imported 2 actions, 2 milestones and 1 output indicator into 'Vale Board'." in out
    # Only the milestones of a whole workbook: its "Milestones" sheet is read (already there: nothing to add).
    assert main(["import-actions", "Vale Board", str(xlsx), "--kind", "milestones"]) == 0
    assert "Will add 0 milestones (2 already in the plan, left as they are)." in capsys.readouterr().out
    outputs = tmp_path / "outputs.csv"
    outputs.write_bytes(_csv(["Action code", "Output indicator", "Target"], [["A1.O1.2", "Firms visited", "twelve"]]))
    assert main(["import-actions", "Vale Board", str(outputs), "--kind", "outputs", "--yes"]) == 1
    assert "Row 2, column 'Target'" in capsys.readouterr().err
    assert len(P.load_plan(engine, _pid(engine, "Vale Board")).all_outputs()) == 1


def _pid(engine, name):
    from strategy.people.partnerships import find_partnership

    return find_partnership(engine, name).id


# --- Milestones on the timeline ----------------------------------------------------------------------


def test_milestones_are_marks_on_their_actions_row_done_due_and_overdue_each_drawn_differently(engine, partnership, plan, author):
    from datetime import date

    from strategy.plan.charts import MILESTONE_MARKS, gantt_figure, milestone_table

    first, second = plan
    pid = partnership.id
    P.add_milestone(engine, pid, action_id=first.id, title="Review <b>done</b>", author=author, due_date="31/03/2027")
    P.add_milestone(engine, pid, action_id=second.id, title="Leaflet", author=author, due_date="01/06/2026")  # second has no dates
    P.add_milestone(engine, pid, action_id=second.id, title="Someday", author=author)
    today = date(2026, 6, 15)
    loaded = P.load_plan(engine, pid)
    fig = gantt_figure(loaded, today=today)
    marks = {t.name: t for t in fig.data if t.name in {m["name"] for m in MILESTONE_MARKS.values()}}
    done, due, overdue = marks["Milestone done"], marks["Milestone due"], marks["Milestone overdue"]
    # shape and colour, not colour alone
    assert len({done.marker.symbol, due.marker.symbol, overdue.marker.symbol}) == 3
    assert len({done.marker.color, due.marker.color, overdue.marker.color}) == 3
    row = "A1.O1.1 Restart Operation Makesafe"
    assert list(done.y) == [row] and str(done.x[0])[:10] == "2026-09-30"
    assert list(due.y) == [row] and str(due.x[0])[:10] == "2027-03-31"
    assert "Review &lt;b&gt;done&lt;/b&gt;" in due.hovertext[0] and "<b>" not in due.hovertext[0]
    # 03/04/2026 (at risk) and the second action's 01/06/2026 have passed undone: overdue
    assert sorted(zip(overdue.y, (str(x)[:10] for x in overdue.x), strict=True)) == [
        ("A1.O1.1 Restart Operation Makesafe", "2026-04-03"),
        ("A1.O1.2 Brief taxi drivers", "2026-06-01"),
    ]
    assert "=HYPERLINK" in overdue.hovertext[[*overdue.y].index(row)]
    # The table beside the chart holds the same figures, and says which milestone is not on the chart.
    table = milestone_table(loaded, today=today)
    shown = {(r["Milestone"], r["Due"], r["On the chart"]) for r in table.to_dict("records")}
    assert shown == {
        ("Hotels briefed", "30/09/2026", "Done"),
        (HOSTILE, "03/04/2026", "Overdue"),
        ("Review <b>done</b>", "31/03/2027", "Due"),
        ("Leaflet", "01/06/2026", "Overdue"),
        ("Someday", "no due date (not on the chart)", ""),
    }


def test_a_plan_whose_only_dates_are_milestones_still_gets_a_timeline(engine, partnership, author):
    from strategy.plan.charts import gantt_figure

    pid = partnership.id
    aim = P.add_aim(engine, pid, title="Aim", author=author)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Outcome", author=author)
    x = P.create_action(engine, pid, outcome_id=outcome.id, title="Undated action", author=author)
    assert gantt_figure(P.load_plan(engine, pid)) is None
    P.add_milestone(engine, pid, action_id=x.id, title="Step", author=author, due_date="01/06/2026", status="on_track")
    fig = gantt_figure(P.load_plan(engine, pid))
    assert fig is not None and [t.name for t in fig.data] in (["Milestone due"], ["Milestone overdue"])


def test_milestone_statuses_written_as_plans_write_them_are_read_and_said(engine, partnership, plan, author):
    _, second = plan
    data = _csv(
        ["Action code", "Milestone", "Due", "Status"],
        [["A1.O1.2", "Leaflet", "01/06/2026", "Completed"], ["A1.O1.2", "Visits", "", "Amber"]],
    )
    preview = preview_import(engine, partnership.id, data, "m.csv")
    assert preview.problems == []
    assert "The milestones' status is read as: 'Amber' → At risk; 'Completed' → Done." in preview.base.notes
    commit_import(engine, partnership.id, preview, author=author)
    assert [(m.title, m.status) for m in P.load_plan(engine, partnership.id).milestones[second.id]] == [
        ("Leaflet", "done"),
        ("Visits", "at_risk"),
    ]


def test_real_excel_dates_are_read_and_the_same_milestone_twice_is_a_problem(engine, partnership, plan, author):
    from datetime import datetime

    wb = load_workbook(io.BytesIO(export_xlsx(engine, partnership.id)))
    ms = wb["Milestones"]
    ms.append(["A1.O1.2", "", "Leaflet", datetime(2026, 4, 3), "", ""])  # row 4: a date cell, not text
    buffer = io.BytesIO()
    wb.save(buffer)
    preview = preview_import(engine, partnership.id, buffer.getvalue(), "plan.xlsx")
    assert preview.problems == [] and [(m["title"], m["due_date"]) for m in preview.milestones] == [("Leaflet", "2026-04-03")]
    ms.append(["a1.o1.2", "", " leaflet ", "05/04/2026", "", ""])  # row 5: the same milestone again
    buffer = io.BytesIO()
    wb.save(buffer)
    twice = preview_import(engine, partnership.id, buffer.getvalue(), "plan.xlsx")
    assert [p.describe() for p in twice.problems] == [
        "Row 5, column 'Milestone' on sheet 'Milestones': The same milestone for the same action is on row 4; keep one of them."
    ]
