"""``python -m strategy``: the same operations as the pages, from a terminal.

Every command honours DATABASE_URL, exits 0 on success and 1 with a one-line message on error.

Each command imports what it needs when it runs (not at the top), so ``--help`` and the quick commands
start without loading the Word, chart and spreadsheet libraries."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from strategy.core.db import prepare_database
from strategy.core.errors import WorkbookError
from strategy.core.models import stored_id
from strategy.core.settings import get_settings


def _engine():
    return prepare_database(get_settings().database_url)


def cmd_list(args) -> None:
    from strategy.people.partnerships import list_partnerships

    for p in list_partnerships(_engine(), include_archived=args.all):
        print(p.name + (" (archived)" if p.archived else ""))


def cmd_create(args) -> None:
    from strategy.people.partnerships import create_partnership

    p = create_partnership(
        _engine(), name=args.name, nation=args.nation, areas=args.areas or "", period_start=args.start, period_end=args.end
    )
    print(f"Created '{p.name}' ({p.nation.title()}).")


def cmd_rename(args) -> None:
    from strategy.people.partnerships import find_partnership, rename_partnership

    engine = _engine()
    p = rename_partnership(engine, stored_id(find_partnership(engine, args.name)), args.new_name)
    print(f"Renamed to '{p.name}'.")


def cmd_archive(args) -> None:
    from strategy.people.partnerships import find_partnership, set_archived

    engine = _engine()
    p = set_archived(engine, stored_id(find_partnership(engine, args.name)), not args.undo)
    print(f"'{p.name}' is {'archived' if p.archived else 'back in the list'}.")


def cmd_demo(args) -> None:
    import time

    from strategy.demo import ensure_demo
    from strategy.demo.large import ensure_large_demo
    from strategy.people.partnerships import get_partnership

    engine = _engine()
    started = time.perf_counter()
    if args.wales:
        from strategy.demo.wales import ensure_wales_demo

        p = get_partnership(engine, ensure_wales_demo(engine))
    else:
        p = get_partnership(engine, ensure_large_demo(engine) if args.large else ensure_demo(engine))
    took = f" ({time.perf_counter() - started:.0f} s)" if args.large else ""
    print(f"'{p.name}' is ready{took}.")


def cmd_export_docx(args) -> None:
    from strategy.core.audit_log import record_now
    from strategy.documents.draft import version_docx
    from strategy.finalise.review import CURRENT
    from strategy.people.partnerships import find_partnership

    engine = _engine()
    pid = stored_id(find_partnership(engine, args.name))
    data = version_docx(
        engine, pid, args.version or CURRENT, review_copy=args.review_copy, charts=not args.no_charts, language=args.language
    )
    if args.pdf:
        from strategy.word.pdf import to_pdf

        data = to_pdf(data)  # a tagged PDF through LibreOffice, or a message saying what to install
    out = _write(args.out, data)
    what = ("review copy" if args.review_copy else "Word draft") + (f" of {args.version}" if args.version else "")
    what += {"cy": " in Welsh", "bilingual": " in Welsh and English"}.get(args.language, "")
    what += " as PDF" if args.pdf else ""
    record_now(engine, None, "export", partnership_id=pid, detail=f"{what} from the command line to {out.name}")
    print(f"Wrote {out} ({len(data):,} bytes).")


def _language_option(p) -> None:
    p.add_argument(
        "--language",
        choices=("en", "cy", "bilingual"),
        default="en",
        help="en (the default), cy for Welsh, or bilingual (Welsh first, then English); missing Welsh is marked, never filled with English",
    )


def cmd_on_a_page(args) -> None:
    from strategy.core.audit_log import record_now
    from strategy.documents.on_a_page import build_on_a_page
    from strategy.people.partnerships import find_partnership

    engine = _engine()
    pid = stored_id(find_partnership(engine, args.name))
    data = build_on_a_page(engine, pid, language=args.language)
    if args.pdf or args.png:
        from strategy.word.pdf import to_pdf, to_png

        data = to_png(data) if args.png else to_pdf(data)
    out = _write(args.out, data)
    record_now(engine, None, "export", partnership_id=pid, detail=f"Strategy on a page from the command line to {out.name}")
    print(f"Wrote {out} ({len(data):,} bytes).")


def cmd_next_period(args) -> None:
    from strategy.people.partnerships import find_partnership, get_partnership
    from strategy.people.periods import start_next_period

    engine = _engine()
    if args.carry:
        from strategy.chain.next_period import carry_forward
        from strategy.core.authors import Author

        keep = [c.strip() for c in args.keep.split(",") if c.strip()] if args.keep else None
        result = carry_forward(
            engine,
            stored_id(find_partnership(engine, args.name)),
            start=args.start,
            end=args.end,
            name=args.as_name,
            keep_aims=keep,
            author=Author.make(args.by or "Command line"),
        )
        print(f"Started '{get_partnership(engine, result.partnership_id).name}'; '{args.name}' is archived and stays readable.")
        print(result.summary())
        return
    new_id = start_next_period(
        engine, stored_id(find_partnership(engine, args.name)), start=args.start, end=args.end, name=args.as_name, author=None
    )  # the command line acts as the system
    print(f"Started '{get_partnership(engine, new_id).name}'; '{args.name}' is archived and stays readable.")


def cmd_freeze(args) -> None:
    from strategy.core.authors import Author
    from strategy.finalise.review import freeze_version, label
    from strategy.people.partnerships import find_partnership

    engine = _engine()
    version = freeze_version(
        engine, stored_id(find_partnership(engine, args.name)), note=args.note or "", author=Author.make(args.by or "Command line")
    )
    print(f"Froze draft version {label(version.number)} of '{args.name}'.")


def _options(args):
    """The import's choices from --mapping FILE, then --sheet, --header-row, --area, --map and --filter."""
    from strategy.tabular.reading import ImportOptions

    options = ImportOptions()
    if getattr(args, "mapping", None):
        options = ImportOptions.from_json(Path(args.mapping).read_bytes(), f"'{Path(args.mapping).name}'")
    mapping = dict(options.mapping) | dict(ImportOptions.pairs(getattr(args, "map", None), "FIELD=COLUMN"))
    filters: dict[str, tuple[str, ...]] = {}
    for column, value in ImportOptions.pairs(getattr(args, "filter", None), "COLUMN=VALUE"):
        filters[column] = (*filters.get(column, ()), value)
    return ImportOptions(
        sheet=getattr(args, "sheet", None) or options.sheet,
        header_row=getattr(args, "header_row", None) or options.header_row,
        area=getattr(args, "area", None) or options.area,
        mapping=mapping,
        filters=options.filters | filters,
        leads=dict(options.leads) | dict(ImportOptions.pairs(getattr(args, "lead", None), "AS WRITTEN=AGENCY")),
        answers=dict(options.answers) | dict(ImportOptions.pairs(getattr(args, "answer", None), "AS WRITTEN=SCORE")),
        quarters=getattr(args, "quarters", None) or options.quarters,
    )


def _say_preview(preview) -> None:
    """What the reader decided and, when the file is refused, its problems grouped by kind (a screenful)."""
    for note in preview.notes:
        print(note)
    if preview.problem_count:
        for line in preview.grouped():
            print("Needs attention: " + line, file=sys.stderr)


def _import_file(args, run, preview=None):
    from strategy.core.authors import Author
    from strategy.people.partnerships import find_partnership
    from strategy.tabular.reading import ImportRefused, read_file

    engine = _engine()
    partnership = find_partnership(engine, args.name)
    data = read_file(args.file)
    options = _options(args)
    if getattr(args, "save_mapping", None):
        _write(args.save_mapping, options.to_json().encode("utf-8"))
    if preview is not None:
        _say_preview(preview(engine, partnership, data, Path(args.file).name, options))
    try:
        count = run(engine, partnership.id, data, Path(args.file).name, Author.make(args.by or "Command line import"), options)
    except ImportRefused as exc:
        raise WorkbookError(exc.one_line()) from None
    return partnership, count


def cmd_import_survey(args) -> None:
    from strategy.answers.io import SURVEY, import_survey, partnership_preview

    partnership, count = _import_file(
        args,
        lambda engine, pid, data, name, author, options: import_survey(
            engine, pid, data, name, author=author, replace=not args.append, options=options
        ),
        lambda engine, p, data, name, options: partnership_preview(engine, p.id, data, name, SURVEY, options),
    )
    how = "added to the responses there" if args.append else "replacing the responses there before"
    print(f"Imported {count} survey response{'s' if count != 1 else ''} into '{partnership.name}' ({how}).")


def cmd_import_figures(args) -> None:
    from strategy.answers.io import FIGURES, MEASURES, import_figures, partnership_preview
    from strategy.tabular.geography import comparator_parts, is_comparator

    prompt_id = MEASURES if args.measures else FIGURES
    previews = []  # the file's preview, as imported: its comparator rows are counted apart

    def preview(engine, p, data, name, options):
        previews.append(partnership_preview(engine, p.id, data, name, prompt_id, options))
        return previews[-1]

    partnership, count = _import_file(
        args,
        lambda engine, pid, data, name, author, options: import_figures(
            engine, pid, data, name, prompt_id=prompt_id, author=author, replace=args.replace, options=options
        ),
        preview,
    )
    what = "identification measure" if args.measures else "local figure"
    compared = [row.get("detail") for row in (previews[-1].rows if previews else []) if is_comparator(row.get("detail"))]
    if not compared:
        print(f"Imported {count} {what}{'s' if count != 1 else ''} into '{partnership.name}'.")
        return
    # The nation's and the region's rows kept beside the area's are not the area's own: said apart.
    own = count - len(compared)
    areas = list(dict.fromkeys(comparator_parts(str(detail))[0] for detail in compared))
    named = areas[0] if len(areas) == 1 else f"{', '.join(areas[:-1])} and {areas[-1]}"
    print(
        f"Imported {own} {what}{'s' if own != 1 else ''} for the partnership's areas, and {len(compared)} comparator "
        f"figure{'s' if len(compared) != 1 else ''} for {named}, into '{partnership.name}'."
    )


def cmd_figures(args) -> None:
    import json

    from strategy.answers.io import stored_figures
    from strategy.people.partnerships import find_partnership

    engine = _engine()
    figures = stored_figures(engine, stored_id(find_partnership(engine, args.name)))
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    for f in figures:
        print("\t".join(str(f[k] or "") for k in ("table", "label", "detail", "year", "value", "source")).replace("\n", " "))


def _import_choices(p, *, area: bool = False, plan: bool = False, answers: bool = False) -> None:
    """The flags every import takes to meet a file where it is (and those a plan or a survey takes)."""
    p.add_argument("--sheet", help="the workbook's sheet to read, by name or number (default: the first holding a table)")
    p.add_argument("--header-row", type=int, help="the row holding the column names (default: found below any title lines)")
    if area:
        p.add_argument("--area", help="in a file of several areas, the partnership's (its name or code)")
        p.add_argument("--filter", action="append", metavar="COLUMN=VALUE", help="read only the rows with this value (repeat for more)")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN", help="read FIELD from COLUMN, or give it one value for every row")
    p.add_argument("--mapping", metavar="FILE", help="the choices saved as a mapping file (JSON), as --save-mapping writes them")
    if plan:
        p.add_argument(
            "--lead", action="append", metavar="AS WRITTEN=AGENCY", help="the agency for a lead written as a job title or a person (repeat)"
        )
        p.add_argument(
            "--quarters",
            choices=["financial", "calendar"],
            help="how 'Q3 2025' (no financial year) is read: financial (October to December 2025) or calendar (July to September)",
        )
    if answers:
        p.add_argument(
            "--answer",
            action="append",
            metavar="AS WRITTEN=SCORE",
            help="the workbook's score for an answer on another scale, such as 'Very satisfied=5' or 8=4 (repeat)",
        )
    p.add_argument("--save-mapping", metavar="FILE", help="write these choices to a mapping file (JSON) for next time")


def cmd_check(args) -> None:
    from strategy.finalise.readiness import readiness_report
    from strategy.people.partnerships import find_partnership

    engine = _engine()
    report = readiness_report(engine, stored_id(find_partnership(engine, args.name)))
    if args.json:
        print(report.to_json())
        return
    for criterion in report.criteria:
        print(f"{criterion.label}: {criterion.word}")
        for finding in criterion.to_fix():
            print(f"  - {finding.message}")
        for finding in criterion.advice():
            print(f"  - (advice) {finding.message}")


def cmd_suggest(args) -> None:
    import json

    from strategy.chain.suggestions import accept_suggestion, describe, dismiss_suggestion, suggestions, suggestions_json
    from strategy.core.authors import Author
    from strategy.people.partnerships import find_partnership

    engine = _engine()
    pid = stored_id(find_partnership(engine, args.name))
    author = Author.make(args.by or "Command line")
    if args.accept:
        d = accept_suggestion(engine, pid, args.accept, author=author, text=args.text, aim_id=args.aim, outcome_id=args.outcome)
        print(f"Accepted: the {d.kind} '{d.text}' is in the plan, linked to its evidence.")
        return
    if args.dismiss:
        dismiss_suggestion(engine, pid, args.dismiss, reason=args.reason or "", author=author)
        print("Dismissed; the reason is kept.")
        return
    if args.json:
        print(json.dumps(suggestions_json(engine, pid), ensure_ascii=False, indent=2))
        return
    for s in suggestions(engine, pid):
        print(f"{s.key}\t{describe(s)}".replace("\n", " "))


def cmd_endorse(args) -> None:
    import json

    from strategy.core.authors import Author
    from strategy.finalise.endorsement import list_endorsements, record_endorsement
    from strategy.people.partnerships import find_partnership

    engine = _engine()
    pid = stored_id(find_partnership(engine, args.name))
    if args.agency:
        current = next((x for x in list_endorsements(engine, pid).lines if x.agency.casefold() == args.agency.strip().casefold()), None)
        record_endorsement(
            engine,
            pid,
            agency=args.agency,
            decision=args.decision or "endorsed",
            name=args.by_name or "",
            role=args.role or "",
            endorsed_on=args.date,
            comments=args.comments or "",
            expected_version=current.version if current else 0,
            author=Author.make(args.by or "Command line"),
        )
        print(f"Recorded {args.agency}'s decision.")
    found = list_endorsements(engine, pid)
    if args.json:
        print(
            json.dumps(
                {"endorsements": [x.as_dict() for x in found.lines], "statutory_awaited": found.statutory_awaited()},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for line in found.lines:
        print("\t".join([line.agency, "statutory" if line.statutory else "", line.decision_words, line.name, line.role]).replace("\n", " "))
    for kind in found.missing_kinds:
        print(f"{kind}\tstatutory\tno agency of this kind is recorded")


def cmd_chain(args) -> None:
    import json

    from strategy.chain.links import coverage, trace
    from strategy.people.partnerships import find_partnership
    from strategy.plan.operations import load_plan

    engine = _engine()
    pid = stored_id(find_partnership(engine, args.name))
    if args.code:
        plan = load_plan(engine, pid)
        found = [(k, row_id) for (k, row_id), code in plan.codes.items() if code.casefold() == args.code.strip().casefold()]
        found = [(k, row_id) for k, row_id in found if k in ("action", "measure")]
        if not found:
            raise WorkbookError(f"No action or measure has the code '{args.code}'. Codes look like A1.O2.3 (an action) or A1.O2.M1.")
        t = trace(engine, pid, *found[0])
        if args.json:
            print(json.dumps(t.as_dict(), ensure_ascii=False, indent=2))
            return
        print(f"{t.subject.code} {t.subject.text}")
        for step in t.back:
            print(f"  back: {step.kind} {step.code} {step.text}".replace("\n", " "))
        for step in t.forward:
            print(f"  forward: {step.kind} {step.code} {step.text}".replace("\n", " "))
        return
    cov = coverage(engine, pid)
    if args.json:
        print(json.dumps(cov.as_dict(), ensure_ascii=False, indent=2))
        return
    for item in cov.items:
        print(f"{item.text}\t{'; '.join(item.answered_by) or 'NOT ANSWERED'}".replace("\n", " "))


def cmd_import_actions(args) -> None:
    from strategy.core.authors import Author
    from strategy.people.partnerships import find_partnership
    from strategy.plan.io import commit_import, preview_import
    from strategy.tabular.reading import ImportRefused, read_file

    engine = _engine()
    partnership = find_partnership(engine, args.name)
    options = _options(args)
    if args.save_mapping:
        _write(args.save_mapping, options.to_json().encode("utf-8"))
    preview = preview_import(engine, stored_id(partnership), read_file(args.file), Path(args.file).name, options, kind=args.kind)
    for note in preview.base.notes:
        print(note)
    print(preview.summary())
    for line in [f"  {a['aim']} / {a['outcome']} / {a['title']}" for a in preview.actions[:50]]:
        print(line.replace("\n", " "))
    if len(preview.actions) > 50:
        print(f"  ... and {len(preview.actions) - 50} more")
    for kind, rows in (("milestone", preview.milestones), ("output indicator", preview.outputs)):
        for spec in rows[:50]:
            print(f"  {kind} of {spec['action_code'] or spec['action'][2]}: {spec['title']}".replace("\n", " "))
        if len(rows) > 50:
            print(f"  ... and {len(rows) - 50} more {kind}s")
    if preview.ignored_columns:
        print("Columns not read: " + "; ".join(preview.ignored_columns))
    if preview.problems:
        for line in preview.base.grouped():
            print("Needs attention: " + line, file=sys.stderr)
        raise WorkbookError(ImportRefused(preview.base).one_line())
    if not args.yes:
        print("Nothing imported yet. Run again with --yes to import this.")
        return
    count = commit_import(engine, stored_id(partnership), preview, author=Author.make(args.by or "Command line import"))
    print(f"{preview.imported_text(count)} into '{partnership.name}'.")


def cmd_export_actions(args) -> None:
    from strategy.people.partnerships import find_partnership
    from strategy.plan.io import export_file

    engine = _engine()
    data = export_file(engine, stored_id(find_partnership(engine, args.name)), Path(args.out).name, args.kind)
    out = _write(args.out, data)
    print(f"Wrote {out} ({len(data):,} bytes).")


def _as_asked(args, data: bytes) -> bytes:
    """The Word document, or with ``--pdf`` a tagged PDF of it through LibreOffice (or a message saying
    what to install)."""
    if getattr(args, "pdf", False):
        from strategy.word.pdf import to_pdf

        return to_pdf(data)
    return data


def _write(out_path: str, data: bytes) -> Path:
    out = Path(out_path)
    if out.parent and not out.parent.exists():
        raise WorkbookError(f"The folder {out.parent} does not exist.")
    out.write_bytes(data)
    return out


def cmd_import_snapshot_survey(args) -> None:
    from strategy.assessments.io import import_snapshot_survey
    from strategy.assessments.snapshot import find_snapshot

    title = ""

    def run(engine, pid, data, name, author, options):
        nonlocal title
        snap = find_snapshot(engine, pid, args.snapshot)
        title = snap.title
        return import_snapshot_survey(engine, pid, snap.id, data, name, author=author, replace=not args.append, options=options)

    partnership, count = _import_file(args, run)
    print(f"Imported {count} frontline rating{'s' if count != 1 else ''} into '{title}' for '{partnership.name}'.")


def cmd_import_strategic_survey(args) -> None:
    from strategy.assessments.io import import_strategic_survey
    from strategy.assessments.snapshot import find_snapshot

    title = ""

    def run(engine, pid, data, name, author, options):
        nonlocal title
        snap = find_snapshot(engine, pid, args.snapshot)
        title = snap.title
        return import_strategic_survey(engine, pid, snap.id, data, name, author=author, replace=not args.append, options=options)

    partnership, count = _import_file(args, run)
    print(f"Imported {count} strategic survey response{'s' if count != 1 else ''} into '{title}' for '{partnership.name}'.")


def cmd_import_audit_survey(args) -> None:
    from strategy.assessments.audit import find_audit
    from strategy.assessments.io import import_audit_survey

    theme = ""

    def run(engine, pid, data, name, author, options):
        nonlocal theme
        audit = find_audit(engine, pid, args.audit)
        theme = audit.theme
        return import_audit_survey(engine, pid, stored_id(audit), data, name, author=author, replace=not args.append, options=options)

    partnership, count = _import_file(args, run)
    print(f"Imported {count} staff survey response{'s' if count != 1 else ''} into the audit '{theme}' for '{partnership.name}'.")


def cmd_survey_link(args) -> None:
    from datetime import date

    from strategy.assessments import survey_links as sl
    from strategy.core.authors import Author
    from strategy.people.partnerships import find_partnership

    engine = _engine()
    partnership = find_partnership(engine, args.name)
    pid = stored_id(partnership)
    target = 0
    if args.kind in ("frontline", "strategic"):
        from strategy.assessments.snapshot import find_snapshot

        target = stored_id(find_snapshot(engine, pid, args.snapshot))
    elif args.kind == "audit":
        from strategy.assessments.audit import find_audit

        if not args.audit:
            raise WorkbookError("Say which audit with --audit (its theme, or its number in the list).")
        target = stored_id(find_audit(engine, pid, args.audit))
    closes: date | None = None
    if args.closes:
        from strategy.core.values import parse_date

        day = parse_date(args.closes, what="The closing date")
        closes = date.fromisoformat(day) if day else None
    author = Author.make(args.by or "Command line")
    status = sl.survey_link_status(engine, pid, args.kind, target)
    if status is None and (args.close or args.reopen):
        raise WorkbookError(f"{sl.survey_name(args.kind).capitalize()} has no link yet. Open one first (without --close or --reopen).")
    if status is None or args.new:
        token = sl.open_survey_link(engine, pid, args.kind, target, author=author, closes_on=closes)
        print(f"A link for {sl.survey_name(args.kind)} of '{partnership.name}'. Share it; it is shown only now:")
        print(f"  {sl.link_path(token)}")
        print("  (after the workbook's address, for example https://workbook.example.org" + sl.link_path(token) + ")")
    elif closes is not None or args.close or args.reopen:
        sl.set_survey_link(
            engine, pid, args.kind, target, author=author, closes_on=closes, closed=True if args.close else (False if args.reopen else None)
        )
    else:
        print(f"{sl.survey_name(args.kind).capitalize()} has a link already (shown when it was opened; --new makes another).")
    status = sl.survey_link_status(engine, pid, args.kind, target)
    assert status is not None
    print(f"{status.state}; {status.count}.")


def cmd_audit_log(args) -> None:
    from strategy.core.audit_log import audit_log
    from strategy.core.audit_log import record_now as record_event
    from strategy.core.authors import Author
    from strategy.core.dates import uk_time
    from strategy.people.partnerships import find_partnership
    from strategy.tabular.formulas import csv_bytes, xlsx_bytes

    engine = _engine()
    partnership = find_partnership(engine, args.name)
    suffix = Path(args.out).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise WorkbookError(f"Give the file to write a name ending .csv or .xlsx (not '{Path(args.out).name}').")
    # The command line acts as the system, as it does for every other command.
    events = audit_log(engine, stored_id(partnership), author=Author(name="Command line"), limit=10_000_000)
    headers = ["When", "Who", "Did", "Detail"]
    rows = [[uk_time(e.at), e.who, e.what, e.detail] for e in events]
    data = csv_bytes(headers, rows) if suffix == ".csv" else xlsx_bytes(headers, rows, "Audit log")
    out = _write(args.out, data)
    record_event(engine, None, "export", partnership_id=stored_id(partnership), detail=f"Audit log from the command line to {out.name}")
    print(f"Wrote {len(rows)} event{'s' if len(rows) != 1 else ''} of '{partnership.name}' to {out}.")


def cmd_involvement(args) -> None:
    from strategy.assessments import involvement
    from strategy.people.partnerships import find_partnership

    engine = _engine()
    partnership = find_partnership(engine, args.name)
    lines = involvement.list_engagements(engine, stored_id(partnership))
    rows = involvement.record_rows(lines)
    if not args.out:
        for row in involvement.you_said_we_did(lines):
            print(f"{row[0]}\n  You said: {row[1]}\n  We did: " + row[2].replace("\n", "\n          "))
        print(f"{len(rows)} engagement{'s' if len(rows) != 1 else ''} recorded for '{partnership.name}'.")
        return
    suffix = Path(args.out).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise WorkbookError(f"Give the file to write a name ending .csv or .xlsx (not '{Path(args.out).name}').")
    out = _write(args.out, involvement.export_record(engine, stored_id(partnership), suffix[1:]))
    print(f"Wrote {len(rows)} engagement{'s' if len(rows) != 1 else ''} of '{partnership.name}' to {out}.")


def cmd_snapshot_report(args) -> None:
    from strategy.assessments.snapshot import find_snapshot
    from strategy.documents.snapshot_report import build_snapshot_report
    from strategy.people.partnerships import find_partnership

    engine = _engine()
    partnership = find_partnership(engine, args.name)
    snap = find_snapshot(engine, stored_id(partnership), args.snapshot)
    out = _write(
        args.out, _as_asked(args, build_snapshot_report(engine, stored_id(partnership), stored_id(snap), charts=not args.no_charts))
    )
    print(f"Wrote the report on '{snap.title}' to {out}.")


def cmd_audit_briefing(args) -> None:
    from strategy.assessments.audit import find_audit
    from strategy.documents.audit_briefing import build_audit_briefing
    from strategy.people.partnerships import find_partnership

    engine = _engine()
    partnership = find_partnership(engine, args.name)
    audit = find_audit(engine, stored_id(partnership), args.audit)
    out = _write(
        args.out, _as_asked(args, build_audit_briefing(engine, stored_id(partnership), stored_id(audit), charts=not args.no_charts))
    )
    print(f"Wrote the briefing on '{audit.theme}' to {out}.")


def cmd_workshop_export(args) -> None:
    from strategy.core.authors import Author
    from strategy.people.partnerships import find_partnership
    from strategy.workshops.io import workshop_csv, workshop_docx
    from strategy.workshops.operations import find_workshop

    suffix = Path(args.out).suffix.lower()
    if suffix not in (".csv", ".docx"):
        raise WorkbookError(f"The record is written as .csv or .docx; {args.out} is neither. Nothing was written.")
    engine = _engine()
    author = Author.make("Command line")
    pid = stored_id(find_partnership(engine, args.name))
    workshop = find_workshop(engine, pid, args.workshop, author=author)
    build = workshop_csv if suffix == ".csv" else workshop_docx
    out = _write(args.out, build(engine, pid, stored_id(workshop), author=author))
    print(f"Wrote the record of workshop {workshop.number}, '{workshop.title}', to {out}.")


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Password (at least 12 characters, not a common one): ")
    if getpass.getpass("The same password again: ") != first:
        raise WorkbookError("The two passwords differ; nothing was created.")
    return first


def cmd_users(args) -> None:
    from strategy.core.authors import SYSTEM
    from strategy.people import accounts

    engine = _engine()
    if args.users_command == "add":
        password = None if args.sso_only else _password(args)
        a = accounts.create_account(
            engine,
            username=args.username,
            display_name=args.name,
            agency=args.agency or "",
            password=password,
            email=args.email,
            is_admin=args.admin,
            author=SYSTEM,
        )
        print(f"Created account '{a.username}'" + (" (administrator)." if a.is_admin else "."))
    elif args.users_command == "list":
        from strategy.people.partnerships import list_partnerships

        names = {p.id: p.name for p in list_partnerships(engine, include_archived=True)}
        for a in accounts.list_accounts(engine):
            roles = ", ".join(
                f"{names.get(pid, pid)}: {role}" for pid, role in sorted(accounts.memberships_of(engine, stored_id(a)).items())
            )
            flags = [f for f, on in (("administrator", a.is_admin), ("disabled", a.disabled)) if on]
            print("\t".join([a.username, a.display_name, a.agency, a.email or "", " ".join(flags), roles]).rstrip())
    elif args.users_command == "set-role":
        from strategy.people.partnerships import find_partnership

        p = find_partnership(engine, args.partnership)
        role = None if args.role == "none" else args.role
        accounts.set_member_role(engine, stored_id(p), args.username, role, author=SYSTEM)
        print(f"'{args.username}' is {'no longer a member' if role is None else 'now ' + role} of '{p.name}'.")
    elif args.users_command == "disable":
        a = accounts.set_disabled(engine, args.username, not args.undo, author=SYSTEM)
        print(f"'{a.username}' is {'disabled' if a.disabled else 'enabled again'}.")
    elif args.users_command == "set-password":
        accounts.set_password(engine, args.username, _password(args), author=SYSTEM)
        print(f"The password of '{args.username}' is changed; every browser signed in with it is signed out.")
    elif args.users_command == "unlock":
        accounts.unlock_sign_in(engine, args.username, author=SYSTEM)
        print(f"'{args.username}' can sign in again at once, from anywhere.")
    elif args.users_command == "setup-code":
        print(f"Setup code for the first-run page: {accounts.new_setup_code(engine)} (any older code no longer works).")
    elif args.users_command == "language":
        from strategy.core.interface import INTERFACE_LANGUAGES

        a = accounts.set_interface_language(engine, stored_id(accounts.find_account(engine, args.username)), args.language, author=SYSTEM)
        print(f"The workbook's screens are in {INTERFACE_LANGUAGES[a.interface_language]} for '{a.username}'.")


def cmd_backup(args) -> None:
    from strategy.people.backup import backup_json
    from strategy.people.partnerships import find_partnership

    engine = _engine()
    out = Path(args.out)
    if out.parent and not out.parent.exists():
        raise WorkbookError(f"The folder {out.parent} does not exist.")
    text = backup_json(engine, stored_id(find_partnership(engine, args.name)))
    out.write_text(text, encoding="utf-8")
    print(f"Wrote {out} ({len(text.encode()):,} bytes).")


def cmd_restore(args) -> None:
    from strategy.people.backup import read_backup, restore_partnership
    from strategy.people.partnerships import get_partnership

    engine = _engine()
    data = read_backup(Path(args.file).read_bytes())
    p = get_partnership(engine, restore_partnership(engine, data, new_name=args.as_name))
    print(f"Restored '{p.name}'.")


def cmd_progress_report(args) -> None:
    from datetime import date

    from strategy.core.values import parse_date
    from strategy.documents.progress_report import export_progress_report
    from strategy.people.partnerships import find_partnership

    engine = _engine()
    since_text = parse_date(args.since, what="The --since date") if args.since else None
    since = date.fromisoformat(since_text) if since_text else None
    if Path(args.out).parent and not Path(args.out).parent.exists():  # said before the report is built
        raise WorkbookError(f"The folder {Path(args.out).parent} does not exist.")
    data = export_progress_report(
        engine, stored_id(find_partnership(engine, args.name)), since=since, charts=not args.no_charts, language=args.language
    )
    data = _as_asked(args, data)
    out = _write(args.out, data)
    print(f"Wrote {out} ({len(data):,} bytes).")


def _no_charts_option(p, *, pdf: bool = False) -> None:
    p.add_argument(
        "--no-charts",
        action="store_true",
        help="leave out the chart pictures (each takes seconds to draw); the same figures stay in the tables",
    )
    if pdf:
        p.add_argument("--pdf", action="store_true", help="write a tagged, accessible PDF instead (needs LibreOffice)")


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
    p.add_argument(
        "--large",
        action="store_true",
        help="the 'Large demo partnership' instead: the demo's chapters with 400 actions, 2,000 updates, "
        "60 measures, 1,000 survey responses, 300 comments and 20 versions (for trying speed)",
    )
    p.add_argument(
        "--wales",
        action="store_true",
        help="the 'Bro Taf Demo Partnership' instead: a partnership in Wales with part of its text in Welsh",
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("export-docx", help="write a partnership's Word draft")
    p.add_argument("name")
    p.add_argument("--out", required=True, help="the .docx file to write (.pdf with --pdf)")
    p.add_argument("--version", help="a frozen draft version, such as v0.2 (default: the current text)")
    p.add_argument("--review-copy", action="store_true", help="list the open comments under each section")
    p.add_argument("--pdf", action="store_true", help="write a tagged, accessible PDF instead (needs LibreOffice)")
    _language_option(p)
    _no_charts_option(p)
    p.set_defaults(func=cmd_export_docx)

    p = sub.add_parser("on-a-page", help="write the strategy on a page: vision, priorities, aims, outcomes, headline measures")
    p.add_argument("name")
    p.add_argument("--out", required=True, help="the file to write (.docx; .pdf with --pdf, .png with --png)")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--pdf", action="store_true", help="a tagged PDF instead of Word (needs LibreOffice)")
    kind.add_argument("--png", action="store_true", help="a PNG picture of the page instead of Word (needs LibreOffice)")
    _language_option(p)
    p.set_defaults(func=cmd_on_a_page)

    p = sub.add_parser("next-period", help="carry a partnership into its next strategy period (the old one is archived)")
    p.add_argument("name")
    p.add_argument("--start", required=True, help="first year of the next period")
    p.add_argument("--end", required=True, help="last year of the next period")
    p.add_argument("--as", dest="as_name", help="the new partnership's name (default: the name with the new years)")
    p.add_argument(
        "--carry",
        action="store_true",
        help="carry forward properly: completed actions summarised not copied, latest readings as baselines, the document reset",
    )
    p.add_argument("--keep", help="with --carry: the codes of the aims that continue, comma separated (default: all)")
    p.add_argument("--by", help="with --carry: the name recorded (default: Command line)")
    p.set_defaults(func=cmd_next_period)

    p = sub.add_parser("freeze", help="freeze the current text as the next numbered draft version (v0.1, v0.2...)")
    p.add_argument("name")
    p.add_argument("--note", help="what this version is for, such as 'for the board on 12/03'")
    p.add_argument("--by", help="the name recorded (default: Command line)")
    p.set_defaults(func=cmd_freeze)

    p = sub.add_parser("check", help="the readiness check against the guide's five criteria (Guide §13.1)")
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help="one entry per criterion with its findings, as JSON")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("suggest", help="what the evidence suggests for the plan (accept with --accept KEY, dismiss with --dismiss KEY)")
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help="one entry per suggestion, with its evidence and status, as JSON")
    p.add_argument("--accept", metavar="KEY", help="accept the suggestion with this key (it becomes an aim, outcome or measure)")
    p.add_argument("--text", help="with --accept: the words to use instead of the suggestion's")
    p.add_argument("--aim", type=int, help="with --accept of an outcome: the id of the aim it serves")
    p.add_argument("--outcome", type=int, help="with --accept of a measure: the id of the outcome it measures")
    p.add_argument("--dismiss", metavar="KEY", help="dismiss the suggestion with this key (give --reason)")
    p.add_argument("--reason", help="with --dismiss: why (kept beside the suggestion)")
    p.add_argument("--by", help="the name recorded (default: Command line)")
    p.set_defaults(func=cmd_suggest)

    p = sub.add_parser("endorse", help="each partner's endorsement (Guide §13.2); with --agency, record one")
    p.add_argument("name")
    p.add_argument("--agency", help="the endorsing agency (one of the partnership's agencies)")
    p.add_argument("--decision", help="endorsed, with_comments or not_yet (default: endorsed)")
    p.add_argument("--by-name", help="who endorsed it")
    p.add_argument("--role", help="their role")
    p.add_argument("--date", help="the date, day first (04/03/2026)")
    p.add_argument("--comments", help="the agency's comments")
    p.add_argument("--by", help="the name recorded as making the change (default: Command line)")
    p.add_argument("--json", action="store_true", help="the endorsements as JSON")
    p.set_defaults(func=cmd_endorse)

    p = sub.add_parser("chain", help="how the plan answers the evidence; with --code, the chain through one action or measure")
    p.add_argument("name")
    p.add_argument("--code", help="an action's or a measure's code (A1.O2.3, A1.O2.M1)")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=cmd_chain)

    p = sub.add_parser("import-survey", help="import staff survey responses from a CSV or .xlsx (replaces them)")
    p.add_argument("name")
    p.add_argument("file")
    p.add_argument("--append", action="store_true", help="add to the responses there instead of replacing them")
    p.add_argument("--by", help="the name recorded for the import (default: Command line import)")
    _import_choices(p, answers=True)
    p.set_defaults(func=cmd_import_survey)

    p = sub.add_parser("import-figures", help="add local figures (or, with --measures, identification measures)")
    p.add_argument("name")
    p.add_argument("file")
    p.add_argument("--measures", action="store_true", help="import into the identification measures")
    p.add_argument("--replace", action="store_true", help="replace the figures there instead of adding to them")
    p.add_argument("--by", help="the name recorded for the import (default: Command line import)")
    _import_choices(p, area=True)
    p.set_defaults(func=cmd_import_figures)

    p = sub.add_parser("figures", help="the stored local figures and identification measures (year, value as written, source)")
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help="as JSON, one entry per figure")
    p.set_defaults(func=cmd_figures)

    p = sub.add_parser("import-actions", help="preview importing an action plan from .xlsx or .csv (--yes imports it)")
    p.add_argument("name")
    p.add_argument("file")
    p.add_argument("--yes", action="store_true", help="import what the preview lists")
    p.add_argument("--by", help="the name recorded for the import (default: Command line import)")
    p.add_argument(
        "--kind",
        choices=("actions", "milestones", "outputs"),
        help="what the file holds: the plan's actions (an Excel file's 'Milestones' and 'Output indicators' sheets are read "
        "with them), or only milestones or output indicators, each naming its action by code (default: by its columns)",
    )
    _import_choices(p, plan=True)
    p.set_defaults(func=cmd_import_actions)

    p = sub.add_parser("export-actions", help="write a partnership's action plan (.xlsx or .csv by the extension)")
    p.add_argument("name")
    p.add_argument("--out", required=True, help="the .xlsx or .csv file to write")
    p.add_argument(
        "--kind",
        choices=("actions", "milestones", "outputs"),
        default="actions",
        help="for a .csv, which part: the actions (default), milestones or outputs (output indicators); "
        "an .xlsx holds all three, a sheet each",
    )
    p.set_defaults(func=cmd_export_actions)

    p = sub.add_parser("import-snapshot-survey", help="import a snapshot's frontline survey from a CSV or .xlsx")
    p.add_argument("name")
    p.add_argument("file")
    p.add_argument("--snapshot", help="the snapshot's title (default: the latest)")
    p.add_argument("--append", action="store_true", help="add to the ratings there instead of replacing them")
    p.add_argument("--by", help="the name recorded for the import (default: Command line import)")
    _import_choices(p, answers=True)
    p.set_defaults(func=cmd_import_snapshot_survey)

    p = sub.add_parser(
        "import-strategic-survey", help="import a snapshot's strategic professionals' survey (a Microsoft Forms export) from a CSV or .xlsx"
    )
    p.add_argument("name")
    p.add_argument("file")
    p.add_argument("--snapshot", help="the snapshot's title (default: the latest)")
    p.add_argument("--append", action="store_true", help="add to the responses there instead of replacing them")
    p.add_argument("--by", help="the name recorded for the import (default: Command line import)")
    _import_choices(p, answers=True)
    p.set_defaults(func=cmd_import_strategic_survey)

    p = sub.add_parser("import-audit-survey", help="import a thematic audit's staff survey from a CSV or .xlsx")
    p.add_argument("name")
    p.add_argument("audit", help="the audit's theme, or its number in the list")
    p.add_argument("file")
    p.add_argument("--append", action="store_true", help="add to the responses there instead of replacing them")
    p.add_argument("--by", help="the name recorded for the import (default: Command line import)")
    _import_choices(p)
    p.set_defaults(func=cmd_import_audit_survey)

    p = sub.add_parser(
        "survey-link",
        help="open a survey's link, answered without an account (prints its path once), or change its closing date, close or reopen it; "
        "prints the count",
    )
    p.add_argument("name")
    p.add_argument("kind", choices=("staff", "frontline", "strategic", "audit"), help="which survey")
    p.add_argument("--snapshot", help="frontline or strategic: the snapshot's title (default: the latest)")
    p.add_argument("--audit", help="audit: the audit's theme, or its number in the list")
    p.add_argument("--closes", help="the closing date, DD/MM/YYYY (a new link: four weeks from today without one)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--close", action="store_true", help="close the link now")
    group.add_argument("--reopen", action="store_true", help="reopen a link closed early (the same link works again)")
    group.add_argument("--new", action="store_true", help="a new link (the one shared before stops working)")
    p.add_argument("--by", help="the name recorded (default: Command line)")
    p.set_defaults(func=cmd_survey_link)

    p = sub.add_parser("audit-log", help="write a partnership's audit log (.csv or .xlsx by the extension)")
    p.add_argument("name")
    p.add_argument("--out", required=True, help="the .csv or .xlsx file to write")
    p.set_defaults(func=cmd_audit_log)

    p = sub.add_parser("involvement", help="the record of involvement, 'you said, we did' (with --out, as .csv or .xlsx)")
    p.add_argument("name")
    p.add_argument("--out", help="the .csv or .xlsx file to write (default: print the record)")
    p.set_defaults(func=cmd_involvement)

    p = sub.add_parser("snapshot-report", help="write a snapshot's report as a Word document")
    p.add_argument("name")
    p.add_argument("--snapshot", help="the snapshot's title (default: the latest)")
    p.add_argument("--out", required=True, help="the .docx file to write (.pdf with --pdf)")
    _no_charts_option(p, pdf=True)
    p.set_defaults(func=cmd_snapshot_report)

    p = sub.add_parser("audit-briefing", help="write a thematic audit's briefing as a Word document")
    p.add_argument("name")
    p.add_argument("audit", help="the audit's theme, or its number in the list")
    p.add_argument("--out", required=True, help="the .docx file to write (.pdf with --pdf)")
    _no_charts_option(p, pdf=True)
    p.set_defaults(func=cmd_audit_briefing)

    p = sub.add_parser("workshop-export", help="write a workshop's record: notes, themes, votes, decisions (.csv or .docx)")
    p.add_argument("name")
    p.add_argument("workshop", help="the workshop's number or its title")
    p.add_argument("--out", required=True, help="the .csv (one row per note) or .docx (an appendix) to write")
    p.set_defaults(func=cmd_workshop_export)

    p = sub.add_parser("users", help="accounts: add, list, set-role, disable, set-password, unlock, setup-code, language")
    users = p.add_subparsers(dest="users_command", required=True, metavar="USERS_COMMAND")
    u = users.add_parser("add", help="create an account (asks for its password)")
    u.add_argument("username")
    u.add_argument("--name", required=True, help="the name recorded on every change")
    u.add_argument("--agency", help="the agency or organisation")
    u.add_argument("--email", help="for single sign-on: the email the identity provider gives")
    u.add_argument("--admin", action="store_true", help="a site administrator (manages accounts, sees everything)")
    u.add_argument("--sso-only", action="store_true", help="no password: signs in only through single sign-on")
    u.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    u.set_defaults(func=cmd_users)
    u = users.add_parser("list", help="accounts, one per line (tab separated), with their roles")
    u.set_defaults(func=cmd_users)
    u = users.add_parser("set-role", help="give an account a role in a partnership (none removes it)")
    u.add_argument("username")
    u.add_argument("partnership")
    u.add_argument("role", type=str.lower, choices=["owner", "editor", "scrutineer", "viewer", "none"])
    u.set_defaults(func=cmd_users)
    u = users.add_parser("disable", help="stop an account signing in (--undo to enable it again)")
    u.add_argument("username")
    u.add_argument("--undo", action="store_true")
    u.set_defaults(func=cmd_users)
    u = users.add_parser("set-password", help="set an account's password (asks for it); signs out its sessions")
    u.add_argument("username")
    u.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    u.set_defaults(func=cmd_users)
    u = users.add_parser("unlock", help="let a username sign in again at once after repeated failed sign-ins")
    u.add_argument("username")
    u.set_defaults(func=cmd_users)
    u = users.add_parser("setup-code", help="a new one-time setup code for the first-run page (only before any account exists)")
    u.set_defaults(func=cmd_users)
    u = users.add_parser("language", help="the language of the screens for an account: en (English, the default) or cy (Cymraeg)")
    u.add_argument("username")
    u.add_argument("language", help="en or cy")
    u.set_defaults(func=cmd_users)

    p = sub.add_parser("backup", help="write a whole partnership to a JSON file (docs/backup-format.md)")
    p.add_argument("name")
    p.add_argument("--out", required=True, help="the .json file to write")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="create a partnership from a backup file (never overwrites one)")
    p.add_argument("file")
    p.add_argument("--as", dest="as_name", help="restore under this name instead of the one in the file")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("progress-report", help="write a partnership's progress report in Word (Guide §15)")
    p.add_argument("name")
    p.add_argument("--out", required=True, help="the .docx file to write")
    p.add_argument("--since", help="only updates from this date, day first (31/03/2026)")
    _no_charts_option(p, pdf=True)
    _language_option(p)
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
