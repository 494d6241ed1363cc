"""Progress updates (Guide §15.1): dated updates on every action; overdue and due-for-update lists."""

from strategy.ui.delivery_views import progress_updates_page
from strategy.ui.layout import page_context

progress_updates_page(*page_context())
