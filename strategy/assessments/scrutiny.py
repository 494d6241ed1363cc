"""The scrutineer's dashboard and the Word progress report: the sections that come from other features,
listed in ``strategy.features.SCRUTINY_SECTIONS``: recommendations from audits and snapshots still open,
what the latest thematic audits learned, and comments not yet resolved."""

from __future__ import annotations

import pandas as pd

from strategy.answers.comments import threads
from strategy.assessments import audit as au
from strategy.assessments.recommendations import STATUSES, list_recommendations, list_responses
from strategy.core.dates import uk_date
from strategy.core.models import stored_id
from strategy.core.values import uk_day
from strategy.delivery.operations import Delivery, Section
from strategy.guide.content import content


def open_recommendations(d: Delivery) -> pd.DataFrame:
    """Audit and snapshot recommendations not yet done, with the owning agency, the due date, the
    agencies that have reported back and the action each became (Guide §15.2)."""

    codes = {x.id: d.plan.code("action", stored_id(x)) for x in d.plan.all_actions()}
    responses = list_responses(d.engine, d.partnership_id)
    rows = [
        {
            "From": r.origin,
            "Recommendation": r.text,
            "Owner": r.owner,
            "Due": uk_day(r.due_date),
            "Status": STATUSES.get(r.status, r.status),
            "Responses from": "; ".join(x.agency for x in responses.get(stored_id(r), [])),
            "Action": codes.get(r.action_id, "Not in the plan yet" if r.action_id is None else "Action removed"),
        }
        for r in list_recommendations(d.engine, d.partnership_id)
        if r.status != "done"
    ]
    return pd.DataFrame(rows, columns=["From", "Recommendation", "Owner", "Due", "Status", "Responses from", "Action"])


def audit_learning(d: Delivery) -> pd.DataFrame:
    """What each thematic audit learned, newest first."""

    rows = []
    for audit in au.list_audits(d.engine, d.partnership_id):
        texts = au.view(audit).texts
        rows.append(
            {
                "Audit": audit.theme,
                "Period": audit.period,
                "If you do one thing": texts.get("one_thing", ""),
                "Learning identified": texts.get("learning", ""),
                "Strengths": texts.get("strengths", ""),
            }
        )
    return pd.DataFrame(rows, columns=["Audit", "Period", "If you do one thing", "Learning identified", "Strengths"])


def open_comments(d: Delivery) -> pd.DataFrame:
    """Comments from scrutineers and reviewers not yet resolved."""

    c = content()
    recommendations = {f"recommendation:{r.id}": r.origin for r in list_recommendations(d.engine, d.partnership_id)}
    rows = []
    for thread in threads(d.engine, d.partnership_id):
        if not thread.open:
            continue
        comment = thread.comment
        if comment.target_kind == "prompt" and comment.target_key in c.prompts:
            about = f"{c.chapter_of(comment.target_key).title}: {c.prompts[comment.target_key].label}"
        elif comment.target_kind == "item" and comment.target_key in recommendations:
            about = f"Recommendation: {recommendations[comment.target_key]}"
        elif comment.target_kind == "section":
            about = f"Draft section {comment.target_key}"
        else:
            about = comment.chapter_id or comment.target_kind
        rows.append(
            {
                "About": about,
                "Comment": comment.text,
                "By": comment.author_name,
                "Date": uk_date(comment.created_at),
                "Replies": len(thread.replies),
            }
        )
    return pd.DataFrame(rows, columns=["About", "Comment", "By", "Date", "Replies"])


RECOMMENDATIONS_OPEN = Section(
    "recommendations_open",
    "Audit and snapshot recommendations still open",
    "Recommendations from thematic audits and the system-wide snapshot that are not done, and the action each became (Guide §15.2).",
    open_recommendations,
    "Every recommendation is done.",
)
AUDIT_LEARNING = Section(
    "audit_learning",
    "What audits have taught",
    "The learning from each thematic multi-agency audit (Guide §15.2).",
    audit_learning,
    "No thematic audit recorded yet.",
)
COMMENTS_OPEN = Section(
    "comments_open",
    "Open comments",
    "Questions and comments from scrutineers and reviewers that are not yet resolved.",
    open_comments,
    "No open comments.",
)
