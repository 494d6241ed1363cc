"""Benchmark: a workshop. N people signed in at once (30 by default), each saving M times (50):
every other save is to their own row of a table (different answers at once: must all succeed),
the rest append to one shared answer (the same answer: a version conflict, after which the person
reloads and saves again, as the conflict view lets them). Counted: errors (anything but a
conflict) and lost updates (a saved text missing at the end). Timed: p50/p95 of a save, against a
single writer doing the same work alone in the same run.

    python -m benchmarks.bench_workshop [--sessions 30] [--saves 50] [--postgres URL] [--processes 2]

On PostgreSQL each crowd runs twice: all in one app process, and shared out between two processes as
deploy/ runs the app (nginx in front of two processes on one PostgreSQL, each browser session kept on one).

Prints figures; asserts nothing. The test suite runs a small workshop for the counts only."""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from strategy.answers.operations import add_row, get_answer, list_rows, save_answer, update_cell
from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database
from strategy.core.errors import Conflict
from strategy.guide.content import content
from strategy.people.accounts import author_for, create_account, set_member_role
from strategy.people.partnerships import create_partnership

#: Answers shared by groups of people (as tables at a workshop): person n writes to SHARED[n % 5].
SHARED = ["intro.purpose", "intro.audience", "intro.scope_notes", "vision.statement", "intro.terminology"]
TABLE = "vision.steering_group"
SYSTEM = Author(name="Workbook")


@dataclass
class Result:
    sessions: int
    saves: int
    timings: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    conflicts: int = 0
    lost_updates: int = 0

    def pct(self, q: float) -> float:
        values = sorted(self.timings)
        return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def _people(url: str, pid: int, crowd: list[tuple[int, Author, int, str]], saves: int, barrier) -> dict:
    """Some of the workshop's people, one thread each, in this process: what they saw."""
    engine = prepare_database(url)
    # Warm, as a running server is: the guide's content loaded, connections open and statements
    # compiled before the clock starts.
    content()
    for _ in range(min(len(crowd), 10)):
        get_answer(engine, pid, SHARED[0])
        list_rows(engine, pid, TABLE)
    out: dict = {"timings": [], "errors": [], "conflicts": 0, "own_last": {}, "shared_saved": []}
    lock = threading.Lock()

    def person(n: int, author: Author, row_id: int, mine: str) -> None:
        barrier.wait()
        shared = SHARED[n % len(SHARED)]

        def timed(fn, *args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                with lock:
                    out["timings"].append(time.perf_counter() - t)

        for i in range(saves):
            try:
                if i % 2 == 0:  # my own answer: never conflicts with anyone
                    value = f"Person {n} save {i}"
                    timed(update_cell, engine, pid, row_id, "name", value, expected=mine, author=author)
                    mine = value
                else:  # a shared answer: reload and save again after a conflict, as a person would
                    token = f"[{n}.{i}]"
                    while True:
                        current = get_answer(engine, pid, shared)
                        try:
                            timed(
                                save_answer,
                                engine,
                                pid,
                                shared,
                                ((current.value + " ") if current else "") + token,
                                expected_version=current.version if current else 0,
                                author=author,
                            )
                            break
                        except Conflict:
                            with lock:
                                out["conflicts"] += 1
                            time.sleep(random.uniform(0.01, 0.1))  # a person reads both texts before saving again
                    with lock:
                        out["shared_saved"].append((shared, token))
            except Exception as exc:  # noqa: BLE001 - counted and printed, not raised
                with lock:
                    out["errors"].append(repr(exc))
        with lock:
            out["own_last"][row_id] = mine

    threads = [threading.Thread(target=person, args=who) for who in crowd]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return out


def run_workshop(engine, sessions: int, saves: int, tag: str = "", processes: int = 1) -> Result:
    """Run the workshop on ``engine``; returns the counts and timings. With ``processes`` > 1 the people
    are shared out between that many server processes (as deploy/ runs the app: each browser session
    stays with one process), each with its own engine and its own Python interpreter."""
    url = engine.url.render_as_string(hide_password=False)
    p = create_partnership(engine, name=f"Workshop {tag}{time.time_ns()}", nation="england")
    people = []
    for n in range(sessions):
        account = create_account(
            engine, username=f"w{p.id}.person{n}", display_name=f"Person {n}", agency="Agency", password=None, author=SYSTEM
        )
        set_member_role(engine, p.id, account.username, "editor", author=SYSTEM)
        people.append(author_for(account))
    rows = [add_row(engine, p.id, TABLE, {"name": f"Person {n}"}, author=people[n]) for n in range(sessions)]
    crowd = [(n, people[n], rows[n].id, rows[n].values.get("name")) for n in range(sessions)]
    if processes <= 1:
        parts = [_people(url, p.id, crowd, saves, threading.Barrier(sessions))]
    else:
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no engine shared across a fork
        with context.Manager() as manager:
            barrier = manager.Barrier(sessions)
            with context.Pool(processes) as pool:
                parts = pool.starmap(_people, [(url, p.id, crowd[i::processes], saves, barrier) for i in range(processes)])
    result = Result(sessions, saves)
    own_last: dict[int, str] = {}
    shared_saved: list[tuple[str, str]] = []
    for part in parts:
        result.timings += part["timings"]
        result.errors += part["errors"]
        result.conflicts += part["conflicts"]
        own_last.update(part["own_last"])
        shared_saved += part["shared_saved"]
    final_rows = {r.id: r.values.get("name") for r in list_rows(engine, p.id, TABLE)}
    result.lost_updates += sum(1 for rid, value in own_last.items() if final_rows.get(rid) != value)
    stored = {prompt: set(getattr(get_answer(engine, p.id, prompt), "value", "").split()) for prompt in SHARED}
    result.lost_updates += sum(1 for prompt, token in shared_saved if token not in stored[prompt])
    return result


def report(label: str, engine, sessions: int, saves: int, processes: int = 1) -> None:
    alone = run_workshop(engine, 1, saves, tag="alone ")
    base50 = statistics.median(alone.timings)
    print(f"\n{label}")
    print("  (a save is one call: to your own row, or to an answer shared with 5 others)")
    print(f"  one person alone:      p50 {alone.pct(0.5) * 1000:7.1f} ms  p95 {alone.pct(0.95) * 1000:7.1f} ms")
    for n in sorted({1, processes}):
        crowd = run_workshop(engine, sessions, saves, tag="crowd ", processes=n)
        where = "in one process" if n == 1 else f"in {n} processes"
        print(
            f"  {sessions} people at once {where}: p50 {crowd.pct(0.5) * 1000:7.1f} ms  p95 {crowd.pct(0.95) * 1000:7.1f} ms"
            f"  (p50 {crowd.pct(0.5) / base50:.1f}x, p95 {crowd.pct(0.95) / base50:.1f}x the lone p50)"
        )
        print(
            f"    saves {crowd.sessions * crowd.saves} (+{crowd.conflicts} refused as conflicts, then saved again)  "
            f"errors {len(crowd.errors)}  lost updates {crowd.lost_updates}"
        )
        for error in crowd.errors[:5]:
            print(f"    {error}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--postgres", help="also run on this PostgreSQL URL (an empty database or schema)")
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="also share the people out between this many app processes, as deploy/ runs the app (default 2; 1: one process only)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        # One process only: deploy/ scales out on PostgreSQL (SQLite is the single-server default).
        report("SQLite", prepare_database(url), args.sessions, args.saves)
        dispose_engine(url)
    if args.postgres:
        report("PostgreSQL", prepare_database(args.postgres), args.sessions, args.saves, args.processes)


if __name__ == "__main__":
    main()
