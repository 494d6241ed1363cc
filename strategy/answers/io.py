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

import difflib
import re
from pathlib import Path

from sqlalchemy.engine import Engine

from strategy.answers.operations import add_rows, normalise_row
from strategy.core.authors import Author
from strategy.core.errors import InvalidInput
from strategy.core.text import check_length, clean_text, shorten
from strategy.core.values import parse_number, parse_period, parse_statistic
from strategy.guide.content import Column, Prompt, content
from strategy.tabular.formulas import plain_csv_bytes
from strategy.tabular.reading import (
    IgnoredColumn,
    ImportRefused,
    Preview,
    Table,
    cell_text,
    file_name,
    folded_words,
    header_key,
    is_blank,
    read_sheet,
)

SURVEY = "workforce.staff_survey"
FIGURES = "context.figures"
MEASURES = "response.identification_figures"
FIGURE_PROMPTS = (FIGURES, MEASURES)
SCORE_COLUMNS = ("confidence", "knowledge", "skills", "talking")

#: The name each column has in a template, then other names a file may use for it. Matching
#: ignores case, spaces, underscores, punctuation and a trailing bracket such as "(1-5)"; the
#: column's id and its label in the workbook are accepted as well.
_SURVEY_HEADERS: dict[str, tuple[str, ...]] = {
    "agency": (
        "Agency",
        "Organisation",
        "Organization",
        "Agency or organisation",
        "Agency name",
        "Organisation name",
        "Service",
        "Employer",
        "Which agency do you work for",
        "Which organisation do you work for",
    ),
    "role": ("Role", "Job title", "Job role", "Position", "Role or job title", "What is your role"),
    "confidence": ("Confidence", "Confidence identifying and responding", "Confidence in identifying and responding"),
    "knowledge": ("Knowledge", "Knowledge of signs and indicators", "Knowledge of the signs and indicators"),
    "skills": ("Skills", "Skills in responding"),
    "talking": ("Talking", "Talking with children", "Confidence talking with children", "Confidence in talking with children"),
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
FORM_METADATA = (
    "ID",
    "Start time",
    "Completion time",
    "Last modified time",
    "Total points",
    "Quiz feedback",
    "Points - ...",
    "Feedback - ...",
    "Timestamp",
    "Language",
    "Response ID",
)
#: Columns that identify a person: never read, never stored, and the preview says so.
IDENTIFYING = (
    "Name",
    "Email",
    "Email address",
    "Full name",
    "First name",
    "Last name",
    "Surname",
    "Your name",
    "Username",
    "Respondent",
    "Responder",
    "Staff name",
    "Employee name",
    "Phone",
    "Phone number",
    "Telephone",
)

#: Words from Likert questions (Microsoft Forms' Likert and choice questions) and the score each is.
LIKERT_WORDS: dict[str, int] = {
    "strongly disagree": 1,
    "disagree": 2,
    "neither agree nor disagree": 3,
    "neither agree or disagree": 3,
    "neutral": 3,
    "agree": 4,
    "strongly agree": 5,
    "not at all confident": 1,
    "slightly confident": 2,
    "not very confident": 2,
    "somewhat confident": 3,
    "fairly confident": 4,
    "quite confident": 4,
    "confident": 4,
    "very confident": 5,
    "extremely confident": 5,
    "completely confident": 5,
}
#: Answers that mean "no score" and are stored as a blank.
NO_SCORE_WORDS = ("n/a", "na", "not applicable", "don't know", "dont know", "do not know", "prefer not to say", "-")
_SCORE_WITH_WORDS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:[-–—:.)=]|\s)\s*\D.*$", re.S)


# --- Reading a file -----------------------------------------------------------------------------


# --- Matching columns ---------------------------------------------------------------------------


_METADATA_KEYS = {header_key(h) for h in FORM_METADATA if not h.endswith("...")}
_IDENTIFYING_KEYS = {header_key(h) for h in IDENTIFYING}
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
            known.setdefault(header_key(name), col.id)
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
        out[first] = tuple(n for n in dict.fromkeys((*others, c.label)) if header_key(n) != header_key(first))
    return out


def _match_columns(preview: Preview, prompt: Prompt, table: Table) -> dict[str, str]:
    """File column -> column id for the columns to read; problems and ignored columns recorded."""
    template = dict(zip([c.id for c in prompt.columns], template_headers(prompt.id), strict=True))
    mapping = match_headers(
        preview,
        table,
        known=_known_headers(prompt),
        template=template,
        labels={c.id: c.label for c in prompt.columns},
        suggestions={name: cid for cid, names in _HEADERS[prompt.id].items() for name in names},
        required=_REQUIRED[prompt.id],
    )
    if prompt.id == SURVEY and not any(cid in mapping.values() for cid in SCORE_COLUMNS):
        names = ", ".join(template[c] for c in SCORE_COLUMNS)
        preview.add_problem(1, "", f"The file has none of the score columns ({names}). Name the columns as in the template.")
    return mapping


def match_headers(
    preview: Preview,
    table: Table,
    *,
    known: dict[str, str],
    template: dict[str, str],
    labels: dict[str, str],
    suggestions: dict[str, str],
    required: tuple[str, ...],
) -> dict[str, str]:
    """File column -> column id, for any import: ``known`` maps a column-name key (``header_key``) to a
    column id, ``template`` a column id to its template name, ``labels`` to what the preview calls
    it, ``suggestions`` every accepted name to its id (for "did you mean"). Columns that identify a
    person or were added by a form are ignored; unknown columns with values and missing required
    columns are problems on row 1."""
    mapping: dict[str, str] = {}
    taken: dict[str, str] = {}
    for header in table.headers:
        key = header_key(header)
        has_values = any(not is_blank(r.get(header)) for r in table.rows)
        if key in known:
            cid = known[key]
            if cid in taken:
                preview.add_problem(
                    1, header, f"Columns '{taken[cid]}' and '{header}' both hold '{template[cid]}'. Delete or rename one of them."
                )
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
            preview.add_problem(
                1,
                header,
                f"Column '{header}' is not one the workbook knows:{hint} Rename it, or delete the column if it should not be imported.",
            )
    for cid in required:
        if cid not in taken:
            preview.add_problem(
                1,
                template[cid],
                f"The file has no '{template[cid]}' column, which every row needs. "
                f"The columns it reads are {', '.join(template.values())}.",
            )
    return mapping


# --- Reading cells ------------------------------------------------------------------------------


def survey_score(value: object, column: Column) -> int | float | None:
    """A score from 1 to 5 from a number, a number with words ("5 - Very confident") or Likert
    words ("Strongly agree"); None for a blank or "N/A"."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        words = folded_words(value)
        if words in NO_SCORE_WORDS:
            return None
        if words in LIKERT_WORDS:
            return LIKERT_WORDS[words]
        with_words = _SCORE_WITH_WORDS.match(value)
        if with_words:
            value = with_words.group(1)
        elif re.search(r"[a-z]", words):
            raise InvalidInput(
                f"'{shorten(value, 60)}' is not a score the workbook knows. Use a number from 1 to 5, or "
                "words such as 'Strongly agree' or 'Very confident' (see the template's notes)."
            )
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
            lookup.setdefault(header_key(n), item["id"])
        labels.append(item["label"])
    return lookup, labels, other


def _choice(value, col: Column, options: tuple[dict[str, str], list[str], str]) -> str:
    if is_blank(value):
        return ""
    lookup, labels, other_label = options
    found = lookup.get(header_key(cell_text(value)))
    if found:
        return found
    close = difflib.get_close_matches(cell_text(value).casefold(), [label.casefold() for label in labels], n=1, cutoff=0.6)
    hint = ""
    if close:
        hint = f" Did you mean '{next(label for label in labels if label.casefold() == close[0])}'?"
    other = f" Or use '{other_label}' and say what it is in the detail column." if other_label else ""
    return _raise(f"'{shorten(cell_text(value), 60)}' is not one of the choices for '{col.label}'.{hint}{other}")


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
    text = clean_text(cell_text(value))
    if col.type == "text":
        text = text.replace("\n", " ")
    text = text.strip()
    check_length(text, col.limit, "The text")
    if col.required and not text:
        raise InvalidInput(f"'{col.label}' is empty; every row needs one.")
    return text


def _preview(data: bytes, filename: str, prompt_id: str) -> Preview:
    prompt = _table_prompt(prompt_id)
    table = read_sheet(data, filename)
    preview = Preview(prompt_id=prompt_id, filename=file_name(filename), read_as=table.read_as)
    mapping = _match_columns(preview, prompt, table)
    columns = {c.id: c for c in prompt.columns}
    options = {c.id: _options(c) for c in prompt.columns if c.type == "choice"}
    for index, raw in enumerate(table.rows):
        number = index + 2
        extra = raw.get(None)
        # Blank in every column read (a form's ID or a name alone is not a response): skipped.
        if all(is_blank(raw.get(h)) for h in mapping) and not extra and not _unread_values(raw, mapping, preview):
            preview.blank_rows += 1
            continue
        preview.rows_in_file += 1
        problems_before = preview.problem_count
        if extra:
            preview.add_problem(
                number,
                "",
                f"The row has {len(extra)} more cell{'s' if len(extra) > 1 else ''} than "
                "there are column names (a value with a comma in it needs quotes).",
            )
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
    return any(not is_blank(v) for k, v in raw.items() if k is not None and k not in mapping and k not in ignored)


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
            raise InvalidInput(f"Nothing was imported. Row {preview.row_numbers[int(found.group(1)) - 1]}: {found.group(2)}") from None
        raise
    return len(stored)


# --- The staff survey ---------------------------------------------------------------------------


def preview_survey(data: bytes, filename: str) -> Preview:
    """What importing this staff survey file would store, and every problem in it."""
    return _preview(data, filename, SURVEY)


def import_survey(engine: Engine, partnership_id: int, data: bytes, filename: str, *, author: Author, replace: bool = True) -> int:
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


def import_figures(
    engine: Engine, partnership_id: int, data: bytes, filename: str, *, prompt_id: str = FIGURES, author: Author, replace: bool = False
) -> int:
    """Add every figure in the file (or replace those there with ``replace=True``), or nothing if
    any row has a problem. Returns the number stored."""
    return _import(engine, partnership_id, preview_figures(data, filename, prompt_id), author=author, replace=replace)


def preview_file(data: bytes, filename: str, prompt_id: str) -> Preview:
    """The preview for whichever prompt the file is for."""
    return preview_survey(data, filename) if prompt_id == SURVEY else preview_figures(data, filename, prompt_id)


# --- Templates ----------------------------------------------------------------------------------


def survey_template_csv() -> bytes:
    """A staff survey file to fill in: column names and two made-up responses. UTF-8 with a BOM,
    so Excel opens it with £ and accents intact."""
    return plain_csv_bytes(
        [
            template_headers(SURVEY),
            ["Children's services", "Social worker", "4", "3", "3", "2", "I would like training on talking with children."],
            ["Police", "Detective constable", "Agree", "Strongly agree", "Neither agree nor disagree", "Very confident", ""],
        ]
    )


_FIGURE_EXAMPLES = {
    FIGURES: [
        ["child_population", "Aged 0 to 17", "2024", "61,250", "Mid-year population estimates"],
        ["looked_after", "", "2023/24", "c", "Children looked after statistics"],
    ],
    MEASURES: [
        ["plans_sexual_abuse", "Initial category of abuse", "2023/24", "12", "Children in need census"],
        ["police_offences", "Victims under 18", "2023/24", "z", "Police recorded crime"],
    ],
}


def figures_template_csv(prompt_id: str = FIGURES) -> bytes:
    """A table of figures to fill in: column names and two example rows (choices by their label)."""
    prompt = _table_prompt(_figures_prompt(prompt_id))
    choice = prompt.columns[0]
    labels = {o.id: o.label for o in content().options(choice)}
    rows = [[labels.get(r[0], r[0]), *r[1:]] for r in _FIGURE_EXAMPLES[prompt_id]]
    return plain_csv_bytes([template_headers(prompt_id), *rows])


#: The copies in data/templates/, by file name.
TEMPLATE_FILES = {
    "staff_survey_template.csv": survey_template_csv,
    "local_figures_template.csv": lambda: figures_template_csv(FIGURES),
    "identification_figures_template.csv": lambda: figures_template_csv(MEASURES),
}
TEMPLATE_FOR = {SURVEY: "staff_survey_template.csv", FIGURES: "local_figures_template.csv", MEASURES: "identification_figures_template.csv"}


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
