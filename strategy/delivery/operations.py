"""Delivering the strategy (Guide §14-15.1): progress updates on actions, indicator readings, and the
scrutineer's view of both.

Progress updates are an append-only history (``PlanUpdate``): an action's current status is its latest
update, and each update also sets the action plan's own status (``progress_statuses.yaml`` maps one onto
the other) in the same transaction, so the plan, its Word table and its export never disagree with the
updates. That write is done here rather than through ``plan.update_action`` because the update and the
status change must land together or not at all; it follows the plan's rules (version + 1, a Revision).

Readings (``MeasureReading``) are one value per measure and period. A measure is *numeric* when its
baseline or target contains a number; its readings must then be numbers or a published code (c, z, :),
kept as written and never counted as zero.

**Direction of travel** compares the latest numeric reading with the one before: whether a rise is
better depends on whether the target is above or below the baseline.

**Off track (the rule)**: with a numeric baseline and target and both dates, the share of the way from
baseline to target that the latest reading has covered is compared with the share of the time from the
baseline date to the target date that has passed by the end of the reading's period. An indicator is
*off track* when the latest reading is worse than the baseline, or when it has covered less than the
time passed minus 25 percentage points; *met* when it has reached the target; otherwise *on track*.
Without the figures it needs, the judgement is *not judged* and says why.

The scrutineer's dashboard and the Word progress report are built from sections, each a title and a
function that returns a table: delivery's own are ``DELIVERY_SECTIONS``; the full list, with those of
audits, snapshots and comments, is ``strategy.features.SCRUTINY_SECTIONS``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from strategy.answers.operations import get_answer, list_rows
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput, NotFound
from strategy.core.models import MeasureReading, PlanAction, PlanMeasure, PlanUpdate, stored_id, utcnow
from strategy.core.revisions import record_revision
from strategy.core.text import check_length, clean_text, shorten
from strategy.core.values import STATISTIC_CODES, parse_date, parse_number, parse_period, parse_statistic, uk_day
from strategy.guide.content import content
from strategy.plan import operations as P
from strategy.word.language import phrase

DEFAULT_INTERVAL = 90
INTERVAL_PROMPT = "implementation.update_interval"
NOTE_LIMIT = 20_000
VALUE_LIMIT = 200
#: How far behind the time passed a reading may be before it is off track (see the module's rule).
OFF_TRACK_MARGIN = 0.25
#: Codes people may give for a numeric measure (the DfE's); any published code is accepted.
CODES = STATISTIC_CODES


# --- Statuses ----------------------------------------------------------------------------------


def statuses() -> list[dict]:
    """The progress statuses in order, each with id, label (the word), colour and rag."""
    return [dict(i) for i in content().reference("progress_statuses").items]


def status_labels() -> dict[str, str]:
    return {s["id"]: s["label"] for s in statuses()}


def status_colours() -> dict[str, str]:
    """Colour by the status's word (for charts)."""
    return {s["label"]: s["colour"] for s in statuses()}


def update_interval(engine: Engine, partnership_id: int) -> int:
    """Days between progress updates: the partnership's answer, or 90."""
    answer = get_answer(engine, partnership_id, INTERVAL_PROMPT)
    try:
        return int(float(answer.value)) if answer and answer.value else DEFAULT_INTERVAL
    except ValueError:
        return DEFAULT_INTERVAL


# --- Progress updates --------------------------------------------------------------------------


def _day(value, what: str, today: date) -> str | None:
    day = parse_date(value, what=what)
    if day and date.fromisoformat(day) > today:
        raise InvalidInput(
            f"{what} {uk_day(day)} is in the future. An update records what has happened; "
            "give today's date or an earlier one. Nothing was saved."
        )
    return day


def add_update(
    engine: Engine,
    partnership_id: int,
    action_id: int,
    *,
    status: str,
    author: Author,
    note: str = "",
    evidence: str = "",
    reported_on=None,
    completed_on=None,
    today: date | None = None,
    session: Session | None = None,
) -> PlanUpdate:
    """Record a dated progress update on an action and set the action's status from it.

    Refused (nothing stored) for a removed action, an unknown status, complete without a completion
    date, a completion date given for another status, or a date in the future."""
    today = today or date.today()
    labels = status_labels()
    if status not in labels:
        by_label = {v.casefold(): k for k, v in labels.items()}
        status = by_label.get(str(status or "").strip().casefold(), status)
    if status not in labels:
        raise InvalidInput(f"'{status}' is not a progress status. Choose one of: {', '.join(labels.values())}.")
    note_text = clean_text(note or "").strip()
    check_length(note_text, NOTE_LIMIT, "The progress note")
    evidence_text = clean_text(evidence or "").strip()
    check_length(evidence_text, NOTE_LIMIT, "The evidence")
    reported = _day(reported_on, "The date of the update", today) or today.isoformat()
    completed = _day(completed_on, "The completion date", today)
    if status == "complete" and not completed:
        raise InvalidInput(
            "An action marked Complete needs the date it was completed. Give the completion date "
            "(day first, such as 31/03/2026). Nothing was saved."
        )
    if status != "complete" and completed:
        raise InvalidInput(
            f"A completion date only goes with the status Complete, and this update says "
            f"'{labels[status]}'. Clear the completion date or choose Complete. Nothing was saved."
        )
    plan_status = next(s["plan_status"] for s in statuses() if s["id"] == status)
    now = utcnow()
    with write_session(engine, session=session) as session:
        action = session.exec(select(PlanAction).where(PlanAction.id == action_id).with_for_update()).first()
        if action is None or action.partnership_id != partnership_id:
            raise NotFound("That action no longer exists, so the update was not saved.")
        if action.deleted_at is not None:
            raise NotFound(
                f"Someone removed the action '{shorten(action.title)}' from the plan, so the update was "
                "not saved. Restore the action on the Action plan page (under 'Removed') and add the "
                "update again."
            )
        row = PlanUpdate(
            partnership_id=partnership_id,
            action_id=action_id,
            status=status,
            note=note_text,
            evidence=evidence_text,
            reported_on=reported,
            completed_on=completed,
            author_name=author.name,
            author_agency=author.agency,
            created_at=now,
        )
        session.add(row)
        session.flush()
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id="delivery.update",
            item_id=row.id,
            action="create",
            new_value=f"{labels[status]}: {note_text}"[:2000],
            created_at=now,
        )
        latest = session.exec(
            select(PlanUpdate)
            .where(PlanUpdate.action_id == action_id)
            .order_by(col(PlanUpdate.reported_on).desc(), col(PlanUpdate.id).desc())
        ).first()
        wanted = next(s["plan_status"] for s in statuses() if s["id"] == latest.status) if latest else plan_status
        if action.status != wanted:
            session.execute(
                update(PlanAction)
                .where(col(PlanAction.id) == action.id)
                .values(status=wanted, version=action.version + 1, updated_at=now, updated_by_name=author.name)
                .execution_options(synchronize_session=False)
            )
            record_revision(
                session,
                author,
                partnership_id=partnership_id,
                prompt_id="plan.action",
                item_id=action.id,
                field="status",
                action="edit",
                old_value=action.status,
                new_value=wanted,
                created_at=now,
            )
        session.expunge(row)
        return row


def list_updates(engine: Engine, partnership_id: int, action_id: int | None = None, *, session: Session | None = None) -> list[PlanUpdate]:
    """Updates newest first (by the day they describe, then by when they were written)."""
    with read_session(engine, session=session) as session:
        query = select(PlanUpdate).where(PlanUpdate.partnership_id == partnership_id)
        if action_id is not None:
            query = query.where(PlanUpdate.action_id == action_id)
        return list(session.exec(query.order_by(col(PlanUpdate.reported_on).desc(), col(PlanUpdate.id).desc())).all())


def latest_updates(updates: list[PlanUpdate]) -> dict[int, PlanUpdate]:
    latest: dict[int, PlanUpdate] = {}
    for u in updates:  # newest first
        latest.setdefault(u.action_id, u)
    return latest


# --- Readings ----------------------------------------------------------------------------------

_QUARTER = re.compile(r"^q([1-4])\s*(\d{4}\s*[/\-–]\s*\d{2,4})$", re.IGNORECASE)


def _period(text: str) -> str:
    """``parse_period`` of text that is not empty (so it is a year, or refused)."""
    year = parse_period(text, what="The period")
    if year is None:  # pragma: no cover - only empty text gives None
        raise InvalidInput("The period is empty. Give a year (2025), a financial year (2025/26) or a quarter (Q2 2025/26).")
    return year


def parse_reading_period(value) -> tuple[str, date, date]:
    """A reading's period: a year (2025), a financial year (2025/26) or a financial quarter (Q2 2025/26,
    July to September 2025). Returns (as stored, first day, last day)."""
    text = str(value or "").strip()
    if not text:
        raise InvalidInput("The period is empty. Give a year (2025), a financial year (2025/26) or a quarter (Q2 2025/26).")
    quarter = _QUARTER.match(text)
    if quarter:
        year = _period(quarter.group(2))
        first = int(year[:4])
        n = int(quarter.group(1))
        month = 4 + 3 * (n - 1)
        start = date(first + (month > 12), (month - 1) % 12 + 1, 1)
        end_month = start.month + 2
        end = date(start.year, end_month + 1, 1) - timedelta(days=1) if end_month < 12 else date(start.year, 12, 31)
        return f"Q{n} {year}", start, end
    try:
        year = _period(text)
    except InvalidInput as exc:
        raise InvalidInput(exc.message + " A quarter is written like Q2 2025/26 (April to June is Q1).") from None
    if "/" in year:
        first = int(year[:4])
        return year, date(first, 4, 1), date(first + 1, 3, 31)
    return year, date(int(year), 1, 1), date(int(year), 12, 31)


_NUMBER = re.compile(r"^\s*(-?\d[\d,]*(?:\.\d+)?)\s*(%|of\s+\d[\d,]*(?:\.\d+)?|a year|per cent)?\s*$", re.IGNORECASE)


def figure(text: str | None) -> float | None:
    """The number in a baseline, target or reading ('412', '41%', '2.9 of 5', '60 a year'), or None
    for words or a published code (never zero)."""
    if text is None:
        return None
    match = _NUMBER.match(str(text))
    if not match:
        return None
    try:
        number = parse_number(match.group(1))
    except InvalidInput:  # "1,5": a comma where a point was meant
        return None
    return None if number is None else float(number)


def is_numeric(measure: PlanMeasure) -> bool:
    return figure(measure.baseline_value) is not None or figure(measure.target_value) is not None


def _reading_value(measure: PlanMeasure, value) -> str:
    text = clean_text(str(value if value is not None else "")).strip()
    if not text:
        raise InvalidInput("The value is empty. Give the figure for the period (or c, z or : for a published code). Nothing was saved.")
    check_length(text, VALUE_LIMIT, "The value")
    if not is_numeric(measure):
        return text
    if text.lower() in CODES:
        return text.lower()
    number = figure(text)
    if number is None:
        raise InvalidInput(
            f"'{text}' is not a number, and '{shorten(measure.indicator, 60)}' is measured in numbers "
            f"(baseline {measure.baseline_value or 'none'}, target {measure.target_value or 'none'}). "
            "Give a number such as 42 or 42%, or a published code: c (suppressed), z (not "
            "applicable), : (not available). Nothing was saved."
        )
    parse_statistic(match_number(text), what="The value")  # refuses NaN, infinity, negative counts
    return text


def match_number(text: str) -> str:
    """The number in a value that ``figure`` reads as one."""
    match = _NUMBER.match(text)
    if match is None:
        raise ValueError(f"'{text}' has no number in it")
    return match.group(1)


def add_reading(
    engine: Engine,
    partnership_id: int,
    measure_id: int,
    *,
    period,
    value,
    author: Author,
    source: str = "",
    note: str = "",
    today: date | None = None,
    session: Session | None = None,
) -> MeasureReading:
    """Record one measure's value for one period. Refused (nothing stored) for a removed measure, a
    period that has not started, a second reading for the same period, or words for a numeric measure."""
    today = today or date.today()
    label, start, _end = parse_reading_period(period)
    if start > today:
        raise InvalidInput(
            f"The period {label} has not started yet (it begins {uk_day(start.isoformat())}). "
            "Readings are for periods that have begun. Nothing was saved."
        )
    source_text = clean_text(source or "").strip()
    check_length(source_text, NOTE_LIMIT, "The source")
    note_text = clean_text(note or "").strip()
    check_length(note_text, NOTE_LIMIT, "The note")
    now = utcnow()
    try:
        with write_session(engine, session=session) as session:
            measure = session.get(PlanMeasure, measure_id)
            if measure is None or measure.partnership_id != partnership_id or measure.deleted_at is not None:
                raise NotFound(
                    "That measure has been removed from the evaluation framework, so the reading was "
                    "not saved. Restore the measure on the Evaluation framework page first."
                )
            stored = _reading_value(measure, value)
            taken = session.exec(
                select(MeasureReading).where(MeasureReading.measure_id == measure_id, MeasureReading.period_key == label.casefold())
            ).first()
            if taken is not None:
                raise InvalidInput(
                    f"There is already a reading for {label} ({taken.value}, from {taken.author_name}). "
                    "Remove that reading first if it is wrong. Nothing was saved."
                )
            row = MeasureReading(
                partnership_id=partnership_id,
                measure_id=measure_id,
                period=label,
                period_key=label.casefold(),
                period_start=start.isoformat(),
                value=stored,
                source=source_text,
                note=note_text,
                author_name=author.name,
                created_at=now,
            )
            session.add(row)
            session.flush()
            record_revision(
                session,
                author,
                partnership_id=partnership_id,
                prompt_id="delivery.reading",
                item_id=row.id,
                action="create",
                new_value=f"{label}: {stored}",
                created_at=now,
            )
            session.expunge(row)
            return row
    except IntegrityError:  # someone saved the same period at the same moment
        raise InvalidInput(f"Someone has just saved a reading for {label}. Nothing was saved; check theirs.") from None


def delete_reading(engine: Engine, partnership_id: int, reading_id: int, *, author: Author, session: Session | None = None) -> None:
    """Remove a reading (kept, and restorable); its period is free for a corrected reading."""
    with write_session(engine, session=session) as session:
        row = session.get(MeasureReading, reading_id)
        if row is None or row.partnership_id != partnership_id or row.deleted_at is not None:
            raise NotFound("That reading has already been removed.")
        row.deleted_at = utcnow()
        row.period_key = f"{row.period_key}#{row.id}"
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id="delivery.reading",
            item_id=row.id,
            action="delete",
            old_value=f"{row.period}: {row.value}",
        )


def restore_reading(engine: Engine, partnership_id: int, reading_id: int, *, author: Author, session: Session | None = None) -> None:
    with write_session(engine, session=session) as session:
        row = session.get(MeasureReading, reading_id)
        if row is None or row.partnership_id != partnership_id or row.deleted_at is None:
            raise NotFound("That reading is not among the removed ones.")
        key = row.period.casefold()
        if session.exec(
            select(MeasureReading).where(MeasureReading.measure_id == row.measure_id, MeasureReading.period_key == key)
        ).first():
            raise InvalidInput(
                f"There is a reading for {row.period} again, so this one cannot come back. Remove that one first if this was right."
            )
        row.deleted_at, row.period_key = None, key
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id="delivery.reading",
            item_id=row.id,
            action="restore",
            new_value=f"{row.period}: {row.value}",
        )


def list_readings(engine: Engine, partnership_id: int, *, removed: bool = False, session: Session | None = None) -> list[MeasureReading]:
    """Live readings (or, with ``removed``, the removed ones) in period order."""
    with read_session(engine, session=session) as session:
        query = select(MeasureReading).where(MeasureReading.partnership_id == partnership_id)
        query = query.where(col(MeasureReading.deleted_at).is_not(None) if removed else col(MeasureReading.deleted_at).is_(None))
        return sorted(session.exec(query).all(), key=lambda r: (r.measure_id, r.period_start, r.id))


# --- Judging indicators ------------------------------------------------------------------------


@dataclass
class Judgement:
    direction: str  # Improving | Worsening | No change | First reading | No numeric reading | No baseline or target
    verdict: str  # On track | Off track | Met | Not judged
    why: str


def judge(measure: PlanMeasure, readings: list[MeasureReading], language: str = "en") -> Judgement:
    """Direction of travel and the off-track rule (see the module docstring) for one measure. ``language``:
    the reason (``why``) in that language (the documents' phrases ``report.why.*``); the direction and
    the verdict stay the English the tables and filters compare."""

    def why(key: str, english: str, **values: object) -> str:
        return english if language == "en" else phrase(f"report.why.{key}", language, None, **values)

    numeric = [(r, number) for r in readings if (number := figure(r.value)) is not None and r.value not in CODES]
    base, target = figure(measure.baseline_value), figure(measure.target_value)
    if not numeric:
        return Judgement("No numeric reading", "Not judged", why("no_reading", "No numeric reading yet."))
    latest_row, latest = numeric[-1]
    up = None if base is None or target is None or base == target else target > base
    if len(numeric) < 2:
        direction = "First reading"
    elif up is None:
        direction = "No baseline or target"
    else:
        prev = numeric[-2][1]
        direction = "No change" if latest == prev else ("Improving" if (latest > prev) == up else "Worsening")
    if up is None or base is None or target is None:
        return Judgement(direction, "Not judged", why("not_numbers", "The baseline and target are not both numbers that differ."))
    if (latest >= target) if up else (latest <= target):
        return Judgement(
            direction, "Met", why("reached", f"The latest reading ({latest_row.value}) has reached the target.", value=latest_row.value)
        )
    if (latest < base) if up else (latest > base):
        return Judgement(
            direction,
            "Off track",
            why("worse", f"The latest reading ({latest_row.value}) is worse than the baseline.", value=latest_row.value),
        )
    if not (measure.baseline_date and measure.target_date):
        return Judgement(direction, "Not judged", why("no_dates", "The baseline or target date is missing."))
    b, t = date.fromisoformat(measure.baseline_date), date.fromisoformat(measure.target_date)
    _label, _start, end = parse_reading_period(latest_row.period)
    elapsed = min(max((end - b).days / max((t - b).days, 1), 0.0), 1.0)
    covered = (latest - base) / (target - base)
    way = f"{round(covered * 100)}% of the way to the target with {round(elapsed * 100)}% of the time gone."
    way = why("way", way, covered=round(covered * 100), elapsed=round(elapsed * 100))
    if covered < elapsed - OFF_TRACK_MARGIN:
        return Judgement(direction, "Off track", way)
    return Judgement(direction, "On track", way)


# --- Tables for the pages, the dashboard and the report ------------------------------------------


@dataclass
class Filters:
    """The dashboard's filters; empty means everything."""

    aims: list[int] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)  # status words


@dataclass
class Delivery:
    """Everything the scrutineer's view needs, read once."""

    engine: Engine
    partnership_id: int
    plan: P.Plan
    updates: list[PlanUpdate]
    readings: list[MeasureReading]
    interval: int
    today: date
    since: date | None = None
    filters: Filters = field(default_factory=Filters)
    #: Tables made from this reading, by what they depend on: a page shows them in several places.
    made: dict = field(default_factory=dict, repr=False, compare=False)


def load_delivery(
    engine: Engine, partnership_id: int, *, today: date | None = None, since: date | None = None, filters: Filters | None = None
) -> Delivery:
    return Delivery(
        engine=engine,
        partnership_id=partnership_id,
        plan=P.load_plan(engine, partnership_id),
        updates=list_updates(engine, partnership_id),
        readings=list_readings(engine, partnership_id),
        interval=update_interval(engine, partnership_id),
        today=today or date.today(),
        since=since,
        filters=filters or Filters(),
    )


def action_status_table(d: Delivery) -> pd.DataFrame:
    """One row per live action: its status (word and colour) from its latest update, last update, and
    whether it is overdue or due for an update. Filtered by ``d.filters``. Made once per reading and
    filter (the dashboard and the report use it in five places); callers get their own copy."""
    key = ("action_status_table", repr(d.filters), d.today)
    if key not in d.made:
        d.made[key] = _action_status_table(d)
    return d.made[key].copy()


def _action_status_table(d: Delivery) -> pd.DataFrame:
    labels, colours = status_labels(), {s["id"]: s["colour"] for s in statuses()}
    latest = latest_updates(d.updates)
    f = d.filters
    rows = []
    for r in P.action_rows(d.plan):
        u = latest.get(r["id"])
        status = u.status if u else "not_started"
        last = u.reported_on if u else None
        overdue = bool(r["_end"] and status != "complete" and date.fromisoformat(r["_end"]) < d.today)
        started = not r["_start"] or date.fromisoformat(r["_start"]) <= d.today
        due = (
            started and status not in ("complete", "deferred") and (last is None or (d.today - date.fromisoformat(last)).days > d.interval)
        )
        row = {
            "Code": r["Code"],
            "Action": r["Action"],
            "Strategic aim": r["Strategic aim"],
            "Lead": r["Lead/responsible agency"],
            "Core component": r["Core component"],
            "Recommendations": r["Recommendations"],
            "Status": labels[status],
            "Colour": colours[status],
            "Completion": r["Completion"],
            "Completed on": uk_day(u.completed_on) if u else "",
            "Last update": uk_day(last),
            "Days since update": (d.today - date.fromisoformat(last)).days if last else None,
            "Overdue": overdue,
            "Due for an update": due,
            "_id": r["id"],
            "_aim": r["_aim"],
            "_leads": r["_leads"],
            "_component": r["_component"],
            "_recs": r["_recs"],
            "_status": status,
        }
        if f.aims and r["_aim"] not in f.aims:
            continue
        if f.agencies and not set(f.agencies) & set(r["_leads"]):
            continue
        if f.components and r["_component"] not in f.components:
            continue
        if f.recommendations and not set(f.recommendations) & set(r["_recs"]):
            continue
        if f.statuses and labels[status] not in f.statuses:
            continue
        rows.append(row)
    columns = [
        "Code",
        "Action",
        "Strategic aim",
        "Lead",
        "Core component",
        "Recommendations",
        "Status",
        "Colour",
        "Completion",
        "Completed on",
        "Last update",
        "Days since update",
        "Overdue",
        "Due for an update",
        "_id",
        "_aim",
        "_leads",
        "_component",
        "_recs",
        "_status",
    ]
    return pd.DataFrame(rows, columns=columns)


def _shown_actions(d: Delivery) -> list:
    """The live actions the filters keep, in plan order, with their codes."""
    kept = set(action_status_table(d)["_id"])
    return [x for x in d.plan.all_actions() if x.id in kept]


MILESTONE_COLUMNS = ["Code", "Action", "Milestone", "Due", "Status", "Done on", "Overdue"]


def milestone_table(d: Delivery) -> pd.DataFrame:
    """The milestones due in the report's period (from ``since`` when given, to today) and every one
    overdue (due before today and not done), in order of their due dates. Filtered as the actions are."""
    statuses = P.option_labels("milestone_statuses")
    start = d.since.isoformat() if d.since else None
    today = d.today.isoformat()
    rows = []
    for x in _shown_actions(d):
        for m in d.plan.milestones.get(stored_id(x), []):
            overdue = P.milestone_overdue(m, d.today)
            in_period = bool(m.due_date) and str(m.due_date) <= today and (start is None or str(m.due_date) >= start)
            if not (overdue or in_period):
                continue
            rows.append(
                {
                    "Code": d.plan.code("action", x.id),
                    "Action": x.title,
                    "Milestone": m.title,
                    "Due": uk_day(m.due_date),
                    "Status": statuses.get(m.status, m.status),
                    "Done on": uk_day(m.done_date),
                    "Overdue": overdue,
                    "_due": m.due_date or "",
                }
            )
    rows.sort(key=lambda r: (r["_due"], r["Code"]))
    return pd.DataFrame(rows, columns=[*MILESTONE_COLUMNS, "_due"])


OUTPUT_COLUMNS = ["Code", "Action", "Output indicator", "Target", "Achieved", "As at", "Share of target"]


def output_table(d: Delivery) -> pd.DataFrame:
    """Each action's output indicators (Guide §15.1): what has been achieved against the target, as at when."""
    rows = []
    for x in _shown_actions(d):
        for o in d.plan.outputs.get(stored_id(x), []):
            share = P.percent(o.achieved, o.target) if o.achieved is not None and o.target else ""
            rows.append(
                {
                    "Code": d.plan.code("action", x.id),
                    "Action": x.title,
                    "Output indicator": o.title,
                    "Target": P.number_text(o.target) or "Not set",
                    "Achieved": P.number_text(o.achieved) or "Not counted yet",
                    "As at": uk_day(o.as_at),
                    "Share of target": share,
                }
            )
    return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)


RESOURCE_COLUMNS = ["Code", "Action", "Cost", "Funding source", "Staff time"]


def resources_table(d: Delivery) -> pd.DataFrame:
    """The actions with any resources given (cost, funding source, staff time; Guide §12)."""
    rows = [
        {
            "Code": d.plan.code("action", x.id),
            "Action": x.title,
            "Cost": P.format_cost(x.cost_pence),
            "Funding source": x.funding_source,
            "Staff time": x.staff_time,
        }
        for x in _shown_actions(d)
        if x.cost_pence is not None or x.funding_source or x.staff_time
    ]
    return pd.DataFrame(rows, columns=RESOURCE_COLUMNS)


def total_cost(d: Delivery) -> str:
    """The costs given for the actions shown, added up ("£42,500"), or "" when none has a cost."""
    costs = [x.cost_pence for x in _shown_actions(d) if x.cost_pence is not None]
    return P.format_cost(sum(costs)) if costs else ""


def visible(table: pd.DataFrame) -> pd.DataFrame:
    """A table without its hidden (underscore) columns, for showing and for Word."""
    return table[[c for c in table.columns if not str(c).startswith("_") and c != "Colour"]].reset_index(drop=True)


def status_counts(actions: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """How many actions have each status (every status listed, in order), optionally by a column
    ("Strategic aim", "Lead", "Core component", "Recommendations"); a multi-valued column counts an
    action once under each of its values."""
    order = [s["label"] for s in statuses()]
    if by is None:
        counts = actions["Status"].value_counts() if len(actions) else pd.Series(dtype=int)
        return pd.DataFrame({"Status": order, "Actions": [int(counts.get(s, 0)) for s in order]})
    rows = []
    for _, a in actions.iterrows():
        values = [v.strip() for v in str(a[by]).split(";") if v.strip()] if by in ("Lead", "Recommendations") else [a[by]]
        for v in values or ["(none)"]:
            rows.append({by: v or "(none)", "Status": a["Status"]})
    if not rows:
        return pd.DataFrame(columns=[by, *order, "Total"])
    table = pd.crosstab(pd.DataFrame(rows)[by], pd.DataFrame(rows)["Status"])
    table = table.reindex(columns=order, fill_value=0)
    table["Total"] = table.sum(axis=1)
    return table.reset_index().rename_axis(None, axis=1)


def updates_table(d: Delivery, *, action_id: int | None = None) -> pd.DataFrame:
    """Progress updates, newest first (since ``d.since`` when set), in words."""
    labels = status_labels()
    codes = {x.id: (d.plan.code("action", x.id), x.title) for x in d.plan.all_actions()}
    rows = []
    for u in d.updates:
        if action_id is not None and u.action_id != action_id:
            continue
        if d.since and date.fromisoformat(u.reported_on) < d.since:
            continue
        if u.action_id not in codes:
            continue  # an update on a removed action stays in the history, not in the report
        code, title = codes[u.action_id]
        rows.append(
            {
                "Date": uk_day(u.reported_on),
                "Code": code,
                "Action": title,
                "Status": labels.get(u.status, u.status),
                "Progress note": u.note,
                "Evidence": u.evidence,
                "Completed on": uk_day(u.completed_on),
                "By": f"{u.author_name} ({u.author_agency})" if u.author_agency else u.author_name,
            }
        )
    return pd.DataFrame(rows, columns=["Date", "Code", "Action", "Status", "Progress note", "Evidence", "Completed on", "By"])


def readings_by_measure(d: Delivery) -> dict[int, list[MeasureReading]]:
    out: dict[int, list[MeasureReading]] = {}
    for r in d.readings:
        out.setdefault(r.measure_id, []).append(r)
    for rows in out.values():
        rows.sort(key=lambda r: r.period_start)
    return out


def indicator_table(d: Delivery, language: str = "en") -> pd.DataFrame:
    """One row per measure: baseline, target, latest and previous reading, direction and verdict
    (``language``: the reason, "Why", in that language; the rest as it is)."""
    by = readings_by_measure(d)
    rows = []
    for m in d.plan.all_measures():
        readings = by.get(stored_id(m), [])
        j = judge(m, readings, language)
        latest = readings[-1] if readings else None
        rows.append(
            {
                "Code": d.plan.code("measure", m.id),
                "Indicator": m.indicator,
                "Baseline": f"{m.baseline_value} ({uk_day(m.baseline_date)})" if m.baseline_date else m.baseline_value,
                "Target": f"{m.target_value} ({uk_day(m.target_date)})" if m.target_date else m.target_value,
                "Latest": f"{latest.value} ({latest.period})" if latest else "",
                "Previous": f"{readings[-2].value} ({readings[-2].period})" if len(readings) > 1 else "",
                "Readings": len(readings),
                "Direction of travel": j.direction,
                "Judgement": j.verdict,
                "Why": j.why,
                "_id": m.id,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "Code",
            "Indicator",
            "Baseline",
            "Target",
            "Latest",
            "Previous",
            "Readings",
            "Direction of travel",
            "Judgement",
            "Why",
            "_id",
        ],
    )


def readings_table(d: Delivery, measure_id: int) -> pd.DataFrame:
    """A measure's readings in period order, with the baseline and target beside each (the chart's table)."""
    measure = next(m for m in d.plan.all_measures() if m.id == measure_id)
    rows = [
        {
            "Period": r.period,
            "Value": r.value,
            "Counted as": figure(r.value) if r.value not in CODES else None,
            "Baseline": figure(measure.baseline_value),
            "Target": figure(measure.target_value),
            "Source": r.source,
            "Note": r.note,
            "By": r.author_name,
            "_id": r.id,
            "_start": r.period_start,
        }
        for r in readings_by_measure(d).get(measure_id, [])
    ]
    return pd.DataFrame(rows, columns=["Period", "Value", "Counted as", "Baseline", "Target", "Source", "Note", "By", "_id", "_start"])


def feedback_table(d: Delivery) -> pd.DataFrame:
    rows = list_rows(d.engine, d.partnership_id, "review.feedback")
    sources = {o.id: o.label for c in content().prompts["review.feedback"].columns if c.id == "source" for o in c.options}
    out = [
        {
            "Date": uk_day(r.values.get("date")),
            "Source": sources.get(r.values.get("source") or "", ""),
            "What was heard": r.values.get("summary", ""),
            "Sent to": r.values.get("routed_to", ""),
            "Response": r.values.get("response", ""),
        }
        for r in rows
        if r.row_key is None
    ]
    return pd.DataFrame(out, columns=["Date", "Source", "What was heard", "Sent to", "Response"])


def reviews_table(d: Delivery) -> pd.DataFrame:
    rows = list_rows(d.engine, d.partnership_id, "review.annual")
    what = {o.id: o.label for c in content().prompts["review.annual"].columns if c.id == "reviewed" for o in c.options}
    out = [
        {
            "Date": uk_day(r.values.get("date")),
            "What was reviewed": ", ".join(what.get(v, v) for v in (r.values.get("reviewed") or [])),
            "What changed": r.values.get("changes", ""),
            "Shared with": r.values.get("shared_with", ""),
        }
        for r in rows
        if r.row_key is None
    ]
    return pd.DataFrame(out, columns=["Date", "What was reviewed", "What changed", "Shared with"])


# --- Sections of the dashboard and the progress report (listed in strategy.features) -----------


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    rows: Callable[[Delivery], pd.DataFrame]
    empty: str = "Nothing to show."


def _at_risk(d: Delivery) -> pd.DataFrame:
    a = action_status_table(d)
    risky = a.loc[(a["_status"].isin(["at_risk", "off_track"]) | a["Overdue"]).astype(bool)]
    return visible(risky)[["Code", "Action", "Lead", "Status", "Completion", "Overdue", "Last update"]]


def _overdue(d: Delivery) -> pd.DataFrame:
    a = action_status_table(d)
    return visible(a.loc[a["Overdue"].astype(bool)])[["Code", "Action", "Lead", "Status", "Completion", "Last update"]]


def _due(d: Delivery) -> pd.DataFrame:
    a = action_status_table(d)
    return visible(a.loc[a["Due for an update"].astype(bool)])[["Code", "Action", "Lead", "Status", "Last update", "Days since update"]]


def _off_track(d: Delivery) -> pd.DataFrame:
    t = indicator_table(d)
    return t.loc[t["Judgement"] == "Off track"][["Code", "Indicator", "Baseline", "Target", "Latest", "Direction of travel", "Why"]]


OVERDUE = Section("overdue", "Overdue actions", "Actions past their completion date and not complete.", _overdue, "No action is overdue.")
DUE = Section(
    "due",
    "Due for an update",
    "Actions whose lead has not given an update within the partnership's update interval.",
    _due,
    "Every action has a recent update.",
)
AT_RISK = Section(
    "at_risk", "What is at risk", "Actions at risk, off track or overdue.", _at_risk, "No action is at risk, off track or overdue."
)
INDICATORS_OFF_TRACK = Section(
    "indicators_off_track",
    "Indicators off track",
    "Measures whose latest reading is worse than the baseline or well behind the time passed "
    f"(more than {round(OFF_TRACK_MARGIN * 100)} percentage points).",
    _off_track,
    "No indicator is off track.",
)
FEEDBACK = Section(
    "feedback", "Feedback", "What was heard, where it went and the response (Guide §15.3).", feedback_table, "No feedback recorded yet."
)
REVIEWS = Section(
    "reviews", "Annual reviews", "The partnership's yearly reviews (Guide §15.4).", reviews_table, "No annual review recorded yet."
)

#: Delivery's own sections, in the order they are shown.
DELIVERY_SECTIONS = (OVERDUE, DUE, AT_RISK, INDICATORS_OFF_TRACK, FEEDBACK, REVIEWS)
