"""Sections 5 to 11 of the Word draft: aims and outcomes with the chain (5), the four core components
(6-9), the action plan (10: one table per aim in the guide's layout, on landscape pages, header rows
repeating) and monitoring and evaluation (11: the evaluation framework table and the review cycle).

A section with nothing yet says what is missing, as the rest of the draft does."""

from __future__ import annotations

from docx.enum.section import WD_SECTION
from docx.table import _Cell

from strategy.core.models import PlanAction, stored_id
from strategy.core.values import uk_day
from strategy.plan import charts as plan_chart
from strategy.plan import operations as P
from strategy.word.answers import DraftContext, answer_section, grid_table, prompt_table, section_not_started
from strategy.word.style import page_setup
from strategy.word.toolkit import bullets, chart, gap, repeat_header, safe_text, simple_table

#: Template sections printed on landscape pages (wide tables).
LANDSCAPE = {"s10", "s11"}


def set_orientation(doc, landscape: bool) -> None:
    """Start a new section (on a new page): A4, landscape or portrait."""
    page_setup(doc.add_section(WD_SECTION.NEW_PAGE), landscape=landscape)


def _plan(ctx: DraftContext) -> P.Plan:
    return ctx.plan if isinstance(ctx.plan, P.Plan) else P.Plan()


def _section(ctx: DraftContext, section_id: str) -> dict:
    return next(s for s in ctx.content.reference("template_sections").items if s["id"] == section_id)


# --- Section 5 ----------------------------------------------------------------------------------


def section_aims(ctx: DraftContext) -> None:
    plan, doc = _plan(ctx), ctx.doc
    if plan.empty:
        section_not_started(ctx, _section(ctx, "s5"))
        return
    doc.add_paragraph(
        "The partnership's Theory of Change links each strategic aim to the outcomes that will show it "
        "has been met, and each outcome to the actions in section 10 that lead to it (Guide §7.1)."
    )
    for aim in plan.aims:
        doc.add_heading(safe_text(f"Strategic aim {plan.code('aim', aim.id)}: {aim.title}"), level=2)
        if aim.description:
            doc.add_paragraph(safe_text(aim.description))
        if aim.rationale:
            doc.add_paragraph(safe_text(f"Why: {aim.rationale}"), style="Intense Quote")
        outcomes = plan.outcomes.get(stored_id(aim), [])
        if not outcomes:
            gap(ctx, "Not written yet: the intended outcomes of this aim (workbook page 'Theory of Change', Guide §7.1).")
        for o in outcomes:
            para = doc.add_paragraph(safe_text(f"{plan.code('outcome', o.id)} {o.title}"), style="List Bullet")
            if o.rationale:
                para.add_run(safe_text(f" (why: {o.rationale})"))
    doc.add_heading("The chain from aims to actions", level=2)
    figure = plan_chart.chain_figure(plan)
    chart(
        ctx,
        figure,
        "Diagram of the strategic aims, their intended outcomes and the actions under each, with gaps "
        "marked. The same chain is in the table below.",
        "The Theory of Change: aims, intended outcomes and actions.",
        height=min(1350, max(560, int(figure.layout.height or 560))),
    )
    table = plan_chart.chain_table(plan)
    simple_table(
        ctx,
        ["Aim", "Outcome", "Action", "Measures"],
        [[r["Aim"], r["Outcome"], r["Action"], r["Measures"]] for r in table.to_dict("records")],
    )
    gaps = [f.message for f in P.plan_checks(plan) if f.kind in ("no_outcome", "no_action", "no_measure")]
    if gaps:
        gap(ctx, "Gaps still to close: " + " ".join(gaps))


# --- Sections 6 to 9: the core components -------------------------------------------------------


def _component(ctx: DraftContext, chapter_id: str, component: str, section_id: str | None) -> None:
    chapter = ctx.content.chapter(chapter_id)
    prompts = [p for p in chapter.prompts if p.answerable]
    rows_prompt = next(p for p in prompts if p.type == "table")
    anything = any(ctx.value(p.id).strip() for p in prompts if p.type != "table") or ctx.rows.get(rows_prompt.id)
    plan = _plan(ctx)
    actions = [x for x in plan.all_actions() if x.component == component]
    if not anything and not actions and section_id:
        section_not_started(ctx, _section(ctx, section_id))
        return
    for section in chapter.sections:
        for prompt in section.prompts:
            if prompt.type == "table":
                continue
            if prompt.type == "grid":
                _grid_section(ctx, prompt)
                continue
            answer_section(ctx, prompt.id, section.title if len(section.prompts) == 1 else None, level=2)
    _component_tail(ctx, rows_prompt.id, component, chapter, level=2)


def _grid_section(ctx: DraftContext, prompt) -> None:
    """A checklist grid in a component's section (the whole-system response's pathways, Guide §10)."""
    ctx.doc.add_heading(ctx.content.fill(prompt.label, ctx.partnership.nation).rstrip("?"), level=2)
    rows_from = prompt.rows_from if isinstance(prompt.rows_from, str) else (prompt.rows_from or [""])[0]
    empty = grid_table(ctx, prompt, ctx.content.reference(rows_from).title if rows_from else "")
    if len(empty) == len(ctx.content.grid_rows(prompt, ctx.partnership.nation)):
        chapter = ctx.content.chapter_of(prompt.id)
        gap(ctx, f"Not written yet: '{ctx.content.fill(prompt.label, ctx.partnership.nation)}' (workbook chapter '{chapter.title}').")
    elif empty:
        gap(ctx, f"Not recorded yet: {'; '.join(empty)}.")


def section_prevention(ctx: DraftContext) -> None:
    _component(ctx, "prevention", "prevention", "s6")


def section_identification(ctx: DraftContext) -> None:
    _component(ctx, "identification", "identification", "s7")


def section_response(ctx: DraftContext) -> None:
    _component(ctx, "whole_system", "response", "s8")


def planned_workforce_development(ctx: DraftContext) -> None:
    """The end of section 9, after the workforce audit's findings."""
    ctx.doc.add_heading("Planned workforce development", level=2)
    chapter = ctx.content.chapter("workforce_development")
    prompts = [p for p in chapter.prompts if p.answerable and p.type != "table"]
    plan = _plan(ctx)
    if (
        not any(ctx.value(p.id).strip() for p in prompts)
        and not ctx.rows.get("development.activities")
        and not [x for x in plan.all_actions() if x.component == "workforce"]
    ):
        gap(
            ctx,
            "Not written yet: how the partnership will build practitioners' knowledge, skills and confidence "
            "through training, practice resources and supervision (workbook chapter 'Workforce development', "
            "Guide §11).",
        )
        return
    labels = {
        "development.training": "Training",
        "development.resources": "Resources to support practice",
        "development.supervision": "Supervision and team meetings",
        "development.staff_experience": "Staff with their own experience of sexual abuse",
    }
    for p in prompts:
        answer_section(ctx, p.id, labels.get(p.id), level=3)
    _component_tail(ctx, "development.activities", "workforce", chapter, level=3)


def _component_tail(ctx: DraftContext, prompt_id: str, component: str, chapter, level: int) -> None:
    """A component's planned activities (a table) and the actions in the plan that serve it."""
    plan = _plan(ctx)
    ctx.doc.add_heading("Planned activities", level=level)
    rows = [r for r in ctx.rows.get(prompt_id, []) if r.row_key is None]
    if rows:
        prompt_table(ctx, ctx.content.prompts[prompt_id], rows)
    else:
        gap(ctx, f"Not written yet: the planned activities (workbook chapter '{chapter.title}', Guide {chapter.guide}).")
    actions = [x for x in plan.all_actions() if x.component == component]
    ctx.doc.add_heading("Actions in the plan", level=level)
    if actions:
        bullets(
            ctx, [f"{plan.code('action', x.id)} {x.title}" + (f" (lead: {'; '.join(P.leads(x))})" if P.leads(x) else "") for x in actions]
        )
    else:
        gap(ctx, f"Not written yet: actions in the action plan for this component (Guide {chapter.guide}, §12).")


# --- Section 10: the action plan ----------------------------------------------------------------

ACTION_HEADERS = [
    "Intended outcome",
    "Action",
    "Lead/responsible agency",
    "Dates for commencement/completion",
    "Component and recommendations",
    "Resources",
]


def action_detail(plan: P.Plan, x: PlanAction) -> list[str]:
    """The lines under an action in the draft's table: its milestones (due date, status, date done) and
    its output indicators (achieved against target), each on its own line."""
    statuses = P.option_labels("milestone_statuses")
    lines = []
    milestones = plan.milestones.get(stored_id(x), [])
    if milestones:
        lines.append("Milestones:")
        for m in milestones:
            when = f"due {uk_day(m.due_date)}" if m.due_date else "no due date"
            state = f"done on {uk_day(m.done_date)}" if m.status == "done" and m.done_date else statuses.get(m.status, m.status).lower()
            lines.append(f"• {m.title} ({when}; {state})")
    outputs = plan.outputs.get(stored_id(x), [])
    if outputs:
        lines.append("Output indicators:")
        lines += [f"• {o.title}: {P.output_progress(o)}" for o in outputs]
    return lines


def _dates(x) -> str:
    start, end = uk_day(x.start_date), uk_day(x.end_date)
    text = f"{start or 'not set'} to {end or 'not set'}" if (start or end) else "not set"
    if x.when_text:
        text += f" ({x.when_text})"
    return text


def section_action_plan(ctx: DraftContext) -> None:
    plan, doc = _plan(ctx), ctx.doc
    if not plan.all_actions():
        section_not_started(ctx, _section(ctx, "s10"))
        return
    comps = P.option_labels("core_components")
    statuses = P.option_labels("action_statuses")
    stages = P.option_labels("action_stages")
    doc.add_paragraph(
        "Each action serves one intended outcome from section 5, with a lead agency, a timescale and the resources "
        "it needs, and under it its milestones and output indicators (Guide §12, §15.1). Codes match the workbook."
    )
    for aim in plan.aims:
        doc.add_heading(safe_text(f"Strategic aim {plan.code('aim', aim.id)}: {aim.title}"), level=2)
        if aim.description:
            doc.add_paragraph(safe_text(aim.description))
        outcomes = plan.outcomes.get(stored_id(aim), [])
        if not any(plan.actions.get(stored_id(o)) for o in outcomes):
            gap(ctx, "Not written yet: actions for this aim (workbook page 'Action plan', Guide §12).")
            continue
        # Each row's cells, and whether its outcome cell starts or carries on a cell merged down the
        # outcome's actions. The table is made with every row at once and merged in its XML:
        # python-docx's add_row() and merge() work the grid out again for each (seconds at 400 actions).
        rows: list[tuple[list[str], str | None]] = []
        for o in outcomes:
            actions = plan.actions.get(stored_id(o), [])
            slots: list[PlanAction | None] = [*actions] or [None]  # an outcome with no action still gets a row
            label = safe_text(f"{plan.code('outcome', o.id)} {o.title}")
            for n, x in enumerate(slots):
                merged = None if len(slots) == 1 else ("restart" if n == 0 else "continue")
                first = label if n == 0 else ""
                if x is None:
                    rows.append(([first, "No action yet", "", "", "", ""], merged))
                    continue
                recs = [r.replace("rec", "") for r in P.recommendations(x)]
                extra = [comps.get(x.component, ""), stages.get(x.stage, ""), statuses.get(x.status, "")]
                if recs:
                    extra.append("Recommendations " + ", ".join(recs))
                cells = [
                    first,
                    safe_text("\n".join([f"{plan.code('action', x.id)} {x.title}", *action_detail(plan, x)])),
                    safe_text("; ".join(P.leads(x)) or "No lead yet"),
                    safe_text(_dates(x)),
                    safe_text("; ".join(e for e in extra if e)),
                    safe_text(P.resources_text(x)),
                ]
                rows.append((cells, merged))
        table = doc.add_table(rows=1 + len(rows), cols=len(ACTION_HEADERS))
        table.style = "Table Grid"  # the house table style, sized to its content, when the draft is saved
        trs = table._tbl.tr_lst
        for tc, header in zip(trs[0].tc_lst, ACTION_HEADERS, strict=True):
            _Cell(tc, table).text = header
        for tr, (cells, merged) in zip(trs[1:], rows, strict=True):
            tcs = tr.tc_lst
            for tc, value in zip(tcs, cells, strict=True):
                if value:
                    _Cell(tc, table).text = value
            if merged:
                tcs[0].vMerge = merged
        repeat_header(table.rows[0])
    checks = [f.message for f in P.plan_checks(plan) if f.kind in ("no_lead", "no_dates", "dates_reversed", "no_action", "milestone_dates")]
    costs = [x.cost_pence for x in plan.all_actions() if x.cost_pence is not None]
    if costs:
        doc.add_paragraph(f"The costs given for {len(costs)} of the {len(plan.all_actions())} actions come to {P.format_cost(sum(costs))}.")
    if checks:
        doc.add_heading("Still to settle", level=2)
        for message in checks:
            gap(ctx, message)
    doc.add_heading("The national review's recommendations", level=2)
    doc.add_paragraph(
        "The six recommendations of the national review for safeguarding partners, and the actions that answer each (Guide, Appendix)."
    )
    coverage = [
        [f"{rec['number']}. {rec['label']}", "; ".join(plan.code("action", x.id) for x in acts) or "No action answers it yet"]
        for rec, acts in P.recommendation_coverage(plan)
    ]
    simple_table(ctx, ["Recommendation", "Actions that answer it"], coverage)
    timeline = plan_chart.gantt_figure(plan)
    chart(
        ctx,
        timeline,
        "Timeline of the actions with dates, coloured by strategic aim; the dates are in the tables above.",
        "The action plan's timeline.",
        height=min(900, max(560, int(timeline.layout.height or 560))) if timeline is not None else 560,
    )


# --- Section 11: monitoring and evaluation ------------------------------------------------------


def section_evaluation(ctx: DraftContext) -> None:
    plan = _plan(ctx)
    if not plan.all_measures():
        section_not_started(ctx, _section(ctx, "s11"))
    else:
        _evaluation(ctx, plan)
    _policies(ctx)


def _policies(ctx: DraftContext) -> None:
    """Template section 11: the policies and procedures the strategy rests on, and when each is reviewed."""
    rows = ctx.rows.get("review.policies", [])
    ctx.doc.add_heading("Associated policies and procedures", level=2)
    if not rows:
        gap(ctx, "Not written yet: the associated policies and procedures and their review dates (workbook chapter 'Feedback and review').")
        return
    ctx.doc.add_paragraph("The strategy rests on these policies and procedures, each reviewed on the date shown.")
    prompt_table(ctx, ctx.content.prompts["review.policies"], rows)


def _evaluation(ctx: DraftContext, plan: P.Plan) -> None:
    doc = ctx.doc
    freq = P.option_labels("measure_frequencies")
    doc.add_heading("Evaluation framework", level=2)
    doc.add_paragraph("How the partnership will know each intended outcome has been achieved (Guide §7.2).")
    rows = []
    for o in plan.all_outcomes():
        for m in plan.measures.get(stored_id(o), []):
            baseline = " ".join(v for v in [m.baseline_value, f"({uk_day(m.baseline_date)})" if m.baseline_date else ""] if v)
            target = " ".join(v for v in [m.target_value, f"(by {uk_day(m.target_date)})" if m.target_date else ""] if v)
            rows.append(
                [
                    f"{plan.code('outcome', o.id)} {o.title}",
                    m.indicator,
                    m.collection,
                    m.collator,
                    m.reporting,
                    baseline,
                    target,
                    freq.get(m.frequency, m.frequency),
                ]
            )
    simple_table(
        ctx,
        [
            "Intended outcome",
            "Data that shows it",
            "How and where collected and recorded",
            "Who collates it",
            "How and when it reaches the steering group",
            "Baseline",
            "Target",
            "How often",
        ],
        rows,
    )
    missing = P.outcomes_without_measure(plan)
    if missing:
        gap(ctx, "Not written yet: a measure for " + "; ".join(f"{plan.code('outcome', o.id)} {o.title}" for o in missing) + ".")
    doc.add_heading("Review cycle", level=2)
    counts: dict[str, int] = {}
    for m in plan.all_measures():
        counts[freq.get(m.frequency, "not set")] = counts.get(freq.get(m.frequency, "not set"), 0) + 1
    doc.add_paragraph(
        safe_text(
            "Measures are reported to the steering group as follows: " + "; ".join(f"{k.lower()}: {v}" for k, v in counts.items()) + "."
        )
    )
    doc.add_paragraph(
        "Progress on every action in section 10 is reported to the steering group at each meeting. "
        "The strategy, its aims and this plan are reviewed at least once a year, with the findings of "
        "audits, feedback from practitioners, children and families, and independent scrutiny "
        "(Guide §15.1-15.4)."
    )
    interval = ctx.value("implementation.update_interval")
    if interval:
        doc.add_paragraph(
            safe_text(
                f"Each action's lead records a dated progress update at least every {interval} days; an "
                "action without one is listed as due for an update in the partnership's progress reports."
            )
        )


PLAN_WRITERS = {
    "s5": section_aims,
    "s6": section_prevention,
    "s7": section_identification,
    "s8": section_response,
    "s10": section_action_plan,
    "s11": section_evaluation,
}


def appendix_recommendations(ctx: DraftContext) -> None:
    """Appendix A: each of the six national-review recommendations with the actions that answer it,
    and a flag on any that no action answers (Guide, Appendix)."""
    plan, doc = _plan(ctx), ctx.doc
    doc.add_page_break()
    doc.add_heading("Appendix A: The national review's recommendations", level=1)
    doc.add_paragraph(
        "The Child Safeguarding Practice Review Panel's national review made six recommendations for "
        "safeguarding partners. This appendix shows the actions in this strategy that answer each."
    )
    for rec, actions in P.recommendation_coverage(plan):
        doc.add_heading(safe_text(f"Recommendation {rec['number']}: {rec['label']}"), level=2)
        doc.add_paragraph(safe_text(" ".join(rec.get("summary", "").split())))
        if not actions:
            gap(ctx, f"No action in the plan answers recommendation {rec['number']} yet (action plan, Guide §12).")
            continue
        rows = [
            [plan.code("action", x.id), x.title, "; ".join(P.leads(x)) or "No lead yet", uk_day(x.end_date) or x.when_text or "No date yet"]
            for x in actions
        ]
        simple_table(ctx, ["Code", "Action", "Lead/responsible agency", "Completion"], rows)
