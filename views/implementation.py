"""Implementation (Guide §14): where the strategy is embedded, briefings, the communication plan, the update interval."""

from strategy.ui.layout import page_context
from strategy.ui.widgets import chapter_page

chapter_page(*page_context(), "implementation")
