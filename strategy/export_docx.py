"""The draft strategy as a Word document, in the guide's eleven-section template (Guide §2).

Pure functions returning bytes. Built from small functions with named styles ensured once
(no direct run formatting), so the document looks the same wherever text comes from."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from sqlalchemy.engine import Engine

from strategy import __version__
from strategy.answers import Row, all_rows, get_answers
from strategy.content import Content, Prompt, content
from strategy.dates import UK, uk_long_date
from strategy.models import Answer, Partnership
from strategy.partnerships import get_partnership, period_label
from strategy.text import clean_text

GAP_STYLE = "Workbook Gap"
MARKING_STYLE = "Workbook Marking"


@dataclass
class _Ctx:
    doc: Document
    content: Content
    partnership: Partnership
    answers: dict[str, Answer]
    rows: dict[str, list[Row]]

    def value(self, prompt_id: str) -> str:
        a = self.answers.get(prompt_id)
        return a.value if a else ""


def _t(text) -> str:
    """Anything a person typed, safe for XML (python-docx refuses control characters)."""
    return clean_text("" if text is None else str(text))


def _ensure_styles(doc: Document) -> None:
    styles = doc.styles
    if GAP_STYLE not in [s.name for s in styles]:
        gap = styles.add_style(GAP_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        gap.base_style = styles["Normal"]
        gap.font.italic = True
        gap.font.color.rgb = RGBColor(0x8A, 0x1C, 0x1C)
    if MARKING_STYLE not in [s.name for s in styles]:
        mark = styles.add_style(MARKING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        mark.base_style = styles["Normal"]
        mark.font.bold = True
        mark.font.size = Pt(14)
        mark.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _paragraphs(doc: Document, text: str, style: str | None = None) -> None:
    """Each line of typed text as its own paragraph; blank lines dropped."""
    for line in _t(text).split("\n"):
        if line.strip():
            doc.add_paragraph(line, style=style)


def _gap(ctx: _Ctx, what: str) -> None:
    ctx.doc.add_paragraph(_t(what), style=GAP_STYLE)


def _answer(ctx: _Ctx, prompt_id: str, heading: str | None = None, level: int = 2) -> None:
    prompt = ctx.content.prompts[prompt_id]
    if heading:
        ctx.doc.add_heading(heading, level=level)
    text = ctx.value(prompt_id)
    if text.strip():
        _paragraphs(ctx.doc, text)
    else:
        chapter = ctx.content.chapter_of(prompt_id)
        _gap(ctx, f"Not written yet: '{ctx.content.fill(prompt.label, ctx.partnership.nation)}' "
                  f"(workbook chapter '{chapter.title}').")


def _table(ctx: _Ctx, prompt: Prompt, rows: list[Row], columns: list[str] | None = None) -> None:
    cols = [c for c in prompt.columns if columns is None or c.id in columns]
    table = ctx.doc.add_table(rows=1, cols=len(cols))
    table.style = "Table Grid"
    for cell, col in zip(table.rows[0].cells, cols, strict=True):
        cell.text = col.label
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_header(table.rows[0])
    for row in rows:
        cells = table.add_row().cells
        for cell, col in zip(cells, cols, strict=True):
            cell.text = _cell_text(ctx, col, row.values.get(col.id))


def _cell_text(ctx: _Ctx, col, value) -> str:
    if col.type == "yesno":
        return {True: "Yes", False: "No"}.get(value, "")
    if col.type == "choice" and value:
        labels = {o.id: o.label for o in ctx.content.options(col)}
        return _t(labels.get(value, value))
    return _t(value)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _toc(doc: Document) -> None:
    doc.add_paragraph("Contents", style="Title")
    paragraph = doc.add_paragraph()
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-3" \\h \\z \\u'
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "The contents list fills in when the document is opened in Word (or press F9 on it)."
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, separate, placeholder, end):
        run._r.append(el)
    # Ask Word to update fields (the contents) when the document opens.
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _title_page(ctx: _Ctx, now: datetime) -> None:
    doc, p = ctx.doc, ctx.partnership
    doc.add_paragraph("DRAFT", style=MARKING_STYLE)
    doc.add_paragraph(_t(p.name), style="Title")
    doc.add_paragraph("Strategy for preventing, identifying and responding to child sexual abuse", style="Subtitle")
    period = period_label(p)
    if period:
        doc.add_paragraph(f"Strategy period: {period}")
    if p.areas:
        doc.add_paragraph(_t(f"Covering: {p.areas}"))
    doc.add_paragraph(f"Version: draft produced by the workbook {__version__}")
    doc.add_paragraph(f"Date: {uk_long_date(now.astimezone(UK).date())}")
    doc.add_paragraph("Status: DRAFT for discussion, not approved", style=MARKING_STYLE)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _footer(ctx: _Ctx) -> None:
    footer = ctx.doc.sections[0].footer.paragraphs[0]
    footer.text = _t(f"{ctx.partnership.name} · Child sexual abuse strategy · DRAFT")
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _properties(ctx: _Ctx, now: datetime) -> None:
    props = ctx.doc.core_properties
    props.title = _t(f"{ctx.partnership.name}: child sexual abuse strategy (draft)")[:255]
    props.subject = "Strategy for preventing, identifying and responding to child sexual abuse"
    props.author = _t(ctx.partnership.name)[:255]
    props.keywords = "child sexual abuse; strategy; safeguarding; draft"
    props.language = "en-GB"
    props.created = now.astimezone(UTC).replace(tzinfo=None)  # the property is UTC
    props.comments = "Draft produced by the Child Sexual Abuse Strategy Workbook."
    # Language of the text itself, for spelling and screen readers.
    rpr = ctx.doc.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-GB")
    rpr.append(lang)


def _labels(ctx: _Ctx, prompt_id: str) -> list[str]:
    prompt = ctx.content.prompts[prompt_id]
    value = ctx.value(prompt_id)
    if not value:
        return []
    labels = {o.id: o.label for o in ctx.content.options(prompt, ctx.partnership.nation)}
    ids = json.loads(value) if prompt.type == "multichoice" else [value]
    return [labels.get(i, i) for i in ids]


# --- The sections ------------------------------------------------------------------------------

def _section_introduction(ctx: _Ctx) -> None:
    doc, c, nation = ctx.doc, ctx.content, ctx.partnership.nation
    _answer(ctx, "intro.purpose", "Purpose of the strategy")
    if ctx.value("intro.audience").strip():
        _answer(ctx, "intro.audience", "Who the strategy is for")
    doc.add_heading("Scope", level=2)
    forms = _labels(ctx, "intro.scope_forms")
    if forms:
        doc.add_paragraph("The strategy covers these forms of child sexual abuse:")
        for label in forms:
            doc.add_paragraph(_t(label), style="List Bullet")
        all_forms = c.reference("forms_of_abuse").items
        if len(forms) < len(all_forms):
            _gap(ctx, f"The strategy names {len(forms)} of the {len(all_forms)} forms of child sexual abuse. "
                      "The guide asks for the broadest focus (Guide §4.1).")
    else:
        _gap(ctx, "Not written yet: which forms of child sexual abuse the strategy covers (workbook chapter 'Introduction').")
    ages = _labels(ctx, "intro.scope_ages")
    if ages:
        doc.add_paragraph(_t(f"Ages covered: {ages[0]}."))
    if ctx.value("intro.scope_notes").strip():
        _paragraphs(doc, ctx.value("intro.scope_notes"))
    _answer(ctx, "intro.national_picture", "The national picture")
    _answer(ctx, "intro.legislation", "Legislation, guidance and national reviews")
    doc.add_heading("Definition of child sexual abuse", level=2)
    if ctx.value("intro.definition").strip():
        _paragraphs(doc, ctx.value("intro.definition"))
    else:
        definitions = c.reference("definitions").for_nation(nation)
        if definitions:
            d = definitions[0]
            if d.get("quotation"):
                doc.add_paragraph(_t(d.get("text", "")), style="Quote")
                doc.add_paragraph(_t(f"Source: {d.get('citation', '')}"))
            else:  # guidance on which definition to quote, not a definition: a gap to fill
                _gap(ctx, f"Not written yet. {d.get('text', '').strip()} (Source to cite: {d.get('citation', '')}.)")
    if ctx.value("intro.terminology").strip():
        _answer(ctx, "intro.terminology", "The language this strategy uses")


def _section_vision(ctx: _Ctx) -> None:
    doc = ctx.doc
    _answer(ctx, "vision.statement", "Our shared vision")
    doc.add_heading("Strategic priorities", level=2)
    priorities = ctx.rows.get("vision.priorities", [])
    if priorities:
        for row in priorities:
            para = doc.add_paragraph(_t(row.values.get("priority")), style="List Number")
            why = row.values.get("why")
            if why:
                para.add_run(_t(f": {why}"))
    else:
        _gap(ctx, "Not written yet: the strategic priorities (workbook chapter 'Shared vision and governance').")
    _answer(ctx, "vision.leadership", "Leadership commitments")


def _section_governance(ctx: _Ctx) -> None:
    doc, c = ctx.doc, ctx.content
    _answer(ctx, "governance.board", "Ownership and accountability")
    doc.add_heading("What each agency contributes", level=2)
    contributions = ctx.rows.get("vision.contributions", [])
    if contributions:
        _table(ctx, c.prompts["vision.contributions"], contributions)
    else:
        _gap(ctx, "Not written yet: what each agency contributes (workbook chapter 'Shared vision and governance').")
    doc.add_heading("Steering group", level=2)
    members = ctx.rows.get("vision.steering_group", [])
    if members:
        _table(ctx, c.prompts["vision.steering_group"], members,
               ["name", "agency", "role", "authority_to_commit", "lived_experience"])
    else:
        _gap(ctx, "Not written yet: the steering group's members (workbook chapter 'Shared vision and governance').")
    if ctx.value("vision.terms_of_reference").strip():
        doc.add_heading("Terms of reference", level=3)
        _paragraphs(doc, ctx.value("vision.terms_of_reference"))
    _answer(ctx, "governance.subgroups", "Subgroups")
    _answer(ctx, "governance.reporting", "Reporting lines")
    _answer(ctx, "governance.mappa", "Link to the MAPPA strategic management board")
    _answer(ctx, "governance.scrutiny", "Independent scrutiny")


_WRITERS = {"s1": _section_introduction, "s2": _section_vision, "s3": _section_governance}


def _section_not_started(ctx: _Ctx, section: dict) -> None:
    chapters = ", ".join(f"'{name}'" for name in section.get("filled_by", []))
    _gap(ctx, f"Not written yet. This section will hold {section.get('holds', '').strip().rstrip('.').lower()}. "
              f"It is filled from the workbook's {chapters} {'chapter' if len(section.get('filled_by', [])) == 1 else 'chapters'}"
              f" (Guide {section.get('guide_chapters', '')}).")


def build_draft(ctx_partnership: Partnership, answers: dict[str, Answer], rows: dict[str, list[Row]],
                *, now: datetime | None = None) -> bytes:
    """The draft strategy as .docx bytes."""
    now = now or datetime.now(UK)
    doc = Document()
    ctx = _Ctx(doc, content(), ctx_partnership, answers, rows)
    _ensure_styles(doc)
    _properties(ctx, now)
    _title_page(ctx, now)
    _toc(doc)
    for section in ctx.content.reference("template_sections").items:
        doc.add_page_break()
        doc.add_heading(f"{section['number']}. {section['label']}", level=1)
        writer = _WRITERS.get(section["id"])
        if writer:
            writer(ctx)
        else:
            _section_not_started(ctx, section)
    _footer(ctx)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def export_docx(engine: Engine, partnership_id: int, *, now: datetime | None = None) -> bytes:
    """The one way to the Word draft: page, CLI and tests all call this."""
    partnership = get_partnership(engine, partnership_id)
    return build_draft(partnership, get_answers(engine, partnership_id), all_rows(engine, partnership_id), now=now)


def draft_filename(p: Partnership, now: datetime | None = None) -> str:
    now = now or datetime.now(UK)
    safe = "".join(ch if ch.isalnum() else "-" for ch in p.name).strip("-").lower() or "partnership"
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"{safe[:60]}-strategy-draft-{now.strftime('%Y-%m-%d')}.docx"
