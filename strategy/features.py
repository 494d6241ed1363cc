"""What each feature adds to places shared with others, in explicit lists (nothing registers itself
by being imported): the sections of the scrutineer's dashboard and of the Word progress report."""

from __future__ import annotations

from strategy.assessments import scrutiny
from strategy.delivery import operations as delivery
from strategy.delivery.operations import Section

#: The scrutineer's dashboard and the progress report, section by section, in this order.
SCRUTINY_SECTIONS: tuple[Section, ...] = (
    delivery.OVERDUE,
    delivery.DUE,
    delivery.AT_RISK,
    delivery.INDICATORS_OFF_TRACK,
    scrutiny.RECOMMENDATIONS_OPEN,  # audits and snapshots (Guide §15.2)
    scrutiny.AUDIT_LEARNING,
    delivery.FEEDBACK,
    delivery.REVIEWS,
    scrutiny.COMMENTS_OPEN,
)
