"""The strategy on a page: the one-page summary partnerships pin to the wall and put at the front of
board papers. The vision, the strategic priorities, each aim with its intended outcomes and its
headline measures, on one A4 landscape page in the partnership's house style; from the same answers
and plan as the Word draft. As Word, and as a PDF or PNG picture through LibreOffice where installed."""

from __future__ import annotations

from datetime import datetime

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Mm, Pt
from sqlalchemy.engine import Engine

from strategy.answers.operations import all_rows, get_answers
from strategy.core.dates import UK, uk_long_date
from strategy.core.models import stored_id
from strategy.core.values import uk_day
from strategy.documents.draft import DEFAULT_TITLE
from strategy.documents.welsh import translations_for
from strategy.guide.content import content
from strategy.people.partnerships import get_partnership
from strategy.plan import operations as P
from strategy.word.answers import DraftContext, brand_of
from strategy.word.language import Both, Translations, check_language, long_date, period_words
from strategy.word.style import CALLOUT_STYLE, TABLE_TEXT_STYLE, page_setup
from strategy.word.toolkit import GAP_STYLE, ensure_styles, mark_pages, repeat_header, safe_text, save, set_properties

#: Most aims shown side by side; a plan with more lists the rest by title under the table.
MOST_AIMS = 5
#: What fits on the page: longer texts are cut with an ellipsis (the full text is in the draft).
VISION_CHARS, PRIORITY_CHARS, OUTCOME_CHARS, MEASURE_CHARS = 400, 100, 100, 75
OUTCOMES_PER_AIM, MEASURES_PER_AIM = 3, 2

PAGE_LIST_STYLE = "Workbook Page List"
PAGE_LABEL_STYLE = "Workbook Page Label"


def _gap(ctx: DraftContext, what: str) -> None:
    ctx.doc.add_paragraph(ctx.say("page.gap", what=ctx.both(f"page.gap.{what}")), style=GAP_STYLE)


def _cut(text, limit: int) -> str:
    """Text on one line, cut at a word before ``limit`` characters with an ellipsis."""
    flat = " ".join(str(text or "").split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _measure_line(ctx: DraftContext, m) -> str:
    """ "Indicator: 412 (31/03/2025) to 600 by 31/03/2029", in as few words as the page allows."""
    baseline = " ".join(x for x in (m.baseline_value, f"({uk_day(m.baseline_date)})" if m.baseline_date else "") if x)
    target = " ".join(x for x in (m.target_value, ctx.say("page.by", date=uk_day(m.target_date)) if m.target_date else "") if x)
    if baseline or target:
        figures = ctx.say(
            "page.figures",
            baseline=baseline or ctx.both("page.baseline_to_set"),
            target=target or ctx.both("page.target_to_set"),
        )
    else:
        figures = ctx.say("page.both_to_set")
    return f"{ctx.text(ctx.own(_cut(m.indicator, MEASURE_CHARS)))}: {figures}"


def _page_styles(doc) -> None:
    """A smaller bulleted list and a bold label for the cells of the page's table."""
    styles = doc.styles
    if PAGE_LIST_STYLE not in [s.name for s in styles]:
        style = styles.add_style(PAGE_LIST_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["List Bullet"]
        style.font.size = Pt(9)
        style.paragraph_format.space_after = Pt(1)
        style.paragraph_format.line_spacing = 1.0
    if PAGE_LABEL_STYLE not in [s.name for s in styles]:
        label = styles.add_style(PAGE_LABEL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        label.base_style = styles[TABLE_TEXT_STYLE]
        label.font.bold = True


def build_on_a_page(
    engine: Engine, partnership_id: int, *, now: datetime | None = None, language: str = "en", translations: Translations | None = None
) -> bytes:
    """The strategy on a page as .docx bytes (one A4 landscape page). ``language``: "en" (the
    default), "cy" or "bilingual" (Welsh first); missing Welsh is marked, never filled with English."""
    check_language(language)
    now = now or datetime.now(UK)
    partnership = get_partnership(engine, partnership_id)
    answers = get_answers(engine, partnership_id)
    rows = all_rows(engine, partnership_id)
    plan = P.load_plan(engine, partnership_id)
    brand = brand_of(answers)
    if translations is None:
        translations = translations_for(engine, partnership_id) if language != "en" else Translations()

    def value(prompt_id: str) -> str:
        a = answers.get(prompt_id)
        return a.value.strip() if a and a.value else ""

    doc = Document()
    ctx = DraftContext(doc, content(), partnership, answers, rows, charts=False, language=language, translations=translations)
    english_title = value("finalise.title") or DEFAULT_TITLE
    title = (
        ctx.text(ctx.answer_text("finalise.title", value("finalise.title"))) if value("finalise.title") else ctx.say("draft.default_title")
    )
    section = doc.sections[0]
    page_setup(section, landscape=True)
    section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = Mm(12)
    section.start_type = WD_SECTION.NEW_PAGE
    ensure_styles(doc, brand)
    _page_styles(doc)
    # Tighter than a long document: the whole strategy fits on the one page.
    title_style = doc.styles["Title"]
    title_style.font.size = Pt(20)
    title_style.paragraph_format.space_after = Pt(0)
    heading = doc.styles["Heading 1"]
    heading.font.size = Pt(12)
    heading.paragraph_format.space_before = Pt(6)
    heading.paragraph_format.space_after = Pt(3)
    doc.styles[CALLOUT_STYLE].paragraph_format.space_before = Pt(2)
    doc.styles[CALLOUT_STYLE].paragraph_format.space_after = Pt(2)
    set_properties(
        doc,
        title=f"{partnership.name}: {english_title} on a page",
        subject="The strategy on a page: vision, priorities, aims, outcomes and headline measures",
        author=value("finalise.document_author") or partnership.name,
        now=now,
        keywords="child sexual abuse; strategy on a page",
    )
    footer = section.footer.paragraphs[0]
    day = now.astimezone(UK).date()
    footer.text = safe_text(ctx.say("page.footer", name=partnership.name, date=Both(uk_long_date(day), long_date(day, "cy"))))
    footer.style = doc.styles["Caption"]
    mark_pages(doc, brand.marking, partnership.name)

    doc.add_paragraph(safe_text(title), style="Title")
    period = ctx.text(period_words(partnership.period_start, partnership.period_end))
    doc.add_paragraph(safe_text(partnership.name + (f" · {period}" if period else "")), style="Subtitle").paragraph_format.space_after = Pt(
        4
    )

    doc.add_heading(ctx.say("page.vision"), level=1)
    _vision(ctx, value("vision.statement"))

    doc.add_heading(ctx.say("page.priorities"), level=1)
    priorities = [
        ctx.text(ctx.title("priority", r.id, _cut(r.values.get("priority"), PRIORITY_CHARS)))
        for r in rows.get("vision.priorities", [])
        if r.values.get("priority")
    ]
    if priorities:
        table = doc.add_table(rows=1, cols=len(priorities))
        repeat_header(table.rows[0])  # the priorities as a band in the accent colour
        for n, (cell, text) in enumerate(zip(table.rows[0].cells, priorities, strict=True), start=1):
            cell.text = safe_text(f"{n}. {text}")
    else:
        _gap(ctx, "priorities")

    doc.add_heading(ctx.say("page.aims"), level=1)
    aims = plan.aims[:MOST_AIMS]
    if not aims:
        _gap(ctx, "aims")
    else:
        table = doc.add_table(rows=3, cols=len(aims))
        repeat_header(table.rows[0])
        for cell, aim in zip(table.rows[0].cells, aims, strict=True):
            cell.text = safe_text(f"{plan.code('aim', aim.id)} {ctx.text(ctx.title('aim', aim.id, _cut(aim.title, OUTCOME_CHARS)))}")
        for column, aim in enumerate(aims):
            outcomes = plan.outcomes.get(stored_id(aim), [])
            _cell_list(
                ctx,
                table.rows[1].cells[column],
                ctx.say("page.outcomes"),
                [
                    f"{plan.code('outcome', o.id)} {ctx.text(ctx.title('outcome', o.id, _cut(o.title, OUTCOME_CHARS)))}"
                    for o in outcomes[:OUTCOMES_PER_AIM]
                ],
                more=len(outcomes) - OUTCOMES_PER_AIM,
                none=ctx.say("page.no_outcome"),
            )
            measures = [m for o in outcomes for m in plan.measures.get(stored_id(o), [])]
            _cell_list(
                ctx,
                table.rows[2].cells[column],
                ctx.say("page.measures"),
                [_measure_line(ctx, m) for m in measures[:MEASURES_PER_AIM]],
                more=len(measures) - MEASURES_PER_AIM,
                none=ctx.say("page.no_measure"),
            )
        if len(plan.aims) > MOST_AIMS:
            further = [ctx.title("aim", a.id, a.title) for a in plan.aims[MOST_AIMS:]]
            aims_text = Both(
                "; ".join(t.en if isinstance(t, Both) else t for t in further),
                "; ".join(t.cy if isinstance(t, Both) else t for t in further),
            )
            doc.add_paragraph(safe_text(ctx.say("page.further", aims=aims_text)), style=TABLE_TEXT_STYLE)
    doc.add_paragraph(ctx.say("page.closing"), style="Caption")
    if ctx.welsh_missing:  # a Welsh page says how much of it still waits for its Welsh
        doc.add_paragraph(ctx.say("page.welsh_missing", count=ctx.welsh_missing), style=GAP_STYLE)
    return save(doc, brand)


def _vision(ctx: DraftContext, english: str) -> None:
    """The vision, cut to fit: its Welsh (marked where missing or possibly out of date) in a Welsh page,
    Welsh then English in a bilingual one."""
    if not english and (ctx.language == "en" or ctx.translations.answer("vision.statement") is None):
        _gap(ctx, "vision")
        return
    text = ctx.answer_text("vision.statement", _cut(english, VISION_CHARS), lambda t: _cut(t, VISION_CHARS))
    ctx.doc.add_paragraph(safe_text(ctx.text(text)), style=CALLOUT_STYLE)


def _cell_list(ctx: DraftContext, cell, heading: str, items: list[str], *, more: int, none: str) -> None:
    """A small heading and a bulleted list inside a table cell."""
    first = cell.paragraphs[0]
    first.text = heading
    first.style = PAGE_LABEL_STYLE
    for item in items or [none]:
        cell.add_paragraph(safe_text(item), style=PAGE_LIST_STYLE)
    if more > 0:
        cell.add_paragraph(ctx.say("page.more", count=more), style=PAGE_LIST_STYLE)


def on_a_page_filename(name: str, now: datetime | None = None, *, language: str = "en") -> str:
    now = now or datetime.now(UK)
    safe = "".join(ch if ch.isalnum() else "-" for ch in name).strip("-").lower() or "partnership"
    while "--" in safe:
        safe = safe.replace("--", "-")
    suffix = {"cy": "-cymraeg", "bilingual": "-dwyieithog-bilingual"}.get(language, "")
    return f"{safe[:60]}-strategy-on-a-page{suffix}-{now.strftime('%Y-%m-%d')}.docx"
