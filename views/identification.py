"""Identification (template section 7; Guide §9)."""

from strategy.ui.layout import page_context
from strategy.ui.widgets import chapter_page

chapter_page(*page_context(), "identification")
