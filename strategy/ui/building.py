"""Building a document with its steps on screen: which part is being written and how far along, so a
person waiting for a large partnership's draft sees it move rather than a spinner."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from strategy.core.errors import WorkbookError
from strategy.core.text import md_escape
from strategy.ui.state import show_error
from strategy.word.toolkit import reporting_progress

T = TypeVar("T")


def build_document(what: str, build: Callable[[], T]) -> T | None:
    """Run ``build`` with a progress bar that follows its steps; ``what`` names it ("the Word draft").
    Returns what was built, or None after saying why it could not be (nothing is stored either way)."""
    with st.status(f"Building {what}…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting…")

        def told(step: str, fraction: float) -> None:
            bar.progress(fraction, text=md_escape(step))

        try:
            with reporting_progress(told):
                built = build()
        except WorkbookError as exc:
            status.update(label=f"{what[0].upper()}{what[1:]} could not be built.", state="error")
            show_error(exc)
            return None
        status.update(label=f"{what[0].upper()}{what[1:]} is ready.", state="complete", expanded=False)
        return built
