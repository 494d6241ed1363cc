"""A thematic audit's briefing as a Word document, in the shape partnerships publish: the one
thing to do, key messages for leaders and for practitioners, what the audit did, the staff survey,
the audited cases, strengths, learning, recommendations and resources."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy.engine import Engine

from strategy.answers.operations import get_answers
from strategy.assessments import audit as au
from strategy.assessments import audit_depth as depth
from strategy.assessments.recommendations import STATUSES, list_recommendations, list_responses
from strategy.core.dates import UK
from strategy.core.models import stored_id
from strategy.core.values import uk_day
from strategy.people.partnerships import get_partnership
from strategy.word.answers import brand_of
from strategy.word.toolkit import (
    FINDING_STYLE,
    DocContext,
    bullets,
    chart,
    finish,
    gap,
    lines_of,
    long_day,
    new_document,
    numbered,
    safe_text,
    shade,
    simple_table,
)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _list_or_gap(ctx, text: str, what: str) -> None:
    items = lines_of(text)
    if items:
        bullets(ctx, items)
    else:
        gap(ctx, f"Not written yet: {what}.")


def build_audit_briefing(engine: Engine, partnership_id: int, audit_id: int, *, now: datetime | None = None, charts: bool = True) -> bytes:
    """The briefing as .docx bytes (``charts=False``: no chart pictures)."""
    now = now or datetime.now(UK)
    partnership = get_partnership(engine, partnership_id)
    audit = au.get_audit(engine, partnership_id, audit_id)
    v = au.view(audit)
    texts = v.texts
    ctx = new_document(
        partnership,
        f"Thematic audit: {audit.theme}",
        "Briefing for multi-agency leaders and practitioners",
        now,
        charts=charts,
        lines=[f"Period: {audit.period}"] if audit.period else [],
        brand=brand_of(get_answers(engine, partnership_id)),
    )
    doc = ctx.doc

    doc.add_heading("If you do one thing", level=1)
    if texts.get("one_thing"):
        doc.add_paragraph(safe_text(texts["one_thing"]), style=FINDING_STYLE)
    else:
        gap(ctx, "Not written yet: the one thing every practitioner should do after reading this briefing.")

    doc.add_heading("Key messages", level=1)
    doc.add_heading("For strategic leaders and managers", level=2)
    _list_or_gap(ctx, texts.get("leaders", ""), "the key messages for strategic leaders and managers")
    doc.add_heading("For practitioners", level=2)
    _list_or_gap(ctx, texts.get("practitioners", ""), "the key messages for practitioners")

    doc.add_heading("What the audit did", level=1)
    labels = {p["id"]: p["label"] for p in au.parts_list()}
    cases = au.list_cases(engine, audit_id)
    responses = au.survey_responses(engine, audit_id)
    if v.parts:
        doc.add_paragraph("The audit brought together:")
        bullets(
            ctx,
            [
                labels[p]
                + (f" ({_count(len(cases), 'case')})" if p == "case_audit" and cases else "")
                + (f" ({_count(len(responses), 'response')})" if p == "staff_survey" and responses else "")
                for p in v.parts
            ],
        )
    else:
        gap(ctx, "Not recorded yet: which parts the audit used.")
    for key in ("data_review", "case_reviews"):
        if texts.get(key):
            doc.add_heading(au.TEXT_FIELDS[key], level=2)
            bullets(ctx, lines_of(texts[key]))

    doc.add_heading("What practitioners told us", level=1)
    summary = au.survey_summary(responses)
    if not summary.responses:
        gap(ctx, "No staff survey imported for this audit.")
    else:
        doc.add_paragraph(safe_text(au.awareness_sentence(summary)))
        doc.add_heading("Confidence in identifying and responding", level=2)
        simple_table(
            ctx,
            list(summary.confidence.columns),
            [[str(x) if x is not None and x == x else "–" for x in row] for row in summary.confidence.itertuples(index=False)],
        )
        chart(
            ctx,
            au.confidence_figure(summary),
            "Grouped bars: average confidence in identifying and in responding to child sexual abuse, by agency, on a scale of 1 to 5.",
            "Confidence by agency (the same figures are in the table above).",
        )
        if not summary.barriers.empty:
            doc.add_heading("What stops practitioners using the strategy and toolkit", level=2)
            simple_table(ctx, ["What stops use", "Responses"], [[r[0], str(r[1])] for r in summary.barriers.itertuples(index=False)])
            chart(
                ctx,
                au.barrier_figure(summary),
                "Horizontal bars: how many practitioners gave each reason for not using the strategy and toolkit.",
                "What stops use (the same figures are in the table above).",
            )

    doc.add_heading("The audited cases", level=1)
    if not cases:
        gap(ctx, "No cases recorded for this audit.")
    else:
        grades = au.grade_table(cases)
        doc.add_paragraph(
            safe_text(
                f"{_count(len(cases), 'child', 'children')}'s cases were audited by the agencies involved. "
                "Cases are known here only by a reference the partnership chose; nothing in this "
                "briefing identifies a child or family."
            )
        )
        simple_table(ctx, ["Grade", "Cases"], [[r.Grade, str(r.Cases)] for r in grades.itertuples()])
        chart(
            ctx,
            au.grade_figure(grades),
            "Bars: the number of audited cases at each grade.",
            "Audited cases by grade (the same figures are in the table above).",
        )
        colours = {g["id"]: g.get("colour") for g in au.grades()}
        factor_names = au.audit_factors(audit)
        simple_table(
            ctx,
            ["Case", "Agencies involved", "Grade", "Factors present", "Strengths", "Learning"],
            [
                [
                    c.reference,
                    c.agencies,
                    au.grade_label(c.grade),
                    "; ".join(factor_names.get(f, f) for f in au.case_factors(c)),
                    c.strengths,
                    c.learning,
                ]
                for c in cases
            ],
        )
        for row, c in zip(ctx.doc.tables[-1].rows[1:], cases, strict=True):
            colour = colours.get(c.grade)
            if colour:
                shade(row.cells[2], colour)
    _criteria(ctx, engine, partnership_id, audit_id)
    _factors(ctx, audit, cases)

    doc.add_heading("Multi-agency practice strengths", level=1)
    _list_or_gap(ctx, texts.get("strengths", ""), "the practice strengths the audit found")
    doc.add_heading("Learning identified", level=1)
    _list_or_gap(ctx, texts.get("learning", ""), "the learning the audit identified")
    if texts.get("findings"):
        doc.add_heading("Additional findings", level=1)
        bullets(ctx, lines_of(texts["findings"]))

    doc.add_heading("Recommendations", level=1)
    _recommendations(ctx, engine, partnership_id, audit_id)

    doc.add_heading("Resources to support practice", level=1)
    _list_or_gap(ctx, texts.get("resources", ""), "the resources practitioners should know about")
    return finish(ctx)


def _criteria(ctx: DocContext, engine: Engine, partnership_id: int, audit_id: int) -> None:
    """What good looked like: each criterion, the intended outcome it serves and how many cases met it."""
    ctx.doc.add_heading("What good looks like: the audit's criteria", level=2)
    table = depth.criteria_table(engine, partnership_id, depth.list_criteria(engine, audit_id))
    if table.empty:
        gap(ctx, "No criteria recorded for this audit: what good looks like, tied to the plan's intended outcomes.")
        return
    simple_table(
        ctx,
        ["Criterion", "Intended outcome", "Cases that met it", "Per cent"],
        [[r["Criterion"], r["Intended outcome"] or "–", *_met(r["Cases that met it"], r["Cases audited"])] for _, r in table.iterrows()],
    )
    if table["Cases audited"].notna().any():
        chart(
            ctx,
            depth.criteria_figure(table),
            "Horizontal bars: the per cent of cases audited that met each criterion, each labelled with the number of cases.",
            "Cases that met each criterion (the same figures are in the table above).",
        )


def _met(met, audited) -> list[str]:
    if pd.isna(audited) or pd.isna(met):
        return ["Not counted yet", "–"]
    return [f"{int(met)} of {int(audited)}", f"{round(100 * met / audited)}%" if audited else "–"]


def _factors(ctx: DocContext, audit, cases) -> None:
    """The factors present across the audited cases, counted."""
    ctx.doc.add_heading("Factors present across the cases", level=2)
    table = depth.factor_table(audit, cases)
    if table.empty or not table["Cases"].any():
        gap(ctx, "No factors recorded for the audited cases.")
        return
    ctx.doc.add_paragraph(
        safe_text("How many of the audited cases had each factor present. A case can have several factors; no detail of any case is given.")
    )
    simple_table(
        ctx, ["Factor", "Cases", "Per cent"], [[r.Factor, f"{r.Cases} of {r[2]}", f"{r[3]}%"] for r in table.itertuples(index=False)]
    )
    chart(
        ctx,
        depth.factor_figure(table),
        "Horizontal bars: the number of audited cases in which each factor was present, most first.",
        "Factors across the audited cases (the same figures are in the table above).",
    )


def _recommendations(ctx: DocContext, engine: Engine, partnership_id: int, audit_id: int) -> None:
    """Each recommendation with its owner, due date and status, then each agency's response."""
    doc = ctx.doc
    doc.add_paragraph(
        safe_text(
            "Each recommendation becomes an action in the partnership's action plan. Each agency reports back "
            "on it to the independent chair and scrutineer, and progress is monitored by the partnership's "
            "scrutiny arrangements on behalf of the safeguarding partners (Guide §15.1, §15.2)."
        )
    )
    recs = list_recommendations(engine, partnership_id, audit_id=audit_id)
    if not recs:
        gap(ctx, "No recommendations recorded yet.")
        return
    numbered(
        doc,
        [
            f"{r.text} (owner: {r.owner or 'not given yet'}; due: {long_day(r.due_date) if r.due_date else 'not given yet'}; "
            f"status: {STATUSES.get(r.status, r.status).lower()}" + ("; in the action plan" if r.action_id else "") + ")"
            for r in recs
        ],
    )
    responses = list_responses(engine, partnership_id, [stored_id(r) for r in recs])
    doc.add_heading("What each agency reported back", level=2)
    if not any(responses.values()):
        gap(ctx, "No agency has reported back on the recommendations yet.")
        return
    for n, r in enumerate(recs, start=1):
        given = responses.get(stored_id(r), [])
        doc.add_heading(f"Recommendation {n}", level=3)
        if not given:
            gap(ctx, "No response from any agency yet.")
            continue
        simple_table(
            ctx,
            ["Agency", "Response", "Date", "By"],
            [[x.agency, x.text, uk_day(x.responded_on) or "–", x.responded_by or "–"] for x in given],
        )


def briefing_filename(audit_theme: str) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in audit_theme).strip("-").lower()
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"{safe[:80] or 'audit'}-briefing.docx"
