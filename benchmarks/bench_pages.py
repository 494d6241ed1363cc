"""Benchmark: every page's script run, on the demo and on the large demo partnership, against the
lightest page (the privacy notice: only the app's own frame) and a bare Streamlit page, all measured
in the same run and interleaved; with each page's SQL statement count. Then the Word exports (the
draft, the progress report and the snapshot report, with and without charts) against a plain
python-docx floor: a document with the same headings, paragraphs and table cells, saved.

    python -m benchmarks.bench_pages [--repeats 5] [--pages home,finalise] [--no-exports] [--no-pages]

Prints figures; asserts nothing. Each page figure is the median of ``--repeats`` warm runs (the
page's first run is printed too: it fills the caches a person's first visit fills). Targets (issue
13): every page at most 10 times the privacy page, its statement count the same on the demo and the
large partnership; the draft without charts at most 3 times its floor, with charts at most 2 s more."""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

from docx import Document
from sqlalchemy import event
from streamlit.testing.v1 import AppTest

from strategy.core.authors import Author
from strategy.core.db import prepare_database
from strategy.core.errors import NotFound
from strategy.demo import ensure_demo
from strategy.demo.large import ensure_large_demo
from strategy.people.accounts import create_account, find_account
from strategy.ui.state import ACCOUNT_KEY, EPOCH_KEY, PARTNERSHIP_KEY

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "views").glob("*.py"))
PRIVACY = "views/privacy.py"
BARE = 'import streamlit as st\n\nst.title("A bare page")\nst.write("Nothing else.")\n'


class StatementCounter:
    """Counts the SQL statements sent through an engine."""

    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def _admin(engine):
    try:
        return find_account(engine, "bench.admin")
    except NotFound:
        return create_account(
            engine, username="bench.admin", display_name="Bench Admin", password=None, is_admin=True, author=Author(name="Workbook")
        )


def _app(account, partnership_id: int) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=600)
    at.session_state[PARTNERSHIP_KEY] = str(partnership_id)
    at.session_state[ACCOUNT_KEY] = account.id  # signed in as the page's own sign-in does
    at.session_state[EPOCH_KEY] = account.session_epoch
    at.run()
    return at


def _timed(at: AppTest, page: str, counter: StatementCounter) -> tuple[float, int, bool]:
    before = counter.count
    started = time.perf_counter()
    at.switch_page(page).run()
    took = time.perf_counter() - started
    return took, counter.count - before, bool(at.exception)


def _bare(path: Path) -> float:
    at = AppTest.from_file(str(path), default_timeout=60)
    started = time.perf_counter()
    at.run()
    return time.perf_counter() - started


def bench_pages(engine, counter: StatementCounter, partnerships: dict[str, int], pages: list[str], repeats: int) -> None:
    account = _admin(engine)
    with tempfile.TemporaryDirectory() as folder:
        bare_file = Path(folder) / "bare.py"
        bare_file.write_text(BARE, encoding="utf-8")
        _bare(bare_file)  # Streamlit's own first-run costs, outside the figures
        print(f"{'page':<28}{'partnership':<10}{'first s':>9}{'median s':>10}{'x privacy':>11}{'x bare':>8}{'SQL':>6}")
        rows: dict[str, dict[str, tuple[float, int]]] = {}
        for label, pid in partnerships.items():
            at = _app(account, pid)
            _timed(at, PRIVACY, counter)
            for page in pages:
                first, _, failed = _timed(at, page, counter)
                times, privacy, bare, statements = [], [], [], []
                for _ in range(repeats):  # interleaved, so a busy moment costs all three alike
                    privacy.append(_timed(at, PRIVACY, counter)[0])
                    bare.append(_bare(bare_file))
                    took, count, failed_again = _timed(at, page, counter)
                    failed = failed or failed_again
                    times.append(took)
                    statements.append(count)
                median, p_median, b_median = statistics.median(times), statistics.median(privacy), statistics.median(bare)
                rows.setdefault(page, {})[label] = (median, max(statements))
                flag = "  (the page raised an error)" if failed else ""
                print(
                    f"{Path(page).stem:<28}{label:<10}{first:>9.2f}{median:>10.3f}{median / p_median:>11.1f}"
                    f"{median / b_median:>8.1f}{max(statements):>6}{flag}"
                )
        if len(partnerships) == 2:
            print("\nLarge against demo (time ratio; SQL statements demo -> large):")
            for page, by in rows.items():
                (d_time, d_sql), (l_time, l_sql) = by["demo"], by["large"]
                print(f"  {Path(page).stem:<28} x{l_time / d_time:5.1f}   SQL {d_sql} -> {l_sql}")


def _floor(docx_bytes: bytes) -> float:
    """Time to build and save a plain python-docx document with the same headings, paragraphs and cells."""
    source = Document(io.BytesIO(docx_bytes))
    paragraphs = [(p.style.name if p.style is not None else "", p.text) for p in source.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in source.tables]
    started = time.perf_counter()
    doc = Document()
    for style, text in paragraphs:
        if style.startswith("Heading "):
            doc.add_heading(text, level=int(style.split()[-1]) if style.split()[-1].isdigit() else 1)
        else:
            doc.add_paragraph(text)
    for cells in tables:
        if not cells:
            continue
        table = doc.add_table(rows=len(cells), cols=max(len(r) for r in cells))
        for row, values in zip(table.rows, cells, strict=True):
            for cell, value in zip(row.cells, values, strict=False):
                cell.text = value
    doc.save(io.BytesIO())
    return time.perf_counter() - started


def bench_exports(engine, partnerships: dict[str, int], repeats: int) -> None:
    from strategy.assessments.snapshot import list_snapshots
    from strategy.documents.draft import export_docx
    from strategy.documents.progress_report import export_progress_report
    from strategy.documents.snapshot_report import build_snapshot_report

    def snapshot_report(pid: int, charts: bool) -> bytes:
        return build_snapshot_report(engine, pid, list_snapshots(engine, pid)[0].id, charts=charts)

    exports = {
        "Word draft": lambda pid, charts: export_docx(engine, pid, charts=charts),
        "progress report": lambda pid, charts: export_progress_report(engine, pid, charts=charts),
        "snapshot report": snapshot_report,
    }
    from strategy.word.toolkit import shared_drawer

    print(
        f"\n{'export':<18}{'partnership':<10}{'floor s':>9}{'no charts s':>13}{'x floor':>9}{'charts s':>10}"
        f"{'charts - none':>15}{'again - none':>14}"
    )
    print("  (charts s: every chart drawn afresh; again: built again with nothing changed, pictures from memory)")
    for label, pid in partnerships.items():
        for name, build in exports.items():
            plain, pictures, again, floors = [], [], [], []
            for _ in range(repeats):
                started = time.perf_counter()
                out = build(pid, False)
                plain.append(time.perf_counter() - started)
                floors.append(_floor(out))
                shared_drawer().forget()
                started = time.perf_counter()
                build(pid, True)
                pictures.append(time.perf_counter() - started)
                started = time.perf_counter()
                build(pid, True)
                again.append(time.perf_counter() - started)
            p, c, f, a = statistics.median(plain), statistics.median(pictures), statistics.median(floors), statistics.median(again)
            print(f"{name:<18}{label:<10}{f:>9.3f}{p:>13.3f}{p / f:>9.1f}{c:>10.3f}{c - p:>15.3f}{a - p:>14.3f}")


def main() -> None:
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's "missing ScriptRunContext" notes
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pages", help="only these pages (file names without .py, comma-separated)")
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument("--no-exports", action="store_true")
    parser.add_argument("--demo-only", action="store_true", help="leave out the large partnership")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        import os

        os.environ["DATABASE_URL"] = url  # the app under AppTest opens the same database
        engine = prepare_database(url)
        started = time.perf_counter()
        partnerships = {"demo": ensure_demo(engine)}
        print(f"Demo partnership built in {time.perf_counter() - started:.1f} s")
        if not args.demo_only:
            started = time.perf_counter()
            partnerships["large"] = ensure_large_demo(engine)
            print(f"Large demo partnership built in {time.perf_counter() - started:.1f} s")
        counter = StatementCounter(engine)
        pages = PAGES
        if args.pages:
            wanted = {f"views/{name.strip()}.py" for name in args.pages.split(",")}
            pages = [p for p in PAGES if p in wanted]
        if not args.no_pages:
            bench_pages(engine, counter, partnerships, pages, args.repeats)
        if not args.no_exports:
            bench_exports(engine, partnerships, args.repeats)


if __name__ == "__main__":
    main()
