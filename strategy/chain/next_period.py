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

from strategy.answers.operations import get_answers, save_answer
from strategy.core.authors import Author
from strategy.core.models import stored_id
from strategy.core.values import uk_day
from strategy.delivery.operations import delete_reading, latest_updates, list_readings, list_updates, status_labels
from strategy.finalise.endorsement import NOT_YET, list_endorsements, record_endorsement
from strategy.people.partnerships import get_partnership
from strategy.people.periods import start_next_period
from strategy.plan.operations import delete, load_plan, update_measure

LAST_STRATEGY = "intro.last_strategy"
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

    def summary(self) -> str:
        return (
            f"{len(self.aims_kept)} aims continue ({len(self.aims_left)} left behind); {len(self.actions_carried)} unfinished "
            f"actions carried with their history; {len(self.actions_completed)} completed actions summarised, not copied; "
            f"{len(self.new_baselines)} measures take their latest reading as the new baseline."
        )


def _is_complete(action, latest) -> bool:
    u = latest.get(action.id)
    return (u.status if u else action.status) == "complete"


def achieved_text(engine: Engine, partnership_id: int) -> str:
    """A draft of "What the last strategy achieved" from a period's plan, updates and readings."""
    p = get_partnership(engine, partnership_id)
    plan = load_plan(engine, partnership_id)
    latest = latest_updates(list_updates(engine, partnership_id))
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
    readings = list_readings(engine, partnership_id)
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


def carry_forward(
    engine: Engine,
    partnership_id: int,
    *,
    start,
    end,
    author: Author,
    keep_aims: list[str] | None = None,
    name: str | None = None,
) -> CarriedForward:
    """Start the next period (owners only; bad years refused with nothing changed) and make it ready
    for a new strategy. ``keep_aims``: the codes of the aims that continue (A1, A3); None keeps every one."""
    old = get_partnership(engine, partnership_id)
    old_plan = load_plan(engine, partnership_id)
    if keep_aims is not None:
        known = {old_plan.code("aim", a.id) for a in old_plan.aims}
        unknown = [c for c in keep_aims if c.strip().upper() not in known]
        if unknown:
            from strategy.core.errors import InvalidInput

            raise InvalidInput(
                f"No strategic aim has the code {', '.join(unknown)}. The aims are {', '.join(sorted(known))}. Nothing changed."
            )
    drafted = achieved_text(engine, partnership_id)
    new_id = start_next_period(engine, partnership_id, start=start, end=end, author=author, name=name)
    result = CarriedForward(new_id)
    plan = load_plan(engine, new_id)
    keep = None if keep_aims is None else {c.strip().upper() for c in keep_aims}
    for aim in plan.aims:
        code = plan.code("aim", aim.id)
        if keep is None or code in keep:
            result.aims_kept.append(code)
        else:
            result.aims_left.append(code)
            delete(engine, new_id, "aim", stored_id(aim), author=author)
    plan = load_plan(engine, new_id)
    latest = latest_updates(list_updates(engine, new_id))
    for action in plan.all_actions():
        code = plan.code("action", action.id)
        if _is_complete(action, latest):
            result.actions_completed.append(code)
            delete(engine, new_id, "action", stored_id(action), author=author)
        else:
            result.actions_carried.append(code)
    readings = list_readings(engine, new_id)
    for m in plan.all_measures():
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
            )
            result.new_baselines.append(plan.code("measure", m.id))
    for r in list_readings(engine, new_id):
        delete_reading(engine, new_id, stored_id(r), author=author)
    answers = get_answers(engine, new_id)
    wanted = dict(RESET)
    title = answers.get("finalise.title")
    if title is not None:
        wanted["finalise.title"] = _new_title(title.value, old.period_start, old.period_end, int(start), int(end))
    if not (answers.get(LAST_STRATEGY) and answers[LAST_STRATEGY].value.strip()):
        wanted[LAST_STRATEGY] = drafted
    for prompt_id, value in wanted.items():
        current = answers.get(prompt_id)
        if (current.value if current else "") != value:
            save_answer(engine, new_id, prompt_id, value, expected_version=current.version if current else 0, author=author)
    for line in list_endorsements(engine, new_id).lines:
        if line.version and (line.decision != NOT_YET or line.name or line.endorsed_on):
            record_endorsement(engine, new_id, agency=line.agency, decision=NOT_YET, expected_version=line.version, author=author)
    return result
