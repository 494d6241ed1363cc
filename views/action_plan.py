"""Action plan (template section 10; Guide §12): actions, leads, dates, views, checks, import and export."""

from strategy.ui.layout import page_context
from strategy.ui.plan_views import action_plan_page

action_plan_page(*page_context())
