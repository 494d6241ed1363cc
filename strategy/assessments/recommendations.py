"""Recommendations from a snapshot or a thematic audit, tracked until they are done.

Each has its own status (open, accepted, done) and, once it has become an action in the action
plan, the action's id. ``recommendation_to_action`` is the one way a recommendation becomes an
action: page, command line and tests call it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput
from strategy.core.models import Recommendation, RecommendationResponse, Snapshot, ThematicAudit
from strategy.core.revisions import created, ensure_partnership, load, set_removed, update_checked
from strategy.core.text import check_length, clean_text, name_key, normalise_name
from strategy.core.values import parse_date
from strategy.plan import operations as plan

PROMPT = "recommendation"
STATUSES = {"open": "Open", "accepted": "Accepted", "done": "Done"}
TEXT_LIMIT = 2000
RESPONSE_LIMIT = 5000
PROMPT_RESPONSE = "recommendation.response"
#: Marks a keyword argument not given (None is a value: it clears a due date).
UNCHANGED: Any = object()


def _clean(text: str) -> str:
    text = clean_text(text or "").strip()
    if not text:
        raise InvalidInput("A recommendation cannot be empty: say what should be done.")
    check_length(text, TEXT_LIMIT, "The recommendation")
    return text


def _agency(engine: Engine, partnership_id: int, name: str, what: str, session: Session | None) -> str:
    """One of the partnership's agencies, as listed; '' stays ''."""
    clean = normalise_name(name or "")
    if not clean:
        return ""
    listed = {name_key(a): a for a in plan.agencies(engine, partnership_id, session=session)}
    if name_key(clean) not in listed:
        raise InvalidInput(
            f"'{clean}' is not one of the partnership's agencies, so it cannot be {what}. Choose an agency "
            "already listed, or add it to the partnership's agencies (Shared vision, or a lead in the action plan) first. "
            "Nothing was saved."
        )
    return listed[name_key(clean)]


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
    owner: str = "",
    due_date=None,
    session: Session | None = None,
) -> Recommendation:
    """Add a recommendation to a snapshot or an audit (exactly one of them), optionally with the
    agency that owns it and the day it is due."""
    if (snapshot_id is None) == (audit_id is None):
        raise InvalidInput("A recommendation belongs to one snapshot or one audit.")
    text = _clean(text)
    due = parse_date(due_date, what="The due date")
    with write_session(engine, session=session) as session:
        ensure_partnership(session, partnership_id)
        owner = _agency(engine, partnership_id, owner, "the recommendation's owner", session)
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
            owner=owner,
            due_date=due,
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
    owner: str | None = None,
    due_date=UNCHANGED,
    session: Session | None = None,
) -> Recommendation:
    """Change what is given (text, status, owner, due date; None clears the due date), version-checked:
    a change saved by someone else meanwhile is a Conflict, and this person's values are kept as a copy."""
    values: dict = {}
    if due_date is not UNCHANGED:
        values["due_date"] = parse_date(due_date, what="The due date")
    if text is not None:
        values["text"] = _clean(text)
    if status is not None:
        if status not in STATUSES:
            raise InvalidInput(f"{status!r} is not a status: use {', '.join(STATUSES)}.")
        values["status"] = status
    with write_session(engine, session=session) as session:
        rec = load(session, Recommendation, recommendation_id, partnership_id, "recommendation", lock=True)
        if owner is not None:
            values["owner"] = _agency(engine, partnership_id, owner, "the recommendation's owner", session)
        conflict = update_checked(
            session, Recommendation, rec, values, expected_version=expected_version, author=author, prompt_id=PROMPT, what="recommendation"
        )
    if conflict:
        raise conflict
    return rec


# --- Each agency's response (reported back to the independent chair and scrutineer) ----------------


def list_responses(
    engine: Engine, partnership_id: int, recommendation_ids: list[int] | None = None, *, session: Session | None = None
) -> dict[int, list[RecommendationResponse]]:
    """The agencies' responses, by recommendation id, in the order they were first given."""
    with read_session(engine, session=session) as session:
        q = select(RecommendationResponse).where(RecommendationResponse.partnership_id == partnership_id)
        if recommendation_ids is not None:
            q = q.where(col(RecommendationResponse.recommendation_id).in_(recommendation_ids))
        out: dict[int, list[RecommendationResponse]] = {}
        for row in session.exec(q.order_by(col(RecommendationResponse.id))).all():
            out.setdefault(row.recommendation_id, []).append(row)
        return out


def save_response(
    engine: Engine,
    partnership_id: int,
    recommendation_id: int,
    *,
    agency: str,
    text: str,
    author: Author,
    expected_version: int = 0,
    responded_on=None,
    responded_by: str = "",
    session: Session | None = None,
) -> RecommendationResponse:
    """Record (``expected_version`` 0) or change one agency's response to a recommendation: what it
    has done, the day and who reported it. The agency must be one of the partnership's. Two people
    saving the same agency's response: the second is told (a Conflict showing what is saved), and
    their words are kept in the history."""
    words = clean_text(text or "").strip()
    if not re.sub(r"[\s\u200b-\u200d\u2060\ufeff]", "", words):
        raise InvalidInput("The response is empty: say what the agency has done or will do. Nothing was saved.")
    check_length(words, RESPONSE_LIMIT, "The response")
    day = parse_date(responded_on, what="The date of the response")
    by = normalise_name(clean_text(responded_by or ""))
    check_length(by, 120, "Who gave the response")
    try:
        with write_session(engine, session=session) as session:
            rec = load(session, Recommendation, recommendation_id, partnership_id, "recommendation")
            listed = _agency(engine, partnership_id, agency, "giving a response", session)
            if not listed:
                raise InvalidInput("Say which agency is responding. Nothing was saved.")
            row = session.exec(
                select(RecommendationResponse).where(
                    RecommendationResponse.recommendation_id == rec.id, RecommendationResponse.agency_key == name_key(listed)
                )
            ).first()
            values: dict = {"text": words, "responded_on": day, "responded_by": by}
            if row is None:
                row = RecommendationResponse(
                    partnership_id=partnership_id,
                    recommendation_id=rec.id,
                    agency=listed,
                    agency_key=name_key(listed),
                    updated_by_name=author.name,
                    text=words,
                    responded_on=day,
                    responded_by=by,
                )
                session.add(row)
                created(session, row, author=author, prompt_id=PROMPT_RESPONSE)
                return row
            conflict = update_checked(
                session,
                RecommendationResponse,
                row,
                values,
                expected_version=expected_version,
                author=author,
                prompt_id=PROMPT_RESPONSE,
                what=f"response from {listed}",
            )
    except IntegrityError:  # the same agency's first response saved by two people at the same moment
        raise InvalidInput(
            f"Someone has just recorded {normalise_name(agency)}'s response. Nothing was saved: check theirs, then change it."
        ) from None
    if conflict:
        raise conflict
    return row


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
