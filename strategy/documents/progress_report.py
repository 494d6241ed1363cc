"""The progress report (Guide §15): a Word document for the board or a scrutiny committee, built from the
same tables as the scrutineer's dashboard. A RAG summary (the status word beside every count), the
updates since the last report, each indicator's chart and table, what is at risk, and every section
listed in ``strategy.features.SCRUTINY_SECTIONS`` (audit learning and open comments among them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.engine import Engine

from strategy.answers.operations import all_rows, get_answers
from strategy.core.dates import UK, uk_long_date
from strategy.delivery import charts as delivery_chart
from strategy.delivery import operations as D
from strategy.delivery.operations import Section
from strategy.features import SCRUTINY_SECTIONS
from strategy.guide.content import content
from strategy.people.partnerships import get_partnership
from strategy.word.answers import DraftContext, brand_of
from strategy.word.toolkit import chart, finish, gap, new_document, note, safe_text, simple_table, step


def _table(ctx: DraftContext, frame) -> None:
    simple_table(
        ctx,
        [str(c) for c in frame.columns],
        [["" if v is None or (isinstance(v, float) and v != v) else _cell(v) for v in row] for row in frame.itertuples(index=False)],
    )


def _cell(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: At most this many measures share one chart (three rows of two fit a landscape page).
MEASURES_PER_CHART = 6


def _measures_chart(ctx: DraftContext, aim_code: str, measures: list) -> None:
    chart(
        ctx,
        delivery_chart.indicators_figure([(f"{row.Code} {row.Indicator}", readings) for row, readings in measures]),
        safe_text(
            f"Line charts, one for each measure of aim {aim_code} ("
            + "; ".join(f"{row.Code} {row.Indicator}" for row, _ in measures)
            + "), of the readings against the baseline and target; the same figures are in the tables below."
        ),
        safe_text(f"Aim {aim_code}: each measure's readings, baseline and target ({', '.join(str(row.Code) for row, _ in measures)})."),
        height=delivery_chart.indicators_height(len(measures)),
    )


def build_progress_report(
    d: D.Delivery, *, charts: bool = True, now: datetime | None = None, sections: Sequence[Section] = SCRUTINY_SECTIONS
) -> bytes:
    now = now or datetime.now(UK)
    partnership = get_partnership(d.engine, d.partnership_id)
    answers = get_answers(d.engine, d.partnership_id)
    brand = brand_of(answers)
    since = f" Updates since {uk_long_date(d.since)}." if d.since else ""
    # Landscape A4: the update and indicator tables are wide, and every table fills the page's width.
    base = new_document(
        partnership,
        "Progress on the child sexual abuse strategy",
        f"Report of {uk_long_date(d.today)}",
        now,
        charts=charts,
        lines=[
            f"For the partnership's board or scrutiny committee (Guide §15).{since} Progress updates are asked for every {d.interval} days."
        ],
        brand=brand,
        landscape=True,
        contents=True,
    )
    doc = base.doc
    ctx = DraftContext(doc, content(), partnership, answers, all_rows(d.engine, d.partnership_id), charts, d.plan)

    step("Summing up the actions by status", 0.05)
    actions = D.action_status_table(d)
    doc.add_heading("Summary of actions by status", level=1)
    if actions.empty:
        gap(ctx, "The plan has no actions yet (workbook page 'Action plan', Guide §12).")
    else:
        counts = D.status_counts(actions)
        rag = {s["label"]: s["rag"] for s in D.statuses()}
        overdue, due = int(actions["Overdue"].sum()), int(actions["Due for an update"].sum())
        doc.add_paragraph(
            f"{len(actions)} actions: "
            + "; ".join(f"{r.Actions} {r.Status.lower()}" for r in counts.itertuples() if r.Actions)
            + f". {overdue} overdue; {due} due for an update."
        )
        chart(
            ctx,
            delivery_chart.status_figure(counts),
            "Bar chart of the number of actions with each status; the same figures are in the table below.",
            "Actions by status.",
            height=380,
        )
        counts.insert(1, "Colour", [rag[s] for s in counts["Status"]])
        _table(ctx, counts)
        doc.add_heading("By strategic aim", level=2)
        _table(ctx, D.status_counts(actions, "Strategic aim"))

    step("Writing the progress updates", 0.25)
    doc.add_heading("Updates since the last report" if d.since else "Progress updates", level=1)
    updates = D.updates_table(d)
    if updates.empty:
        gap(ctx, "No progress updates in this period.")
    else:
        _table(ctx, updates[["Date", "Code", "Status", "Progress note", "Evidence", "By"]])

    step("Writing the milestones and outputs", 0.32)
    _milestones_and_outputs(ctx, d)

    step("Writing the indicators", 0.4)
    doc.add_heading("Indicators", level=1)
    indicators = D.indicator_table(d)
    if indicators.empty:
        gap(ctx, "The evaluation framework has no measures yet (workbook page 'Evaluation framework', Guide §7.2).")
    else:
        note(
            ctx,
            "Direction of travel compares the latest reading with the one before. Off track: the latest "
            "reading is worse than the baseline, or it has covered less of the way to the target than the time "
            f"passed minus {round(D.OFF_TRACK_MARGIN * 100)} percentage points. Codes c, z and : are "
            "gaps in the chart, never zero.",
        )
        _table(ctx, indicators[["Code", "Indicator", "Baseline", "Target", "Latest", "Direction of travel", "Judgement"]])
        # One chart per strategic aim, a panel for each of its measures (a large partnership's sixty
        # measures are twelve pictures, not sixty), then each measure's readings as a table.
        by_aim: dict[str, list] = {}
        for row in indicators.itertuples():
            readings = D.readings_table(d, row._11)
            if not readings.empty:
                by_aim.setdefault(str(row.Code).split(".")[0], []).append((row, readings))
        for aim_code, all_measures in by_aim.items():
            doc.add_heading(safe_text(f"Measures of aim {aim_code}"), level=2)
            for first in range(0, len(all_measures), MEASURES_PER_CHART):
                _measures_chart(ctx, aim_code, all_measures[first : first + MEASURES_PER_CHART])
            for row, readings in all_measures:
                doc.add_heading(safe_text(f"{row.Code} {row.Indicator}"), level=3)
                _table(ctx, readings[["Period", "Value", "Baseline", "Target", "Source", "Note"]])

    for number, section in enumerate(sections):
        step(f"Writing '{section.title}'", 0.7 + 0.2 * number / max(len(sections), 1))
        doc.add_heading(safe_text(section.title), level=1)
        if section.intro:
            doc.add_paragraph(safe_text(section.intro))
        frame = section.rows(d)
        if frame.empty:
            doc.add_paragraph(safe_text(section.empty))
        else:
            _table(ctx, frame)
    return finish(base)


def _milestones_and_outputs(ctx: DraftContext, d: D.Delivery) -> None:
    """Milestones due in the period, the overdue ones named; each action's output indicators against
    their targets; and the resources given for the actions (Guide §12, §15.1)."""
    doc = ctx.doc
    period = f"since {uk_long_date(d.since)}" if d.since else "up to this report"
    doc.add_heading("Milestones", level=1)
    milestones = D.milestone_table(d)
    if milestones.empty:
        gap(ctx, f"No milestone was due {period}, and none is overdue.")
    else:
        overdue = milestones[milestones["Overdue"]]
        if overdue.empty:
            doc.add_paragraph(f"{len(milestones)} milestones were due {period}; none is overdue.")
        else:
            doc.add_paragraph(
                safe_text(
                    f"{len(milestones)} milestones were due {period} or are overdue. Overdue: "
                    + "; ".join(
                        f"{r['Code']} {r['Milestone']} (due {uk_long_date(date.fromisoformat(r['_due']))})"
                        for r in overdue.to_dict("records")
                    )
                    + "."
                )
            )
        _table(ctx, milestones[D.MILESTONE_COLUMNS])
    doc.add_heading("Output indicators", level=1)
    outputs = D.output_table(d)
    if outputs.empty:
        gap(ctx, "No action has output indicators yet (workbook page 'Action plan', Guide §15.1).")
    else:
        doc.add_paragraph("What each action has delivered so far against its target (Guide §15.1).")
        _table(ctx, outputs)
    resources = D.resources_table(d)
    if not resources.empty:
        doc.add_heading("Resources", level=1)
        total = D.total_cost(d)
        if total:
            doc.add_paragraph(f"The costs given for these actions come to {total}.")
        _table(ctx, resources)


def export_progress_report(
    engine: Engine,
    partnership_id: int,
    *,
    since: date | None = None,
    today: date | None = None,
    charts: bool = True,
    sections: Sequence[Section] = SCRUTINY_SECTIONS,
) -> bytes:
    """The one way to the progress report: page, CLI and tests all call this."""
    return build_progress_report(D.load_delivery(engine, partnership_id, today=today, since=since), charts=charts, sections=sections)


def report_filename(name: str, today: date | None = None) -> str:
    today = today or date.today()
    safe = "".join(ch if ch.isalnum() else "-" for ch in name).strip("-").lower() or "partnership"
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"{safe[:60]}-progress-report-{today.isoformat()}.docx"
