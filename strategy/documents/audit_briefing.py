"""A thematic audit's briefing as a Word document, in the shape partnerships publish: the one
thing to do, key messages for leaders and for practitioners, what the audit did, the staff survey,
the audited cases, strengths, learning, recommendations and resources."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from strategy.answers.operations import get_answers
from strategy.assessments import audit as au
from strategy.assessments.recommendations import list_recommendations
from strategy.core.dates import UK
from strategy.documents.snapshot_report import recommendations_section
from strategy.people.partnerships import get_partnership
from strategy.word.answers import brand_of
from strategy.word.toolkit import FINDING_STYLE, bullets, chart, finish, gap, lines_of, new_document, safe_text, shade, simple_table


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
        simple_table(
            ctx,
            ["Case", "Agencies involved", "Grade", "Strengths", "Learning"],
            [[c.reference, c.agencies, au.grade_label(c.grade), c.strengths, c.learning] for c in cases],
        )
        for row, c in zip(ctx.doc.tables[-1].rows[1:], cases, strict=True):
            colour = colours.get(c.grade)
            if colour:
                shade(row.cells[2], colour)

    doc.add_heading("Multi-agency practice strengths", level=1)
    _list_or_gap(ctx, texts.get("strengths", ""), "the practice strengths the audit found")
    doc.add_heading("Learning identified", level=1)
    _list_or_gap(ctx, texts.get("learning", ""), "the learning the audit identified")
    if texts.get("findings"):
        doc.add_heading("Additional findings", level=1)
        bullets(ctx, lines_of(texts["findings"]))

    doc.add_heading("Recommendations", level=1)
    recommendations_section(
        ctx,
        list_recommendations(engine, partnership_id, audit_id=audit_id),
        empty="No recommendations recorded yet.",
        intro="Each recommendation becomes an action in the partnership's action plan. Progress on "
        "them is monitored by the partnership's scrutiny arrangements on behalf of the "
        "safeguarding partners (Guide §15.1, §15.2).",
    )

    doc.add_heading("Resources to support practice", level=1)
    _list_or_gap(ctx, texts.get("resources", ""), "the resources practitioners should know about")
    return finish(ctx)


def briefing_filename(audit_theme: str) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in audit_theme).strip("-").lower()
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"{safe[:80] or 'audit'}-briefing.docx"
