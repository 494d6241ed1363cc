"""Importing rows from the files people have: a CSV or an Excel workbook (.xlsx), such as a
Microsoft Forms export of the staff survey or a table of local figures.

Every import runs a preview first: each row is checked and every problem is listed with the row
number the spreadsheet shows (the column names are row 1) and the column as the file names it.
An import with any problem stores nothing; one without problems stores every row in one
transaction (``strategy.answers.operations.add_rows``). The page, the command line and the tests all call
the functions here. Columns, aliases and accepted values are documented in
``data/templates/README.md``.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import NamedTuple

from sqlalchemy.engine import Engine

from strategy.answers.operations import add_rows, normalise_row
from strategy.core.authors import Author
from strategy.core.errors import InvalidInput
from strategy.core.text import check_length, clean_text
from strategy.core.values import parse_number, parse_period, parse_statistic
from strategy.guide.content import Column, Prompt, content

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

SURVEY = "workforce.staff_survey"
FIGURES = "context.figures"
MEASURES = "response.identification_figures"
FIGURE_PROMPTS = (FIGURES, MEASURES)
SCORE_COLUMNS = ("confidence", "knowledge", "skills", "talking")

#: The name each column has in a template, then other names a file may use for it. Matching
#: ignores case, spaces, underscores, punctuation and a trailing bracket such as "(1-5)"; the
#: column's id and its label in the workbook are accepted as well.
_SURVEY_HEADERS: dict[str, tuple[str, ...]] = {
    "agency": ("Agency", "Organisation", "Organization", "Agency or organisation", "Agency name", "Organisation name",
               "Service", "Employer", "Which agency do you work for", "Which organisation do you work for"),
    "role": ("Role", "Job title", "Job role", "Position", "Role or job title", "What is your role"),
    "confidence": ("Confidence", "Confidence identifying and responding", "Confidence in identifying and responding"),
    "knowledge": ("Knowledge", "Knowledge of signs and indicators", "Knowledge of the signs and indicators"),
    "skills": ("Skills", "Skills in responding"),
    "talking": ("Talking", "Talking with children", "Confidence talking with children",
                "Confidence in talking with children"),
    "comment": ("Comment", "Comments", "Any other comments", "Other comments", "Notes"),
}
_FIGURE_HEADERS: dict[str, tuple[str, ...]] = {
    "detail": ("Detail", "Details", "Age band", "Group", "Breakdown", "Description"),
    "period": ("Year", "Period", "Time period", "Financial year", "Academic year"),
    "value": ("Value", "Number", "Count", "Rate", "Percentage", "Number of children or offences"),
    "source": ("Source", "Data source", "Publication"),
}
_CHOICE_HEADERS = ("Figure", "Indicator", "Measure", "Local indicator")
_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    SURVEY: _SURVEY_HEADERS,
    FIGURES: {"indicator": ("Figure", *[h for h in _CHOICE_HEADERS if h != "Figure"]), **_FIGURE_HEADERS},
    MEASURES: {"measure": ("Measure", *[h for h in _CHOICE_HEADERS if h != "Measure"]), **_FIGURE_HEADERS},
}
#: Columns a file must have (by column id).
_REQUIRED = {SURVEY: ("agency",), FIGURES: ("indicator", "value"), MEASURES: ("measure", "value")}

#: Columns that Microsoft Forms (and Google Forms) add to an export: about the response, not an answer.
FORM_METADATA = ("ID", "Start time", "Completion time", "Last modified time", "Total points", "Quiz feedback",
                 "Points - ...", "Feedback - ...", "Timestamp", "Language", "Response ID")
#: Columns that identify a person: never read, never stored, and the preview says so.
IDENTIFYING = ("Name", "Email", "Email address", "Full name", "First name", "Last name", "Surname", "Your name",
               "Username", "Respondent", "Responder", "Staff name", "Employee name", "Phone", "Phone number",
               "Telephone")

#: Words from Likert questions (Microsoft Forms' Likert and choice questions) and the score each is.
LIKERT_WORDS: dict[str, int] = {
    "strongly disagree": 1, "disagree": 2, "neither agree nor disagree": 3, "neither agree or disagree": 3,
    "neutral": 3, "agree": 4, "strongly agree": 5,
    "not at all confident": 1, "slightly confident": 2, "not very confident": 2, "somewhat confident": 3,
    "fairly confident": 4, "quite confident": 4, "confident": 4, "very confident": 5, "extremely confident": 5,
    "completely confident": 5,
}
#: Answers that mean "no score" and are stored as a blank.
NO_SCORE_WORDS = ("n/a", "na", "not applicable", "don't know", "dont know", "do not know", "prefer not to say", "-")
_SCORE_WITH_WORDS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:[-–—:.)=]|\s)\s*\D.*$", re.S)


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
            self.problems.append(Problem(row, _one_line(column, 100), _one_line(message)))


class ImportRefused(InvalidInput):
    """A file with problems: nothing was imported. ``problems`` lists them (the first thousand)."""

    def __init__(self, preview: Preview):
        self.problems = list(preview.problems)
        self.problem_count = preview.problem_count
        shown = " ".join(_sentence(p.describe()) for p in self.problems[:3])
        more = self.problem_count - min(3, len(self.problems))
        count = f"{self.problem_count:,} problem{'s' if self.problem_count != 1 else ''}"
        super().__init__(f"Nothing was imported: the file has {count}. {shown}"
                         + (f" (and {more:,} more)" if more > 0 else ""))

    def one_line(self) -> str:
        """The first problem and how many more, for a terminal."""
        first = self.problems[0].describe() if self.problems else "the file has problems"
        more = self.problem_count - 1
        return f"Nothing was imported. {first}" + (f" (and {more:,} more problem{'s' if more != 1 else ''})" if more > 0 else "")


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!", "…")) else text + "."


def _one_line(text: str, limit: int = 400) -> str:
    text = re.sub(r"\s+", " ", str(text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short(value, limit: int = 60) -> str:
    return _one_line(value, limit)


# --- Reading a file -----------------------------------------------------------------------------

@dataclass
class _Table:
    headers: list[str]
    rows: list[dict]
    read_as: str


def _letter(index: int) -> str:
    """0 -> A, 26 -> AA: the column letter a spreadsheet shows."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _too_many_rows(name: str) -> InvalidInput:
    return InvalidInput(f"'{name}' has more than {MAX_ROWS:,} rows; the most it takes is {MAX_ROWS:,}. "
                        "Split it into smaller files (import the first, then add the others) or import a summary.")


def read_file(path: str | Path) -> bytes:
    """A file's bytes, refusing one over the size limit before reading it."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InvalidInput(f"'{_file_name(path.name)}' is {size / 1024 / 1024:,.1f} MB; the most it takes is {MAX_MEGABYTES} MB. "
                           "Save only the sheet and columns needed, or split the file.")
    return path.read_bytes()


def read_table(data: bytes, filename: str) -> list[dict]:
    """The rows of a CSV or Excel file as dicts keyed by the column names in its first row.

    Every dict has every column name; a cell past the last named column lands under the key None
    as a list (as ``csv.DictReader`` does). Blank rows between rows are kept, so the position in the
    list + 2 is the row number the spreadsheet shows. Refuses, with a message saying why, an empty
    file, a file with only column names, a file that is not a spreadsheet, unbalanced quotes, and
    files over the limits (10 MB, 50,000 rows, 200 columns)."""
    return _read(data, filename).rows


def _read(data: bytes, filename: str) -> _Table:
    name = _file_name(filename)
    if data is None or len(data) == 0:
        raise InvalidInput(f"'{name}' is empty (0 bytes). Choose the file again, or save it again from Excel.")
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"'{name}' is {len(data) / 1024 / 1024:,.1f} MB; the most it takes is {MAX_MEGABYTES} MB. "
                           "Save only the sheet and columns needed, or split the file.")
    if data[:4] == b"PK\x03\x04":  # a zip: an .xlsx whatever its name says
        grid, read_as = _xlsx_grid(data, name)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InvalidInput(f"'{name}' is an old-style Excel file (.xls) or a password-protected workbook. "
                           "Open it in Excel, remove any password, and save it as .xlsx or CSV.")
    else:
        if Path(name).suffix.lower() in (".xlsx", ".xlsm"):
            raise InvalidInput(f"'{name}' is named as an Excel workbook but is not one (it may be damaged). "
                               "Save it again from Excel as .xlsx or CSV.")
        grid, read_as = _csv_grid(data, name)
    return _to_table(grid, name, read_as)


def _file_name(filename: str) -> str:
    """The file's name as messages show it: no folders, one line, not too long."""
    return _one_line(Path(filename or "").name, 100) or "the file"


def _not_a_spreadsheet(name: str, what: str = "") -> InvalidInput:
    return InvalidInput(f"'{name}' is not a CSV or Excel file{what}. Save it from Excel as .xlsx or "
                        "'CSV UTF-8 (comma delimited)' and choose it again.")


_SIGNATURES = {b"%PDF": " (it is a PDF)", b"\x89PNG": " (it is a picture)", b"\xff\xd8\xff": " (it is a picture)",
               b"GIF8": " (it is a picture)", b"\x1f\x8b": " (it is compressed)", b"7z\xbc\xaf": " (it is compressed)",
               b"Rar!": " (it is compressed)", b"{\\rtf": " (it is a Word document)"}


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for signature, what in _SIGNATURES.items():
        if data.startswith(signature):
            raise _not_a_spreadsheet(name, what)
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            raise InvalidInput(f"'{name}' says it is UTF-8 but has characters that are not. Save it again from "
                               "Excel as 'CSV UTF-8 (comma delimited)'.") from None
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
        text = text[hint.end():]
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
                    raise _too_many_rows(name)
            grid.append(record)
            if len(grid) == 1 and len(record) > MAX_COLUMNS:  # refuse thousands of columns before reading on
                named = sum(1 for c in record if c.strip())
                if named > MAX_COLUMNS:
                    raise _too_many_columns(name, named)
    except csv.Error as exc:
        row = len(grid) + 1
        if "field larger than field limit" in str(exc):
            raise InvalidInput(f"Row {row} of '{name}' has a cell longer than {csv.field_size_limit():,} characters, "
                               "which is more than any answer holds. Check that row.") from None
        raise InvalidInput(f"Row {row} of '{name}' has a quote mark (\") that is not closed or is followed by more text, "
                           "so the file cannot be read from there on. Check that row (a value with a comma or a line "
                           "break in it must be wholly inside quotes), or save the file again from Excel.") from None
    return grid, f"CSV, {encoding}, {separated}-separated"


def _too_many_columns(name: str, count: int) -> InvalidInput:
    return InvalidInput(f"'{name}' has {count:,} columns; the most it takes is {MAX_COLUMNS}. "
                        "Delete the columns that are not needed and try again.")


def _xlsx_grid(data: bytes, name: str) -> tuple[list[list], str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            unpacked = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidInput(f"'{name}' looks like an Excel workbook but is damaged. Save it again from Excel "
                           "as .xlsx or CSV.") from None
    if "xl/workbook.xml" not in names:
        raise InvalidInput(f"'{name}' is a zip file but not an Excel workbook (it may be a Word or OpenDocument file). "
                           "Save it from Excel as .xlsx or CSV.")
    if unpacked > MAX_UNPACKED_BYTES:
        raise InvalidInput(f"'{name}' unpacks to more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB; the most it takes "
                           f"is {MAX_ROWS:,} rows and {MAX_COLUMNS} columns. Save only the sheet needed.")
    import openpyxl  # late: only an Excel file needs it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to open means the same to the person
        raise InvalidInput(f"'{name}' looks like an Excel workbook but could not be opened (it may be damaged). "
                           "Save it again from Excel as .xlsx or CSV.") from None
    try:
        if not workbook.worksheets:
            raise InvalidInput(f"'{name}' has no sheets.")
        sheet = workbook.worksheets[0]
        grid: list[list] = []
        non_blank = 0
        pending_blank = 0  # blank rows are counted, and kept only when a row with values follows
        for values in sheet.iter_rows(values_only=True):
            values = list(values)
            while values and _is_blank(values[-1]):
                values.pop()
            if not grid:
                if len([v for v in values if not _is_blank(v)]) > MAX_COLUMNS:
                    raise _too_many_columns(name, len([v for v in values if not _is_blank(v)]))
                grid.append(values)
                continue
            if not values:
                pending_blank += 1
                continue
            non_blank += 1
            if non_blank > MAX_ROWS:
                raise _too_many_rows(name)
            grid.extend([] for _ in range(pending_blank))
            pending_blank = 0
            grid.append(values)
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001
        raise InvalidInput(f"'{name}' could not be read to the end (it may be damaged). Save it again from Excel "
                           "as .xlsx or CSV.") from None
    finally:
        workbook.close()
    sheets = len(workbook.sheetnames)
    return grid, "Excel workbook" + (f", first of {sheets} sheets ('{_short(sheet.title, 40)}')" if sheets > 1 else "")


def _header_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", clean_text(str(value)).replace("\ufeff", "").replace("\u00a0", " ")).strip()


def _to_table(grid: list[list], name: str, read_as: str) -> _Table:
    if not grid or not any(not _is_blank(v) for v in grid[0]):
        if any(any(not _is_blank(v) for v in row) for row in grid):
            raise InvalidInput(f"Row 1 of '{name}' is empty. The first row should hold the column names, "
                               "such as those in the template.")
        raise InvalidInput(f"'{name}' has nothing in it. Put the column names in row 1 and one response or figure "
                           "in each row below.")
    raw_headers = [_header_text(v) for v in grid[0]]
    while raw_headers and not raw_headers[-1]:
        raw_headers.pop()
    if len([h for h in raw_headers if h]) > MAX_COLUMNS:
        raise _too_many_columns(name, len([h for h in raw_headers if h]))
    headers = [h or f"Column {_letter(i)}" for i, h in enumerate(raw_headers)]
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        if h.casefold() in seen:
            raise InvalidInput(f"Column '{_short(h, 100)}' appears twice (columns {_letter(seen[h.casefold()])} and {_letter(i)}). "
                               "Delete or rename one of them.")
        seen[h.casefold()] = i
    body = grid[1:]
    while body and not any(not _is_blank(v) for v in body[-1]):
        body.pop()
    if not body:
        raise InvalidInput(f"'{name}' has column names but no rows. Add one response or figure in each row "
                           "under the column names.")
    rows = []
    width = len(headers)
    for record in body:
        row = {h: (record[i] if i < len(record) else None) for i, h in enumerate(headers)}
        extra = [v for v in record[width:] if not _is_blank(v)]
        if extra:
            row[None] = extra
        rows.append(row)
    return _Table(headers, rows, read_as)


# --- Matching columns ---------------------------------------------------------------------------

def _key(text: str) -> str:
    """What makes two column names (or labels) the same: case, spaces, underscores, punctuation
    and a trailing bracket such as "(1-5)" ignored."""
    text = unicodedata.normalize("NFKC", str(text)).casefold().replace("’", "'").strip()
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text)
    return re.sub(r"[\W_]+", "", text)


_METADATA_KEYS = {_key(h) for h in FORM_METADATA if not h.endswith("...")}
_IDENTIFYING_KEYS = {_key(h) for h in IDENTIFYING}
_FORMS_PER_QUESTION = re.compile(r"^(points|feedback)\s*-\s*", re.I)


def _table_prompt(prompt_id: str) -> Prompt:
    if prompt_id not in _HEADERS:
        raise InvalidInput(f"The workbook imports files into {', '.join(_HEADERS)}, not {prompt_id!r}.")
    return content().prompts[prompt_id]


def _known_headers(prompt: Prompt) -> dict[str, str]:
    """Every accepted column-name key -> column id."""
    known: dict[str, str] = {}
    for col in prompt.columns:
        for name in (*_HEADERS[prompt.id].get(col.id, ()), col.label, col.id):
            known.setdefault(_key(name), col.id)
    return known


def template_headers(prompt_id: str) -> list[str]:
    """The column names of a template, in order."""
    prompt = _table_prompt(prompt_id)
    return [_HEADERS[prompt_id].get(c.id, (c.label,))[0] for c in prompt.columns]


def header_aliases(prompt_id: str) -> dict[str, tuple[str, ...]]:
    """Template column name -> the other names accepted for it (for the documentation)."""
    prompt = _table_prompt(prompt_id)
    out = {}
    for c in prompt.columns:
        first, *others = _HEADERS[prompt_id][c.id]
        out[first] = tuple(n for n in dict.fromkeys((*others, c.label)) if _key(n) != _key(first))
    return out


def _match_columns(preview: Preview, prompt: Prompt, table: _Table) -> dict[str, str]:
    """File column -> column id for the columns to read; problems and ignored columns recorded."""
    template = dict(zip([c.id for c in prompt.columns], template_headers(prompt.id), strict=True))
    mapping = match_headers(preview, table, known=_known_headers(prompt), template=template,
                            labels={c.id: c.label for c in prompt.columns},
                            suggestions={name: cid for cid, names in _HEADERS[prompt.id].items() for name in names},
                            required=_REQUIRED[prompt.id])
    if prompt.id == SURVEY and not any(cid in mapping.values() for cid in SCORE_COLUMNS):
        names = ", ".join(template[c] for c in SCORE_COLUMNS)
        preview.add_problem(1, "", f"The file has none of the score columns ({names}). Name the columns as in "
                                   "the template.")
    return mapping


def match_headers(preview: Preview, table: _Table, *, known: dict[str, str], template: dict[str, str],
                  labels: dict[str, str], suggestions: dict[str, str], required: tuple[str, ...]) -> dict[str, str]:
    """File column -> column id, for any import: ``known`` maps a column-name key (``_key``) to a
    column id, ``template`` a column id to its template name, ``labels`` to what the preview calls
    it, ``suggestions`` every accepted name to its id (for "did you mean"). Columns that identify a
    person or were added by a form are ignored; unknown columns with values and missing required
    columns are problems on row 1."""
    mapping: dict[str, str] = {}
    taken: dict[str, str] = {}
    for header in table.headers:
        key = _key(header)
        has_values = any(not _is_blank(r.get(header)) for r in table.rows)
        if key in known:
            cid = known[key]
            if cid in taken:
                preview.add_problem(1, header, f"Columns '{taken[cid]}' and '{header}' both hold '{template[cid]}'. "
                                               "Delete or rename one of them.")
                continue
            taken[cid] = header
            mapping[header] = cid
            preview.columns.append((header, labels[cid]))
        elif key in _IDENTIFYING_KEYS or "email" in key or key.endswith("name"):
            preview.ignored.append(IgnoredColumn(header, "identifies a person: not read and not stored"))
        elif key in _METADATA_KEYS or _FORMS_PER_QUESTION.match(header):
            preview.ignored.append(IgnoredColumn(header, "added by the form, not an answer"))
        elif not has_values:
            preview.ignored.append(IgnoredColumn(header, "empty"))
        else:
            close = difflib.get_close_matches(header.casefold(), [s.casefold() for s in suggestions], n=1, cutoff=0.7)
            hint = ""
            if close:
                match = next(s for s in suggestions if s.casefold() == close[0])
                hint = f" did you mean '{template[suggestions[match]]}'?"
            else:
                hint = f" the columns it reads are {', '.join(template.values())}."
            preview.add_problem(1, header, f"Column '{header}' is not one the workbook knows:{hint} Rename it, "
                                           "or delete the column if it should not be imported.")
    for cid in required:
        if cid not in taken:
            preview.add_problem(1, template[cid], f"The file has no '{template[cid]}' column, which every row needs. "
                                                  f"The columns it reads are {', '.join(template.values())}.")
    return mapping


# --- Reading cells ------------------------------------------------------------------------------

def _text(value) -> str:
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


def _words(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("’", "'").replace("\u00a0", " ")).strip().casefold()


def survey_score(value, column: Column):
    """A score from 1 to 5 from a number, a number with words ("5 - Very confident") or Likert
    words ("Strongly agree"); None for a blank or "N/A"."""
    if _is_blank(value):
        return None
    if isinstance(value, str):
        words = _words(value)
        if words in NO_SCORE_WORDS:
            return None
        if words in LIKERT_WORDS:
            return LIKERT_WORDS[words]
        with_words = _SCORE_WITH_WORDS.match(value)
        if with_words:
            value = with_words.group(1)
        elif re.search(r"[a-z]", words):
            raise InvalidInput(f"'{_short(value)}' is not a score the workbook knows. Use a number from 1 to 5, or "
                               "words such as 'Strongly agree' or 'Very confident' (see the template's notes).")
    score = parse_number(value, what="The score", minimum=column.min, maximum=column.max)
    if score is not None and not float(score).is_integer():
        raise InvalidInput(f"The score is {score}; scores are whole numbers from 1 to 5.")
    return score


def _options(col: Column) -> tuple[dict[str, str], list[str], str]:
    """Accepted keys (id, label, each nation's label) -> option id; the labels to suggest; the
    label of the "other" option, if there is one."""
    c = content()
    if col.options_from:
        items = [dict(i) for i in c.reference(col.options_from).items]
    else:
        items = [{"id": o.id, "label": o.label} for o in col.options]
    lookup: dict[str, str] = {}
    labels: list[str] = []
    other = ""
    for item in items:
        if item["id"] == "other":
            other = item["label"]
        names = [item["id"], item["label"], *((item.get("label_by_nation") or {}).values())]
        for n in names:
            lookup.setdefault(_key(n), item["id"])
        labels.append(item["label"])
    return lookup, labels, other


def _choice(value, col: Column, options: tuple[dict[str, str], list[str], str]) -> str:
    if _is_blank(value):
        return ""
    lookup, labels, other_label = options
    found = lookup.get(_key(_text(value)))
    if found:
        return found
    close = difflib.get_close_matches(_text(value).casefold(), [label.casefold() for label in labels], n=1, cutoff=0.6)
    hint = ""
    if close:
        hint = f" Did you mean '{next(label for label in labels if label.casefold() == close[0])}'?"
    other = f" Or use '{other_label}' and say what it is in the detail column." if other_label else ""
    return _raise(f"'{_short(_text(value))}' is not one of the choices for '{col.label}'.{hint}{other}")


def _raise(message: str):
    raise InvalidInput(message)


def _cell(value, col: Column, prompt: Prompt, options: dict):
    """A cell from a file as the strategy functions take it; raises InvalidInput with a message
    that makes sense next to the row and column."""
    if prompt.id == SURVEY and col.id in SCORE_COLUMNS:
        return survey_score(value, col)
    if col.type == "choice":
        choice = _choice(value, col, options[col.id])
        if col.required and not choice:
            raise InvalidInput(f"'{col.label}' is empty; every row needs one.")
        return choice
    if col.type == "statistic":
        return parse_statistic(value, what="The value")
    if col.type == "period":
        return parse_period(value, what="The year")
    if col.type == "number":
        return parse_number(value, what="The number", minimum=col.min, maximum=col.max)
    text = clean_text(_text(value))
    if col.type == "text":
        text = text.replace("\n", " ")
    text = text.strip()
    check_length(text, col.limit, "The text")
    if col.required and not text:
        raise InvalidInput(f"'{col.label}' is empty; every row needs one.")
    return text


def _preview(data: bytes, filename: str, prompt_id: str) -> Preview:
    prompt = _table_prompt(prompt_id)
    table = _read(data, filename)
    preview = Preview(prompt_id=prompt_id, filename=_file_name(filename), read_as=table.read_as)
    mapping = _match_columns(preview, prompt, table)
    columns = {c.id: c for c in prompt.columns}
    options = {c.id: _options(c) for c in prompt.columns if c.type == "choice"}
    for index, raw in enumerate(table.rows):
        number = index + 2
        extra = raw.get(None)
        # Blank in every column read (a form's ID or a name alone is not a response): skipped.
        if all(_is_blank(raw.get(h)) for h in mapping) and not extra and not _unread_values(raw, mapping, preview):
            preview.blank_rows += 1
            continue
        preview.rows_in_file += 1
        problems_before = preview.problem_count
        if extra:
            preview.add_problem(number, "", f"The row has {len(extra)} more cell{'s' if len(extra) > 1 else ''} than "
                                            "there are column names (a value with a comma in it needs quotes).")
            continue  # its cells are out of step with the columns: checking them would only mislead
        values: dict = {}
        for header, cid in mapping.items():
            col = columns[cid]
            try:
                values[cid] = _cell(raw.get(header), col, prompt, options)
            except InvalidInput as exc:
                preview.add_problem(number, header, exc.message)
        if preview.problem_count > problems_before:
            continue
        try:
            stored = normalise_row(prompt, values)
        except InvalidInput as exc:
            preview.add_problem(number, "", exc.message)
            continue
        preview.rows.append(stored)
        preview.row_numbers.append(number)
    return preview


def _unread_values(raw: dict, mapping: dict, preview: Preview) -> bool:
    """Values in columns that are neither read nor ignored (so already a problem)."""
    ignored = {i.column for i in preview.ignored}
    return any(not _is_blank(v) for k, v in raw.items() if k is not None and k not in mapping and k not in ignored)


def _import(engine: Engine, partnership_id: int, preview: Preview, *, author: Author, replace: bool) -> int:
    if preview.problem_count:
        raise ImportRefused(preview)
    if not preview.rows:
        raise InvalidInput(f"'{preview.filename}' has no rows to import.")
    try:
        stored = add_rows(engine, partnership_id, preview.prompt_id, preview.rows, author=author, replace=replace)
    except InvalidInput as exc:
        # add_rows numbers the rows it was given; say which row of the file that is.
        found = re.match(r"^Row (\d+): (.*)$", exc.message, re.S)
        if found and 0 < int(found.group(1)) <= len(preview.row_numbers):
            raise InvalidInput(f"Nothing was imported. Row {preview.row_numbers[int(found.group(1)) - 1]}: "
                               f"{found.group(2)}") from None
        raise
    return len(stored)


# --- The staff survey ---------------------------------------------------------------------------

def preview_survey(data: bytes, filename: str) -> Preview:
    """What importing this staff survey file would store, and every problem in it."""
    return _preview(data, filename, SURVEY)


def import_survey(engine: Engine, partnership_id: int, data: bytes, filename: str, *, author: Author,
                  replace: bool = True) -> int:
    """Store every response in the file (replacing the responses there before, unless
    ``replace=False``), or nothing if any row has a problem. Returns the number stored."""
    return _import(engine, partnership_id, preview_survey(data, filename), author=author, replace=replace)


# --- Local figures and identification measures --------------------------------------------------

def _figures_prompt(prompt_id: str) -> str:
    if prompt_id not in FIGURE_PROMPTS:
        raise InvalidInput(f"Figures are imported into {' or '.join(FIGURE_PROMPTS)}, not {prompt_id!r}.")
    return prompt_id


def preview_figures(data: bytes, filename: str, prompt_id: str = FIGURES) -> Preview:
    """What importing this table of figures would store, and every problem in it."""
    return _preview(data, filename, _figures_prompt(prompt_id))


def import_figures(engine: Engine, partnership_id: int, data: bytes, filename: str, *, prompt_id: str = FIGURES,
                   author: Author, replace: bool = False) -> int:
    """Add every figure in the file (or replace those there with ``replace=True``), or nothing if
    any row has a problem. Returns the number stored."""
    return _import(engine, partnership_id, preview_figures(data, filename, prompt_id), author=author, replace=replace)


def preview_file(data: bytes, filename: str, prompt_id: str) -> Preview:
    """The preview for whichever prompt the file is for."""
    return preview_survey(data, filename) if prompt_id == SURVEY else preview_figures(data, filename, prompt_id)


# --- Templates ----------------------------------------------------------------------------------

def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def survey_template_csv() -> bytes:
    """A staff survey file to fill in: column names and two made-up responses. UTF-8 with a BOM,
    so Excel opens it with £ and accents intact."""
    return _csv_bytes([
        template_headers(SURVEY),
        ["Children's services", "Social worker", "4", "3", "3", "2", "I would like training on talking with children."],
        ["Police", "Detective constable", "Agree", "Strongly agree", "Neither agree nor disagree", "Very confident", ""],
    ])


_FIGURE_EXAMPLES = {
    FIGURES: [["child_population", "Aged 0 to 17", "2024", "61,250", "Mid-year population estimates"],
              ["looked_after", "", "2023/24", "c", "Children looked after statistics"]],
    MEASURES: [["plans_sexual_abuse", "Initial category of abuse", "2023/24", "12", "Children in need census"],
               ["police_offences", "Victims under 18", "2023/24", "z", "Police recorded crime"]],
}


def figures_template_csv(prompt_id: str = FIGURES) -> bytes:
    """A table of figures to fill in: column names and two example rows (choices by their label)."""
    prompt = _table_prompt(_figures_prompt(prompt_id))
    choice = prompt.columns[0]
    labels = {o.id: o.label for o in content().options(choice)}
    rows = [[labels.get(r[0], r[0]), *r[1:]] for r in _FIGURE_EXAMPLES[prompt_id]]
    return _csv_bytes([template_headers(prompt_id), *rows])


#: The copies in data/templates/, by file name.
TEMPLATE_FILES = {
    "staff_survey_template.csv": survey_template_csv,
    "local_figures_template.csv": lambda: figures_template_csv(FIGURES),
    "identification_figures_template.csv": lambda: figures_template_csv(MEASURES),
}
TEMPLATE_FOR = {SURVEY: "staff_survey_template.csv", FIGURES: "local_figures_template.csv",
                MEASURES: "identification_figures_template.csv"}


def template_csv(prompt_id: str) -> bytes:
    return survey_template_csv() if prompt_id == SURVEY else figures_template_csv(prompt_id)


def write_templates(folder: str | Path) -> list[Path]:
    """Write the template copies (data/templates/); a test checks they match these functions."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in TEMPLATE_FILES.items():
        (folder / name).write_bytes(make())
        written.append(folder / name)
    return written
