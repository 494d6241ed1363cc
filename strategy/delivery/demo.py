"""The demo partnership's year of delivery (data/demo.yaml ``delivery:``): progress updates and indicator
readings, written through strategy.delivery.operations. Loading it again adds nothing that is there already."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from strategy.core.authors import Author
from strategy.core.text import name_key
from strategy.core.values import parse_date
from strategy.delivery import operations as D
from strategy.plan import operations as P


def ensure_delivery(engine: Engine, partnership_id: int, spec: dict, author: Author) -> None:
    plan = P.load_plan(engine, partnership_id)
    actions = {name_key(x.title): x for x in plan.all_actions()}
    measures = {name_key(m.indicator): m for m in plan.all_measures()}
    have = {(u.action_id, u.reported_on, u.status) for u in D.list_updates(engine, partnership_id)}
    for u in sorted(spec.get("updates", []), key=lambda u: parse_date(u["date"])):
        action = actions.get(name_key(u["action"]))
        if action is None or (action.id, parse_date(u["date"]), u["status"]) in have:
            continue
        D.add_update(
            engine,
            partnership_id,
            action.id,
            status=u["status"],
            note=u.get("note", ""),
            evidence=u.get("evidence", ""),
            reported_on=u["date"],
            completed_on=u.get("completed"),
            author=author,
            today=max(date.today(), date.fromisoformat(parse_date(u["date"]))),
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
                measure.id,
                period=period,
                value=str(value),
                source=r.get("source", ""),
                note=r.get("note", ""),
                author=author,
            )
