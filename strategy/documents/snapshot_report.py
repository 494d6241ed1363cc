"""The snapshot report as a Word document: domain scores and RAG, strengths and areas for
development, the gap between strategic and frontline views, the strategic professionals' and
frontline practitioners' surveys side by side, domain by domain detail, change since
the last snapshot, and the recommendations.

Built like the Word draft (``strategy.documents.draft``): pure functions returning bytes, named
styles, tables whose header row repeats, charts drawn by Kaleido where it can (a note otherwise)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy.engine import Engine

from strategy.answers.operations import get_answers
from strategy.assessments import snapshot as sn
from strategy.assessments.recommendations import STATUSES, list_recommendations
from strategy.core.dates import UK
from strategy.core.models import Partnership, SnapshotResponse, stored_id
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
    note,
    numbered,
    paragraphs,
    safe_text,
    shade,
    simple_table,
)


def number(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    return f"{value:g}" if isinstance(value, float) else str(value)


def recommendations_section(ctx: DocContext, recs, *, empty: str, intro: str = "") -> None:
    if intro:
        ctx.doc.add_paragraph(safe_text(intro))
    if not recs:
        gap(ctx, empty)
        return
    items = []
    for rec in recs:
        status = STATUSES.get(rec.status, rec.status)
        items.append(rec.text + f" (status: {status.lower()}" + ("; in the action plan" if rec.action_id else "") + ")")
    numbered(ctx.doc, items)


# --- The snapshot report ------------------------------------------------------------------------


def _summary_table(ctx: DocContext, scores: pd.DataFrame) -> None:
    headers = ["Domain", "Statements rated", "Evidence (of 4)", "Progress (of 4)", "Score", "RAG", "Frontline (of 4)", "Gap"]
    body = [
        [
            r["Domain"],
            f"{r['Rated']} of {r['Statements']}",
            number(r["Evidence (average of 4)"]),
            number(r["Progress (average of 4)"]),
            f"{r['Score (%)']}%" if pd.notna(r["Score (%)"]) else "–",
            r["RAG"],
            number(r["Frontline (average of 4)"]),
            number(r["Gap (strategic minus frontline)"]),
        ]
        for _, r in scores.iterrows()
    ]
    simple_table(ctx, headers, body)
    table = ctx.doc.tables[-1]
    for row, (_, r) in zip(table.rows[1:], scores.iterrows(), strict=True):
        if r["rag"]:
            shade(row.cells[5], sn.RAG_COLOURS[r["rag"]])


def _findings(table: pd.DataFrame, column: str, counts) -> list[str]:
    """One bullet per statement whose agreed progress ``counts`` or whose ``column`` note is written:
    the statement, its rating, and what the group said."""
    out = []
    for _, r in table.iterrows():
        note = "; ".join(lines_of(r[column]))
        rating = r["progress_rating"]
        if note or (rating is not None and not pd.isna(rating) and counts(rating)):
            out.append(f"{r.Code} {r.Statement} ({r['Progress rating']})" + (f": {note}" if note else ""))
    return out


def _surveys_section(ctx: DocContext, engine: Engine, partnership_id: int, snapshot_id: int) -> None:
    """The strategic professionals' survey beside the frontline practitioners' survey, by domain:
    a table and a chart of the same figures, and the strategic survey's comments."""
    doc = ctx.doc
    doc.add_heading("The strategic and frontline surveys", level=1)
    strategic = sn.strategic_responses(engine, snapshot_id)
    frame = sn.survey_comparison(engine, partnership_id, snapshot_id)
    fronts = int(frame[sn.FRONTLINE_SURVEY_COUNT].sum())
    doc.add_paragraph(
        safe_text(
            (
                f"{len(strategic)} strategic professional{'s' if len(strategic) != 1 else ''} answered the strategic "
                f"professionals' survey ({len(sn.strategic_questions())} questions, two for each domain)"
                if strategic
                else "No strategic professionals' survey has been imported for this snapshot yet"
            )
            + (f"; frontline practitioners gave {fronts} ratings in their survey." if fronts else "; no frontline survey yet.")
            + " Both answer on the progress scale, 1 to 4; each figure is the average of every answer in the domain, "
            "with the number of answers in brackets."
        )
    )
    if not strategic and not fronts:
        gap(ctx, "No survey yet: import the strategic and frontline surveys on the Snapshot results page.")
        return

    def cell(average, count) -> str:
        return f"{number(average)} ({count})" if count else "–"

    simple_table(
        ctx,
        ["Domain", "Strategic survey (of 4)", "Frontline survey (of 4)", "Difference"],
        [
            [
                r["Domain"],
                cell(r[sn.STRATEGIC_SURVEY_AVERAGE], r[sn.STRATEGIC_SURVEY_COUNT]),
                cell(r[sn.FRONTLINE_SURVEY_AVERAGE], r[sn.FRONTLINE_SURVEY_COUNT]),
                number(r[sn.SURVEY_DIFFERENCE]),
            ]
            for _, r in frame.iterrows()
        ],
    )
    chart(
        ctx,
        sn.survey_figure(frame, "The strategic and frontline surveys, by domain"),
        "Grouped bars: the average answer in the strategic professionals' survey and in the frontline "
        "practitioners' survey for each domain, on a scale of 1 to 4.",
        "The two surveys by domain (the same figures are in the table above).",
    )
    findings = sn.survey_gap_findings(frame)
    if findings:
        doc.add_paragraph(f"Where the two surveys differ by {sn.GAP_FLAG:g} or more on the four-point scale:")
        bullets(ctx, findings)
    if strategic:
        doc.add_heading("The strategic survey's questions", level=2)
        questions = sn.strategic_question_table(engine, snapshot_id)
        simple_table(
            ctx,
            ["Code", "Domain", "Question", "Average (of 4)"],
            [[r.Code, r.Domain, r.Question, cell(r["Average (of 4)"], r.Answers)] for _, r in questions.iterrows()],
        )
        said = [r for r in strategic if r.comment]
        if said:
            doc.add_heading("What strategic professionals said", level=2)
            for r in said[:15]:
                who = ", ".join(x for x in (r.role, r.agency) if x)
                doc.add_paragraph(safe_text(f"“{r.comment}”" + (f" ({who})" if who else "")), style="Quote")


def build_snapshot_report(
    engine: Engine, partnership_id: int, snapshot_id: int, *, now: datetime | None = None, charts: bool = True
) -> bytes:
    """The snapshot report as .docx bytes (``charts=False``: no chart pictures)."""
    now = now or datetime.now(UK)
    partnership = get_partnership(engine, partnership_id)
    snap = sn.get_snapshot(engine, partnership_id, snapshot_id)
    table = sn.statement_table(engine, partnership_id, snapshot_id)
    scores = sn.domain_scores(engine, partnership_id, snapshot_id)
    frontline = sn.responses(engine, snapshot_id)
    lines = []
    if snap.held_on:
        lines.append(f"Strategic session: {long_day(snap.held_on)}")
    ctx = new_document(
        partnership,
        "System-wide snapshot of the response to child sexual abuse",
        snap.title,
        now,
        charts=charts,
        lines=lines,
        brand=brand_of(get_answers(engine, partnership_id)),
        contents=True,
    )
    doc = ctx.doc

    doc.add_heading("About this snapshot", level=1)
    rated = int(table["progress_rating"].notna().sum()) if not table.empty else 0
    doc.add_paragraph(
        f"The partnership's strategic leaders met to agree, statement by statement, how strong the evidence is and "
        f"how far the area has come across five domains of the response to child sexual abuse: "
        f"{', '.join(d.label.lower() for d in sn.domains())}. They rated {rated} of {len(table)} statements. "
        + (
            f"Frontline practitioners rated the same statements in a survey ({len(frontline)} ratings and comments)."
            if frontline
            else "No frontline survey has been imported for this snapshot yet."
        )
        + " The findings feed the context section of the strategy and its action plan (Guide §4, §12, §15.2)."
    )
    if snap.notes:
        paragraphs(doc, snap.notes)
    doc.add_heading("The rating scales", level=2)
    simple_table(
        ctx,
        ["Rating", "Progress", "What it means", "Evidence", "What it means"],
        [
            [str(p.value), p.label, p.descriptor, e.label, e.descriptor]
            for p, e in zip(sn.scale("progress"), sn.scale("evidence"), strict=True)
        ],
    )
    note(
        ctx,
        "A domain's RAG comes from the average agreed progress rating: under 2 red, 2 up to 3 amber, 3 or "
        "more green. Its score is the evidence and progress ratings together as a percentage of the most "
        "they could be.",
    )

    doc.add_heading("Summary by domain", level=1)
    if rated == 0:
        gap(ctx, "Not rated yet: the strategic session has not recorded any ratings in this snapshot.")
    else:
        rag_text = "; ".join(f"{r['Domain']}: {r['RAG'].lower()}" for _, r in scores.iterrows() if r["rag"])
        doc.add_paragraph(safe_text(rag_text + "."), style=FINDING_STYLE)
    _summary_table(ctx, scores)
    chart(
        ctx,
        sn.comparison_figure(scores, "Strategic and frontline views of progress, by domain"),
        "Grouped bars: average agreed progress and average frontline rating for each domain, on a scale of 1 to 4.",
        "Strategic and frontline views of progress by domain (the same figures are in the table above).",
    )

    doc.add_heading("Strengths", level=1)
    strong = _findings(table, "Strengths", lambda rating: rating >= 3) if rated else []
    if strong:
        bullets(ctx, strong)
    else:
        gap(ctx, "No statement is rated good progress or better yet, and no strengths are recorded.")
    doc.add_heading("Areas for development", level=1)
    weak = _findings(table, "Areas for development", lambda rating: rating <= 2) if rated else []
    if weak:
        bullets(ctx, weak)
    else:
        gap(ctx, "No statement is rated early progress or not started, and no areas for development are recorded.")

    doc.add_heading("Strategic and frontline views", level=1)
    if not frontline:
        gap(ctx, "No frontline survey yet: import practitioners' ratings to compare the two views.")
    else:
        findings = sn.gap_findings(scores)
        if findings:
            doc.add_paragraph(f"Where the two views differ by {sn.GAP_FLAG:g} or more on the four-point scale:")
            bullets(ctx, findings)
        else:
            doc.add_paragraph(
                f"In every domain the strategic and frontline views are within {sn.GAP_FLAG:g} of each other on the four-point scale."
            )

    _surveys_section(ctx, engine, partnership_id, snapshot_id)

    doc.add_heading("Domain by domain", level=1)
    comments: dict[int, list[SnapshotResponse]] = {}
    for r in frontline:
        if r.comment:
            comments.setdefault(r.statement_id, []).append(r)
    for d in sn.domains():
        part = table[table.domain == d.id] if not table.empty else table
        doc.add_heading(d.label, level=2)
        if d.covers:
            doc.add_paragraph(safe_text(d.covers))
        if part.empty:
            gap(ctx, "No statements in this domain.")
            continue
        simple_table(
            ctx,
            ["Code", "Statement", "Evidence", "Progress", "Frontline (of 4)"],
            [
                [
                    r.Code + (" (retired)" if r.Retired else ""),
                    r.Statement,
                    r["Evidence rating"],
                    r["Progress rating"],
                    f"{number(r['Frontline average'])} ({r['Frontline ratings']})" if r["Frontline ratings"] else "–",
                ]
                for _, r in part.iterrows()
            ],
        )
        for _, r in part.iterrows():
            said = [
                (label, r[col])
                for col, label in (("Evidence", "Evidence"), ("Strengths", "Strengths"), ("Areas for development", "Areas for development"))
                if r[col]
            ]
            if said:
                doc.add_heading(safe_text(f"{r.Code}: {r.Statement}"), level=3)
                for label, text in said:
                    doc.add_paragraph(safe_text(f"{label}: {text}"))
            for c in comments.get(r.statement_id, [])[:10]:
                who = ", ".join(x for x in (c.role, c.agency) if x)
                doc.add_paragraph(safe_text(f"“{c.comment}”" + (f" ({who})" if who else "")), style="Quote")

    previous = [
        s
        for s in sn.list_snapshots(engine, partnership_id)
        if s.id != snap.id and (s.held_on or "9999", s.id) < (snap.held_on or "9999", snap.id)
    ]
    if previous:
        doc.add_heading("Change since the last snapshot", level=1)
        frame = sn.compare_snapshots(engine, partnership_id, [stored_id(previous[-1]), stored_id(snap)])
        simple_table(
            ctx,
            ["Domain", previous[-1].title, snap.title, "Change"],
            [
                [
                    row.iloc[0],
                    number(row.iloc[1]),
                    number(row.iloc[2]),
                    number(round(row.iloc[2] - row.iloc[1], 2)) if pd.notna(row.iloc[1]) and pd.notna(row.iloc[2]) else "–",
                ]
                for _, row in frame.iterrows()
            ],
        )
        note(ctx, "Average agreed progress rating (1 to 4) by domain in each snapshot.")

    doc.add_heading("Recommendations", level=1)
    recommendations_section(
        ctx,
        list_recommendations(engine, partnership_id, snapshot_id=snapshot_id),
        empty="No recommendations recorded yet.",
        intro="Each recommendation becomes an action in the partnership's action plan, where its progress is monitored (Guide §12, §15.1).",
    )
    return finish(ctx)


def snapshot_filename(partnership: Partnership, title: str) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in f"{partnership.name} {title}").strip("-").lower()
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"{safe[:80] or 'snapshot'}-report.docx"
