"""A workshop's record: its notes, themes, votes and decisions, as CSV (one row per note, cells that
cannot run as formulas) or as a Word appendix. Each export is listed in the audit log. Names are left
out of an anonymous workshop's record."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from strategy.core.audit_log import record_now
from strategy.core.authors import Author
from strategy.core.dates import uk_date, uk_time
from strategy.core.db import read_session
from strategy.core.models import Partnership, WorkshopNote, utcnow
from strategy.tabular.formulas import csv_bytes
from strategy.word.toolkit import bullets, finish, new_document, note, simple_table
from strategy.workshops.operations import KINDS, STAGE_LABELS, NoteView, ThemeView, WorkshopView, history_note, workshop_view

CSV_HEADERS = ["Workshop", "Theme", "Note", "Written by", "Theme's votes", "Agreed wording", "Into the strategy", "Added"]
NOT_YET = "secret until revealed"


def _votes(theme: ThemeView | None) -> str:
    if theme is None:
        return ""
    return NOT_YET if theme.votes is None else str(theme.votes)


def csv_rows(view: WorkshopView, added: dict[int, datetime] | None = None) -> list[list[str]]:
    """One row per note, grouped notes under their theme (most votes first), then those not grouped."""
    w = view.workshop
    label = f"{w.number}: {w.title}"
    rows: list[list[str]] = []

    def row(n: NoteView, theme: ThemeView | None) -> list[str]:
        return [
            label,
            theme.title if theme else "(not grouped)",
            n.text,
            n.by,
            _votes(theme),
            theme.wording if theme and w.stage in ("result", "applied") else "",
            ("yes" if theme.included else "no") if theme and w.stage in ("result", "applied") else "",
            uk_time((added or {}).get(n.id)),
        ]

    for theme in view.ranked():
        rows += [row(n, theme) for n in theme.notes]
        if not theme.notes:  # a theme the facilitator named with no note in it still has votes
            rows.append([label, theme.title, "", "", _votes(theme), theme.wording if w.stage in ("result", "applied") else "", "", ""])
    rows += [row(n, None) for n in view.loose]
    return rows


def _added(engine: Engine, view: WorkshopView, session: Session | None) -> dict[int, datetime]:
    with read_session(engine, session=session) as session:
        return {
            n.id: n.created_at
            for n in session.exec(select(WorkshopNote).where(WorkshopNote.workshop_id == view.workshop.id)).all()
            if n.id is not None
        }


def workshop_csv(engine: Engine, partnership_id: int, workshop_id: int, *, author: Author, session: Session | None = None) -> bytes:
    view = workshop_view(engine, partnership_id, workshop_id, author=author, session=session)
    data = csv_bytes(CSV_HEADERS, csv_rows(view, _added(engine, view, session)))
    record_now(
        engine, author, "export", partnership_id=partnership_id, detail=f"workshop {view.workshop.number} record (CSV)", session=session
    )
    return data


def workshop_filename(view: WorkshopView, suffix: str) -> str:
    return f"workshop-{view.workshop.number}-record.{suffix}"


def workshop_docx(engine: Engine, partnership_id: int, workshop_id: int, *, author: Author, session: Session | None = None) -> bytes:
    """The record as a Word appendix: what was asked, who took part (how many), the themes ranked with
    their votes and agreed wording, every note, and what went into the strategy."""
    view = workshop_view(engine, partnership_id, workshop_id, author=author, session=session)
    w = view.workshop
    with read_session(engine, session=session) as s:
        partnership = s.get(Partnership, partnership_id)
    assert partnership is not None  # workshop_view found the workshop in it
    held = uk_date(date.fromisoformat(w.held_on)) if w.held_on else ""
    ctx = new_document(
        partnership,
        f"Appendix: workshop {w.number}, {w.title}",
        KINDS.get(w.kind, w.kind),
        utcnow(),
        charts=False,
        lines=[line for line in (f"Held on {held}." if held else "", f"{view.participants} participants; {view.notes} notes.") if line],
    )
    doc = ctx.doc
    doc.add_heading("What the room was asked", level=1)
    doc.add_paragraph(w.prompt)
    note(ctx, f"Stage reached: {STAGE_LABELS.get(w.stage, w.stage)}. " + ("Notes were anonymous." if w.anonymous else ""))
    doc.add_heading("Themes and votes", level=1)
    if view.themes:
        simple_table(
            ctx,
            ["Theme", "Votes", "Notes", "Agreed wording", "Into the strategy"],
            [
                [
                    t.title,
                    _votes(t),
                    str(len(t.notes)),
                    t.wording if w.stage in ("result", "applied") else "",
                    ("yes" if t.included else "no") if w.stage in ("result", "applied") else "",
                ]
                for t in view.ranked()
            ],
        )
    else:
        doc.add_paragraph("The notes were not grouped into themes.")
    if w.kind == "vision" and w.agreed_text:
        doc.add_heading("The vision agreed", level=1)
        doc.add_paragraph(w.agreed_text)
    doc.add_heading("Every note", level=1)
    for theme in view.ranked():
        doc.add_heading(theme.title, level=2)
        bullets(ctx, [n.text + (f" ({n.by})" if n.by else "") for n in theme.notes] or ["(no notes)"])
    if view.loose:
        doc.add_heading("Notes not grouped", level=2)
        bullets(ctx, [n.text + (f" ({n.by})" if n.by else "") for n in view.loose])
    doc.add_heading("Into the strategy", level=1)
    if w.stage == "applied":
        doc.add_paragraph(f"{w.applied_summary[:1].upper()}{w.applied_summary[1:]}: {history_note(w, view.participants)}.")
    else:
        doc.add_paragraph("Not yet: the result has not been put into the strategy.")
    data = finish(ctx)
    record_now(engine, author, "export", partnership_id=partnership_id, detail=f"workshop {w.number} record (Word)", session=session)
    return data
