"""The plan (Guide §7, §12): strategic aims -> intended outcomes -> actions, with measures.

Every aim, outcome, action and measure has a stable code (A1, A1.O2, A1.O2.3, A1.O2.M1) from a number
per parent that is never reused, so codes stay put when others are added, removed or reordered.
Every write is version-checked, records a Revision (prompt_id ``plan.aim``/``plan.outcome``/
``plan.action``/``plan.measure``/``plan.milestone``/``plan.output``/``plan.agency``, item_id = the row id)
and deletes are soft: deleting an aim, outcome or action takes what hangs off it (stamped with the same
moment) and ``restore`` brings all of it back. Nothing is ever orphaned: an outcome cannot be restored
under a removed aim, a milestone under a removed action, and so on.

An action carries its resources (cost, funding source, staff time; Guide §12), its milestones (each
with a due date and status) and its output indicators (a target and what has been achieved so far,
Guide §15.1).

Other features turn their recommendations into actions through ``create_action``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import func, update
from sqlalchemy.engine import CursorResult, Engine
from sqlmodel import Session, col, select

from strategy.answers.operations import all_rows
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import Conflict, InvalidInput, NotFound
from strategy.core.interface import ui_text
from strategy.core.models import (
    Partnership,
    PlanAction,
    PlanAgency,
    PlanAim,
    PlanMeasure,
    PlanMilestone,
    PlanOutcome,
    PlanOutput,
    stored_id,
    utcnow,
)
from strategy.core.revisions import record_revision
from strategy.core.text import check_length, clean_text, name_key, normalise_name, shorten
from strategy.core.values import parse_date, parse_number, uk_day
from strategy.guide.content import content
from strategy.word.language import phrase

#: Dates in a plan must fall in this range (a 1900 or 2100 date is a typing slip).
PLAN_YEARS = (2000, 2099)
AIM_LIMIT = 300
TEXT_LIMIT = 5_000
LONG_LIMIT = 20_000
MAX_LEADS = 10

#: The most an action may cost (£1 billion): a larger figure is a typing slip.
MAX_COST_PENCE = 100_000_000_000
#: The largest target or count of an output indicator.
MAX_OUTPUT = 10_000_000

#: A row of the plan, of any of its kinds.
PlanRow = PlanAim | PlanOutcome | PlanAction | PlanMeasure | PlanMilestone | PlanOutput
#: One kind of plan row (what ``_live`` and ``_update`` return is the kind they are given).
_Row = TypeVar("_Row", bound=PlanRow)
#: A kind of plan row kept in order among its siblings (a measure has no position).
_Ordered = TypeVar("_Ordered", bound=PlanAim | PlanOutcome | PlanAction)

KINDS: dict[str, type[PlanRow]] = {
    "aim": PlanAim,
    "outcome": PlanOutcome,
    "action": PlanAction,
    "measure": PlanMeasure,
    "milestone": PlanMilestone,
    "output": PlanOutput,
}
#: The kinds kept in order among their siblings, each with the column that names its parent.
_ORDERED_KINDS: dict[str, tuple[type[PlanAim | PlanOutcome | PlanAction], str]] = {
    "aim": (PlanAim, "partnership_id"),
    "outcome": (PlanOutcome, "aim_id"),
    "action": (PlanAction, "outcome_id"),
}
WORDS = {
    "aim": "strategic aim",
    "outcome": "intended outcome",
    "action": "action",
    "measure": "measure",
    "milestone": "milestone",
    "output": "output indicator",
}


class UnknownAgency(InvalidInput):
    """A lead that is not yet one of the partnership's agencies; ``names`` can be added with ``add_agency``."""

    def __init__(self, names: list[str]):
        listed = ", ".join(f"'{n}'" for n in names)
        super().__init__(
            f"{listed} {'is' if len(names) == 1 else 'are'} not yet one of the partnership's agencies. "
            f"Add {'it' if len(names) == 1 else 'them'} to the partnership's agencies, or choose an agency already listed. "
            "Nothing was saved."
        )
        self.names = names


# --- Reading ------------------------------------------------------------------------------------


@dataclass
class Plan:
    """A partnership's live plan, ordered, with each row's code."""

    aims: list[PlanAim] = field(default_factory=list)
    outcomes: dict[int, list[PlanOutcome]] = field(default_factory=dict)  # by aim id
    actions: dict[int, list[PlanAction]] = field(default_factory=dict)  # by outcome id
    measures: dict[int, list[PlanMeasure]] = field(default_factory=dict)  # by outcome id
    milestones: dict[int, list[PlanMilestone]] = field(default_factory=dict)  # by action id, by due date
    outputs: dict[int, list[PlanOutput]] = field(default_factory=dict)  # by action id
    codes: dict[tuple[str, int], str] = field(default_factory=dict)

    def code(self, kind: str, row_id: int | None) -> str:
        """A row's code (A1.O2.3), or "" for one not in the plan (or not stored)."""
        if row_id is None:
            return ""
        return self.codes.get((kind, row_id), "")

    def all_outcomes(self) -> list[PlanOutcome]:
        return [o for a in self.aims for o in self.outcomes.get(stored_id(a), [])]

    def all_actions(self) -> list[PlanAction]:
        return [x for o in self.all_outcomes() for x in self.actions.get(stored_id(o), [])]

    def all_measures(self) -> list[PlanMeasure]:
        return [m for o in self.all_outcomes() for m in self.measures.get(stored_id(o), [])]

    def action(self, action_id: int) -> PlanAction | None:
        return next((x for x in self.all_actions() if x.id == action_id), None)

    def all_milestones(self) -> list[tuple[PlanAction, PlanMilestone]]:
        """Every live milestone with its action, in plan order."""
        return [(x, m) for x in self.all_actions() for m in self.milestones.get(stored_id(x), [])]

    def all_outputs(self) -> list[tuple[PlanAction, PlanOutput]]:
        return [(x, o) for x in self.all_actions() for o in self.outputs.get(stored_id(x), [])]

    def aim_of(self, outcome: PlanOutcome) -> PlanAim:
        return next(a for a in self.aims if a.id == outcome.aim_id)

    def outcome(self, outcome_id: int) -> PlanOutcome | None:
        return next((o for o in self.all_outcomes() if o.id == outcome_id), None)

    @property
    def empty(self) -> bool:
        return not self.aims

    def removal_impact(self, kind: str, row_id: int, language: str = "en") -> str:
        """What goes with a row if it is removed, in words, read from the plan already loaded (as
        ``deletion_impact`` reads it from the database): a page lists it beside every row. In
        ``language`` ("en" or "cy")."""
        outcomes = self.outcomes.get(row_id, []) if kind == "aim" else []
        outcome_ids = [stored_id(o) for o in outcomes] + ([row_id] if kind == "outcome" else [])
        actions = [x for o in outcome_ids for x in self.actions.get(o, [])]
        action_ids = [stored_id(x) for x in actions] + ([row_id] if kind == "action" else [])
        return _count_words(
            {
                "outcome": outcomes,
                "action": actions,
                "measure": [m for o in outcome_ids for m in self.measures.get(o, [])],
                "milestone": [m for a in action_ids for m in self.milestones.get(a, [])],
                "output": [m for a in action_ids for m in self.outputs.get(a, [])],
            },
            language,
        )


def _order(rows: Sequence[_Ordered]) -> list[_Ordered]:
    return sorted(rows, key=lambda r: (r.position, stored_id(r)))


def load_plan(engine: Engine, partnership_id: int, *, session: Session | None = None) -> Plan:
    """The live plan: removed rows (and rows under removed parents) left out."""
    with read_session(engine, session=session) as session:
        aims = _order(
            session.exec(select(PlanAim).where(PlanAim.partnership_id == partnership_id, col(PlanAim.deleted_at).is_(None))).all()
        )
        outcomes = _order(
            session.exec(
                select(PlanOutcome).where(PlanOutcome.partnership_id == partnership_id, col(PlanOutcome.deleted_at).is_(None))
            ).all()
        )
        actions = _order(
            session.exec(select(PlanAction).where(PlanAction.partnership_id == partnership_id, col(PlanAction.deleted_at).is_(None))).all()
        )
        measures = sorted(
            session.exec(
                select(PlanMeasure).where(PlanMeasure.partnership_id == partnership_id, col(PlanMeasure.deleted_at).is_(None))
            ).all(),
            key=stored_id,
        )
        milestones = sorted(
            session.exec(
                select(PlanMilestone).where(PlanMilestone.partnership_id == partnership_id, col(PlanMilestone.deleted_at).is_(None))
            ).all(),
            key=lambda m: (m.due_date or "9999", stored_id(m)),
        )
        outputs = sorted(
            session.exec(select(PlanOutput).where(PlanOutput.partnership_id == partnership_id, col(PlanOutput.deleted_at).is_(None))).all(),
            key=stored_id,
        )
    plan = Plan(aims=aims)
    for aim in aims:
        plan.codes[("aim", stored_id(aim))] = f"A{aim.seq}"
    live_aims = {a.id for a in aims}
    for o in outcomes:
        if o.aim_id in live_aims:
            plan.outcomes.setdefault(o.aim_id, []).append(o)
            plan.codes[("outcome", stored_id(o))] = f"A{next(a.seq for a in aims if a.id == o.aim_id)}.O{o.seq}"
    live_outcomes = {o.id for group in plan.outcomes.values() for o in group}
    for x in actions:
        if x.outcome_id in live_outcomes:
            plan.actions.setdefault(x.outcome_id, []).append(x)
            plan.codes[("action", stored_id(x))] = f"{plan.codes[('outcome', x.outcome_id)]}.{x.seq}"
    for m in measures:
        if m.outcome_id in live_outcomes:
            group = plan.measures.setdefault(m.outcome_id, [])
            group.append(m)
            plan.codes[("measure", stored_id(m))] = f"{plan.codes[('outcome', m.outcome_id)]}.M{len(group)}"
    live_actions = {x.id for group in plan.actions.values() for x in group}
    for ms in milestones:
        if ms.action_id in live_actions:
            plan.milestones.setdefault(ms.action_id, []).append(ms)
    for out in outputs:
        if out.action_id in live_actions:
            plan.outputs.setdefault(out.action_id, []).append(out)
    return plan


def leads(action: PlanAction) -> list[str]:
    return json.loads(action.leads_json or "[]")


def recommendations(action: PlanAction) -> list[str]:
    return json.loads(action.recommendations_json or "[]")


def option_labels(ref_id: str) -> dict[str, str]:
    return {o.id: o.label for o in content().list_options(ref_id, None)}


# --- The partnership's agencies ------------------------------------------------------------------


def agencies(engine: Engine, partnership_id: int, *, session: Session | None = None) -> list[str]:
    """The partnership's agencies: those in the shared vision chapter (agency contributions and the
    steering group) and those added through the action plan; each once, ignoring case and spacing."""
    wanted = ("vision.contributions", "vision.steering_group")
    rows = all_rows(engine, partnership_id, prompt_ids=wanted, session=session)
    names: list[str] = []
    for prompt_id in wanted:
        for row in rows.get(prompt_id, []):
            names.append(str(row.values.get("agency") or ""))
    with read_session(engine, session=session) as session:
        names += [
            a.name
            for a in session.exec(select(PlanAgency).where(PlanAgency.partnership_id == partnership_id).order_by(col(PlanAgency.id))).all()
        ]
    seen, result = set(), []
    for name in names:
        clean = normalise_name(name)
        if clean and name_key(clean) not in seen:
            seen.add(name_key(clean))
            result.append(clean)
    return result


def _agency_keys(engine: Engine, partnership_id: int, *, session: Session | None = None) -> dict[str, str]:
    return {name_key(n): n for n in agencies(engine, partnership_id, session=session)}


def add_agency(engine: Engine, partnership_id: int, name: str, *, author: Author, session: Session | None = None) -> str:
    """Add an agency to the partnership's list (for leads); returns the name as stored (or as listed already)."""
    clean = normalise_name(name)
    if not clean:
        raise InvalidInput("The agency's name is empty. Type the agency's name.")
    check_length(clean, 200, "The agency's name")
    existing = _agency_keys(engine, partnership_id, session=session)
    if name_key(clean) in existing:
        return existing[name_key(clean)]
    with write_session(engine, session=session) as session:
        _ensure_partnership(session, partnership_id)
        agency = PlanAgency(partnership_id=partnership_id, name=clean, name_key=name_key(clean))
        session.add(agency)
        session.flush()
        record_revision(
            session, author, partnership_id=partnership_id, prompt_id="plan.agency", item_id=agency.id, action="create", new_value=clean
        )
    return clean


# --- Checking what people type ------------------------------------------------------------------


def _ensure_partnership(session: Session, partnership_id: int) -> None:
    if session.get(Partnership, partnership_id) is None:
        raise NotFound("That partnership no longer exists, so this could not be saved.")


def _required(value, what: str, limit: int) -> str:
    text = clean_text(value or "").strip()
    if not text:
        raise InvalidInput(f"{what} is empty. Type {what.lower()} and save again.")
    check_length(text, limit, what)
    return text


def _optional(value, what: str, limit: int) -> str:
    text = clean_text(value or "").strip()
    check_length(text, limit, what)
    return text


def plan_date(value, what: str) -> str | None:
    """A date in the plan: day first (31/10/2026) or ISO, a real day, between 2000 and 2099."""
    try:
        iso = parse_date(value, what=what)
    except InvalidInput as exc:
        if "is outside" not in exc.message:
            raise
        raise InvalidInput(
            f"{what} '{value}' is not between {PLAN_YEARS[0]} and {PLAN_YEARS[1]}; a date in the plan "
            "must fall between 2000 and 2099. Check the year."
        ) from None
    if iso is None:
        return None
    year = int(iso[:4])
    if not PLAN_YEARS[0] <= year <= PLAN_YEARS[1]:
        raise InvalidInput(
            f"{what} '{value}' is in {year}; a date in the plan must fall between {PLAN_YEARS[0]} and {PLAN_YEARS[1]}. Check the year."
        )
    return iso


def check_dates(start: str | None, end: str | None) -> None:
    if start and end and end < start:
        raise InvalidInput(
            f"The completion date {uk_day(end)} is before the commencement date {uk_day(start)}. Change one of them; nothing was saved."
        )


def _choice(value, ref_id: str, what: str) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if not value:
        return ""
    labels = option_labels(ref_id)
    if value in labels:
        return value
    by_label = {name_key(v): k for k, v in labels.items()}
    if name_key(str(value)) in by_label:
        return by_label[name_key(str(value))]
    raise InvalidInput(f"{what} '{value}' is not one of: {', '.join(labels.values())}.")


def _lead_list(
    engine: Engine, partnership_id: int, value, *, add_unknown: bool, author: Author, session: Session | None = None
) -> list[str]:
    if isinstance(value, str):
        value = [value]
    names: list[str] = []
    for raw in value or []:
        clean = normalise_name(raw)
        if clean and name_key(clean) not in {name_key(n) for n in names}:
            check_length(clean, 200, "A lead agency's name")
            names.append(clean)
    if len(names) > MAX_LEADS:
        raise InvalidInput(f"An action has {len(names)} leads; give at most {MAX_LEADS} and name the rest as partners.")
    known = _agency_keys(engine, partnership_id, session=session)
    unknown = [n for n in names if name_key(n) not in known]
    if unknown and not add_unknown:
        raise UnknownAgency(unknown)
    for n in unknown:
        add_agency(engine, partnership_id, n, author=author, session=session)
    known = _agency_keys(engine, partnership_id, session=session)
    return [known.get(name_key(n), n) for n in names]


def _rec_list(value) -> list[str]:
    if isinstance(value, str):
        value = [value] if value else []
    labels = option_labels("recommendations")
    numbers = {str(item["number"]): item["id"] for item in content().reference("recommendations").items}
    result = []
    for v in value or []:
        key = numbers.get(str(v).strip(), str(v).strip())
        if key not in labels:
            raise InvalidInput(f"'{v}' is not one of the six national-review recommendations (1 to 6).")
        if key not in result:
            result.append(key)
    return [k for k in labels if k in result]


def _action_values(
    engine: Engine,
    partnership_id: int,
    fields: dict,
    *,
    add_unknown: bool,
    author: Author,
    current: PlanAction | None = None,
    session: Session | None = None,
) -> dict:
    """Check and clean action fields (only those given). Raises InvalidInput naming the field."""
    out: dict = {}
    if "title" in fields:
        out["title"] = _required(fields["title"], "The action", TEXT_LIMIT)
    if "rationale" in fields:
        out["rationale"] = _optional(fields["rationale"], "The rationale", LONG_LIMIT)
    if "partners" in fields:
        out["partners"] = _optional(fields["partners"], "The partners", TEXT_LIMIT)
    if "when_text" in fields:
        out["when_text"] = _optional(fields["when_text"], "The timescale as written", 200).replace("\n", " ")
    if "origin" in fields:
        out["origin"] = _optional(fields["origin"], "Where the action came from", 200)
    if "start_date" in fields:
        out["start_date"] = plan_date(fields["start_date"], "The commencement date")
    if "end_date" in fields:
        out["end_date"] = plan_date(fields["end_date"], "The completion date")
    check_dates(out.get("start_date", current.start_date if current else None), out.get("end_date", current.end_date if current else None))
    if "stage" in fields:
        out["stage"] = _choice(fields["stage"], "action_stages", "The stage or priority")
    if "component" in fields:
        out["component"] = _choice(fields["component"], "core_components", "The core component")
    if "status" in fields:
        out["status"] = _choice(fields["status"], "action_statuses", "The status") or "not_started"
    if "leads" in fields:
        out["leads_json"] = json.dumps(
            _lead_list(engine, partnership_id, fields["leads"], add_unknown=add_unknown, author=author, session=session), ensure_ascii=False
        )
    if "recommendations" in fields:
        out["recommendations_json"] = json.dumps(_rec_list(fields["recommendations"]))
    if "cost" in fields:
        out["cost_pence"] = parse_cost(fields["cost"])
    if "funding_source" in fields:
        out["funding_source"] = _optional(fields["funding_source"], "The funding source", TEXT_LIMIT)
    if "staff_time" in fields:
        out["staff_time"] = _optional(fields["staff_time"], "The staff time", TEXT_LIMIT)
    unknown = set(fields) - ACTION_FIELDS
    if unknown:
        raise InvalidInput(f"An action has no {', '.join(sorted(unknown))}.")
    return out


ACTION_FIELDS = {
    "title",
    "rationale",
    "partners",
    "when_text",
    "origin",
    "start_date",
    "end_date",
    "stage",
    "component",
    "status",
    "leads",
    "recommendations",
    "cost",
    "funding_source",
    "staff_time",
}
MEASURE_FIELDS = {
    "indicator",
    "collection",
    "collator",
    "reporting",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "frequency",
}


def _measure_values(fields: dict, current: PlanMeasure | None = None) -> dict:
    unknown = set(fields) - MEASURE_FIELDS
    if unknown:
        raise InvalidInput(f"A measure has no {', '.join(sorted(unknown))}.")
    out: dict = {}
    if "indicator" in fields:
        out["indicator"] = _required(fields["indicator"], "The data that shows the outcome", TEXT_LIMIT)
    for key, what in (
        ("collection", "How and where it is collected"),
        ("collator", "Who collates it"),
        ("reporting", "How and when it reaches the steering group"),
    ):
        if key in fields:
            out[key] = _optional(fields[key], what, TEXT_LIMIT)
    for key, what in (("baseline_value", "The baseline"), ("target_value", "The target")):
        if key in fields:
            out[key] = _optional(fields[key], what, 200).replace("\n", " ")
    for key, what in (("baseline_date", "The baseline date"), ("target_date", "The target date")):
        if key in fields:
            out[key] = plan_date(fields[key], what)
    b = out.get("baseline_date", current.baseline_date if current else None)
    t = out.get("target_date", current.target_date if current else None)
    if b and t and t < b:
        raise InvalidInput(f"The target date {uk_day(t)} is before the baseline date {uk_day(b)}. Change one of them.")
    if "frequency" in fields:
        out["frequency"] = _choice(fields["frequency"], "measure_frequencies", "How often")
    return out


# --- Resources, milestones and output indicators of an action -------------------------------------

_MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}
_MONEY_WORDS = re.compile(r"^(?P<number>[0-9.,]+)\s*(?P<unit>k|m|bn|thousand|million|billion)?$")
_UNIT_OF = {"thousand": "k", "million": "m", "billion": "bn"}


def parse_cost(value) -> int | None:
    """A cost in pounds as people write it, in pence: "£12,500", "12500", "12.5k", "£1.2m", "£250.50".
    Empty gives None (not given). Negative amounts, other currencies, words and codes are refused with a
    message that says how to write it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    how = "Write it in pounds, such as £12,500, 12500 or 12.5k, or leave it empty."
    if isinstance(value, bool):
        raise InvalidInput(f"The cost should be an amount of money, not yes/no. {how}")
    if isinstance(value, (int, float)):
        try:
            pounds = parse_number(value, what="The cost")
        except InvalidInput as exc:
            raise InvalidInput(f"{exc.message} {how}") from None
        if pounds is not None and pounds < 0:
            raise InvalidInput(f"The cost is {value}; a cost cannot be negative. {how}")
    else:
        text = clean_text(str(value)).strip()
        compact = re.sub(r"[\s\u00a0\u202f]+", "", text).lower()
        if compact.startswith("-") or compact.startswith("−") or (compact.startswith("(") and compact.endswith(")")):
            raise InvalidInput(f"The cost '{shorten(text, 40)}' is negative; a cost cannot be below £0. {how}")
        if re.match(r"^(\$|€|usd|eur)", compact):
            raise InvalidInput(f"The cost '{shorten(text, 40)}' is not in pounds. {how}")
        compact = re.sub(r"^(£|gbp)", "", compact)
        compact = re.sub(r"(gbp|pounds?)$", "", compact)
        found = _MONEY_WORDS.match(compact)
        if not found:
            raise InvalidInput(f"The cost '{shorten(text, 40)}' is not an amount of money. {how}")
        unit = _UNIT_OF.get(found["unit"] or "", found["unit"] or "")
        try:
            number = parse_number(found["number"], what=f"The cost '{shorten(text, 40)}'")
        except InvalidInput as exc:
            raise InvalidInput(f"{exc.message} {how}") from None
        pounds = None if number is None else number * _MULTIPLIERS.get(unit, 1)
    if pounds is None:
        return None
    pence = round(pounds * 100)
    if pence > MAX_COST_PENCE:
        raise InvalidInput(f"The cost {format_cost(pence)} is more than £1 billion; check the figure. {how}")
    return pence


def format_cost(pence: int | None) -> str:
    """A cost as the plan shows it: "£12,500", or "£250.50" with pence; "" when none is given."""
    if pence is None:
        return ""
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" + (f".{rest:02d}" if rest else "")


def resources_text(action: PlanAction, language: str = "en") -> str:
    """An action's resources in one line: "£12,500; funded by the police and crime commissioner; 0.2 FTE".
    In Welsh (``language="cy"``) with the draft's words (documents.yaml plan.funding, plan.staff_time)."""
    parts = []
    if action.cost_pence is not None:
        parts.append(format_cost(action.cost_pence))
    if action.funding_source:
        parts.append(phrase("plan.funding", "cy", text=action.funding_source) if language == "cy" else f"funding: {action.funding_source}")
    if action.staff_time:
        parts.append(phrase("plan.staff_time", "cy", text=action.staff_time) if language == "cy" else f"staff time: {action.staff_time}")
    return "; ".join(parts)


MILESTONE_FIELDS = {"title", "due_date", "status", "done_date"}
OUTPUT_FIELDS = {"title", "target", "achieved", "as_at"}


def _not_after_today(iso: str | None, what: str, today: date) -> None:
    if iso and iso > today.isoformat():
        raise InvalidInput(f"{what} {uk_day(iso)} is in the future; give the day it happened (today at the latest).")


def _milestone_values(fields: dict, current: PlanMilestone | None = None, today: date | None = None) -> dict:
    """Check and clean milestone fields (only those given). A milestone marked done gets today's date
    unless one is given; a date done on a milestone that is not done is refused; one no longer done
    loses its date done."""
    unknown = set(fields) - MILESTONE_FIELDS
    if unknown:
        raise InvalidInput(f"A milestone has no {', '.join(sorted(unknown))}.")
    today = today or date.today()
    out: dict = {}
    if "title" in fields:
        out["title"] = _required(fields["title"], "The milestone", TEXT_LIMIT)
    if "due_date" in fields:
        out["due_date"] = plan_date(fields["due_date"], "The milestone's due date")
    if "status" in fields:
        out["status"] = _choice(fields["status"], "milestone_statuses", "The milestone's status") or "not_started"
    if "done_date" in fields:
        out["done_date"] = plan_date(fields["done_date"], "The date the milestone was done")
        _not_after_today(out["done_date"], "The date the milestone was done", today)
    status = out.get("status", current.status if current else "not_started")
    done = out.get("done_date", current.done_date if current else None)
    if status == "done" and not done:
        out["done_date"] = today.isoformat()
    elif status != "done" and done:
        if "done_date" in fields and out["done_date"]:
            label = option_labels("milestone_statuses").get(status, status)
            raise InvalidInput(
                f"The milestone has a date done ({uk_day(done)}) but its status is '{label}'. Choose 'Done', or clear the date done."
            )
        out["done_date"] = None
    return out


def _output_values(fields: dict, current: PlanOutput | None = None, today: date | None = None) -> dict:
    """Check and clean output indicator fields (only those given). A new count of what has been achieved
    is dated today unless a date is given."""
    unknown = set(fields) - OUTPUT_FIELDS
    if unknown:
        raise InvalidInput(f"An output indicator has no {', '.join(sorted(unknown))}.")
    today = today or date.today()
    out: dict = {}
    if "title" in fields:
        out["title"] = _required(fields["title"], "The output indicator", AIM_LIMIT).replace("\n", " ")
    for key, what in (("target", "The target"), ("achieved", "What has been achieved")):
        if key in fields:
            number = parse_number(fields[key], what=what, minimum=0, maximum=MAX_OUTPUT)
            out[key] = None if number is None else float(number)
    if "as_at" in fields:
        out["as_at"] = plan_date(fields["as_at"], "The date of the count")
        _not_after_today(out["as_at"], "The date of the count", today)
    achieved_changed = "achieved" in out and (current is None or out["achieved"] != current.achieved)
    # A new count without a new date is a count made today (the old date was for the old count).
    date_kept = not out.get("as_at") or (current is not None and out.get("as_at") == current.as_at)
    if achieved_changed and out["achieved"] is not None and date_kept:
        out["as_at"] = today.isoformat()
    return out


def number_text(value: float | None) -> str:
    """A target or count as written: 12 (not 12.0), 2.5; "" when none is given."""
    if value is None:
        return ""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def percent(part: float, whole: float) -> str:
    """A share as a whole percentage, halves rounded up as people do (34 of 80 is 43%)."""
    return f"{math.floor(100 * part / whole + 0.5)}%"


def output_progress(output: PlanOutput, language: str = "en") -> str:
    """What an output indicator has achieved against its target, in words: "12 of 20 (60%) at 31/03/2026".
    In Welsh (``language="cy"``) with the draft's words (documents.yaml plan.output_*)."""
    if language == "cy":
        return _output_progress_cy(output)
    if output.achieved is None:
        return "Nothing counted yet" + (f" (target {number_text(output.target)})" if output.target is not None else "")
    text = number_text(output.achieved)
    if output.target is not None:
        text += f" of {number_text(output.target)}"
        if output.target > 0:
            text += f" ({percent(output.achieved, output.target)})"
    if output.as_at:
        text += f" at {uk_day(output.as_at)}"
    return text


def _output_progress_cy(output: PlanOutput) -> str:
    if output.achieved is None:
        target = f" ({phrase('plan.output_target', 'cy', target=number_text(output.target))})" if output.target is not None else ""
        return phrase("plan.output_nothing", "cy") + target
    text = number_text(output.achieved)
    if output.target is not None:
        text = phrase("plan.output_of", "cy", achieved=text, target=number_text(output.target))
        if output.target > 0:
            text += f" ({percent(output.achieved, output.target)})"
    if output.as_at:
        text += " " + phrase("plan.output_at", "cy", date=uk_day(output.as_at))
    return text


def milestone_date_warning(action: PlanAction, due_date: str | None) -> str:
    """Words when a milestone falls outside its action's dates (said, not refused: the action's dates
    may be the ones to change), or ""."""
    if not due_date:
        return ""
    if action.start_date and due_date < action.start_date:
        return f"It is due on {uk_day(due_date)}, before its action commences ({uk_day(action.start_date)}). Check one of the dates."
    if action.end_date and due_date > action.end_date:
        return f"It is due on {uk_day(due_date)}, after its action's completion ({uk_day(action.end_date)}). Check one of the dates."
    return ""


def milestone_overdue(milestone: PlanMilestone, today: date | None = None) -> bool:
    today = today or date.today()
    return bool(milestone.due_date) and milestone.status != "done" and str(milestone.due_date) < today.isoformat()


def _add_to_action(engine: Engine, model, partnership_id: int, action_id: int, prompt_id: str, values: dict, author: Author, *, session):
    """A milestone or output indicator under a live action, with its "create" revision."""
    with write_session(engine, session=session) as session:
        action = _live(session, PlanAction, partnership_id, action_id)
        row = model(partnership_id=partnership_id, action_id=stored_id(action), updated_by_name=author.name, **values)
        session.add(row)
        session.flush()
        record_revision(
            session, author, partnership_id=partnership_id, prompt_id=prompt_id, item_id=row.id, action="create", new_value=values["title"]
        )
        return row


def add_milestone(
    engine: Engine,
    partnership_id: int,
    *,
    action_id: int,
    title: str,
    author: Author,
    today: date | None = None,
    session: Session | None = None,
    **fields,
) -> PlanMilestone:
    """A milestone within a live action: ``title``, and optionally ``due_date``, ``status``
    (milestone_statuses: not_started, on_track, at_risk, done) and ``done_date``. A due date outside the
    action's dates is allowed (``milestone_date_warning`` says so, and the checks list it)."""
    values = _milestone_values({"title": title, **fields}, today=today)
    return _add_to_action(engine, PlanMilestone, partnership_id, action_id, "plan.milestone", values, author, session=session)


def update_milestone(
    engine: Engine,
    partnership_id: int,
    milestone_id: int,
    *,
    expected_version: int,
    author: Author,
    today: date | None = None,
    session: Session | None = None,
    **fields,
) -> PlanMilestone:
    """Change a milestone's fields (as ``add_milestone``) if nobody has since ``expected_version``."""
    return _update(
        engine,
        PlanMilestone,
        partnership_id,
        milestone_id,
        expected_version,
        author,
        lambda s, row: _milestone_values(fields, row, today),
        session=session,
    )


def add_output(
    engine: Engine,
    partnership_id: int,
    *,
    action_id: int,
    title: str,
    author: Author,
    today: date | None = None,
    session: Session | None = None,
    **fields,
) -> PlanOutput:
    """An output indicator of a live action (Guide §15.1), such as "training sessions delivered":
    ``title``, and optionally ``target`` and ``achieved`` (numbers, 0 or more) and ``as_at`` (the day of
    the count; today when a count is given without one)."""
    values = _output_values({"title": title, **fields}, today=today)
    return _add_to_action(engine, PlanOutput, partnership_id, action_id, "plan.output", values, author, session=session)


def update_output(
    engine: Engine,
    partnership_id: int,
    output_id: int,
    *,
    expected_version: int,
    author: Author,
    today: date | None = None,
    session: Session | None = None,
    **fields,
) -> PlanOutput:
    """Change an output indicator (its name, target, or the count and its date) if nobody has since
    ``expected_version``."""
    return _update(
        engine,
        PlanOutput,
        partnership_id,
        output_id,
        expected_version,
        author,
        lambda s, row: _output_values(fields, row, today),
        session=session,
    )


# --- Writing ------------------------------------------------------------------------------------


def _stamp(row, author: Author, now) -> None:
    row.updated_at, row.updated_by_name = now, author.name


def _live_aims(session: Session, partnership_id: int) -> list[PlanAim]:
    return list(session.exec(select(PlanAim).where(PlanAim.partnership_id == partnership_id, col(PlanAim.deleted_at).is_(None))).all())


def _check_aim_title(session: Session, partnership_id: int, title: str, aim_id: int | None = None) -> None:
    for other in _live_aims(session, partnership_id):
        if other.id != aim_id and name_key(other.title) == name_key(title):
            raise InvalidInput(
                f"There is already a strategic aim called '{other.title}' (A{other.seq}). "
                "Give this one a different name, or add outcomes to that one."
            )


def _check_outcome_title(session: Session, aim_id: int, title: str, outcome_id: int | None = None) -> None:
    for other in session.exec(select(PlanOutcome).where(PlanOutcome.aim_id == aim_id, col(PlanOutcome.deleted_at).is_(None))).all():
        if other.id != outcome_id and name_key(other.title) == name_key(title):
            raise InvalidInput(
                f"This aim already has the intended outcome '{shorten(other.title)}'. Add actions to that one, or word this one differently."
            )


def _next_position(session: Session, model, **where) -> int:
    query = select(func.max(model.position))
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return (session.exec(query).one() or 0) + 1


def add_aim(
    engine: Engine,
    partnership_id: int,
    *,
    title: str,
    author: Author,
    description: str = "",
    rationale: str = "",
    session: Session | None = None,
) -> PlanAim:
    """A new strategic aim at the end of the list; names must differ (ignoring case and spaces)."""
    title = normalise_name(_required(title, "The aim's name", AIM_LIMIT))
    description = _optional(description, "The description", LONG_LIMIT)
    rationale = _optional(rationale, "The rationale", LONG_LIMIT)
    with write_session(engine, session=session) as session:
        _ensure_partnership(session, partnership_id)
        _check_aim_title(session, partnership_id, title)
        seq = (session.exec(select(func.max(PlanAim.seq)).where(PlanAim.partnership_id == partnership_id)).one() or 0) + 1
        aim = PlanAim(
            partnership_id=partnership_id,
            seq=seq,
            title=title,
            description=description,
            rationale=rationale,
            position=_next_position(session, PlanAim, partnership_id=partnership_id),
            updated_by_name=author.name,
        )
        session.add(aim)
        session.flush()
        record_revision(
            session, author, partnership_id=partnership_id, prompt_id="plan.aim", item_id=aim.id, action="create", new_value=title
        )
        return aim


def add_outcome(
    engine: Engine, partnership_id: int, *, aim_id: int, title: str, author: Author, rationale: str = "", session: Session | None = None
) -> PlanOutcome:
    """A new intended outcome under a live aim."""
    title = _required(title, "The intended outcome", TEXT_LIMIT)
    rationale = _optional(rationale, "The rationale", LONG_LIMIT)
    with write_session(engine, session=session) as session:
        aim = _live(session, PlanAim, partnership_id, aim_id)
        _check_outcome_title(session, stored_id(aim), title)
        outcome = PlanOutcome(
            partnership_id=partnership_id,
            aim_id=stored_id(aim),
            seq=aim.next_outcome_seq,
            title=title,
            rationale=rationale,
            position=_next_position(session, PlanOutcome, aim_id=aim.id),
            updated_by_name=author.name,
        )
        aim.next_outcome_seq += 1
        session.add_all([aim, outcome])
        session.flush()
        record_revision(
            session, author, partnership_id=partnership_id, prompt_id="plan.outcome", item_id=outcome.id, action="create", new_value=title
        )
        return outcome


def create_action(
    engine: Engine,
    partnership_id: int,
    *,
    outcome_id: int,
    title: str,
    author: Author,
    add_unknown_agencies: bool = False,
    session: Session | None = None,
    **fields,
) -> PlanAction:
    """Add an action under an intended outcome: the ONE way any feature turns something into an action.

    ``fields`` (all optional): ``leads`` (agency names; a list, or one name), ``partners`` (text),
    ``start_date`` / ``end_date`` (day first 31/10/2026, ISO or a date; 2000-2099; completion not before
    commencement), ``when_text`` (the timescale as written, e.g. "2020/21"), ``stage`` (an id from
    data/reference/action_stages.yaml), ``component`` (prevention | identification | response | workforce),
    ``recommendations`` (ids rec1..rec6 or numbers 1-6), ``status`` (action_statuses; default not_started),
    ``rationale`` (why it leads to the outcome), ``origin`` (where it came from, for example
    "component:prevention", "snapshot recommendation 3" or "audit recommendation 5"), and its resources:
    ``cost`` (pounds as written, "£12,500", "12.5k"; see ``parse_cost``), ``funding_source`` and
    ``staff_time`` (text). Milestones and output indicators are added with ``add_milestone`` and ``add_output``.

    A lead that is not yet one of the partnership's agencies raises ``UnknownAgency`` (its ``names``
    can be added with ``add_agency``), unless ``add_unknown_agencies=True`` adds them. Any bad field raises
    InvalidInput with a message naming it, and nothing is stored. Returns the stored PlanAction (its code
    comes from ``load_plan(...).code("action", id)``).
    """
    values = _action_values(
        engine, partnership_id, {"title": title, **fields}, add_unknown=add_unknown_agencies, author=author, session=session
    )
    with write_session(engine, session=session) as session:
        return _insert_action(session, partnership_id, outcome_id, values, author)


def _insert_action(session: Session, partnership_id: int, outcome_id: int, values: dict, author: Author) -> PlanAction:
    outcome = _live(session, PlanOutcome, partnership_id, outcome_id)
    _live(session, PlanAim, partnership_id, outcome.aim_id)
    action = PlanAction(
        partnership_id=partnership_id,
        outcome_id=stored_id(outcome),
        seq=outcome.next_action_seq,
        position=_next_position(session, PlanAction, outcome_id=outcome.id),
        updated_by_name=author.name,
        **values,
    )
    outcome.next_action_seq += 1
    session.add_all([outcome, action])
    session.flush()
    record_revision(
        session,
        author,
        partnership_id=partnership_id,
        prompt_id="plan.action",
        item_id=action.id,
        action="create",
        new_value=values["title"],
    )
    return action


def create_actions(
    engine: Engine, partnership_id: int, specs: list[dict], *, author: Author, session: Session | None = None
) -> list[PlanAction]:
    """Several actions at once (rows pasted into the plan's table): each spec is ``create_action``'s
    keywords (``outcome_id``, ``title`` and fields). All are checked first; any problem raises
    InvalidInput naming every row (1 = the first pasted row) and nothing is stored. Then all are
    stored in one transaction. Unknown leads raise UnknownAgency listing every one of them."""
    checked, problems, unknown = [], [], []
    for number, spec in enumerate(specs, start=1):
        spec = {"title": "", **spec}
        outcome_id = spec.pop("outcome_id", None)
        if not outcome_id:
            problems.append(f"row {number}: choose the intended outcome the action serves")
            continue
        try:
            checked.append((outcome_id, _action_values(engine, partnership_id, spec, add_unknown=False, author=author)))
        except UnknownAgency as exc:
            unknown += [n for n in exc.names if n not in unknown]
        except InvalidInput as exc:
            problems.append(f"row {number}: {exc.message}")
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise InvalidInput(f"None of the {len(specs)} new actions was added: {shown}")
    if unknown:
        raise UnknownAgency(unknown)
    with write_session(engine, session=session) as session:
        return [_insert_action(session, partnership_id, outcome_id, values, author) for outcome_id, values in checked]


def add_measure(
    engine: Engine, partnership_id: int, *, outcome_id: int, indicator: str, author: Author, session: Session | None = None, **fields
) -> PlanMeasure:
    """How an intended outcome will be measured (Guide §7.2)."""
    values = _measure_values({"indicator": indicator, **fields})
    with write_session(engine, session=session) as session:
        outcome = _live(session, PlanOutcome, partnership_id, outcome_id)
        measure = PlanMeasure(partnership_id=partnership_id, outcome_id=stored_id(outcome), updated_by_name=author.name, **values)
        session.add(measure)
        session.flush()
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id="plan.measure",
            item_id=measure.id,
            action="create",
            new_value=values["indicator"],
        )
        return measure


def _locked(session: Session, model: type[_Row], row_id: int) -> _Row | None:
    """The row (removed or not), locked for this transaction, or None."""
    return session.exec(select(model).where(col(model.id) == row_id).with_for_update()).first()


def _kind_of(model: type[_Row]) -> str:
    return next(k for k, m in KINDS.items() if m is model)


def _get(session: Session, model: type[_Row], row_id: int) -> _Row | None:
    """``session.get`` typed by the kind of row asked for."""
    return session.get(model, row_id)


def _parent(session: Session, model: type[_Row], row_id: int) -> _Row:
    """A row's parent (removed or not): plan rows are only ever removed softly, so it is there."""
    row = _get(session, model, row_id)
    if row is None:  # pragma: no cover - a parent row is never deleted outright
        raise NotFound(f"That {WORDS[_kind_of(model)]} no longer exists.")
    return row


def _live(session: Session, model: type[_Row], partnership_id: int, row_id: int) -> _Row:
    row = _locked(session, model, row_id)
    kind = _kind_of(model)
    if row is None or row.partnership_id != partnership_id:
        raise NotFound(f"That {WORDS[kind]} no longer exists.")
    if row.deleted_at is not None:
        raise NotFound(
            f"Someone removed that {WORDS[kind]} while you were working on it. "
            "Restore it (under 'Removed') to work on it again; nothing else was changed."
        )
    return row


def _update(
    engine: Engine,
    model: type[_Row],
    partnership_id: int,
    row_id: int,
    expected_version: int,
    author: Author,
    clean: Callable[[Session, _Row], dict[str, Any]],
    *,
    session: Session | None = None,
) -> _Row:
    """UPDATE ... WHERE version = expected; 0 rows is a Conflict showing both. ``clean(session, row)``
    returns the checked values to store."""
    kind = _kind_of(model)
    now = utcnow()
    conflict = None
    with write_session(engine, session=session) as session:
        row = _live(session, model, partnership_id, row_id)
        values = clean(session, row)
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        if not changed:
            return row
        if row.version != expected_version:
            mine = json.dumps(changed, ensure_ascii=False, default=str)
            theirs = json.dumps({k: getattr(row, k) for k in changed}, ensure_ascii=False, default=str)
            record_revision(
                session,
                author,
                partnership_id=partnership_id,
                prompt_id=f"plan.{kind}",
                item_id=row.id,
                action="conflict_copy",
                old_value=theirs,
                new_value=mine,
                created_at=now,
            )
            conflict = Conflict(
                f"{row.updated_by_name or 'Someone'} changed this {WORDS[kind]} while you were editing it. "
                "Your version is kept in the history; check theirs and change it again if needed.",
                mine=changed,
                theirs={k: getattr(row, k) for k in changed},
                theirs_version=row.version,
                theirs_by=row.updated_by_name,
                theirs_at=row.updated_at,
            )
        else:
            # sqlmodel types Session.execute as returning a Result; an UPDATE gives a CursorResult (with rowcount).
            result = cast(
                "CursorResult[Any]",
                session.execute(
                    update(model)
                    .where(col(model.id) == row.id, col(model.version) == expected_version)
                    .values(version=expected_version + 1, updated_at=now, updated_by_name=author.name, **changed)
                    .execution_options(synchronize_session=False)
                ),
            )
            if result.rowcount != 1:  # pragma: no cover - the row is locked above
                raise Conflict(
                    "Someone else changed this at the same moment. Please try again.",
                    mine=changed,
                    theirs=None,
                    theirs_version=0,
                    theirs_by="",
                    theirs_at=None,
                )
            for key, value in changed.items():
                record_revision(
                    session,
                    author,
                    partnership_id=partnership_id,
                    prompt_id=f"plan.{kind}",
                    item_id=row.id,
                    field=key,
                    action="edit",
                    old_value=_str(getattr(row, key)),
                    new_value=_str(value),
                    created_at=now,
                )
                setattr(row, key, value)
            row.version, row.updated_at, row.updated_by_name = expected_version + 1, now, author.name
            session.expunge(row)
            return row
    raise conflict


def _str(value) -> str | None:
    return None if value is None else str(value)


def update_aim(engine: Engine, partnership_id: int, aim_id: int, *, expected_version: int, author: Author, **fields) -> PlanAim:
    """Change an aim's title, description or rationale if nobody has since ``expected_version``."""
    unknown = set(fields) - {"title", "description", "rationale"}
    if unknown:
        raise InvalidInput(f"An aim has no {', '.join(sorted(unknown))}.")

    def clean(session, row):
        out = {}
        if "title" in fields:
            out["title"] = normalise_name(_required(fields["title"], "The aim's name", AIM_LIMIT))
            _check_aim_title(session, partnership_id, out["title"], row.id)
        if "description" in fields:
            out["description"] = _optional(fields["description"], "The description", LONG_LIMIT)
        if "rationale" in fields:
            out["rationale"] = _optional(fields["rationale"], "The rationale", LONG_LIMIT)
        return out

    return _update(engine, PlanAim, partnership_id, aim_id, expected_version, author, clean)


def update_outcome(engine: Engine, partnership_id: int, outcome_id: int, *, expected_version: int, author: Author, **fields) -> PlanOutcome:
    """Change an outcome's title or rationale if nobody has since ``expected_version``."""
    unknown = set(fields) - {"title", "rationale"}
    if unknown:
        raise InvalidInput(f"An outcome has no {', '.join(sorted(unknown))}.")

    def clean(session, row):
        out = {}
        if "title" in fields:
            out["title"] = _required(fields["title"], "The intended outcome", TEXT_LIMIT)
            _check_outcome_title(session, row.aim_id, out["title"], row.id)
        if "rationale" in fields:
            out["rationale"] = _optional(fields["rationale"], "The rationale", LONG_LIMIT)
        return out

    return _update(engine, PlanOutcome, partnership_id, outcome_id, expected_version, author, clean)


def update_action(
    engine: Engine,
    partnership_id: int,
    action_id: int,
    *,
    expected_version: int,
    author: Author,
    add_unknown_agencies: bool = False,
    session: Session | None = None,
    **fields,
) -> PlanAction:
    """Change any of an action's fields (as ``create_action``) if nobody has since ``expected_version``."""
    with read_session(engine, session=session) as session:
        current = session.get(PlanAction, action_id)
    values = _action_values(engine, partnership_id, fields, add_unknown=add_unknown_agencies, author=author, current=current)

    def clean(session, row):
        check_dates(values.get("start_date", row.start_date), values.get("end_date", row.end_date))
        return values

    return _update(engine, PlanAction, partnership_id, action_id, expected_version, author, clean)


def update_measure(
    engine: Engine, partnership_id: int, measure_id: int, *, expected_version: int, author: Author, session: Session | None = None, **fields
) -> PlanMeasure:
    with read_session(engine, session=session) as reading:
        current = reading.get(PlanMeasure, measure_id)
    values = _measure_values(fields, current)
    return _update(engine, PlanMeasure, partnership_id, measure_id, expected_version, author, lambda s, r: values, session=session)


def move_outcome(
    engine: Engine, partnership_id: int, outcome_id: int, *, to_aim_id: int, author: Author, session: Session | None = None
) -> PlanOutcome:
    """Move an intended outcome (with its actions and measures) under another aim. It takes the next
    outcome number there, so its code changes to the new aim's (A2.O4); no other code changes."""
    now = utcnow()
    with write_session(engine, session=session) as session:
        outcome = _live(session, PlanOutcome, partnership_id, outcome_id)
        if outcome.aim_id == to_aim_id:
            return outcome
        old_aim = _parent(session, PlanAim, outcome.aim_id)
        aim = _live(session, PlanAim, partnership_id, to_aim_id)
        _check_outcome_title(session, stored_id(aim), outcome.title, outcome.id)
        old_code = f"A{old_aim.seq}.O{outcome.seq}"
        outcome.aim_id, outcome.seq = stored_id(aim), aim.next_outcome_seq
        outcome.position = _next_position(session, PlanOutcome, aim_id=aim.id)
        outcome.version += 1
        _stamp(outcome, author, now)
        aim.next_outcome_seq += 1
        session.add_all([aim, outcome])
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id="plan.outcome",
            item_id=outcome.id,
            field="aim_id",
            action="move",
            old_value=old_code,
            new_value=f"A{aim.seq}.O{outcome.seq}",
            created_at=now,
        )
        session.flush()
        return outcome


def move_action(
    engine: Engine, partnership_id: int, action_id: int, *, to_outcome_id: int, author: Author, session: Session | None = None
) -> PlanAction:
    """Move an action under another intended outcome. It takes the next action number there (its code
    becomes that outcome's, A2.O1.4); no other code changes."""
    now = utcnow()
    with write_session(engine, session=session) as session:
        action = _live(session, PlanAction, partnership_id, action_id)
        if action.outcome_id == to_outcome_id:
            return action
        old = _parent(session, PlanOutcome, action.outcome_id)
        old_code = f"A{_parent(session, PlanAim, old.aim_id).seq}.O{old.seq}.{action.seq}"
        outcome = _live(session, PlanOutcome, partnership_id, to_outcome_id)
        aim = _live(session, PlanAim, partnership_id, outcome.aim_id)
        action.outcome_id, action.seq = stored_id(outcome), outcome.next_action_seq
        action.position = _next_position(session, PlanAction, outcome_id=outcome.id)
        action.version += 1
        _stamp(action, author, now)
        outcome.next_action_seq += 1
        session.add_all([outcome, action])
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id="plan.action",
            item_id=action.id,
            field="outcome_id",
            action="move",
            old_value=old_code,
            new_value=f"A{aim.seq}.O{outcome.seq}.{action.seq}",
            created_at=now,
        )
        session.flush()
        return action


def move(
    engine: Engine, partnership_id: int, kind: str, row_id: int, direction: int, *, author: Author, session: Session | None = None
) -> None:
    """Move an aim, outcome or action up (-1) or down (+1) among its live siblings. Codes do not change."""
    model, parent = _ORDERED_KINDS[kind]
    now = utcnow()
    with write_session(engine, session=session) as session:
        row = _live(session, model, partnership_id, row_id)
        siblings = _live_siblings(session, row, parent)
        index = next(i for i, r in enumerate(siblings) if r.id == row.id)
        target = index + direction
        if not 0 <= target < len(siblings):
            return
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, r in enumerate(siblings, start=1):
            if r.position != position:
                r.position = position
                session.add(r)
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id=f"plan.{kind}",
            item_id=row.id,
            action="reorder",
            old_value=str(index + 1),
            new_value=str(target + 1),
            created_at=now,
        )


# --- Removing and restoring ---------------------------------------------------------------------


def _live_siblings(session: Session, row: _Ordered, parent: str) -> list[_Ordered]:
    """The live rows under the same parent as ``row`` (its column ``parent``), in order."""
    model = type(row)
    return _order(session.exec(select(model).where(getattr(model, parent) == getattr(row, parent), col(model.deleted_at).is_(None))).all())


def _children(session: Session, kind: str, row_id: int, *, deleted_at: datetime | None = None) -> dict[str, list[PlanRow]]:
    """What hangs off a row: live children, or (with ``deleted_at``) those removed with it."""

    def match(model):
        return model.deleted_at == deleted_at if deleted_at is not None else col(model.deleted_at).is_(None)

    found: dict[str, list[PlanRow]] = {kind: [] for kind in CHILD_KINDS}
    if kind == "aim":
        found["outcome"] = list(session.exec(select(PlanOutcome).where(PlanOutcome.aim_id == row_id, match(PlanOutcome))).all())
    outcome_ids = [o.id for o in found["outcome"]] + ([row_id] if kind == "outcome" else [])
    if outcome_ids:
        found["action"] = list(session.exec(select(PlanAction).where(col(PlanAction.outcome_id).in_(outcome_ids), match(PlanAction))).all())
        found["measure"] = list(
            session.exec(select(PlanMeasure).where(col(PlanMeasure.outcome_id).in_(outcome_ids), match(PlanMeasure))).all()
        )
    action_ids = [x.id for x in found["action"]] + ([row_id] if kind == "action" else [])
    if action_ids:
        found["milestone"] = list(
            session.exec(select(PlanMilestone).where(col(PlanMilestone.action_id).in_(action_ids), match(PlanMilestone))).all()
        )
        found["output"] = list(session.exec(select(PlanOutput).where(col(PlanOutput.action_id).in_(action_ids), match(PlanOutput))).all())
    return found


#: What can hang off a plan row, in the order they are counted.
CHILD_KINDS = ("outcome", "action", "measure", "milestone", "output")


def _count_words(found: dict[str, list], language: str = "en") -> str:
    parts = []
    for kind in CHILD_KINDS:
        n = len(found.get(kind, []))
        if n:
            if language == "cy":
                parts.append(counted(n, kind, language))
                continue
            word = {"outcome": "outcome", "action": "action", "measure": "measure", "milestone": "milestone", "output": "output indicator"}[
                kind
            ]
            parts.append(f"{n} {word}{'s' if n != 1 else ''}")
    return listed_words(parts, language)


def counted(n: int, noun: str, language: str = "en") -> str:
    """A number of the plan's rows in words, "3 actions" ("3 o gamau gweithredu" in Welsh): ``noun`` is
    a key of ``plansentences.count.*`` (outcome, action, measure, milestone, output, new_aim, new_outcome)."""
    return ui_text(f"plansentences.count.{noun}.{'one' if n == 1 else 'many'}", language, n=f"{n:,}")


def listed_words(parts: list[str], language: str = "en") -> str:
    """ "a, b and c" ("a, b a c" in Welsh, "ac" before a number said with a vowel: un, wyth); "" for none."""
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    if language != "cy":
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    last = parts[-1]
    number = re.match(r"[\d,]+", last)
    vowel = number is not None and (number.group() in ("1", "11") or number.group().startswith("8"))
    return ", ".join(parts[:-1]) + (" ac " if vowel else " a ") + last


def deletion_impact(
    engine: Engine, partnership_id: int, kind: str, row_id: int, *, session: Session | None = None, language: str = "en"
) -> str:
    """What goes with a row if it is removed, in words ("3 outcomes, 7 actions and 2 measures"), or ""."""
    with read_session(engine, session=session) as session:
        row = _get(session, KINDS[kind], row_id)
        if row is None or row.partnership_id != partnership_id:
            raise NotFound(f"That {WORDS[kind]} no longer exists.")
        return _count_words(_children(session, kind, row_id), language)


def delete(
    engine: Engine, partnership_id: int, kind: str, row_id: int, *, author: Author, session: Session | None = None, language: str = "en"
) -> str:
    """Remove an aim, outcome, action, measure, milestone or output indicator with everything hanging off it (all restorable with
    ``restore``). Returns what went with it, in words (in ``language``: "en" or "cy")."""
    model = KINDS[kind]
    now = utcnow()
    with write_session(engine, session=session) as session:
        row = _live(session, model, partnership_id, row_id)
        found = _children(session, kind, row_id)
        for child in [row, *(c for k in CHILD_KINDS for c in found[k])]:
            child.deleted_at = now
            child.version += 1
            _stamp(child, author, now)
            session.add(child)
        words = _count_words(found, language)
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id=f"plan.{kind}",
            item_id=row.id,
            action="delete",
            old_value=getattr(row, "title", None) or getattr(row, "indicator", ""),
            new_value=f"removed with {words}" if words else None,
            created_at=now,
        )
        return words


def restore(
    engine: Engine, partnership_id: int, kind: str, row_id: int, *, author: Author, session: Session | None = None, language: str = "en"
) -> str:
    """Bring back a removed row and everything removed with it. Refused (with the reason) while its
    parent is removed, so nothing is ever orphaned. Returns what came back with it, in words (in ``language``)."""
    model = KINDS[kind]
    now = utcnow()
    with write_session(engine, session=session) as session:
        row = _locked(session, model, row_id)
        if row is None or row.partnership_id != partnership_id:
            raise NotFound(f"That {WORDS[kind]} no longer exists.")
        if row.deleted_at is None:
            return ""
        parent: PlanAim | PlanOutcome | PlanAction | None = None
        if isinstance(row, PlanOutcome):
            parent = _parent(session, PlanAim, row.aim_id)
        elif isinstance(row, PlanAction | PlanMeasure):
            parent = _parent(session, PlanOutcome, row.outcome_id)
        elif isinstance(row, PlanMilestone | PlanOutput):
            parent = _parent(session, PlanAction, row.action_id)
        if parent is not None and parent.deleted_at is not None:
            parent_word = WORDS[_kind_of(type(parent))]
            raise InvalidInput(
                f"Its {parent_word} '{parent.title}' is removed too. "
                f"Restore the {parent_word} first; this {WORDS[kind]} comes back with it "
                "if they were removed together."
            )
        if isinstance(row, PlanAim):
            _check_aim_title(session, partnership_id, row.title, row.id)
        found = _children(session, kind, row_id, deleted_at=row.deleted_at)
        for child in [row, *(c for k in CHILD_KINDS for c in found[k])]:
            child.deleted_at = None
            child.version += 1
            _stamp(child, author, now)
            session.add(child)
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id=f"plan.{kind}",
            item_id=row.id,
            action="restore",
            new_value=getattr(row, "title", None) or getattr(row, "indicator", ""),
            created_at=now,
        )
        return _count_words(found, language)


@dataclass(frozen=True)
class Removed:
    kind: str
    id: int
    title: str
    removed_at: datetime
    by: str


def _removed_rows(session: Session, model: type[_Row], partnership_id: int) -> Sequence[_Row]:
    return session.exec(select(model).where(col(model.partnership_id) == partnership_id, col(model.deleted_at).is_not(None))).all()


def removed(engine: Engine, partnership_id: int, *, session: Session | None = None) -> list[Removed]:
    """Rows removed on their own (not with a parent), newest first: what "Restore" offers."""
    result: list[Removed] = []
    with read_session(engine, session=session) as session:
        aims = {a.id: a for a in session.exec(select(PlanAim).where(PlanAim.partnership_id == partnership_id)).all()}
        outcomes = {o.id: o for o in session.exec(select(PlanOutcome).where(PlanOutcome.partnership_id == partnership_id)).all()}
        for a in aims.values():
            if a.deleted_at is not None:
                result.append(Removed("aim", stored_id(a), a.title, a.deleted_at, a.updated_by_name))
        for o in outcomes.values():
            if o.deleted_at is not None and aims[o.aim_id].deleted_at != o.deleted_at:
                result.append(Removed("outcome", stored_id(o), o.title, o.deleted_at, o.updated_by_name))
        lower: list[tuple[str, PlanAction | PlanMeasure, str]] = [
            ("action", x, x.title) for x in _removed_rows(session, PlanAction, partnership_id)
        ]
        lower += [("measure", m, m.indicator) for m in _removed_rows(session, PlanMeasure, partnership_id)]
        for kind, x, title in lower:
            if x.deleted_at is not None and outcomes[x.outcome_id].deleted_at != x.deleted_at:
                result.append(Removed(kind, stored_id(x), title, x.deleted_at, x.updated_by_name))
        actions = {x.id: x for x in session.exec(select(PlanAction).where(PlanAction.partnership_id == partnership_id)).all()}
        within: list[tuple[str, PlanMilestone | PlanOutput]] = [
            ("milestone", m) for m in _removed_rows(session, PlanMilestone, partnership_id)
        ]
        within += [("output", o) for o in _removed_rows(session, PlanOutput, partnership_id)]
        for kind, row in within:
            if row.deleted_at is not None and actions[row.action_id].deleted_at != row.deleted_at:
                result.append(Removed(kind, stored_id(row), row.title, row.deleted_at, row.updated_by_name))
    return sorted(result, key=lambda r: r.removed_at, reverse=True)


# --- Checks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    kind: str  # no_outcome | no_action | no_measure | no_lead | no_dates | dates_reversed | milestone_dates | rec_unanswered
    code: str
    message: str


def plan_checks(plan: Plan) -> list[Finding]:
    """The gaps the guide warns about (Guide §7.1, §7.2, §12, §13.1): aims with no outcome, outcomes
    with no action or no measure, actions with no lead or no dates or dates the wrong way round."""
    findings = []
    for aim in plan.aims:
        code = plan.code("aim", aim.id)
        if not plan.outcomes.get(stored_id(aim)):
            findings.append(Finding("no_outcome", code, f"{code} '{aim.title}' has no intended outcome yet."))
    for o in plan.all_outcomes():
        code = plan.code("outcome", o.id)
        if not plan.actions.get(stored_id(o)):
            findings.append(Finding("no_action", code, f"{code} '{shorten(o.title)}' has no action yet."))
        if not plan.measures.get(stored_id(o)):
            findings.append(Finding("no_measure", code, f"{code} '{shorten(o.title)}' has no measure yet: how will you know it happened?"))
    for x in plan.all_actions():
        code = plan.code("action", x.id)
        if not leads(x):
            findings.append(Finding("no_lead", code, f"{code} '{shorten(x.title)}' has no lead agency."))
        if not x.start_date and not x.end_date:
            findings.append(Finding("no_dates", code, f"{code} '{shorten(x.title)}' has no dates."))
        elif not x.end_date:
            findings.append(Finding("no_dates", code, f"{code} '{shorten(x.title)}' has no completion date."))
        if x.start_date and x.end_date and x.end_date < x.start_date:
            findings.append(
                Finding(
                    "dates_reversed",
                    code,
                    f"{code} '{shorten(x.title)}' completes ({uk_day(x.end_date)}) before it commences ({uk_day(x.start_date)}).",
                )
            )
    for x, m in plan.all_milestones():
        warning = milestone_date_warning(x, m.due_date)
        if warning:
            code = plan.code("action", x.id)
            findings.append(Finding("milestone_dates", code, f"{code} milestone '{shorten(m.title)}': {warning}"))
    for rec, acts in recommendation_coverage(plan):
        if not acts:
            findings.append(
                Finding(
                    "rec_unanswered",
                    f"R{rec['number']}",
                    f"National-review recommendation {rec['number']} ({rec['label']}) has no action answering it.",
                )
            )
    return findings


def recommendation_coverage(plan: Plan) -> list[tuple[dict, list[PlanAction]]]:
    """Each of the six national-review recommendations with the live actions that answer it."""
    actions = plan.all_actions()
    return [(rec, [x for x in actions if rec["id"] in recommendations(x)]) for rec in content().reference("recommendations").items]


def outcomes_without_measure(plan: Plan) -> list[PlanOutcome]:
    return [o for o in plan.all_outcomes() if not plan.measures.get(stored_id(o))]


# --- Tables for pages and exports --------------------------------------------------------------


def action_rows(plan: Plan) -> list[dict]:
    """One row per live action, in plan order, in words (UK dates) for tables and views."""
    comps, stages = option_labels("core_components"), option_labels("action_stages")
    statuses, recs = option_labels("action_statuses"), {r["id"]: r for r in content().reference("recommendations").items}
    rows = []
    for aim in plan.aims:
        for o in plan.outcomes.get(stored_id(aim), []):
            for x in plan.actions.get(stored_id(o), []):
                rows.append(
                    {
                        "id": x.id,
                        "version": x.version,
                        "Code": plan.code("action", x.id),
                        "Strategic aim": f"{plan.code('aim', aim.id)} {aim.title}",
                        "Intended outcome": f"{plan.code('outcome', o.id)} {o.title}",
                        "Action": x.title,
                        "Lead/responsible agency": "; ".join(leads(x)),
                        "Partners": x.partners,
                        "Commencement": uk_day(x.start_date),
                        "Completion": uk_day(x.end_date),
                        "Stage or priority": stages.get(x.stage, x.stage),
                        "Core component": comps.get(x.component, x.component),
                        "Recommendations": "; ".join(f"{recs[r]['number']} {recs[r]['label']}" for r in recommendations(x) if r in recs),
                        "Status": statuses.get(x.status, x.status),
                        "Timescale as written": x.when_text,
                        "Origin": x.origin,
                        "Cost": format_cost(x.cost_pence),
                        "Funding source": x.funding_source,
                        "Staff time": x.staff_time,
                        "Milestones": len(plan.milestones.get(stored_id(x), [])),
                        "Output indicators": len(plan.outputs.get(stored_id(x), [])),
                        "Why it leads to the outcome": x.rationale,
                        "_start": x.start_date,
                        "_end": x.end_date,
                        "_leads": leads(x),
                        "_component": x.component,
                        "_recs": recommendations(x),
                        "_aim": aim.id,
                        "_outcome": o.id,
                    }
                )
    return rows


def gantt_rows(plan: Plan, today: date | None = None) -> list[dict]:
    """Actions with at least one date, for a timeline: a missing commencement is drawn from the
    completion (and the reverse) so the bar shows, and the row says so."""
    rows = []
    for r in action_rows(plan):
        start, end = r["_start"], r["_end"]
        if not start and not end:
            continue
        rows.append(
            {
                "Code": r["Code"],
                "Action": shorten(r["Action"], 60),
                "Lead": r["Lead/responsible agency"],
                "Aim": r["Strategic aim"],
                "Start": start or end,
                "Finish": end or start,
                "Dates": f"{r['Commencement'] or 'no commencement'} to {r['Completion'] or 'no completion'}",
                "Status": r["Status"],
            }
        )
    return rows
