"""Evaluation framework (template section 11; Guide §7.2): how each intended outcome is measured."""

from strategy.ui.layout import page_context
from strategy.ui.plan_views import evaluation_page

evaluation_page(*page_context())
