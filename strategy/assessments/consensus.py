"""Consensus ratings in the snapshot's strategic session (issue 18), with the workshop's machinery:
each person rates a statement privately from their own laptop or phone (one row each, written by one
atomic upsert, so a room rating at once loses nothing), the spread is shown without names, and the
group then agrees its rating (``strategy.assessments.snapshot.rate_statement``). The individual
ratings are kept with the agreed one. Owners and editors rate; scrutineers and viewers watch."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from strategy.assessments.snapshot import _rating_value, scale
from strategy.core.access import require_role
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import NotFound
from strategy.core.models import Snapshot, SnapshotPersonalRating, SnapshotStatement, utcnow
from strategy.core.revisions import load
from strategy.guide.content import content
from strategy.workshops.operations import insert_ignoring_duplicate, participant_key, require_contributor

_UNSET = object()


def rate_privately(
    engine: Engine,
    partnership_id: int,
    snapshot_id: int,
    statement_id: int,
    *,
    author: Author,
    evidence_rating=_UNSET,
    progress_rating=_UNSET,
    session: Session | None = None,
) -> SnapshotPersonalRating:
    """This person's own rating of a statement (only the scales given change; None clears one)."""
    values = {}
    if evidence_rating is not _UNSET:
        values["evidence_rating"] = _rating_value("evidence", evidence_rating)
    if progress_rating is not _UNSET:
        values["progress_rating"] = _rating_value("progress", progress_rating)
    key = participant_key(author)
    with write_session(engine, session=session) as session:
        require_contributor(session, author, partnership_id, watching="see the room's ratings but not rate")
        snap = load(session, Snapshot, snapshot_id, partnership_id, "snapshot")
        statement = load(session, SnapshotStatement, statement_id, partnership_id, "statement", live=False)
        if statement.retired_at is not None:
            raise NotFound("That statement has been retired, so it cannot be rated in this snapshot.")
        insert_ignoring_duplicate(
            session,
            SnapshotPersonalRating,
            {
                "partnership_id": partnership_id,
                "snapshot_id": snap.id,
                "statement_id": statement.id,
                "participant": key,
                "name": author.name[:120],
                "agency": author.agency[:200],
                "evidence_rating": None,
                "progress_rating": None,
                "updated_at": utcnow(),
            },
        )
        if values:
            session.execute(
                update(SnapshotPersonalRating)
                .where(
                    col(SnapshotPersonalRating.snapshot_id) == snap.id,
                    col(SnapshotPersonalRating.statement_id) == statement.id,
                    col(SnapshotPersonalRating.participant) == key,
                )
                .values(**values, updated_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        return session.exec(
            select(SnapshotPersonalRating)
            .where(
                SnapshotPersonalRating.snapshot_id == snap.id,
                SnapshotPersonalRating.statement_id == statement.id,
                SnapshotPersonalRating.participant == key,
            )
            .execution_options(populate_existing=True)
        ).one()


@dataclass(frozen=True)
class Spread:
    """The room's private ratings of one statement, without names."""

    people: int
    evidence: dict[int, int]
    progress: dict[int, int]
    my_evidence: int | None
    my_progress: int | None

    def line(self, kind: str, language: str = "en") -> str:
        """'1 Weak: 2 · 2 Emerging: 5 · ...' for the scale's points (every point, so gaps show); the
        points' words in ``language`` (the scale's label_cy)."""
        counts = self.evidence if kind == "evidence" else self.progress
        points = scale(kind)
        if language == "en":
            return " · ".join(f"{p.value} {p.label}: {counts.get(p.value, 0)}" for p in points)
        words = {p.value: content().list_label(f"snapshot_{kind}_scale", p.value, None, language) for p in points}
        return " · ".join(f"{p.value} {words[p.value]}: {counts.get(p.value, 0)}" for p in points)


def spread(
    engine: Engine, partnership_id: int, snapshot_id: int, statement_id: int, *, author: Author, session: Session | None = None
) -> Spread:
    """The spread, read on every refresh; the membership is checked on every call."""
    key = participant_key(author)
    with read_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "read")
        rows = session.exec(
            select(SnapshotPersonalRating).where(
                SnapshotPersonalRating.partnership_id == partnership_id,
                SnapshotPersonalRating.snapshot_id == snapshot_id,
                SnapshotPersonalRating.statement_id == statement_id,
            )
        ).all()
    mine = next((r for r in rows if r.participant == key), None)
    rated = [r for r in rows if r.evidence_rating is not None or r.progress_rating is not None]
    return Spread(
        people=len(rated),
        evidence=dict(Counter(r.evidence_rating for r in rows if r.evidence_rating is not None)),
        progress=dict(Counter(r.progress_rating for r in rows if r.progress_rating is not None)),
        my_evidence=mine.evidence_rating if mine else None,
        my_progress=mine.progress_rating if mine else None,
    )


def individual_ratings(
    engine: Engine, partnership_id: int, snapshot_id: int, *, author: Author, session: Session | None = None
) -> list[SnapshotPersonalRating]:
    """Every private rating in a snapshot (kept with the agreed ones), by statement then name."""
    with read_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "read")
        return list(
            session.exec(
                select(SnapshotPersonalRating)
                .where(SnapshotPersonalRating.partnership_id == partnership_id, SnapshotPersonalRating.snapshot_id == snapshot_id)
                .order_by(col(SnapshotPersonalRating.statement_id), col(SnapshotPersonalRating.name))
            ).all()
        )
