"""CSV and Excel files that cannot run as formulas, and read back to the same text.

A cell a person typed that begins with =, +, -, @, a tab or a carriage return could be run by a
spreadsheet as a formula (CSV injection). Such cells are written with a leading apostrophe, which
spreadsheets show as text; ``unneutralise`` takes it off again when a file is read back."""

from __future__ import annotations

import codecs
import csv
import io

from openpyxl import Workbook

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value as a safe cell: text beginning with a formula character gets a leading apostrophe."""
    if isinstance(value, str) and (value.startswith(DANGEROUS) or (value.startswith("'") and value[1:2] in DANGEROUS)):
        return "'" + value
    return value


def unneutralise(value):
    """Undo ``neutralise`` on a cell read back from an exported file."""
    if isinstance(value, str) and value.startswith("'") and (value[1:2] in DANGEROUS or value[1:2] == "'"):
        return value[1:]
    return value


def csv_bytes(headers: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a BOM (so Excel keeps £ and accents), every cell neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    writer.writerows([["" if v is None else neutralise(str(v)) for v in row] for row in rows])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def xlsx_bytes(headers: list[str], rows: list[list], title: str = "Export") -> bytes:
    """An Excel workbook whose text cells are stored as text, never as formulas."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31] or "Export"
    for r, row in enumerate([headers, *rows], start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                cell.value = neutralise(value)
                cell.data_type = "s"  # openpyxl would otherwise take "=..." as a formula
            else:
                cell.value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def plain_csv_bytes(rows: list[list[str]]) -> bytes:
    """Rows as a UTF-8 CSV (with the byte-order mark Excel needs), as they are: for templates, not people's text."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
