"""Importing the two surveys of this part of the workbook from CSV or Excel: the snapshot's
frontline survey (practitioners' ratings of the same statements) and a thematic audit's staff
survey (confidence, awareness and use of the strategy and toolkit, what stops use).

Files are read by ``strategy.tabular.reading`` (the same encodings, separators, limits, refusals
and formula guard as every other import); column names match in the same forgiving way
(``strategy.answers.io.match_headers``); columns that identify a
person are never read. Every problem is listed with the row the spreadsheet shows and the
column as the file names it, and any problem means nothing is stored. Columns are documented
in data/templates/README.md."""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import update
from sqlalchemy.engine import CursorResult, Engine
from sqlmodel import Session, col

from strategy.answers.io import (
    NO_SCORE_WORDS,
    answers_on_another_scale,
    mapped_answer,
    match_headers,
    save_options,
    survey_score,
    with_saved_choices,
)
from strategy.assessments.snapshot import (
    get_snapshot,
    scale,
    snapshot_statements,
    strategic_about,
    strategic_answers,
    strategic_questions,
    strategic_responses,
)
from strategy.core.authors import Author
from strategy.core.db import write_session
from strategy.core.errors import InvalidInput
from strategy.core.identifying import identifying_warning
from strategy.core.models import (
    AuditSurveyResponse,
    Snapshot,
    SnapshotResponse,
    SnapshotStatement,
    SnapshotStrategicResponse,
    ThematicAudit,
    utcnow,
)
from strategy.core.revisions import load, record_revision
from strategy.core.text import check_length, clean_text, shorten
from strategy.guide.content import Column, content
from strategy.tabular.formulas import csv_bytes, plain_csv_bytes
from strategy.tabular.reading import (
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

COMMENT_LIMIT = 5000
SHORT_LIMIT = 200


@dataclass(frozen=True)
class Scored:
    """Columns answered on the workbook's scale ``low``..``high``; ``reads`` raises InvalidInput for an
    answer not on it."""

    columns: tuple[str, ...]
    low: int
    high: int
    reads: Callable[[Any], object]


@dataclass(frozen=True)
class FileColumn:
    id: str
    #: The template's name first, then other names accepted.
    names: tuple[str, ...]
    required: bool = False


SNAPSHOT_COLUMNS = (
    FileColumn("statement", ("Statement", "Statement code", "Code", "Statement number"), required=True),
    FileColumn("rating", ("Rating", "Progress", "Progress rating", "Score"), required=True),
    FileColumn("comment", ("Comment", "Comments", "Any other comments", "Notes")),
    FileColumn(
        "agency",
        (
            "Agency",
            "Organisation",
            "Organization",
            "Agency or organisation",
            "Service",
            "Which agency do you work for",
            "Which organisation do you work for",
        ),
    ),
    FileColumn("role", ("Role", "Job title", "Job role", "Position", "What is your role")),
)
AUDIT_COLUMNS = (
    FileColumn("agency", ("Agency", "Organisation", "Organization", "Agency or organisation", "Service"), required=True),
    FileColumn("role", ("Role", "Job title", "Job role", "Position")),
    FileColumn("confidence_identify", ("Confidence identifying", "Confidence in identifying", "Confidence identifying child sexual abuse")),
    FileColumn("confidence_respond", ("Confidence responding", "Confidence in responding", "Confidence responding to child sexual abuse")),
    FileColumn(
        "aware_strategy", ("Aware of strategy", "Aware of the strategy", "Aware of the strategy and toolkit", "Awareness of strategy")
    ),
    FileColumn("used_toolkit", ("Used toolkit", "Used the toolkit", "Have you used the toolkit", "Toolkit used")),
    FileColumn("barrier", ("What stops use", "What stops you using the toolkit", "Barrier", "Barriers")),
    FileColumn("comment", ("Comment", "Comments", "Any other comments", "Notes")),
)
_SCORE = Column(id="score", label="Score", type="number", min=1, max=5)
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def _match(preview: Preview, table, columns: tuple[FileColumn, ...]) -> dict[str, str]:
    """File column -> column id, matched as every import matches them (``strategy.answers.io.match_headers``)."""
    template = {c.id: c.names[0] for c in columns}
    return match_headers(
        preview,
        table,
        known={header_key(name): c.id for c in columns for name in (*c.names, c.id)},
        template=template,
        labels=template,
        suggestions={name: c.id for c in columns for name in c.names},
        required=tuple(c.id for c in columns if c.required),
    )


def _rows(
    data: bytes,
    filename: str,
    label: str,
    columns: tuple[FileColumn, ...],
    parse: Callable[[dict], dict],
    options: ImportOptions | None = None,
    reshape: Callable[[Table], tuple[Table, list[int], str] | None] | None = None,
    scale: Scored | None = None,
) -> Preview:
    """Read and check every row; ``parse`` turns one row's cells (by column id, with the file's
    header names) into values to store, raising InvalidInput naming the column id in ``exc.column``.
    ``options`` choose the sheet, the row of column names and (``mapping``) the file's column for a field.
    ``reshape`` may turn the file into rows of the template's shape (with each row's number in the
    file, and a note saying what was done). ``scale`` names the columns answered on the workbook's scale,
    whose answers on another scale are mapped onto it (``options.answers``, or a suggestion to confirm)."""
    options = options or ImportOptions()
    table = read_sheet(data, filename, sheet=options.sheet, header_row=options.header_row)
    preview = Preview(prompt_id=label, filename=file_name(filename), read_as=table.read_as, options=options)
    preview.read_from(table)
    numbers: list[int] | None = None
    reshaped = reshape(table) if reshape is not None else None
    if reshaped is not None:
        table, numbers, note = reshaped
        preview.notes.append(note)
    if options.mapping:
        columns = _remapped(preview, table.headers, columns, options.mapping)
    mapping = _match(preview, table, columns)
    headers = {cid: header for header, cid in mapping.items()}
    answers: dict[str, int] = {}
    if scale is not None:
        scored = [h for h, cid in mapping.items() if cid in scale.columns]
        if scored:
            answers = answers_on_another_scale(
                preview, [(h, raw.get(h)) for raw in table.rows for h in scored], low=scale.low, high=scale.high, reads=scale.reads
            )
    for index, raw in enumerate(table.rows):
        number = numbers[index] if numbers is not None else table.row_number(index)
        if all(is_blank(raw.get(h)) for h in mapping) and not raw.get(None):
            preview.blank_rows += 1
            continue
        preview.rows_in_file += 1
        if raw.get(None):
            preview.add_problem(
                number,
                "",
                f"The row has {len(raw[None])} more cells than there are column names (a value with a comma in it needs quotes).",
            )
            continue
        cells = {cid: raw.get(header) for header, cid in mapping.items()}
        if answers and scale is not None:
            cells = {cid: mapped_answer(v, answers) if cid in scale.columns else v for cid, v in cells.items()}
        try:
            values = parse(cells)
        except _CellProblem as exc:
            preview.add_problem(number, headers.get(exc.column, exc.column), exc.message)
            continue
        preview.rows.append(values)
        preview.row_numbers.append(number)
    return preview


def _remapped(preview: Preview, headers: list[str], columns: tuple[FileColumn, ...], mapping: dict[str, str]) -> tuple[FileColumn, ...]:
    """The columns with the file's own names added where a --map names them (FIELD=COLUMN)."""
    extra: dict[str, str] = {}
    for name, target in mapping.items():
        found = next((c for c in columns if header_key(name) in {header_key(n) for n in (c.id, *c.names)}), None)
        if found is None:
            preview.add_problem(1, "", f"'{name}' is not a column of this survey; they are {', '.join(c.names[0] for c in columns)}.")
        elif not any(header_key(h) == header_key(target) for h in headers):
            preview.add_problem(1, "", f"The file has no column '{target}'.")
        else:
            extra[found.id] = target
    return tuple(FileColumn(c.id, (*c.names, extra[c.id]) if c.id in extra else c.names, c.required) for c in columns)


class _CellProblem(InvalidInput):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


def _short_text(cells: dict, cid: str, limit: int = SHORT_LIMIT, what: str = "The text") -> str:
    text = clean_text(cell_text(cells.get(cid))).replace("\n", " ").strip()
    try:
        check_length(text, limit, what)
    except InvalidInput as exc:
        raise _CellProblem(cid, exc.message) from None
    return text


# --- The snapshot's frontline survey ------------------------------------------------------------


def _progress_lookup() -> dict[str, int]:
    points = scale("progress")
    lookup = {folded_words(p.label): p.value for p in points}
    lookup.update({str(p.value): p.value for p in points})
    return lookup


def _snapshot_rating(value) -> int | None:
    if is_blank(value):
        return None
    words = folded_words(cell_text(value))
    if words in NO_SCORE_WORDS:
        return None
    found = _progress_lookup().get(words.split(" - ")[0].strip()) or _progress_lookup().get(words)
    if found:
        return found
    options = ", ".join(f"{p.value} ({p.label})" for p in scale("progress"))
    raise InvalidInput(f"'{shorten(cell_text(value), 60)}' is not a rating on the scale. Use {options}, or leave it blank.")


def preview_snapshot_survey(
    engine: Engine, partnership_id: int, snapshot_id: int, data: bytes, filename: str, options: ImportOptions | None = None
) -> Preview:
    """What importing this frontline survey into the snapshot would store, and every problem. Without
    ``options``, a file that needs choices is read with those saved for a file with the same columns."""
    first = _snapshot_preview(engine, partnership_id, snapshot_id, data, filename, options)
    return with_saved_choices(
        engine, partnership_id, first, lambda saved: _snapshot_preview(engine, partnership_id, snapshot_id, data, filename, saved)
    )


def _snapshot_preview(
    engine: Engine, partnership_id: int, snapshot_id: int, data: bytes, filename: str, options: ImportOptions | None = None
) -> Preview:
    get_snapshot(engine, partnership_id, snapshot_id)
    statements = snapshot_statements(engine, partnership_id, snapshot_id)
    by_key = {}
    for s in statements:
        by_key[header_key(s.code)] = s
        by_key[header_key(s.text)] = s

    def parse(cells: dict) -> dict:
        raw = cells.get("statement")
        if is_blank(raw):
            raise _CellProblem("statement", "The statement is empty; every row needs its code, such as AW1.")
        found: SnapshotStatement | None = by_key.get(header_key(cell_text(raw)))
        if found is None:
            codes = ", ".join(s.code for s in statements if s.retired_at is None)
            raise _CellProblem(
                "statement", f"There is no statement '{shorten(cell_text(raw), 60)}' in this snapshot. Use a statement's code: {codes}."
            )
        if found.retired_at is not None:
            raise _CellProblem("statement", f"Statement {found.code} has been retired, so it is not in this snapshot.")
        try:
            rating = _snapshot_rating(cells.get("rating"))
        except InvalidInput as exc:
            raise _CellProblem("rating", exc.message) from None
        comment = clean_text(cell_text(cells.get("comment"))).strip()
        try:
            check_length(comment, COMMENT_LIMIT, "The comment")
        except InvalidInput as exc:
            raise _CellProblem("comment", exc.message) from None
        if rating is None and not comment:
            raise _CellProblem("rating", "The row has neither a rating nor a comment. Add one or delete the row.")
        return {
            "statement_id": found.id,
            "rating": rating,
            "comment": comment,
            "agency": _short_text(cells, "agency", what="The agency"),
            "role": _short_text(cells, "role", what="The role"),
        }

    def reshape(table: Table) -> tuple[Table, list[int], str] | None:
        """One column per statement (a form's grid question): each rated statement becomes a row."""
        strategic = [c.id for c in strategic_columns()[2:-1] if any(header_key(n) in map(header_key, table.headers) for n in c.names)]
        if len(strategic) >= 2:
            raise InvalidInput(
                f"'{file_name(filename)}' looks like the strategic professionals' survey, not the frontline practitioners' "
                f"survey: its columns are the strategic survey's questions ({', '.join(strategic[:5])}). Import it under "
                "'Strategic professionals' survey' on this page. Nothing was imported."
            )
        statement_names = {header_key(n) for n in SNAPSHOT_COLUMNS[0].names}
        if any(header_key(h) in statement_names for h in table.headers):
            return None
        found: dict[str, SnapshotStatement] = {}
        for h in table.headers:
            key = header_key(h)
            match = by_key.get(key) or next(
                (
                    st
                    for st in statements
                    if (header_key(st.text) and key.endswith(header_key(st.text))) or re.match(rf"^\s*{re.escape(st.code)}\b", h, re.I)
                ),
                None,
            )
            if match is not None:
                found[h] = match
        if len(found) < 2:
            return None
        rest = [h for h in table.headers if h not in found]
        rows: list[dict[str | None, Any]] = []
        numbers: list[int] = []
        comments = {header_key(n) for n in SNAPSHOT_COLUMNS[2].names}
        for index, raw in enumerate(table.rows):
            first = True
            for h, st in found.items():
                if is_blank(raw.get(h)):
                    continue
                # A comment on the whole response goes with its first rating only, not repeated on each.
                kept: dict[str | None, Any] = {r: (raw.get(r) if first or header_key(r) not in comments else None) for r in rest}
                rows.append({**kept, "Statement": st.code, "Rating": raw.get(h)})
                numbers.append(table.row_number(index))
                first = False
        if not rows:
            return None
        note = f"The file has one column per statement ({len(found)} of them): each rating becomes a row of its own."
        return Table([*rest, "Statement", "Rating"], rows, table.read_as), numbers, note

    points = scale("progress")
    rated = Scored(("rating",), points[0].value, points[-1].value, _snapshot_rating)
    return _rows(data, filename, "snapshot survey", SNAPSHOT_COLUMNS, parse, options, reshape, rated)


def import_snapshot_survey(
    engine: Engine,
    partnership_id: int,
    snapshot_id: int,
    data: bytes,
    filename: str,
    *,
    author: Author,
    replace: bool = True,
    options: ImportOptions | None = None,
) -> int:
    """Store every rating in the file (replacing the snapshot's frontline ratings, unless
    ``replace=False``), or nothing if any row has a problem. Returns the number stored."""
    preview = preview_snapshot_survey(engine, partnership_id, snapshot_id, data, filename, options)
    return store_snapshot_survey(engine, partnership_id, snapshot_id, preview, author=author, replace=replace)


def store_snapshot_survey(
    engine: Engine,
    partnership_id: int,
    snapshot_id: int,
    preview: Preview,
    *,
    author: Author,
    replace: bool,
    session: Session | None = None,
) -> int:
    """Store a frontline survey preview's rows (an import, or a response through a survey link)."""
    return _store(
        engine,
        partnership_id,
        preview,
        SnapshotResponse,
        "snapshot_id",
        snapshot_id,
        Snapshot,
        what="frontline ratings",
        prompt_id="snapshot.survey",
        author=author,
        replace=replace,
        session=session,
    )


def _store(
    engine: Engine,
    partnership_id: int,
    preview: Preview,
    model,
    owner_field: str,
    owner_id: int,
    owner_model,
    *,
    what: str,
    prompt_id: str,
    author: Author,
    replace: bool,
    session: Session | None = None,
) -> int:
    """Every ready row in one transaction, or nothing. Rows replaced are kept, marked as removed."""
    _refuse(preview)
    now = utcnow()
    with write_session(engine, session=session) as session:
        load(session, owner_model, owner_id, partnership_id, owner_model.__tablename__.replace("thematic_", ""))
        replaced = 0
        if replace:
            result = session.execute(
                update(model)
                .where(getattr(model, owner_field) == owner_id, col(model.deleted_at).is_(None))
                .values(deleted_at=now)
                .execution_options(synchronize_session=False)
            )
            replaced = cast("CursorResult[Any]", result).rowcount  # an UPDATE's result is a CursorResult; the stubs say Result
        for values in preview.rows:
            session.add(model(partnership_id=partnership_id, created_at=now, **{owner_field: owner_id}, **values))
        save_options(engine, partnership_id, preview.prompt_id, preview, author=author, session=session)
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id=prompt_id,
            item_id=owner_id,
            action="import",
            new_value=f"{len(preview.rows)} {what} from {preview.filename}"
            + (f" (replacing {replaced}, kept as removed)" if replaced else ""),
            created_at=now,
        )
    return len(preview.rows)


def _refuse(preview: Preview) -> None:
    if preview.problem_count:
        raise ImportRefused(preview)
    if not preview.rows:
        raise InvalidInput(f"'{preview.filename}' has no rows to import.")


def snapshot_template_csv() -> bytes:
    """The frontline survey to fill in: one row per practitioner per statement."""
    points = scale("progress")
    return plain_csv_bytes(
        [
            [c.names[0] for c in SNAPSHOT_COLUMNS],
            ["AW1", "2", "Children tell us the lessons came too late.", "Education", "Designated safeguarding lead"],
            ["IR2", points[2].label, "", "Health", "School nurse"],
        ]
    )


# --- The snapshot's strategic professionals' survey ---------------------------------------------

STRATEGIC = "snapshot strategic survey"


def strategic_columns() -> tuple[FileColumn, ...]:
    """The strategic survey's columns: agency and role (each by its question too), one per question
    (headed by the question's text, as Microsoft Forms heads them, or by its code), and the comment."""
    about = strategic_about()
    agency, role, comment = SNAPSHOT_COLUMNS[3], SNAPSHOT_COLUMNS[4], SNAPSHOT_COLUMNS[2]
    return (
        FileColumn("agency", (agency.names[0], about["agency"], *agency.names[1:])),
        FileColumn("role", (role.names[0], about["role"], *role.names[1:])),
        *(FileColumn(q.code, (q.text, q.code, f"{q.code} {q.text}")) for q in strategic_questions()),
        FileColumn("comment", (comment.names[0], about["comment"], *comment.names[1:])),
    )


def _frontline_likeness(engine: Engine, partnership_id: int, snapshot_id: int, headers: list[str]) -> str | None:
    """Why a file looks like the frontline practitioners' survey (its columns are the snapshot's
    statements, or the template's Statement and Rating), or None."""
    keys = {header_key(h) for h in headers}
    if {header_key("Statement"), header_key("Rating")} <= keys:
        return "it has the frontline template's 'Statement' and 'Rating' columns"
    statements = snapshot_statements(engine, partnership_id, snapshot_id)
    found = [
        st.code
        for st in statements
        if any(
            header_key(st.text) and (k == header_key(st.text) or k.endswith(header_key(st.text))) or k == header_key(st.code) for k in keys
        )
    ]
    if len(found) >= 2:
        return f"its columns are the snapshot's statements ({', '.join(found[:5])}{' …' if len(found) > 5 else ''})"
    return None


def preview_strategic_survey(
    engine: Engine,
    partnership_id: int,
    snapshot_id: int,
    data: bytes,
    filename: str,
    options: ImportOptions | None = None,
    *,
    identifying_confirmed: bool = False,
) -> Preview:
    """What importing this strategic professionals' survey into the snapshot would store (one row per
    response: agency, role, each question's rating, the comment), and every problem. A Microsoft Forms
    export is read as it is downloaded: its ID, times, email and name columns are never read. A file of
    the frontline survey is refused, saying so. Without ``options``, a file that needs choices is read
    with those saved for a file with the same columns. A comment that may identify a child is a problem,
    unless the person who wrote it has confirmed it does not (``identifying_confirmed``: a survey link asks)."""
    first = _strategic_preview(engine, partnership_id, snapshot_id, data, filename, options, identifying_confirmed)
    return with_saved_choices(
        engine,
        partnership_id,
        first,
        lambda saved: _strategic_preview(engine, partnership_id, snapshot_id, data, filename, saved, identifying_confirmed),
    )


def _strategic_preview(
    engine: Engine,
    partnership_id: int,
    snapshot_id: int,
    data: bytes,
    filename: str,
    options: ImportOptions | None = None,
    identifying_confirmed: bool = False,
) -> Preview:
    get_snapshot(engine, partnership_id, snapshot_id)
    options = options or ImportOptions()
    table = read_sheet(data, filename, sheet=options.sheet, header_row=options.header_row)
    why = _frontline_likeness(engine, partnership_id, snapshot_id, table.headers)
    if why:
        raise InvalidInput(
            f"'{file_name(filename)}' looks like the frontline practitioners' survey, not the strategic professionals' "
            f"survey: {why}. Import it under 'Frontline survey' on this page. Nothing was imported."
        )
    questions = strategic_questions()
    codes = tuple(q.code for q in questions)
    columns = strategic_columns()
    keys = {header_key(h) for h in table.headers}
    present = [c for c in columns if c.id in codes and any(header_key(n) in keys for n in c.names)]

    def parse(cells: dict) -> dict:
        values: dict[str, object] = {
            "agency": _short_text(cells, "agency", what="The agency"),
            "role": _short_text(cells, "role", what="The role"),
        }
        for code in codes:
            try:
                values[code] = _snapshot_rating(cells.get(code))
            except InvalidInput as exc:
                raise _CellProblem(code, exc.message) from None
        comment = clean_text(cell_text(cells.get("comment"))).strip()
        try:
            check_length(comment, COMMENT_LIMIT, "The comment")
        except InvalidInput as exc:
            raise _CellProblem("comment", exc.message) from None
        reason = None if identifying_confirmed else identifying_warning(comment)
        if reason:
            raise _CellProblem(
                "comment",
                f"The answer may identify a child: {reason}. The survey describes services, never a person: take the "
                "detail out of the file and choose it again.",
            )
        if all(values[c] is None for c in codes) and not comment:
            raise _CellProblem(codes[0], "The response answers none of the questions and has no comment. Delete the row.")
        values["comment"] = comment
        return values

    points = scale("progress")
    rated = Scored(codes, points[0].value, points[-1].value, _snapshot_rating)
    preview = _rows(data, filename, STRATEGIC, columns, parse, options, scale=rated)
    if not present and not preview.problem_count:
        preview.add_problem(
            1,
            "",
            "The file has none of the strategic survey's questions as a column. Head each answer column with the question's "
            "text (as Microsoft Forms does) or its code, as in the template.",
        )
    elif not present:
        preview.add_problem(1, "", "The file has none of the strategic survey's questions as a column (see the template).")
    missing = [c.id for c in columns if c.id in codes and c not in present]
    if present and missing:
        preview.notes.append(f"The file has no column for {', '.join(missing)}: those questions are left unanswered for every response.")
    return preview


def import_strategic_survey(
    engine: Engine,
    partnership_id: int,
    snapshot_id: int,
    data: bytes,
    filename: str,
    *,
    author: Author,
    replace: bool = True,
    options: ImportOptions | None = None,
) -> int:
    """Store every response in the file (replacing the snapshot's strategic survey, unless
    ``replace=False``), or nothing if any row has a problem. Returns the number of responses stored."""
    preview = preview_strategic_survey(engine, partnership_id, snapshot_id, data, filename, options)
    return store_strategic_survey(engine, partnership_id, snapshot_id, preview, author=author, replace=replace)


def store_strategic_survey(
    engine: Engine,
    partnership_id: int,
    snapshot_id: int,
    preview: Preview,
    *,
    author: Author,
    replace: bool,
    session: Session | None = None,
) -> int:
    """Store a strategic survey preview's responses (an import, or a response through a survey link)."""
    codes = [q.code for q in strategic_questions()]
    stored = dataclasses.replace(
        preview,
        rows=[
            {
                "agency": row["agency"],
                "role": row["role"],
                "comment": row["comment"],
                "answers": json.dumps({c: row.get(c) for c in codes}),
            }
            for row in preview.rows
        ],
    )
    return _store(
        engine,
        partnership_id,
        stored,
        SnapshotStrategicResponse,
        "snapshot_id",
        snapshot_id,
        Snapshot,
        what="strategic survey responses",
        prompt_id="snapshot.strategic_survey",
        author=author,
        replace=replace,
        session=session,
    )


def strategic_survey_csv(engine: Engine, partnership_id: int, snapshot_id: int) -> bytes:
    """The snapshot's strategic survey responses as a CSV in the template's layout (one row per person,
    answers as numbers 1 to 4): every cell guarded so it cannot run as a formula, and the file imports
    back to the same answers."""
    get_snapshot(engine, partnership_id, snapshot_id)
    columns = strategic_columns()
    headers = [c.names[1] if c.id in ("agency", "role", "comment") else c.names[0] for c in columns]
    rows = []
    for r in strategic_responses(engine, snapshot_id):
        answers = strategic_answers(r)
        values = {"agency": r.agency, "role": r.role, "comment": r.comment}
        rows.append([values[c.id] if c.id in values else ("" if answers.get(c.id) is None else answers[c.id]) for c in columns])
    return csv_bytes(headers, rows)


def strategic_template_csv() -> bytes:
    """The strategic survey to fill in, in the layout of a Microsoft Forms export: one row per
    respondent, one column per question headed by its text (answers 1 to 4 or the scale's words)."""
    columns = strategic_columns()
    points = scale("progress")
    first = ["Police", "Detective chief inspector"] + [str(points[(n % 3) + 1].value) for n in range(len(columns) - 3)] + [""]
    second = ["Health", "Designated nurse"] + [points[(n % 2) + 1].label for n in range(len(columns) - 3)]
    second.append("Waiting times for therapy are our biggest worry.")
    return plain_csv_bytes([[c.names[1] if c.id in ("agency", "role", "comment") else c.names[0] for c in columns], first, second])


# --- A thematic audit's staff survey ------------------------------------------------------------


def _yes_no(cells: dict, cid: str) -> bool | None:
    value = cells.get(cid)
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    words = folded_words(cell_text(value))
    if words in _YES:
        return True
    if words in _NO:
        return False
    if words in NO_SCORE_WORDS:
        return None
    raise _CellProblem(cid, f"'{shorten(cell_text(value), 60)}' is not yes or no. Write Yes or No, or leave it blank.")


def _barrier(cells: dict) -> str:
    value = cells.get("barrier")
    if is_blank(value):
        return ""
    items = content().reference("audit_barriers").items
    lookup = {header_key(i["id"]): i["id"] for i in items} | {header_key(i["label"]): i["id"] for i in items}
    found = lookup.get(header_key(cell_text(value)))
    if found:
        return found
    labels = [i["label"] for i in items]
    close = difflib.get_close_matches(cell_text(value), labels, n=1, cutoff=0.5)
    hint = f" Did you mean '{close[0]}'?" if close else f" The answers are: {'; '.join(labels)}."
    raise _CellProblem(
        "barrier",
        f"'{shorten(cell_text(value), 60)}' is not one of the answers to 'What stops use'.{hint} "
        "Use 'Something else' and put the detail in the comment.",
    )


def preview_audit_survey(data: bytes, filename: str, options: ImportOptions | None = None) -> Preview:
    def parse(cells: dict) -> dict:
        agency = _short_text(cells, "agency", what="The agency")
        if not agency:
            raise _CellProblem("agency", "The agency is empty; every row needs one.")
        values: dict[str, object] = {"agency": agency, "role": _short_text(cells, "role", what="The role")}
        for cid in ("confidence_identify", "confidence_respond"):
            try:
                score = survey_score(cells.get(cid), _SCORE)
            except InvalidInput as exc:
                raise _CellProblem(cid, exc.message) from None
            values[cid] = None if score is None else int(score)
        values["aware_strategy"] = _yes_no(cells, "aware_strategy")
        values["used_toolkit"] = _yes_no(cells, "used_toolkit")
        values["barrier"] = _barrier(cells)
        comment = clean_text(cell_text(cells.get("comment"))).strip()
        try:
            check_length(comment, COMMENT_LIMIT, "The comment")
        except InvalidInput as exc:
            raise _CellProblem("comment", exc.message) from None
        values["comment"] = comment
        return values

    scored = Scored(("confidence_identify", "confidence_respond"), 1, 5, lambda cell: survey_score(cell, _SCORE))
    return _rows(data, filename, "audit staff survey", AUDIT_COLUMNS, parse, options, scale=scored)


def import_audit_survey(
    engine: Engine,
    partnership_id: int,
    audit_id: int,
    data: bytes,
    filename: str,
    *,
    author: Author,
    replace: bool = True,
    options: ImportOptions | None = None,
) -> int:
    """Store every response (replacing the audit's responses, unless ``replace=False``), or nothing."""
    return store_audit_survey(
        engine, partnership_id, audit_id, preview_audit_survey(data, filename, options), author=author, replace=replace
    )


def store_audit_survey(
    engine: Engine, partnership_id: int, audit_id: int, preview: Preview, *, author: Author, replace: bool, session: Session | None = None
) -> int:
    """Store an audit staff survey preview's responses (an import, or a response through a survey link)."""
    return _store(
        engine,
        partnership_id,
        preview,
        AuditSurveyResponse,
        "audit_id",
        audit_id,
        ThematicAudit,
        what="staff survey responses",
        prompt_id="audit.survey",
        author=author,
        replace=replace,
        session=session,
    )


def audit_template_csv() -> bytes:
    return plain_csv_bytes(
        [
            [c.names[0] for c in AUDIT_COLUMNS],
            ["Children's services", "Social worker", "4", "3", "Yes", "No", "Have not had a case where it seemed relevant", ""],
            ["Education", "Designated safeguarding lead", "Fairly confident", "3", "Yes", "Yes", "", "The toolkit helped."],
        ]
    )


TEMPLATE_FILES = {
    "snapshot_survey_template.csv": snapshot_template_csv,
    "snapshot_strategic_survey_template.csv": strategic_template_csv,
    "audit_staff_survey_template.csv": audit_template_csv,
}
