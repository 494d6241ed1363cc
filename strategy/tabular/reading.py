"""The one way a spreadsheet comes in: a CSV (any common encoding and delimiter) or an Excel workbook
(.xlsx), read into named columns with limits on size, rows and columns, and every refusal a message
that says what to fix. Every import reads its file here, so every import undoes the one formula guard
(``strategy.tabular.formulas``) the same way. Also the preview every import shows before it stores anything (``Preview``,
``Problem``) and the refusal it raises (``ImportRefused``)."""

from __future__ import annotations

import codecs
import csv
import io
import re
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


#: An .xlsx is a zip: what it may unpack to (a small file can unpack to gigabytes).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


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
        return f"Row {self.row}" + (f", column '{self.column}'" if self.column else "") + f": {self.message}"


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
            self.problems.append(Problem(row, shorten(column, 100), shorten(message, 400)))


class ImportRefused(InvalidInput):
    """A file with problems: nothing was imported. ``problems`` lists them (the first thousand)."""

    def __init__(self, preview: Preview):
        self.problems = list(preview.problems)
        self.problem_count = preview.problem_count
        shown = " ".join(sentence(p.describe()) for p in self.problems[:3])
        more = self.problem_count - min(3, len(self.problems))
        count = f"{self.problem_count:,} problem{'s' if self.problem_count != 1 else ''}"
        super().__init__(f"Nothing was imported: the file has {count}. {shown}" + (f" (and {more:,} more)" if more > 0 else ""))

    def one_line(self) -> str:
        """The first problem and how many more, for a terminal."""
        first = self.problems[0].describe() if self.problems else "the file has problems"
        more = self.problem_count - 1
        return f"Nothing was imported. {first}" + (f" (and {more:,} more problem{'s' if more != 1 else ''})" if more > 0 else "")


def sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!", "…")) else text + "."


@dataclass
class Table:
    """A sheet read: its column names, and each row as column name -> cell (cells past the last
    named column, if any, as a list under the key None)."""

    headers: list[str]
    rows: list[dict[str | None, Any]]
    read_as: str


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


def read_sheet(data: bytes, filename: str) -> Table:
    name = file_name(filename)
    if data is None or len(data) == 0:
        raise InvalidInput(f"'{name}' is empty (0 bytes). Choose the file again, or save it again from Excel.")
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            f"'{name}' is {len(data) / 1024 / 1024:,.1f} MB; the most it takes is {MAX_MEGABYTES} MB. "
            "Save only the sheet and columns needed, or split the file."
        )
    if data[:4] == b"PK\x03\x04":  # a zip: an .xlsx whatever its name says
        grid, read_as = _xlsx_grid(data, name)
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
        grid, read_as = _csv_grid(data, name)
    return _to_table(grid, name, read_as)


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


def _csv_grid(data: bytes, name: str) -> tuple[list[list], str]:
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
                if non_blank > MAX_ROWS:
                    raise too_many_rows(name)
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
    return grid, f"CSV, {encoding}, {separated}-separated"


def _too_many_columns(name: str, count: int) -> InvalidInput:
    return InvalidInput(
        f"'{name}' has {count:,} columns; the most it takes is {MAX_COLUMNS}. Delete the columns that are not needed and try again."
    )


def _xlsx_grid(data: bytes, name: str) -> tuple[list[list], str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            unpacked = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidInput(f"'{name}' looks like an Excel workbook but is damaged. Save it again from Excel as .xlsx or CSV.") from None
    if "xl/workbook.xml" not in names:
        raise InvalidInput(
            f"'{name}' is a zip file but not an Excel workbook (it may be a Word or OpenDocument file). Save it from Excel as .xlsx or CSV."
        )
    if unpacked > MAX_UNPACKED_BYTES:
        raise InvalidInput(
            f"'{name}' unpacks to more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB; the most it takes "
            f"is {MAX_ROWS:,} rows and {MAX_COLUMNS} columns. Save only the sheet needed."
        )
    import openpyxl  # late: only an Excel file needs it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to open means the same to the person
        raise InvalidInput(
            f"'{name}' looks like an Excel workbook but could not be opened (it may be damaged). Save it again from Excel as .xlsx or CSV."
        ) from None
    try:
        if not workbook.worksheets:
            raise InvalidInput(f"'{name}' has no sheets.")
        sheet = workbook.worksheets[0]
        grid: list[list] = []
        non_blank = 0
        pending_blank = 0  # blank rows are counted, and kept only when a row with values follows
        for cells in sheet.iter_rows(values_only=True):
            values: list[Any] = list(cells)
            while values and is_blank(values[-1]):
                values.pop()
            if not grid:
                if len([v for v in values if not is_blank(v)]) > MAX_COLUMNS:
                    raise _too_many_columns(name, len([v for v in values if not is_blank(v)]))
                grid.append(values)
                continue
            if not values:
                pending_blank += 1
                continue
            non_blank += 1
            if non_blank > MAX_ROWS:
                raise too_many_rows(name)
            grid.extend([] for _ in range(pending_blank))
            pending_blank = 0
            grid.append(values)
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001
        raise InvalidInput(
            f"'{name}' could not be read to the end (it may be damaged). Save it again from Excel as .xlsx or CSV."
        ) from None
    finally:
        workbook.close()
    sheets = len(workbook.sheetnames)
    return grid, "Excel workbook" + (f", first of {sheets} sheets ('{shorten(sheet.title, 40)}')" if sheets > 1 else "")


def _header_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(unneutralise(str(value).replace("\ufeff", "")))
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def _to_table(grid: list[list], name: str, read_as: str) -> Table:
    if not grid or not any(not is_blank(v) for v in grid[0]):
        if any(any(not is_blank(v) for v in row) for row in grid):
            raise InvalidInput(f"Row 1 of '{name}' is empty. The first row should hold the column names, such as those in the template.")
        raise InvalidInput(f"'{name}' has nothing in it. Put the column names in row 1 and one response or figure in each row below.")
    raw_headers = [_header_text(v) for v in grid[0]]
    while raw_headers and not raw_headers[-1]:
        raw_headers.pop()
    if len([h for h in raw_headers if h]) > MAX_COLUMNS:
        raise _too_many_columns(name, len([h for h in raw_headers if h]))
    headers = [h or f"Column {column_letter(i)}" for i, h in enumerate(raw_headers)]
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        if h.casefold() in seen:
            raise InvalidInput(
                f"Column '{shorten(h, 100)}' appears twice (columns {column_letter(seen[h.casefold()])} and {column_letter(i)}). "
                "Delete or rename one of them."
            )
        seen[h.casefold()] = i
    body = grid[1:]
    while body and not any(not is_blank(v) for v in body[-1]):
        body.pop()
    if not body:
        raise InvalidInput(f"'{name}' has column names but no rows. Add one response or figure in each row under the column names.")
    rows: list[dict[str | None, Any]] = []
    width = len(headers)
    for record in body:
        row: dict[str | None, Any] = {h: (unneutralise(record[i]) if i < len(record) else None) for i, h in enumerate(headers)}
        extra = [unneutralise(v) for v in record[width:] if not is_blank(v)]
        if extra:
            row[None] = extra
        rows.append(row)
    return Table(headers, rows, read_as)


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
