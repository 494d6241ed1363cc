"""Partnerships: create, list, find, rename, archive. Names are unique ignoring case and spaces."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from strategy.core.access import require_active, require_role
from strategy.core.audit_log import record
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput, NotFound
from strategy.core.models import Membership, Partnership, stored_id, utcnow
from strategy.core.text import name_key, normalise_name
from strategy.guide.content import content

NATIONS = ("england", "wales")
MAX_NAME = 120
MAX_AREAS = 1000
YEAR_RANGE = (2000, 2100)


def _check_name(name: str) -> str:
    clean = normalise_name(name)
    if not clean:
        raise InvalidInput("Give the partnership a name (it cannot be empty or only spaces).")
    if len(clean) > MAX_NAME:
        raise InvalidInput(f"The name is {len(clean)} characters; keep it to {MAX_NAME} or fewer.")
    return clean


def _check_nation(nation: str) -> str:
    value = (nation or "").strip().lower()
    if value not in NATIONS:
        raise InvalidInput("Choose the nation the partnership is in: England or Wales.")
    return value


def _check_period(start, end) -> tuple[int | None, int | None]:
    def year(v, what):
        if v in (None, ""):
            return None
        try:
            y = int(str(v).strip())
        except ValueError:
            raise InvalidInput(f"The {what} year should be a year such as 2026, not {v!r}.") from None
        if not YEAR_RANGE[0] <= y <= YEAR_RANGE[1]:
            raise InvalidInput(f"The {what} year should be between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}.")
        return y

    s, e = year(start, "first"), year(end, "last")
    if s and e and e < s:
        raise InvalidInput(f"The strategy period ends ({e}) before it starts ({s}). Check the years.")
    return s, e


def _check_areas(areas: str) -> str:
    clean = normalise_name(areas)
    if len(clean) > MAX_AREAS:
        raise InvalidInput("The areas covered are longer than 1,000 characters; please shorten them.")
    return clean


def _taken(session, key: str, except_id: int | None = None) -> Partnership | None:
    found = session.exec(select(Partnership).where(Partnership.name_key == key)).first()
    return found if found and found.id != except_id else None


def _duplicate(existing: Partnership) -> InvalidInput:
    extra = " (it is archived: find it under 'Show archived')" if existing.archived else ""
    return InvalidInput(f"A partnership called '{existing.name}' already exists{extra}. Choose a different name.")


def create_partnership(
    engine: Engine,
    *,
    name: str,
    nation: str,
    areas: str = "",
    period_start=None,
    period_end=None,
    author: Author | None = None,
    session: Session | None = None,
) -> Partnership:
    """Any signed-in account may start a partnership and becomes its owner."""
    clean = _check_name(name)
    nation = _check_nation(nation)
    start, end = _check_period(period_start, period_end)
    areas = _check_areas(areas)
    try:
        with write_session(engine, session=session) as session:
            existing = _taken(session, name_key(clean))
            if existing:
                raise _duplicate(existing)
            require_active(session, author)
            p = Partnership(name=clean, name_key=name_key(clean), nation=nation, areas=areas, period_start=start, period_end=end)
            session.add(p)
            session.flush()
            if author is not None and author.user_id is not None:
                session.add(Membership(partnership_id=stored_id(p), account_id=author.user_id, role="owner"))
            record(session, author, "partnership_created", partnership_id=p.id, detail=clean)
            return p
    except IntegrityError:  # two people creating the same name at the same moment
        raise InvalidInput(f"A partnership called '{clean}' already exists. Choose a different name.") from None


def list_partnerships(engine: Engine, *, include_archived: bool = False, session: Session | None = None) -> list[Partnership]:
    with read_session(engine, session=session) as session:
        q = select(Partnership)
        if not include_archived:
            q = q.where(col(Partnership.archived).is_(False))
        return sorted(session.exec(q).all(), key=lambda p: p.name_key)


def get_partnership(engine: Engine, partnership_id: int, *, session: Session | None = None) -> Partnership:
    with read_session(engine, session=session) as session:
        p = session.get(Partnership, partnership_id)
        if p is None:
            raise NotFound("That partnership no longer exists. Choose another from the list.")
        return p


def find_partnership(engine: Engine, name: str, *, session: Session | None = None) -> Partnership:
    """By name, ignoring case and spaces (the CLI's way in)."""
    with read_session(engine, session=session) as session:
        p = _taken(session, name_key(name))
        if p is None:
            raise NotFound(f"No partnership is called '{normalise_name(name)}'. Run 'python -m strategy list' to see the names.")
        return p


def update_partnership(
    engine: Engine,
    partnership_id: int,
    *,
    name: str | None = None,
    nation: str | None = None,
    areas: str | None = None,
    period_start=...,
    period_end=...,
    author: Author | None = None,
    session: Session | None = None,
) -> Partnership:
    """Rename or change the details of a partnership; only the fields given change. Owners only."""
    try:
        with write_session(engine, session=session) as session:
            p = session.get(Partnership, partnership_id)
            if p is None:
                raise NotFound("That partnership no longer exists.")
            require_role(session, author, partnership_id, "manage")
            before = (p.name, p.nation, p.areas, p.period_start, p.period_end)
            if name is not None:
                clean = _check_name(name)
                existing = _taken(session, name_key(clean), except_id=p.id)
                if existing:
                    raise _duplicate(existing)
                p.name, p.name_key = clean, name_key(clean)
            if nation is not None:
                p.nation = _check_nation(nation)
            if areas is not None:
                p.areas = _check_areas(areas)
            if period_start is not ... or period_end is not ...:
                s = p.period_start if period_start is ... else period_start
                e = p.period_end if period_end is ... else period_end
                p.period_start, p.period_end = _check_period(s, e)
            p.updated_at = utcnow()
            session.add(p)
            after = (p.name, p.nation, p.areas, p.period_start, p.period_end)
            if after != before:
                record(
                    session,
                    author,
                    "partnership_changed",
                    partnership_id=p.id,
                    detail="; ".join(f"{a!s} -> {b!s}" for a, b in zip(before, after, strict=True) if a != b),
                )
            return p
    except IntegrityError:
        raise InvalidInput("Another partnership has just taken that name. Choose a different name.") from None


def rename_partnership(engine: Engine, partnership_id: int, new_name: str, *, author: Author | None = None) -> Partnership:
    return update_partnership(engine, partnership_id, name=new_name, author=author)


def set_archived(
    engine: Engine, partnership_id: int, archived: bool, *, author: Author | None = None, session: Session | None = None
) -> Partnership:
    """Archive (or bring back) a partnership; nothing is deleted. Owners only."""
    with write_session(engine, session=session) as session:
        p = session.get(Partnership, partnership_id)
        if p is None:
            raise NotFound("That partnership no longer exists.")
        require_role(session, author, partnership_id, "manage")
        if p.archived != archived:
            record(session, author, "partnership_archived" if archived else "partnership_unarchived", partnership_id=p.id)
        p.archived = archived
        p.updated_at = utcnow()
        session.add(p)
        return p


def nation_words(nation: str) -> dict[str, str]:
    """The words that differ by nation (plan vs register, which statutory guidance...)."""
    return content().nations[nation].words()


def period_label(p: Partnership) -> str:
    if p.period_start and p.period_end:
        return f"{p.period_start} to {p.period_end}"
    if p.period_start:
        return f"from {p.period_start}"
    return ""
