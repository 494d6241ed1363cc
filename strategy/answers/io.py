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
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from strategy.answers.operations import add_rows, list_rows, normalise_row
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput
from strategy.core.models import ImportMapping, utcnow
from strategy.core.text import check_length, clean_text, shorten
from strategy.core.values import parse_number, parse_period, parse_statistic, statistic_value
from strategy.guide.content import Column, Prompt, content
from strategy.people.partnerships import get_partnership
from strategy.tabular.formulas import plain_csv_bytes
from strategy.tabular.geography import (
    NATIONS,
    AreaColumns,
    area_columns,
    comparator_detail,
    geography_role,
    listed,
    matches,
    suggest,
)
from strategy.tabular.reading import (
    IgnoredColumn,
    ImportOptions,
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
    "period": ("Year", "Period", "Time period", "Financial year", "Academic year", "Calendar year", "Reporting year", "Year ending"),
    "value": (
        "Value",
        "Number",
        "Count",
        "Rate",
        "Percentage",
        "Number of children or offences",
        "Number of offences",
        "Offences",
        "Number of children",
    ),
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
    "Respondent ID",
    "Collector ID",
    "Start date",
    "End date",
    "Started",
    "Ended",
    "UserNo",
    "User ID",
    "Unique ID",
    "Custom Data 1",
    "Date submitted",
    "Submission date",
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
    "IP Address",
    "IP",
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


#: Answer words of other scales than the workbook's, lowest first: a file answered on one of them
#: is mapped onto the workbook's scale by position (the mapping shown, to be confirmed).
OTHER_SCALES: tuple[tuple[str, ...], ...] = (
    ("very dissatisfied", "dissatisfied", "neither satisfied nor dissatisfied", "satisfied", "very satisfied"),
    ("very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied"),
    ("strongly disagree", "disagree", "somewhat disagree", "neither agree nor disagree", "somewhat agree", "agree", "strongly agree"),
    ("strongly disagree", "disagree", "slightly disagree", "neither agree nor disagree", "slightly agree", "agree", "strongly agree"),
    ("strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"),
    ("strongly disagree", "disagree", "agree", "strongly agree"),
    ("very poor", "poor", "fair", "good", "very good"),
    ("very poor", "poor", "fair", "good", "excellent"),
    ("poor", "fair", "good", "very good", "excellent"),
    ("not at all", "a little", "somewhat", "quite a lot", "a great deal"),
    ("never", "rarely", "sometimes", "often", "always"),
)


def _on_scale(position: float, size: float, low: int, high: int) -> int:
    """The point of ``low``..``high`` nearest a position 0..size on another scale (halves rounded up)."""
    return min(high, max(low, int(low + position * (high - low) / size + 0.5))) if size else low


def suggest_answers(unknown: list[str], *, low: int, high: int) -> dict[str, int]:
    """Scores on the workbook's scale ``low``..``high`` for answers it does not read ("8" on a scale of
    1 to 10, "Very satisfied", "Somewhat agree"): whole numbers from 0 or 1 up to 5, 7 or 10 (at least
    two different ones above the top of the scale, so one stray number is not taken for a scale) spread evenly over it, and words by their place on one of OTHER_SCALES. Answers matching neither are
    left out (they stay problems, or the person maps them)."""
    numbers: dict[str, int] = {}
    words: dict[str, str] = {}
    for written in unknown:
        text = " ".join(str(written).split())
        if re.fullmatch(r"\d{1,2}(?:\.0)?", text):
            numbers[text] = int(float(text))
        elif text:
            words[text] = folded_words(text)
    out: dict[str, int] = {}
    above = {n for n in numbers.values() if n > high}
    if len(above) >= 2 and max(numbers.values()) <= 10:  # a scale, not one stray number
        bottom = 0 if min(numbers.values()) == 0 else 1
        top = next(t for t in (5, 7, 10) if t >= max(numbers.values()) and t > high)
        out |= {w: _on_scale(n - bottom, top - bottom, low, high) for w, n in numbers.items()}
    if words:
        best = max(OTHER_SCALES, key=lambda sc: (sum(1 for f in words.values() if f in sc), -len(sc)))
        out |= {w: _on_scale(best.index(f), len(best) - 1, low, high) for w, f in words.items() if f in best}
    return out


def answers_on_another_scale(
    preview: Preview, cells: list[tuple[str, object]], *, low: int, high: int, reads: Callable[[object], object]
) -> dict[str, int]:
    """The answers mapping to read ``cells`` (column, cell) with: the person's own (``options.answers``),
    and, for answers the workbook's scale ``low``..``high`` does not read (``reads`` raises
    InvalidInput for them), a suggested mapping. A suggestion not yet confirmed is a problem that
    shows it (the page offers to use it; the command line takes it as --answer flags); a mapping in
    use is said in a note, and kept with the import's choices."""
    chosen: dict[str, int] = {}
    for written, score in (preview.options.answers if preview.options else {}).items():
        try:
            value = parse_number(score, what=f"The score for '{shorten(written, 40)}'", minimum=low, maximum=high)
        except InvalidInput as exc:
            preview.add_problem(1, "", exc.message)
            continue
        if value is None or not float(value).is_integer():
            preview.add_problem(1, "", f"The score for '{shorten(written, 40)}' should be a whole number from {low} to {high}.")
            continue
        chosen[folded_words(written)] = int(value)
    unknown: dict[str, str] = {}
    for column, cell in cells:
        if is_blank(cell) or folded_words(cell_text(cell)) in chosen:
            continue
        try:
            reads(cell)
        except InvalidInput:
            unknown.setdefault(" ".join(cell_text(cell).split()), column)
    if any(re.fullmatch(r"\d{1,2}(?:\.0)?", w) for w in unknown):  # a number scale: every number is on it, 5 of 10 too
        for column, cell in cells:
            text = " ".join(cell_text(cell).split())
            if re.fullmatch(r"\d{1,2}(?:\.0)?", text) and folded_words(text) not in chosen:
                unknown.setdefault(text, column)
    suggested = suggest_answers(list(unknown), low=low, high=high)
    if suggested:
        ordered = sorted(suggested.items(), key=lambda kv: (kv[1], kv[0]))
        preview.suggested_answers = {w: str(v) for w, v in ordered}
        shown = "; ".join(f"'{w}' → {v}" for w, v in ordered[:15]) + (" …" if len(ordered) > 15 else "")
        flags = " ".join(f"--answer '{w}={v}'" for w, v in ordered[:15])
        columns = sorted({unknown[w] for w in suggested})
        preview.add_problem(
            1,
            columns[0] if len(columns) == 1 else "",
            f"The answers in {', '.join(repr(c) for c in columns[:3])} are on another scale than the workbook's "
            f"{low} to {high}. Suggested: {shown}. Check it and use it (on the page: 'Use this mapping' under "
            f"'How to read the file'; on the command line: {flags}), or change the file.",
        )
    if chosen:
        used = {w: v for w, v in chosen.items() if any(folded_words(cell_text(c)) == w for _, c in cells)}
        if used:
            preview.notes.append(
                f"Answers on another scale are read on the workbook's {low} to {high}, as chosen: "
                + "; ".join(f"'{w}' → {v}" for w, v in sorted(used.items(), key=lambda kv: (kv[1], kv[0]))[:20])
                + "."
            )
    return chosen


def mapped_answer(value: object, answers: dict[str, int]) -> object:
    """The score chosen for an answer written on another scale, else the answer as it is."""
    if answers and not is_blank(value):
        found = answers.get(folded_words(cell_text(value)))
        if found is not None:
            return found
    return value


# --- Reading a file -----------------------------------------------------------------------------


# --- Matching columns ---------------------------------------------------------------------------


_METADATA_KEYS = {header_key(h) for h in FORM_METADATA if not h.endswith("...")}
_IDENTIFYING_KEYS = {header_key(h) for h in IDENTIFYING}
_FORMS_PER_QUESTION = re.compile(r"^(points|feedback)\s*-\s*", re.I)


def _identifies_a_person(key: str) -> bool:
    """A column of names, emails, phone numbers or network addresses (never a place: see geography)."""
    return key in _IDENTIFYING_KEYS or "email" in key or (key.endswith("name") and not geography_role(key)) or key.startswith("ipaddress")


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


#: Words that say which survey field a question is about, when a form's column holds the whole
#: question ("How confident do you feel talking with children about sexual abuse?"). Checked in this
#: order, so a question about talking or knowledge is not taken for the general confidence one.
QUESTION_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("agency", ("agency", "organisation", "organization", "employer", "work for")),
    ("role", ("job title", "your role", "job role", "role")),
    ("talking", ("talk",)),
    ("knowledge", ("knowledge", "signs and indicators", "indicators")),
    ("skills", ("skill",)),
    ("confidence", ("confident", "confidence")),
    ("comment", ("comment", "anything else", "anything more")),
)


def _by_question_words(preview: Preview, prompt: Prompt, table: Table, known: dict[str, str], fixed: dict[str, str]) -> dict[str, str]:
    """``known`` with the file's question-text columns added where their words name one field (each
    field once, and never over a column already known); the preview says which, to be checked."""
    known = dict(known)
    taken = {known[header_key(h)] for h in table.headers if header_key(h) in known} | set(fixed.values())
    labels = {c.id: c.label for c in prompt.columns}
    for header in table.headers:
        key = header_key(header)
        if key in known or len(header) < 12 or geography_role(header) or _identifies_a_person(key) or key in _METADATA_KEYS:
            continue
        text = folded_words(header)
        for cid, words in QUESTION_WORDS:
            if any(w in text for w in words):
                if cid not in taken:
                    known[key] = cid
                    taken.add(cid)
                    preview.notes.append(
                        f"The question '{shorten(header, 90)}' is read as '{labels[cid]}' by its words: check it is right."
                    )
                break
    return known


def _match_columns(preview: Preview, prompt: Prompt, table: Table) -> dict[str, str]:
    """File column -> column id for the columns to read; problems and ignored columns recorded. The
    preview's ``options.mapping`` (field -> the file's column) comes first; a survey's questions
    written out in full are matched by their words."""
    template = dict(zip([c.id for c in prompt.columns], template_headers(prompt.id), strict=True))
    known = _known_headers(prompt)
    fixed: dict[str, str] = {}
    for name, target in (preview.options.mapping if preview.options else {}).items():
        fid = next((c.id for c in prompt.columns if header_key(name) in {header_key(n) for n in (c.id, c.label, template[c.id])}), None)
        header = next((h for h in table.headers if header_key(h) == header_key(target)), None)
        if fid is None:
            preview.add_problem(1, "", f"'{name}' is not a field here; they are {', '.join(template.values())}.")
        elif header is None:
            preview.add_problem(1, "", f"The file has no column '{target}'.")
        else:
            known = {k: v for k, v in known.items() if v != fid}
            known[header_key(header)] = fid
            fixed[header] = fid
    if prompt.id == SURVEY:
        known = _by_question_words(preview, prompt, table, known, fixed)
    mapping = match_headers(
        preview,
        table,
        known=known,
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
        elif geography_role(header) and key not in _IDENTIFYING_KEYS:
            preview.ignored.append(IgnoredColumn(header, "names an area (not a person): not read here"))
        elif _identifies_a_person(key):
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


def multiple_answers(text: str) -> str:
    """A Microsoft Forms multiple-answer cell ("Education;Police;") as the answers, each once, in
    order, separated by "; " ("Education; Police"); a single answer loses its trailing ';'."""
    answers: list[str] = []
    for part in text.split(";"):
        part = " ".join(part.split())
        if part and part.casefold() not in {a.casefold() for a in answers}:
            answers.append(part)
    return "; ".join(answers)


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
    if prompt.id == SURVEY and col.id in ("agency", "role") and ";" in text:
        text = multiple_answers(text)
    check_length(text, col.limit, "The text")
    if col.required and not text:
        raise InvalidInput(f"'{col.label}' is empty; every row needs one.")
    return text


def _preview(data: bytes, filename: str, prompt_id: str, table: Table | None = None, options: ImportOptions | None = None) -> Preview:
    prompt = _table_prompt(prompt_id)
    table = table or read_sheet(data, filename)
    preview = Preview(prompt_id=prompt_id, filename=file_name(filename), read_as=table.read_as, options=options)
    preview.read_from(table)
    mapping = _match_columns(preview, prompt, table)
    columns = {c.id: c for c in prompt.columns}
    choices = {c.id: _options(c) for c in prompt.columns if c.type == "choice"}
    words_read: dict[str, object] = {}  # a score written in words -> the score it became
    answers: dict[str, int] = {}
    scored = [(h, cid) for h, cid in mapping.items() if prompt.id == SURVEY and cid in SCORE_COLUMNS]
    if scored:
        first = columns[scored[0][1]]
        answers = answers_on_another_scale(
            preview,
            [(h, raw.get(h)) for raw in table.rows for h, _ in scored],
            low=int(first.min or 1),
            high=int(first.max or 5),
            reads=lambda cell: survey_score(cell, first),
        )
    for index, raw in enumerate(table.rows):
        number = table.row_number(index)
        extra = raw.get(None)
        # Blank in every column read (a form's ID or a name alone is not a response): skipped.
        if all(is_blank(raw.get(h)) for h in mapping) and not extra and not _unread_values(raw, mapping, preview):
            preview.blank_rows += 1
            continue
        preview.rows_in_file += 1
        problems_before = preview.problem_count
        if extra:
            if len(extra) == 1:
                preview.add_problem(
                    number, "", "The row has 1 more cell than there are column names (a value with a comma in it needs quotes)."
                )
            else:
                preview.add_problem(
                    number,
                    "",
                    f"The row has {len(extra)} more cells than there are column names (a value with a comma in it needs quotes).",
                )
            continue  # its cells are out of step with the columns: checking them would only mislead
        values: dict = {}
        for header, cid in mapping.items():
            col = columns[cid]
            cell = raw.get(header)
            if answers and cid in SCORE_COLUMNS:
                cell = mapped_answer(cell, answers)
            try:
                values[cid] = _cell(cell, col, prompt, choices)
            except InvalidInput as exc:
                preview.add_problem(number, header, exc.message)
                continue
            if cid in SCORE_COLUMNS and isinstance(cell, str) and values[cid] is not None and not cell.strip().isdigit():
                words_read.setdefault(" ".join(cell.split()), values[cid])
        if preview.problem_count > problems_before:
            continue
        try:
            stored = normalise_row(prompt, values)
        except InvalidInput as exc:
            preview.add_problem(number, "", exc.message)
            continue
        preview.rows.append(stored)
        preview.row_numbers.append(number)
    if words_read:
        shown = "; ".join(f"'{w}' → {v}" for w, v in sorted(words_read.items(), key=lambda kv: (kv[1], kv[0]))[:12])
        preview.notes.append(f"Scores written in words are read on the workbook's scale of 1 to 5: {shown}.")
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
        with write_session(engine) as session:
            stored = add_rows(engine, partnership_id, preview.prompt_id, preview.rows, author=author, replace=replace, session=session)
            save_options(engine, partnership_id, preview.prompt_id, preview, author=author, session=session)
    except InvalidInput as exc:
        # add_rows numbers the rows it was given; say which row of the file that is.
        found = re.match(r"^Row (\d+): (.*)$", exc.message, re.S)
        if found and 0 < int(found.group(1)) <= len(preview.row_numbers):
            raise InvalidInput(f"Nothing was imported. Row {preview.row_numbers[int(found.group(1)) - 1]}: {found.group(2)}") from None
        raise
    return len(stored)


# --- The staff survey ---------------------------------------------------------------------------


def preview_survey(data: bytes, filename: str, options: ImportOptions | None = None) -> Preview:
    """What importing this staff survey file would store, and every problem in it."""
    options = options or ImportOptions()
    table = read_sheet(data, filename, sheet=options.sheet, header_row=options.header_row)
    return _preview(data, filename, SURVEY, table, options)


def import_survey(
    engine: Engine,
    partnership_id: int,
    data: bytes,
    filename: str,
    *,
    author: Author,
    replace: bool = True,
    options: ImportOptions | None = None,
) -> int:
    """Store every response in the file (replacing the responses there before, unless
    ``replace=False``), or nothing if any row has a problem. Returns the number stored."""
    preview = partnership_preview(engine, partnership_id, data, filename, SURVEY, options)
    return _import(engine, partnership_id, preview, author=author, replace=replace)


# --- Local figures and identification measures --------------------------------------------------


def _figures_prompt(prompt_id: str) -> str:
    if prompt_id not in FIGURE_PROMPTS:
        raise InvalidInput(f"Figures are imported into {' or '.join(FIGURE_PROMPTS)}, not {prompt_id!r}.")
    return prompt_id


def preview_figures(
    data: bytes, filename: str, prompt_id: str = FIGURES, options: ImportOptions | None = None, *, areas_hint: tuple[str, ...] = ()
) -> Preview:
    """What importing this table of figures would store, and every problem in it. A file in the
    workbook's own layout is read as before; a published download (explore education statistics,
    police recorded crime, ONS, StatsWales) is read where it is: below its title lines, on the
    sheet holding the table, for the partnership's area only (``options.area``; ``areas_hint``, the
    partnership's name and areas, picks the one to offer), with the figure, year and filters the
    ``options`` give, age columns added up and years across the top turned into rows."""
    options = options or ImportOptions()
    prompt = _table_prompt(_figures_prompt(prompt_id))
    table = read_sheet(data, filename, sheet=options.sheet, header_row=options.header_row)
    if not _published(table, prompt, options):
        return _preview(data, filename, prompt.id, table, options)
    return _published_preview(table, filename, prompt, options, areas_hint)


def import_figures(
    engine: Engine,
    partnership_id: int,
    data: bytes,
    filename: str,
    *,
    prompt_id: str = FIGURES,
    author: Author,
    replace: bool = False,
    options: ImportOptions | None = None,
) -> int:
    """Add every figure in the file (or replace those there with ``replace=True``), or nothing if
    any row has a problem (a file of several areas with none chosen is one). Without ``options``,
    the choices saved for a file from the same source are used; the choices made are saved with
    the figures. Returns the number stored."""
    preview = partnership_preview(engine, partnership_id, data, filename, prompt_id, options)
    return _import(engine, partnership_id, preview, author=author, replace=replace)


def partnership_preview(
    engine: Engine, partnership_id: int, data: bytes, filename: str, prompt_id: str, options: ImportOptions | None = None
) -> Preview:
    """The preview for a partnership: its own area offered first, and the choices saved for a file
    from the same source used when none were made."""
    p = get_partnership(engine, partnership_id)
    hint = (p.name, p.areas)
    preview = preview_file(data, filename, prompt_id, options, hint)
    return with_saved_choices(engine, partnership_id, preview, lambda saved: preview_file(data, filename, prompt_id, saved, hint))


def preview_file(
    data: bytes, filename: str, prompt_id: str, options: ImportOptions | None = None, areas_hint: tuple[str, ...] = ()
) -> Preview:
    """The preview for whichever prompt the file is for."""
    if prompt_id == SURVEY:
        return preview_survey(data, filename, options)
    return preview_figures(data, filename, prompt_id, options, areas_hint=areas_hint)


# --- Published layouts ---------------------------------------------------------------------------

#: explore education statistics' column saying what kind of period ``time_period`` is.
TIME_IDENTIFIER = "time_identifier"
#: Columns whose rows are parts of a year (quarters, months): rows differing only in them are added up.
_PART_OF_YEAR = re.compile(r"quarter|month|week|term", re.I)
_AGE_HEADER = re.compile(r"^(?:age[ds]?\s*)?(\d{1,2})(?:\s*years?)?$", re.I)
_AGE_RANGE = re.compile(r"^(?:ages?d?\s*)?(\d{1,2})\s*(?:-|–|to|\.\.)\s*(\d{1,2})$", re.I)
_HEADER_NOTE = re.compile(r"\s*(\[[^\]]*\]|\((?:r|p|revised|provisional)\)|[rp])\s*$", re.I)


def _field_id(prompt: Prompt, name: str) -> str | None:
    """The field a --map names: its id, its label, its template name or another accepted name."""
    key = header_key(name)
    for col in prompt.columns:
        if key in {header_key(n) for n in (col.id, col.label, *_HEADERS[prompt.id].get(col.id, ()))}:
            return col.id
    if key in {"figure", "indicator", "measure"}:
        return prompt.columns[0].id
    return None


def _header(table: Table, name: str) -> str | None:
    key = header_key(name)
    return next((h for h in table.headers if h == name), None) or next((h for h in table.headers if header_key(h) == key), None)


def _age_columns(headers: list[str], low: int, high: int) -> list[str] | None:
    """The single-year-of-age columns from ``low`` to ``high``, when the file has every one of them."""
    ages: dict[int, str] = {}
    for h in headers:
        m = _AGE_HEADER.match(h.strip())
        if m:
            ages.setdefault(int(m.group(1)), h)
    if all(a in ages for a in range(low, high + 1)):
        return [ages[a] for a in range(low, high + 1)]
    return None


def _period_header(header: str) -> str | None:
    """A column name that is a year (years across the top), as stored, else None."""
    text = _HEADER_NOTE.sub("", header).strip()
    if not re.search(r"\d{4}", text):
        return None
    try:
        return parse_period(text)
    except InvalidInput:
        return None


def _published(table: Table, prompt: Prompt, options: ImportOptions) -> bool:
    """Whether the file is a published layout rather than the workbook's own template."""
    if options.mapping or options.filters or options.area or table.title_lines:
        return True
    if area_columns(table.headers) or _header(table, TIME_IDENTIFIER):
        return True
    known = _known_headers(prompt)
    if _age_columns(table.headers, 0, 17) and "value" not in {known.get(header_key(h)) for h in table.headers}:
        return True
    return len([h for h in table.headers if _period_header(h)]) >= 2


def _numeric_column(table: Table, header: str) -> bool:
    """A column of published figures: numbers or codes, at least one number."""
    numbers = 0
    for row in table.rows[:500]:
        value = row.get(header)
        if is_blank(value):
            continue
        try:
            parse_statistic(value)
        except InvalidInput:
            return False
        if not (isinstance(value, str) and value.strip().lower() in _CODES_LOWER):
            numbers += 1
    return numbers > 0


_RANGE = re.compile(r"^\s*(\d+)\s*(?:-|–|to|\.\.)\s*(\d+)\s*$")


def _filter_matches(value, wanted: tuple[str, ...]) -> bool:
    """Whether a cell is one of the values a filter keeps: the same text (case, spaces and punctuation
    ignored), or a whole number within a range such as 0-17 (ages, one row each)."""
    key = header_key(cell_text(value))
    for w in wanted:
        if header_key(w) == key:
            return True
        bounds = _RANGE.match(w)
        number = cell_text(value).strip()
        if bounds and number.isdigit() and int(bounds.group(1)) <= int(number) <= int(bounds.group(2)):
            return True
    return False


def _published_preview(table: Table, filename: str, prompt: Prompt, options: ImportOptions, areas_hint: tuple[str, ...]) -> Preview:
    preview = Preview(prompt_id=prompt.id, filename=file_name(filename), read_as=table.read_as, options=options)
    preview.read_from(table)
    comparators: list[tuple[str, bool, list]] = []  # the nation's and the region's rows, kept beside the area's
    choice_id = prompt.columns[0].id
    labels = {c.id: c.label for c in prompt.columns}
    columns = {c.id: c for c in prompt.columns}
    source: dict[str, str] = {}  # field -> the file's column
    fixed: dict[str, str] = {}  # field -> a value for every row
    added: list[str] = []  # columns added up into the value
    for name, target in options.mapping.items():
        fid = _field_id(prompt, name)
        if fid is None:
            preview.add_problem(
                1, "", f"'{name}' is not a field of these figures; the fields are {', '.join(c.id for c in prompt.columns)}."
            )
            continue
        header = _header(table, target)
        ages = _AGE_RANGE.match(target.strip())
        if header is not None:
            source[fid] = header
        elif fid == "value" and ages:
            found = _age_columns(table.headers, int(ages.group(1)), int(ages.group(2)))
            if found is None:
                preview.add_problem(1, "", f"The file has no column for every age from {ages.group(1)} to {ages.group(2)}.")
            else:
                added = found
        elif fid == "value" and "+" in target and all(_header(table, part.strip()) for part in target.split("+")):
            added = [h for part in target.split("+") if (h := _header(table, part.strip()))]
        elif fid == "value":
            preview.add_problem(1, "", f"The file has no column '{target}'. Its columns are: {listed(table.headers, 20)}.")
        else:
            fixed[fid] = target
    filters: dict[str, tuple[str, ...]] = {}
    for name, values in options.filters.items():
        header = _header(table, name)
        if header is None:
            preview.add_problem(
                1, "", f"The filter names a column '{name}' that the file does not have. Its columns are: {listed(table.headers, 20)}."
            )
        else:
            filters[header] = values
    identifier = _header(table, TIME_IDENTIFIER)
    used = {*source.values(), *added}
    geo = area_columns(table.headers, exclude=used)
    known = _known_headers(prompt)
    for h in table.headers:
        if h in used or h in geo.all or h == identifier:
            continue
        fid = known.get(header_key(h))
        if fid and fid not in source and fid not in fixed and not (fid == "value" and added):
            source[fid] = h
            used.add(h)
    across: list[tuple[str, str]] = []
    if "period" not in source and "period" not in fixed and "value" not in source and not added:
        across = [(h, p) for h in table.headers if h not in used and (p := _period_header(h))]
        if len(across) >= 2 and not geo:
            # StatsWales leaves the area column unnamed: the one text column beside the years is the area.
            labels_left = [h for h in table.headers if h not in used and h not in {a for a, _ in across}]
            if len(labels_left) == 1 and re.fullmatch(r"Column [A-Z]+", labels_left[0]):
                geo = AreaColumns({1: labels_left[0]}, {}, None)
                preview.notes.append(f"The unnamed column {labels_left[0][7:]} beside the years is read as the area.")
        if len(across) >= 2:
            preview.notes.append(f"The years run across the top ({across[0][1]} to {across[-1][1]}): each becomes a row of its own.")
            used |= {h for h, _ in across}
        else:
            across = []
    if "value" not in source and not added and not across:
        children = _age_columns(table.headers, 0, 17)
        if children and (not source.get("detail")):
            added = children
            fixed.setdefault("detail", "Aged 0 to 17")
            if prompt.id == FIGURES:
                fixed.setdefault(choice_id, "child_population")
            used |= set(children)
    if added:
        if all(_AGE_HEADER.match(h.strip()) for h in added):
            preview.notes.append(f"The figure is the columns {added[0]} to {added[-1]} added up (ages {added[0]} to {added[-1]}).")
        else:
            preview.notes.append("The figure is the columns " + " + ".join(f"'{h}'" for h in added) + " added up.")
    if "period" not in source and "period" not in fixed and not across:
        for line in table.title_lines:
            year = re.search(r"\bmid[- ]?(\d{4})\b", line, re.I)
            if year:
                fixed["period"] = year.group(1)
                preview.notes.append(f"The year {year.group(1)} is taken from the title ('{shorten(line, 80)}').")
                break
    if "source" not in source and "source" not in fixed:
        fixed["source"] = (table.title_lines[0] if table.title_lines else file_name(filename))[: columns["source"].limit or 200]
    if "value" not in source and not added and not across:
        spare = [
            h
            for h in table.headers
            if h not in used and h not in geo.all and h != identifier and h not in filters and not _PART_OF_YEAR.search(h)
        ]
        numeric = [h for h in spare if _numeric_column(table, h) and not re.search(r"code|id$|^id|year|period", h, re.I)]
        if len(numeric) == 1:
            source["value"] = numeric[0]
            used.add(numeric[0])
            preview.notes.append(
                f"The figure is read from the column '{numeric[0]}', the only column of numbers. If it is another, say which."
            )
        elif numeric:
            preview.add_problem(
                1,
                "",
                f"Which column holds the figure? The file has {len(numeric)} columns of numbers: {listed(numeric, 10)}. "
                f'Choose one (on the command line: --map value="{numeric[0]}").',
            )
        else:
            preview.add_problem(
                1, "", "The file has no column of figures. Say which column holds them (on the command line: --map value=COLUMN)."
            )
    if choice_id not in source and choice_id not in fixed:
        options_text = "; ".join(o.id for o in content().options(columns[choice_id]))
        preview.add_problem(
            1,
            "",
            f"Which {labels[choice_id].lower()} are these figures? The file has no '{template_headers(prompt.id)[0]}' column. "
            f"Choose one for every row (on the command line: --map {choice_id}=NAME, one of: {options_text}).",
        )
    for cid, h in source.items():
        preview.columns.append((h, labels[cid]))
    for cid, value in fixed.items():
        if cid != "source" or "source" in options.mapping:
            preview.columns.append((f"(every row) {value}", labels[cid]))
    if identifier:
        preview.columns.append((identifier, "Year (the kind of period)"))
    for h in geo.all:
        preview.ignored.append(IgnoredColumn(h, "names an area (not a person): used to keep the partnership's rows"))
    for h in table.headers:
        if h in used or h in geo.all or h == identifier:
            continue
        if h in filters:
            preview.ignored.append(IgnoredColumn(h, f"filter: only rows with {' or '.join(filters[h])}"))
        elif _identifies_a_person(header_key(h)):
            preview.ignored.append(IgnoredColumn(h, "identifies a person: not read and not stored"))
        elif all(is_blank(r.get(h)) for r in table.rows):
            preview.ignored.append(IgnoredColumn(h, "empty"))
        else:
            preview.ignored.append(IgnoredColumn(h, "not read (keep only some rows with a filter, or read it with the mapping)"))
    # Rows: the filters, then the area (asked even while a column still needs choosing).
    kept: list[tuple[int, dict]] = []
    areas: dict[str, list] = {}  # key -> [name, rows, codes]
    for index, raw in enumerate(table.rows):
        number = table.row_number(index)
        if all(is_blank(v) for k, v in raw.items() if k is not None):
            preview.blank_rows += 1
            continue
        if raw.get(None):
            preview.rows_in_file += 1
            preview.add_problem(number, "", f"The row has {len(raw[None])} more cells than there are column names.")
            continue
        if any(not _filter_matches(raw.get(h), wanted) for h, wanted in filters.items()):
            preview.other_rows += 1
            continue
        if geo:
            area, codes = geo.area_of(raw)
            entry = areas.setdefault(header_key(area), [area, 0, codes])
            entry[1] += 1
        kept.append((number, raw))
    for h, wanted in filters.items():
        present = {header_key(cell_text(r.get(h))) for r in table.rows}
        for w in wanted:
            if header_key(w) not in present and not any(_filter_matches(r.get(h), (w,)) for r in table.rows):
                found = sorted({cell_text(r.get(h)) for r in table.rows if not is_blank(r.get(h))})
                preview.add_problem(1, h, f"No row has '{w}' in '{h}'. Its values are: {listed(found, 12)}.")
    if geo and areas:
        names = [a[0] for a in areas.values()]
        preview.areas = [(a[0], a[1]) for a in areas.values()]
        preview.suggested_areas = suggest(names, *areas_hint)
        where = geo.names.get(1) or next(iter(geo.names.values()), "") or geo.all[0]
        if options.area:
            chosen = [a for a in areas.values() if matches(a[0], a[2], options.area)]
            if not chosen:
                near = difflib.get_close_matches(options.area, names, n=3, cutoff=0.6)
                hint = f" Did you mean {' or '.join(repr(n) for n in near)}?" if near else f" The areas in it are: {listed(names, 12)}."
                preview.add_problem(1, where, f"No row is for '{options.area}'.{hint}")
                return preview
            preview.area = chosen[0][0]
            before = len(kept)
            everything = kept
            kept = [(n, r) for n, r in kept if matches(*geo.area_of(r), options.area)]
            if prompt.id == MEASURES:
                comparators = _comparator_rows(geo, everything, kept)
            preview.other_rows += before - len(kept)
            if len(areas) > 1:
                preview.notes.append(
                    f"Only the rows for {preview.area} are read; the {before - len(kept):,} rows for other areas are left out."
                )
        elif len(areas) > 1:
            offer = preview.suggested_areas
            which = f" {offer[0]} looks like yours." if len(offer) == 1 else f" These look like yours: {', '.join(offer)}." if offer else ""
            example = offer[0] if offer else names[-1]
            preview.add_problem(
                1,
                where,
                f"The file holds figures for {len(names):,} areas ({listed(names)}). Choose the partnership's area: nothing is "
                f'imported until one is chosen.{which} On the command line: --area "{example}"',
            )
            return preview
        else:
            preview.area = names[0]
            mine = (
                " "
                if preview.suggested_areas or not any(areas_hint)
                else " It does not look like the partnership's area: check this is the right file. "
            )
            preview.notes.append(f"Every row is for {names[0]}.{mine.rstrip()}")
    elif options.area:
        preview.notes.append(f"The file names no areas, so every row is read (the area '{options.area}' was not needed).")
    if not preview.problem_count:
        _published_rows(preview, prompt, kept, source, fixed, added, across, identifier, filters, table.headers)
    if comparators and not preview.problem_count and preview.rows:
        _keep_comparators(preview, prompt, comparators, source, fixed, added, across, identifier, filters, table)
    return preview


#: A column of published rates per 10,000 children ("rate_per_10000", "Rate per 10,000 children").
_RATE_COLUMN = re.compile(r"rate.*10[,. _]?000|per[ _]?10[,. _]?000", re.I)


def _comparator_rows(geo: AreaColumns, everything: list[tuple[int, dict]], mine: list[tuple[int, dict]]) -> list[tuple[str, bool, list]]:
    """The rows of the nation and of the region holding the chosen area, from a file of several areas
    (its country and region columns say which): [(the area's name, whether a region, its rows)]. None
    when the chosen area is itself the nation or a region."""
    mine_ids = {id(r) for _, r in mine}
    ranks = {geo.rank_of(r) for _, r in mine}
    if not mine or 3 in ranks:
        return []  # the nation itself; a region chosen keeps the nation only

    def keys(rank: int) -> set[str]:
        return {header_key(v) for _, r in mine for v in (geo.name_at(r, rank), *geo.codes_at(r, rank)) if v}

    regions, countries = keys(2), keys(3)
    nations = {header_key(n) for n in NATIONS}
    found: dict[tuple[bool, str], tuple[str, list]] = {}
    for number, r in everything:
        if id(r) in mine_ids:
            continue
        rank = geo.rank_of(r)
        if rank is None:
            continue
        name = geo.name_at(r, rank) or (geo.codes_at(r, rank) or [""])[0]
        own = {header_key(v) for v in (geo.name_at(r, rank), *geo.codes_at(r, rank)) if v}
        if rank == 3 and (not countries or own & countries):
            found.setdefault((False, header_key(name)), (name, []))[1].append((number, r))
        elif rank == 2 and regions and own & regions and ranks == {1}:
            found.setdefault((True, header_key(name)), (name, []))[1].append((number, r))
        elif rank == 1 and not (set(geo.names) | set(geo.codes)) & {2, 3} and header_key(name) in nations:
            found.setdefault((False, header_key(name)), (name, []))[1].append((number, r))  # StatsWales: Wales beside its councils
    return [(name, region, rows) for (region, _), (name, rows) in sorted(found.items())]


def _keep_comparators(
    preview: Preview,
    prompt: Prompt,
    comparators: list[tuple[str, bool, list]],
    source: dict[str, str],
    fixed: dict[str, str],
    added: list[str],
    across: list[tuple[str, str]],
    identifier: str | None,
    filters: dict[str, tuple[str, ...]],
    table: Table,
) -> None:
    """Beside the area's own figures, the nation's and the region's for the same measures and years, each
    stored with a detail marking it a comparator (``comparator_detail``): never counted with the area's.
    The file's own rate per 10,000 children is kept when it has that column; otherwise the comparator's
    number, and its rate left empty (the workbook has no population to divide it by). A comparator that
    cannot be read is left out with a note; the area's own figures are imported all the same."""
    used = {*source.values(), *added, *(h for h, _ in across)}
    rate = next((h for h in table.headers if h not in used and _RATE_COLUMN.search(h)), None)
    wanted = {(r.get(prompt.columns[0].id), r.get("period")) for r in preview.rows}
    limit = next((c.limit for c in prompt.columns if c.id == "detail"), None) or 200
    kept: list[str] = []
    for area, region, rows in comparators:
        scratch = Preview(prompt_id=prompt.id, filename=preview.filename, read_as=preview.read_as)
        if rate:
            _published_rows(scratch, prompt, rows, {**source, "value": rate}, fixed, [], [], identifier, filters, table.headers)
        else:
            _published_rows(scratch, prompt, rows, source, fixed, added, across, identifier, filters, table.headers)
        shown = f"the {area} region" if region and "region" not in area.casefold() else area
        if scratch.problem_count:
            preview.notes.append(f"{shown}'s rows are not kept as a comparator: {scratch.problems[0].describe()}")
            continue
        if rate and any("added up" in n for n in scratch.notes):
            preview.notes.append(f"{shown}'s rates are not kept as a comparator: rates for parts of a year cannot be added up.")
            continue
        count = 0
        for row, number in zip(scratch.rows, scratch.row_numbers, strict=True):
            if (row.get(prompt.columns[0].id), row.get("period")) not in wanted:
                continue
            marked = comparator_detail(area, rate=bool(rate), region=region)
            local = str(row.get("detail") or "")
            room = limit - len(marked) - 2  # the mark is never cut: without it the row would count as the area's own
            row = {
                **row,
                "detail": comparator_detail(area, rate=bool(rate), region=region, detail=shorten(local, room) if room > 1 else ""),
            }
            preview.rows.append(row)
            preview.row_numbers.append(number)
            count += 1
        if count:
            kept.append(shown)
    if not kept:
        return
    names = " and ".join(f"{k}'s" for k in kept)
    preview.notes = [
        n.replace(" are read; the", " are read as its own figures; the", 1).replace(
            " are left out.", " are left out, except the comparators below."
        )
        if n.startswith(f"Only the rows for {preview.area} are read")
        else n
        for n in preview.notes
    ]
    how = (
        f"their published rates per 10,000 children, from the column '{rate}'"
        if rate
        else "their numbers only: the file has no column of rates per 10,000 children, so their rates are left empty "
        "rather than worked out from a population the workbook does not have"
    )
    preview.notes.append(
        f"Beside {preview.area}'s figures, {names} for the same measures and years are kept as comparators ({how}). "
        "They are shown beside the area's rates per 10,000 children and never counted in its own totals."
    )


_CODES_LOWER = {"c", "z", ":", "x", "k", "u", "low", "*", ".", "..", "-", "[c]", "[z]", "[x]", "[k]", "[u]", "[low]"}


def _published_rows(
    preview: Preview,
    prompt: Prompt,
    kept: list[tuple[int, dict]],
    source: dict[str, str],
    fixed: dict[str, str],
    added: list[str],
    across: list[tuple[str, str]],
    identifier: str | None,
    filters: dict[str, tuple[str, ...]],
    headers: list[str],
) -> None:
    """Each kept row's figure (or figures, with years across), checked; rows that are the same figure
    for the same year are added up when they differ only in a part of the year or in a filter given
    several values, and are a problem otherwise."""
    columns = {c.id: c for c in prompt.columns}
    options = {c.id: _options(c) for c in prompt.columns if c.type == "choice"}
    choice_id = prompt.columns[0].id
    groups: dict[tuple, list[tuple[int, dict, dict]]] = {}
    for number, raw in kept:
        preview.rows_in_file += 1
        problems_before = preview.problem_count
        base: dict = {}
        for cid, col in columns.items():
            if cid == "value" or (cid == "period" and across):
                continue
            header = source.get(cid)
            raw_value = raw.get(header) if header else fixed.get(cid)
            try:
                if cid == "period" and identifier and header:
                    kind = cell_text(raw.get(identifier))
                    base[cid] = parse_period(
                        raw_value, what="The year", identifier=_PART_OF_YEAR.sub("", re.sub(r"\bq[1-4]\b", "", kind, flags=re.I)).strip()
                    )
                else:
                    base[cid] = _cell(raw_value, col, prompt, options)
            except InvalidInput as exc:
                preview.add_problem(number, header or f"(every row) {labels_of(prompt)[cid]}", exc.message)
        if preview.problem_count > problems_before:
            continue
        figures: list[tuple[str | None, object, str | None]] = []  # (period, value, column)
        if across:
            for h, period in across:
                if not is_blank(raw.get(h)):
                    figures.append((period, raw.get(h), h))
        elif added:
            parts = []
            for h in added:
                try:
                    parts.append(parse_statistic(raw.get(h), what=f"The figure in '{h}'"))
                except InvalidInput as exc:
                    preview.add_problem(number, h, exc.message)
            if preview.problem_count > problems_before:
                continue
            codes = [(h, p) for h, p in zip(added, parts, strict=True) if p is not None and statistic_value(p) is None]
            if codes:
                preview.add_problem(
                    number, codes[0][0], f"'{codes[0][0]}' is published as '{codes[0][1]}', so the columns cannot be added up."
                )
                continue
            total = sum(statistic_value(p) or 0 for p in parts if p is not None)
            figures.append((base.get("period"), total if parts and any(p is not None for p in parts) else None, added[0]))
        else:
            figures.append(
                (base.get("period"), raw.get(source["value"]) if "value" in source else fixed.get("value"), source.get("value", ""))
            )
        for year, value, where in figures:
            values = dict(base)
            if across:
                values["period"] = year
            try:
                values["value"] = parse_statistic(value, what="The value")
            except InvalidInput as exc:
                preview.add_problem(number, where or "", exc.message)
                continue
            if values["value"] is None:
                continue
            try:
                stored = normalise_row(prompt, values)
            except InvalidInput as exc:
                preview.add_problem(number, "", exc.message)
                continue
            key = (stored.get(choice_id), header_key(stored.get("detail") or ""), stored.get("period"))
            groups.setdefault(key, []).append((number, stored, raw))
    if preview.problem_count:
        return
    used = set(source.values()) | set(added) | {h for h, _ in across}
    summed = 0
    for (choice, _detail, period), members in groups.items():
        if len(members) == 1:
            preview.rows.append(members[0][1])
            preview.row_numbers.append(members[0][0])
            continue
        differ = [h for h in headers if h not in used and len({header_key(cell_text(m[2].get(h))) for m in members}) > 1]
        addable = [
            h
            for h in differ
            if _PART_OF_YEAR.search(h)
            or (h in filters and (len(filters[h]) > 1 or any(_RANGE.match(w) for w in filters[h])))
            or h == identifier
        ]
        if addable:  # a column that goes with them (an offence's description with its code) is added up too
            for h in [h for h in differ if h not in addable]:
                follows: dict[tuple, str] = {}
                for m in members:
                    key_of = tuple(header_key(cell_text(m[2].get(a))) for a in addable)
                    if follows.setdefault(key_of, header_key(cell_text(m[2].get(h)))) != header_key(cell_text(m[2].get(h))):
                        break
                else:
                    addable.append(h)
        rows = ", ".join(str(m[0]) for m in members[:5]) + (" …" if len(members) > 5 else "")
        label = _choice_label(prompt, choice)
        if set(differ) - set(addable) or not differ:
            other = [h for h in differ if h not in addable] or ["(nothing: the rows are the same)"]
            h = other[0]
            seen = sorted({cell_text(m[2].get(h)) for m in members if h in headers})
            preview.add_problem(
                members[0][0],
                h if h in headers else "",
                f"Rows {rows} are all '{label}' for {period or 'no year'} and differ in '{h}' ({listed(seen, 6)}). Keep one "
                f'with a filter (on the command line: --filter "{h}={seen[0] if seen else ""}") or read that column as the detail '
                f'(--map detail="{h}").',
            )
            continue
        numbers = [statistic_value(m[1]["value"]) for m in members]
        if any(n is None for n in numbers):
            code = next(m for m, n in zip(members, numbers, strict=True) if n is None)
            preview.add_problem(
                code[0],
                source.get("value", ""),
                f"This row is published as '{code[1]['value']}', so the rows for {period} cannot be added up.",
            )
            continue
        total = sum(n for n in numbers if n is not None)
        stored = dict(members[0][1])
        stored["value"] = str(int(total)) if float(total).is_integer() else str(round(total, 6))
        preview.rows.append(stored)
        preview.row_numbers.append(members[0][0])
        summed += len(members)
    if summed:
        made = sum(1 for m in groups.values() if len(m) > 1)
        if made == 1:
            preview.notes.append(f"{summed:,} rows were added up into 1 figure (the parts of each year, or the values the filters keep).")
        else:
            preview.notes.append(
                f"{summed:,} rows were added up into {made:,} figures (the parts of each year, or the values the filters keep)."
            )


def labels_of(prompt: Prompt) -> dict[str, str]:
    return {c.id: c.label for c in prompt.columns}


def _choice_label(prompt: Prompt, choice) -> str:
    col = prompt.columns[0]
    return next((o.label for o in content().options(col) if o.id == choice), str(choice))


# --- Choices saved for the next file from the same source -----------------------------------------


def source_key(prompt_id: str, headers: list[str]) -> str:
    """What makes two files the same source: the import and the column names (case, spaces and
    punctuation ignored, in any order)."""
    import hashlib  # noqa: PLC0415 - only here

    names = "\n".join(sorted(header_key(h) for h in headers if not re.fullmatch(r"column[a-z]+", header_key(h))))
    return hashlib.sha256(f"{prompt_id}\n{names}".encode()).hexdigest()


def saved_options(engine: Engine, partnership_id: int, prompt_id: str, headers: list[str]) -> tuple[ImportOptions, str] | None:
    """The choices saved the last time a file from this source was imported, and that file's name."""
    with read_session(engine) as session:
        found = session.exec(
            select(ImportMapping).where(
                ImportMapping.partnership_id == partnership_id,
                ImportMapping.prompt_id == prompt_id,
                ImportMapping.source_key == source_key(prompt_id, headers),
            )
        ).first()
        if found is None:
            return None
        return ImportOptions.from_json(found.options_json), found.filename


def save_options(
    engine: Engine, partnership_id: int, prompt_id: str, preview: Preview, *, author: Author, session: Session | None = None
) -> None:
    """Keep the choices a preview was made with, for the next file from the same source (one per source)."""
    options = preview.options
    if not options or not preview.headers:
        return
    key = source_key(prompt_id, preview.headers)
    with write_session(engine, session=session) as session:
        found = session.exec(
            select(ImportMapping).where(
                ImportMapping.partnership_id == partnership_id, ImportMapping.prompt_id == prompt_id, ImportMapping.source_key == key
            )
        ).first()
        found = found or ImportMapping(partnership_id=partnership_id, prompt_id=prompt_id, source_key=key, options_json="{}")
        found.options_json = options.to_json()
        found.filename = preview.filename[:200]
        found.updated_at = utcnow()
        found.updated_by_name = author.name[:120]
        session.add(found)


def with_saved_choices(engine: Engine, partnership_id: int, preview: Preview, again: Callable[[ImportOptions], Preview]) -> Preview:
    """When no choice was made for a file that needs one and choices were saved for a file from the
    same source, the preview made with them (saying so); otherwise ``preview`` as it is."""
    if preview.options or not preview.problem_count:
        return preview
    saved = saved_options(engine, partnership_id, preview.prompt_id, preview.headers)
    if saved is None:
        return preview
    options, name = saved
    second = again(options)
    shown = options.area and f" (the area {options.area})" or ""
    second.notes.insert(0, f"Using the choices saved when '{name}' was imported{shown}; change them if this file differs.")
    return second


def stored_figures(engine: Engine, partnership_id: int) -> list[dict[str, str | None]]:
    """Every stored local figure and identification measure, as a person or a script checks them:
    the table, the figure (id and label), the detail, the year, the value as written (a code stays a
    code) and the source."""
    out: list[dict[str, str | None]] = []
    for prompt_id, table in ((FIGURES, "local figures"), (MEASURES, "identification measures")):
        prompt = content().prompts[prompt_id]
        choice = prompt.columns[0]
        labels = {o.id: o.label for o in content().options(choice)}
        for row in list_rows(engine, partnership_id, prompt_id):
            v = row.values
            out.append(
                {
                    "table": table,
                    "figure": v.get(choice.id),
                    "label": labels.get(v.get(choice.id) or "", v.get(choice.id) or ""),
                    "detail": v.get("detail") or "",
                    "year": v.get("period"),
                    "value": v.get("value"),
                    "source": v.get("source") or "",
                }
            )
    return out


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
