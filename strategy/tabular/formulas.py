"""CSV and Excel files that cannot run as formulas, and read back to the same text: the one formula
guard every export uses, and that the one reader (``strategy.tabular.reading``) undoes.

A cell a person typed that begins with =, +, -, @, a tab or a carriage return could be run by a
spreadsheet as a formula (CSV injection). Such a cell is written with a leading apostrophe, which
spreadsheets show as text and never run.

The rule, in both directions:

- ``neutralise`` puts an apostrophe before text that starts with a formula character, and before
  text that starts with an apostrophe followed by a formula character or by another apostrophe
  (``'+44 7700`` is written ``''+44 7700``, ``''`` is written ``'''``).
- ``unneutralise`` takes one leading apostrophe off only when a formula character or another
  apostrophe follows it.

So every value comes back exactly as typed (``unneutralise(neutralise(v)) == v`` for every text):
a typed ``'+44 7700`` is not mistaken for a guarded ``+44 7700``, and text such as ``'tis`` is
written and read as it is, without an apostrophe added or taken away. A file made by hand is read
the way a spreadsheet reads it: ``'=A1`` is the text ``=A1``."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import TypeVar, overload

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

#: What a cell a spreadsheet could run as a formula begins with.
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
#: A leading apostrophe followed by one of these is the guard's (or is guarded itself).
_AFTER_GUARD = (*DANGEROUS, "'")

_T = TypeVar("_T")


def needs_guard(text: str) -> bool:
    """Whether ``text`` is written with a leading apostrophe."""
    return text.startswith(DANGEROUS) or (text.startswith("'") and text[1:].startswith(_AFTER_GUARD))


@overload
def neutralise(value: str) -> str: ...
@overload
def neutralise(value: _T) -> _T: ...
def neutralise(value: object) -> object:
    """The value as a safe cell: text that starts with a formula character (or with an apostrophe
    the reader would take off) gets a leading apostrophe; anything else is returned as it is."""
    if isinstance(value, str) and needs_guard(value):
        return "'" + value
    return value


@overload
def unneutralise(value: str) -> str: ...
@overload
def unneutralise(value: _T) -> _T: ...
def unneutralise(value: object) -> object:
    """A cell read from a file as it was typed: ``neutralise`` undone."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(_AFTER_GUARD):
        return value[1:]
    return value


def _text(value: object) -> str:
    return "" if value is None else str(value)


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a BOM (so Excel keeps £ and accents), every cell written as text and neutralised
    (a number is written as its text: -5 is guarded like the typed text "-5")."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(_text(h)) for h in headers])
    writer.writerows([[neutralise(_text(v)) for v in row] for row in rows])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def xlsx_bytes(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    title: str = "Export",
    *,
    widths: Sequence[int] = (),
    wrap: bool = False,
) -> bytes:
    """An Excel workbook of one sheet: the column names in bold (and kept in view), then the rows.
    Numbers and dates are stored as themselves; anything else as text, never as a formula, and
    neutralised as in a CSV. ``widths`` sets the first columns' widths; ``wrap`` wraps long text.
    Characters an .xlsx cannot hold (control characters other than tab and line breaks) are left out."""
    return xlsx_sheets_bytes([Sheet(title, headers, rows, widths)], wrap=wrap)


@dataclass
class Sheet:
    """One sheet of a workbook to write: its name, column names, rows and the first columns' widths."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Sequence[int] = ()


def xlsx_sheets_bytes(sheets: Sequence[Sheet], *, wrap: bool = False) -> bytes:
    """An Excel workbook of several sheets, each written as ``xlsx_bytes`` writes its one."""
    wb = Workbook()
    bold = Font(bold=True)
    wrapped = Alignment(wrap_text=True, vertical="top")
    for n, sheet in enumerate(sheets):
        ws = wb.worksheets[0] if n == 0 else wb.create_sheet()
        ws.title = sheet.title[:31] or f"Sheet {n + 1}"
        for r, row in enumerate([sheet.headers, *sheet.rows], start=1):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c)
                if value is None:
                    continue
                if isinstance(value, (int, float, Decimal, date, time, timedelta)):  # bool is an int; datetime a date
                    cell.value = value
                else:
                    cell.value = neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
                    cell.data_type = "s"  # openpyxl would otherwise take "=..." as a formula
                if r == 1:
                    cell.font = bold
                elif wrap:
                    cell.alignment = wrapped
        for index, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def plain_csv_bytes(rows: list[list[str]]) -> bytes:
    """Rows as a UTF-8 CSV (with the byte-order mark Excel needs), as they are: for templates, not people's text."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
