"""``python -m strategy``: the same operations as the pages, from a terminal.

Every command honours DATABASE_URL, exits 0 on success and 1 with a one-line message on error."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from strategy.db import prepare_database
from strategy.errors import WorkbookError
from strategy.settings import get_settings


def _engine():
    return prepare_database(get_settings().database_url)


def cmd_list(args) -> None:
    from strategy.partnerships import list_partnerships

    for p in list_partnerships(_engine(), include_archived=args.all):
        print(p.name + (" (archived)" if p.archived else ""))


def cmd_create(args) -> None:
    from strategy.partnerships import create_partnership

    p = create_partnership(_engine(), name=args.name, nation=args.nation, areas=args.areas or "",
                           period_start=args.start, period_end=args.end)
    print(f"Created '{p.name}' ({p.nation.title()}).")


def cmd_rename(args) -> None:
    from strategy.partnerships import find_partnership, rename_partnership

    engine = _engine()
    p = rename_partnership(engine, find_partnership(engine, args.name).id, args.new_name)
    print(f"Renamed to '{p.name}'.")


def cmd_archive(args) -> None:
    from strategy.partnerships import find_partnership, set_archived

    engine = _engine()
    p = set_archived(engine, find_partnership(engine, args.name).id, not args.undo)
    print(f"'{p.name}' is {'archived' if p.archived else 'back in the list'}.")


def cmd_demo(args) -> None:
    from strategy.demo import ensure_demo
    from strategy.partnerships import get_partnership

    engine = _engine()
    p = get_partnership(engine, ensure_demo(engine))
    print(f"'{p.name}' is ready.")


def cmd_export_docx(args) -> None:
    from strategy.export_docx import export_docx
    from strategy.partnerships import find_partnership

    engine = _engine()
    data = export_docx(engine, find_partnership(engine, args.name).id)
    out = Path(args.out)
    if out.parent and not out.parent.exists():
        raise WorkbookError(f"The folder {out.parent} does not exist.")
    out.write_bytes(data)
    print(f"Wrote {out} ({len(data):,} bytes).")


def _import_file(args, run):
    from strategy.imports import ImportRefused, read_file
    from strategy.partnerships import find_partnership
    from strategy.people import Author

    engine = _engine()
    partnership = find_partnership(engine, args.name)
    data = read_file(args.file)
    try:
        count = run(engine, partnership.id, data, Path(args.file).name, Author.make(args.by or "Command line import"))
    except ImportRefused as exc:
        raise WorkbookError(exc.one_line()) from None
    return partnership, count


def cmd_import_survey(args) -> None:
    from strategy.imports import import_survey

    partnership, count = _import_file(args, lambda engine, pid, data, name, author: import_survey(
        engine, pid, data, name, author=author, replace=not args.append))
    how = "added to the responses there" if args.append else "replacing the responses there before"
    print(f"Imported {count} survey response{'s' if count != 1 else ''} into '{partnership.name}' ({how}).")


def cmd_import_figures(args) -> None:
    from strategy.imports import FIGURES, MEASURES, import_figures

    prompt_id = MEASURES if args.measures else FIGURES
    partnership, count = _import_file(args, lambda engine, pid, data, name, author: import_figures(
        engine, pid, data, name, prompt_id=prompt_id, author=author, replace=False))
    what = "identification measure" if args.measures else "local figure"
    print(f"Imported {count} {what}{'s' if count != 1 else ''} into '{partnership.name}'.")


def cmd_check(args) -> None:
    from strategy.partnerships import find_partnership
    from strategy.readiness import readiness_report

    engine = _engine()
    report = readiness_report(engine, find_partnership(engine, args.name).id)
    if args.json:
        print(report.to_json())
        return
    for criterion in report.criteria:
        print(f"{criterion.label}: {criterion.word}")
        for finding in criterion.to_fix():
            print(f"  - {finding.message}")


def cmd_import_actions(args) -> None:
    from strategy.imports import ImportRefused, read_file
    from strategy.partnerships import find_partnership
    from strategy.people import Author
    from strategy.plan_io import commit_import, preview_import

    engine = _engine()
    partnership = find_partnership(engine, args.name)
    preview = preview_import(engine, partnership.id, read_file(args.file), Path(args.file).name)
    print(preview.summary())
    for line in [f"  {a['aim']} / {a['outcome']} / {a['title']}" for a in preview.actions[:50]]:
        print(line.replace("\n", " "))
    if len(preview.actions) > 50:
        print(f"  ... and {len(preview.actions) - 50} more")
    if preview.ignored_columns:
        print("Columns not read: " + "; ".join(preview.ignored_columns))
    if preview.problems:
        for problem in preview.problems:
            print("Needs attention: " + problem.describe(), file=sys.stderr)
        raise WorkbookError(ImportRefused(preview.base).one_line())
    if not args.yes:
        print("Nothing imported yet. Run again with --yes to import this.")
        return
    count = commit_import(engine, partnership.id, preview, author=Author.make(args.by or "Command line import"))
    print(f"Imported {count} action{'s' if count != 1 else ''} into '{partnership.name}'.")


def cmd_export_actions(args) -> None:
    from strategy.partnerships import find_partnership
    from strategy.plan_io import export_file

    engine = _engine()
    out = Path(args.out)
    data = export_file(engine, find_partnership(engine, args.name).id, out.name)
    if out.parent and not out.parent.exists():
        raise WorkbookError(f"The folder {out.parent} does not exist.")
    out.write_bytes(data)
    print(f"Wrote {out} ({len(data):,} bytes).")


def cmd_progress_report(args) -> None:
    from datetime import date

    from strategy.export_progress import export_progress_report
    from strategy.partnerships import find_partnership
    from strategy.values import parse_date

    engine = _engine()
    since = date.fromisoformat(parse_date(args.since, what="The --since date")) if args.since else None
    out = Path(args.out)
    if out.parent and not out.parent.exists():
        raise WorkbookError(f"The folder {out.parent} does not exist.")
    data = export_progress_report(engine, find_partnership(engine, args.name).id, since=since)
    out.write_bytes(data)
    print(f"Wrote {out} ({len(data):,} bytes).")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m strategy", description="Child Sexual Abuse Strategy Workbook")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("list", help="list partnerships, one per line")
    p.add_argument("--all", action="store_true", help="include archived partnerships")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("create", help="create a partnership")
    p.add_argument("name")
    p.add_argument("--nation", required=True, type=str.lower, choices=["england", "wales"])
    p.add_argument("--areas", help="the areas the partnership covers")
    p.add_argument("--start", help="first year of the strategy period")
    p.add_argument("--end", help="last year of the strategy period")
    p.set_defaults(func=cmd_create)

    p = sub.add_parser("rename", help="rename a partnership")
    p.add_argument("name")
    p.add_argument("new_name")
    p.set_defaults(func=cmd_rename)

    p = sub.add_parser("archive", help="archive a partnership (--undo to bring it back)")
    p.add_argument("name")
    p.add_argument("--undo", action="store_true")
    p.set_defaults(func=cmd_archive)

    p = sub.add_parser("demo", help="create or refresh the fictional 'Demo partnership'")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("export-docx", help="write a partnership's Word draft")
    p.add_argument("name")
    p.add_argument("--out", required=True, help="the .docx file to write")
    p.set_defaults(func=cmd_export_docx)

    p = sub.add_parser("check", help="the readiness check against the guide's five criteria (Guide §13.1)")
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help="one entry per criterion with its findings, as JSON")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("import-survey", help="import staff survey responses from a CSV or .xlsx (replaces them)")
    p.add_argument("name")
    p.add_argument("file")
    p.add_argument("--append", action="store_true", help="add to the responses there instead of replacing them")
    p.add_argument("--by", help="the name recorded for the import (default: Command line import)")
    p.set_defaults(func=cmd_import_survey)

    p = sub.add_parser("import-figures", help="add local figures (or, with --measures, identification measures)")
    p.add_argument("name")
    p.add_argument("file")
    p.add_argument("--measures", action="store_true", help="import into the identification measures")
    p.add_argument("--by", help="the name recorded for the import (default: Command line import)")
    p.set_defaults(func=cmd_import_figures)

    p = sub.add_parser("import-actions", help="preview importing an action plan from .xlsx or .csv (--yes imports it)")
    p.add_argument("name")
    p.add_argument("file")
    p.add_argument("--yes", action="store_true", help="import what the preview lists")
    p.add_argument("--by", help="the name recorded for the import (default: Command line import)")
    p.set_defaults(func=cmd_import_actions)

    p = sub.add_parser("export-actions", help="write a partnership's action plan (.xlsx or .csv by the extension)")
    p.add_argument("name")
    p.add_argument("--out", required=True, help="the .xlsx or .csv file to write")
    p.set_defaults(func=cmd_export_actions)

    p = sub.add_parser("progress-report", help="write a partnership's progress report in Word (Guide §15)")
    p.add_argument("name")
    p.add_argument("--out", required=True, help="the .docx file to write")
    p.add_argument("--since", help="only updates from this date, day first (31/03/2026)")
    p.set_defaults(func=cmd_progress_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except WorkbookError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    return 0
