"""The fictional 'Demo partnership', fully written, so a newcomer sees a finished example at once.

Loading it twice changes nothing: answers and rows are only written where they differ."""

from __future__ import annotations

import json

import yaml
from sqlalchemy.engine import Engine

from strategy.answers.comments import add_comment, set_resolved, threads
from strategy.answers.operations import (
    add_rows,
    delete_row,
    get_answers,
    grid_rows,
    list_rows,
    normalise_cell,
    normalise_row,
    normalise_value,
    save_answer,
    set_grid_cell,
)
from strategy.assessments import involvement
from strategy.assessments.demo import ensure_snapshot_demo
from strategy.core.authors import Author
from strategy.core.errors import NotFound
from strategy.core.models import stored_id
from strategy.core.settings import DATA_DIR
from strategy.delivery.demo import ensure_delivery
from strategy.finalise.endorsement import list_endorsements, record_endorsement
from strategy.guide.content import content
from strategy.people.partnerships import create_partnership, find_partnership, set_archived, update_partnership
from strategy.plan.demo import ensure_plan
from strategy.workshops.demo import ensure_workshop_demo

DEMO_FILE = DATA_DIR / "demo.yaml"


def load_demo_data() -> dict:
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))


def ensure_demo(engine: Engine, data: dict | None = None) -> int:
    """Create or refresh the demo partnership (or the partnership ``data`` describes, in the shape of
    data/demo.yaml); returns its id."""
    data = data if data is not None else load_demo_data()
    spec = data["partnership"]
    author = Author.make(**data.get("author", {"name": "Demo author"}))
    try:
        p = find_partnership(engine, spec["name"])
        if (p.nation, p.areas, p.period_start, p.period_end, p.archived) != (
            spec["nation"],
            spec.get("areas", ""),
            spec.get("period_start"),
            spec.get("period_end"),
            False,
        ):
            update_partnership(
                engine,
                stored_id(p),
                nation=spec["nation"],
                areas=spec.get("areas", ""),
                period_start=spec.get("period_start"),
                period_end=spec.get("period_end"),
            )

            set_archived(engine, stored_id(p), False)
    except NotFound:
        p = create_partnership(
            engine,
            name=spec["name"],
            nation=spec["nation"],
            areas=spec.get("areas", ""),
            period_start=spec.get("period_start"),
            period_end=spec.get("period_end"),
        )
    pid = stored_id(p)
    prompts = content().prompts
    existing = get_answers(engine, pid)
    for prompt_id, value in data.get("answers", {}).items():
        prompt = prompts[prompt_id]
        if prompt.type == "multichoice":
            value = json.dumps(value)
        wanted = normalise_value(prompt, value.strip() if isinstance(value, str) and prompt.type != "multichoice" else value)
        current = existing.get(prompt_id)
        if current is None or current.value != wanted:
            save_answer(engine, pid, prompt_id, wanted, expected_version=current.version if current else 0, author=author)
    for prompt_id, rows in data.get("items", {}).items():
        current_rows = [r for r in list_rows(engine, pid, prompt_id) if r.row_key is None]
        if [r.values for r in current_rows] == [_full_row(prompt_id, r) for r in rows]:
            continue
        for r in current_rows:  # replace the table wholesale: deleted rows stay restorable
            delete_row(engine, pid, r.id, author=author)
        if rows:
            add_rows(engine, pid, prompt_id, rows, author=author)
    for prompt_id, spec in data.get("grids", {}).items():
        _ensure_grid(engine, pid, prompts[prompt_id], dict(spec), author)
    if data.get("plan"):
        ensure_plan(engine, pid, data["plan"], author)

    if data.get("snapshot_demo", True):  # the Demo partnership's snapshot and audits (not the Welsh demo's)
        ensure_snapshot_demo(engine, pid, author)
    _ensure_comments(engine, pid, data.get("comments", []))
    _ensure_endorsements(engine, pid, data.get("endorsements", []), author)
    _ensure_involvement(engine, pid, data.get("involvement", []), author)
    if data.get("delivery"):
        ensure_delivery(engine, pid, data["delivery"], author)
    if data.get("workshop"):
        ensure_workshop_demo(engine, pid, data["workshop"])
    return pid


def _ensure_endorsements(engine: Engine, partnership_id: int, specs: list[dict], author: Author) -> None:
    """Each partner's endorsement, recorded where it differs from what is stored."""
    lines = {line.agency: line for line in list_endorsements(engine, partnership_id).lines}
    for spec in specs:
        line = lines.get(spec["agency"])
        wanted = (spec["decision"], spec.get("name", ""), spec.get("role", ""), spec.get("comments", ""))
        day = spec.get("date")
        iso = f"{day[6:]}-{day[3:5]}-{day[:2]}" if day else None
        if line is not None and (line.decision, line.name, line.role, line.comments) == wanted and line.endorsed_on == iso:
            continue
        record_endorsement(
            engine,
            partnership_id,
            agency=spec["agency"],
            decision=spec["decision"],
            name=spec.get("name", ""),
            role=spec.get("role", ""),
            endorsed_on=day,
            comments=spec.get("comments", ""),
            expected_version=line.version if line else 0,
            author=author,
        )


def _ensure_involvement(engine: Engine, partnership_id: int, specs: list[dict], author: Author) -> None:
    """The record of involvement: each engagement (found by its date and group) and its links to the
    plan by code, added where missing."""
    by_code = {label.split(" ", 1)[0]: (kind, row_id) for kind, row_id, label in involvement.plan_choices(engine, partnership_id)}
    stored = {(line.engagement.held_on, line.engagement.group): line for line in involvement.list_engagements(engine, partnership_id)}
    for spec in specs:
        day = spec["date"]
        line = stored.get((f"{day[6:]}-{day[3:5]}-{day[:2]}", spec["group"]))
        if line is None:
            engagement = involvement.add_engagement(
                engine,
                partnership_id,
                author=author,
                held_on=day,
                voices=spec["voices"],
                group=spec["group"],
                method=spec["method"],
                method_detail=spec.get("method_detail", ""),
                safeguards=spec.get("safeguards", ""),
                thanks=spec.get("thanks", ""),
                heard=spec.get("heard", ""),
            )
            linked: set[str] = set()
            engagement_id = stored_id(engagement)
        else:
            linked = {c.code for c in line.changes}
            engagement_id = stored_id(line.engagement)
        for change in spec.get("changes", []):
            if change["code"] in linked or change["code"] not in by_code:
                continue
            kind, row_id = by_code[change["code"]]
            involvement.add_change(
                engine, partnership_id, engagement_id, kind=kind, target_id=row_id, note=change.get("note", ""), author=author
            )


def _ensure_comments(engine: Engine, partnership_id: int, specs: list[dict]) -> None:
    """Add the demo's comments once (comments are never deleted, so a comment already there stays)."""

    existing = {t.comment.text for t in threads(engine, partnership_id)}
    for spec in specs:
        if spec["text"] in existing:
            continue
        kind, key = spec["target"]
        first = add_comment(
            engine,
            partnership_id,
            target_kind=kind,
            target_key=key,
            text=spec["text"],
            chapter_id=spec.get("chapter", ""),
            author=Author.make(**spec["by"]),
        )
        for reply in spec.get("replies", []):
            add_comment(
                engine,
                partnership_id,
                target_kind=kind,
                target_key=key,
                text=reply["text"],
                parent_id=first.id,
                author=Author.make(**reply["by"]),
            )
        if spec.get("resolved_by"):
            set_resolved(engine, partnership_id, stored_id(first), author=Author.make(**spec["resolved_by"]))


def _ensure_grid(engine: Engine, partnership_id: int, prompt, spec: dict, author: Author) -> None:
    """Write a grid's demo cells where they differ, and its added rows where they differ."""
    extra = spec.pop("extra", [])
    columns = {c.id: c for c in prompt.columns}
    for row_key, values in spec.items():
        for column_id, value in values.items():
            stored = grid_rows(engine, partnership_id, prompt.id).get(row_key)
            current = stored.values.get(column_id) if stored else None
            if stored is None or current != normalise_cell(columns[column_id], value):
                set_grid_cell(engine, partnership_id, prompt.id, row_key, column_id, value, expected=current, author=author)
    if prompt.extra_rows:
        live = [r for r in list_rows(engine, partnership_id, prompt.id) if r.row_key is None]
        wanted = [normalise_row(prompt, r, added_grid_row=True) for r in extra]
        if [r.values for r in live] != wanted:
            for r in live:
                delete_row(engine, partnership_id, r.id, author=author)
            if extra:
                add_rows(engine, partnership_id, prompt.id, extra, author=author)


def _full_row(prompt_id: str, values: dict) -> dict:
    return normalise_row(content().prompts[prompt_id], values)
