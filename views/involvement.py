"""Involvement: you said, we did (issue 21; Guide §3.1, §10.1, §10.2): each engagement with children,
young people, adult victims and survivors or families, and what changed in the plan because of it."""

from strategy.ui.involvement_views import involvement_page
from strategy.ui.layout import page_context

involvement_page(*page_context())
