"""Prevention and disruption (template section 6; Guide §8)."""

from strategy.ui.layout import page_context
from strategy.ui.widgets import chapter_page

chapter_page(*page_context(), "prevention")
