"""The action plan in and out of Excel and CSV, the forgiving date reader, and the command line."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from strategy.cli import main
from strategy.core.errors import InvalidInput
from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P
from strategy.plan.io import (
    EXPORT_COLUMNS,
    Span,
    commit_import,
    export_csv,
    export_rows,
    export_xlsx,
    milestone_rows,
    output_rows,
    parse_when,
    preview_import,
)
from strategy.tabular.formulas import neutralise, unneutralise
from strategy.tabular.reading import ImportRefused

HEADERS = ["Strategic aim", "Intended outcome", "Action", "Lead/responsible agency", "Commencement", "Completion"]


@pytest.mark.parametrize(
    "written, span",
    [
        ("31/10/2026", Span(date(2026, 10, 31), date(2026, 10, 31))),
        ("2026-10-31", Span(date(2026, 10, 31), date(2026, 10, 31))),
        ("31st October 2026", Span(date(2026, 10, 31), date(2026, 10, 31))),
        ("March 2015", Span(date(2015, 3, 1), date(2015, 3, 31))),
        ("Oct-26", Span(date(2026, 10, 1), date(2026, 10, 31))),
        ("2020/21", Span(date(2020, 4, 1), date(2021, 3, 31))),
        ("2020-2021", Span(date(2020, 4, 1), date(2021, 3, 31))),
        ("By 31 October 2023", Span(None, date(2023, 10, 31))),
        ("Q3 2026/27", Span(date(2026, 10, 1), date(2026, 12, 31))),
        ("2026/27 Q1", Span(date(2026, 4, 1), date(2026, 6, 30))),
        ("Spring 2027", Span(date(2027, 3, 1), date(2027, 5, 31))),
        ("April 2026 to March 2027", Span(date(2026, 4, 1), date(2027, 3, 31))),
        ("01/04/2026 - 31/03/2027", Span(date(2026, 4, 1), date(2027, 3, 31))),
        ("2027", Span(date(2027, 1, 1), date(2027, 12, 31))),
        (date(2026, 5, 4), Span(date(2026, 5, 4), date(2026, 5, 4))),
        ("Ongoing", None),
        ("", None),
    ],
)
def test_dates_as_plans_write_them(written, span):
    assert parse_when(written) == span


@pytest.mark.parametrize("written", ["Q3 2026", "2026 Q1", "Q1 2026 to Q2 2026"])
def test_a_quarter_without_its_financial_year_is_asked_about_never_guessed(written):
    with pytest.raises(InvalidInput, match="could be a calendar quarter .* or a quarter of the financial year") as raised:
        parse_when(written, what="The completion date")
    assert "Write 'Q" in raised.value.message and "--quarters" in raised.value.message
    # Once the person says how the file writes them, each reading is the one asked for.
    assert parse_when("Q3 2026", quarters="calendar") == Span(date(2026, 7, 1), date(2026, 9, 30))
    assert parse_when("Q3 2026", quarters="financial") == Span(date(2026, 10, 1), date(2026, 12, 31))
    assert parse_when("2026 Q1", quarters="financial") == Span(date(2026, 4, 1), date(2026, 6, 30))


@pytest.mark.parametrize(
    "written, message",
    [
        ("31/02/2026", "not a real date"),
        ("00/00/0000", "not a real date"),
        ("01/01/1900", "is in 1900"),
        ("2100", "is in 2100"),
        ("March 2027 to March 2026", "ends before it starts"),
        ("soon", "not a date the workbook can read"),
        ("2020/23", "not a date the workbook can read"),
    ],
)
def test_dates_that_cannot_be_read_are_refused_with_a_reason(written, message):
    with pytest.raises(InvalidInput, match=message):
        parse_when(written, what="The completion date")


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "'quoted", "'+44 7700", "plain"])
def test_formula_safe_cells_come_back_as_typed(text):
    safe = neutralise(text)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unneutralise(safe) == text


def _csv(rows, headers=HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _xlsx(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_the_demo_plan_exported_to_excel_and_imported_into_a_new_partnership_is_the_same_plan(engine, demo_id, author):
    demo = demo_id
    data = export_xlsx(engine, demo)
    fresh = create_partnership(engine, name="Vale Board", nation="wales")
    preview = preview_import(engine, fresh.id, data, "action-plan.xlsx")
    assert preview.problems == [] and len(preview.actions) == len(P.load_plan(engine, demo).all_actions())
    assert "Probation Service, Harbourshire delivery unit" in preview.new_agencies  # a comma inside a name survives
    commit_import(engine, fresh.id, preview, author=author)
    assert export_rows(engine, fresh.id) == export_rows(engine, demo)
    assert milestone_rows(engine, fresh.id) == milestone_rows(engine, demo) and output_rows(engine, fresh.id) == output_rows(engine, demo)
    # and the CSV says the same
    assert export_csv(engine, fresh.id) == export_csv(engine, demo)


def test_export_cells_cannot_run_as_formulas_and_reimport_as_typed(engine, partnership, author):
    pid = partnership.id
    aim = P.add_aim(engine, pid, title="=cmd|' /C calc'!A0", author=author)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="+Outcome\nsecond line", author=author)
    P.add_agency(engine, pid, "@Agency", author=author)
    P.create_action(
        engine,
        pid,
        outcome_id=outcome.id,
        title="-Action <script>alert(1)</script> & ‘quotes’ ŵ 🙂",
        author=author,
        leads=["@Agency"],
        start_date="01/04/2026",
    )
    wb = load_workbook(io.BytesIO(export_xlsx(engine, pid)))
    ws = wb.active
    values = [c.value for c in ws[2]]
    assert values[0] == "'=cmd|' /C calc'!A0" and ws["A2"].data_type == "s"
    assert all(not str(v or "").startswith(("=", "+", "-", "@")) for v in values)
    rows = list(csv.reader(io.StringIO(export_csv(engine, pid).decode("utf-8-sig"))))
    assert rows[0] == EXPORT_COLUMNS and rows[1][2].startswith("'-Action")
    other = create_partnership(engine, name="Second", nation="england")
    for data, name in ((export_xlsx(engine, pid), "plan.xlsx"), (export_csv(engine, pid), "plan.csv")):
        preview = preview_import(engine, other.id, data, name)
        assert preview.problems == []
        assert (preview.actions[0]["aim"], preview.actions[0]["outcome"]) == ("=cmd|' /C calc'!A0", "+Outcome second line")
        assert preview.actions[0]["title"] == "-Action <script>alert(1)</script> & ‘quotes’ ŵ 🙂"
        assert preview.new_agencies == ["@Agency"]


def test_import_tolerates_plans_as_people_write_them(engine, partnership, author):
    pid = partnership.id
    P.add_agency(engine, pid, "Harbourshire Police", author=author)
    P.add_agency(engine, pid, "Harbourshire Council", author=author)
    rows = [
        [
            "Aim one",
            "Outcome 1",
            "• Publish expectations\n• Brief every team\n  in two sessions",
            "Harbourshire Police; Harbourshire Council",
            "March 2026",
            "2026/27",
        ],
        [None, None, "Audit after a year", "harbourshire council", None, "By 31 October 2027"],
        [
            None,
            "Outcome 2",
            "A long action written\nover two lines",
            "Harbourshire Police, Harbourshire Council",
            "Q3 2026/27",
            "Q4 2026/27",
        ],
        ["", "", "", "", "", ""],
        ["Aim two", "Outcome 3", "Commission a service", "Harbour Light\nHarbourshire Police", None, None],
    ]
    preview = preview_import(engine, pid, _xlsx(rows), "Plan 2026.xlsx")
    assert preview.problems == []
    assert preview.new_aims == ["Aim one", "Aim two"] and preview.new_agencies == ["Harbour Light"]
    titles = [(a["outcome"], a["title"]) for a in preview.actions]
    assert titles == [
        ("Outcome 1", "Publish expectations"),
        ("Outcome 1", "Brief every team in two sessions"),
        ("Outcome 1", "Audit after a year"),
        ("Outcome 2", "A long action written\nover two lines"),
        ("Outcome 3", "Commission a service"),
    ]
    first, audit, long = preview.actions[0], preview.actions[2], preview.actions[3]
    assert (first["start_date"], first["end_date"]) == ("2026-03-01", "2027-03-31")
    assert first["leads"] == ["Harbourshire Police", "Harbourshire Council"]
    assert (audit["start_date"], audit["end_date"], audit["leads"]) == (None, "2027-10-31", ["harbourshire council"])
    assert long["leads"] == ["Harbourshire Police", "Harbourshire Council"]  # both known: the comma separates
    assert "Will create 2 new strategic aims, 3 new intended outcomes and 5 actions." in preview.summary()
    assert commit_import(engine, pid, preview, author=author) == 5
    plan = P.load_plan(engine, pid)
    stored = {plan.code("action", x.id): x for x in plan.all_actions()}
    assert P.leads(stored["A1.O1.3"]) == ["Harbourshire Council"] and stored["A1.O1.1"].when_text == "March 2026; 2026/27"
    assert stored["A1.O1.1"].origin == "import"
    assert P.leads(stored["A2.O1.1"]) == ["Harbour Light", "Harbourshire Police"]


def test_a_single_when_column_gives_both_dates(engine, partnership, author):
    preview = preview_import(
        engine,
        partnership.id,
        _csv([["Aim", "Outcome", "Do it", "Council", "2026/27"]], ["Aim", "Outcome", "Action", "Lead", "When"]),
        "plan.csv",
    )
    assert preview.problems == []
    assert (preview.actions[0]["start_date"], preview.actions[0]["end_date"]) == ("2026-04-01", "2027-03-31")


@pytest.mark.parametrize(
    "cell, column, message",
    [
        ("31/02/2026", "Completion", "not a real date"),
        ("soon-ish", "Completion", "not a date the workbook can read"),
        ("01/01/2100", "Completion", "is in 2100"),
    ],
)
def test_an_unreadable_date_names_the_row_and_cell_and_imports_nothing(engine, partnership, author, cell, column, message):
    rows = [
        ["Aim", "Outcome", "Fine action", "Council", "01/04/2026", "31/03/2027"],
        ["Aim", "Outcome", "Bad action", "Council", "01/04/2026", cell],
    ]
    preview = preview_import(engine, partnership.id, _csv(rows), "plan.csv")
    assert [(p.row, p.column) for p in preview.problems] == [(3, column)]
    assert message in preview.problems[0].message
    with pytest.raises(ImportRefused, match=f"Row 3, column '{column}'"):
        commit_import(engine, partnership.id, preview, author=author)
    assert P.load_plan(engine, partnership.id).empty and P.agencies(engine, partnership.id) == []


def test_completion_before_commencement_is_a_problem_in_its_row(engine, partnership):
    rows = [["Aim", "Outcome", "Backwards", "Council", "01/04/2027", "31/03/2027"]]
    preview = preview_import(engine, partnership.id, _csv(rows), "plan.csv")
    assert preview.problems[0].row == 2 and "before the commencement" in preview.problems[0].message


def test_a_missing_required_column_imports_nothing(engine, partnership, author):
    data = _csv([["Aim", "Outcome", "Action"]], ["Strategic aim", "Intended outcome", "Action"])
    preview = preview_import(engine, partnership.id, data, "plan.csv")
    assert "no column for 'Lead/responsible agency'" in preview.problems[0].message
    with pytest.raises(ImportRefused):
        commit_import(engine, partnership.id, preview, author=author)
    assert P.load_plan(engine, partnership.id).empty


def test_an_action_without_an_outcome_is_a_problem(engine, partnership):
    preview = preview_import(engine, partnership.id, _csv([["Aim", "", "Orphan action", "Council", "", ""]]), "plan.csv")
    assert (preview.problems[0].row, preview.problems[0].column) == (2, "Intended outcome")


def test_importing_into_an_existing_plan_adds_to_matching_aims_and_outcomes(engine, partnership, author):
    pid = partnership.id
    aim = P.add_aim(engine, pid, title="Aim one", author=author)
    P.add_outcome(engine, pid, aim_id=aim.id, title="Outcome 1", author=author)
    preview = preview_import(engine, pid, _csv([["AIM  one", "outcome 1", "Another", "Council", "", ""]]), "p.csv")
    assert preview.new_aims == [] and preview.new_outcomes == []
    commit_import(engine, pid, preview, author=author)
    plan = P.load_plan(engine, pid)
    assert [plan.code("action", x.id) for x in plan.all_actions()] == ["A1.O1.1"]


def test_cli_previews_then_imports_with_yes_and_exports_by_extension(engine, engine_url, demo_id, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", engine_url)
    demo = demo_id
    create_partnership(engine, name="Vale Board", nation="wales")
    xlsx = tmp_path / "plan.xlsx"
    assert main(["export-actions", "Demo partnership", "--out", str(xlsx)]) == 0
    assert main(["import-actions", "Vale Board", str(xlsx)]) == 0
    out = capsys.readouterr().out
    assert "Will create 4 new strategic aims, 8 new intended outcomes and 20 actions." in out
    assert "Nothing imported yet. Run again with --yes" in out
    assert main(["import-actions", "Vale Board", str(xlsx), "--yes"]) == 0
    # The demo's milestones and output indicators travel on their own sheets.
    assert "Imported 20 actions, 7 milestones and 4 output indicators into 'Vale Board'." in capsys.readouterr().out
    csv_out = tmp_path / "plan.csv"
    assert main(["export-actions", "Vale Board", "--out", str(csv_out)]) == 0
    assert csv_out.read_bytes() == export_csv(engine, demo)
    assert main(["export-actions", "Vale Board", "--out", str(tmp_path / "plan.pdf")]) == 1
    assert "should end in .xlsx or .csv" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([["Aim", "Outcome", "Act", "Council", "31/02/2026", ""]]))
    assert main(["import-actions", "Vale Board", str(bad), "--yes"]) == 1
    assert "Row 2, column 'Commencement'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "plan.csv", r"is empty \(0 bytes\)"),
        (b"Strategic aim,Intended outcome,Action,Lead/responsible agency\r\n", "plan.csv", "has column names but no rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "plan.csv", "picture"),
        (b"Strategic aim,Intended outcome\r\nA,B\r\n", "plan.xlsx", "not one"),
    ],
)
def test_files_that_are_not_plans_are_refused_before_anything_is_read(engine, partnership, data, name, message):
    with pytest.raises(InvalidInput, match=message):
        preview_import(engine, partnership.id, data, name)
    assert P.load_plan(engine, partnership.id).empty


def test_importing_the_same_file_twice_adds_nothing_the_second_time(engine, partnership, author):
    data = _csv([["Aim", "Outcome", "Do it", "Council", "", ""], ["Aim", "Outcome", "Do more", "Council", "", ""]])
    commit_import(engine, partnership.id, preview_import(engine, partnership.id, data, "p.csv"), author=author)
    again = preview_import(engine, partnership.id, data, "p.csv")
    assert again.actions == [] and again.already == 2 and not again.ok
    assert "2 actions are already in the plan and will be left as they are." in again.summary()
    with pytest.raises(InvalidInput, match="Everything in the file is already in the plan"):
        commit_import(engine, partnership.id, again, author=author)
    assert len(P.load_plan(engine, partnership.id).all_actions()) == 2
