"""Shared vision and governance (template sections 2-3; Guide §3)."""

from strategy.ui.layout import page_context
from strategy.ui.widgets import chapter_page

chapter_page(*page_context(), "shared_vision")
