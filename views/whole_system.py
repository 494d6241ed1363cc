"""Whole-system response (template section 8; Guide §10)."""

from strategy.ui.layout import page_context
from strategy.ui.widgets import chapter_page

chapter_page(*page_context(), "whole_system")
