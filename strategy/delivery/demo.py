"""The demo partnership's year of delivery (data/demo.yaml ``delivery:``): progress updates and indicator
readings, written through strategy.delivery.operations. Loading it again adds nothing that is there already."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from strategy.core.authors import Author
from strategy.core.errors import InvalidInput
from strategy.core.models import stored_id
from strategy.core.text import name_key
from strategy.core.values import parse_date
from strategy.delivery import operations as D
from strategy.plan import operations as P


def _day(value) -> str:
    """A date the demo file gives, as ISO (every update in the file has one)."""
    day = parse_date(value)
    if day is None:
        raise InvalidInput("A progress update in the demo file has no date.")
    return day


def ensure_delivery(engine: Engine, partnership_id: int, spec: dict, author: Author) -> None:
    plan = P.load_plan(engine, partnership_id)
    actions = {name_key(x.title): x for x in plan.all_actions()}
    measures = {name_key(m.indicator): m for m in plan.all_measures()}
    have = {(u.action_id, u.reported_on, u.status) for u in D.list_updates(engine, partnership_id)}
    for u in sorted(spec.get("updates", []), key=lambda u: _day(u["date"])):
        action = actions.get(name_key(u["action"]))
        if action is None or (action.id, _day(u["date"]), u["status"]) in have:
            continue
        D.add_update(
            engine,
            partnership_id,
            stored_id(action),
            status=u["status"],
            note=u.get("note", ""),
            evidence=u.get("evidence", ""),
            reported_on=u["date"],
            completed_on=u.get("completed"),
            author=author,
            today=max(date.today(), date.fromisoformat(_day(u["date"]))),
        )
    readings = {(r.measure_id, r.period_key) for r in D.list_readings(engine, partnership_id)}
    for r in spec.get("readings", []):
        measure = measures.get(name_key(r["indicator"]))
        if measure is None:
            continue
        for period, value in r["values"].items():
            label = D.parse_reading_period(period)[0]
            if (measure.id, label.casefold()) in readings:
                continue
            D.add_reading(
                engine,
                partnership_id,
                stored_id(measure),
                period=period,
                value=str(value),
                source=r.get("source", ""),
                note=r.get("note", ""),
                author=author,
            )
