"""From evidence to plan (issue 19; Guide §4-7, §12, §15): suggestions from the evidence, what the plan
answers and what it does not, and the chain through any action or measure."""

from strategy.ui.chain_views import chain_page
from strategy.ui.layout import page_context

chain_page(*page_context())
