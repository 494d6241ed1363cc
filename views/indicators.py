"""Indicators (Guide §15.1): readings for each measure against baseline and target, with direction of travel."""

from strategy.ui.delivery_views import indicators_page
from strategy.ui.layout import page_context

indicators_page(*page_context())
