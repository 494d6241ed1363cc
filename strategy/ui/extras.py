"""What some prompts show beneath their fields: charts, checks and import panels.

Each entry is prompt id -> function(engine, partnership, prompt, editable) that renders under the
prompt. Kept here so the chapter renderer stays generic and each feature registers itself."""

from __future__ import annotations

from collections.abc import Callable

PROMPT_EXTRAS: dict[str, Callable] = {}


def register(prompt_id: str):
    """Decorator: render this function beneath ``prompt_id`` on its chapter page."""

    def wrap(fn: Callable) -> Callable:
        PROMPT_EXTRAS[prompt_id] = fn
        return fn

    return wrap
