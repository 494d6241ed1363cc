"""Theory of Change (template section 5; Guide §7.1): strategic aims, intended outcomes, the chain."""

from strategy.ui.layout import page_context
from strategy.ui.plan_views import theory_of_change_page

theory_of_change_page(*page_context())
