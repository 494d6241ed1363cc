"""The Word toolkit: house styles ensured once, typed text made safe for XML, tables with header
rows that repeat, notes, bullets, fields, charts drawn in a process of their own, and a new document
with the common front matter. Every document module builds with these and nothing else."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from strategy import __version__
from strategy.core.dates import UK, uk_long_date
from strategy.core.models import Partnership
from strategy.core.text import clean_text
from strategy.word.style import (
    CALLOUT_STYLE,
    DEFAULT_BRAND,
    FRONT_HEADING_STYLE,
    Brand,
    fill_contents,
    fit_tables,
    house_style,
    is_landscape,
    page_setup,
    restart_numbering,
    typed_list_item,
)


class HasDocument(Protocol):
    """What the builders below need of a document in progress: the document, and whether to draw charts."""

    doc: DocxDocument
    charts: bool


GAP_STYLE = "Workbook Gap"


MARKING_STYLE = "Workbook Marking"


FINDING_STYLE = "Workbook Key Finding"


NOTE_STYLE = "Caption"  # built in: small print under a table or chart


#: A chart picture that takes longer than this to draw is left out (the export never waits on it).
CHART_TIMEOUT_SECONDS = 45


#: Draws a plotly figure (JSON on stdin) as PNG (stdout) with Kaleido and the local Chromium, in a
#: process of its own, so a missing browser, a crash or a hang can never break the export.
_RENDER_SCRIPT = (
    "import json, sys\n"
    "import kaleido\n"
    "spec = json.loads(sys.stdin.buffer.read())\n"
    "png = kaleido.calc_fig_sync(spec['figure'], opts=spec['opts'], kopts={'mathjax': False})\n"
    "sys.stdout.buffer.write(png)\n"
)


def safe_text(text) -> str:
    """Anything a person typed, safe for XML (python-docx refuses control characters)."""
    return clean_text("" if text is None else str(text))


def ensure_styles(doc: DocxDocument, brand: Brand = DEFAULT_BRAND) -> None:
    """The house style and the brand (strategy.word.style), A4 pages, and the workbook's own styles."""
    house_style(doc, brand)
    page_setup(doc.sections[0], landscape=is_landscape(doc.sections[0]))
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
    if FINDING_STYLE not in [s.name for s in styles]:
        finding = styles.add_style(FINDING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        finding.base_style = styles[CALLOUT_STYLE]  # a call-out: tinted, with the accent bar
        finding.font.bold = True
        finding.font.size = Pt(14)


def paragraphs(doc: DocxDocument, text: str, style: str | None = None) -> None:
    """Each line of typed text as its own paragraph; blank lines dropped. Lines typed as a list
    ("- ...", "* ...", "• ...", "1. ...", "2) ...") become a real bulleted or numbered list, and each
    numbered list counts from 1."""
    previous = None
    for line in safe_text(text).split("\n"):
        if not line.strip():
            previous = None if previous != "List Number" else previous
            continue
        item = typed_list_item(line)
        if item is None:
            doc.add_paragraph(line, style=style)
            previous = None
            continue
        list_style, words = item
        para = doc.add_paragraph(words, style=list_style)
        if list_style == "List Number" and previous != "List Number":
            restart_numbering(doc, para)
        previous = list_style


def gap(ctx: HasDocument, what: str) -> None:
    ctx.doc.add_paragraph(safe_text(what), style=GAP_STYLE)


def simple_table(ctx: HasDocument, headers: list[str], body: list[list[str]]) -> None:
    """A table of ready-made texts, with a bold header row that repeats on every page."""
    table = ctx.doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = safe_text(header)  # styled as a header row (shaded, bold) when the document is saved
    repeat_header(table.rows[0])
    for values in body:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = safe_text(value)


def note(ctx: HasDocument, text: str) -> None:
    ctx.doc.add_paragraph(safe_text(text), style=NOTE_STYLE)


def bullets(ctx: HasDocument, items: list[str]) -> None:
    for item in items:
        ctx.doc.add_paragraph(safe_text(item), style="List Bullet")


def numbered(doc: DocxDocument, items: list[str]) -> list:
    """A numbered list that counts from 1 (python-docx's "List Number" alone carries on counting from
    the list before). Returns the paragraphs, for a caller that adds to them."""
    out: list = []
    for item in items:
        para = doc.add_paragraph(safe_text(item), style="List Number")
        if not out:
            restart_numbering(doc, para)
        out.append(para)
    return out


def repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def table_of_contents(doc: DocxDocument):
    """A contents field; returns its paragraph, for ``contents_from_headings`` once the headings are written."""
    doc.add_paragraph("Contents", style=FRONT_HEADING_STYLE)
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
    return paragraph


def contents_from_headings(doc: DocxDocument, placeholder, labels: dict[int, str] | None = None) -> list[str]:
    """Fill the contents field with the headings written after it (strategy.word.style.fill_contents)."""
    return fill_contents(doc, placeholder, labels)


def page_field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in on every page."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = placeholder
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, separate, shown, end):
        run._r.append(el)


def chart_png(fig, *, width: int = 900, height: int = 560) -> bytes | None:
    """A plotly figure as PNG bytes, or None when it cannot be drawn here (no Kaleido, no Chromium,
    a crash, or longer than CHART_TIMEOUT_SECONDS)."""
    spec = json.dumps({"figure": json.loads(fig.to_json()), "opts": {"format": "png", "width": width, "height": height, "scale": 2}})
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", _RENDER_SCRIPT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return None
    try:
        out, _ = proc.communicate(spec.encode("utf-8"), timeout=CHART_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        _stop(proc)
        return None
    if proc.returncode != 0 or not out.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    return out


def _stop(proc: subprocess.Popen) -> None:
    """End the drawing process and the browser it started (its own process group), by id."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows has no process groups
            proc.kill()
    except OSError:
        pass
    proc.communicate()


def chart(ctx: HasDocument, fig, alt: str, caption: str, *, height: int = 560) -> None:
    """The chart as a picture with alt text for screen readers, or a note saying it is not available."""
    if not ctx.charts:  # the caller asked for no pictures
        return
    png = chart_png(fig, height=height) if fig is not None else None
    if png is None:
        note(
            ctx,
            "Chart not available: the picture could not be drawn on this computer. The same figures are given in words and in the table.",
        )
        return
    shape = ctx.doc.add_picture(io.BytesIO(png), width=Inches(6.0))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", safe_text(alt))
    doc_pr.set("title", safe_text(caption))
    note(ctx, caption)


@dataclass
class DocContext:
    """What the shared Word helpers need: the document and whether to draw charts."""

    doc: DocxDocument
    partnership: Partnership
    charts: bool = True
    brand: Brand = DEFAULT_BRAND


def logo(doc: DocxDocument, brand: Brand, partnership_name: str) -> bool:
    """The partnership's logo, centred, with alt text naming the partnership; a damaged one is left out."""
    if not brand.logo:
        return False
    try:
        doc.add_picture(io.BytesIO(brand.logo), width=Inches(1.8))
    except (ValueError, KeyError, ZeroDivisionError, TypeError):  # python-docx could not read the picture
        return False
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.inline_shapes[-1]._inline.docPr.set("descr", safe_text(f"Logo of {partnership_name}"))
    return True


def set_properties(doc: DocxDocument, *, title: str, subject: str, author: str, now: datetime, keywords: str = "") -> None:
    """The document's core properties: title, subject, author (the partnership), British English."""
    props = doc.core_properties
    props.title = safe_text(title)[:255]
    props.subject = safe_text(subject)[:255]
    props.author = safe_text(author)[:255]
    props.last_modified_by = safe_text(author)[:255]
    props.keywords = safe_text(keywords)[:255]
    props.language = "en-GB"
    props.created = props.modified = now.astimezone(UTC).replace(tzinfo=None)  # the properties are UTC
    props.comments = "Produced by the Child Sexual Abuse Strategy Workbook."


def footer_with_pages(section, text: str) -> None:
    """One footer line: the text, then "Page 3 of 40" filled in by Word and LibreOffice."""
    footer = section.footer.paragraphs[0]
    footer.text = safe_text(f"{text} · Page ")
    page_field(footer, "PAGE")
    footer.add_run(" of ")
    page_field(footer, "NUMPAGES")
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER


def new_document(
    partnership: Partnership,
    title: str,
    subtitle: str,
    now: datetime,
    *,
    charts: bool,
    lines: list[str],
    brand: Brand = DEFAULT_BRAND,
    landscape: bool = False,
) -> DocContext:
    """A document in the house style with a cover: the logo, the title first, the partnership under
    it, the subtitle and the given lines; A4 (``landscape`` for wide tables); its properties set."""
    doc = Document()
    if landscape:
        page_setup(doc.sections[0], landscape=True)
    ensure_styles(doc, brand)
    ctx = DocContext(doc, partnership, charts, brand)
    logo(doc, brand, partnership.name)
    doc.add_paragraph(safe_text(title), style="Title")
    doc.add_paragraph(safe_text(partnership.name), style="Subtitle")
    if subtitle:
        doc.add_paragraph(safe_text(subtitle), style="Subtitle")
    for line in lines:
        doc.add_paragraph(safe_text(line))
    doc.add_paragraph(
        f"Produced on {uk_long_date(now.astimezone(UK).date())} by the Child Sexual Abuse Strategy Workbook {__version__}.", style="Caption"
    )
    set_properties(doc, title=f"{partnership.name}: {title}", subject=title, author=partnership.name, now=now)
    footer_with_pages(doc.sections[0], f"{partnership.name} · {title}")
    return ctx


def shade(cell, colour: str) -> None:
    """Fill a table cell with a colour (RAG cells); the word is always in the cell too."""
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour.lstrip("#"))
    tc_pr.append(shd)


def lines_of(text: str) -> list[str]:
    return [line.strip().lstrip("•-*✓ ").strip() for line in safe_text(text).split("\n") if line.strip().lstrip("•-*✓ ").strip()]


def long_day(iso: str | None) -> str:
    """A stored date (2027-03-31) the way prose gives it: "31 March 2027" ("" for none)."""
    if not iso:
        return ""
    try:
        return uk_long_date(date.fromisoformat(iso))
    except ValueError:
        return safe_text(iso)


def finish(ctx: DocContext) -> bytes:
    """The document's bytes, every table fitted to the width of its page first."""
    return save(ctx.doc, ctx.brand)


def save(doc: DocxDocument, brand: Brand = DEFAULT_BRAND) -> bytes:
    fit_tables(doc, brand)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
