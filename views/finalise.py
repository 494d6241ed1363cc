"""Finalise (Guide §13.1): the document's details, the language check and the acronyms."""

from strategy.ui.layout import page_context
from strategy.ui.widgets import chapter_page

chapter_page(*page_context(), "finalise")
