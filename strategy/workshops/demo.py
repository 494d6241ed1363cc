"""The demo partnership's finished workshop (data/demo.yaml ``workshop:``): the steering group's
priorities workshop, from notes to the strategy, written through ``strategy.workshops.operations``.
Its result is the demo's own priorities in their order, so putting it into the strategy changes no
priority's words. Loading the demo again adds nothing once the workshop is there."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from strategy.answers.operations import list_rows
from strategy.core.authors import Author
from strategy.core.models import stored_id
from strategy.core.text import name_key
from strategy.workshops.operations import (
    add_note,
    agree_wording,
    apply_result,
    cast_vote,
    create_theme,
    create_workshop,
    list_workshops,
    set_stage,
    target_stamp,
    workshop_view,
)


def ensure_workshop_demo(engine: Engine, partnership_id: int, spec: dict) -> None:
    lead = Author.make(**spec["facilitator"])
    if any(name_key(w.title) == name_key(spec["title"]) for w in list_workshops(engine, partnership_id, author=lead)):
        return
    people = [Author.make(**p) for p in spec["participants"]]
    priorities = [r.values.get("priority", "") for r in list_rows(engine, partnership_id, "vision.priorities")]
    w = create_workshop(
        engine,
        partnership_id,
        title=spec["title"],
        kind="priorities",
        held_on=spec["held_on"],
        votes_per_person=spec.get("votes_each", 3),
        author=lead,
    )
    wid = stored_id(w)
    by_theme = []
    n = 0
    for theme in spec["themes"]:
        notes = {}
        for text in theme["notes"]:
            note = add_note(engine, partnership_id, wid, text, author=people[n % len(people)])
            notes[stored_id(note)] = note.version
            n += 1
        by_theme.append(notes)

    def stage(to: str) -> None:
        version = workshop_view(engine, partnership_id, wid, author=lead).workshop.version
        set_stage(engine, partnership_id, wid, to, expected_version=version, author=lead)

    stage("grouping")
    themes = [
        create_theme(engine, partnership_id, wid, t["title"], notes=notes, author=lead)
        for t, notes in zip(spec["themes"], by_theme, strict=True)
    ]
    stage("voting")
    used = [0] * len(people)
    for theme, t in zip(themes, spec["themes"], strict=True):
        for i in sorted(range(len(people)), key=lambda i: (used[i], i))[: t["votes"]]:
            cast_vote(engine, partnership_id, stored_id(theme), author=people[i])
            used[i] += 1
    stage("result")
    view = workshop_view(engine, partnership_id, wid, author=lead)
    for theme, wording in zip(view.ranked(), priorities, strict=False):
        agree_wording(engine, partnership_id, theme.id, wording, expected_version=theme.version, author=lead)
    view = workshop_view(engine, partnership_id, wid, author=lead)
    apply_result(
        engine,
        partnership_id,
        wid,
        expected_version=view.workshop.version,
        expected_target=target_stamp(engine, partnership_id, view.workshop),
        author=lead,
    )
