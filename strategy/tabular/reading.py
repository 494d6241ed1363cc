"""The one way a spreadsheet comes in: a CSV (any common encoding and delimiter) or an Excel workbook
(.xlsx), read into named columns with limits on size, rows and columns, and every refusal a message
that says what to fix. Every import reads its file here, so every import undoes the one formula guard
(``strategy.tabular.formulas``) the same way. Also the preview every import shows before it stores anything (``Preview``,
``Problem``) and the refusal it raises (``ImportRefused``)."""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import time as clock
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NamedTuple

from strategy.core.errors import InvalidInput
from strategy.core.text import clean_text, shorten
from strategy.tabular.formulas import unneutralise

#: The largest file read, in bytes (the page's uploader says the same).
MAX_BYTES = 10 * 1024 * 1024


MAX_MEGABYTES = MAX_BYTES // (1024 * 1024)


#: Rows below the column names, and columns.
MAX_ROWS = 50_000


MAX_COLUMNS = 200


#: An .xlsx is a zip: what it may unpack to (a small file can unpack to gigabytes). Counted as it
#: is unpacked, not taken from what the zip claims.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


#: The shared text of a workbook (every distinct text cell), unpacked: openpyxl holds it all in memory.
MAX_SHARED_TEXT_BYTES = 30 * 1024 * 1024


#: The longest cell, in characters: Excel's own limit (a longer one was made by something else).
MAX_CELL_CHARS = 32_767


#: Cells with something in them, in all the sheets read.
MAX_CELLS = 2_000_000


#: How far down a sheet a row may sit, blank rows included (a sheet can claim a million rows).
MAX_SHEET_ROWS = 2 * MAX_ROWS


#: How long reading one file may take, in seconds.
MAX_SECONDS = 30.0


#: Rows looked at for the column names (below title lines).
HEADER_SEARCH_ROWS = 30


#: Kinds of problem shown on a screen or in a message; rows shown for each.
MAX_GROUPS_SHOWN = 8


ROWS_SHOWN = 5


#: Problems kept in a preview (the count goes on past it).
MAX_PROBLEMS_KEPT = 1_000


class Problem(NamedTuple):
    """One thing wrong in a file: the row as the spreadsheet numbers it (the column names are
    row 1), the column as the file names it ("" for the whole row) and what to do."""

    row: int
    column: str
    message: str

    def describe(self) -> str:
        if self.row <= 1:
            return self.message
        if self.column:
            return catalogued(f"Row {self.row}, column '{self.column}': {self.message}")
        return catalogued(f"Row {self.row}: {self.message}")


class IgnoredColumn(NamedTuple):
    column: str
    reason: str


@dataclass
class Preview:
    """What an import would store, and everything that stops it."""

    prompt_id: str
    filename: str
    read_as: str
    #: Rows ready to store, as column id -> stored value.
    rows: list[dict] = field(default_factory=list)
    #: The spreadsheet row number of each ready row.
    row_numbers: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    ignored: list[IgnoredColumn] = field(default_factory=list)
    #: File column -> workbook column label, for the columns read.
    columns: list[tuple[str, str]] = field(default_factory=list)
    rows_in_file: int = 0
    blank_rows: int = 0
    #: What was decided on the person's behalf (header row, sheet, columns added up...), one sentence each.
    notes: list[str] = field(default_factory=list)
    #: A workbook's sheets, and the one read.
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    #: For a file holding several areas: each area with its number of rows, the ones that look like
    #: the partnership's, and the one chosen ("" until chosen).
    areas: list[tuple[str, int]] = field(default_factory=list)
    suggested_areas: list[str] = field(default_factory=list)
    area: str = ""
    #: Rows left out because they are for another area, or by a filter.
    other_rows: int = 0
    #: The choices the preview was made with (sheet, header row, area, mapping, filters).
    options: ImportOptions | None = None
    #: The file's column names (what makes two files the same source).
    headers: list[str] = field(default_factory=list)
    #: Answers on another scale than the workbook's, as written -> the score suggested (to be confirmed).
    suggested_answers: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> int:
        return len(self.rows)

    @property
    def rows_with_problems(self) -> int:
        return len({p.row for p in self.problems if p.row > 1})

    @property
    def ok(self) -> bool:
        return self.problem_count == 0 and bool(self.rows)

    def add_problem(self, row: int, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(Problem(row, shorten(column, 100), shorten(message, 600)))

    def read_from(self, table: Table) -> None:
        """Take what the reader decided from the table read."""
        self.notes[:0] = table.notes
        self.sheets, self.sheet = list(table.sheets), table.sheet
        self.headers = list(table.headers)

    def grouped(self, most: int = MAX_GROUPS_SHOWN) -> list[str]:
        """The problems for a screen: one line per kind (the same column and the same message once the
        values it quotes are set aside), with how many rows and the first few, most frequent first."""
        return group_problems(self.problems, self.problem_count, most)


def _kind(problem: Problem) -> tuple[str, str]:
    return problem.column, re.sub(r"'[^']*'|\d[\d,./:-]*", "…", problem.message)


def group_problems(problems: list[Problem], total: int, most: int = MAX_GROUPS_SHOWN) -> list[str]:
    groups: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        groups.setdefault(_kind(p), []).append(p)
    ordered = sorted(groups.values(), key=lambda ps: (-len(ps), ps[0].row))
    lines = []
    for ps in ordered[:most]:
        first = ps[0]
        rows = [p.row for p in ps if p.row > 1]
        if len(ps) == 1:
            lines.append(sentence(first.describe()))
            continue
        shown = ", ".join(str(r) for r in rows[:ROWS_SHOWN]) + (" …" if len(rows) > ROWS_SHOWN else "")
        if first.column:
            lines.append(catalogued(f"{len(ps):,} rows (column '{first.column}', rows {shown}): {sentence(first.message)}"))
        else:
            lines.append(catalogued(f"{len(ps):,} rows (rows {shown}): {sentence(first.message)}"))
    kept = sum(len(ps) for ps in ordered[:most])
    if total - kept == 1:
        lines.append(catalogued("… and 1 more problem."))
    elif total > kept:
        lines.append(catalogued(f"… and {total - kept:,} more problems."))
    return lines


#: How a quarter written without its financial year ("Q3 2025") may be read, as a person chooses.
QUARTERS = ("financial", "calendar")


@dataclass(frozen=True)
class ImportOptions:
    """The choices a person makes about a file, the same from a page, the command line or a saved
    mapping: the sheet, the row of column names, the partnership's area in a file of several,
    which column (or fixed value) each field takes, and filters keeping only some rows."""

    sheet: str | None = None
    header_row: int | None = None
    area: str | None = None
    #: field id (or its template name) -> the file's column, or a value used for every row.
    mapping: dict[str, str] = field(default_factory=dict)
    #: the file's column -> the values kept (a row with any of them is read).
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: A plan's leads as written (a job title, a person) -> the agency that leads.
    leads: dict[str, str] = field(default_factory=dict)
    #: A survey's answers as written on another scale ("7", "Very satisfied") -> the workbook's score.
    answers: dict[str, str] = field(default_factory=dict)
    #: How a plan's "Q3 2025" (no financial year) is read: "financial" (Q3 2025/26, October to
    #: December 2025) or "calendar" (July to September 2025); None: asked, never guessed.
    quarters: str | None = None

    def __bool__(self) -> bool:
        return bool(
            self.sheet or self.header_row or self.area or self.mapping or self.filters or self.leads or self.answers or self.quarters
        )

    def to_json(self) -> str:
        import json

        data: dict[str, object] = {"sheet": self.sheet, "header_row": self.header_row, "area": self.area, "map": self.mapping}
        data["filter"] = {k: list(v) for k, v in self.filters.items()}
        data |= {"leads": self.leads, "answers": self.answers, "quarters": self.quarters}
        return json.dumps({k: v for k, v in data.items() if v not in (None, {}, "")}, ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str | bytes, name: str = "the mapping") -> ImportOptions:
        """Options from a mapping file (as ``to_json`` writes it); refused with a message when it is not one."""
        import json

        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput(f"{name} is not a mapping file (JSON, as the preview saves it).") from None
        if not isinstance(data, dict):
            raise InvalidInput(f"{name} is not a mapping file (JSON, as the preview saves it).")
        known = {"sheet", "header_row", "area", "map", "filter", "leads", "answers", "quarters"}
        unknown = [k for k in data if k not in known]
        if unknown:
            raise InvalidInput(f"{name} has '{shorten(str(unknown[0]), 40)}', which is not one of: {', '.join(sorted(known))}.")
        mapping, filters = data.get("map") or {}, data.get("filter") or {}
        leads, answers = data.get("leads") or {}, data.get("answers") or {}
        if not all(isinstance(d, dict) for d in (mapping, filters, leads, answers)):
            raise InvalidInput(f"In {name}, 'map', 'filter', 'leads' and 'answers' should each be a set of NAME: VALUE pairs.")
        header_row = data.get("header_row")
        if header_row is not None and not (isinstance(header_row, int) and header_row >= 1):
            raise InvalidInput(f"In {name}, 'header_row' should be a row number such as 4.")
        quarters = data.get("quarters")
        if quarters not in (None, "", *QUARTERS):
            raise InvalidInput(f"In {name}, 'quarters' should be one of: {', '.join(QUARTERS)}.")
        return cls(
            sheet=None if data.get("sheet") in (None, "") else str(data["sheet"]),
            header_row=header_row,
            area=None if data.get("area") in (None, "") else str(data["area"]),
            mapping={str(k): str(v) for k, v in mapping.items()},
            filters={str(k): tuple(str(x) for x in (v if isinstance(v, list) else [v])) for k, v in filters.items()},
            leads={str(k): str(v) for k, v in leads.items()},
            answers={str(k): str(v) for k, v in answers.items()},
            quarters=quarters or None,
        )

    @staticmethod
    def pairs(items: list[str] | None, what: str) -> list[tuple[str, str]]:
        """ "FIELD=COLUMN" (or "COLUMN=VALUE") arguments as pairs; refused when one has no '='."""
        out = []
        for item in items or []:
            left, sep, right = item.partition("=")
            if not sep or not left.strip():
                raise InvalidInput(f"'{shorten(item, 60)}' should be written {what}, with an '=' between.")
            out.append((left.strip(), right.strip()))
        return out


class ImportRefused(InvalidInput):
    """A file with problems: nothing was imported. ``problems`` lists them (the first thousand);
    the message groups them by kind, a screenful at most."""

    def __init__(self, preview: Preview):
        self.problems = list(preview.problems)
        self.problem_count = preview.problem_count
        self.lines = group_problems(self.problems, self.problem_count, 3)
        count = f"{self.problem_count:,} problem{'s' if self.problem_count != 1 else ''}"
        super().__init__(f"Nothing was imported: the file has {count}. " + " ".join(self.lines))

    def one_line(self) -> str:
        """The first problem and how many more, for a terminal."""
        first = self.problems[0].describe() if self.problems else "the file has problems"
        more = self.problem_count - 1
        return f"Nothing was imported. {first}" + (f" (and {more:,} more problem{'s' if more != 1 else ''})" if more > 0 else "")


def catalogued(text: str) -> str:
    """``text`` unchanged: marks words a screen shows through the message catalogue (message_in) though
    they are not raised, so strategy.core.message_sources puts their template in the catalogue."""
    return text


def sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!", "…")) else text + "."


@dataclass
class Table:
    """A sheet read: its column names, and each row as column name -> cell (cells past the last
    named column, if any, as a list under the key None)."""

    headers: list[str]
    rows: list[dict[str | None, Any]]
    read_as: str
    #: The row number the spreadsheet shows for ``rows[0]`` (2 when the column names are in row 1).
    first_row: int = 2
    #: What the reader decided on the person's behalf (the header row found below title lines, the
    #: sheet chosen, a second row of column names read), one sentence each.
    notes: list[str] = field(default_factory=list)
    #: Every sheet's name, for a workbook; empty for a CSV.
    sheets: list[str] = field(default_factory=list)
    #: The sheet read, for a workbook.
    sheet: str = ""
    #: The lines above the column names (a title, notes, a source), as text.
    title_lines: list[str] = field(default_factory=list)

    def row_number(self, index: int) -> int:
        """The spreadsheet's number for ``rows[index]``."""
        return self.first_row + index


def column_letter(index: int) -> str:
    """0 -> A, 26 -> AA: the column letter a spreadsheet shows."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def too_many_rows(name: str) -> InvalidInput:
    return InvalidInput(
        f"'{name}' has more than {MAX_ROWS:,} rows; the most it takes is {MAX_ROWS:,}. "
        "Split it into smaller files (import the first, then add the others) or import a summary."
    )


def read_file(path: str | Path) -> bytes:
    """A file's bytes, refusing one over the size limit before reading it."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InvalidInput(
            f"'{file_name(path.name)}' is {size / 1024 / 1024:,.1f} MB; the most it takes is {MAX_MEGABYTES} MB. "
            "Save only the sheet and columns needed, or split the file."
        )
    return path.read_bytes()


def read_table(data: bytes, filename: str) -> list[dict[str | None, Any]]:
    """The rows of a CSV or Excel file as dicts keyed by the column names in its first row.

    Every dict has every column name; a cell past the last named column lands under the key None
    as a list (as ``csv.DictReader`` does). Blank rows between rows are kept, so the position in the
    list + 2 is the row number the spreadsheet shows. Refuses, with a message saying why, an empty
    file, a file with only column names, a file that is not a spreadsheet, unbalanced quotes, and
    files over the limits (10 MB, 50,000 rows, 200 columns).

    Cells are as the file has them, with the formula guard of an export taken off
    (``strategy.tabular.formulas.unneutralise``): a file the workbook wrote reads back as typed."""
    return read_sheet(data, filename).rows


class _Deadline:
    """The time limit on reading one file, and the cells counted against the cell limit."""

    def __init__(self, name: str):
        self.name = name
        self.ends = clock.monotonic() + MAX_SECONDS
        self.cells = 0

    def check(self) -> None:
        if clock.monotonic() > self.ends:
            raise InvalidInput(
                f"'{self.name}' took longer than {MAX_SECONDS:,.0f} seconds to read, so it was not imported. "
                "Save only the sheet and columns needed (as CSV if you can) and try again."
            )

    def count(self, cells: int) -> None:
        self.cells += cells
        if self.cells > MAX_CELLS:
            raise InvalidInput(
                f"'{self.name}' has more than {MAX_CELLS:,} cells with something in them; the most it takes is "
                f"{MAX_CELLS:,}. Save only the sheet and columns needed, or split the file."
            )


def read_sheet(data: bytes, filename: str, *, sheet: str | int | None = None, header_row: int | None = None) -> Table:
    """A sheet read into named columns. ``sheet`` is a workbook sheet's name or number (1 is the
    first); without it, the first sheet holding a table is read (a cover or contents sheet is passed
    over). ``header_row`` is the row the spreadsheet shows the column names in; without it, the
    column names are found below any title lines (and the table says so in ``notes``). A second row
    of column names, as SmartSurvey and SurveyMonkey write, is read with the first.

    Every file is read within the same fixed limits: its size, what it unpacks to (counted while
    unpacking), the longest cell, the cells, rows and columns, and the time taken."""
    name = file_name(filename)
    if data is None or len(data) == 0:
        raise InvalidInput(f"'{name}' is empty (0 bytes). Choose the file again, or save it again from Excel.")
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            f"'{name}' is {len(data) / 1024 / 1024:,.1f} MB; the most it takes is {MAX_MEGABYTES} MB. "
            "Save only the sheet and columns needed, or split the file."
        )
    deadline = _Deadline(name)
    sheets: list[str] = []
    chosen = ""
    if data[:4] == b"PK\x03\x04":  # a zip: an .xlsx whatever its name says
        grid, read_as, sheets, chosen = _xlsx_grid(data, name, sheet, deadline)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InvalidInput(
            f"'{name}' is an old-style Excel file (.xls) or a password-protected workbook. "
            "Open it in Excel, remove any password, and save it as .xlsx or CSV."
        )
    else:
        if Path(name).suffix.lower() in (".xlsx", ".xlsm"):
            raise InvalidInput(
                f"'{name}' is named as an Excel workbook but is not one (it may be damaged). Save it again from Excel as .xlsx or CSV."
            )
        if sheet not in (None, "", 1, "1"):
            raise InvalidInput(f"'{name}' is a CSV file, which has one sheet only; leave out the sheet.")
        grid, read_as = _csv_grid(data, name, deadline)
    table = _to_table(grid, name, read_as, header_row)
    table.sheets, table.sheet = sheets, chosen
    return table


def file_name(filename: str) -> str:
    """The file's name as messages show it: no folders, one line, not too long."""
    return shorten(Path(filename or "").name, 100) or "the file"


def _not_a_spreadsheet(name: str, what: str = "") -> InvalidInput:
    return InvalidInput(
        f"'{name}' is not a CSV or Excel file{what}. Save it from Excel as .xlsx or 'CSV UTF-8 (comma delimited)' and choose it again."
    )


_SIGNATURES = {
    b"%PDF": " (it is a PDF)",
    b"\x89PNG": " (it is a picture)",
    b"\xff\xd8\xff": " (it is a picture)",
    b"GIF8": " (it is a picture)",
    b"\x1f\x8b": " (it is compressed)",
    b"7z\xbc\xaf": " (it is compressed)",
    b"Rar!": " (it is compressed)",
    b"{\\rtf": " (it is a Word document)",
}


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for signature, what in _SIGNATURES.items():
        if data.startswith(signature):
            raise _not_a_spreadsheet(name, what)
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            raise InvalidInput(
                f"'{name}' says it is UTF-8 but has characters that are not. Save it again from Excel as 'CSV UTF-8 (comma delimited)'."
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise _not_a_spreadsheet(name) from None
    if b"\x00" in data[:65536]:
        raise _not_a_spreadsheet(name)
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise _not_a_spreadsheet(name) from None


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")


def _delimiter(text: str) -> tuple[str, str]:
    """The separator used in the first row (outside quotes): comma, semicolon or tab."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in text[:65536]:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda c: (counts[c], c == ","))
    return (best if counts[best] else ","), {",": "comma", ";": "semicolon", "\t": "tab"}[best if counts[best] else ","]


def _csv_grid(data: bytes, name: str, deadline: _Deadline) -> tuple[list[list], str]:
    text, encoding = _decode(data, name)
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) > max(3, len(sample) // 100):
        raise _not_a_spreadsheet(name)
    hint = re.match(r"sep=(.)\r?\n", text)  # Excel's own first line naming the separator; Excel hides it
    if hint:
        text = text[hint.end() :]
    delimiter, separated = _delimiter(text)
    if hint:
        delimiter, separated = hint.group(1), {",": "comma", ";": "semicolon", "\t": "tab"}.get(hint.group(1), repr(hint.group(1)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    grid: list[list] = []
    non_blank = 0
    try:
        for record in reader:
            if grid and any(cell.strip() for cell in record):
                non_blank += 1
                if non_blank > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise too_many_rows(name)
            if not len(grid) % 1024:
                deadline.check()
            deadline.count(sum(1 for cell in record if cell))
            grid.append(record)
            if len(grid) == 1 and len(record) > MAX_COLUMNS:  # refuse thousands of columns before reading on
                named = sum(1 for c in record if c.strip())
                if named > MAX_COLUMNS:
                    raise _too_many_columns(name, named)
    except csv.Error as exc:
        row = len(grid) + 1
        if "field larger than field limit" in str(exc):
            raise InvalidInput(
                f"Row {row} of '{name}' has a cell longer than {csv.field_size_limit():,} characters, "
                "which is more than any answer holds. Check that row."
            ) from None
        raise InvalidInput(
            f"Row {row} of '{name}' has a quote mark (\") that is not closed or is followed by more text, "
            "so the file cannot be read from there on. Check that row (a value with a comma or a line "
            "break in it must be wholly inside quotes), or save the file again from Excel."
        ) from None
    if separated == "comma":
        return grid, catalogued(f"CSV, {encoding}, comma-separated")
    if separated == "semicolon":
        return grid, catalogued(f"CSV, {encoding}, semicolon-separated")
    if separated == "tab":
        return grid, catalogued(f"CSV, {encoding}, tab-separated")
    return grid, catalogued(f"CSV, {encoding}, {separated}-separated")  # a separator the file names (sep=|)


def _too_many_columns(name: str, count: int) -> InvalidInput:
    return InvalidInput(
        f"'{name}' has {count:,} columns; the most it takes is {MAX_COLUMNS}. Delete the columns that are not needed and try again."
    )


def _check_unpacked(zf: zipfile.ZipFile, name: str, deadline: _Deadline) -> None:
    """Unpack every part once, counting what it really unpacks to (a zip's own sizes can lie), and
    refuse a workbook over the limits before openpyxl holds any of it: the whole, the shared text,
    and any run of text longer than a cell can be (Excel's limit, in the bytes it could take)."""
    total = 0
    for info in zf.infolist():
        part = info.filename
        shared = part.lower().endswith("sharedstrings.xml")
        scan = part.lower().endswith(".xml")
        size = 0
        run = 0  # text since the last '<', carried from one chunk to the next
        try:
            with zf.open(info) as stream:
                while chunk := stream.read(1 << 20):
                    size += len(chunk)
                    total += len(chunk)
                    if total > MAX_UNPACKED_BYTES:
                        raise _too_big_unpacked(name)
                    if shared and size > MAX_SHARED_TEXT_BYTES:
                        raise InvalidInput(
                            f"'{name}' holds more than {MAX_SHARED_TEXT_BYTES // 1024 // 1024} MB of text; the most it takes is "
                            f"{MAX_SHARED_TEXT_BYTES // 1024 // 1024} MB. Save only the sheet and columns needed, or save it as CSV."
                        )
                    if scan:
                        parts = chunk.split(b"<")
                        run += len(parts[0])
                        longest = max(run, max(map(len, parts[1:-1]), default=0))
                        if len(parts) > 1:
                            run = len(parts[-1])
                            longest = max(longest, run)
                        if longest > 8 * MAX_CELL_CHARS:
                            raise InvalidInput(
                                f"'{name}' has a cell longer than {MAX_CELL_CHARS:,} characters, more than Excel itself "
                                "lets a cell hold, so it was not made by Excel and was not read. Save it again from Excel."
                            )
                    deadline.check()
        except InvalidInput:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            raise InvalidInput(f"'{name}' looks like an Excel workbook but is damaged. Save it again from Excel as .xlsx or CSV.") from None


def _too_big_unpacked(name: str) -> InvalidInput:
    return InvalidInput(
        f"'{name}' unpacks to more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB; the most it takes "
        f"is {MAX_ROWS:,} rows and {MAX_COLUMNS} columns. Save only the sheet needed."
    )


def _sheet_grid(sheet, name: str, deadline: _Deadline) -> list[list]:
    """One sheet's rows (blank rows between rows kept, trailing blanks dropped), within the limits."""
    try:
        sheet.reset_dimensions()  # the size a sheet claims is not trusted: only the cells it holds are read
    except AttributeError:  # pragma: no cover - a sheet type without it
        pass
    grid: list[list] = []
    non_blank = 0
    pending_blank = 0  # blank rows are counted, and kept only when a row with values follows
    position = 0
    for cells in sheet.iter_rows(values_only=True):
        position += 1
        if not position % 256:
            deadline.check()
        if position > MAX_SHEET_ROWS:
            raise InvalidInput(
                f"'{name}' has rows beyond row {MAX_SHEET_ROWS:,} of sheet '{shorten(sheet.title, 40)}'; the most it takes is "
                f"{MAX_ROWS:,} rows. Delete the rows below the table (or save only the table as CSV) and try again."
            )
        values: list[Any] = list(cells)
        while values and is_blank(values[-1]):
            values.pop()
        filled = len([v for v in values if not is_blank(v)])
        if filled > MAX_COLUMNS or len(values) > 5 * MAX_COLUMNS:
            raise _too_many_columns(name, max(filled, len(values)))
        deadline.count(filled)
        for v in values:
            if isinstance(v, str) and len(v) > MAX_CELL_CHARS:
                raise InvalidInput(f"Row {position} of '{name}' has a cell longer than {MAX_CELL_CHARS:,} characters. Check that row.")
        if not grid:
            grid.append(values)
            continue
        if not values:
            pending_blank += 1
            continue
        non_blank += 1
        if non_blank > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise too_many_rows(name)
        grid.extend([] for _ in range(pending_blank))
        pending_blank = 0
        grid.append(values)
    return grid


def _has_table(grid: list[list]) -> bool:
    """A sheet with at least two named columns and a row of values under them (not a cover, contents or notes sheet)."""
    counts = [len([v for v in row if not is_blank(v)]) for row in grid[: HEADER_SEARCH_ROWS + 50]]
    return any(c >= 2 for c in counts[:HEADER_SEARCH_ROWS]) and sum(1 for c in counts if c >= 2) >= 2


def _pick_sheet(names: list[str], wanted: str | int | None, name: str) -> int | None:
    if wanted is None or (isinstance(wanted, str) and not wanted.strip()):
        return None
    listed = "; ".join(f"{i}. {shorten(n, 40)}" for i, n in enumerate(names, 1))
    text = str(wanted).strip()
    for i, n in enumerate(names):
        if n.strip().casefold() == text.casefold():
            return i
    if text.isdigit():
        number = int(text)
        if 1 <= number <= len(names):
            return number - 1
    raise InvalidInput(f"'{name}' has no sheet '{shorten(text, 40)}'. Its sheets are: {listed}. Give a sheet's name or number.")


def _xlsx_grid(data: bytes, name: str, wanted: str | int | None, deadline: _Deadline) -> tuple[list[list], str, list[str], str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" not in names:
                raise InvalidInput(
                    f"'{name}' is a zip file but not an Excel workbook (it may be a Word or OpenDocument file). "
                    "Save it from Excel as .xlsx or CSV."
                )
            if sum(i.file_size for i in zf.infolist()) > 4 * MAX_UNPACKED_BYTES:  # what it claims: refused unread
                raise _too_big_unpacked(name)
            _check_unpacked(zf, name, deadline)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidInput(f"'{name}' looks like an Excel workbook but is damaged. Save it again from Excel as .xlsx or CSV.") from None
    import openpyxl  # late: only an Excel file needs it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to open means the same to the person
        raise InvalidInput(
            f"'{name}' looks like an Excel workbook but could not be opened (it may be damaged). Save it again from Excel as .xlsx or CSV."
        ) from None
    try:
        sheets = [ws.title for ws in workbook.worksheets]
        if not sheets:
            raise InvalidInput(f"'{name}' has no sheets.")
        index = _pick_sheet(sheets, wanted, name)
        passed: list[str] = []
        if index is not None:
            grid = _sheet_grid(workbook.worksheets[index], name, deadline)
        else:
            index, grid = 0, []
            for i, ws in enumerate(workbook.worksheets):
                found = _sheet_grid(ws, name, deadline)
                if i == 0:
                    grid = found
                if _has_table(found):
                    index, grid = i, found
                    break
                passed.append(ws.title)
            else:
                index, passed = 0, []
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001
        raise InvalidInput(
            f"'{name}' could not be read to the end (it may be damaged). Save it again from Excel as .xlsx or CSV."
        ) from None
    finally:
        workbook.close()
    title = sheets[index]
    if len(sheets) == 1:
        read_as = "Excel workbook"
    elif index == 0 and wanted in (None, ""):
        read_as = f"Excel workbook, first of {len(sheets)} sheets ('{shorten(title, 40)}')"
    else:
        read_as = f"Excel workbook, sheet {index + 1} of {len(sheets)} ('{shorten(title, 40)}')"
        if passed:
            read_as += "; the sheets before it hold no table"
    return grid, read_as, sheets, title


def _header_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(unneutralise(str(value).replace("\ufeff", "")))
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def _filled(row: list) -> int:
    return len([v for v in row if not is_blank(v)])


def _find_header(grid: list[list]) -> int:
    """The index of the row holding the column names: the first row (of the first few) at least half
    as wide as the widest of them whose next row with anything in it is as wide too (so a title,
    even one whose commas split it over a few cells, followed by a blank line or a source line, is
    passed over). 0 when the file starts with its column names."""
    counts = [_filled(row) for row in grid[:HEADER_SEARCH_ROWS]]
    widest = max(counts, default=0)
    if widest < 2:
        return 0
    threshold = max(2, math.ceil(widest / 2))
    for index, count in enumerate(counts):
        if count < threshold:
            continue
        following = next((_filled(row) for row in grid[index + 1 :] if _filled(row) and not _is_subheader(row)), None)
        if following is None or following >= threshold:
            return index
    return 0


#: Words in a second row of column names (SmartSurvey, SurveyMonkey): the answer under its question.
_SUBHEADER_WORDS = {"response", "open-ended response", "open ended response", "responses", "comment", "other (please specify)"}


def _is_subheader(row: list) -> bool:
    values = [v for v in row if not is_blank(v)]
    return bool(values) and all(isinstance(v, str) for v in values) and any(v.strip().casefold() in _SUBHEADER_WORDS for v in values)


def _to_table(grid: list[list], name: str, read_as: str, header_row: int | None = None) -> Table:
    notes: list[str] = []
    if header_row is not None:
        if header_row < 1 or header_row > len(grid):
            raise InvalidInput(f"'{name}' has no row {header_row} (it has {len(grid):,} rows); give the row that holds the column names.")
        top = header_row - 1
        if not _filled(grid[top]):
            raise InvalidInput(f"Row {header_row} of '{name}' is empty; give the row that holds the column names.")
    else:
        if not any(_filled(row) for row in grid):
            raise InvalidInput(f"'{name}' has nothing in it. Put the column names in row 1 and one response or figure in each row below.")
        top = _find_header(grid)
        if top == 0 and not _filled(grid[0]):
            raise InvalidInput(
                f"Row 1 of '{name}' is empty. The first row should hold the column names, such as those in the template "
                "(or give the row that holds them)."
            )
        if top:
            if top == 1:
                notes.append(
                    "The column names are on row 2; row 1 looks like a title and was skipped. If the names are on another row, say which."
                )
            else:
                notes.append(
                    f"The column names are on row {top + 1}; rows 1-{top} look like a title and were skipped. "
                    "If the names are on another row, say which."
                )
    title_lines = [" ".join(cell_text(v) for v in row if not is_blank(v)) for row in grid[:top] if _filled(row)]
    header_cells = list(grid[top])
    start = top + 1
    if start < len(grid) and _is_subheader(grid[start]):
        sub = grid[start]
        last = ""
        merged = []
        for i in range(max(len(header_cells), len(sub))):
            main = _header_text(header_cells[i] if i < len(header_cells) else None)
            below = _header_text(sub[i] if i < len(sub) else None)
            if main:
                last = main
            if below and below.casefold() not in _SUBHEADER_WORDS:
                merged.append(f"{main or last} - {below}" if (main or last) else below)
            else:
                merged.append(main)
        header_cells = merged
        start += 1
        notes.append(
            f"Row {top + 2} is a second row of column names (as SmartSurvey and SurveyMonkey write them): read with row {top + 1}."
        )
    raw_headers = [_header_text(v) for v in header_cells]
    while raw_headers and not raw_headers[-1]:
        raw_headers.pop()
    if len([h for h in raw_headers if h]) > MAX_COLUMNS:
        raise _too_many_columns(name, len([h for h in raw_headers if h]))
    headers = [h or f"Column {column_letter(i)}" for i, h in enumerate(raw_headers)]
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        if h.casefold() in seen:
            raise InvalidInput(
                f"Column '{shorten(h, 100)}' appears twice (columns {column_letter(seen[h.casefold()])} and {column_letter(i)}"
                f"{'' if top == 0 else f', in row {top + 1}'}). Delete or rename one of them."
            )
        seen[h.casefold()] = i
    body = grid[start:]
    while body and not _filled(body[-1]):
        body.pop()
    if not body:
        raise InvalidInput(f"'{name}' has column names but no rows. Add one response or figure in each row under the column names.")
    if sum(1 for record in body if _filled(record)) > MAX_ROWS:
        raise too_many_rows(name)
    rows: list[dict[str | None, Any]] = []
    width = len(headers)
    for record in body:
        row: dict[str | None, Any] = {h: (unneutralise(record[i]) if i < len(record) else None) for i, h in enumerate(headers)}
        extra = [unneutralise(v) for v in record[width:] if not is_blank(v)]
        if extra:
            row[None] = extra
        rows.append(row)
    return Table(headers, rows, read_as, first_row=start + 1, notes=notes, title_lines=title_lines)


def header_key(text: str) -> str:
    """What makes two column names (or labels) the same: case, spaces, underscores, punctuation
    and a trailing bracket such as "(1-5)" ignored."""
    text = unicodedata.normalize("NFKC", str(text)).casefold().replace("’", "'").strip()
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text)
    return re.sub(r"[\W_]+", "", text)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == time(0) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def folded_words(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("’", "'").replace("\u00a0", " ")).strip().casefold()
