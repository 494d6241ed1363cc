"""Starting the next strategy period (Guide §15.4): the partnership's content carried forward into a
new partnership for the new period, while the old one stays readable (archived, never changed).

The content travels as a backup does (docs/backup-format.md), history included, so the new period
starts from everything the partnership wrote and can still show where each text came from."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from strategy.core.access import require_role
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput
from strategy.core.models import Partnership, PeriodLink
from strategy.people.backup import partnership_content, restore_partnership
from strategy.people.partnerships import _check_period, get_partnership, period_label, set_archived

#: Not carried forward: earlier frozen review versions belong to the period they reviewed.
LEFT_BEHIND = ("draft_version",)


def next_period_name(p: Partnership, start: int, end: int) -> str:
    base = p.name
    if p.period_start and p.period_end:
        base = base.replace(f" ({p.period_start} to {p.period_end})", "")
    return f"{base} ({start} to {end})"


def period_link(engine: Engine, partnership_id: int, *, session: Session | None = None) -> tuple[PeriodLink | None, PeriodLink | None]:
    """The link to the period this one continues, and the link to the period that continues it."""
    with read_session(engine, session=session) as session:
        before = session.exec(select(PeriodLink).where(PeriodLink.next_id == partnership_id)).first()
        after = session.exec(select(PeriodLink).where(PeriodLink.previous_id == partnership_id)).first()
        return before, after


def check_next_period(engine: Engine, partnership_id: int, *, start, end, session: Session | None = None) -> tuple[int, int]:
    """The years of the next period, checked: refused (InvalidInput, saying what to fix) when missing,
    not years, overlapping the current period or before it, or when this period is already continued."""
    start, end = _check_period(start, end)
    if start is None or end is None:
        raise InvalidInput("Give the first and last year of the next strategy period, such as 2029 and 2032.")
    old = get_partnership(engine, partnership_id, session=session)
    if old.period_start and start <= old.period_start:
        raise InvalidInput(f"The next period must start after this one began ({old.period_start}). Nothing changed.")
    if old.period_end and start < old.period_end:
        raise InvalidInput(
            f"The next period ({start} to {end}) overlaps this one ({old.period_start} to {old.period_end}): "
            f"start it in {old.period_end} or later. Nothing changed."
        )
    _, after = period_link(engine, partnership_id, session=session)
    if after is not None:
        continued = get_partnership(engine, after.next_id, session=session)
        raise InvalidInput(
            f"This period is already continued by '{continued.name}' ({period_label(continued)}): a period is carried "
            "forward once. Open that partnership to work on the next period. Nothing changed."
        )
    return start, end


def start_next_period(
    engine: Engine, partnership_id: int, *, start, end, author: Author | None, name: str | None = None, session: Session | None = None
) -> int:
    """Copy the partnership into a new one for ``start``-``end``, archive the old one and store the link
    between them, all in one transaction. Owners only. Returns the new partnership's id; if anything is
    refused, nothing changes."""
    with write_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "manage")
        start, end = check_next_period(engine, partnership_id, start=start, end=end, session=session)
        old = get_partnership(engine, partnership_id, session=session)
        data = partnership_content(session, partnership_id, leave_out=LEFT_BEHIND)
        data["partnership"].update(period_start=start, period_end=end, archived=False)
        set_archived(engine, partnership_id, True, author=author, session=session)
        new_id = restore_partnership(
            engine,
            data,
            new_name=name or next_period_name(old, start, end),
            author=author,
            next_period_of=partnership_id,
            session=session,
        )
        session.add(
            PeriodLink(
                previous_id=partnership_id,
                next_id=new_id,
                carried="Everything the partnership had written was copied as it stood.",
                created_by_name=author.name if author else "",
            )
        )
        try:
            session.flush()
        except IntegrityError:  # someone else started it meanwhile: the link is unique each way
            raise InvalidInput(
                "Someone else started the next period of this partnership a moment ago. Open the partnerships "
                "list to find it. Nothing changed."
            ) from None
        return new_id
