"""The action plan in and out of Excel and CSV (Guide §12), and the forgiving reader of the dates
real plans are written with.

Export: the guide's columns (Strategic aim, Intended outcome, Action, Lead/responsible agency,
Commencement, Completion), then status, component and recommendations and a few more; every cell
is formula-safe by the one guard every export uses (``strategy.tabular.formulas``), which the one
reader (``strategy.tabular.reading``) takes off again, so an export re-imports to the same text.

Import: the same columns, tolerant of how plans are written (blank cells under a merged aim or
outcome, several actions or leads in one cell, multi-line cells, "March 2015", "2020/21",
"By 31 October 2023", "Q3 2026", one "When" column, missing commencement dates). ``preview_import``
lists what would be created and every problem by row and column; ``commit_import`` stores it in one
transaction, and only when there are no problems.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from strategy.answers.io import save_options, saved_options
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput
from strategy.core.interface import ui_text
from strategy.core.models import Partnership, PlanAction, PlanAgency, PlanAim, PlanOutcome, stored_id
from strategy.core.revisions import record_revision
from strategy.core.text import clean_text, name_key, normalise_name
from strategy.core.values import uk_day
from strategy.guide.content import content
from strategy.plan.operations import (
    AIM_LIMIT,
    PLAN_YEARS,
    TEXT_LIMIT,
    _choice,
    _milestone_values,
    _output_values,
    _rec_list,
    add_milestone,
    add_output,
    agencies,
    counted,
    format_cost,
    leads,
    listed_words,
    load_plan,
    option_labels,
    parse_cost,
    recommendations,
)
from strategy.tabular.formulas import Sheet, csv_bytes, xlsx_sheets_bytes
from strategy.tabular.reading import (
    IgnoredColumn,
    ImportOptions,
    ImportRefused,
    Preview,
    Problem,
    Table,
    file_name,
    header_key,
    read_sheet,
)

# --- Dates as plans write them ------------------------------------------------------------------

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
NO_DATE_WORDS = {
    "ongoing",
    "on going",
    "tbc",
    "tba",
    "to be confirmed",
    "n/a",
    "na",
    "continuous",
    "throughout",
    "as required",
    "annually",
    "annual",
    "quarterly",
    "monthly",
}


@dataclass(frozen=True)
class Span:
    """What a written timescale means: the first and last day (either may be unknown)."""

    start: date | None
    end: date | None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000
    return year


class AmbiguousQuarter(InvalidInput):
    """A quarter written without its financial year ("Q3 2025"): a calendar quarter or a financial one?"""

    def __init__(self, message: str, quarter: int = 0, year: int = 0):
        super().__init__(message)
        self.quarter, self.year = quarter, year


def quarter_message(what: str, text: str, q: int, y: int) -> str:
    fin = 3 * q + 1
    fin_year = y + (1 if fin > 12 else 0)
    fin = fin - 12 if fin > 12 else fin
    calendar_months = f"{calendar.month_name[3 * q - 2]} to {calendar.month_name[3 * q]} {y}"
    financial_months = f"{calendar.month_name[fin]} to {calendar.month_name[fin + 2]} {fin_year}"
    return (
        f"{what} '{text}' could be a calendar quarter ({calendar_months}) or a quarter of the financial year "
        f"{y}/{(y + 1) % 100:02d} ({financial_months}), so it was not guessed. Write 'Q{q} {y}/{(y + 1) % 100:02d}' "
        "for the financial quarter, or say how the file writes its quarters (on the page under 'How to read the "
        "file'; on the command line --quarters financial or --quarters calendar)."
    )


def _single(text: str, quarters: str | None = None) -> Span | None:
    """One point or period, or None when not understood. A quarter without its financial year
    ("Q3 2025") is read as ``quarters`` says ("financial" or "calendar"), and refused when it says nothing."""
    t = text.strip().strip(".,").strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", t)
    if m:
        d = date(int(m[1]), int(m[2]), int(m[3]))
        return Span(d, d)
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})", t)
    if m:
        d = date(_year(m[3]), int(m[2]), int(m[1]))
        return Span(d, d)
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})", t)
    if m and m[2] in MONTHS:
        d = date(int(m[3]), MONTHS[m[2]], int(m[1]))
        return Span(d, d)
    m = re.fullmatch(r"([a-z]+)\.?\s*[-' ]?\s*(\d{4}|\d{2})", t)
    if m and m[1] in MONTHS:
        y, mo = _year(m[2]), MONTHS[m[1]]
        return Span(date(y, mo, 1), _month_end(y, mo))
    if m and m[1] in SEASONS:
        y = _year(m[2])
        first, last = SEASONS[m[1]]
        return Span(date(y, first, 1), _month_end(y + (1 if last < first else 0), last))
    m = re.fullmatch(r"q([1-4])\s*(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})|(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})\s*q([1-4])", t)
    if m:  # a quarter of a financial year: Q1 is April to June, Q4 January to March of the next year
        q, first, second = (int(m[1]), int(m[2]), m[3]) if m[1] else (int(m[6]), int(m[4]), m[5])
        if (int(second) if len(second) == 4 else 2000 + int(second)) != first + 1 and (first + 1) % 100 != int(second) % 100:
            return None
        month = 3 * q + 1
        year = first + (1 if month > 12 else 0)
        month = month - 12 if month > 12 else month
        return Span(date(year, month, 1), _month_end(year, month + 2))
    m = re.fullmatch(r"q([1-4])\s*(\d{4})|(\d{4})\s*q([1-4])", t)
    if m:
        q, y = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
        if quarters == "financial":
            return _single(f"q{q} {y}/{(y + 1) % 100:02d}")
        if quarters != "calendar":
            raise AmbiguousQuarter(quarter_message("The date", text.strip(), q, y), q, y)
        return Span(date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    m = re.fullmatch(r"(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})", t)
    if m:
        first, second = int(m[1]), m[2]
        follows = int(second) == first + 1 if len(second) == 4 else (first + 1) % 100 == int(second)
        if follows:  # a financial year: 1 April to 31 March
            return Span(date(first, 4, 1), date(first + 1, 3, 31))
        return None
    m = re.fullmatch(r"(\d{4})", t)
    if m:
        y = int(m[1])
        return Span(date(y, 1, 1), date(y, 12, 31))
    return None


def parse_when(value: object, *, what: str = "The date", first_year: int | None = None, quarters: str | None = None) -> Span | None:
    """A timescale as plans write it, or None for a blank (or "ongoing", "TBC"). Understands 31/10/2026,
    2026-10-31, 31 October 2026, October 2026, Oct-26, Spring 2026, Q3 2026/27 (a financial quarter:
    October to December 2026), 2026/27 (1 April 2026 to 31 March 2027), 2026, "By 31 October 2026" (a
    completion only), "By end of Year 2" (from ``first_year``), and ranges ("April 2026 to March
    2027", "2026 - 2027"). "Q3 2026" is read as ``quarters`` says ("financial" or "calendar") and
    refused (``AmbiguousQuarter``) when it says nothing. Raises InvalidInput for anything else, or a
    date outside 2000-2099, or a range that ends before it starts."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    span: Span | None
    if isinstance(value, date):
        span = Span(value, value)
    else:
        text = clean_text(str(value)).replace("\u00a0", " ").strip()
        low = re.sub(r"\s+", " ", text.lower())
        if not low or low.strip(" .-–") in NO_DATE_WORDS or low in ("-", "–"):
            return None
        only_end = False
        m = re.match(r"^(by|before|no later than|end of|deadline:?|due:?|complete by|completion by)\s+(the\s+)?(.*)$", low)
        if m:
            only_end, low = True, m[3]
        low = re.sub(r"^(from|starting|start:?|commencing)\s+", "", low)
        nth = re.fullmatch(r"(?:the\s+)?(?:end\s+of\s+)?(?:the\s+)?year\s+(\d{1,2})(?:\s+of the strategy)?", low)
        if nth:  # "By end of Year 2": the strategy's second year, from 1 April of its first year
            if first_year is None:
                raise InvalidInput(
                    f"{what} '{text}' counts from the strategy's start, which the partnership has not given. "
                    "Give the strategy's years (the partnership's period), or write the date."
                )
            n = int(nth.group(1))
            if n < 1:
                raise InvalidInput(f"{what} '{text}' should count from year 1.")
            low = f"{first_year + n - 1}/{(first_year + n) % 100:02d}"
        try:
            span = _single(low, quarters)
            if span is None:
                parts = re.split(r"\s+(?:to|until|till|-|–|—)\s+|\s*[–—]\s*", low, maxsplit=1)
                if len(parts) == 2:
                    a, b = _single(parts[0], quarters), _single(parts[1], quarters)
                    if a is not None and b is not None:
                        span = Span(a.start, b.end)
        except AmbiguousQuarter as exc:
            raise AmbiguousQuarter(quarter_message(what, text, exc.quarter, exc.year), exc.quarter, exc.year) from None
        except ValueError:
            raise InvalidInput(f"{what} '{text}' is not a real date (check the day and month; the day comes first).") from None
        if span is None:
            raise InvalidInput(
                f"{what} '{text}' is not a date the workbook can read. Write it day first "
                "(31/10/2026), or as October 2026, Q3 2026/27, 2026/27 or 'By 31 October 2026'."
            )
        if only_end:
            span = Span(None, span.end)
    assert span is not None  # a date, or text read as one (anything else was refused above)
    for d in (span.start, span.end):
        if d is not None and not PLAN_YEARS[0] <= d.year <= PLAN_YEARS[1]:
            raise InvalidInput(
                f"{what} '{value}' is in {d.year}; a date in the plan must fall between "
                f"{PLAN_YEARS[0]} and {PLAN_YEARS[1]}. Check the year."
            )
    if span.start and span.end and span.end < span.start:
        raise InvalidInput(f"{what} '{value}' ends before it starts.")
    return span


# --- Export -------------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "Strategic aim",
    "Intended outcome",
    "Action",
    "Lead/responsible agency",
    "Commencement",
    "Completion",
    "Status",
    "Core component",
    "Recommendations",
    "Partners",
    "Stage or priority",
    "Description of strategic aim",
    "Timescale as written",
    "Code",
    "Cost",
    "Funding source",
    "Staff time",
]


def export_rows(engine: Engine, partnership_id: int) -> list[list[str]]:
    """The plan as rows under EXPORT_COLUMNS: one per action, and one for each aim or outcome with
    nothing under it (so the whole chain travels). Several leads are separated by '; '."""
    plan = load_plan(engine, partnership_id)
    comps, stages = option_labels("core_components"), option_labels("action_stages")
    statuses = option_labels("action_statuses")
    recs = {r["id"]: r for r in content().reference("recommendations").items}
    rows: list[list[str]] = []
    for aim in plan.aims:
        outcomes = plan.outcomes.get(stored_id(aim), [])
        if not outcomes:
            rows.append(
                [aim.title, "", "", "", "", "", "", "", "", "", "", aim.description, "", plan.code("aim", stored_id(aim)), "", "", ""]
            )
        for o in outcomes:
            actions = plan.actions.get(stored_id(o), [])
            if not actions:
                rows.append(
                    [
                        aim.title,
                        o.title,
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        aim.description,
                        "",
                        plan.code("outcome", stored_id(o)),
                        "",
                        "",
                        "",
                    ]
                )
            for x in actions:
                rows.append(
                    [
                        aim.title,
                        o.title,
                        x.title,
                        "; ".join(leads(x)),
                        uk_day(x.start_date),
                        uk_day(x.end_date),
                        statuses.get(x.status, ""),
                        comps.get(x.component, ""),
                        "; ".join(f"{recs[r]['number']} {recs[r]['label']}" for r in recommendations(x) if r in recs),
                        x.partners,
                        stages.get(x.stage, ""),
                        aim.description,
                        x.when_text,
                        plan.code("action", stored_id(x)),
                        format_cost(x.cost_pence),
                        x.funding_source,
                        x.staff_time,
                    ]
                )
    return rows


#: The Excel export's column widths, in EXPORT_COLUMNS order.
EXPORT_WIDTHS = (30, 40, 50, 25, 14, 14, 14, 22, 30, 25, 18, 30, 18, 10, 12, 25, 25)


#: The Excel export's sheets beside the plan: each action's milestones and its output indicators
#: (Guide §12, §15.1), one row each, naming its action by code. As CSV, each is a file of its own.
MILESTONE_COLUMNS = ["Action code", "Action", "Milestone", "Due", "Status", "Date done"]
OUTPUT_COLUMNS = ["Action code", "Action", "Output indicator", "Target", "Achieved", "Count as at"]
#: What the plan's export and import hold: the kind -> the sheet's name in the Excel file.
KINDS = {"actions": "Action plan", "milestones": "Milestones", "outputs": "Output indicators"}
_WITHIN_WIDTHS = (12, 50, 50, 14, 14, 14)


def _number_cell(value: float | None) -> int | float | None:
    return None if value is None else int(value) if float(value).is_integer() else value


def milestone_rows(engine: Engine, partnership_id: int) -> list[list[Any]]:
    """Every live milestone under MILESTONE_COLUMNS, in plan order (by due date within an action)."""
    plan = load_plan(engine, partnership_id)
    statuses = option_labels("milestone_statuses")
    return [
        [plan.code("action", stored_id(x)), x.title, m.title, uk_day(m.due_date), statuses.get(m.status, m.status), uk_day(m.done_date)]
        for x, m in plan.all_milestones()
    ]


def output_rows(engine: Engine, partnership_id: int) -> list[list[Any]]:
    """Every live output indicator under OUTPUT_COLUMNS (targets and counts as numbers)."""
    plan = load_plan(engine, partnership_id)
    return [
        [plan.code("action", stored_id(x)), x.title, o.title, _number_cell(o.target), _number_cell(o.achieved), uk_day(o.as_at)]
        for x, o in plan.all_outputs()
    ]


def _kind(kind: str | None) -> str:
    kind = (kind or "actions").strip().casefold()
    aliases = {"action": "actions", "milestone": "milestones", "output": "outputs", "output indicators": "outputs", "indicators": "outputs"}
    kind = aliases.get(kind, kind)
    if kind not in KINDS:
        raise InvalidInput(f"'{kind}' is not a part of the plan that travels as a file; choose actions, milestones or outputs.")
    return kind


def export_csv(engine: Engine, partnership_id: int, kind: str = "actions") -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows £, Welsh and curly quotes as written; formula-safe.
    ``kind`` is "actions" (the plan), "milestones" or "outputs" (output indicators)."""
    kind = _kind(kind)
    if kind == "milestones":
        return csv_bytes(MILESTONE_COLUMNS, milestone_rows(engine, partnership_id))
    if kind == "outputs":
        return csv_bytes(OUTPUT_COLUMNS, output_rows(engine, partnership_id))
    return csv_bytes(EXPORT_COLUMNS, export_rows(engine, partnership_id))


def export_xlsx(engine: Engine, partnership_id: int) -> bytes:
    """An Excel workbook whose every cell is text (or a number), never a formula, wrapped to its column's
    width: the plan on the sheet "Action plan", then the sheets "Milestones" and "Output indicators"."""
    return xlsx_sheets_bytes(
        [
            Sheet(KINDS["actions"], EXPORT_COLUMNS, export_rows(engine, partnership_id), EXPORT_WIDTHS),
            Sheet(KINDS["milestones"], MILESTONE_COLUMNS, milestone_rows(engine, partnership_id), _WITHIN_WIDTHS),
            Sheet(KINDS["outputs"], OUTPUT_COLUMNS, output_rows(engine, partnership_id), _WITHIN_WIDTHS),
        ],
        wrap=True,
    )


def export_file(engine: Engine, partnership_id: int, filename: str, kind: str = "actions") -> bytes:
    """The plan as .xlsx (every part, a sheet each) or .csv (the ``kind`` asked for), by the file name's extension."""
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return export_xlsx(engine, partnership_id)
    if lower.endswith(".csv"):
        return export_csv(engine, partnership_id, kind)
    raise InvalidInput(f"'{filename}' should end in .xlsx or .csv, so the workbook knows which to write.")


# --- Import -------------------------------------------------------------------------------------

#: field -> the column names accepted for it (compared ignoring case, spaces and punctuation).
ALIASES: dict[str, tuple[str, ...]] = {
    "aim": ("Strategic aim", "Aim", "Strategic aims", "Priority"),
    "description": ("Description of strategic aim", "Aim description", "Description"),
    "outcome": ("Intended outcome", "Outcome", "Intended outcomes", "Outcomes"),
    "action": ("Action", "Actions", "What we will do"),
    "leads": (
        "Lead/responsible agency",
        "Lead responsible agency",
        "Lead agency",
        "Lead",
        "Responsible agency",
        "Lead/responsible agencies",
        "Leads",
        "Owner",
        "Responsible",
    ),
    "partners": ("Partners", "Partner agencies", "Supporting agencies"),
    "start": ("Commencement", "Commencement date", "Start", "Start date", "From"),
    "end": ("Completion", "Completion date", "End", "End date", "Due", "Due date", "Deadline", "By when"),
    "when": ("When", "Dates for commencement/completion", "Dates", "Timescale", "Timescales", "Timeframe"),
    "stage": ("Stage or priority", "Stage", "Priority level"),
    "component": ("Core component", "Component"),
    "recs": ("Recommendations", "Recommendation", "National review recommendations", "Review recommendations"),
    "status": (
        "Status",
        "Progress",
        "RAG",
        "RAG status",
        "RAG rating",
        "BRAG",
        "BRAG status",
        "Status (RAG)",
        "Progress (RAG)",
        "Progress rating",
    ),
    "when_text": ("Timescale as written",),
    "cost": ("Cost", "Cost (£)", "Costs", "Budget", "Estimated cost"),
    "funding": ("Funding source", "Funding", "Funded by", "Source of funding"),
    "staff_time": ("Staff time", "Staffing", "Staff resource", "Staff resources"),
    "code": ("Code", "Ref", "Reference"),
}
REQUIRED = ("aim", "outcome", "action", "leads")

#: How plans write where an action has got to, as letters, words and colours (a RAG or BRAG rating),
#: and the status each becomes. The preview shows the ones used.
STATUS_WORDS: dict[str, str] = {
    "b": "complete",
    "blue": "complete",
    "complete": "complete",
    "completed": "complete",
    "done": "complete",
    "achieved": "complete",
    "closed": "complete",
    "delivered": "complete",
    "g": "in_progress",
    "green": "in_progress",
    "on track": "in_progress",
    "ongoing": "in_progress",
    "underway": "in_progress",
    "started": "in_progress",
    "a": "in_progress",
    "amber": "in_progress",
    "some slippage": "in_progress",
    "at risk": "delayed",
    "r": "delayed",
    "red": "delayed",
    "off track": "delayed",
    "behind": "delayed",
    "overdue": "delayed",
    "grey": "not_started",
    "gray": "not_started",
    "not yet started": "not_started",
    "cancelled": "stopped",
    "canceled": "stopped",
    "withdrawn": "stopped",
    "no longer needed": "stopped",
}


_JOB_TITLE = re.compile(
    r"\b(head of|manager|officer|director|coordinator|co-ordinator|chair|dsl|designated|nurse|adviser|advisor|"
    r"practitioner|social worker|consultant|team leader|deputy|assistant|lead for|lead professional|ceo)\b",
    re.I,
)
_PERSON = re.compile(r"^(?:(?:mr|mrs|ms|miss|mx|dr)\.?\s+\S+.*|[A-Z]\.\s?[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?)$", re.I)


def looks_like_a_person(lead: str) -> bool:
    """A lead written as a job title ("Head of Safeguarding") or a person ("Dr Patel", "J. Smith"), not an agency."""
    return bool(_JOB_TITLE.search(lead) or _PERSON.match(lead.strip()))


def status_of(text: str) -> tuple[str, str] | None:
    """A RAG letter, colour or progress word as a status: (the word as matched, the status id), else None.
    "Amber - some delay" and "G (on track)" read by their first word."""
    low = re.sub(r"\s+", " ", text.strip().casefold())
    if low in STATUS_WORDS:
        return low, STATUS_WORDS[low]
    first = re.split(r"\s*[-–:(/,]\s*|\s+", low, maxsplit=1)[0]
    if first in STATUS_WORDS and first in ("b", "blue", "g", "green", "a", "amber", "r", "red", "grey", "gray", "complete", "completed"):
        return first, STATUS_WORDS[first]
    return None


_BULLET = re.compile(r"^\s*(?:[•·▪◦●\-–*]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+", re.I)


@dataclass
class PlanPreview:
    """What an import would create, and everything that stops it. Nothing is written until ``commit_import``."""

    filename: str
    #: The shared import preview: how the file was read, the columns read and ignored, the problems
    #: and counts, and the actions to create as its ready rows (with the row each came from).
    base: Preview
    new_aims: list[str] = field(default_factory=list)
    new_outcomes: list[tuple[str, str]] = field(default_factory=list)  # (aim, outcome)
    new_agencies: list[str] = field(default_factory=list)
    aims: list[dict[str, str]] = field(default_factory=list)  # {title, description}
    #: Actions already in the plan under the same aim and outcome: left as they are.
    already: int = 0
    #: Leads as written that look like job titles or people (mapped to an agency or not).
    person_leads: list[str] = field(default_factory=list)
    #: Milestones and output indicators to add (each with its row, sheet, the action it belongs to as
    #: (aim, outcome, action) name keys, and its checked fields), and how many are already in the plan.
    milestones: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    milestones_already: int = 0
    outputs_already: int = 0
    #: The action sheet's codes (A1.O2.3, folded) -> the action's (aim, outcome, action) name keys.
    file_codes: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    @property
    def ambiguous_quarters(self) -> bool:
        """Whether a date is a quarter without its financial year, to be asked about."""
        return any("could be a calendar quarter" in p.message for p in self.base.problems)

    @property
    def actions(self) -> list[dict[str, Any]]:
        """Each action to create: row, aim, outcome, title, leads, dates, ..."""
        return self.base.rows

    @property
    def ignored_columns(self) -> list[str]:
        return [i.column for i in self.base.ignored]

    @property
    def problems(self) -> list[Problem]:
        return self.base.problems

    @property
    def ok(self) -> bool:
        return self.base.problem_count == 0 and bool(
            self.actions or self.new_aims or self.new_outcomes or self.new_agencies or self.milestones or self.outputs
        )

    @property
    def already_all(self) -> int:
        """Rows of any kind already in the plan, left as they are."""
        return self.already + self.milestones_already + self.outputs_already

    def within_summary(self, language: str = "en") -> str:
        """The milestones and output indicators the import adds, in words ("" when the file has none)."""
        if language == "cy":
            return self._within_summary_cy()
        parts = []
        for count, already, noun in (
            (len(self.milestones), self.milestones_already, "milestone"),
            (len(self.outputs), self.outputs_already, "output indicator"),
        ):
            if count or already:
                text = f"{count} {noun}{'s' if count != 1 else ''}"
                if already:
                    text += f" ({already} already in the plan, left as {'they are' if already != 1 else 'it is'})"
                parts.append(text)
        return ("Will add " + " and ".join(parts) + ".") if parts else ""

    def _within_summary_cy(self) -> str:
        parts = []
        for count, already, noun in (
            (len(self.milestones), self.milestones_already, "milestone"),
            (len(self.outputs), self.outputs_already, "output"),
        ):
            if count or already:
                text = counted(count, noun, "cy")
                if already:
                    text += " " + ui_text("plansentences.import.already_within", "cy", n=f"{already:,}")
                parts.append(text)
        return ui_text("plansentences.import.will_add", "cy", what=listed_words(parts, "cy")) if parts else ""

    def imported_text(self, count: int, language: str = "en") -> str:
        """What an import stored, in words: "Imported 3 actions, 2 milestones and 1 output indicator"."""
        if language == "cy":
            nouns = [(len(self.milestones), "milestone"), (len(self.outputs), "output")]
            said = [counted(count, "action", "cy")] if count or not any(n for n, _ in nouns) else []
            said += [counted(n, noun, "cy") for n, noun in nouns if n]
            return ui_text("plansentences.import.imported", "cy", what=listed_words(said, "cy"))
        within = [(len(self.milestones), "milestone"), (len(self.outputs), "output indicator")]
        parts = [f"{count} action{'s' if count != 1 else ''}"] if count or not any(n for n, _ in within) else []
        for n, noun in within:
            if n:
                parts.append(f"{n} {noun}{'s' if n != 1 else ''}")
        return "Imported " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])

    def summary(self, language: str = "en") -> str:
        """What the import would create, in words (in ``language``: "en" or "cy")."""
        if language == "cy":
            return self._summary_cy()
        n = len(self.actions)
        parts = [
            f"{len(self.new_aims)} new strategic aim{'s' if len(self.new_aims) != 1 else ''}",
            f"{len(self.new_outcomes)} new intended outcome{'s' if len(self.new_outcomes) != 1 else ''}",
            f"{n} action{'s' if n != 1 else ''}",
        ]
        text = "Will create " + ", ".join(parts[:-1]) + " and " + parts[-1] + "."
        if self.already:
            text += f" {self.already} action{'s are' if self.already != 1 else ' is'} already in the plan and will be left as they are."
        if self.new_agencies:
            text += " New agencies to add: " + "; ".join(self.new_agencies) + "."
        if self.within_summary():
            text += " " + self.within_summary()
        return text

    def _summary_cy(self) -> str:
        parts = [
            counted(len(self.new_aims), "new_aim", "cy"),
            counted(len(self.new_outcomes), "new_outcome", "cy"),
            counted(len(self.actions), "action", "cy"),
        ]
        text = ui_text("plansentences.import.will_create", "cy", what=listed_words(parts, "cy"))
        if self.already:
            one = "one" if self.already == 1 else "many"
            text += " " + ui_text(f"plansentences.import.already_{one}", "cy", n=f"{self.already:,}")
        if self.new_agencies:
            text += " " + ui_text("plansentences.import.new_agencies", "cy", names="; ".join(self.new_agencies))
        if self.within_summary("cy"):
            text += " " + self.within_summary("cy")
        return text


def _split_lines(value) -> list[str]:
    """Several items in one cell (one per line, with or without bullets or numbers); lines without
    a bullet under a bulleted line continue it."""
    text = clean_text("" if value is None else str(value)).strip()
    if not text:
        return []
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if len(lines) == 1 and re.match(r"^\s*\(?1[.)]\s+\S", lines[0]) and re.search(r"\s\(?2[.)]\s+\S", lines[0]):
        lines = [p.strip() for p in re.split(r"\s+(?=\(?\d{1,2}[.)]\s+\S)", lines[0]) if p.strip()]  # "1. Train staff 2. Audit cases"
    marked = [bool(_BULLET.match(ln)) for ln in lines]
    if sum(marked) < 2 and not (len(lines) > 1 and all(marked)):
        return [_BULLET.sub("", lines[0])] if len(lines) == 1 else [text]
    items: list[str] = []
    for ln, is_marked in zip(lines, marked, strict=True):
        if is_marked or not items:
            items.append(_BULLET.sub("", ln))
        else:
            items[-1] += " " + ln
    return [i for i in items if i]


def split_leads(value, known: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Several leads in one cell: one per line, or separated by ; or /. A comma separates leads only when
    every part is one of the ``known`` agencies, so "Probation Service, Harbourshire delivery unit" stays whole."""
    text = clean_text("" if value is None else str(value))
    keys = {name_key(k) for k in known}
    names = []
    for piece in re.split(r"[\n;/]+", text):
        piece = normalise_name(_BULLET.sub("", piece))
        if not piece:
            continue
        parts = [normalise_name(p) for p in piece.split(",")]
        if len(parts) > 1 and name_key(piece) not in keys and all(name_key(p) in keys for p in parts if p):
            names += parts
        else:
            names.append(piece)
    return [n for n in names if n]


def _leads_written_in(rows: Sequence[Mapping[str | None, Any]], columns: dict[str, str], known: list[str]) -> list[str]:
    """Every lead as the file writes it, each once."""
    found: dict[str, str] = {}
    for row in rows:
        for n in split_leads(_cell(row, columns, "leads"), known):
            found.setdefault(name_key(n), n)
    return list(found.values())


def _cell(row: Mapping[str | None, Any], columns: dict[str, str], key: str) -> Any:
    header = columns.get(key)
    return row.get(header) if header else None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value)).strip()


#: The name the plan's saved choices go under (``strategy.answers.io.save_options``).
PLAN_IMPORT = "plan.action"


def preview_import(
    engine: Engine,
    partnership_id: int,
    data: bytes,
    filename: str,
    options: ImportOptions | None = None,
    *,
    saved: bool = True,
    kind: str | None = None,
) -> PlanPreview:
    """Read a plan file and say what importing it would create; nothing is written. ``options`` choose
    the sheet, the row of column names (found below a title by default), with ``mapping`` the file's
    column for a field (aim, outcome, action, leads, start, end, when, status...), with ``leads`` the
    agency for a lead written as a job title or a person, and with ``quarters`` how "Q3 2025" is read.
    When no choice is made and the file needs one, the choices saved when a plan with the same
    columns was imported are used (saying so), unless ``saved=False``.

    An Excel file's sheets "Milestones" and "Output indicators" (as the export writes them) are read
    with its plan. ``kind`` ("milestones" or "outputs") reads a file holding only those, such as a CSV;
    without it, a file whose columns are a milestone's or an output indicator's is read as one."""
    first = _preview_import(engine, partnership_id, data, filename, options, kind)
    if not saved or options or not (first.base.problem_count or first.person_leads):
        return first
    found = saved_options(engine, partnership_id, PLAN_IMPORT, first.base.headers)
    if found is None:
        return first
    again = _preview_import(engine, partnership_id, data, filename, found[0], kind)
    again.base.notes.insert(0, f"Using the choices saved when '{found[1]}' was imported; change them if this file differs.")
    return again


def _preview_import(
    engine: Engine, partnership_id: int, data: bytes, filename: str, options: ImportOptions | None = None, kind: str | None = None
) -> PlanPreview:
    options = options or ImportOptions()
    table = read_sheet(data, filename, sheet=options.sheet, header_row=options.header_row)
    kind = _kind(kind) if kind else _kind_of(table.headers)
    own_sheet = next((n for n in table.sheets if n.strip().casefold() == KINDS[kind].casefold()), None)
    if kind != "actions" and not options.sheet and own_sheet and own_sheet != table.sheet:
        table = read_sheet(data, filename, sheet=own_sheet, header_row=options.header_row)  # the workbook's "Milestones" sheet
    if kind != "actions":
        base = Preview(prompt_id="plan.action", filename=file_name(filename), read_as=table.read_as)
        preview = PlanPreview(filename=filename, base=base)
        _within_rows(engine, partnership_id, preview, kind, table, "")
        preview.base.read_from(table)
        preview.base.options = options
        return preview
    preview = preview_rows(
        engine,
        partnership_id,
        table.headers,
        table.rows,
        filename,
        read_as=table.read_as,
        first_row=table.first_row,
        mapping=options.mapping,
        leads=options.leads,
        quarters=options.quarters,
    )
    preview.base.read_from(table)
    preview.base.options = options
    if not preview.base.problem_count or not any(p.row <= 1 for p in preview.base.problems):
        for within, sheet_name in (("milestones", KINDS["milestones"]), ("outputs", KINDS["outputs"])):
            if any(name.strip().casefold() == sheet_name.casefold() for name in table.sheets) and sheet_name != table.sheet:
                try:
                    within_table = read_sheet(data, filename, sheet=sheet_name)
                except InvalidInput as exc:
                    if "no rows" in exc.message or "has nothing in it" in exc.message:
                        continue  # an empty sheet, as the export writes for a plan without any
                    preview.base.add_problem(1, "", f"The sheet '{sheet_name}' could not be read: {exc.message}")
                    continue
                _within_rows(engine, partnership_id, preview, within, within_table, sheet_name)
    return preview


def preview_rows(
    engine: Engine,
    partnership_id: int,
    headers: list[str],
    rows: Sequence[Mapping[str | None, Any]],
    filename: str,
    *,
    read_as: str = "",
    first_row: int = 2,
    mapping: Mapping[str, str] | None = None,
    leads: Mapping[str, str] | None = None,
    quarters: str | None = None,
) -> PlanPreview:
    """As ``preview_import``, for rows already read (a file, or rows pasted into the plan's table)."""
    base = Preview(prompt_id="plan.action", filename=file_name(filename), read_as=read_as)
    preview = PlanPreview(filename=filename, base=base)
    known = {header_key(alias): fld for fld, names in ALIASES.items() for alias in names}
    columns: dict[str, str] = {}
    for name, target in (mapping or {}).items():
        fld = known.get(header_key(name)) or (name if name in ALIASES else None)
        header = next((h for h in headers if header_key(h) == header_key(target)), None)
        if fld is None:
            base.add_problem(1, "", f"'{name}' is not a field of the plan; they are {', '.join(ALIASES)}.")
        elif header is None:
            base.add_problem(1, "", f"The file has no column '{target}'.")
        else:
            columns[fld] = header
            base.columns.append((header, ALIASES[fld][0]))
    for h in headers:
        if h in columns.values():
            continue
        fld = known.get(header_key(h))
        if fld and fld not in columns:
            columns[fld] = h
            base.columns.append((h, ALIASES[fld][0]))
        elif fld:
            base.ignored.append(IgnoredColumn(h, f"another name for '{columns[fld]}', which is read"))
        elif h:
            base.ignored.append(IgnoredColumn(h, "not a column the plan reads"))
    missing = [ALIASES[f][0] for f in REQUIRED if f not in columns]
    if missing:
        base.add_problem(
            1,
            "",
            f"The file has no column for {', '.join(repr(m) for m in missing)}. "
            "Name the columns as the export does (Strategic aim, Intended outcome, Action, "
            "Lead/responsible agency, Commencement, Completion); nothing was imported.",
        )
        return preview
    plan = load_plan(engine, partnership_id)
    first_year = _strategy_start(engine, partnership_id)
    lead_map = {name_key(k): normalise_name(v) for k, v in (leads or {}).items() if normalise_name(v)}
    aims_known = {name_key(a.title): a.title for a in plan.aims}
    outcomes_known = {(name_key(plan.aim_of(o).title), name_key(o.title)) for o in plan.all_outcomes()}
    actions_known = {
        (name_key(plan.aim_of(o).title), name_key(o.title), name_key(x.title))
        for o in plan.all_outcomes()
        for x in plan.actions.get(stored_id(o), [])
    }
    known_agencies = agencies(engine, partnership_id)
    agencies_known = {name_key(a) for a in known_agencies}
    new_agency_keys: dict[str, str] = {}
    seen_aims: dict[str, dict] = {}
    seen_outcomes: set[tuple[str, str]] = set()
    aim = outcome = ""
    for index, row in enumerate(rows):
        number = first_row + index
        values = {f: _cell(row, columns, f) for f in ALIASES}
        if all(_text(v) == "" for v in values.values()):
            base.blank_rows += 1
            continue
        base.rows_in_file += 1
        aim_text = normalise_name(_text(values["aim"]))
        outcome_text = _text(values["outcome"])
        if aim_text:
            if len(aim_text) > AIM_LIMIT:
                base.add_problem(number, columns["aim"], f"The aim is {len(aim_text):,} characters; the most is {AIM_LIMIT}.")
                continue
            if name_key(aim_text) != name_key(aim):
                outcome = ""
            aim = aim_text
        if outcome_text:
            outcome = " ".join(outcome_text.split())
        if not aim:
            base.add_problem(number, columns["aim"], "No strategic aim: give the aim this row belongs to.")
            continue
        akey = name_key(aim)
        if akey not in seen_aims:
            title = aims_known.get(akey, aim)
            seen_aims[akey] = {"title": title, "description": _text(values["description"])}
            preview.aims.append(seen_aims[akey])
            if akey not in aims_known:
                preview.new_aims.append(title)
        # A row the workbook exported (its code names one action) holds exactly one action.
        one = re.fullmatch(r"A\d+\.O\d+\.\d+", _text(values["code"]))
        action_texts = ([_text(values["action"])] if _text(values["action"]) else []) if one else _split_lines(values["action"])
        if not outcome:
            if action_texts:
                base.add_problem(number, columns["outcome"], "No intended outcome: every action hangs off an outcome.")
            continue
        okey = (akey, name_key(outcome))
        if okey not in seen_outcomes:
            seen_outcomes.add(okey)
            if okey not in outcomes_known:
                preview.new_outcomes.append((seen_aims[akey]["title"], outcome))
        if not action_texts:
            continue
        if one and len(action_texts) == 1:
            preview.file_codes[_text(values["code"]).casefold()] = (*okey, name_key(action_texts[0]))
        fields, ok = _row_fields(values, columns, number, base, known_agencies, first_year, quarters=quarters, leads=lead_map)
        for name in fields.pop("_leads_written", []):
            if looks_like_a_person(name) and name_key(name) not in agencies_known and name not in preview.person_leads:
                preview.person_leads.append(name)
        for name in fields.get("leads", []):
            if name_key(name) not in agencies_known and name_key(name) not in new_agency_keys:
                new_agency_keys[name_key(name)] = name
        for title in action_texts:
            if len(title) > TEXT_LIMIT:
                base.add_problem(number, columns["action"], f"An action is {len(title):,} characters; the most is {TEXT_LIMIT:,}.")
                ok = False
        if ok:
            for title in action_texts:
                if (*okey, name_key(title)) in actions_known:  # importing the same file twice adds nothing
                    preview.already += 1
                    continue
                base.rows.append({"row": number, "aim": seen_aims[akey]["title"], "outcome": outcome, "title": title, **fields})
                base.row_numbers.append(number)
    preview.new_agencies = list(new_agency_keys.values())
    people = [n for n in preview.person_leads if name_key(n) not in lead_map]
    mapped = {n: lead_map[name_key(n)] for n in _leads_written_in(rows, columns, known_agencies) if name_key(n) in lead_map}
    if mapped:
        base.notes.append(
            "Leads read as agencies, as chosen: "
            + "; ".join(f"'{n}' → {a}" for n, a in sorted(mapped.items(), key=lambda kv: kv[0].casefold()))
            + "."
        )
    if people:
        base.notes.append(
            "These leads look like job titles or people rather than agencies: "
            + "; ".join(f"'{n}'" for n in people[:8])
            + (f" and {len(people) - 8} more" if len(people) > 8 else "")
            + ". The plan names the agency that leads each action: choose the agency for each under 'How to read the file' "
            "(on the command line --lead 'AS WRITTEN=AGENCY'), or put the agency in the file (a person's name is not needed)."
        )
    words: dict[str, str] = {}
    for spec in base.rows:
        words |= spec.pop("_status_words", {})
    if words:
        labels = option_labels("action_statuses")
        shown = "; ".join(f"'{w}' → {labels[s]}" for w, s in sorted(words.items(), key=lambda kv: kv[0].casefold()))
        base.notes.append(f"The status is read from '{columns['status']}': {shown}.")
    return preview


#: The columns of the milestone and output indicator sheets: field -> the names accepted for it.
WITHIN_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "milestones": {
        "code": ("Action code", "Code", "Action ref", "Action reference", "Ref"),
        "action": ("Action",),
        "title": ("Milestone", "Milestones", "Milestone title", "Step"),
        "due_date": ("Due", "Due date", "Due by", "Date due", "Deadline"),
        "status": ("Status", "Milestone status", "Progress"),
        "done_date": ("Date done", "Done on", "Date completed", "Completed on"),
    },
    "outputs": {
        "code": ("Action code", "Code", "Action ref", "Action reference", "Ref"),
        "action": ("Action",),
        "title": ("Output indicator", "Output indicators", "Output", "Outputs", "Indicator"),
        "target": ("Target",),
        "achieved": ("Achieved", "Achieved so far", "Actual", "Count"),
        "as_at": ("Count as at", "As at", "Date of count", "Counted on"),
    },
}
#: How plans write where a milestone has got to, beyond the list's own words, and the status each becomes
#: (the preview shows the ones used).
MILESTONE_STATUS_WORDS = {
    "complete": "done",
    "completed": "done",
    "achieved": "done",
    "delivered": "done",
    "blue": "done",
    "green": "on_track",
    "on target": "on_track",
    "in progress": "on_track",
    "amber": "at_risk",
    "red": "at_risk",
    "delayed": "at_risk",
    "overdue": "at_risk",
    "off track": "at_risk",
    "not yet started": "not_started",
    "grey": "not_started",
}


def _kind_of(headers: Sequence[str]) -> str:
    """What a sheet holds, by its columns: a plan's actions, unless it has no aim or outcome column
    and has a milestone's or an output indicator's."""
    keys = {header_key(h) for h in headers}
    plan_keys = {header_key(a) for f in ("aim", "outcome") for a in ALIASES[f]}
    if keys & plan_keys:
        return "actions"
    for kind in ("milestones", "outputs"):
        if keys & {header_key(a) for a in WITHIN_ALIASES[kind]["title"]}:
            return kind
    return "actions"


def _within_rows(engine: Engine, partnership_id: int, preview: PlanPreview, kind: str, table: Table, sheet: str) -> None:
    """Check a sheet (or file) of milestones or output indicators, each naming its action by code (or by
    its exact name): the action in the plan, or one the same file's plan sheet adds. Every problem goes
    into the preview by row and column (and sheet); rows already in the plan (the same action and the
    same title) are counted and left as they are."""
    base = preview.base
    aliases = WITHIN_ALIASES[kind]
    where = f"' on sheet '{sheet}" if sheet else ""
    known = {header_key(a): f for f, names in aliases.items() for a in names}
    columns: dict[str, str] = {}
    for h in table.headers:
        f = known.get(header_key(h))
        if f and f not in columns:
            columns[f] = h
            base.columns.append((f"{h} (sheet {sheet})" if sheet else h, aliases[f][0]))
        elif h:
            base.ignored.append(IgnoredColumn(h + (f" (sheet {sheet})" if sheet else ""), "not a column the plan reads"))
    if "title" not in columns or ("code" not in columns and "action" not in columns):
        wanted = " and ".join(repr(c) for c in (MILESTONE_COLUMNS if kind == "milestones" else OUTPUT_COLUMNS)[:3:2])
        base.add_problem(
            1,
            "",
            (
                f"The sheet {sheet!r} has no column for {wanted}: each milestone needs the code of "
                "its action (as the plan's export writes it, such as A1.O2.3) and its name. Nothing was imported."
                if sheet
                else f"The file has no column for {wanted}: each milestone needs the code of "
                "its action (as the plan's export writes it, such as A1.O2.3) and its name. Nothing was imported."
            )
            if kind == "milestones"
            else (
                f"The sheet {sheet!r} has no column for {wanted}: each output indicator needs the code of "
                "its action (as the plan's export writes it, such as A1.O2.3) and its name. Nothing was imported."
                if sheet
                else f"The file has no column for {wanted}: each output indicator needs the code of "
                "its action (as the plan's export writes it, such as A1.O2.3) and its name. Nothing was imported."
            ),
        )
        return
    plan = load_plan(engine, partnership_id)
    keys_of: dict[int, tuple[str, str, str]] = {}
    by_code: dict[str, tuple[str, str, str]] = {}
    by_title: dict[str, set[tuple[str, str, str]]] = {}
    for o in plan.all_outcomes():
        for x in plan.actions.get(stored_id(o), []):
            names = (name_key(plan.aim_of(o).title), name_key(o.title), name_key(x.title))
            keys_of[stored_id(x)] = names
            by_code[plan.code("action", stored_id(x)).casefold()] = names
            by_title.setdefault(names[2], set()).add(names)
    for spec in preview.actions:
        names = (name_key(spec["aim"]), name_key(spec["outcome"]), name_key(spec["title"]))
        by_title.setdefault(names[2], set()).add(names)
    by_code |= preview.file_codes  # the file's own codes name the file's actions
    existing = {
        (keys_of[x_id], name_key(row.title))
        for x_id, rows in (plan.milestones if kind == "milestones" else plan.outputs).items()
        if x_id in keys_of
        for row in rows
    }
    seen: dict[tuple[tuple[str, str, str], str], int] = {}
    status_words: dict[str, str] = {}  # a status as written -> the milestone status it was read as
    ready = preview.milestones if kind == "milestones" else preview.outputs
    check = _milestone_values if kind == "milestones" else _output_values
    for index, row in enumerate(table.rows):
        number = table.row_number(index)
        values = {f: _cell(row, columns, f) for f in aliases}
        if all(_text(v) == "" for v in values.values()):
            base.blank_rows += 1
            continue
        base.rows_in_file += 1
        wrong: list[tuple[str, str]] = []  # (field, what to fix)

        def problem(field_name: str, message: str, wrong: list[tuple[str, str]] = wrong) -> None:
            wrong.append((field_name, message))

        code, action_name = _text(values["code"]), _text(values["action"])
        key: tuple[str, str, str] | None = by_code.get(code.casefold()) if code else None
        if key is None:
            found = by_title.get(name_key(action_name), set()) if action_name else set()
            if code and len(found) != 1:
                problem(
                    "code",
                    f"No action in the plan or in this file has the code '{code}'. Use the action's code as the plan's export "
                    "writes it (such as A1.O2.3), or add the action first.",
                )
            elif not code and len(found) > 1:
                problem("action", f"Several actions are called '{action_name}'; give the action's code (such as A1.O2.3).")
            elif not code and not found:
                problem(
                    "code" if "code" in columns else "action",
                    (
                        "No action is given for this milestone; give the code of its action (such as A1.O2.3)."
                        if kind == "milestones"
                        else "No action is given for this output indicator; give the code of its action (such as A1.O2.3)."
                    )
                    if not action_name
                    else f"No action in the plan or in this file is called '{action_name}'; give the action's code (such as A1.O2.3).",
                )
            else:
                key = next(iter(found))
        fields: dict[str, Any] = {}
        for f in aliases:
            if f in ("code", "action") or f not in columns:
                continue
            raw = values[f]
            raw = raw.date() if isinstance(raw, datetime) else raw
            if isinstance(raw, str) or raw is None:
                raw = _text(raw)
            word = " ".join(str(raw).casefold().split())
            if kind == "milestones" and f == "status" and word in MILESTONE_STATUS_WORDS:
                status_words[str(raw)] = raw = MILESTONE_STATUS_WORDS[word]
            fields[f] = raw
            try:
                check({f: raw, "status": "done"} if f == "done_date" else {f: raw})  # the date alone; with the status below
            except InvalidInput as exc:
                problem(f, exc.message)
        if not wrong:
            try:
                fields = check(fields)
            except InvalidInput as exc:
                problem("done_date" if kind == "milestones" else "as_at", exc.message)
        for field_name, message in wrong:
            column = columns.get(field_name, "")
            base.add_problem(number, column + where if column else "", message)
        if wrong or key is None:
            continue
        title_key = name_key(fields["title"])
        if (key, title_key) in seen:
            base.add_problem(
                number,
                columns["title"] + where,
                f"The same milestone for the same action is on row {seen[(key, title_key)]}; keep one of them."
                if kind == "milestones"
                else f"The same output indicator for the same action is on row {seen[(key, title_key)]}; keep one of them.",
            )
            continue
        seen[(key, title_key)] = number
        if (key, title_key) in existing:
            if kind == "milestones":
                preview.milestones_already += 1
            else:
                preview.outputs_already += 1
            continue
        ready.append({"row": number, "sheet": sheet, "action": key, "action_code": code, **fields})
    if status_words:
        labels = option_labels("milestone_statuses")
        shown = "; ".join(f"'{w}' → {labels[v]}" for w, v in sorted(status_words.items(), key=lambda kv: kv[0].casefold()))
        base.notes.append(f"The milestones' status is read as: {shown}.")


def _strategy_start(engine: Engine, partnership_id: int) -> int | None:
    """The first year of the partnership's strategy, which "Year 2" counts from."""
    with read_session(engine) as session:
        p = session.get(Partnership, partnership_id)
        return p.period_start if p else None


def _row_fields(
    values: dict,
    columns: dict[str, str],
    number: int,
    base: Preview,
    known: list[str],
    first_year: int | None = None,
    *,
    quarters: str | None = None,
    leads: Mapping[str, str] | None = None,
) -> tuple[dict, bool]:
    ok = True
    written_leads = split_leads(values["leads"], known)
    chosen = leads or {}
    mapped_leads = list(dict.fromkeys(chosen.get(name_key(n), n) for n in written_leads))
    fields: dict = {"leads": mapped_leads, "partners": _text(values["partners"]), "_leads_written": written_leads}
    start = end = None
    written = []
    for key, what in (("when", "When"), ("start", "Commencement"), ("end", "Completion")):
        raw = values[key]
        if _text(raw) == "":
            continue
        try:
            span = parse_when(raw, what=f"The {what.lower()} date", first_year=first_year, quarters=quarters)
        except InvalidInput as exc:
            base.add_problem(number, columns[key], exc.message)
            ok = False
            continue
        if not isinstance(raw, (date, datetime)):
            written.append(_text(raw))
        if span is None:
            continue
        if key == "when":
            # A lone date under a timescale is when the action is due, not when it starts.
            lone_day = isinstance(raw, (date, datetime)) or (span.start == span.end)
            start, end = (None, span.end) if lone_day else (span.start, span.end)
        elif key == "start":
            start = span.start or span.end
        else:
            end = span.end
    if start and end and end < start:
        base.add_problem(
            number,
            columns.get("end") or columns.get("when") or "",
            f"The completion ({end.strftime('%d/%m/%Y')}) is before the commencement ({start.strftime('%d/%m/%Y')}).",
        )
        ok = False
    fields["start_date"] = start.isoformat() if start else None
    fields["end_date"] = end.isoformat() if end else None
    as_written = _text(values["when_text"]) or "; ".join(
        w for w in written if not re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}", w)
    )
    fields["when_text"] = as_written[:200]
    for key, ref, what in (
        ("stage", "action_stages", "stage or priority"),
        ("component", "core_components", "core component"),
        ("status", "action_statuses", "status"),
    ):
        raw = _text(values[key])
        if (
            key == "status"
            and raw
            and (found := status_of(raw))
            and name_key(raw) not in {name_key(v) for v in option_labels(ref).values()}
        ):
            fields["status"] = found[1]
            base_statuses = fields.setdefault("_status_words", {})
            base_statuses[raw] = found[1]
            continue
        try:
            fields[key] = _choice(raw, ref, f"The {what}")
        except InvalidInput as exc:
            base.add_problem(number, columns[key], exc.message)
            ok = False
    fields["status"] = fields.get("status") or "not_started"
    try:
        fields["cost_pence"] = parse_cost(values["cost"])
    except InvalidInput as exc:
        base.add_problem(number, columns["cost"], exc.message)
        ok = False
    for key in ("funding", "staff_time"):
        text = _text(values[key])
        if len(text) > TEXT_LIMIT:
            base.add_problem(
                number,
                columns[key],
                f"The funding source is {len(text):,} characters; the most is {TEXT_LIMIT:,}."
                if key == "funding"
                else f"The staff time is {len(text):,} characters; the most is {TEXT_LIMIT:,}.",
            )
            ok = False
        fields["funding_source" if key == "funding" else key] = text
    recs_raw = _text(values["recs"])
    if recs_raw:
        try:
            fields["recommendations"] = parse_recs(recs_raw)
        except InvalidInput as exc:
            base.add_problem(number, columns["recs"], exc.message)
            ok = False
    else:
        fields["recommendations"] = []
    return fields, ok


_REC_NUMBERS = re.compile(r"(?:\s*(?:rec(?:ommendation)?s?\.?)?\s*\d+\s*(?:,|and|&)?)+\s*", re.I)


def parse_recs(text: str) -> list[str]:
    """National-review recommendations as written: "1; 3", "1, 3 and 5", "Rec 2", "2 Professional knowledge,
    skills and confidence" (as the export writes them), or their names."""
    labels = {name_key(r["label"]): r["id"] for r in content().reference("recommendations").items}
    found = []
    for part in re.split(r"[;\n]+", text):
        part = part.strip()
        if not part:
            continue
        m = re.match(r"^(?:rec(?:ommendation)?\.?\s*)?(\d+)\b", part, re.I)
        if _REC_NUMBERS.fullmatch(part):
            found += re.findall(r"\d+", part)
        elif m:
            found.append(m[1])
        elif name_key(part) in labels:
            found.append(labels[name_key(part)])
        else:
            raise InvalidInput(f"'{part}' is not one of the six national-review recommendations; write their numbers, such as 1; 3.")
    return _rec_list(found)


def commit_import(engine: Engine, partnership_id: int, preview: PlanPreview, *, author: Author, session: Session | None = None) -> int:
    """Store a previewed import in one transaction: new agencies, aims, outcomes and actions. Refused
    (nothing stored) if the preview has any problem. Returns the number of actions created."""
    if preview.base.problem_count:
        raise ImportRefused(preview.base)
    if not preview.ok:
        if preview.already_all:
            raise InvalidInput("Everything in the file is already in the plan, so nothing was imported.")
        raise InvalidInput("The file has no aims, outcomes, actions, milestones or output indicators to import.")
    with write_session(engine, session=session) as session:
        if session.get(Partnership, partnership_id) is None:
            raise InvalidInput("That partnership no longer exists; nothing was imported.")
        save_options(engine, partnership_id, PLAN_IMPORT, preview.base, author=author, session=session)
        for name in preview.new_agencies:
            agency = PlanAgency(partnership_id=partnership_id, name=name, name_key=name_key(name))
            session.add(agency)
            session.flush()
            record_revision(
                session, author, partnership_id=partnership_id, prompt_id="plan.agency", item_id=agency.id, action="create", new_value=name
            )
        live_aims = {
            name_key(a.title): a
            for a in session.exec(select(PlanAim).where(PlanAim.partnership_id == partnership_id, col(PlanAim.deleted_at).is_(None))).all()
        }
        aim_seq = session.exec(select(func.max(PlanAim.seq)).where(PlanAim.partnership_id == partnership_id)).one() or 0
        aim_pos = session.exec(select(func.max(PlanAim.position)).where(PlanAim.partnership_id == partnership_id)).one() or 0
        for spec in preview.aims:
            if name_key(spec["title"]) in live_aims:
                continue
            aim_seq, aim_pos = aim_seq + 1, aim_pos + 1
            aim = PlanAim(
                partnership_id=partnership_id,
                seq=aim_seq,
                position=aim_pos,
                title=spec["title"],
                description=spec["description"],
                updated_by_name=author.name,
            )
            session.add(aim)
            session.flush()
            live_aims[name_key(aim.title)] = aim
            record_revision(
                session, author, partnership_id=partnership_id, prompt_id="plan.aim", item_id=aim.id, action="create", new_value=aim.title
            )
        outcomes: dict[tuple[str, str], PlanOutcome] = {}
        for aim in live_aims.values():
            for o in session.exec(select(PlanOutcome).where(PlanOutcome.aim_id == aim.id, col(PlanOutcome.deleted_at).is_(None))).all():
                outcomes[(name_key(aim.title), name_key(o.title))] = o

        def outcome_for(aim_title: str, title: str) -> PlanOutcome:
            key = (name_key(aim_title), name_key(title))
            if key not in outcomes:
                aim = live_aims[key[0]]
                position = (session.exec(select(func.max(PlanOutcome.position)).where(PlanOutcome.aim_id == aim.id)).one() or 0) + 1
                o = PlanOutcome(
                    partnership_id=partnership_id,
                    aim_id=stored_id(aim),
                    seq=aim.next_outcome_seq,
                    position=position,
                    title=title,
                    updated_by_name=author.name,
                )
                aim.next_outcome_seq += 1
                session.add_all([aim, o])
                session.flush()
                outcomes[key] = o
                record_revision(
                    session, author, partnership_id=partnership_id, prompt_id="plan.outcome", item_id=o.id, action="create", new_value=title
                )
            return outcomes[key]

        for aim_title, title in preview.new_outcomes:
            outcome_for(aim_title, title)
        agency_names = {name_key(a): a for a in agencies(engine, partnership_id)} | {name_key(n): n for n in preview.new_agencies}
        for spec in preview.actions:
            o = outcome_for(spec["aim"], spec["outcome"])
            position = (session.exec(select(func.max(PlanAction.position)).where(PlanAction.outcome_id == o.id)).one() or 0) + 1
            x = PlanAction(
                partnership_id=partnership_id,
                outcome_id=stored_id(o),
                seq=o.next_action_seq,
                position=position,
                title=spec["title"],
                partners=spec["partners"],
                leads_json=json.dumps([agency_names.get(name_key(n), n) for n in spec["leads"]], ensure_ascii=False),
                start_date=spec["start_date"],
                end_date=spec["end_date"],
                when_text=spec["when_text"],
                stage=spec["stage"],
                component=spec["component"],
                status=spec["status"],
                recommendations_json=json.dumps(spec["recommendations"]),
                cost_pence=None if spec.get("cost_pence") is None else int(spec["cost_pence"] or 0),
                funding_source=spec.get("funding_source", ""),
                staff_time=spec.get("staff_time", ""),
                origin="import",
                updated_by_name=author.name,
            )
            o.next_action_seq += 1
            session.add_all([o, x])
            session.flush()
            record_revision(
                session,
                author,
                partnership_id=partnership_id,
                prompt_id="plan.action",
                item_id=x.id,
                action="create",
                new_value=x.title,
                field=f"import of {preview.filename}"[:120],
            )
        _store_within(engine, partnership_id, preview, author, session)
        return len(preview.actions)


def _store_within(engine: Engine, partnership_id: int, preview: PlanPreview, author: Author, session: Session) -> None:
    """The previewed milestones and output indicators, each under its action (found again by its aim,
    outcome and name, as the actions were just stored), in the import's transaction."""
    if not (preview.milestones or preview.outputs):
        return
    plan = load_plan(engine, partnership_id, session=session)
    action_ids = {
        (name_key(plan.aim_of(o).title), name_key(o.title), name_key(x.title)): stored_id(x)
        for o in plan.all_outcomes()
        for x in plan.actions.get(stored_id(o), [])
    }
    for spec in preview.milestones:
        fields = {k: spec[k] for k in ("due_date", "status", "done_date") if k in spec}
        add_milestone(
            engine, partnership_id, action_id=action_ids[spec["action"]], title=spec["title"], author=author, session=session, **fields
        )
    for spec in preview.outputs:
        counts = {k: spec[k] for k in ("target", "achieved", "as_at") if k in spec}
        add_output(
            engine, partnership_id, action_id=action_ids[spec["action"]], title=spec["title"], author=author, session=session, **counts
        )
