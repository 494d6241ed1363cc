"""Thematic multi-agency audits: theme and parts, audited cases, the staff survey, findings,
recommendations and the briefing in Word (Guide §15.2). The page's work is in
``strategy.ui.audit_views``."""

from strategy.ui.audit_views import audits_page

audits_page()
