"""The one formula guard and the one reader: whatever a person typed goes out in a CSV or Excel file
that no spreadsheet runs as a formula, and comes back in exactly as typed, through the generic
writers (the audit log's export) and through the action plan's export and import alike."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P
from strategy.plan.io import commit_import, export_csv, export_rows, export_xlsx, preview_import
from strategy.tabular.formulas import DANGEROUS, csv_bytes, neutralise, unneutralise, xlsx_bytes
from strategy.tabular.reading import read_sheet

#: Text as a person might type it. The apostrophe-led ones are the hard part: a typed "'+44 7700"
#: must not come back as "+44 7700", nor a typed "''" as "'".
TRICKY = [
    "=1+1",
    '=HYPERLINK("http://evil.example","Click")',
    "+44 7700 900123",
    "-5",
    "@SUM(A1)",
    "'+44 7700",
    "'=1+1",
    "'tis",
    "''",
    "'",
    "'''+x",
    "\tTabbed",
    "\rReturn",
    "Plain text £ ŵ 🙂",
    "Line one\nline two",
    "42",
    "3.5",
    "",
]


def _runnable(cell: object) -> bool:
    return isinstance(cell, str) and cell.startswith(DANGEROUS)


@pytest.mark.parametrize("text", TRICKY, ids=repr)
def test_the_guard_never_leaves_a_formula_and_comes_off_to_what_was_typed(text):
    assert not _runnable(neutralise(text))
    assert unneutralise(neutralise(text)) == text


def test_the_guard_adds_an_apostrophe_only_where_one_is_needed():
    assert neutralise("'tis") == "'tis"  # nothing to guard: written as typed
    assert neutralise("'+44 7700") == "''+44 7700"  # else the reader would take the typed apostrophe off
    assert neutralise("''") == "'''"
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise(42) == 42 and neutralise(None) is None


def test_a_file_made_by_hand_reads_as_a_spreadsheet_shows_it():
    assert unneutralise("'=A1") == "=A1"  # the apostrophe that makes a spreadsheet show text
    assert unneutralise("'tis") == "'tis"
    assert unneutralise("it's") == "it's"


# --- The generic writers, read back through the one reader ----------------------------------------


def _rows():
    return [[text, n] for n, text in enumerate(TRICKY)]


def test_a_csv_export_cannot_run_and_reads_back_as_typed():
    data = csv_bytes(["Detail", "Number"], _rows())
    raw = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert not any(_runnable(cell) for row in raw for cell in row)
    table = read_sheet(data, "export.csv")
    assert table.headers == ["Detail", "Number"]
    assert [r["Detail"] for r in table.rows] == TRICKY
    assert [r["Number"] for r in table.rows] == [str(n) for n in range(len(TRICKY))]


def test_an_excel_export_holds_text_never_formulas_and_reads_back_as_typed():
    data = xlsx_bytes(["Detail", "Number"], _rows(), "Export")
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    for row in ws.iter_rows(min_row=2):
        text, number = row
        if text.value is not None:
            assert text.data_type == "s" and not _runnable(text.value)
        assert number.data_type == "n"  # numbers stay numbers
    table = read_sheet(data, "export.xlsx")
    assert [r["Detail"] or "" for r in table.rows] == TRICKY  # an empty cell reads as nothing
    assert [r["Number"] for r in table.rows] == list(range(len(TRICKY)))


@pytest.mark.parametrize("header", ["=Name", "'+Name", "'tis"])
def test_column_names_are_guarded_and_read_back_too(header):
    for data, name in ((csv_bytes([header], [["x"]]), "f.csv"), (xlsx_bytes([header], [["x"]]), "f.xlsx")):
        assert read_sheet(data, name).headers == [header]


def test_a_cell_excel_cannot_hold_is_left_out_rather_than_failing_the_export():
    ws = load_workbook(io.BytesIO(xlsx_bytes(["Detail"], [["bell\x07 here"]]))).worksheets[0]
    assert ws["A2"].value == "bell here"


# --- The action plan: export, then import into another partnership --------------------------------

#: Plan text as typed: aims and agencies are names (trimmed), the rest is stored as written.
PLAN_TEXTS = ["=1+1", "+44 7700 900123", "-5", "@SUM(A1)", "'+44 7700", "'tis", "''", "'=cmd", "Plain text", "42"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_plan_reimports_every_tricky_value_exactly_as_typed(engine, partnership, author, fmt):
    pid = partnership.id
    for text in PLAN_TEXTS:
        aim = P.add_aim(engine, pid, title=text, author=author)
        outcome = P.add_outcome(engine, pid, aim_id=aim.id, title=text, author=author)
        P.create_action(
            engine, pid, outcome_id=outcome.id, title=text, author=author, leads=[text], partners=text, add_unknown_agencies=True
        )
    export = export_xlsx if fmt == "xlsx" else export_csv
    data = export(engine, pid)
    if fmt == "csv":
        cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for c in row]
    else:
        cells = [c.value for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows() for c in row]
    assert not any(_runnable(c) for c in cells)

    other = create_partnership(engine, name="Second", nation="england")
    preview = preview_import(engine, other.id, data, f"plan.{fmt}")
    assert preview.problems == []
    assert [(a["aim"], a["outcome"], a["title"], a["leads"], a["partners"]) for a in preview.actions] == [
        (t, t, t, [t], t) for t in PLAN_TEXTS
    ]
    commit_import(engine, other.id, preview, author=author)
    assert export_rows(engine, other.id) == export_rows(engine, pid)


def test_a_tab_led_plan_value_is_stored_trimmed_and_round_trips(engine, partnership, author):
    pid = partnership.id
    aim = P.add_aim(engine, pid, title="Aim", author=author)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="\tTabbed outcome", author=author)
    P.create_action(engine, pid, outcome_id=outcome.id, title="\tTabbed action", author=author, leads=["Police"], add_unknown_agencies=True)
    other = create_partnership(engine, name="Second", nation="england")
    for data, name in ((export_csv(engine, pid), "plan.csv"), (export_xlsx(engine, pid), "plan.xlsx")):
        preview = preview_import(engine, other.id, data, name)
        assert preview.problems == []
        assert [(a["outcome"], a["title"]) for a in preview.actions] == [(r[1], r[2]) for r in export_rows(engine, pid)]
