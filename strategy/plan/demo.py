"""The demo partnership's plan (data/demo.yaml ``plan:``), written through the same functions as the
pages. Loading it again changes nothing; what a visitor changed is put back (by title, so codes stay)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Engine

from strategy.core.authors import Author
from strategy.core.errors import InvalidInput
from strategy.core.models import stored_id
from strategy.core.text import name_key
from strategy.plan import operations as P
from strategy.plan.io import parse_when


def _action_fields(spec: dict) -> dict:
    fields = {
        "leads": spec.get("leads", []),
        "partners": spec.get("partners", ""),
        "stage": spec.get("stage", ""),
        "component": spec.get("component", ""),
        "recommendations": spec.get("recommendations", []),
        "status": spec.get("status", "not_started"),
        "rationale": spec.get("rationale", ""),
        "origin": spec.get("origin", ""),
        "start_date": spec.get("start"),
        "end_date": spec.get("end"),
        "when_text": spec.get("when", ""),
        "cost": spec.get("cost"),
        "funding_source": spec.get("funding_source", ""),
        "staff_time": spec.get("staff_time", ""),
    }
    if spec.get("when"):
        span = parse_when(spec["when"])
        fields["start_date"] = span.start.isoformat() if span and span.start else None
        fields["end_date"] = span.end.isoformat() if span and span.end else None
    return fields


def _differs(row, stored: dict) -> dict:
    return {k: v for k, v in stored.items() if getattr(row, k) != v}


def _revive(engine: Engine, partnership_id: int, aims: list[dict], author: Author) -> None:
    """Bring back what a visitor removed (so its code comes back too) rather than adding it again."""
    titles: dict[str, set[str]] = {k: set() for k in ("aim", "outcome", "action", "measure", "milestone", "output")}
    for a in aims:
        titles["aim"].add(name_key(a["aim"]))
        for o in a.get("outcomes", []):
            titles["outcome"].add(name_key(o["outcome"]))
            titles["action"].update(name_key(x["action"]) for x in o.get("actions", []))
            titles["measure"].update(name_key(m["indicator"]) for m in o.get("measures", []))
            for x in o.get("actions", []):
                titles["milestone"].update(name_key(m["milestone"]) for m in x.get("milestones", []))
                titles["output"].update(name_key(m["output"]) for m in x.get("outputs", []))
    order = ["aim", "outcome", "action", "measure", "milestone", "output"]
    for r in sorted(P.removed(engine, partnership_id), key=lambda r: order.index(r.kind)):
        if name_key(r.title) in titles[r.kind]:
            try:
                P.restore(engine, partnership_id, r.kind, r.id, author=author)
            except InvalidInput:
                pass  # its parent is gone for good, or its name is taken again: added afresh below


def ensure_plan(engine: Engine, partnership_id: int, aims: list[dict], author: Author) -> None:
    _revive(engine, partnership_id, aims, author)
    plan = P.load_plan(engine, partnership_id)
    by_title = {name_key(a.title): a for a in plan.aims}
    wanted_aims = set()
    for aim_spec in aims:
        key = name_key(aim_spec["aim"])
        wanted_aims.add(key)
        aim = by_title.get(key)
        text = {"description": aim_spec.get("description", "").strip(), "rationale": aim_spec.get("rationale", "").strip()}
        if aim is None:
            aim = P.add_aim(engine, partnership_id, title=aim_spec["aim"], author=author, **text)
        elif aim.description != text["description"] or aim.rationale != text["rationale"]:
            aim = P.update_aim(engine, partnership_id, stored_id(aim), expected_version=aim.version, author=author, **text)
        _ensure_outcomes(engine, partnership_id, aim, aim_spec.get("outcomes", []), plan, author)
    for aim in plan.aims:
        if name_key(aim.title) not in wanted_aims:
            P.delete(engine, partnership_id, "aim", stored_id(aim), author=author)


def _ensure_outcomes(engine, pid, aim, specs, plan, author) -> None:
    existing = {name_key(o.title): o for o in plan.outcomes.get(aim.id, [])}
    wanted = set()
    for spec in specs:
        key = name_key(spec["outcome"])
        wanted.add(key)
        outcome = existing.get(key)
        rationale = spec.get("rationale", "")
        if outcome is None:
            outcome = P.add_outcome(engine, pid, aim_id=aim.id, title=spec["outcome"], rationale=rationale, author=author)
        elif outcome.rationale != rationale:
            P.update_outcome(engine, pid, outcome.id, expected_version=outcome.version, author=author, rationale=rationale)
        _ensure_actions(engine, pid, outcome, spec.get("actions", []), plan, author)
        _ensure_measures(engine, pid, outcome, spec.get("measures", []), plan, author)
    for key, outcome in existing.items():
        if key not in wanted:
            P.delete(engine, pid, "outcome", outcome.id, author=author)


def _ensure_actions(engine, pid, outcome, specs, plan, author) -> None:
    existing = {name_key(x.title): x for x in plan.actions.get(outcome.id, [])}
    wanted = set()
    for spec in specs:
        key = name_key(spec["action"])
        wanted.add(key)
        fields = _action_fields(spec)
        action = existing.get(key)
        if action is None:
            action = P.create_action(engine, pid, outcome_id=outcome.id, title=spec["action"], author=author, **fields)
        else:
            stored = P._action_values(engine, pid, fields, add_unknown=False, author=author)
            if _differs(action, stored):
                P.update_action(engine, pid, action.id, expected_version=action.version, author=author, **fields)
        _ensure_within(engine, pid, stored_id(action), spec, plan, author)
    for key, action in existing.items():
        # Actions made from the demo's snapshot and audit recommendations belong to that loader.
        if key not in wanted and "recommendation" not in action.origin:
            P.delete(engine, pid, "action", action.id, author=author)


def _ensure_measures(engine, pid, outcome, specs, plan, author) -> None:
    existing = {name_key(m.indicator): m for m in plan.measures.get(outcome.id, [])}
    wanted = set()
    for spec in specs:
        spec = {k: str(v) if k.endswith("value") else v for k, v in spec.items()}
        key = name_key(spec["indicator"])
        wanted.add(key)
        fields = {k: v for k, v in spec.items() if k != "indicator"}
        measure = existing.get(key)
        if measure is None:
            P.add_measure(engine, pid, outcome_id=outcome.id, indicator=spec["indicator"], author=author, **fields)
        elif _differs(measure, P._measure_values(fields)):
            P.update_measure(engine, pid, measure.id, expected_version=measure.version, author=author, **fields)
    for key, measure in existing.items():
        if key not in wanted:
            P.delete(engine, pid, "measure", measure.id, author=author)


def _ensure_within(engine, pid, action_id: int, spec: dict, plan: P.Plan, author: Author) -> None:
    """An action's milestones and output indicators as the demo gives them (by title)."""
    kinds: list[tuple[str, str, Mapping[int, Sequence[Any]], Callable[..., Any], Callable[..., Any], Callable[..., dict]]] = [
        ("milestone", "milestones", plan.milestones, P.add_milestone, P.update_milestone, P._milestone_values),
        ("output", "outputs", plan.outputs, P.add_output, P.update_output, P._output_values),
    ]
    for kind, key, stored_rows, add, update, values_of in kinds:
        existing = {name_key(r.title): r for r in stored_rows.get(action_id, [])}
        wanted = set()
        for item in spec.get(key, []):
            fields = {k: v for k, v in item.items() if k != kind}
            title = item[kind]
            wanted.add(name_key(title))
            row = existing.get(name_key(title))
            if row is None:
                add(engine, pid, action_id=action_id, title=title, author=author, **fields)
            elif _differs(row, values_of(fields, row)):
                update(engine, pid, stored_id(row), expected_version=row.version, author=author, **fields)
        for name, row in existing.items():
            if name not in wanted:
                P.delete(engine, pid, kind, stored_id(row), author=author)
