"""Starting the next strategy period (Guide §15.4): the partnership's content carried forward into a
new partnership for the new period, while the old one stays readable (archived, never changed).

The content travels as a backup does (docs/backup-format.md), history included, so the new period
starts from everything the partnership wrote and can still show where each text came from."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from strategy.core.access import require_role
from strategy.core.authors import Author
from strategy.core.db import write_session
from strategy.core.errors import InvalidInput
from strategy.core.models import Partnership
from strategy.people.backup import partnership_content, restore_partnership
from strategy.people.partnerships import _check_period, get_partnership, set_archived

#: Not carried forward: earlier frozen review versions belong to the period they reviewed.
LEFT_BEHIND = ("draft_version",)


def next_period_name(p: Partnership, start: int, end: int) -> str:
    base = p.name
    if p.period_start and p.period_end:
        base = base.replace(f" ({p.period_start} to {p.period_end})", "")
    return f"{base} ({start} to {end})"


def start_next_period(
    engine: Engine, partnership_id: int, *, start, end, author: Author | None, name: str | None = None, session: Session | None = None
) -> int:
    """Copy the partnership into a new one for ``start``-``end`` and archive the old one. Owners only.
    Returns the new partnership's id; if anything is refused, nothing changes."""
    start, end = _check_period(start, end)
    if start is None or end is None:
        raise InvalidInput("Give the first and last year of the next strategy period, such as 2029 and 2032.")
    old = get_partnership(engine, partnership_id)
    if old.period_start and start <= old.period_start:
        raise InvalidInput(f"The next period must start after this one began ({old.period_start}).")
    with write_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "manage")
        data = partnership_content(session, partnership_id, leave_out=LEFT_BEHIND)
    data["partnership"].update(period_start=start, period_end=end, archived=False)
    was_archived = old.archived
    set_archived(engine, partnership_id, True, author=author)
    try:
        return restore_partnership(
            engine, data, new_name=name or next_period_name(old, start, end), author=author, next_period_of=partnership_id
        )
    except Exception:
        set_archived(engine, partnership_id, was_archived, author=author)  # the old period stays as it was
        raise
