"""Benchmark: how fast answers save (alone and with writers competing) and how fast the Word draft
builds, each as a ratio against a baseline measured in the same run.

    python -m benchmarks.bench_foundation [--postgres URL] [--writers 8] [--saves 50]

Prints figures; asserts nothing. Baselines: a bare single-row UPDATE in its own transaction (for
saves) and saving an empty python-docx document (for the export)."""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import threading
import time
from pathlib import Path

from docx import Document
from sqlalchemy import text
from strategy.answers.operations import get_answer, save_answer
from strategy.core.authors import Author
from strategy.core.db import prepare_database, write_session
from strategy.core.errors import Conflict
from strategy.documents.draft import export_docx
from strategy.people.partnerships import create_partnership

from strategy.demo import ensure_demo


def _pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def bench_saves(engine, label: str, writers: int, saves: int) -> None:
    p = create_partnership(engine, name=f"Bench {time.time_ns()}", nation="england")
    author = Author.make("Bench")
    # Baseline: the cheapest write the database can do, in the same kind of transaction.
    save_answer(engine, p.id, "intro.purpose", "seed", expected_version=0, author=author)
    base = []
    for i in range(saves):
        t = time.perf_counter()
        with write_session(engine) as s:
            s.execute(text("UPDATE partnership SET areas = :a WHERE id = :i"), {"a": str(i), "i": p.id})
        base.append(time.perf_counter() - t)
    alone = []
    version = 1
    for i in range(saves):
        t = time.perf_counter()
        version = save_answer(engine, p.id, "intro.purpose", f"text {i}", expected_version=version, author=author).version
        alone.append(time.perf_counter() - t)

    prompts = [
        "intro.audience",
        "intro.scope_notes",
        "intro.national_picture",
        "intro.legislation",
        "intro.definition",
        "intro.terminology",
        "vision.statement",
        "vision.leadership",
        "governance.board",
        "governance.subgroups",
    ]
    timings, errors, conflicts = [], [], [0]
    lock = threading.Lock()

    def writer(n: int) -> None:
        prompt = prompts[n % len(prompts)]
        for i in range(saves):
            current = get_answer(engine, p.id, prompt)
            t = time.perf_counter()
            try:
                save_answer(engine, p.id, prompt, f"writer {n} save {i}", expected_version=current.version if current else 0, author=author)
            except Conflict:
                with lock:
                    conflicts[0] += 1  # expected when two writers share a prompt: both texts kept
            except Exception as exc:  # noqa: BLE001 - counted and printed, not raised
                with lock:
                    errors.append(repr(exc))
            with lock:
                timings.append(time.perf_counter() - t)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    b50 = statistics.median(base)
    print(f"[{label}] baseline UPDATE p50 {b50 * 1000:.2f} ms")
    print(
        f"[{label}] save_answer alone   p50 {statistics.median(alone) * 1000:.2f} ms "
        f"(x{statistics.median(alone) / b50:.1f}), p95 {_pct(alone, 0.95) * 1000:.2f} ms"
    )
    print(
        f"[{label}] {writers} writers x {saves}: p50 {statistics.median(timings) * 1000:.2f} ms "
        f"(x{statistics.median(timings) / b50:.1f}), p95 {_pct(timings, 0.95) * 1000:.2f} ms, "
        f"errors {len(errors)}, conflicts kept {conflicts[0]}"
    )
    for e in errors[:3]:
        print(f"[{label}]   error: {e}")


def bench_export(engine, label: str, repeats: int = 5) -> None:
    demo = ensure_demo(engine)
    base, full = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        Document().save(io.BytesIO())
        base.append(time.perf_counter() - t)
        t = time.perf_counter()
        export_docx(engine, demo)
        full.append(time.perf_counter() - t)
    b, f = statistics.median(base), statistics.median(full)
    print(f"[{label}] empty document {b * 1000:.1f} ms; demo Word draft {f * 1000:.1f} ms (x{f / b:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="also run against this PostgreSQL URL (an empty database or schema)")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--saves", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = prepare_database(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        bench_saves(engine, "sqlite", args.writers, args.saves)
        bench_export(engine, "sqlite")
    if args.postgres:
        engine = prepare_database(args.postgres)
        bench_saves(engine, "postgresql", args.writers, args.saves)
        bench_export(engine, "postgresql")


if __name__ == "__main__":
    main()
