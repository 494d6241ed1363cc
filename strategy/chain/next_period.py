"""The next strategy period, carried forward properly (Guide §15.4): the whole partnership is copied as
``strategy.people.periods.start_next_period`` copies it (the old period archived, readable and
unchanged), then the copy is made ready for a new strategy:

- only the aims the partnership chooses continue (all of them unless told), with their outcomes;
- incomplete actions are carried with their history (their progress updates come with them); complete
  ones are summarised, not copied: they are removed from the new plan and listed in the opening
  "What the last strategy achieved";
- each measure's latest reading becomes its new baseline (value and the first day of its period), and
  the old readings stay with the old period;
- the document's details are reset: the years in the title, the status (draft), the version (0.1), who
  approved it and when, the review date; each partner's endorsement goes back to "not yet";
- "What the last strategy achieved" is drafted from the old period's progress, if it is empty.

Every change in the new partnership goes through the plan's, delivery's and answers' own operations,
so each is version-checked and recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from strategy.answers.operations import delete_row, get_answers, list_rows, save_answer
from strategy.core.authors import Author
from strategy.core.db import write_session
from strategy.core.errors import InvalidInput
from strategy.core.models import PeriodLink, stored_id
from strategy.core.values import uk_day
from strategy.delivery.operations import add_update, delete_reading, latest_updates, list_readings, list_updates, status_labels
from strategy.finalise.endorsement import NOT_YET, list_endorsements, record_endorsement
from strategy.people.partnerships import get_partnership, period_label
from strategy.people.periods import start_next_period
from strategy.plan.operations import delete, load_plan, update_measure

LAST_STRATEGY = "intro.last_strategy"
VISION = "vision.statement"
STEERING_GROUP = "vision.steering_group"
#: Answers reset for the new period (prompt id -> the new value).
RESET = {
    "finalise.status": "draft",
    "finalise.version": "0.1",
    "finalise.approved_by": "",
    "finalise.approval_date": "",
    "finalise.next_review": "",
}


@dataclass
class CarriedForward:
    partnership_id: int
    aims_kept: list[str] = field(default_factory=list)
    aims_left: list[str] = field(default_factory=list)
    actions_carried: list[str] = field(default_factory=list)
    actions_completed: list[str] = field(default_factory=list)
    new_baselines: list[str] = field(default_factory=list)
    actions_left: list[str] = field(default_factory=list)
    measures_left: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.aims_kept)} aims continue ({len(self.aims_left)} left behind); {len(self.actions_carried)} unfinished "
            f"actions carried with their history; {len(self.actions_completed)} completed actions summarised, not copied; "
            f"{len(self.new_baselines)} measures take their latest reading as the new baseline."
        )

    def record(self, carry: Carry) -> str:
        """What was carried, for the stored link between the periods (shown on both periods' pages)."""
        lines = [self.summary()]
        if self.actions_completed:
            lines.append("Completed in the last period (not copied): " + ", ".join(self.actions_completed) + ".")
        if self.actions_left:
            lines.append("Unfinished actions not carried: " + ", ".join(self.actions_left) + ".")
        if self.measures_left:
            lines.append("Measures not carried: " + ", ".join(self.measures_left) + ".")
        if self.aims_left:
            lines.append("Aims left behind: " + ", ".join(self.aims_left) + ".")
        lines.append("The steering group was carried." if carry.steering_group else "The steering group was not carried.")
        lines.append("The shared vision was carried." if carry.vision else "The shared vision was not carried.")
        return "\n".join(lines)


def _is_complete(action, latest) -> bool:
    u = latest.get(action.id)
    return (u.status if u else action.status) == "complete"


def achieved_text(engine: Engine, partnership_id: int, *, session: Session | None = None) -> str:
    """A draft of "What the last strategy achieved" from a period's plan, updates and readings."""
    p = get_partnership(engine, partnership_id, session=session)
    plan = load_plan(engine, partnership_id, session=session)
    latest = latest_updates(list_updates(engine, partnership_id, session=session))
    labels = status_labels()
    done = [x for x in plan.all_actions() if _is_complete(x, latest)]
    open_ = [x for x in plan.all_actions() if not _is_complete(x, latest)]
    years = f" ({p.period_start} to {p.period_end})" if p.period_start and p.period_end else ""
    lines = [
        f"The last strategy{years} had {len(plan.aims)} strategic aims and {len(plan.all_actions())} actions: "
        f"{len(done)} were completed and {len(open_)} were not finished when it ended."
    ]
    if done:
        lines.append("Completed:")
        for x in done:
            when = latest[x.id].completed_on if x.id in latest else None
            lines.append(f"- {plan.code('action', x.id)} {x.title}" + (f" (completed {uk_day(when)})" if when else ""))
    if open_:
        lines.append("Carried forward, not finished:")
        for x in open_:
            u = latest.get(stored_id(x))
            lines.append(f"- {plan.code('action', x.id)} {x.title} ({labels.get(u.status, u.status) if u else 'no progress update'})")
    readings = list_readings(engine, partnership_id, session=session)
    measured = []
    for m in plan.all_measures():
        mine = [r for r in readings if r.measure_id == m.id]
        if mine:
            last = mine[-1]
            measured.append(
                f"- {m.indicator}: {last.value} in {last.period}" + (f" (baseline {m.baseline_value})" if m.baseline_value else "")
            )
    if measured:
        lines.append("Where the measures ended:")
        lines += measured
    lines.append("Review this draft: say what changed for children and families, and what the partnership learned.")
    return "\n".join(lines)


def _new_title(title: str, old_start, old_end, start: int, end: int) -> str:
    if not title or not old_start or not old_end:
        return title
    out = title
    for a, b, sep in ((str(old_start), str(old_end), r"\s*(?:to|-|–|—)\s*"), (str(old_start), str(old_end)[2:], r"\s*(?:-|–|/)\s*")):
        out = re.sub(rf"\b{a}{sep}{b}\b", f"{start} to {end}" if "to" in sep else f"{start}-{str(end)[2:]}", out)
    return out


@dataclass(frozen=True)
class Carry:
    """What the partnership chooses to carry into the next period (the guided step's boxes)."""

    actions: bool = True  # the unfinished actions (completed ones are never copied)
    measures: bool = True  # the measures, each with its latest reading as the new baseline
    steering_group: bool = True  # the steering group's members
    vision: bool = True  # the shared vision statement


@dataclass
class Preview:
    """What starting the next period would carry, and what it would not, before anything is written."""

    carried: list[str] = field(default_factory=list)
    not_carried: list[str] = field(default_factory=list)


def preview(engine: Engine, partnership_id: int, *, carry: Carry = Carry(), keep_aims: list[str] | None = None) -> Preview:
    """In words, line by line: what ``carry_forward`` with these choices would carry and what it would
    leave with this period. Reads only."""
    plan = load_plan(engine, partnership_id)
    latest = latest_updates(list_updates(engine, partnership_id))
    labels = status_labels()
    readings = list_readings(engine, partnership_id)
    keep = None if keep_aims is None else {c.strip().upper() for c in keep_aims}
    out = Preview()
    for aim in plan.aims:
        code = plan.code("aim", aim.id)
        if keep is not None and code not in keep:
            out.not_carried.append(f"Aim {code} {aim.title}, with its outcomes, actions and measures (you chose to leave it).")
            continue
        out.carried.append(f"Aim {code} {aim.title}")
        for outcome in plan.outcomes.get(stored_id(aim), []):
            for action in plan.actions.get(stored_id(outcome), []):
                a_code = plan.code("action", action.id)
                u = latest.get(stored_id(action))
                if _is_complete(action, latest):
                    when = f", completed {uk_day(u.completed_on)}" if u and u.completed_on else ""
                    out.not_carried.append(
                        f"Action {a_code} {action.title} (complete{when}): summarised in 'What the last strategy achieved'."
                    )
                elif carry.actions:
                    was = labels.get(u.status, u.status) if u else "no progress update"
                    out.carried.append(f"Action {a_code} {action.title}: unfinished ({was}), its status starts again as Not started.")
                else:
                    out.not_carried.append(f"Action {a_code} {action.title}: unfinished, not carried (you chose not to carry actions).")
            for m in plan.measures.get(stored_id(outcome), []):
                m_code = plan.code("measure", m.id)
                mine = [r for r in readings if r.measure_id == m.id]
                if not carry.measures:
                    out.not_carried.append(f"Measure {m_code} {m.indicator} (you chose not to carry measures).")
                elif mine:
                    last = mine[-1]
                    out.carried.append(f"Measure {m_code} {m.indicator}: baseline {last.value} ({last.period}), its latest reading.")
                else:
                    out.carried.append(f"Measure {m_code} {m.indicator}: no reading yet, its baseline stays as written.")
    if readings:
        out.not_carried.append(
            f"The {len(readings)} readings of the measures stay with this period (the latest of each becomes a baseline)."
        )
    out.not_carried.append("The title's years, the status, the version, who approved it and when, and the next review date: reset.")
    out.not_carried.append("Each partner's endorsement: back to 'not yet'.")
    (out.carried if carry.steering_group else out.not_carried).append("The steering group's members.")
    (out.carried if carry.vision else out.not_carried).append("The shared vision statement.")
    return out


def carry_forward(
    engine: Engine,
    partnership_id: int,
    *,
    start,
    end,
    author: Author,
    keep_aims: list[str] | None = None,
    name: str | None = None,
    carry: Carry = Carry(),
    session: Session | None = None,
) -> CarriedForward:
    """Start the next period (owners only; bad years refused with nothing changed) and make it ready
    for a new strategy, in one transaction: if any step fails, no new partnership is left behind and
    the old one is as it was. ``keep_aims``: the codes of the aims that continue (A1, A3); None keeps
    every one. ``carry``: what else continues. The link between the two periods records what was carried."""
    with write_session(engine, session=session) as session:
        return _carry_forward(
            engine, partnership_id, start=start, end=end, author=author, keep_aims=keep_aims, name=name, carry=carry, session=session
        )


def _carry_forward(
    engine: Engine, partnership_id: int, *, start, end, author, keep_aims, name, carry: Carry, session: Session
) -> CarriedForward:
    old = get_partnership(engine, partnership_id, session=session)
    old_plan = load_plan(engine, partnership_id, session=session)
    if keep_aims is not None:
        known = {old_plan.code("aim", a.id) for a in old_plan.aims}
        unknown = [c for c in keep_aims if c.strip().upper() not in known]
        if unknown:
            raise InvalidInput(
                f"No strategic aim has the code {', '.join(unknown)}. The aims are {', '.join(sorted(known))}. Nothing changed."
            )
    drafted = achieved_text(engine, partnership_id, session=session)
    new_id = start_next_period(engine, partnership_id, start=start, end=end, author=author, name=name, session=session)
    result = CarriedForward(new_id)
    plan = load_plan(engine, new_id, session=session)
    keep = None if keep_aims is None else {c.strip().upper() for c in keep_aims}
    for aim in plan.aims:
        code = plan.code("aim", aim.id)
        if keep is None or code in keep:
            result.aims_kept.append(code)
        else:
            result.aims_left.append(code)
            delete(engine, new_id, "aim", stored_id(aim), author=author, session=session)
    plan = load_plan(engine, new_id, session=session)
    latest = latest_updates(list_updates(engine, new_id, session=session))
    labels = status_labels()
    where = f"{old.name} ({period_label(old)})" if period_label(old) else old.name
    for action in plan.all_actions():
        code = plan.code("action", action.id)
        if _is_complete(action, latest):
            result.actions_completed.append(code)
            delete(engine, new_id, "action", stored_id(action), author=author, session=session)
        elif not carry.actions:
            result.actions_left.append(code)
            delete(engine, new_id, "action", stored_id(action), author=author, session=session)
        else:
            result.actions_carried.append(code)
            u = latest.get(stored_id(action))
            was = f"its last update said {labels.get(u.status, u.status)} ({uk_day(u.reported_on)})" if u else "it had no progress update"
            add_update(
                engine,
                new_id,
                stored_id(action),
                status="not_started",
                note=f"Carried forward from {where}, where it was {code} and {was}. Its status starts again for this period.",
                author=author,
                session=session,
            )
    readings = list_readings(engine, new_id, session=session)
    for m in plan.all_measures():
        if not carry.measures:
            result.measures_left.append(plan.code("measure", m.id))
            delete(engine, new_id, "measure", stored_id(m), author=author, session=session)
            continue
        mine = [r for r in readings if r.measure_id == m.id]
        if mine:
            last = mine[-1]
            update_measure(
                engine,
                new_id,
                stored_id(m),
                expected_version=m.version,
                author=author,
                baseline_value=f"{last.value} ({last.period})",
                baseline_date=last.period_start,
                session=session,
            )
            result.new_baselines.append(plan.code("measure", m.id))
    for r in list_readings(engine, new_id, session=session):
        delete_reading(engine, new_id, stored_id(r), author=author, session=session)
    if not carry.steering_group:
        for row in list_rows(engine, new_id, STEERING_GROUP, session=session):
            delete_row(engine, new_id, row.id, author=author, session=session)
    answers = get_answers(engine, new_id, session=session)
    wanted = dict(RESET)
    if not carry.vision:
        wanted[VISION] = ""
    title = answers.get("finalise.title")
    if title is not None:
        wanted["finalise.title"] = _new_title(title.value, old.period_start, old.period_end, int(start), int(end))
    if not (answers.get(LAST_STRATEGY) and answers[LAST_STRATEGY].value.strip()):
        wanted[LAST_STRATEGY] = drafted
    for prompt_id, value in wanted.items():
        current = answers.get(prompt_id)
        if (current.value if current else "") != value:
            save_answer(
                engine, new_id, prompt_id, value, expected_version=current.version if current else 0, author=author, session=session
            )
    for line in list_endorsements(engine, new_id, session=session).lines:
        if line.version and (line.decision != NOT_YET or line.name or line.endorsed_on):
            record_endorsement(
                engine, new_id, agency=line.agency, decision=NOT_YET, expected_version=line.version, author=author, session=session
            )
    link = session.exec(select(PeriodLink).where(PeriodLink.next_id == new_id)).one()
    link.carried = result.record(carry)
    session.add(link)
    return result
