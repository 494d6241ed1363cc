"""The workbook's answers in a Word document: the draft's context (the partnership, its answers and
rows), an answer as paragraphs or a gap note, a prompt's rows as a table, a section not yet started.
Used by the draft and by the plan's sections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

from docx.document import Document as DocxDocument

from strategy.answers.operations import Row, decode_image
from strategy.core.errors import InvalidInput
from strategy.core.models import Answer, Partnership
from strategy.core.values import uk_day
from strategy.evidence import analysis as ev
from strategy.guide.content import Content, Prompt, content
from strategy.word.style import Brand, brand_from
from strategy.word.toolkit import (
    gap,
    paragraphs,
    repeat_header,
    safe_text,
    simple_table,
    warm_charts,
)


def brand_of(answers: dict[str, Answer]) -> Brand:
    """The partnership's brand from its Finalise answers: accent colour, font and logo."""

    def value(prompt_id: str) -> str:
        a = answers.get(prompt_id)
        return a.value if a else ""

    logo = None
    if value("finalise.logo"):
        try:
            logo = decode_image(value("finalise.logo"))
        except InvalidInput:  # a damaged picture is left out, never breaks the document
            logo = None
    brand = brand_from(value("finalise.accent"), value("finalise.font"), logo)
    return replace(brand, marking=marking_of(value("finalise.classification")))


def marking_of(chosen: str) -> str:
    """The classification marking's words (OFFICIAL...) for the stored choice; "" for none."""
    if chosen in ("", "none"):
        return ""
    prompt = content().prompts["finalise.classification"]
    return next((o.label for o in content().options(prompt) if o.id == chosen), "")


@dataclass
class DraftContext:
    doc: DocxDocument
    content: Content
    partnership: Partnership
    answers: dict[str, Answer]
    rows: dict[str, list[Row]]
    charts: bool = True
    plan: object = None  # strategy.plan.operations.Plan, for sections 5-11
    #: Sentences on the latest snapshot and thematic audit (strategy.assessments.snapshot / strategy.assessments.audit).
    self_assessment: tuple[str, ...] = ()
    #: A frozen review version's label ("v0.3"), printed as the document's version.
    version_label: str | None = None
    #: A review copy: open comments by template section id (strategy.finalise.review.open_comments_by_section).
    review_comments: dict | None = None
    #: Detailed evidence tables kept for the evidence appendix: (title, what writes the table), in order.
    details: list[tuple[str, Callable[[], None]]] = field(default_factory=list)
    #: What higher layers hand the draft: "endorsements" (the document-control lines of
    #: strategy.finalise.endorsement) and "chain" (strategy.chain's evidence coverage, for its appendix).
    extras: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        warm_charts(self)  # the drawing process starts while the first sections are written

    def value(self, prompt_id: str) -> str:
        a = self.answers.get(prompt_id)
        return a.value if a else ""

    @cached_property
    def brand(self) -> Brand:
        return brand_of(self.answers)


def answer_section(ctx: DraftContext, prompt_id: str, heading: str | None = None, level: int = 2) -> None:
    prompt = ctx.content.prompts[prompt_id]
    if heading:
        ctx.doc.add_heading(heading, level=level)
    text = ctx.value(prompt_id)
    if text.strip():
        paragraphs(ctx.doc, text)
    else:
        chapter = ctx.content.chapter_of(prompt_id)
        gap(ctx, f"Not written yet: '{ctx.content.fill(prompt.label, ctx.partnership.nation)}' (workbook chapter '{chapter.title}').")


def prompt_table(ctx: DraftContext, prompt: Prompt, rows: list[Row], columns: list[str] | None = None) -> None:
    cols = [c for c in prompt.columns if columns is None or c.id in columns]
    table = ctx.doc.add_table(rows=1, cols=len(cols))
    table.style = "Table Grid"
    for cell, col in zip(table.rows[0].cells, cols, strict=True):
        cell.text = col.label
    repeat_header(table.rows[0])
    for row in rows:
        cells = table.add_row().cells
        for cell, col in zip(cells, cols, strict=True):
            cell.text = cell_text(ctx, col, row.values.get(col.id))


def grid_table(ctx: DraftContext, prompt: Prompt, first: str) -> list[str]:
    """A grid prompt (one row per item of its list) as a table of the rows with anything recorded;
    returns the labels of the rows with nothing recorded yet."""
    stored = {r.row_key: r.values for r in ctx.rows.get(prompt.id, []) if r.row_key}
    body, empty = [], []
    for key, label in ctx.content.grid_rows(prompt, ctx.partnership.nation):
        values = stored.get(key, {})
        if any(values.get(c.id) not in (None, "", []) for c in prompt.columns):
            body.append([label, *(cell_text(ctx, c, values.get(c.id)) for c in prompt.columns)])
        else:
            empty.append(label)
    if body:
        simple_table(ctx, [first, *(c.label for c in prompt.columns)], body)
    return empty


def cell_text(ctx: DraftContext, col, value) -> str:
    if col.type == "yesno":
        return {True: "Yes", False: "No"}.get(value, "")
    if col.type in ("choice", "multichoice") and value:
        labels = {o.id: o.label for o in ctx.content.options(col, ctx.partnership.nation)}
        chosen: list[str] = value if isinstance(value, list) else [value]
        return safe_text("; ".join(labels.get(v, v) for v in chosen))
    if col.type == "date" and value:
        try:
            return uk_day(value)
        except (TypeError, ValueError):
            return safe_text(value)
    if col.type == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return ev.whole(value)
    return safe_text(value)  # statistics stay as written: a code is never shown as a number


def section_not_started(ctx: DraftContext, section: dict) -> None:
    chapters = ", ".join(f"'{name}'" for name in section.get("filled_by", []))
    gap(
        ctx,
        f"Not written yet. This section will hold {section.get('holds', '').strip().rstrip('.').lower()}. "
        f"It is filled from the workbook's {chapters} {'chapter' if len(section.get('filled_by', [])) == 1 else 'chapters'}"
        f" (Guide {section.get('guide_chapters', '')}).",
    )
