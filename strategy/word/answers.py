"""The workbook's answers in a Word document: the draft's context (the partnership, its answers and
rows), an answer as paragraphs or a gap note, a prompt's rows as a table, a section not yet started.
Used by the draft and by the plan's sections."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property

from docx.document import Document as DocxDocument

from strategy.answers.operations import Row, decode_image
from strategy.core.errors import InvalidInput
from strategy.core.models import Answer, Partnership
from strategy.core.values import uk_day
from strategy.evidence import analysis as ev
from strategy.guide.content import Column, Content, Prompt, content
from strategy.word.language import NO_WELSH, Both, Translations, figure_in_language, in_language, phrase, phrases
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
    details: list[tuple[Both | str, Callable[[], None]]] = field(default_factory=list)
    #: What higher layers hand the draft: "endorsements" (the document-control lines of
    #: strategy.finalise.endorsement) and "chain" (strategy.chain's evidence coverage, for its appendix).
    extras: dict = field(default_factory=dict)
    #: The document's language: "en" (the default), "cy" or "bilingual" (Welsh first).
    language: str = "en"
    #: The Welsh of the partnership's answers and titles, and its corrections of the fixed phrases.
    translations: Translations = NO_WELSH
    #: Passages a Welsh or bilingual document marked: Welsh missing, Welsh possibly out of date.
    welsh_missing: int = 0
    welsh_out_of_date: int = 0

    def __post_init__(self) -> None:
        warm_charts(self)  # the drawing process starts while the first sections are written

    def say(self, key: str, **values: object) -> str:
        """A fixed phrase of the document in its language (strategy.word.language.phrase)."""
        return phrase(key, self.language, self.translations.phrases, **values)

    def both(self, key: str, **values: object) -> Both:
        """A phrase in each language, for a {placeholder} of another phrase."""
        return Both(phrase(key, "en", None, **values), phrase(key, "cy", self.translations.phrases, **values))

    def text(self, value: Both | str) -> str:
        return in_language(value, self.language)

    def missing(self, what: str) -> str:
        """The mark for a passage with no Welsh text yet (counted for the note at the start)."""
        self.welsh_missing += 1
        return phrase("welsh.missing", "cy", self.translations.phrases, what=what)

    def title(self, kind: str, item_id: int | None, english: str) -> Both | str:
        """A plan title ("aim", "outcome", "action", "priority") in the document's language: its Welsh,
        marked where it is missing or may be out of date; never the English in its place."""
        if self.language == "en":
            return english
        welsh = self.translations.title(kind, item_id)
        if welsh is None:
            return Both(english, self.missing(english)) if english.strip() else english
        if welsh.out_of_date:
            self.welsh_out_of_date += 1
            return Both(english, f"{welsh.value} {phrase('welsh.out_of_date_short', 'cy', self.translations.phrases)}")
        return Both(english, welsh.value)

    def own(self, english: str) -> Both | str:
        """The partnership's own prose that has no Welsh store (an aim's description, a reason): in a
        Welsh or bilingual document marked as missing its Welsh, the English inside the mark."""
        if self.language == "en" or not english.strip():
            return english
        return Both(english, self.missing(english))

    def answer_text(self, prompt_id: str, english: str, shorten: Callable[[str], str] = str) -> Both | str:
        """A short answer printed inside other text (the strategy's own title), like ``title``;
        ``shorten`` cuts the Welsh as the English was cut to fit (the strategy on a page)."""
        if self.language == "en":
            return english
        welsh = self.translations.answer(prompt_id)
        if welsh is None:
            return Both(english, self.missing(english))
        if welsh.out_of_date:
            self.welsh_out_of_date += 1
            return Both(english, f"{shorten(welsh.value)} {phrase('welsh.out_of_date_short', 'cy', self.translations.phrases)}")
        return Both(english, shorten(welsh.value))

    def column(self, col: Column) -> str:
        """A table column's header in the document's language: its ``label_cy`` (chapters.yaml) in a
        Welsh document, Welsh then English in a bilingual one; a column without Welsh is marked as
        missing it, never printed in English as if it were the Welsh (tests/test_welsh_columns.py)."""
        if self.language == "en":
            return col.label
        return self.text(Both(col.label, col.label_cy.strip() or self.missing(col.label)))

    def fixed(self, key: str, english: str, welsh_title: str = "") -> str:
        """A heading the English gives as text (a chapter's section title): the phrase ``key`` in Welsh
        where the file has it, else ``welsh_title`` (a section's title_cy in chapters.yaml), else marked
        as missing."""
        if self.language == "en":
            return english
        if key in phrases():
            welsh = phrase(key, "cy", self.translations.phrases)
        else:
            welsh = welsh_title.strip() or self.missing(english)
        return self.text(Both(english, welsh))

    def chapter_name(self, english: str) -> Both | str:
        """A workbook chapter's name (its English title) for a sentence: its Welsh title in a Welsh
        document (chapters.yaml), each language its own in a bilingual one. A page that is not a chapter
        ("Where you stand") has its Welsh in documents.yaml as ``evidence.<its name>``."""
        if self.language == "en":
            return english
        chapter = next((c for c in self.content.chapters if c.title == english), None)
        if chapter is not None:
            return Both(english, chapter.title_cy.strip() or self.missing(english))
        key = "evidence." + english.lower().replace(" ", "_")
        return self.both(key) if key in phrases() else Both(english, self.missing(english))

    def names(self, ref_id: str, ids: Iterable[str], lower: bool = False) -> Both | str:
        """Names from a reference list for a sentence ("; " between them), each language its own
        (strategy.guide.content.item_label); ``lower``: each name starts in lower case."""
        chosen = list(ids)

        def joined(language: str) -> str:
            labels = [self.content.list_label(ref_id, i, self.partnership.nation, language) for i in chosen]
            return "; ".join(label[0].lower() + label[1:] if lower and label else label for label in labels)

        return joined("en") if self.language == "en" else Both(joined("en"), joined("cy"))

    def figure_words(self, fig):
        """A chart's drawn words (title, axes, legend, labels) in the document's language."""
        return figure_in_language(fig, self.language, self.translations.phrases)

    def value(self, prompt_id: str) -> str:
        a = self.answers.get(prompt_id)
        return a.value if a else ""

    @cached_property
    def brand(self) -> Brand:
        return brand_of(self.answers)


def answer_section(ctx: DraftContext, prompt_id: str, heading: str | None = None, level: int = 2, heading_cy: str = "") -> None:
    """An answer under its heading (``heading_cy``: its Welsh where documents.yaml has no answer.<prompt
    id>); in a Welsh document its Welsh (marked where missing or possibly out of date), in a bilingual
    one the Welsh and then the English."""
    prompt = ctx.content.prompts[prompt_id]
    if heading:
        ctx.doc.add_heading(ctx.fixed(f"answer.{prompt_id}", heading, heading_cy), level=level)
    text = ctx.value(prompt_id)
    label = ctx.content.fill(prompt.label, ctx.partnership.nation)
    # The question and its chapter as the workbook names them, in the document's language.
    asked: Both | str = Both(label, ctx.content.label_in(prompt, ctx.partnership.nation, "cy")) if prompt.label_cy else label
    not_written = {"label": asked, "chapter": ctx.chapter_name(ctx.content.chapter_of(prompt_id).title)}
    if ctx.language == "en":
        if text.strip():
            paragraphs(ctx.doc, text)
        else:
            gap(ctx, ctx.say("answer.not_written", **not_written))
        return
    welsh = ctx.translations.answer(prompt_id)
    if welsh is None and not text.strip():
        gap(ctx, ctx.say("answer.not_written", **not_written))
        return
    if welsh is None:
        gap(ctx, ctx.missing(label))
    else:
        if welsh.out_of_date:
            ctx.welsh_out_of_date += 1
            gap(ctx, phrase("welsh.out_of_date", "cy", ctx.translations.phrases))
        paragraphs(ctx.doc, welsh.value)
    if ctx.language == "bilingual":
        if text.strip():
            paragraphs(ctx.doc, text)
        else:
            gap(ctx, phrase("answer.not_written", "en", None, **not_written))


def prompt_table(ctx: DraftContext, prompt: Prompt, rows: list[Row], columns: list[str] | None = None) -> None:
    cols = [c for c in prompt.columns if columns is None or c.id in columns]
    table = ctx.doc.add_table(rows=1, cols=len(cols))
    table.style = "Table Grid"
    for cell, col in zip(table.rows[0].cells, cols, strict=True):
        cell.text = ctx.column(col)
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
    for key, label in ctx.content.grid_rows(prompt, ctx.partnership.nation, ctx.language):
        values = stored.get(key, {})
        if any(values.get(c.id) not in (None, "", []) for c in prompt.columns):
            body.append([label, *(cell_text(ctx, c, values.get(c.id)) for c in prompt.columns)])
        else:
            empty.append(label)
    if body:
        simple_table(ctx, [first, *(ctx.column(c) for c in prompt.columns)], body)
    return empty


def cell_text(ctx: DraftContext, col, value) -> str:
    if col.type == "yesno":
        return {True: ctx.say("word.yes"), False: ctx.say("word.no")}.get(value, "")
    if col.type in ("choice", "multichoice") and value:
        labels = {o.id: o.label for o in ctx.content.options(col, ctx.partnership.nation, ctx.language)}
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
    names = section.get("filled_by", [])
    chapters: Both | str = ", ".join(f"'{name}'" for name in names)
    if ctx.language != "en":  # the chapters as the Welsh workbook names them
        welsh = [ctx.chapter_name(name) for name in names]
        chapters = Both(str(chapters), ", ".join(f"'{w.cy if isinstance(w, Both) else w}'" for w in welsh))
    holds = section.get("holds", "").strip().rstrip(".").lower()
    welsh_holds = f"section.{section['id']}.holds"
    gap(
        ctx,
        ctx.say(
            "section.not_started",
            holds=Both(holds, phrase(welsh_holds, "cy", ctx.translations.phrases)) if welsh_holds in phrases() else holds,
            chapters=chapters,
            chapter_word=ctx.both("section.chapter" if len(section.get("filled_by", [])) == 1 else "section.chapters"),
            guide=section.get("guide_chapters", ""),
        ),
    )
