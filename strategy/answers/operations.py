"""Saving what people write, so nothing typed is ever lost.

Every save is version-checked (``UPDATE ... WHERE version = loaded``), because the save happens
in a later rerun than the load (ENGINEERING.md). A save that finds someone else's newer text
raises ``Conflict`` after first writing this person's text to the history as a conflict copy, so
neither text is discarded whatever the person chooses next. Every change writes a ``Revision``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from sqlmodel import col as sql_column

from strategy.core.access import partnership_and_role
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import Conflict, InvalidInput, NotFound
from strategy.core.models import Answer, AnswerWelsh, Item, Partnership, Revision, stored_id, utcnow
from strategy.core.revisions import record_revision
from strategy.core.text import check_length, clean_text, removed_characters
from strategy.core.values import parse_date, parse_number, parse_period, parse_statistic
from strategy.guide.content import Column, Prompt, content

#: A table of one text per partnership and prompt: the answers, and their Welsh versions.
TextRow = TypeVar("TextRow", Answer, AnswerWelsh)


@dataclass(frozen=True)
class Saved:
    """What a save stored, and how many invisible characters it removed on the way."""

    value: str
    version: int
    at: datetime
    by: str
    removed_characters: int = 0


def _prompt(prompt_id: str) -> Prompt:
    try:
        return content().prompts[prompt_id]
    except KeyError:
        raise NotFound(f"The workbook has no question {prompt_id!r}.") from None


PARTNERSHIP_GONE = "That partnership no longer exists, so this could not be saved."


def _ensure_partnership(session: Session, partnership_id: int) -> None:
    if session.get(Partnership, partnership_id) is None:
        raise NotFound(PARTNERSHIP_GONE)


def normalise_value(prompt: Prompt, value) -> str:
    """Check and clean a value for a prompt; return what is stored (text, option id or JSON list)."""
    c = content()
    if prompt.type in ("text", "longtext"):
        text = clean_text(value or "")
        if prompt.type == "text":
            text = text.replace("\n", " ")
        check_length(text, prompt.limit, "This answer")
        return text
    if prompt.type == "number":
        number = parse_number(value, what="This answer", minimum=prompt.min, maximum=prompt.max)
        return "" if number is None else str(number)
    if prompt.type == "date":
        return parse_date(value, what="This date") or ""
    if prompt.type == "image":
        return encode_image(value)
    if prompt.type == "choice":
        if value in (None, ""):
            return ""
        valid = {o.id for o in c.options(prompt)}
        if value not in valid:
            raise InvalidInput(f"{value!r} is not one of the choices for '{prompt.label}'.")
        return value
    if prompt.type == "multichoice":
        try:
            values = json.loads(value) if isinstance(value, str) and value else (value or [])
        except ValueError:
            values = None
        if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
            raise InvalidInput(f"{value!r} is not a list of the choices for '{prompt.label}'.")
        choices = [o.id for o in c.options(prompt)]
        unknown = [v for v in values if v not in choices]
        if unknown:
            raise InvalidInput(f"{', '.join(map(str, unknown))} is not one of the choices for '{prompt.label}'.")
        chosen = [v for v in choices if v in values]  # in the list's own order
        return json.dumps(chosen) if chosen else ""  # nothing chosen is the same as never answered
    raise InvalidInput(f"'{prompt.label}' is not a question with a single answer.")


#: A logo or other picture: PNG or JPEG, at most this many bytes, stored as "image/png;base64,...".
MAX_IMAGE_BYTES = 1024 * 1024
_IMAGE_KINDS = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def encode_image(value) -> str:
    """An uploaded picture's bytes (or an already stored value) checked and stored as text; "" clears it."""
    if value in (None, "", b""):
        return ""
    if isinstance(value, str):
        if not value.startswith(("image/png;base64,", "image/jpeg;base64,")):
            raise InvalidInput("The picture should be a PNG or JPEG file.")
        value = decode_image(value)
    if len(value) > MAX_IMAGE_BYTES:
        raise InvalidInput(
            f"The picture is {len(value) / 1024 / 1024:.1f} MB; the limit is 1 MB. Save it smaller "
            "(a logo 600 pixels wide is plenty) and upload it again."
        )
    kind = next((k for magic, k in _IMAGE_KINDS.items() if value.startswith(magic)), None)
    if kind is None:
        raise InvalidInput("The picture should be a PNG or JPEG file; this file is neither.")
    return f"{kind};base64,{base64.b64encode(value).decode('ascii')}"


def decode_image(stored: str) -> bytes:
    try:
        return base64.b64decode(stored.split(",", 1)[1], validate=True)
    except (IndexError, ValueError):
        raise InvalidInput("The stored picture is damaged; upload it again.") from None


def get_answers(engine: Engine, partnership_id: int, *, session: Session | None = None) -> dict[str, Answer]:
    with read_session(engine, session=session) as session:
        rows = session.exec(select(Answer).where(Answer.partnership_id == partnership_id)).all()
        return {a.prompt_id: a for a in rows}


def get_answer(engine: Engine, partnership_id: int, prompt_id: str, *, session: Session | None = None) -> Answer | None:
    with read_session(engine, session=session) as session:
        return session.exec(select(Answer).where(Answer.partnership_id == partnership_id, Answer.prompt_id == prompt_id)).first()


def save_answer(
    engine: Engine,
    partnership_id: int,
    prompt_id: str,
    value,
    *,
    expected_version: int,
    author: Author,
    action: str = "edit",
    session: Session | None = None,
) -> Saved:
    """Store an answer if nobody has saved it since ``expected_version`` (0: never saved).

    Raises ``Conflict`` (after keeping this text in the history) when someone has.
    """
    prompt = _prompt(prompt_id)
    stored = normalise_value(prompt, value)
    removed = removed_characters(str(value or ""), stored) if prompt.type in ("text", "longtext") else 0
    return save_text(
        engine,
        Answer,
        partnership_id,
        prompt_id,
        stored,
        removed,
        expected_version=expected_version,
        author=author,
        action=action,
        session=session,
    )


def _current_text(session: Session, model: type[TextRow], partnership_id: int, prompt_id: str, *, fresh: bool = False) -> TextRow | None:
    query = select(model).where(_text_column(model, "partnership_id") == partnership_id, _text_column(model, "prompt_id") == prompt_id)
    if fresh:
        query = query.execution_options(populate_existing=True)
    return session.exec(query).first()


def _text_column(model: type[TextRow], name: str) -> Any:
    return sql_column(getattr(model, name))


def save_text(
    engine: Engine,
    model: type[TextRow],
    partnership_id: int,
    prompt_id: str,
    stored: str,
    removed: int,
    *,
    expected_version: int,
    author: Author,
    action: str = "edit",
    field: str | None = None,
    extra: Callable[[Session], dict[str, Any]] | None = None,
    what: str = "this answer",
    session: Session | None = None,
) -> Saved:
    """The version-checked save behind ``save_answer`` (``Answer``) and the Welsh version of an answer
    (``AnswerWelsh``, ``field`` "cy"): ``stored`` is the value already checked and cleaned. ``extra``
    gives further columns to store with it, read inside the save's transaction."""
    caller_session = session  # ``session`` is rebound by each block below
    now = utcnow()
    conflict: Conflict | None = None

    def revision(session: Session, action: str, old: str | None) -> None:
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id=prompt_id,
            field=field,
            action=action,
            old_value=old,
            new_value=stored,
            created_at=now,
        )

    def conflict_of(current: TextRow | None) -> Conflict:
        return Conflict(
            f"{current.updated_by_name if current else 'Someone'} saved {what} while you were editing it. "
            "Both texts are kept: choose which to use, or combine them.",
            mine=stored,
            theirs=current.value if current else "",
            theirs_version=current.version if current else 0,
            theirs_by=current.updated_by_name if current else "",
            theirs_at=current.updated_at if current else None,
        )

    try:
        with write_session(engine, session=caller_session) as session:
            if caller_session is None:  # its own transaction: with the role, read before the answer's row is locked
                if not partnership_and_role(session, author, partnership_id):
                    raise NotFound(PARTNERSHIP_GONE)
            else:
                _ensure_partnership(session, partnership_id)
            more = extra(session) if extra is not None else {}
            current = _current_text(session, model, partnership_id, prompt_id)
            if (
                current is not None
                and current.version == expected_version
                and current.value == stored
                and all(getattr(current, k) == v for k, v in more.items())
            ):
                return Saved(stored, current.version, current.updated_at, current.updated_by_name, removed)
            if current is None and expected_version == 0:
                if stored == "":
                    return Saved("", 0, now, author.name, removed)
                session.add(
                    model(
                        partnership_id=partnership_id,
                        prompt_id=prompt_id,
                        value=stored,
                        version=1,
                        updated_at=now,
                        updated_by_name=author.name,
                        updated_by_agency=author.agency,
                        updated_by_user_id=author.user_id,
                        **more,
                    )
                )
                revision(session, "create", None)
                session.flush()
                return Saved(stored, 1, now, author.name, removed)
            # In its own session ``current`` was just read from the database: at another version, someone
            # has saved since and no update can match (in a caller's session it may be an older copy).
            out_of_date = caller_session is None and current is not None and current.version != expected_version
            if current is not None and not out_of_date:
                result = cast(
                    CursorResult[Any],
                    session.execute(
                        update(model)
                        .where(_text_column(model, "id") == current.id, _text_column(model, "version") == expected_version)
                        .values(
                            value=stored,
                            version=expected_version + 1,
                            updated_at=now,
                            updated_by_name=author.name,
                            updated_by_agency=author.agency,
                            updated_by_user_id=author.user_id,
                            **more,
                        )
                        .execution_options(synchronize_session=False)
                    ),
                )
                if result.rowcount == 1:
                    revision(session, action, current.value)
                    return Saved(stored, expected_version + 1, now, author.name, removed)
            # Someone else saved first (or deleted what this person loaded): keep this text, then say so.
            # Read again: on PostgreSQL the winner may have committed after ``current`` was read.
            if not out_of_date:
                current = _current_text(session, model, partnership_id, prompt_id, fresh=True)
            theirs = current.value if current else ""
            if stored != theirs:
                revision(session, "conflict_copy", theirs)
            if stored == theirs and current is not None:
                return Saved(stored, current.version, current.updated_at, current.updated_by_name, removed)
            conflict = conflict_of(current)
    except IntegrityError:
        if caller_session is not None:
            raise  # inside the caller's transaction, which this failure has spoilt: the caller decides
        # Two first saves at once: the other one won the insert. Load it and report the conflict.
        with read_session(engine) as session:
            current = _current_text(session, model, partnership_id, prompt_id)
        with write_session(engine) as session:
            revision(session, "conflict_copy", current.value if current else "")
        conflict = conflict_of(current)
    raise conflict


def answer_history(
    engine: Engine, partnership_id: int, prompt_id: str, *, field: str | None = None, session: Session | None = None
) -> list[Revision]:
    """Every saved change to an answer, newest first, including conflict copies (``field`` "cy": to its
    Welsh version)."""
    with read_session(engine, session=session) as session:
        field_is = sql_column(Revision.field).is_(None) if field is None else sql_column(Revision.field) == field
        return list(
            session.exec(
                select(Revision)
                .where(
                    Revision.partnership_id == partnership_id,
                    Revision.prompt_id == prompt_id,
                    sql_column(Revision.item_id).is_(None),
                    field_is,
                )
                .order_by(sql_column(Revision.id).desc())
            ).all()
        )


def answer_revision(
    engine: Engine, partnership_id: int, revision_id: int, *, field: str | None = None, session: Session | None = None
) -> Revision:
    """One revision of an answer (``field`` "cy": of its Welsh version), or NotFound."""
    with read_session(engine, session=session) as session:
        rev = session.get(Revision, revision_id)
        if rev is None or rev.partnership_id != partnership_id or rev.item_id is not None or rev.field != field:
            raise NotFound("That earlier version could not be found.")
        return rev


def restore_answer(engine: Engine, partnership_id: int, revision_id: int, *, author: Author, session: Session | None = None) -> Saved:
    """Make an earlier text (any revision's new text) the current answer again; recorded as a revert."""
    rev = answer_revision(engine, partnership_id, revision_id, session=session)
    current = get_answer(engine, partnership_id, rev.prompt_id)
    return save_answer(
        engine,
        partnership_id,
        rev.prompt_id,
        rev.new_value or "",
        expected_version=current.version if current else 0,
        author=author,
        action="revert",
    )


# --- Table prompts: rows of named columns -------------------------------------------------------


@dataclass(frozen=True)
class Row:
    id: int
    position: int
    values: dict
    version: int
    updated_at: datetime
    updated_by: str
    #: A grid's fixed row key; None for a table row or a row added to a grid.
    row_key: str | None = None


def _table_prompt(prompt_id: str) -> Prompt:
    prompt = _prompt(prompt_id)
    if prompt.type not in ("table", "grid"):
        raise InvalidInput(f"'{prompt.label}' is not a table.")
    return prompt


def normalise_cell(col: Column, value):
    """One cell checked and cleaned for its column type; raises InvalidInput naming the column."""
    c = content()
    what = f"'{col.label}'"
    if col.type in ("text", "longtext"):
        text = clean_text("" if value is None else str(value))
        if col.type == "text":
            text = text.replace("\n", " ").strip()
        check_length(text, col.limit, what)
        if col.required and not text.strip():
            raise InvalidInput(f"{what} cannot be empty.")
        return text
    if col.type == "yesno":
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        raise InvalidInput(f"{what} is yes or no.")
    if col.type == "choice":
        if value in (None, ""):
            if col.required:
                raise InvalidInput(f"{what} cannot be empty.")
            return ""
        if value not in {o.id for o in c.options(col)}:
            raise InvalidInput(f"{value!r} is not one of the choices for {what}.")
        return value
    if col.type == "multichoice":
        values = [] if value in (None, "") else value
        if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
            raise InvalidInput(f"{what} should be a list of its choices.")
        valid = [o.id for o in c.options(col)]
        unknown = [v for v in values if v not in valid]
        if unknown:
            raise InvalidInput(f"{', '.join(unknown)} is not one of the choices for {what}.")
        return [v for v in valid if v in values]
    if col.type == "number":
        return parse_number(value, what=what, minimum=col.min, maximum=col.max)
    if col.type == "statistic":
        return parse_statistic(value, what=what)
    if col.type == "period":
        return parse_period(value, what=what)
    if col.type == "date":
        return parse_date(value, what=what)
    raise InvalidInput(f"{what} has a type the workbook does not know: {col.type}.")


#: The extra column every added row of a grid has: what the row is.
LABEL_COLUMN = Column(id="label", label="Name", type="text", required=True)


def row_columns(prompt: Prompt) -> list[Column]:
    return [LABEL_COLUMN, *prompt.columns] if prompt.type == "grid" and prompt.extra_rows else list(prompt.columns)


def normalise_row(prompt: Prompt, values: dict, *, partial: bool = False, added_grid_row: bool = False) -> dict:
    """Check and clean a row's values against the table's (or grid's) columns."""
    columns = {col.id: col for col in (row_columns(prompt) if added_grid_row or prompt.type == "table" else prompt.columns)}
    unknown = set(values) - set(columns)
    if unknown:
        raise InvalidInput(f"'{prompt.label}' has no column {', '.join(sorted(unknown))}.")
    out = {}
    for col in columns.values():
        if col.id not in values and partial:
            continue
        out[col.id] = normalise_cell(col, values.get(col.id))
    return out


def _row(item: Item) -> Row:
    return Row(
        stored_id(item), item.position, json.loads(item.values_json), item.version, item.updated_at, item.updated_by_name, item.row_key
    )


def list_rows(engine: Engine, partnership_id: int, prompt_id: str, *, deleted: bool = False, session: Session | None = None) -> list[Row]:
    with read_session(engine, session=session) as session:
        q = select(Item).where(Item.partnership_id == partnership_id, Item.prompt_id == prompt_id)
        q = q.where(sql_column(Item.deleted_at).is_not(None) if deleted else sql_column(Item.deleted_at).is_(None))
        return [_row(i) for i in session.exec(q.order_by(sql_column(Item.position), sql_column(Item.id))).all()]


def all_rows(
    engine: Engine, partnership_id: int, *, prompt_ids: Iterable[str] | None = None, session: Session | None = None
) -> dict[str, list[Row]]:
    """Every live row of every table prompt (or of ``prompt_ids`` only), by prompt id, in one query:
    for exports and progress. Ask only for the tables needed: a large partnership's survey alone
    holds a thousand rows."""
    with read_session(engine, session=session) as session:
        q = select(Item).where(Item.partnership_id == partnership_id, sql_column(Item.deleted_at).is_(None))
        if prompt_ids is not None:
            q = q.where(sql_column(Item.prompt_id).in_(list(prompt_ids)))
        items = session.exec(q.order_by(sql_column(Item.prompt_id), sql_column(Item.position), sql_column(Item.id))).all()
    out: dict[str, list[Row]] = {}
    for i in items:
        out.setdefault(i.prompt_id, []).append(_row(i))
    return out


def add_row(engine: Engine, partnership_id: int, prompt_id: str, values: dict, *, author: Author) -> Row:
    """Add one row to a table (or a row of the partnership's own to a grid that allows it)."""
    return add_rows(engine, partnership_id, prompt_id, [values], author=author)[0]


def add_rows(
    engine: Engine,
    partnership_id: int,
    prompt_id: str,
    rows: list[dict],
    *,
    author: Author,
    replace: bool = False,
    session: Session | None = None,
) -> list[Row]:
    """Add many rows in one transaction: all of them, or (on any bad value) none, with a message
    naming the row. ``replace`` first removes the live rows (restorable), as an import does."""
    prompt = _table_prompt(prompt_id)
    if prompt.type == "grid" and not prompt.extra_rows:
        raise InvalidInput(f"'{prompt.label}' has a fixed set of rows; rows cannot be added to it.")
    clean = []
    for number, values in enumerate(rows, start=1):
        try:
            clean.append(normalise_row(prompt, values, added_grid_row=prompt.type == "grid"))
        except InvalidInput as exc:
            prefix = f"Row {number}: " if len(rows) > 1 else ""
            raise InvalidInput(prefix + exc.message) from None
    now = utcnow()
    with write_session(engine, session=session) as session:
        _ensure_partnership(session, partnership_id)
        if replace:
            live = session.exec(
                select(Item).where(
                    Item.partnership_id == partnership_id,
                    Item.prompt_id == prompt_id,
                    sql_column(Item.deleted_at).is_(None),
                    sql_column(Item.row_key).is_(None),
                )
            ).all()
            for item in live:
                item.deleted_at, item.version = now, item.version + 1
                session.add(item)
            if live:
                record_revision(
                    session,
                    author,
                    partnership_id=partnership_id,
                    prompt_id=prompt_id,
                    action="delete",
                    old_value=f"{len(live)} rows replaced by an import",
                    created_at=now,
                )
        last = (
            session.exec(
                select(Item.position)
                .where(Item.partnership_id == partnership_id, Item.prompt_id == prompt_id)
                .order_by(sql_column(Item.position).desc())
            ).first()
            or 0
        )
        items = []
        for position, values in enumerate(clean, start=last + 1):
            item = Item(
                partnership_id=partnership_id,
                prompt_id=prompt_id,
                position=position,
                values_json=json.dumps(values, ensure_ascii=False),
                updated_at=now,
                created_at=now,
                updated_by_name=author.name,
                updated_by_agency=author.agency,
                updated_by_user_id=author.user_id,
            )
            session.add(item)
            items.append(item)
        session.flush()
        if len(items) == 1:
            record_revision(
                session,
                author,
                partnership_id=partnership_id,
                prompt_id=prompt_id,
                item_id=items[0].id,
                action="create",
                new_value=items[0].values_json,
                created_at=now,
            )
        elif items:
            record_revision(
                session,
                author,
                partnership_id=partnership_id,
                prompt_id=prompt_id,
                action="import",
                new_value=f"{len(items)} rows added",
                created_at=now,
            )
        return [_row(i) for i in items]


def grid_rows(engine: Engine, partnership_id: int, prompt_id: str, *, session: Session | None = None) -> dict[str, Row]:
    """A grid's stored fixed rows by row key (rows never edited are simply absent)."""
    with read_session(engine, session=session) as session:
        items = session.exec(
            select(Item).where(Item.partnership_id == partnership_id, Item.prompt_id == prompt_id, sql_column(Item.row_key).is_not(None))
        ).all()
        return {i.row_key: _row(i) for i in items if i.row_key is not None}


def set_grid_cell(
    engine: Engine,
    partnership_id: int,
    prompt_id: str,
    row_key: str,
    column_id: str,
    value,
    *,
    expected,
    author: Author,
    session: Session | None = None,
) -> Row:
    """Change one cell of a grid's fixed row (creating the row the first time anyone writes in it)
    if it still holds ``expected``; otherwise Conflict, as ``update_cell``."""
    prompt = _prompt(prompt_id)
    if prompt.type != "grid":
        raise InvalidInput(f"'{prompt.label}' is not a grid.")
    if row_key not in {key for key, _ in content().grid_rows(prompt)}:
        raise NotFound(f"'{prompt.label}' has no row {row_key!r}.")
    column = next((c for c in prompt.columns if c.id == column_id), None)
    if column is None:
        raise InvalidInput(f"'{prompt.label}' has no column {column_id!r}.")
    normalise_cell(column, value)  # refuse bad input before touching the database
    for _attempt in range(2):
        existing = grid_rows(engine, partnership_id, prompt_id).get(row_key)
        if existing is not None:
            return update_cell(engine, partnership_id, existing.id, column_id, value, expected=expected, author=author)
        now = utcnow()
        try:
            with write_session(engine, session=session) as session:
                _ensure_partnership(session, partnership_id)
                values = {column_id: normalise_cell(column, value)}
                item = Item(
                    partnership_id=partnership_id,
                    prompt_id=prompt_id,
                    row_key=row_key,
                    position=0,
                    values_json=json.dumps(values, ensure_ascii=False),
                    updated_at=now,
                    created_at=now,
                    updated_by_name=author.name,
                    updated_by_agency=author.agency,
                    updated_by_user_id=author.user_id,
                )
                session.add(item)
                session.flush()
                record_revision(
                    session,
                    author,
                    partnership_id=partnership_id,
                    prompt_id=prompt_id,
                    item_id=item.id,
                    field=column_id,
                    action="create",
                    new_value=json.dumps(values[column_id], ensure_ascii=False),
                    created_at=now,
                )
                return _row(item)
        except IntegrityError:
            continue  # someone else created the row at the same moment: update it instead
    raise Conflict(
        "Someone else is editing this row at the same moment. Please try again.",
        mine=value,
        theirs=None,
        theirs_version=0,
        theirs_by="",
        theirs_at=None,
    )


def _locked_item(session: Session, partnership_id: int, item_id: int) -> Item:
    item = session.exec(select(Item).where(Item.id == item_id).with_for_update()).first()
    if item is None or item.partnership_id != partnership_id:
        raise NotFound("That row has been removed by someone else, so your change was not saved.")
    return item


def update_cell(
    engine: Engine, partnership_id: int, item_id: int, column_id: str, value, *, expected, author: Author, session: Session | None = None
) -> Row:
    """Change one cell if it still holds ``expected`` (what this person loaded).

    Cell by cell, so two people editing different columns of one row both succeed."""
    now = utcnow()
    with write_session(engine, session=session) as session:
        item = _locked_item(session, partnership_id, item_id)
        if item.deleted_at is not None:
            raise NotFound("Someone removed that row while you were editing it. Restore it below to edit it again.")
        prompt = _table_prompt(item.prompt_id)
        added = prompt.type == "grid" and item.row_key is None
        clean = normalise_row(prompt, {column_id: value}, partial=True, added_grid_row=added)[column_id]
        values = json.loads(item.values_json)
        current = values.get(column_id)
        if current == clean:
            return _row(item)
        if current != expected and not (current in (None, "") and expected in (None, "")):
            record_revision(
                session,
                author,
                partnership_id=partnership_id,
                prompt_id=item.prompt_id,
                item_id=item.id,
                field=column_id,
                action="conflict_copy",
                old_value=json.dumps(current, ensure_ascii=False),
                new_value=json.dumps(clean, ensure_ascii=False),
                created_at=now,
            )
            conflict = Conflict(
                f"{item.updated_by_name or 'Someone'} changed this while you were editing it. Both are kept: choose one.",
                mine=clean,
                theirs=current,
                theirs_version=item.version,
                theirs_by=item.updated_by_name,
                theirs_at=item.updated_at,
            )
        else:
            values[column_id] = clean
            item.values_json = json.dumps(values, ensure_ascii=False)
            item.version += 1
            item.updated_at, item.updated_by_name, item.updated_by_agency = now, author.name, author.agency
            item.updated_by_user_id = author.user_id
            session.add(item)
            record_revision(
                session,
                author,
                partnership_id=partnership_id,
                prompt_id=item.prompt_id,
                item_id=item.id,
                field=column_id,
                action="edit",
                old_value=json.dumps(current, ensure_ascii=False),
                new_value=json.dumps(clean, ensure_ascii=False),
                created_at=now,
            )
            return _row(item)
    raise conflict


def _set_removed(
    engine: Engine, partnership_id: int, item_id: int, removed: bool, author: Author, *, session: Session | None = None
) -> Row:
    now = utcnow()
    with write_session(engine, session=session) as session:
        item = _locked_item(session, partnership_id, item_id)
        if (item.deleted_at is not None) != removed:
            item.deleted_at = now if removed else None
            item.version += 1
            session.add(item)
            record_revision(
                session,
                author,
                partnership_id=partnership_id,
                prompt_id=item.prompt_id,
                item_id=item.id,
                action="delete" if removed else "restore",
                created_at=now,
                old_value=item.values_json if removed else None,
                new_value=None if removed else item.values_json,
            )
        return _row(item)


def delete_row(engine: Engine, partnership_id: int, item_id: int, *, author: Author, session: Session | None = None) -> Row:
    """Remove a row from the table; it stays restorable (``restore_row``)."""
    return _set_removed(engine, partnership_id, item_id, True, author, session=session)


def restore_row(engine: Engine, partnership_id: int, item_id: int, *, author: Author) -> Row:
    """Bring back a removed row, where it was."""
    return _set_removed(engine, partnership_id, item_id, False, author)


def move_row(
    engine: Engine, partnership_id: int, item_id: int, direction: int, *, author: Author, session: Session | None = None
) -> list[Row]:
    """Move a row up (-1) or down (+1) among the live rows of its table."""
    now = utcnow()
    with write_session(engine, session=session) as session:
        item = _locked_item(session, partnership_id, item_id)
        rows = list(
            session.exec(
                select(Item)
                .where(Item.partnership_id == partnership_id, Item.prompt_id == item.prompt_id, sql_column(Item.deleted_at).is_(None))
                .order_by(sql_column(Item.position), sql_column(Item.id))
                .with_for_update()
            ).all()
        )
        index = next((i for i, r in enumerate(rows) if r.id == item_id), None)
        target = None if index is None else index + direction
        if index is not None and target is not None and 0 <= target < len(rows):
            rows[index], rows[target] = rows[target], rows[index]
            for position, r in enumerate(rows, start=1):
                if r.position != position:
                    r.position = position
                    session.add(r)
            record_revision(
                session,
                author,
                partnership_id=partnership_id,
                prompt_id=item.prompt_id,
                item_id=item.id,
                action="reorder",
                old_value=str(index + 1),
                new_value=str(target + 1),
                created_at=now,
            )
        session.flush()
        return [_row(r) for r in rows]
