"""Scrutineer's dashboard (Guide §15): delivery at a glance, filters, every chart with its table, the progress report."""

from strategy.ui.delivery_views import scrutiny_page
from strategy.ui.layout import page_context

scrutiny_page(*page_context())
