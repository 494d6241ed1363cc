"""Workforce development (template section 9; Guide §11)."""

from strategy.ui.layout import page_context
from strategy.ui.widgets import chapter_page

chapter_page(*page_context(), "workforce_development")
