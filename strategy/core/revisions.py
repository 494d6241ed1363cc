"""Version-checked saves for the workbook's own record tables (snapshots, audits, recommendations).

The same rules as ``strategy.answers.operations``: a change is written only if the row still has the version
the person loaded (``UPDATE ... WHERE id = ? AND version = ?``); otherwise this person's values go
to the history as a conflict copy and ``Conflict`` shows both. Every change writes a Revision
through ``record_revision`` (the one place role checks are made)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, inspect, update
from sqlmodel import Session, SQLModel, select

from strategy.core.access import require_role
from strategy.core.authors import Author
from strategy.core.errors import Conflict, NotFound
from strategy.core.models import Partnership, Revision, utcnow

_NOTE: ContextVar[str | None] = ContextVar("revision_note", default=None)


@contextmanager
def revision_note(note: str) -> Iterator[None]:
    """Every revision recorded inside the block carries ``note`` (why the change was made), so a step
    that writes through the ordinary operations (a workshop's result going into the strategy) says so
    in each change's history without those operations knowing about it."""
    token = _NOTE.set(note)
    try:
        yield
    finally:
        _NOTE.reset(token)


def record_revision(session: Session, author: Author, **fields) -> None:
    """Record a change, inside the write's transaction. The one choke point every content write
    passes through, so the role check lives here: a scrutineer, a viewer, someone removed from
    the partnership or a disabled account is refused (NotAllowed) and the transaction rolls back."""
    require_role(session, author, fields.get("partnership_id"), "edit")
    if _NOTE.get() is not None and "note" not in fields:
        fields["note"] = _NOTE.get()
    session.add(Revision(author_name=author.name, author_agency=author.agency, author_user_id=author.user_id, **fields))


def as_json(value) -> str:
    def default(v):
        if isinstance(v, (date, datetime)):
            return v.isoformat()
        return str(v)

    return json.dumps(value, ensure_ascii=False, default=default)


def ensure_partnership(session: Session, partnership_id: int) -> None:
    if session.get(Partnership, partnership_id) is None:
        raise NotFound("That partnership no longer exists, so this could not be saved.")


def _column(model: type[SQLModel], name: str) -> Any:
    """The column ``name`` of a table model (``type[SQLModel]`` declares none of a table's columns)."""
    return inspect(model).c[name]


def load(session: Session, model: type[SQLModel], row_id: int, partnership_id: int, what: str, *, lock: bool = False, live: bool = True):
    """The row, or NotFound naming ``what`` (also for a row of another partnership or one removed)."""
    q = select(model).where(_column(model, "id") == row_id)
    if lock:
        q = q.with_for_update()
    row = session.exec(q.execution_options(populate_existing=True)).first()
    if row is None or getattr(row, "partnership_id", None) != partnership_id:
        raise NotFound(f"That {what} no longer exists (someone may have removed it).")
    if live and getattr(row, "deleted_at", None) is not None:
        raise NotFound(f"Someone removed that {what} while you were working on it. Restore it to change it again.")
    return row


def update_checked(
    session: Session, model: type[SQLModel], row, values: dict, *, expected_version: int, author: Author, prompt_id: str, what: str
) -> Conflict | None:
    """Write ``values`` to ``row`` if it is still at ``expected_version``. Otherwise keep this
    person's values as a conflict copy in the history and return the Conflict, for the caller to
    raise once the transaction (with the copy) has committed."""
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not changed:
        return None
    now = utcnow()
    result = cast(
        CursorResult[Any],
        session.execute(
            update(model)
            .where(_column(model, "id") == row.id, _column(model, "version") == expected_version)
            .values(**changed, version=expected_version + 1, updated_at=now, updated_by_name=author.name)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        current: Any = session.exec(select(model).where(_column(model, "id") == row.id).execution_options(populate_existing=True)).first()
        if current is None:
            raise NotFound(f"Someone removed that {what} while you were working on it.")
        theirs = {k: getattr(current, k) for k in changed}
        record_revision(
            session,
            author,
            partnership_id=row.partnership_id,
            prompt_id=prompt_id,
            item_id=row.id,
            action="conflict_copy",
            old_value=as_json(theirs),
            new_value=as_json(changed),
            created_at=now,
        )
        return Conflict(
            f"{current.updated_by_name or 'Someone'} changed this {what} while you were working on it. "
            "Both are kept: check theirs, then save yours again if it should replace it.",
            mine=changed,
            theirs=theirs,
            theirs_version=current.version,
            theirs_by=current.updated_by_name,
            theirs_at=current.updated_at,
        )
    for field_name, value in changed.items():
        record_revision(
            session,
            author,
            partnership_id=row.partnership_id,
            prompt_id=prompt_id,
            item_id=row.id,
            field=field_name,
            action="edit",
            old_value=as_json(getattr(row, field_name)),
            new_value=as_json(value),
            created_at=now,
        )
        setattr(row, field_name, value)
    row.version = expected_version + 1
    return None


def set_removed(session: Session, row, removed: bool, *, author: Author, prompt_id: str, column: str = "deleted_at") -> None:
    """Soft-delete (or bring back) a row; recorded as delete or restore."""
    if (getattr(row, column) is not None) == removed:
        return
    now = utcnow()
    setattr(row, column, now if removed else None)
    row.version += 1
    row.updated_at, row.updated_by_name = now, author.name
    session.add(row)
    record_revision(
        session,
        author,
        partnership_id=row.partnership_id,
        prompt_id=prompt_id,
        item_id=row.id,
        action="delete" if removed else "restore",
        created_at=now,
    )


def created(session: Session, row, *, author: Author, prompt_id: str) -> None:
    """Record the creation of a row just added and flushed."""
    session.flush()
    record_revision(
        session,
        author,
        partnership_id=row.partnership_id,
        prompt_id=prompt_id,
        item_id=row.id,
        action="create",
        new_value=as_json(row.model_dump(exclude={"id"})),
        created_at=utcnow(),
    )
