"""The draft strategy as a Word document, in the guide's eleven-section template (Guide §2).

Pure functions returning bytes. Built from small functions with named styles ensured once
(no direct run formatting), so the document looks the same wherever text comes from."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from sqlalchemy.engine import Engine

from strategy import __version__
from strategy.answers.operations import Row, all_rows, get_answers
from strategy.assessments import involvement
from strategy.assessments.audit import latest_summary as audit_summary
from strategy.assessments.snapshot import latest_summary as snapshot_summary
from strategy.chain.findings import finding_text, heading_words
from strategy.chain.links import coverage
from strategy.core.dates import UK, to_uk, uk_date, uk_long_date
from strategy.core.db import dispose_engine, prepare_database
from strategy.core.models import Answer, Partnership
from strategy.core.values import STATISTIC_CODES, uk_day
from strategy.documents.welsh import translations_for
from strategy.evidence import analysis as ev
from strategy.finalise import review
from strategy.finalise.endorsement import endorsement_rows, list_endorsements
from strategy.finalise.language import GLOSSARY_PROMPT, acronyms_in
from strategy.guide.content import content
from strategy.people.backup import restore_partnership
from strategy.people.partnerships import get_partnership
from strategy.plan.operations import load_plan
from strategy.plan.word import LANDSCAPE, PLAN_WRITERS, appendix_recommendations, planned_workforce_development, set_orientation
from strategy.word.answers import DraftContext, answer_section, cell_text, prompt_table, section_not_started
from strategy.word.language import NO_WELSH, Both, Translations, check_language, long_date, period_words, phrase, phrases
from strategy.word.style import FRONT_HEADING_STYLE, number_headings
from strategy.word.toolkit import (
    FINDING_STYLE,
    GAP_STYLE,
    MARKING_STYLE,
    NOTE_STYLE,
    bullets,
    chart,
    contents_from_headings,
    document_text,
    ensure_styles,
    footer_with_pages,
    gap,
    logo,
    note,
    numbered,
    paragraphs,
    safe_text,
    save,
    set_properties,
    simple_table,
    step,
    table_of_contents,
)

EVIDENCE_APPENDIX = "Appendix C: The evidence in detail"


def _detail(ctx: DraftContext, title: Both | str, write: Callable[[], None]) -> None:
    """A detailed evidence table goes to the evidence appendix (Appendix C); the section keeps its
    summary and says where the table is."""
    ctx.details.append((title, write))
    ctx.doc.add_paragraph(safe_text(ctx.say("evidence.full_table", number=len(ctx.details), title=title)), style=NOTE_STYLE)


def _has_code(values) -> bool:
    return any(str(v).strip().lower() in STATISTIC_CODES or "incomplete (" in str(v) for v in values)


DEFAULT_TITLE = "Strategy for preventing, identifying and responding to child sexual abuse"
#: Statuses after which the document is no longer marked DRAFT.
FINAL_STATUSES = ("approved", "published")


def _marking(ctx: DraftContext) -> str:
    """The classification marking for the top of every page ("" for none)."""
    chosen = ctx.value("finalise.classification")
    if chosen in ("", "none"):
        return ""
    return ctx.say(f"marking.{chosen}") if f"marking.{chosen}" in phrases() else _labels(ctx, "finalise.classification")[0]


def _is_draft(ctx: DraftContext) -> bool:
    return ctx.value("finalise.status") not in FINAL_STATUSES


def _status_words(ctx: DraftContext) -> str:
    chosen = ctx.value("finalise.status") or "draft"
    if f"status.{chosen}" in phrases():
        return ctx.say(f"status.{chosen}")
    labels = _labels(ctx, "finalise.status")
    return labels[0] if labels else ctx.say("status.draft")


def _version(ctx: DraftContext) -> str:
    return ctx.text(_version_both(ctx))


def _version_both(ctx: DraftContext) -> Both | str:
    """The version's words, each language its own (for the title page's "Version: {version}")."""
    if ctx.version_label:
        return (
            ctx.both("draft.frozen", label=ctx.version_label) if ctx.language != "en" else ctx.say("draft.frozen", label=ctx.version_label)
        )
    own = ctx.value("finalise.version").strip()
    if own:
        return own
    return (
        ctx.both("draft.workbook_version", version=__version__)
        if ctx.language != "en"
        else ctx.say("draft.workbook_version", version=__version__)
    )


def _title_page(ctx: DraftContext, now: datetime) -> None:
    """The cover: the logo, the marking, the strategy's title as the large heading and the
    partnership's name under it, then the period, version, date and status."""
    doc, p = ctx.doc, ctx.partnership
    logo(doc, ctx.brand, p.name, ctx.say("document.logo_alt", name=p.name))
    if _marking(ctx):
        doc.add_paragraph(_marking(ctx), style=MARKING_STYLE)
    if _is_draft(ctx):
        doc.add_paragraph(ctx.say("draft.marking_draft"), style=MARKING_STYLE)
    if ctx.review_comments is not None:
        doc.add_paragraph(ctx.say("draft.review_copy"), style=MARKING_STYLE)
    doc.add_paragraph(safe_text(_title(ctx)), style="Title")
    doc.add_paragraph(safe_text(p.name), style="Subtitle")
    period = period_words(p.period_start, p.period_end)
    if period:
        doc.add_paragraph(ctx.say("draft.period", period=period))
    if p.areas:
        doc.add_paragraph(safe_text(ctx.say("draft.covering", areas=p.areas)))
    doc.add_paragraph(safe_text(ctx.say("draft.version", version=_version_both(ctx))))
    day = now.astimezone(UK).date()
    doc.add_paragraph(ctx.say("draft.date", date=Both(uk_long_date(day), long_date(day, "cy"))))
    if _is_draft(ctx):
        doc.add_paragraph(safe_text(ctx.say("draft.status_draft", status=_status_both(ctx))), style=MARKING_STYLE)
    else:
        doc.add_paragraph(safe_text(ctx.say("draft.status", status=_status_both(ctx))), style=MARKING_STYLE)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _document_control(ctx, now)


def _status_both(ctx: DraftContext) -> Both | str:
    """The status words for a {status} placeholder: each language its own in a bilingual document."""
    if ctx.language != "bilingual":
        return _status_words(ctx)
    chosen = ctx.value("finalise.status") or "draft"
    key = f"status.{chosen}" if f"status.{chosen}" in phrases() else "status.draft"
    return ctx.both(key)


def _document_control(ctx: DraftContext, now: datetime) -> None:
    """The table councils put at the front of a published strategy (Guide §13.2)."""
    doc = ctx.doc
    doc.add_paragraph(ctx.say("control.heading"), style=FRONT_HEADING_STYLE)
    approved_by = ctx.value("finalise.approved_by").strip()
    approved_on = ctx.value("finalise.approval_date")
    review = ctx.value("finalise.next_review")
    rows = [
        (ctx.say("control.version"), _version(ctx)),
        (ctx.say("control.date"), uk_date(now.astimezone(UK).date())),
        (ctx.say("control.author"), ctx.value("finalise.document_author").strip() or ctx.partnership.name),
        (ctx.say("control.status"), _status_words(ctx)),
        (
            ctx.say("control.approved_by"),
            (approved_by + (f", {uk_day(approved_on)}" if approved_on else "")) if approved_by else ctx.say("control.not_approved"),
        ),
        *[(ctx.say("control.endorsement", agency=agency), ctx.text(decision)) for agency, decision in ctx.extras.get("endorsements", [])],
        (ctx.say("control.next_review"), uk_day(review) if review else ctx.say("control.review_not_set")),
        (ctx.say("control.classification"), _marking(ctx) or ctx.say("control.no_marking")),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = safe_text(value)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _header_footer(ctx: DraftContext) -> None:
    """The header (marking, partnership) and the footer (page numbers, then the marking) are written
    once, in the first section; every later section, portrait or landscape, shares them, so the
    marking is printed once at the top and once at the foot of every page."""
    marking = _marking(ctx)
    draft = ctx.say("draft.footer_draft") if _is_draft(ctx) else ""
    first, *later = ctx.doc.sections
    for section in later:
        section.header.is_linked_to_previous = True
        section.footer.is_linked_to_previous = True
    header = first.header.paragraphs[0]
    header.text = safe_text(" · ".join(x for x in (marking, ctx.partnership.name) if x) + draft)
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer_with_pages(
        first,
        ctx.say("draft.footer", name=ctx.partnership.name, draft=ctx.both("draft.footer_draft") if _is_draft(ctx) else ""),
        ctx.say("document.pages", page="{page}", pages="{pages}"),
    )
    if marking:
        below = first.footer.add_paragraph(marking)
        below.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _evidence_appendix(ctx: DraftContext):
    """Appendix C: the detailed evidence tables of section 4, numbered C1, C2... as the section
    refers to them. Returns the first element of the appendix (None when there is none)."""
    if not ctx.details:
        return None
    ctx.doc.add_page_break()
    start = ctx.doc.paragraphs[-1]._p
    ctx.doc.add_heading(ctx.say("appendix.evidence"), level=1)
    ctx.doc.add_paragraph(ctx.say("evidence.appendix_intro"))
    for number, (title, write) in enumerate(ctx.details, start=1):
        ctx.doc.add_heading(safe_text(ctx.say("evidence.table", number=number, title=title)), level=2)
        write()
    return start


CHAIN_APPENDIX = "How the plan answers the evidence"


def _chain_appendix(ctx: DraftContext, letter: str):
    """The appendix "How the plan answers the evidence": each priority and each finding in the
    evidence with the aims, outcomes and measures that answer it, and a flag on what nothing answers.
    Returns its first element (None when there is nothing to show, or no plan yet)."""
    chain = ctx.extras.get("chain")
    if chain is None or not chain.items or getattr(ctx.plan, "empty", True):
        return None  # with no plan yet, section 5 already says so
    doc = ctx.doc
    doc.add_page_break()
    start = doc.paragraphs[-1]._p
    doc.add_heading(ctx.say("appendix.chain", letter=letter), level=1)
    unanswered = chain.unanswered
    rest = ctx.both("chain.intro_not_yet", count=len(unanswered)) if unanswered else "."
    doc.add_paragraph(safe_text(ctx.say("chain.intro", answered=len(chain.items) - len(unanswered), total=len(chain.items), rest=rest)))
    headings: dict[str, list] = {}
    for item in chain.items:
        headings.setdefault(item.heading, []).append(item)
    nothing = ctx.say("chain.nothing_yet")
    for heading, items in headings.items():
        doc.add_heading(safe_text(_chain_heading(ctx, heading)), level=2)
        simple_table(
            ctx,
            [ctx.say("chain.header.shows"), ctx.say("chain.header.answered_by")],
            [[_finding_words(ctx, i), "; ".join(i.answered_by) or nothing] for i in items],
        )
    if unanswered:
        gap(ctx, _plural(ctx, "chain.unanswered", len(unanswered)))
    if chain.gone:
        note(ctx, ctx.say("chain.gone", items="; ".join(chain.gone)))
    return start


def _finding_words(ctx: DraftContext, item) -> str:
    """What a finding in the evidence shows, in the document's language (a priority is the partnership's
    own text)."""
    if ctx.language == "en" or item.finding is None:
        return item.text
    return finding_text(item.finding, ctx.language, ctx.partnership.nation, overrides=ctx.translations.phrases)


def _chain_heading(ctx: DraftContext, english: str) -> str:
    """A heading of the appendix (where a finding comes from) in the document's language."""
    return heading_words(english, ctx.language, ctx.translations.phrases)


def _move_to_end(doc: DocxDocument, start) -> None:
    """Move everything from ``start`` up to the glossary (the last appendix written) to the end of
    the body, so the appendices run A, B, C."""
    body = doc.element.body
    children = list(body.iterchildren())
    first = children.index(start)
    glossary_break = next(
        i for i in range(len(children) - 1, first, -1) if children[i].tag == qn("w:p") and children[i].xpath(".//w:br[@w:type='page']")
    )
    final = body.find(qn("w:sectPr"))
    for element in children[first:glossary_break]:
        if final is not None:
            final.addprevious(element)
        else:
            body.append(element)


def _glossary(ctx: DraftContext) -> None:
    """An appendix listing every acronym the document uses, with its meaning."""

    own = {
        str(r.values.get("acronym") or "").strip(): str(r.values.get("meaning") or "").strip()
        for r in ctx.rows.get(GLOSSARY_PROMPT, [])
        if r.values.get("acronym")
    }
    found = acronyms_in([], nation=ctx.partnership.nation, own=own, raw=document_text(ctx.doc))
    ctx.doc.add_page_break()
    ctx.doc.add_heading(ctx.say("appendix.b"), level=1)
    if not found.meanings and not found.unexplained:
        ctx.doc.add_paragraph(ctx.say("glossary.none"))
        return
    ctx.doc.add_paragraph(ctx.say("glossary.intro"))
    body = [[acronym, _meaning(ctx, acronym, meaning, found.source.get(acronym))] for acronym, meaning in found.glossary()]
    body += [[acronym, ctx.say("glossary.not_given")] for acronym in sorted(found.unexplained)]
    simple_table(ctx, [ctx.say("glossary.acronym"), ctx.say("glossary.meaning")], sorted(body, key=lambda r: r[0].casefold()))


def _meaning(ctx: DraftContext, acronym: str, meaning: str, source: str | None) -> str:
    """An acronym's meaning in the document's language: the workbook's own list has its Welsh; a
    meaning the partnership wrote is printed as it wrote it."""
    key = f"acronym.{acronym}"
    if ctx.language == "en" or source != "the workbook's list" or key not in phrases():
        return meaning
    return ctx.say(key)


def _title(ctx: DraftContext) -> str:
    own = ctx.value("finalise.title").strip()
    if not own:
        return ctx.say("draft.default_title")
    return ctx.text(ctx.answer_text("finalise.title", own)) if ctx.language != "en" else own


def _properties(ctx: DraftContext, now: datetime) -> None:
    """Title, subject, author and British English (the text's own language is set by the house style)."""
    title = ctx.value("finalise.title").strip() or "child sexual abuse strategy"
    set_properties(
        ctx.doc,
        title=f"{ctx.partnership.name}: {title}" + (" (draft)" if _is_draft(ctx) else ""),
        subject=DEFAULT_TITLE,
        author=ctx.value("finalise.document_author").strip() or ctx.partnership.name,
        now=now,
        keywords="child sexual abuse; strategy; safeguarding; " + ("draft" if _is_draft(ctx) else _status_words(ctx).lower()),
    )
    ctx.doc.core_properties.category = _marking(ctx)


def _labels(ctx: DraftContext, prompt_id: str) -> list[str]:
    prompt = ctx.content.prompts[prompt_id]
    value = ctx.value(prompt_id)
    if not value:
        return []
    labels = {o.id: o.label for o in ctx.content.options(prompt, ctx.partnership.nation, ctx.language)}
    ids = json.loads(value) if prompt.type == "multichoice" else [value]
    return [labels.get(i, i) for i in ids]


# --- The sections ------------------------------------------------------------------------------


def _section_introduction(ctx: DraftContext) -> None:
    doc, c, nation = ctx.doc, ctx.content, ctx.partnership.nation
    answer_section(ctx, "intro.purpose", "Purpose of the strategy")
    if ctx.value("intro.audience").strip():
        answer_section(ctx, "intro.audience", "Who the strategy is for")
    if ctx.value("intro.last_strategy").strip():
        answer_section(ctx, "intro.last_strategy", "What the last strategy achieved")
    doc.add_heading(ctx.say("intro.scope"), level=2)
    forms = _labels(ctx, "intro.scope_forms")
    if forms:
        doc.add_paragraph(ctx.say("intro.forms_covered"))
        for label in forms:
            doc.add_paragraph(safe_text(label), style="List Bullet")
        all_forms = c.reference("forms_of_abuse").items
        if len(forms) < len(all_forms):
            gap(ctx, ctx.say("intro.forms_narrow", n=len(forms), m=len(all_forms)))
    else:
        gap(ctx, ctx.say("intro.forms_missing", chapter=ctx.chapter_name(ctx.content.chapter("introduction").title)))
    ages = _labels(ctx, "intro.scope_ages")
    if ages:
        doc.add_paragraph(safe_text(ctx.say("intro.ages", ages=ages[0])))
    if ctx.value("intro.scope_notes").strip():
        paragraphs(doc, ctx.value("intro.scope_notes"))
    answer_section(ctx, "intro.national_picture", "The national picture")
    answer_section(ctx, "intro.legislation", "Legislation, guidance and national reviews")
    doc.add_heading(ctx.say("intro.definition"), level=2)
    if ctx.value("intro.definition").strip():
        paragraphs(doc, ctx.value("intro.definition"))
    else:
        definitions = c.reference("definitions").for_nation(nation)
        if definitions:
            d = definitions[0]
            if d.get("quotation"):
                doc.add_paragraph(safe_text(d.get("text", "")), style="Quote")
                doc.add_paragraph(safe_text(ctx.say("intro.definition_source", citation=_definition_words(ctx, d, "citation"))))
            else:  # guidance on which definition to quote, not a definition: a gap to fill
                gap(
                    ctx,
                    ctx.say(
                        "intro.definition_to_cite",
                        text=_definition_words(ctx, d, "text"),
                        citation=_definition_words(ctx, d, "citation"),
                    ),
                )
    if ctx.value("intro.terminology").strip():
        answer_section(ctx, "intro.terminology", "The language this strategy uses")


def _definition_words(ctx: DraftContext, definition: dict, field: str) -> Both | str:
    """The guide's advice on the definition to quote, or its citation ("text", "citation"), in the
    document's language: its Welsh from documents.yaml while the English there is still the list's."""
    english = str(definition.get(field, "")).strip()
    key = f"intro.definition_{field}.{definition.get('id')}"
    if ctx.language == "en" or not english:
        return english
    if key in phrases() and phrases()[key]["en"].strip() == english:
        return ctx.both(key)
    return ctx.own(english) if field == "text" else english  # advice without its Welsh is marked; a citation is a name


def _section_vision(ctx: DraftContext) -> None:
    doc = ctx.doc
    answer_section(ctx, "vision.statement", "Our shared vision")
    doc.add_heading(ctx.say("vision.priorities"), level=2)
    priorities = ctx.rows.get("vision.priorities", [])
    if priorities and ctx.language != "en":  # each priority's Welsh title; its reason as the partnership wrote it
        titles = [ctx.text(ctx.title("priority", r.id, str(r.values.get("priority") or ""))) for r in priorities]
        for row, para in zip(priorities, numbered(doc, titles), strict=True):
            why = row.values.get("why")
            if why:
                para.add_run(safe_text(f": {ctx.text(ctx.own(str(why)))}"))
    elif priorities:
        for row, para in zip(priorities, numbered(doc, [str(r.values.get("priority") or "") for r in priorities]), strict=True):
            why = row.values.get("why")
            if why:
                para.add_run(safe_text(f": {why}"))
    else:
        gap(ctx, ctx.say("vision.priorities_missing"))
    _involvement(ctx)
    answer_section(ctx, "vision.leadership", "Leadership commitments")


def _involvement(ctx: DraftContext) -> None:
    """How children, young people and adult victims and survivors shaped the strategy (Guide §3.1,
    §10.1, §10.2): the "You said, we did" table from the record of involvement."""
    lines = ctx.extras.get("involvement")
    if lines is None:  # a draft built without the record (build_draft called directly)
        return
    ctx.doc.add_heading(ctx.say("involvement.heading"), level=2)
    if not lines:
        gap(ctx, ctx.say("involvement.missing"))
        return
    counts = [
        ctx.say("involvement.count", n=s.engagements, who=_voice(ctx, s.voice, s.label, first=True))
        for s in involvement.summary(lines)
        if s.engagements
    ]
    intro = "involvement.intro_one" if len(lines) == 1 else "involvement.intro"
    ctx.doc.add_paragraph(safe_text(ctx.say(intro, count=len(lines), groups=", ".join(counts))))
    headers = [ctx.say("involvement.header.when"), ctx.say("involvement.header.said"), ctx.say("involvement.header.did")]
    simple_table(ctx, headers, involvement.you_said_we_did(lines))
    missing = [s for s in involvement.summary(lines) if s.voice in involvement.REQUIRED_VOICES and not s.changes]
    if missing:
        voices = [_voice(ctx, s.voice, s.label) for s in missing]

        def joined(language: str) -> str:
            word = phrase("involvement.and", language, ctx.translations.phrases)
            return f" {word} ".join(v if isinstance(v, str) else getattr(v, language) for v in voices)

        who: Both | str = joined("en") if ctx.language == "en" else Both(joined("en"), joined("cy"))
        gap(ctx, ctx.say("involvement.still_to_show", who=who))


def _voice(ctx: DraftContext, voice: str, english: str, first: bool = False) -> Both | str:
    """A kind of voice (reference/involvement_voices.yaml) inside a sentence, in lower case (``first``:
    only its first letter), each language its own."""

    def lower(label: str) -> str:
        return label[0].lower() + label[1:] if first and label else label.lower()

    if ctx.language == "en":
        return lower(english)
    return Both(lower(english), lower(ctx.content.list_label("involvement_voices", voice, ctx.partnership.nation, "cy")))


def _section_governance(ctx: DraftContext) -> None:
    doc, c = ctx.doc, ctx.content
    answer_section(ctx, "governance.board", "Ownership and accountability")
    doc.add_heading(ctx.say("governance.contributions"), level=2)
    contributions = ctx.rows.get("vision.contributions", [])
    if contributions:
        prompt_table(ctx, c.prompts["vision.contributions"], contributions)
    else:
        gap(ctx, ctx.say("governance.contributions_missing", chapter=ctx.chapter_name(c.chapter("shared_vision").title)))
    doc.add_heading(ctx.say("governance.steering_group"), level=2)
    members = ctx.rows.get("vision.steering_group", [])
    if members:
        prompt_table(
            ctx,
            c.prompts["vision.steering_group"],
            members,
            ["name", "agency", "role", "seniority", "authority_to_commit", "lived_experience"],
        )
    else:
        gap(ctx, ctx.say("governance.steering_group_missing", chapter=ctx.chapter_name(c.chapter("shared_vision").title)))
    if ctx.value("vision.terms_of_reference").strip():
        doc.add_heading(ctx.say("governance.terms_of_reference"), level=3)
        paragraphs(doc, ctx.value("vision.terms_of_reference"))
    answer_section(ctx, "governance.subgroups", "Subgroups")
    answer_section(ctx, "governance.reporting", "Reporting lines")
    answer_section(ctx, "governance.mappa", "Link to the MAPPA strategic management board")
    answer_section(ctx, "governance.scrutiny", "Independent scrutiny")


# --- Section 4: local and regional context (Guide §4-6) -----------------------------------------


def _choice_label(ctx: DraftContext, ref_id: str, value) -> str:
    labels = {o.id: o.label for o in ctx.content.list_options(ref_id, ctx.partnership.nation, ctx.language)}
    return labels.get(value, value or "")


def _grid_values(ctx: DraftContext, prompt_id: str) -> dict[str, dict]:
    return {r.row_key: r.values for r in ctx.rows.get(prompt_id, []) if r.row_key}


def _not_yet(ctx: DraftContext, what: str, chapter: str, guide: str) -> None:
    """A part of the evidence not written yet: ``what`` is the key of its words (evidence.what.*)."""
    gap(ctx, ctx.say("evidence.not_yet", what=ctx.both(f"evidence.what.{what}"), chapter=ctx.chapter_name(chapter), guide=guide))


def _plural(ctx: DraftContext, key: str, count: int, **values: object) -> str:
    """``key``_one or ``key``_many (the English plural; the Welsh keeps the singular after a number)."""
    return ctx.say(f"{key}_{'one' if count == 1 else 'many'}", count=count, **values)


def _nation(ctx: DraftContext, key: str = "evidence.nation") -> Both:
    return ctx.both(f"{key}.{'wales' if ctx.partnership.nation == 'wales' else 'england'}")


def _headers(ctx: DraftContext, keys: list[str]) -> list[str]:
    return [ctx.say(f"evidence.col.{k}") for k in keys]


def _context_forms(ctx: DraftContext) -> None:
    ctx.doc.add_heading(ctx.say("evidence.h.forms"), level=2)
    stored = _grid_values(ctx, "context.forms")
    if not any(v.get("coverage") or v.get("how") for v in stored.values()):
        _not_yet(ctx, "forms", "Context", "§4.1")
        return
    body = [
        [
            o.label,
            _choice_label(ctx, "coverage_levels", stored.get(o.id, {}).get("coverage")) or ctx.say("evidence.not_recorded"),
            stored.get(o.id, {}).get("how") or "",
        ]
        for o in ctx.content.list_options("forms_of_abuse", ctx.partnership.nation, ctx.language)
    ]
    simple_table(ctx, _headers(ctx, ["form", "covered", "how_covered"]), body)
    missing = [form_id for form_id, _ in ev.forms_not_covered_ids(ctx.rows.get("context.forms", []), ctx.partnership.nation)]
    if missing:
        gap(ctx, ctx.say("evidence.forms_missing", forms=ctx.names("forms_of_abuse", missing)))
    crossovers = ctx.rows.get("context.crossovers", [])
    if crossovers:
        ctx.doc.add_heading(ctx.say("evidence.h.crossovers"), level=3)
        ctx.doc.add_paragraph(_plural(ctx, "evidence.crossovers", len(crossovers)))
        _detail(ctx, ctx.both("evidence.h.crossovers"), lambda: prompt_table(ctx, ctx.content.prompts["context.crossovers"], crossovers))


def _context_groups(ctx: DraftContext) -> None:
    ctx.doc.add_heading(ctx.say("evidence.h.groups"), level=2)
    stored = _grid_values(ctx, "context.groups")
    if not any(v.get("considered") is not None or v.get("notes") for v in stored.values()):
        _not_yet(ctx, "groups", "Context", "§4.2")
        return
    yes_no: dict[bool | None, str] = {True: ctx.say("word.yes"), False: ctx.say("word.no")}
    body = [
        [
            o.label,
            yes_no.get(stored.get(o.id, {}).get("considered"), ctx.say("evidence.not_recorded")),
            stored.get(o.id, {}).get("notes") or "",
        ]
        for o in ctx.content.list_options("groups_affected", ctx.partnership.nation, ctx.language)
    ]
    simple_table(ctx, _headers(ctx, ["group", "considered", "local_notes"]), body)
    missing = [group_id for group_id, _ in ev.groups_not_considered_ids(ctx.rows.get("context.groups", []), ctx.partnership.nation)]
    if missing:
        gap(ctx, ctx.say("evidence.groups_missing", groups=ctx.names("groups_affected", missing)))


def _context_figures(ctx: DraftContext) -> None:
    ctx.doc.add_heading(ctx.say("evidence.h.figures"), level=2)
    rows = ctx.rows.get("context.figures", [])
    if rows:

        def write() -> None:
            prompt_table(ctx, ctx.content.prompts["context.figures"], rows)
            if _has_code(r.values.get("value") for r in rows):
                note(ctx, ctx.say("evidence.codes_footnote"))

        _detail(ctx, ctx.both("evidence.detail.figures"), write)
    else:
        _not_yet(ctx, "figures", "Context", "§4.3")
    if ctx.value("context.population_notes").strip():
        answer_section(ctx, "context.population_notes")  # in a Welsh document its Welsh, or marked


def _unidentified(ctx: DraftContext, ratio: float) -> Both:
    """ "For every child identified, about N more are not." in each language."""
    return ev.unidentified_both(ratio, ctx.translations.phrases)


def _prevalence_words(ctx: DraftContext, p: ev.Prevalence) -> tuple[Both | str, list[str], str]:
    """The estimate's sentence, its workings and how it is worked out, in the document's language (the
    English exactly as strategy.evidence.analysis words it)."""
    assert p.ratio is not None
    if ctx.language == "en":
        return p.sentence, p.workings, p.method
    # The partnership's own words for the rate's source: their Welsh, or marked as missing it.
    own = ctx.answer_text("response.prevalence_source", p.rate_source.rstrip(".")) if ev.rate_source_is_own(p) else None
    workings = ev.prevalence_workings(p, ctx.language, ctx.partnership.nation, own_source=own, overrides=ctx.translations.phrases)
    return _unidentified(ctx, p.ratio), workings, ctx.say("evidence.method", rate=ev.whole(p.rate))


def _population_year(ctx: DraftContext) -> str:
    found = ev.child_population(ctx.rows.get("context.figures", []))
    return (found.period if found and found.period else None) or phrase("evidence.year_not_given", "cy", ctx.translations.phrases)


def _identification(ctx: DraftContext) -> None:
    doc = ctx.doc
    doc.add_heading(ctx.say("evidence.h.identified"), level=2)
    rows = ctx.rows.get("response.identification_figures", [])
    if rows:
        table = ev.trend_table(rows, ctx.partnership.nation)
        body = [[_measure_name(ctx, first), *rest] for first, *rest in table.astype(str).values.tolist()]
        simple_table(ctx, [ctx.say("evidence.col.measure"), *list(table.columns)[1:]], body)
        if _has_code(v for col in table.columns[1:] for v in table[col]):
            note(ctx, ctx.say("evidence.codes_footnote"))
        _identification_rates(ctx, rows)
    else:
        _not_yet(ctx, "identified", "Current response", "§5.1")
    doc.add_heading(ctx.say("evidence.h.scale"), level=3)
    p = ev.prevalence_from(ctx.answers, ctx.rows, ctx.partnership.nation)
    if not p.complete:
        missing = "; ".join(p.missing) if ctx.language == "en" else "; ".join(ctx.say(k, **v) for k, v in p.missing_keys)
        gap(ctx, ctx.say("evidence.prevalence_missing", missing=missing))
    else:
        assert p.identified is not None and p.estimate is not None  # a complete estimate has both
        sentence, workings, method = _prevalence_words(ctx, p)
        alt = ctx.say(
            "evidence.iceberg_alt",
            identified=ev.whole(p.identified),
            measure=ctx.names("identification_measures", [p.measure]) if p.measure else p.measure_label,
            period=p.identified_period or ctx.both("evidence.year_not_given"),
            estimate=ev.about(p.estimate),
            sentence=sentence,
        )
        if ctx.charts:  # the figure is built only for a picture
            chart(
                ctx,
                ev.iceberg_figure(p, ctx.partnership.areas or ctx.partnership.name),
                alt,
                ctx.say("evidence.iceberg_caption"),
            )
        doc.add_paragraph(safe_text(ctx.text(sentence)), style=FINDING_STYLE)
        bullets(ctx, workings)
        doc.add_paragraph(safe_text(method))
    if ctx.value("response.identification_notes").strip():
        answer_section(ctx, "response.identification_notes")


def _measure_name(ctx: DraftContext, english: str) -> str:
    """An identification measure's name as the evidence tables print it (the list's English name, or
    the partnership's own for a measure it added), in the document's language."""
    found = next((o.id for o in ctx.content.list_options("identification_measures", ctx.partnership.nation) if o.label == english), None)
    return ctx.content.list_label("identification_measures", found, ctx.partnership.nation, ctx.language) if found else english


def _identification_rates(ctx: DraftContext, rows: list[Row]) -> None:
    """Guide §5.1: each identification figure per 10,000 children, beside England's or Wales's and the
    region's where the partnership recorded them; where no child population is recorded, what to add."""
    ctx.doc.add_heading(ctx.say("evidence.h.per_10000"), level=3)
    population = ev.child_population(ctx.rows.get("context.figures", []))
    if population is None or population.value <= 0:
        gap(ctx, ctx.say("evidence.rates_no_population", nation=_nation(ctx, "evidence.nation_with")))
        return
    table = ev.rates_table(rows, population, ctx.partnership.nation)
    if table.empty:
        gap(ctx, ctx.say("evidence.rates_no_measure"))
        return
    not_given = ctx.say("evidence.year_not_given")
    body = [
        [
            _measure_name(ctx, str(r["Measure"])),
            not_given if r["Year"] == "year not given" else str(r["Year"]),
            str(r["Number"]),
            ""
            if r["Per 10,000 children"] is None or r["Per 10,000 children"] != r["Per 10,000 children"]
            else f"{r['Per 10,000 children']:.1f}",
            str(r["Comparator"] or ""),
            str(r["Comparator per 10,000"] or ""),
        ]
        for r in table.to_dict("records")
    ]
    compared = sum(1 for row in body if row[4])
    worked = sum(1 for row in body if row[3])
    how: Both | str = population.how
    if ctx.language != "en":
        how = Both(population.how, phrase("evidence.population_for", "cy", ctx.translations.phrases, period=_population_year(ctx)))
    ctx.doc.add_paragraph(
        safe_text(
            _plural(
                ctx,
                "evidence.rates_summary",
                len(body),
                worked=worked,
                total=len(body),
                how=how,
                compared=ctx.both("evidence.compared_one" if compared == 1 else "evidence.compared_many", count=compared),
            )
        )
    )

    def write() -> None:  # in Appendix C, as section 4's other detailed tables are
        simple_table(ctx, _headers(ctx, ["measure", "year", "number", "per_10000", "comparator", "comparator_per_10000"]), body)
        note(ctx, ctx.say("evidence.rates_note", how=how))

    _detail(ctx, ctx.both("evidence.detail.rates"), write)
    if not compared:
        gap(ctx, ctx.say("evidence.rates_no_comparator", nation=_nation(ctx)))


def _support(ctx: DraftContext) -> None:
    doc, nation = ctx.doc, ctx.partnership.nation
    doc.add_heading(ctx.say("evidence.h.support"), level=2)
    rows = ctx.rows.get("response.support_matrix", [])
    if not any(r.values for r in rows):
        _not_yet(ctx, "support", "Current response", "§5.2")
    else:
        table = ev.support_matrix_table(rows, nation, ctx.language)
        not_recorded = ctx.say("evidence.not_recorded")

        def write() -> None:
            simple_table(
                ctx,
                [ctx.say("evidence.col.group"), *table.columns],
                [
                    [group, *(not_recorded if v == "Not recorded" else v for v in values)]
                    for group, values in zip(table.index, table.values.tolist(), strict=True)
                ],
            )
            note(ctx, ctx.say("evidence.support_note"))

        _detail(ctx, ctx.both("evidence.detail.support"), write)
        gaps = ev.support_gaps(rows, nation)
        doc.add_heading(ctx.say("evidence.h.support_gaps"), level=3)
        nones = [g for g in gaps.gaps if g.kind == "none"]
        waits = [g for g in gaps.gaps if g.kind == "long_wait"]
        if nones:
            doc.add_paragraph(ctx.say("evidence.support_none"))
            bullets(
                ctx,
                [
                    g.text
                    if ctx.language == "en"
                    else ctx.say(
                        "evidence.support_none_item",
                        group=ctx.names("groups_affected", [g.group_id]),
                        support=ctx.names("support_types", [g.support_id], lower=True),
                    )
                    for g in nones
                ],
            )
        if waits:
            doc.add_paragraph(ctx.say("evidence.support_waits", weeks=ev.LONG_WAIT_WEEKS))
            bullets(ctx, [g.text if ctx.language == "en" else _wait_words(ctx, g, rows) for g in waits])
        if not nones and not waits:
            doc.add_paragraph(ctx.say("evidence.support_no_gaps", weeks=ev.LONG_WAIT_WEEKS))
        doubted = _support_doubted(ctx, rows)
        if doubted:
            doc.add_paragraph(ctx.say("evidence.support_doubted"))
            bullets(ctx, doubted)
        noted = _support_notes(ctx, rows)
        if noted:
            doc.add_paragraph(ctx.say("evidence.support_noted"))
            bullets(ctx, noted)
        if gaps.not_recorded:
            gap(ctx, ctx.say("evidence.support_not_recorded", blank=gaps.not_recorded, cells=gaps.cells))
    _questions(ctx, "response.support_questions", "support_questions", "evidence.h.support_questions")
    if ctx.value("response.commissioning").strip():
        answer_section(ctx, "response.commissioning", "Commissioning", level=3)


def _wait_words(ctx: DraftContext, g: ev.SupportGap, rows: list[Row]) -> str:
    values = next((r.values for r in rows if r.row_key == f"{g.group_id}|{g.support_id}"), {})
    who = f" ({safe_text(values['providers']).strip()})" if values.get("providers") else ""
    return ctx.say(
        "evidence.support_wait_item",
        group=ctx.names("groups_affected", [g.group_id]),
        support=ctx.names("support_types", [g.support_id], lower=True),
        who=who,
        weeks=ev.whole(g.weeks or 0),
    )


def _support_doubted(ctx: DraftContext, rows: list[Row]) -> list[str]:
    """Guide §5.2: where support exists, whether it is thought to work here."""
    groups = {o.id: o.label for o in ctx.content.list_options("groups_affected", ctx.partnership.nation, ctx.language)}
    types = {o.id: o.label for o in ctx.content.list_options("support_types", ctx.partnership.nation, ctx.language)}
    words = {"no": ctx.say("evidence.support_not_effective"), "partly": ctx.say("evidence.support_partly_effective")}
    out = []
    for key, values in ((r.row_key, r.values) for r in rows if r.row_key):
        if values.get("effective") in words:
            group, _, kind = key.partition("|")
            out.append(f"{groups.get(group, group)}, {types.get(kind, kind).lower()}: {words[values['effective']]}")
    return out


def _support_notes(ctx: DraftContext, rows: list[Row]) -> list[str]:
    groups = {o.id: o.label for o in ctx.content.list_options("groups_affected", ctx.partnership.nation, ctx.language)}
    types = {o.id: o.label for o in ctx.content.list_options("support_types", ctx.partnership.nation, ctx.language)}
    out = []
    for key, values in ((r.row_key, r.values) for r in rows if r.row_key):
        text = safe_text(values.get("gaps") or "").strip()
        if text:
            group, _, kind = key.partition("|")
            out.append(f"{groups.get(group, group)}, {types.get(kind, kind).lower()}: {text}")
    return out


def _questions(ctx: DraftContext, prompt_id: str, ref_id: str, heading_key: str) -> None:
    """A grid of questions answered in words, as a two-column table (only the answered ones)."""
    stored = _grid_values(ctx, prompt_id)
    body = [
        [o.label, stored[o.id].get("answer") or ""]
        for o in ctx.content.list_options(ref_id, ctx.partnership.nation, ctx.language)
        if (stored.get(o.id, {}).get("answer") or "").strip()
    ]
    if body:
        ctx.doc.add_heading(ctx.say(heading_key), level=3)
        total = len(ctx.content.list_options(ref_id, ctx.partnership.nation, ctx.language))
        ctx.doc.add_paragraph(ctx.say("evidence.questions_answered", answered=len(body), total=total))
        _detail(ctx, ctx.both(heading_key), lambda: simple_table(ctx, _headers(ctx, ["question", "answer"]), body))


def _disruption(ctx: DraftContext) -> None:
    ctx.doc.add_heading(ctx.say("evidence.h.disruption"), level=2)
    prompt = ctx.content.prompts["response.disruption"]
    rows = ctx.rows.get("response.disruption", [])
    stored = _grid_values(ctx, "response.disruption")
    columns = list(prompt.columns)
    body = []
    unrecorded = []
    for key, label in ctx.content.grid_rows(prompt, ctx.partnership.nation, ctx.language):
        values = stored.get(key, {})
        if any(values.get(c.id) not in (None, "", []) for c in columns):
            body.append([label, *(cell_text(ctx, c, values.get(c.id)) for c in columns)])
        else:
            unrecorded.append(label)
    for r in rows:
        if r.row_key is None:
            body.append([r.values.get("label") or "", *(cell_text(ctx, c, r.values.get(c.id)) for c in columns)])
    if not body:
        _not_yet(ctx, "disruption", "Current response", "§5.3")
        return
    _disruption_approaches(
        ctx,
        [stored.get(key, {}) for key, _ in ctx.content.grid_rows(prompt, ctx.partnership.nation, ctx.language)]
        + [r.values for r in rows if r.row_key is None],
    )
    _detail(
        ctx,
        ctx.both("evidence.detail.disruption"),
        lambda: simple_table(ctx, [ctx.say("evidence.col.measure"), *(ctx.column(c) for c in columns)], body),
    )
    if unrecorded:
        gap(ctx, ctx.say("evidence.not_recorded_yet", items="; ".join(unrecorded)))


def _disruption_approaches(ctx: DraftContext, measures: list[dict]) -> None:
    """Guide §8.3: how the measures in use spread over the three approaches, and any approach with none."""
    approaches = ctx.content.list_options("disruption_approaches", ctx.partnership.nation)
    in_use = [m for m in measures if m.get("used") == "yes"]
    if not in_use:
        return
    counts = {a.id: sum(1 for m in in_use if m.get("approach") == a.id) for a in approaches}

    def said_in(language: str) -> str:
        names = {a.id: ctx.content.list_label("disruption_approaches", a.id, ctx.partnership.nation, language) for a in approaches}
        return "; ".join(f"{counts[a.id]} {names[a.id][0].lower() + names[a.id][1:]}" for a in approaches if counts[a.id])

    said: Both | str = said_in("en") if ctx.language == "en" else Both(said_in("en"), said_in("cy"))
    unsorted = len(in_use) - sum(counts.values())
    text = _plural(
        ctx, "evidence.disruption", len(in_use), said=said if any(counts.values()) else ctx.both("evidence.disruption_none_sorted")
    )
    if unsorted and any(counts.values()):
        text += ctx.say("evidence.disruption_unsorted", count=unsorted)
    ctx.doc.add_paragraph(text + ".")
    missing = [a.id for a in approaches if not counts[a.id]]
    if missing and any(counts.values()):
        gap(ctx, ctx.say("evidence.disruption_missing", approaches=ctx.names("disruption_approaches", missing, lower=True)))


def _case_reviews(ctx: DraftContext) -> None:
    ctx.doc.add_heading(ctx.say("evidence.h.case_reviews"), level=2)
    rows = ctx.rows.get("response.case_reviews", [])
    if rows:
        ctx.doc.add_paragraph(_plural(ctx, "evidence.case_reviews", len(rows)))
        _detail(
            ctx,
            ctx.both("evidence.h.case_reviews"),
            lambda: prompt_table(ctx, ctx.content.prompts["response.case_reviews"], rows),
        )
    else:
        _not_yet(ctx, "case_reviews", "Current response", "§5.4")


def _courses(ctx: DraftContext) -> None:
    ctx.doc.add_heading(ctx.say("evidence.h.courses"), level=3)
    rows = ctx.rows.get("workforce.courses", [])
    if not rows:
        _not_yet(ctx, "courses", "Workforce", "§6.1")
        return
    ctx.doc.add_paragraph(safe_text(_courses_summary(ctx, rows)))
    columns = ["course", "provider", "focus", "forms", "audience", "delivery", "frequency"]
    _detail(ctx, ctx.both("evidence.h.courses"), lambda: prompt_table(ctx, ctx.content.prompts["workforce.courses"], rows, columns))
    uncovered = _forms_without_course(ctx, rows)
    if uncovered:
        gap(ctx, ctx.say("evidence.no_course_covers", forms=ctx.names("forms_of_abuse", uncovered)))


def _courses_summary(ctx: DraftContext, rows: list[Row]) -> str:
    specific = sum(r.values.get("focus") == "csa_specific" for r in rows)
    multi = sum(r.values.get("delivery") in ("multi_agency", "both") for r in rows)
    return _plural(ctx, "evidence.courses", len(rows), specific=specific, multi=multi)


def _forms_without_course(ctx: DraftContext, rows: list[Row]) -> list[str]:
    """The ids of the forms of abuse no course covers (named with ``ctx.names``)."""
    covered = {f for r in rows for f in (r.values.get("forms") or [])}
    return [o.id for o in ctx.content.list_options("forms_of_abuse", ctx.partnership.nation) if o.id not in covered]


def _attendance(ctx: DraftContext) -> None:
    ctx.doc.add_heading(ctx.say("evidence.h.attendance"), level=3)
    att = ev.attendance_gaps(ctx.rows.get("workforce.attendance", []))
    if att.empty:
        _not_yet(ctx, "attendance", "Workforce", "§6.1")
        return
    t = att.by_agency
    yes, no = ctx.say("word.yes"), ctx.say("word.no")

    def write() -> None:
        simple_table(
            ctx,
            _headers(ctx, ["agency", "should_attend", "attended", "per_cent", "below_half"]),
            [
                [a, ev.whole(e), ev.whole(n), _percent_text(p), yes if low else no]
                for a, e, n, p, low in zip(
                    t["Agency"], t["Staff who should attend"], t["Staff who attended"], t["Per cent attended"], t["Below half"], strict=True
                )
            ],
        )
        note(ctx, ctx.say("evidence.attendance_note"))

    _detail(ctx, ctx.both("evidence.detail.attendance"), write)
    ctx.doc.add_paragraph(safe_text(_attendance_summary(ctx, att, listed=True)))
    if att.flagged:
        bullets(ctx, att.flagged)
        if att.flagged_agencies:
            ctx.doc.add_paragraph(safe_text(ctx.say("evidence.attendance_agencies", agencies="; ".join(att.flagged_agencies))))


def _percent_text(value) -> str:
    return "" if value is None or value != value else f"{value:.0f}%"  # value != value: missing (NaN)


def _attendance_summary(ctx: DraftContext, att: ev.Attendance, *, listed: bool = False) -> str:
    """One sentence on the attendance gaps; ``listed``: the gaps follow as a list."""
    if not att.flagged:
        return ctx.say("evidence.attendance_ok")
    if listed:
        return ctx.say("evidence.attendance_listed")
    text = ctx.say("evidence.attendance_flagged", flagged="; ".join(att.flagged))
    if att.flagged_agencies:
        text += ctx.say("evidence.attendance_across", agencies="; ".join(att.flagged_agencies))
    return text


def _survey(ctx: DraftContext) -> None:
    doc = ctx.doc
    doc.add_heading(ctx.say("evidence.h.survey"), level=3)
    survey = ev.survey_summary(ctx.rows.get("workforce.staff_survey", []))
    if survey.responses == 0:
        _not_yet(ctx, "survey", "Workforce", "§6.1")
        return
    doc.add_paragraph(safe_text(_survey_summary(ctx, survey)))
    headers = [ctx.say("evidence.col.responses"), *(ctx.say(f"evidence.survey.{key}") for key in ev.SURVEY_MEASURES)]
    for table, by in ((survey.by_agency, "agency"), (survey.by_role, "role")):

        def write(table=table, by=by) -> None:
            simple_table(ctx, [ctx.say(f"evidence.col.{by}"), *headers], [_survey_row(row) for row in table.to_dict("records")])
            note(ctx, ctx.say(f"evidence.survey_note_{by}"))

        _detail(ctx, ctx.both(f"evidence.detail.survey_{by}"), write)
    reflection = _reflection(ctx, survey)
    if reflection:
        doc.add_heading(ctx.say("evidence.h.reflection"), level=4)
        doc.add_paragraph(safe_text(reflection), style="Intense Quote")
    if ctx.value("workforce.survey_reflection").strip():
        doc.add_heading(ctx.say("evidence.h.own_reflection"), level=4)
        answer_section(ctx, "workforce.survey_reflection")


def _reflection(ctx: DraftContext, survey: ev.Survey) -> str | None:
    """Guide §6.1's reflection point (strategy.evidence.analysis.reflection_text) in the document's language."""
    p = ev.prevalence_from(ctx.answers, ctx.rows, ctx.partnership.nation)
    english = ev.reflection_text(p, survey)
    if english is None or ctx.language == "en" or p.ratio is None:
        return english
    ratings = []
    if survey.means.get("confidence") is not None:
        ratings.append(ctx.both("evidence.reflection_mean", mean=f"{survey.means['confidence']:.1f}"))
    if survey.confident_share is not None:
        ratings.append(ctx.both("evidence.reflection_share", share=f"{survey.confident_share:.0f}"))
    unidentified = _unidentified(ctx, p.ratio)

    def lower(text: str) -> str:
        return text[0].lower() + text[1:]

    return ctx.text(
        Both(
            english,
            phrase(
                "evidence.reflection",
                "cy",
                ctx.translations.phrases,
                ratings="; ".join(r.cy for r in ratings),
                unidentified=lower(unidentified.cy),
            ),
        )
    )


def _survey_row(row: dict) -> list[str]:
    """An agency's (or role's) name, its number of responses, then each average to one decimal."""
    name, responses, *means = row.values()
    return [name, str(responses), *("" if m is None or m != m else f"{m:.1f}" for m in means)]


def _survey_summary(ctx: DraftContext, survey: ev.Survey) -> str:
    means = [
        f"{ctx.say(f'evidence.survey.{key}').lower()} {survey.means[key]:.1f}"
        for key in ev.SURVEY_MEASURES
        if survey.means.get(key) is not None
    ]
    text = ctx.say("evidence.survey_answered", count=survey.responses)
    if means:
        text += ctx.say("evidence.survey_means", means="; ".join(means))
    if survey.confident_share is not None:
        text += ctx.say("evidence.survey_share", share=f"{survey.confident_share:.0f}")
    return text


def _resources(ctx: DraftContext) -> None:
    ctx.doc.add_heading(ctx.say("evidence.h.resources"), level=3)
    stored = _grid_values(ctx, "workforce.resources")
    status = ctx.content.prompts["workforce.resources"].columns[0]
    body = [
        [o.label, cell_text(ctx, status, stored[o.id].get("status")), stored[o.id].get("answer") or ""]
        for o in ctx.content.list_options("resources_questions", ctx.partnership.nation, ctx.language)
        if stored.get(o.id, {}).get("status") or (stored.get(o.id, {}).get("answer") or "").strip()
    ]
    if body:
        _detail(
            ctx,
            ctx.both("evidence.detail.resources"),
            lambda: simple_table(ctx, _headers(ctx, ["question", "where_we_are", "answer"]), body),
        )
    else:
        _not_yet(ctx, "resources", "Workforce", "§6.2")


def _section_context(ctx: DraftContext) -> None:
    """Section 4: the evidence from the Context, Current response and Workforce chapters."""
    ctx.doc.add_paragraph(ctx.say("evidence.intro"))
    _context_forms(ctx)
    _context_groups(ctx)
    _context_figures(ctx)
    _identification(ctx)
    _support(ctx)
    _disruption(ctx)
    _case_reviews(ctx)
    ctx.doc.add_heading(ctx.say("evidence.h.workforce"), level=2)
    _courses(ctx)
    _attendance(ctx)
    _questions(ctx, "workforce.training_questions", "training_questions", "evidence.h.training_audit")
    _survey(ctx)
    _resources(ctx)
    _self_assessment(ctx)


def _self_assessment(ctx: DraftContext) -> None:
    """The latest system-wide snapshot (domain RAG) and thematic audit, in brief (Guide §15.2)."""
    ctx.doc.add_heading(ctx.say("evidence.h.self_assessment"), level=2)
    if ctx.self_assessment:
        bullets(ctx, list(ctx.self_assessment))
        ctx.doc.add_paragraph(ctx.say("evidence.self_assessment_more"))
    else:
        _not_yet(ctx, "self_assessment", "Where you stand", "§15.2")


# --- Section 9: workforce development -----------------------------------------------------------


def _section_workforce(ctx: DraftContext) -> None:
    doc = ctx.doc
    doc.add_heading(ctx.say("evidence.h.workforce_audit"), level=2)
    findings = []
    courses = ctx.rows.get("workforce.courses", [])
    if courses:
        findings.append(_courses_summary(ctx, courses))
        uncovered = _forms_without_course(ctx, courses)
        if uncovered:
            findings.append(ctx.say("evidence.no_course_covers_short", forms=ctx.names("forms_of_abuse", uncovered)))
    att = ev.attendance_gaps(ctx.rows.get("workforce.attendance", []))
    if not att.empty:
        findings.append(_attendance_summary(ctx, att))
    survey = ev.survey_summary(ctx.rows.get("workforce.staff_survey", []))
    if survey.responses:
        findings.append(_survey_summary(ctx, survey))
    if findings:
        bullets(ctx, findings)
        reflection = _reflection(ctx, survey)
        if reflection:
            doc.add_paragraph(safe_text(reflection), style="Intense Quote")
        doc.add_paragraph(ctx.say("evidence.workforce_more"))
    if not courses:
        _not_yet(ctx, "courses", "Workforce", "§6.1")
    if att.empty:
        _not_yet(ctx, "attendance", "Workforce", "§6.1")
    if not survey.responses:
        _not_yet(ctx, "survey", "Workforce", "§6.1")

    planned_workforce_development(ctx)


_WRITERS = {
    "s1": _section_introduction,
    "s2": _section_vision,
    "s3": _section_governance,
    "s4": _section_context,
    "s9": _section_workforce,
    **PLAN_WRITERS,
}  # sections 5-11 (the plan and the core components) are written by strategy.plan.word


def build_draft(
    ctx_partnership: Partnership,
    answers: dict[str, Answer],
    rows: dict[str, list[Row]],
    *,
    now: datetime | None = None,
    charts: bool = True,
    plan=None,
    self_assessment: list[str] | None = None,
    version_label: str | None = None,
    review_comments: dict | None = None,
    endorsements: list[list[Both | str]] | list[list[str]] | None = None,
    chain=None,
    involvement_lines: list | None = None,
    language: str = "en",
    translations: Translations = NO_WELSH,
) -> bytes:
    """The draft strategy as .docx bytes (``charts=False``: no chart pictures, a note instead).
    ``endorsements``: the document-control lines of each partner's endorsement; ``chain``: how the
    plan answers the evidence (strategy.chain.links.Coverage), for its appendix. ``language``: "en",
    "cy" or "bilingual" (Welsh first), with the partnership's Welsh in ``translations``."""
    now = now or datetime.now(UK)
    doc = Document()
    ctx = DraftContext(
        doc, content(), ctx_partnership, answers, rows, charts, plan, tuple(self_assessment or ()), version_label, review_comments
    )
    ctx.language, ctx.translations = check_language(language), translations
    ctx.extras.update(endorsements=endorsements or [], chain=chain, involvement=involvement_lines)
    ensure_styles(doc, ctx.brand)
    _properties(ctx, now)
    if ctx.language == "cy":  # spelling and screen readers in Welsh
        proofing_language(doc, "cy-GB")
    _title_page(ctx, now)
    welsh_note = welsh_note_start(ctx)
    contents = table_of_contents(doc)
    landscape = False
    sections = ctx.content.reference("template_sections").items
    for number, section in enumerate(sections):
        step(f"Writing section {section['number']}: {section['label']}", 0.05 + 0.85 * number / len(sections))
        if (section["id"] in LANDSCAPE) != landscape:  # wide tables get landscape pages of their own
            landscape = not landscape
            set_orientation(doc, landscape)
        else:
            doc.add_page_break()
        label = ctx.say("section." + section["id"])
        doc.add_heading(f"{section['number']}. {label}", level=1)
        writer = _WRITERS.get(section["id"])
        if writer:
            writer(ctx)
        else:
            section_not_started(ctx, section)
        if ctx.review_comments is not None:
            _open_comments(ctx, section["id"])
    if landscape:
        set_orientation(doc, False)  # the appendices are portrait again
    step("Writing the appendices and the glossary", 0.9)
    appendix_recommendations(ctx)
    evidence = _evidence_appendix(ctx)
    answers = _chain_appendix(ctx, "D" if evidence is not None else "C")
    _glossary(ctx)  # read from everything above, the evidence appendix too
    if evidence is not None or answers is not None:  # the glossary is Appendix B: it goes before the rest
        _move_to_end(doc, evidence if evidence is not None else answers)
    _header_footer(ctx)
    welsh_note_end(ctx, welsh_note)
    contents_from_headings(doc, contents, number_headings(doc))
    return save(doc, ctx.brand)


def proofing_language(doc: DocxDocument, tag: str) -> None:
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), tag)
    doc.core_properties.language = tag


def welsh_note_start(ctx: DraftContext):
    """A Welsh or bilingual draft opens with a note on its Welsh text; its counts are written at the
    end (``welsh_note_end``), once every passage has been marked."""
    if ctx.language == "en":
        return None
    ctx.doc.add_paragraph(ctx.say("welsh.note_heading"), style=FRONT_HEADING_STYLE)
    return ctx.doc.add_paragraph(style=GAP_STYLE)


def welsh_note_end(ctx: DraftContext, placeholder, *, last: str = "welsh.note_english_only") -> None:
    """The note's counts; ``last``: the phrase that ends it (what the document leaves in English)."""
    if placeholder is None:
        return
    lines = []
    if ctx.welsh_missing:
        lines.append(ctx.say("welsh.note_missing", count=ctx.welsh_missing))
    if ctx.welsh_out_of_date:
        lines.append(ctx.say("welsh.note_out_of_date", count=ctx.welsh_out_of_date))
    if not lines:
        lines.append(ctx.say("welsh.note_complete"))
    lines.append(ctx.say(last))
    placeholder.text = "\n".join(lines)


def _open_comments(ctx: DraftContext, section_id: str) -> None:
    """A review copy's list of the open comments on a section (Guide §13.2)."""

    if ctx.review_comments is None:  # not a review copy
        return
    found = ctx.review_comments.get(section_id, [])
    ctx.doc.add_heading(ctx.say("review.open_comments"), level=2)
    if not found:
        ctx.doc.add_paragraph(ctx.say("review.no_comments"))
        return
    for about, comment in found:
        who = comment.author_name + (f", {comment.author_agency}" if comment.author_agency else "")
        when = uk_long_date(to_uk(comment.created_at).date())
        ctx.doc.add_paragraph(safe_text(f"{about}: {comment.text} ({who}, {when})"), style="List Bullet")


def _endorsements(engine: Engine, partnership_id: int, language: str, translations: Translations) -> list[list[Both | str]]:
    """Document control's endorsement lines, each cell in both languages (the draft prints its own)."""
    found = list_endorsements(engine, partnership_id)
    english = endorsement_rows(found)
    if language == "en":
        return [list(row) for row in english]
    welsh = endorsement_rows(found, "cy", translations.phrases)
    return [[Both(en, cy) for en, cy in zip(e, w, strict=True)] for e, w in zip(english, welsh, strict=True)]


def export_docx(
    engine: Engine,
    partnership_id: int,
    *,
    now: datetime | None = None,
    charts: bool = True,
    version_label: str | None = None,
    review_comments: dict | None = None,
    language: str = "en",
    translations: Translations | None = None,
) -> bytes:
    """The one way to the Word draft: page, CLI and tests all call this. ``version_label`` names a
    frozen review version; ``review_comments`` makes a review copy (see strategy.finalise.review).
    ``language``: "en" (the default), "cy" or "bilingual"; the partnership's Welsh comes from
    ``translations`` (by default ``translations_for``, read from the database)."""
    check_language(language)
    step("Reading the partnership's answers and plan", 0.0)
    partnership = get_partnership(engine, partnership_id)
    if translations is None:
        translations = translations_for(engine, partnership_id) if language != "en" else NO_WELSH
    return build_draft(
        partnership,
        get_answers(engine, partnership_id),
        all_rows(engine, partnership_id),
        now=now,
        charts=charts,
        plan=load_plan(engine, partnership_id),
        self_assessment=snapshot_summary(engine, partnership_id, language, translations.phrases)
        + audit_summary(engine, partnership_id, language, translations.phrases),
        version_label=version_label,
        review_comments=review_comments,
        endorsements=_endorsements(engine, partnership_id, language, translations),
        chain=coverage(engine, partnership_id),
        involvement_lines=involvement.list_engagements(engine, partnership_id),
        language=language,
        translations=translations,
    )


def draft_filename(p: Partnership, now: datetime | None = None, *, language: str = "en") -> str:
    now = now or datetime.now(UK)
    safe = "".join(ch if ch.isalnum() else "-" for ch in p.name).strip("-").lower() or "partnership"
    while "--" in safe:
        safe = safe.replace("--", "-")
    suffix = {"cy": "-cymraeg", "bilingual": "-dwyieithog-bilingual"}.get(language, "")
    return f"{safe[:60]}-strategy-draft{suffix}-{now.strftime('%Y-%m-%d')}.docx"


# --- The Word draft of a frozen review version (Guide §13.2) ----------------------------------


def version_docx(
    engine: Engine,
    partnership_id: int,
    which: str | int = review.CURRENT,
    *,
    review_copy: bool = False,
    now: datetime | None = None,
    charts: bool = True,
    language: str = "en",
) -> bytes:
    """The Word draft of a frozen version (or the current text), optionally as a review copy that lists
    the open comments under each section; ``language``: "en", "cy" or "bilingual"."""
    check_language(language)
    comments = review.open_comments_by_section(engine, partnership_id, language=language) if review_copy else None
    if which == review.CURRENT:
        return export_docx(engine, partnership_id, now=now, charts=charts, review_comments=comments, language=language)
    version = review.find_version(engine, partnership_id, which)
    data = review.version_content(engine, version)
    with tempfile.TemporaryDirectory(prefix="workbook-version-") as folder:
        url = f"sqlite:///{Path(folder) / 'version.sqlite3'}"
        try:
            frozen = prepare_database(url)
            pid = restore_partnership(frozen, data)
            return export_docx(
                frozen,
                pid,
                now=now,
                charts=charts,
                version_label=review.label(version.number),
                review_comments=comments,
                language=language,
            )
        finally:
            dispose_engine(url)
