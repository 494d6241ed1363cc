"""Sections 5 to 11 of the Word draft: aims and outcomes with the chain (5), the four core components
(6-9), the action plan (10: one table per aim in the guide's layout, on landscape pages, header rows
repeating) and monitoring and evaluation (11: the evaluation framework table and the review cycle).

A section with nothing yet says what is missing, as the rest of the draft does."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from docx.enum.section import WD_SECTION
from docx.table import _Cell

from strategy.core.models import PlanAction, stored_id
from strategy.core.values import uk_day
from strategy.plan import charts as plan_chart
from strategy.plan import operations as P
from strategy.word.answers import DraftContext, answer_section, grid_table, prompt_table, section_not_started
from strategy.word.language import Both, chart_months, phrase, phrases
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
    doc.add_paragraph(ctx.say("plan.aims_intro"))
    for aim in plan.aims:
        doc.add_heading(safe_text(ctx.say("plan.aim", code=plan.code("aim", aim.id), title=ctx.title("aim", aim.id, aim.title))), level=2)
        if aim.description:
            doc.add_paragraph(safe_text(ctx.text(ctx.own(aim.description))))
        if aim.rationale:
            doc.add_paragraph(safe_text(ctx.say("plan.why", why=ctx.own(aim.rationale))), style="Intense Quote")
        outcomes = plan.outcomes.get(stored_id(aim), [])
        if not outcomes:
            gap(ctx, ctx.say("plan.no_outcomes"))
        for o in outcomes:
            para = doc.add_paragraph(
                safe_text(f"{plan.code('outcome', o.id)} {ctx.text(ctx.title('outcome', o.id, o.title))}"), style="List Bullet"
            )
            if o.rationale:
                para.add_run(
                    safe_text(f" (why: {o.rationale})" if ctx.language == "en" else f" ({ctx.say('plan.why', why=ctx.own(o.rationale))})")
                )
    doc.add_heading(ctx.say("plan.chain"), level=2)
    if ctx.charts:  # the figure is built only for a picture
        figure = plan_chart.chain_figure(plan)
        chart(
            ctx,
            figure,
            ctx.say("plan.chain_alt"),
            ctx.say("plan.chain_caption"),
            height=min(1350, max(560, int(figure.layout.height or 560))),
        )
    simple_table(ctx, [ctx.say(f"chain.{h}") for h in ("aim", "outcome", "action", "measures")], _chain_rows(ctx, plan))
    gaps = [_finding(ctx, f) for f in P.plan_checks(plan) if f.kind in ("no_outcome", "no_action", "no_measure")]
    if gaps:
        gap(ctx, ctx.say("plan.gaps", gaps=Both(" ".join(g.en for g in gaps), " ".join(g.cy for g in gaps))))


def _finding(ctx: DraftContext, finding: P.Finding) -> Both:
    """A check on the plan in both languages: in English the check's own message (which quotes the
    title); in Welsh by its code, the title being in the plan above in Welsh."""
    if ctx.language == "en":
        return Both(finding.message, finding.message)
    if finding.kind == "no_dates" and "completion date" in finding.message:
        welsh = phrase("check.no_completion", "cy", ctx.translations.phrases, code=finding.code)
    else:
        welsh = phrase(f"check.{finding.kind}", "cy", ctx.translations.phrases, code=finding.code)
    return Both(finding.message, welsh)


def _chain_rows(ctx: DraftContext, plan: P.Plan) -> list[list[str]]:
    """The chain as the table under its diagram (strategy.plan.charts.chain_table's rows), each title
    in the document's language: one row per action, or per aim or outcome with none."""

    def coded(kind: str, item) -> str:
        return f"{plan.code(kind, item.id)} {ctx.text(ctx.title(kind, item.id, item.title))}"

    rows = []
    for aim in plan.aims:
        outcomes = plan.outcomes.get(stored_id(aim), [])
        if not outcomes:
            rows.append([coded("aim", aim), ctx.say("chain.no_outcome"), "", ""])
        for o in outcomes:
            measures = len(plan.measures.get(stored_id(o), []))
            count = str(measures) if measures else ctx.say("chain.none")
            actions = plan.actions.get(stored_id(o), [])
            if not actions:
                rows.append([coded("aim", aim), coded("outcome", o), ctx.say("chain.no_action"), count])
            rows += [[coded("aim", aim), coded("outcome", o), coded("action", x), count] for x in actions]
    return rows


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
            if len(section.prompts) == 1:
                answer_section(ctx, prompt.id, section.title, level=2, heading_cy=section.title_cy)
            else:
                answer_section(ctx, prompt.id, None, level=2)
    _component_tail(ctx, rows_prompt.id, component, chapter, level=2)


def _grid_section(ctx: DraftContext, prompt) -> None:
    """A checklist grid in a component's section (the whole-system response's pathways, Guide §10)."""
    label = ctx.content.fill(prompt.label, ctx.partnership.nation)
    welsh_label = ctx.content.label_in(prompt, ctx.partnership.nation, "cy")
    ctx.doc.add_heading(ctx.text(Both(label.rstrip("?"), welsh_label.rstrip("?"))), level=2)
    rows_from = prompt.rows_from if isinstance(prompt.rows_from, str) else (prompt.rows_from or [""])[0]
    title: Both | str = ""
    if rows_from:
        ref = ctx.content.reference(rows_from)
        title = Both(ref.title, (ref.model_extra or {}).get("title_cy") or ref.title)
    empty = grid_table(ctx, prompt, ctx.text(title))
    if len(empty) == len(ctx.content.grid_rows(prompt, ctx.partnership.nation, ctx.language)):
        chapter = ctx.content.chapter_of(prompt.id)
        gap(ctx, ctx.say("answer.not_written", label=Both(label, welsh_label), chapter=ctx.chapter_name(chapter.title)))
    elif empty:
        gap(
            ctx,
            ctx.say(
                "evidence.not_recorded_yet",
                items=ctx.names(
                    rows_from, [key for key, name in ctx.content.grid_rows(prompt, ctx.partnership.nation, ctx.language) if name in empty]
                ),
            ),
        )


def section_prevention(ctx: DraftContext) -> None:
    _component(ctx, "prevention", "prevention", "s6")


def section_identification(ctx: DraftContext) -> None:
    _component(ctx, "identification", "identification", "s7")


def section_response(ctx: DraftContext) -> None:
    _component(ctx, "whole_system", "response", "s8")


def planned_workforce_development(ctx: DraftContext) -> None:
    """The end of section 9, after the workforce audit's findings."""
    ctx.doc.add_heading(ctx.say("plan.planned_development"), level=2)
    chapter = ctx.content.chapter("workforce_development")
    prompts = [p for p in chapter.prompts if p.answerable and p.type != "table"]
    plan = _plan(ctx)
    if (
        not any(ctx.value(p.id).strip() for p in prompts)
        and not ctx.rows.get("development.activities")
        and not [x for x in plan.all_actions() if x.component == "workforce"]
    ):
        gap(ctx, ctx.say("plan.development_missing", chapter=ctx.chapter_name(chapter.title)))
        return
    for p in prompts:  # each heading in English and Welsh: the phrase answer.<prompt id>
        heading = phrases().get(f"answer.{p.id}")
        answer_section(ctx, p.id, heading["en"] if heading else None, level=3)
    _component_tail(ctx, "development.activities", "workforce", chapter, level=3)


def _component_tail(ctx: DraftContext, prompt_id: str, component: str, chapter, level: int) -> None:
    """A component's planned activities (a table) and the actions in the plan that serve it."""
    plan = _plan(ctx)
    ctx.doc.add_heading(ctx.say("plan.planned_activities"), level=level)
    rows = [r for r in ctx.rows.get(prompt_id, []) if r.row_key is None]
    if rows:
        prompt_table(ctx, ctx.content.prompts[prompt_id], rows)
    else:
        gap(ctx, ctx.say("plan.activities_missing", chapter=ctx.chapter_name(chapter.title), guide=chapter.guide))
    actions = [x for x in plan.all_actions() if x.component == component]
    ctx.doc.add_heading(ctx.say("plan.actions_in_plan"), level=level)
    if actions:
        bullets(
            ctx,
            [
                f"{plan.code('action', x.id)} {ctx.text(ctx.title('action', x.id, x.title))}"
                + (f" ({ctx.say('plan.lead', leads='; '.join(P.leads(x)))})" if P.leads(x) else "")
                for x in actions
            ],
        )
    else:
        gap(ctx, ctx.say("plan.component_actions_missing", guide=chapter.guide))


# --- Section 10: the action plan ----------------------------------------------------------------

ACTION_HEADERS = [
    "Intended outcome",
    "Action",
    "Lead/responsible agency",
    "Dates for commencement/completion",
    "Component and recommendations",
    "Resources",
]
_ACTION_HEADER_KEYS = [
    "plan.header.outcome",
    "plan.header.action",
    "plan.header.lead",
    "plan.header.dates",
    "plan.header.component",
    "plan.header.resources",
]


def _say(ctx: DraftContext | None, key: str, **values: object) -> str:
    """A fixed phrase in the document's language; in English when there is no document (the plan's own lines)."""
    return ctx.say(key, **values) if ctx is not None else phrase(key, "en", None, **values)


def action_detail(plan: P.Plan, x: PlanAction, ctx: DraftContext | None = None) -> list[str]:
    """The lines under an action in the draft's table: its milestones (due date, status, date done) and
    its output indicators (achieved against target), each on its own line, in the document's language."""

    say = partial(_say, ctx)

    def own(text: str) -> str:
        return ctx.text(ctx.own(text)) if ctx is not None else text

    welsh = ctx is not None and ctx.language != "en"
    statuses = P.option_labels("milestone_statuses")
    lines = []
    milestones = plan.milestones.get(stored_id(x), [])
    if milestones:
        lines.append(say("plan.milestones"))
        for m in milestones:
            when = say("plan.milestone_due", date=uk_day(m.due_date)) if m.due_date else say("plan.milestone_no_due")
            if m.status == "done" and m.done_date:
                state = say("plan.milestone_done_on", date=uk_day(m.done_date))
            elif welsh and f"milestone_status.{m.status}" in phrases():
                state = say(f"milestone_status.{m.status}")
            else:
                state = statuses.get(m.status, m.status).lower()
            lines.append(f"• {own(m.title)} ({when}; {state})")
    outputs = plan.outputs.get(stored_id(x), [])
    if outputs:
        lines.append(say("plan.outputs"))
        lines += [f"• {own(o.title)}: {_output_progress(o, say) if welsh else P.output_progress(o)}" for o in outputs]
    return lines


def _output_progress(output, say: Callable[..., str]) -> str:
    """P.output_progress in the document's language."""
    if output.achieved is None:
        return say("plan.output_nothing") + (
            f" ({say('plan.output_target', target=P.number_text(output.target))})" if output.target is not None else ""
        )
    text = P.number_text(output.achieved)
    if output.target is not None:
        text = say("plan.output_of", achieved=text, target=P.number_text(output.target))
        if output.target > 0:
            text += f" ({P.percent(output.achieved, output.target)})"
    if output.as_at:
        text += " " + say("plan.output_at", date=uk_day(output.as_at))
    return text


def _resources(ctx: DraftContext, x: PlanAction) -> str:
    """P.resources_text in the document's language (the partnership's own words marked in Welsh)."""
    if ctx.language == "en":
        return P.resources_text(x)
    parts = [P.format_cost(x.cost_pence)] if x.cost_pence is not None else []
    if x.funding_source:
        parts.append(ctx.say("plan.funding", text=ctx.text(ctx.own(x.funding_source))))
    if x.staff_time:
        parts.append(ctx.say("plan.staff_time", text=ctx.text(ctx.own(x.staff_time))))
    return "; ".join(parts)


def _dates(x, ctx: DraftContext | None = None) -> str:
    say = partial(_say, ctx)
    start, end = uk_day(x.start_date), uk_day(x.end_date)
    text = say("plan.dates", start=start or say("plan.not_set"), end=end or say("plan.not_set")) if (start or end) else say("plan.not_set")
    if x.when_text:
        text += f" ({x.when_text})"
    return text


def _option(ctx: DraftContext, prefix: str, labels: dict[str, str], value: str) -> str:
    """A reference list's label (a component, stage, status, frequency) in the document's language."""
    key = f"{prefix}.{value}"
    return ctx.say(key) if ctx.language != "en" and key in phrases() else labels.get(value, "")


def section_action_plan(ctx: DraftContext) -> None:
    plan, doc = _plan(ctx), ctx.doc
    if not plan.all_actions():
        section_not_started(ctx, _section(ctx, "s10"))
        return
    comps = P.option_labels("core_components")
    statuses = P.option_labels("action_statuses")
    stages = P.option_labels("action_stages")
    doc.add_paragraph(ctx.say("plan.action_intro"))
    for aim in plan.aims:
        doc.add_heading(safe_text(ctx.say("plan.aim", code=plan.code("aim", aim.id), title=ctx.title("aim", aim.id, aim.title))), level=2)
        if aim.description:
            doc.add_paragraph(safe_text(ctx.text(ctx.own(aim.description))))
        outcomes = plan.outcomes.get(stored_id(aim), [])
        if not any(plan.actions.get(stored_id(o)) for o in outcomes):
            gap(ctx, ctx.say("plan.no_actions_for_aim"))
            continue
        # Each row's cells, and whether its outcome cell starts or carries on a cell merged down the
        # outcome's actions. The table is made with every row at once and merged in its XML:
        # python-docx's add_row() and merge() work the grid out again for each (seconds at 400 actions).
        rows: list[tuple[list[str], str | None]] = []
        for o in outcomes:
            actions = plan.actions.get(stored_id(o), [])
            slots: list[PlanAction | None] = [*actions] or [None]  # an outcome with no action still gets a row
            label = safe_text(f"{plan.code('outcome', o.id)} {ctx.text(ctx.title('outcome', o.id, o.title))}")
            for n, x in enumerate(slots):
                merged = None if len(slots) == 1 else ("restart" if n == 0 else "continue")
                first = label if n == 0 else ""
                if x is None:
                    rows.append(([first, ctx.say("plan.no_action"), "", "", "", ""], merged))
                    continue
                recs = [r.replace("rec", "") for r in P.recommendations(x)]
                extra = [
                    _option(ctx, "component", comps, x.component),
                    _option(ctx, "action_stage", stages, x.stage),
                    _option(ctx, "action_status", statuses, x.status),
                ]
                if recs:
                    extra.append(ctx.say("plan.recommendations", numbers=", ".join(recs)))
                cells = [
                    first,
                    safe_text(
                        "\n".join(
                            [f"{plan.code('action', x.id)} {ctx.text(ctx.title('action', x.id, x.title))}", *action_detail(plan, x, ctx)]
                        )
                    ),
                    safe_text("; ".join(P.leads(x)) or ctx.say("plan.no_lead")),
                    safe_text(_dates(x, ctx)),
                    safe_text("; ".join(e for e in extra if e)),
                    safe_text(_resources(ctx, x)),
                ]
                rows.append((cells, merged))
        table = doc.add_table(rows=1 + len(rows), cols=len(ACTION_HEADERS))
        table.style = "Table Grid"  # the house table style, sized to its content, when the draft is saved
        trs = table._tbl.tr_lst
        for tc, key in zip(trs[0].tc_lst, _ACTION_HEADER_KEYS, strict=True):
            _Cell(tc, table).text = ctx.say(key)
        for tr, (cells, merged) in zip(trs[1:], rows, strict=True):
            tcs = tr.tc_lst
            for tc, value in zip(tcs, cells, strict=True):
                if value:
                    _Cell(tc, table).text = value
            if merged:
                tcs[0].vMerge = merged
        repeat_header(table.rows[0])
    kinds = ("no_lead", "no_dates", "dates_reversed", "no_action", "milestone_dates")
    checks = [ctx.text(_finding(ctx, f)) for f in P.plan_checks(plan) if f.kind in kinds]
    costs = [x.cost_pence for x in plan.all_actions() if x.cost_pence is not None]
    if costs:
        doc.add_paragraph(ctx.say("plan.costs_total", given=len(costs), total=len(plan.all_actions()), sum=P.format_cost(sum(costs))))
    if checks:
        doc.add_heading(ctx.say("plan.still_to_settle"), level=2)
        for message in checks:
            gap(ctx, message)  # each in the document's language (_finding)
    doc.add_heading(ctx.say("plan.national_review"), level=2)
    doc.add_paragraph(ctx.say("plan.national_review_intro"))
    coverage = [
        [
            f"{rec['number']}. {_recommendation(ctx, rec)}",
            "; ".join(plan.code("action", x.id) for x in acts) or ctx.say("plan.no_action_answers"),
        ]
        for rec, acts in P.recommendation_coverage(plan)
    ]
    simple_table(ctx, [ctx.say("plan.header.recommendation"), ctx.say("plan.header.answered_by")], coverage)
    if ctx.charts:  # the figure is built only for a picture
        timeline = plan_chart.gantt_figure(plan, month_names=chart_months(ctx.language))
        chart(
            ctx,
            timeline,
            ctx.say("plan.timeline_alt"),
            ctx.say("plan.timeline_caption"),
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
    ctx.doc.add_heading(ctx.say("eval.policies"), level=2)
    if not rows:
        gap(ctx, ctx.say("eval.policies_missing"))
        return
    ctx.doc.add_paragraph(ctx.say("eval.policies_intro"))
    prompt_table(ctx, ctx.content.prompts["review.policies"], rows)


def _evaluation(ctx: DraftContext, plan: P.Plan) -> None:
    doc = ctx.doc
    freq = P.option_labels("measure_frequencies")
    doc.add_heading(ctx.say("eval.framework"), level=2)
    doc.add_paragraph(ctx.say("eval.intro"))
    rows = []
    for o in plan.all_outcomes():
        for m in plan.measures.get(stored_id(o), []):
            baseline = " ".join(v for v in [m.baseline_value, f"({uk_day(m.baseline_date)})" if m.baseline_date else ""] if v)
            target = " ".join(v for v in [m.target_value, ctx.say("eval.by", date=uk_day(m.target_date)) if m.target_date else ""] if v)
            rows.append(
                [
                    f"{plan.code('outcome', o.id)} {ctx.text(ctx.title('outcome', o.id, o.title))}",
                    m.indicator,
                    m.collection,
                    m.collator,
                    m.reporting,
                    baseline,
                    target,
                    _option(ctx, "frequency", freq, m.frequency) or m.frequency,
                ]
            )
    headers = ["outcome", "data", "collection", "collator", "reporting", "baseline", "target", "frequency"]
    simple_table(ctx, [ctx.say(f"eval.header.{h}") for h in headers], rows)
    missing = P.outcomes_without_measure(plan)
    if missing:
        outcomes = "; ".join(f"{plan.code('outcome', o.id)} {ctx.text(ctx.title('outcome', o.id, o.title))}" for o in missing)
        gap(ctx, ctx.say("eval.no_measure", outcomes=outcomes))
    doc.add_heading(ctx.say("eval.review_cycle"), level=2)
    counts: dict[str, int] = {}
    for m in plan.all_measures():
        label = (
            (_option(ctx, "frequency", freq, m.frequency) or ctx.say("plan.not_set"))
            if ctx.language != "en"
            else freq.get(m.frequency, "not set")
        )
        counts[label] = counts.get(label, 0) + 1
    doc.add_paragraph(safe_text(ctx.say("eval.reported", counts="; ".join(f"{k.lower()}: {v}" for k, v in counts.items()))))
    doc.add_paragraph(ctx.say("eval.cycle"))
    interval = ctx.value("implementation.update_interval")
    if interval:
        doc.add_paragraph(safe_text(ctx.say("eval.update_interval", days=interval)))


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
    doc.add_heading(ctx.say("appendix.a"), level=1)
    doc.add_paragraph(ctx.say("appendix.a_intro"))
    for rec, actions in P.recommendation_coverage(plan):
        doc.add_heading(
            safe_text(ctx.say("appendix.a_recommendation", number=rec["number"], label=_recommendation(ctx, rec, both=True))), level=2
        )
        if ctx.language != "cy":  # the national review's own summary is in English only
            doc.add_paragraph(safe_text(" ".join(rec.get("summary", "").split())))
        if not actions:
            gap(ctx, ctx.say("appendix.a_none", number=rec["number"]))
            continue
        rows = [
            [
                plan.code("action", x.id),
                ctx.text(ctx.title("action", x.id, x.title)),
                "; ".join(P.leads(x)) or ctx.say("plan.no_lead"),
                uk_day(x.end_date) or x.when_text or ctx.say("appendix.no_date"),
            ]
            for x in actions
        ]
        headers = [
            ctx.say("appendix.a_header.code"),
            ctx.say("plan.header.action"),
            ctx.say("plan.header.lead"),
            ctx.say("appendix.a_header.completion"),
        ]
        simple_table(ctx, headers, rows)


def _recommendation(ctx: DraftContext, rec: dict, *, both: bool = False):
    """A national-review recommendation's short label in the document's language (``both``: as a
    ``Both`` for a placeholder)."""
    key = f"recommendation.{rec['number']}"
    if ctx.language == "en" or key not in phrases():
        return rec["label"]
    return ctx.both(key) if both else ctx.say(key)
