"""The progress report (Guide §15): a Word document for the board or a scrutiny committee, built from the
same tables as the scrutineer's dashboard. A RAG summary (the status word beside every count), the
updates since the last report, each indicator's chart and table, what is at risk, and every section
listed in ``strategy.features.SCRUTINY_SECTIONS`` (audit learning and open comments among them).

In English, Welsh or both (Welsh first; Welsh Language Standards), like the draft: every fixed word
through the one phrase lookup (``report.*`` in data/language/documents.yaml), the plan's titles through
their Welsh, and the partnership's own text (progress notes, evidence, feedback) marked where it has no
Welsh, never filled with the English in its place."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.engine import Engine

from strategy import __version__
from strategy.answers.operations import all_rows, get_answers
from strategy.core.dates import UK, uk_long_date
from strategy.core.models import stored_id
from strategy.delivery import charts as delivery_chart
from strategy.delivery import operations as D
from strategy.delivery.operations import Section
from strategy.documents.draft import proofing_language, welsh_note_end, welsh_note_start
from strategy.documents.welsh import translations_for
from strategy.features import SCRUTINY_SECTIONS
from strategy.guide.content import content
from strategy.people.partnerships import get_partnership
from strategy.word.answers import DraftContext, brand_of
from strategy.word.language import NO_WELSH, Both, Translations, check_language, long_date, phrase, phrases
from strategy.word.toolkit import chart, finish, gap, new_document, note, safe_text, simple_table, step, table_of_contents

#: Columns that hold the partnership's own words (no Welsh is stored for them): marked as missing their
#: Welsh in a Welsh or bilingual report, the English inside the mark.
OWN_COLUMNS = frozenset(
    {
        "Progress note",
        "Evidence",
        "Milestone",
        "Output indicator",
        "Indicator",
        "Funding source",
        "Staff time",
        "Source",
        "Note",
        "What was heard",
        "Sent to",
        "Response",
        "What changed",
        "Shared with",
        "Recommendation",
        "Audit",
        "If you do one thing",
        "Learning identified",
        "Strengths",
        "About",
        "Comment",
    }
)


def _table(ctx: DraftContext, frame, codes: dict[str, tuple[str, int]] | None = None) -> None:
    """A table in the report's language: its headers and fixed words through the phrase lookup, the
    plan's titles in Welsh (found by the row's code in ``codes``), the partnership's words marked."""
    columns = [str(c) for c in frame.columns]
    cells = [["" if v is None or (isinstance(v, float) and v != v) else _cell(v) for v in row] for row in frame.itertuples(index=False)]
    if ctx.language != "en":
        cells = [
            [
                _welsh_cell(ctx, column, value, dict(zip(columns, row, strict=True)), codes or {})
                for column, value in zip(columns, row, strict=True)
            ]
            for row in cells
        ]
        columns = [_word(ctx, column, "report.col.", "report.value.") for column in columns]
    simple_table(ctx, columns, cells)


def _cell(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"  # in Welsh, through the phrases with the other fixed words
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@functools.lru_cache(maxsize=4)
def _by_english(prefix: str) -> dict[str, str]:
    """The phrases under ``prefix`` by their English (a table's header, a status word)."""
    return {entry["en"]: key for key, entry in phrases().items() if key.startswith(prefix)}


@functools.lru_cache(maxsize=1)
def _sentences() -> list[tuple[re.Pattern, str]]:
    """The report's fixed sentences with {placeholders} (the reasons for a judgement), as patterns
    that find the values in the English sentence."""
    found = []
    for key, entry in phrases().items():
        if key.startswith("report.why."):
            parts = re.split(r"\{(\w+)\}", entry["en"])
            pattern = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
            found.append((re.compile(f"^{pattern}$"), key))
    return found


def _word(ctx: DraftContext, english: str, *prefixes: str) -> str:
    """A fixed word of a table (a header, a status) in the report's language; a word the phrase file
    does not hold is marked as missing its Welsh."""
    for prefix in prefixes:
        key = _by_english(prefix).get(english)
        if key is not None:
            return ctx.say(key)
    for pattern, sentence in _sentences():
        matched = pattern.match(english)
        if matched:
            return ctx.say(sentence, **matched.groupdict())
    return ctx.text(ctx.own(english))


#: Table values that are codes, numbers, dates and periods: the same in both languages.
_AS_THEY_ARE = re.compile(r"^[\s\d/.,:%£()\-–]*$")
#: Columns of names, figures and periods, printed as they are unless they hold a fixed word ("Not set").
_SAME_IN_BOTH = frozenset(
    {"Code", "Lead", "By", "Period", "Value", "Baseline", "Target", "Achieved", "Latest", "Previous", "Cost", "Responses from"}
)


def _welsh_cell(ctx: DraftContext, column: str, value: str, row: dict[str, str], codes: dict[str, tuple[str, int]]) -> str:
    if not value.strip() or _AS_THEY_ARE.match(value) or value in codes:  # a plan's code ("A1.O1.2") is the same too
        return value
    if column in OWN_COLUMNS:
        return ctx.text(ctx.own(value))
    if column == "Action" and row.get("Code") in codes:
        kind, item_id = codes[row["Code"]]
        return ctx.text(ctx.title(kind, item_id, value))
    if column == "Strategic aim":  # "A1 Keep children safe": the aim's code, then its title
        code, _, title = value.partition(" ")
        if code in codes:
            kind, item_id = codes[code]
            return f"{code} {ctx.text(ctx.title(kind, item_id, title))}"
    if column in _SAME_IN_BOTH and value not in _by_english("report.value."):
        return value
    return _word(ctx, value, "report.value.")


def _plan_codes(d: D.Delivery) -> dict[str, tuple[str, int]]:
    """Each aim's and action's code, to find its Welsh title: code -> (kind, id)."""
    found: dict[str, tuple[str, int]] = {}
    for aim in d.plan.aims:
        found[d.plan.code("aim", aim.id)] = ("aim", stored_id(aim))
    for action in d.plan.all_actions():
        found[d.plan.code("action", action.id)] = ("action", stored_id(action))
    return found


def _date(day: date) -> Both:
    return Both(uk_long_date(day), long_date(day, "cy"))


#: At most this many measures share one chart (three rows of two fit a landscape page).
MEASURES_PER_CHART = 6


def _measures_chart(ctx: DraftContext, aim_code: str, measures: list) -> None:
    if not ctx.charts:  # the figure is built only for a picture
        return
    names = [f"{row.Code} {ctx.text(ctx.own(str(row.Indicator)))}" for row, _ in measures]
    chart(
        ctx,
        delivery_chart.indicators_figure([(f"{row.Code} {row.Indicator}", readings) for row, readings in measures]),
        safe_text(ctx.say("report.measures_alt", aim=aim_code, measures="; ".join(names))),
        safe_text(ctx.say("report.measures_caption", aim=aim_code, codes=", ".join(str(row.Code) for row, _ in measures))),
        height=delivery_chart.indicators_height(len(measures)),
    )


def build_progress_report(
    d: D.Delivery,
    *,
    charts: bool = True,
    now: datetime | None = None,
    sections: Sequence[Section] = SCRUTINY_SECTIONS,
    language: str = "en",
    translations: Translations = NO_WELSH,
) -> bytes:
    """The progress report as .docx bytes; ``language``: "en" (the default), "cy" or "bilingual" (Welsh
    first), with the partnership's Welsh in ``translations``."""
    check_language(language)
    now = now or datetime.now(UK)
    partnership = get_partnership(d.engine, d.partnership_id)
    answers = get_answers(d.engine, d.partnership_id)
    brand = brand_of(answers)

    def say(key: str, **values: object) -> str:
        return phrase(key, language, translations.phrases, **values)

    since: Both | str = ""
    if d.since:
        english, welsh = (phrase("report.since", lang, translations.phrases, date=_date(d.since)) for lang in ("en", "cy"))
        since = Both(f" {english}", f" {welsh}")
    # Landscape A4: the update and indicator tables are wide, and every table fills the page's width.
    base = new_document(
        partnership,
        say("report.title"),
        say("report.subtitle", date=_date(d.today)),
        now,
        charts=charts,
        lines=[say("report.for_board", since=since, days=d.interval)],
        brand=brand,
        landscape=True,
        produced=say("report.produced", date=_date(now.astimezone(UK).date()), version=__version__) if language != "en" else None,
        language=language,
        overrides=translations.phrases,
    )
    doc = base.doc
    ctx = DraftContext(
        doc,
        content(),
        partnership,
        answers,
        all_rows(d.engine, d.partnership_id),
        charts,
        d.plan,
        language=language,
        translations=translations,
    )
    if language == "cy":  # spelling and screen readers in Welsh
        proofing_language(doc, "cy-GB")
    welsh_note = welsh_note_start(ctx)
    base.contents = table_of_contents(doc)
    codes = _plan_codes(d) if language != "en" else {}

    step("Summing up the actions by status", 0.05)
    actions = D.action_status_table(d)
    doc.add_heading(ctx.say("report.summary"), level=1)
    if actions.empty:
        gap(ctx, ctx.say("report.no_actions"))
    else:
        counts = D.status_counts(actions)
        rag = {s["label"]: s["rag"] for s in D.statuses()}
        overdue, due = int(actions["Overdue"].sum()), int(actions["Due for an update"].sum())
        key = "report.actions_count_one" if len(actions) == 1 else "report.actions_count"
        doc.add_paragraph(ctx.say(key, count=len(actions), statuses=_by_language(ctx, counts), overdue=overdue, due=due))
        chart(
            ctx,
            delivery_chart.status_figure(counts) if ctx.charts else None,
            ctx.say("report.status_alt"),
            ctx.say("report.status_caption"),
            height=380,
        )
        counts.insert(1, "Colour", [rag[s] for s in counts["Status"]])
        _table(ctx, counts)
        doc.add_heading(ctx.say("report.by_aim"), level=2)
        _table(ctx, D.status_counts(actions, "Strategic aim"), codes)

    step("Writing the progress updates", 0.25)
    doc.add_heading(ctx.say("report.updates_since_last") if d.since else ctx.say("report.updates"), level=1)
    updates = D.updates_table(d)
    if updates.empty:
        gap(ctx, ctx.say("report.no_updates"))
    else:
        _table(ctx, updates[["Date", "Code", "Status", "Progress note", "Evidence", "By"]], codes)

    step("Writing the milestones and outputs", 0.32)
    _milestones_and_outputs(ctx, d, codes)

    step("Writing the indicators", 0.4)
    doc.add_heading(ctx.say("report.indicators"), level=1)
    indicators = D.indicator_table(d)
    if indicators.empty:
        gap(ctx, ctx.say("report.no_measures"))
    else:
        note(ctx, ctx.say("report.indicators_note", margin=round(D.OFF_TRACK_MARGIN * 100)))
        _table(ctx, indicators[["Code", "Indicator", "Baseline", "Target", "Latest", "Direction of travel", "Judgement"]], codes)
        # One chart per strategic aim, a panel for each of its measures (a large partnership's sixty
        # measures are twelve pictures, not sixty), then each measure's readings as a table.
        by_aim: dict[str, list] = {}
        for row in indicators.itertuples():
            readings = D.readings_table(d, row._11)
            if not readings.empty:
                by_aim.setdefault(str(row.Code).split(".")[0], []).append((row, readings))
        for aim_code, all_measures in by_aim.items():
            doc.add_heading(safe_text(ctx.say("report.measures_of_aim", aim=aim_code)), level=2)
            for first in range(0, len(all_measures), MEASURES_PER_CHART):
                _measures_chart(ctx, aim_code, all_measures[first : first + MEASURES_PER_CHART])
            for row, readings in all_measures:
                doc.add_heading(safe_text(f"{row.Code} {ctx.text(ctx.own(str(row.Indicator)))}"), level=3)
                _table(ctx, readings[["Period", "Value", "Baseline", "Target", "Source", "Note"]], codes)

    for number, section in enumerate(sections):
        step(f"Writing '{section.title}'", 0.7 + 0.2 * number / max(len(sections), 1))
        doc.add_heading(safe_text(_section_words(ctx, section, "title")), level=1)
        if section.intro:
            doc.add_paragraph(safe_text(_section_words(ctx, section, "intro")))
        frame = section.rows(d)
        if frame.empty:
            doc.add_paragraph(safe_text(_section_words(ctx, section, "empty")))
        else:
            _table(ctx, frame, codes)
    welsh_note_end(ctx, welsh_note, last="report.welsh_english_only")
    return finish(base)


def _by_language(ctx: DraftContext, counts) -> Both | str:
    """The counts by status ("3 on track; 1 at risk") for the summary sentence, each language its own."""
    rows = [r for r in counts.itertuples() if r.Actions]
    english = "; ".join(f"{r.Actions} {r.Status.lower()}" for r in rows)
    if ctx.language == "en":
        return english
    keys = _by_english("report.value.")
    welsh = "; ".join(f"{r.Actions} {ctx.both(keys[r.Status]).cy if r.Status in keys else r.Status}" for r in rows)
    return Both(english, welsh.lower())


def _section_words(ctx: DraftContext, section: Section, part: str) -> str:
    """A section's title, introduction or empty message in the report's language: the phrase
    ``report.section.<key>.<part>``; a section the phrase file does not know is marked."""
    english = getattr(section, part)
    key = f"report.section.{section.key}.{part}"
    if ctx.language == "en" or key not in phrases():
        return english if ctx.language == "en" else ctx.text(ctx.own(english))
    return ctx.say(key)


def _milestones_and_outputs(ctx: DraftContext, d: D.Delivery, codes: dict[str, tuple[str, int]] | None = None) -> None:
    """Milestones due in the period, the overdue ones named; each action's output indicators against
    their targets; and the resources given for the actions (Guide §12, §15.1)."""
    doc = ctx.doc
    both = ctx.both("report.period_since", date=_date(d.since)) if d.since else ctx.both("report.period_all")
    period: Both | str = both.en if ctx.language == "en" else both
    doc.add_heading(ctx.say("report.milestones"), level=1)
    milestones = D.milestone_table(d)
    if milestones.empty:
        gap(ctx, ctx.say("report.no_milestones", period=period))
    else:
        overdue = milestones[milestones["Overdue"]]
        if overdue.empty:
            doc.add_paragraph(ctx.say("report.milestones_none_overdue", count=len(milestones), period=period))
        else:
            records = overdue.to_dict("records")
            english = "; ".join(f"{r['Code']} {r['Milestone']} (due {uk_long_date(date.fromisoformat(r['_due']))})" for r in records)
            listed: Both | str = english
            if ctx.language != "en":
                welsh = "; ".join(
                    f"{r['Code']} {_cy(ctx.own(r['Milestone']))} ({ctx.both('report.due', date=_date(date.fromisoformat(r['_due']))).cy})"
                    for r in records
                )
                listed = Both(english, welsh)
            doc.add_paragraph(safe_text(ctx.say("report.milestones_overdue", count=len(milestones), period=period, overdue=listed)))
        _table(ctx, milestones[D.MILESTONE_COLUMNS], codes)
    doc.add_heading(ctx.say("report.outputs"), level=1)
    outputs = D.output_table(d)
    if outputs.empty:
        gap(ctx, ctx.say("report.no_outputs"))
    else:
        doc.add_paragraph(ctx.say("report.outputs_intro"))
        _table(ctx, outputs, codes)
    resources = D.resources_table(d)
    if not resources.empty:
        doc.add_heading(ctx.say("report.resources"), level=1)
        total = D.total_cost(d)
        if total:
            doc.add_paragraph(ctx.say("report.total_cost", total=total))
        _table(ctx, resources, codes)


def _cy(text: Both | str) -> str:
    return text.cy if isinstance(text, Both) else text


def export_progress_report(
    engine: Engine,
    partnership_id: int,
    *,
    since: date | None = None,
    today: date | None = None,
    charts: bool = True,
    sections: Sequence[Section] = SCRUTINY_SECTIONS,
    language: str = "en",
    translations: Translations | None = None,
) -> bytes:
    """The one way to the progress report: page, CLI and tests all call this. ``language``: "en" (the
    default), "cy" or "bilingual"; the partnership's Welsh comes from ``translations`` (by default
    ``translations_for``, read from the database)."""
    check_language(language)
    if translations is None:
        translations = translations_for(engine, partnership_id) if language != "en" else NO_WELSH
    return build_progress_report(
        D.load_delivery(engine, partnership_id, today=today, since=since),
        charts=charts,
        sections=sections,
        language=language,
        translations=translations,
    )


def report_filename(name: str, today: date | None = None, *, language: str = "en") -> str:
    today = today or date.today()
    safe = "".join(ch if ch.isalnum() else "-" for ch in name).strip("-").lower() or "partnership"
    while "--" in safe:
        safe = safe.replace("--", "-")
    suffix = {"cy": "-cymraeg", "bilingual": "-dwyieithog-bilingual"}.get(language, "")
    return f"{safe[:60]}-progress-report{suffix}-{today.isoformat()}.docx"
