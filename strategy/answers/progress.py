"""How far each chapter has got, and what to do next."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from strategy.answers.operations import all_rows, get_answers
from strategy.guide.content import Chapter, Prompt, content


@dataclass(frozen=True)
class ChapterProgress:
    chapter: Chapter
    answered: int
    total: int
    first_unanswered: Prompt | None

    @property
    def fraction(self) -> float:
        return self.answered / self.total if self.total else 1.0

    @property
    def done(self) -> bool:
        return self.answered == self.total


def is_answered(prompt: Prompt, value: str | None, rows: list | None) -> bool:
    if prompt.type == "table":
        return bool(rows)
    if prompt.type == "grid":
        # A grid's rows exist once a cell is written; answered when any cell holds something.
        return any(v not in (None, "", [], False) for r in rows or [] for v in r.values.values())
    if prompt.type == "multichoice":
        return bool(value and json.loads(value))
    return bool(value and value.strip())


def chapter_progress(engine: Engine, partnership_id: int) -> list[ChapterProgress]:
    answers = get_answers(engine, partnership_id)
    rows = all_rows(engine, partnership_id)
    out = []
    for chapter in content().chapters:
        prompts = [p for p in chapter.prompts if p.counted]
        answered = [p for p in prompts if is_answered(p, answers[p.id].value if p.id in answers else None, rows.get(p.id))]
        first = next((p for p in prompts if p not in answered), None)
        out.append(ChapterProgress(chapter, len(answered), len(prompts), first))
    return out


def next_step(progress: list[ChapterProgress]) -> ChapterProgress | None:
    """The first chapter, in the guide's order, with something left to answer."""
    return next((p for p in progress if not p.done), None)
