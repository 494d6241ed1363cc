"""Feedback and review (Guide §15.3-15.4): feedback loops and the annual reviews."""

from strategy.ui.layout import page_context
from strategy.ui.widgets import chapter_page

chapter_page(*page_context(), "feedback_review")
