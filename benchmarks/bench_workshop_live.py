"""Benchmark: workshop mode live (issue 18). N participants (30 by default) at once, each on their own
thread as on their own laptop: every one adds M notes (10), refreshing their view between notes as the
page does every 1.5 seconds; the facilitator groups the notes into themes; then every one casts their
votes at once (and tries one more than their allowance and one twice on the same theme), refreshing
between votes. Counted: notes lost (a note whose add succeeded and is not on the board), votes lost
and votes counted twice (each theme's count against the votes that succeeded), votes accepted beyond
the allowance, errors. Timed: p50/p95 of a participant's refresh (``workshop_view``) while everyone
writes, against one person refreshing alone in the same run; a view is current within the page's
refresh interval plus that.

    python -m benchmarks.bench_workshop_live [--people 30] [--notes 10] [--no-postgres]

On SQLite (a temporary file) and on PostgreSQL (a database of its own, created and dropped by this
script on the server at 127.0.0.1:5432, or BENCH_POSTGRES_ADMIN_URL). Prints figures; asserts nothing.
The test suite runs a small room for the counts only."""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database
from strategy.core.errors import InvalidInput
from strategy.people.accounts import author_for, create_account, set_member_role
from strategy.people.partnerships import create_partnership
from strategy.workshops.operations import (
    REFRESH_SECONDS,
    add_note,
    cast_vote,
    create_theme,
    create_workshop,
    reveal_votes,
    set_stage,
    workshop_view,
)

SYSTEM = Author(name="Workbook")
VOTES = 3
THEMES = 10


@dataclass
class LiveResult:
    people: int
    notes_each: int
    refresh: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes_added: int = 0
    notes_lost: int = 0
    votes_cast: int = 0
    votes_lost: int = 0
    votes_double_counted: int = 0
    beyond_allowance_accepted: int = 0
    twice_accepted: int = 0

    @staticmethod
    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run_live(engine, people: int = 30, notes: int = 10, tag: str = "") -> LiveResult:
    p = create_partnership(engine, name=f"Live workshop {tag}{uuid.uuid4().hex[:8]}", nation="england")
    pid = p.id
    lead = author_for(create_account(engine, username=f"lead.{pid}", display_name="Facilitator", password=None, author=SYSTEM))
    set_member_role(engine, pid, lead.username, "owner", author=SYSTEM)
    room = []
    for n in range(people):
        account = create_account(
            engine, username=f"p{pid}.{n}", display_name=f"Participant {n}", agency="Agency", password=None, author=SYSTEM
        )
        set_member_role(engine, pid, account.username, "editor", author=SYSTEM)
        room.append(author_for(account))
    w = create_workshop(engine, pid, title="Priorities", kind="priorities", votes_per_person=VOTES, author=lead)
    result = LiveResult(people, notes)
    lock = threading.Lock()
    added: list[int] = []

    def timed(bucket: list[float], fn, *args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            with lock:
                bucket.append(time.perf_counter() - t)

    def in_parallel(work) -> None:
        start = threading.Barrier(people)

        def run(n: int) -> None:
            start.wait()
            try:
                work(n)
            except Exception as exc:  # noqa: BLE001 - counted and printed, not raised
                with lock:
                    result.errors.append(repr(exc))

        threads = [threading.Thread(target=run, args=(n,)) for n in range(people)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()

    def ideas(n: int) -> None:
        for i in range(notes):
            note = timed(result.writes, add_note, engine, pid, w.id, f"Participant {n} idea {i}", author=room[n])
            with lock:
                added.append(note.id)
            timed(result.refresh, workshop_view, engine, pid, w.id, author=room[n])

    in_parallel(ideas)
    result.notes_added = len(added)
    version = workshop_view(engine, pid, w.id, author=lead).workshop.version
    set_stage(engine, pid, w.id, "grouping", expected_version=version, author=lead)
    loose = workshop_view(engine, pid, w.id, author=lead).loose
    on_board = {n.id for n in loose}
    result.notes_lost = sum(1 for note_id in added if note_id not in on_board)
    themes = []
    for t in range(THEMES):
        batch = {n.id: n.version for n in loose[t::THEMES]}
        themes.append(create_theme(engine, pid, w.id, f"Theme {t}", notes=batch, author=lead).id)
    version = workshop_view(engine, pid, w.id, author=lead).workshop.version
    set_stage(engine, pid, w.id, "voting", expected_version=version, author=lead)
    succeeded: dict[int, int] = dict.fromkeys(themes, 0)

    def voting(n: int) -> None:
        rng = random.Random(n)
        chosen = rng.sample(themes, VOTES + 1)
        for theme_id in chosen[:VOTES]:
            timed(result.writes, cast_vote, engine, pid, theme_id, author=room[n])
            with lock:
                succeeded[theme_id] += 1
                result.votes_cast += 1
            timed(result.refresh, workshop_view, engine, pid, w.id, author=room[n])
        try:  # one more than the allowance
            cast_vote(engine, pid, chosen[VOTES], author=room[n])
            with lock:
                result.beyond_allowance_accepted += 1
        except InvalidInput:
            pass
        try:  # the same theme twice
            cast_vote(engine, pid, chosen[0], author=room[n])
            with lock:
                result.twice_accepted += 1
        except InvalidInput:
            pass

    in_parallel(voting)
    reveal_votes(engine, pid, w.id, author=lead)
    counted = {t.id: t.votes or 0 for t in workshop_view(engine, pid, w.id, author=lead).themes}
    result.votes_lost = sum(max(0, succeeded[t] - counted.get(t, 0)) for t in themes)
    result.votes_double_counted = sum(max(0, counted.get(t, 0) - succeeded[t]) for t in themes)
    return result


def _alone(engine) -> float:
    """One person refreshing a board of the same size with nobody else writing: the baseline p50."""
    quiet = run_live(engine, people=1, notes=300, tag="alone ")
    return LiveResult.pct(quiet.refresh, 0.5)


def report(label: str, engine, people: int, notes: int) -> None:
    base = _alone(engine)
    r = run_live(engine, people, notes, tag="crowd ")
    p50, p95 = LiveResult.pct(r.refresh, 0.5), LiveResult.pct(r.refresh, 0.95)
    print(f"\n{label}: {people} participants at once, {notes} notes each, {VOTES} votes each")
    print(
        f"  notes added {r.notes_added}  notes lost {r.notes_lost}  |  votes cast {r.votes_cast}  votes lost {r.votes_lost}"
        f"  votes double-counted {r.votes_double_counted}  |  accepted beyond the allowance {r.beyond_allowance_accepted}"
        f"  twice on one theme {r.twice_accepted}  |  errors {len(r.errors)}"
    )
    print(
        f"  a participant's refresh while everyone writes: p50 {p50 * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms"
        f"  (p95 {p95 / base:.1f}x one person alone, p50 {base * 1000:.1f} ms)"
    )
    print(
        f"  a note or a vote:                             p50 {LiveResult.pct(r.writes, 0.5) * 1000:6.1f} ms"
        f"  p95 {LiveResult.pct(r.writes, 0.95) * 1000:6.1f} ms"
    )
    print(f"  each view current within {REFRESH_SECONDS + p95:.2f} s (the {REFRESH_SECONDS:g} s refresh plus the p95 refresh)")
    for error in r.errors[:5]:
        print(f"    {error}")


def _postgres(admin_url: str):
    """A database of the benchmark's own on the server; yields its URL and drops it afterwards."""
    name = f"bench_workshop_live_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = admin_url.rsplit("/", 1)[0]
    return admin, name, f"{base}/{name}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--notes", type=int, default=10)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        report("SQLite", prepare_database(url), args.people, args.notes)
        dispose_engine(url)
    if args.no_postgres:
        return
    admin_url = os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    admin, name, url = _postgres(admin_url)
    try:
        report("PostgreSQL", prepare_database(url), args.people, args.notes)
    finally:
        dispose_engine(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
