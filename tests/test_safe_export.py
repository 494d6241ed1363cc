"""CSV and Excel exports are formula-safe and read back to the same text."""

import csv
import io

import pytest
from openpyxl import load_workbook
from strategy.tabular.formulas import csv_bytes, unneutralise, xlsx_bytes

TEXTS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+44 1234",
    "-1",
    "@SUM(A1)",
    "\tTabbed",
    "\rReturn",
    "'=already quoted",
    "Plain text £ ŵ 🙂",
    "<script>alert(1)</script>",
    "Line one\nline two",
]


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: repr(t[:12]))
def test_csv_cells_cannot_run_and_read_back_the_same(text):
    data = csv_bytes(["Detail"], [[text]])
    [_, [cell]] = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unneutralise(cell) == text


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: repr(t[:12]))
def test_excel_cells_are_text_not_formulas_and_read_back_the_same(text):
    ws = load_workbook(io.BytesIO(xlsx_bytes(["Detail"], [[text]]))).active
    cell = ws.cell(row=2, column=1)
    assert cell.data_type == "s"
    assert unneutralise(cell.value) == text
