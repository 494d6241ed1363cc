"""Recommendations from a snapshot or a thematic audit, tracked until they are done.

Each has its own status (open, accepted, done) and, once it has become an action in the action
plan, the action's id. ``recommendation_to_action`` is the one way a recommendation becomes an
action: page, command line and tests call it."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput
from strategy.core.models import Recommendation, Snapshot, ThematicAudit
from strategy.core.revisions import created, ensure_partnership, load, set_removed, update_checked
from strategy.core.text import check_length, clean_text
from strategy.plan import operations as plan

PROMPT = "recommendation"
STATUSES = {"open": "Open", "accepted": "Accepted", "done": "Done"}
TEXT_LIMIT = 2000


def _clean(text: str) -> str:
    text = clean_text(text or "").strip()
    if not text:
        raise InvalidInput("A recommendation cannot be empty: say what should be done.")
    check_length(text, TEXT_LIMIT, "The recommendation")
    return text


def _origin(session, rec: Recommendation) -> str:
    if rec.snapshot_id:
        snap = session.get(Snapshot, rec.snapshot_id)
        return f"{snap.title}, recommendation {rec.position}"[:200]
    audit = session.get(ThematicAudit, rec.audit_id)
    return f"Thematic audit: {audit.theme}, recommendation {rec.position}"[:200]


def add_recommendation(
    engine: Engine,
    partnership_id: int,
    *,
    text: str,
    author: Author,
    snapshot_id: int | None = None,
    audit_id: int | None = None,
    domain: str = "",
    session: Session | None = None,
) -> Recommendation:
    """Add a recommendation to a snapshot or an audit (exactly one of them)."""
    if (snapshot_id is None) == (audit_id is None):
        raise InvalidInput("A recommendation belongs to one snapshot or one audit.")
    text = _clean(text)
    with write_session(engine, session=session) as session:
        ensure_partnership(session, partnership_id)
        if snapshot_id is not None:
            load(session, Snapshot, snapshot_id, partnership_id, "snapshot")
            where = Recommendation.snapshot_id == snapshot_id
        else:
            assert audit_id is not None  # exactly one of the two, checked above
            load(session, ThematicAudit, audit_id, partnership_id, "audit")
            where = Recommendation.audit_id == audit_id
        last = session.exec(select(func.max(Recommendation.position)).where(where)).one() or 0
        rec = Recommendation(
            partnership_id=partnership_id,
            snapshot_id=snapshot_id,
            audit_id=audit_id,
            text=text,
            domain=domain or "",
            position=last + 1,
            updated_by_name=author.name,
        )
        session.add(rec)
        session.flush()
        rec.origin = _origin(session, rec)
        created(session, rec, author=author, prompt_id=PROMPT)
        return rec


def list_recommendations(
    engine: Engine,
    partnership_id: int,
    *,
    snapshot_id: int | None = None,
    audit_id: int | None = None,
    deleted: bool = False,
    session: Session | None = None,
) -> list[Recommendation]:
    with read_session(engine, session=session) as session:
        q = select(Recommendation).where(Recommendation.partnership_id == partnership_id)
        if snapshot_id is not None:
            q = q.where(Recommendation.snapshot_id == snapshot_id)
        if audit_id is not None:
            q = q.where(Recommendation.audit_id == audit_id)
        q = q.where(col(Recommendation.deleted_at).is_not(None) if deleted else col(Recommendation.deleted_at).is_(None))
        return list(
            session.exec(
                q.order_by(
                    col(Recommendation.snapshot_id), col(Recommendation.audit_id), col(Recommendation.position), col(Recommendation.id)
                )
            ).all()
        )


def update_recommendation(
    engine: Engine,
    partnership_id: int,
    recommendation_id: int,
    *,
    expected_version: int,
    author: Author,
    text: str | None = None,
    status: str | None = None,
    session: Session | None = None,
) -> Recommendation:
    values = {}
    if text is not None:
        values["text"] = _clean(text)
    if status is not None:
        if status not in STATUSES:
            raise InvalidInput(f"{status!r} is not a status: use {', '.join(STATUSES)}.")
        values["status"] = status
    with write_session(engine, session=session) as session:
        rec = load(session, Recommendation, recommendation_id, partnership_id, "recommendation", lock=True)
        conflict = update_checked(
            session, Recommendation, rec, values, expected_version=expected_version, author=author, prompt_id=PROMPT, what="recommendation"
        )
    if conflict:
        raise conflict
    return rec


def remove_recommendation(
    engine: Engine, partnership_id: int, recommendation_id: int, *, author: Author, restore: bool = False, session: Session | None = None
) -> Recommendation:
    with write_session(engine, session=session) as session:
        rec = load(session, Recommendation, recommendation_id, partnership_id, "recommendation", live=False)
        set_removed(session, rec, not restore, author=author, prompt_id=PROMPT)
        return rec


def recommendation_to_action(
    engine: Engine,
    partnership_id: int,
    recommendation_id: int,
    *,
    outcome_id: int,
    author: Author,
    session: Session | None = None,
    **fields,
) -> int:
    """Make the recommendation an action under ``outcome_id`` in the action plan, in one step and one
    transaction: the action carries the recommendation's text and its origin; the recommendation is
    marked accepted and keeps the action's id. If either write fails, neither is stored. ``fields``
    (leads, start_date, end_date, component...) go to ``strategy.plan.operations.create_action`` as
    they are. Returns the action id."""
    with write_session(engine, session=session) as tx:
        rec = load(tx, Recommendation, recommendation_id, partnership_id, "recommendation", lock=True)
        live_actions = {x.id for x in plan.load_plan(engine, partnership_id, session=tx).all_actions()}
        if rec.action_id is not None and rec.action_id in live_actions:
            raise InvalidInput("This recommendation is already an action in the action plan.")
        # An action removed from the plan since leaves the recommendation free to become one again.
        action = plan.create_action(
            engine, partnership_id, outcome_id=outcome_id, title=rec.text[:500], author=author, origin=rec.origin, session=tx, **fields
        )
        values: dict = {"action_id": action.id}
        if rec.status == "open":
            values["status"] = "accepted"
        conflict = update_checked(
            tx, Recommendation, rec, values, expected_version=rec.version, author=author, prompt_id=PROMPT, what="recommendation"
        )
    if conflict:  # cannot happen while the row is locked, but never pass one over in silence
        raise conflict
    assert action.id is not None
    return action.id
