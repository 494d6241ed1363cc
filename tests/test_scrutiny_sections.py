"""The scrutineer's dashboard and the Word progress report show what other features hold: audit and
snapshot recommendations still open (with the action each became), audit learning, open comments."""

from __future__ import annotations

import io
from datetime import date

from docx import Document

from strategy.answers.comments import add_comment, set_resolved
from strategy.assessments.recommendations import add_recommendation, list_recommendations, update_recommendation
from strategy.assessments.scrutiny import audit_learning, open_comments, open_recommendations
from strategy.delivery import operations as D
from strategy.documents.progress_report import export_progress_report
from strategy.features import SCRUTINY_SECTIONS
from strategy.people.partnerships import create_partnership

TODAY = date(2026, 11, 23)


def test_the_sections_are_listed_in_order():
    keys = [s.key for s in SCRUTINY_SECTIONS]
    assert keys.index("recommendations_open") == keys.index("indicators_off_track") + 1
    assert keys.index("audit_learning") == keys.index("recommendations_open") + 1
    assert keys[-1] == "comments_open"


def test_open_recommendations_name_the_action_they_became_and_leave_out_done_ones(engine, demo_id):
    pid = demo_id
    d = D.load_delivery(engine, pid, today=TODAY)
    table = open_recommendations(d)
    became = dict(zip(table["Recommendation"], table["Action"], strict=True))
    therapy = (
        "Commission therapeutic support so that no sexually abused child waits more than eighteen weeks, and "
        "report waits to the board each quarter."
    )
    action = next(x for x in d.plan.all_actions() if x.title == therapy)
    assert became[therapy] == d.plan.code("action", action.id) and became[therapy].startswith("A4.O2.")
    assert "Not in the plan yet" in set(table["Action"])
    first = list_recommendations(engine, pid)[0]
    update_recommendation(engine, pid, first.id, expected_version=first.version, author=_author(), status="done")
    assert first.text not in set(open_recommendations(D.load_delivery(engine, pid, today=TODAY))["Recommendation"])


def test_audit_learning_and_open_comments_come_from_the_demo(engine, demo_id):
    pid = demo_id
    d = D.load_delivery(engine, pid, today=TODAY)
    learning = audit_learning(d)
    assert len(learning) == 1 and learning["Learning identified"].iloc[0]
    comments = open_comments(d)
    assert len(comments) >= 1 and set(comments["By"]) == {"Dr Rae Scrutton"}


def test_a_fresh_partnership_reports_each_section_as_empty(engine):
    pid = create_partnership(engine, name="Empty", nation="england").id
    text = [p.text for p in Document(io.BytesIO(export_progress_report(engine, pid, charts=False))).paragraphs]
    for words in ("Every recommendation is done.", "No thematic audit recorded yet.", "No open comments."):
        assert words in text


def test_the_progress_report_lists_open_comments_and_recommendations(engine, author):
    from strategy.assessments import audit as au

    pid = create_partnership(engine, name="Vale", nation="wales").id
    audit = au.create_audit(engine, pid, theme="Harmful sexual behaviour", author=author)
    add_recommendation(engine, pid, text="Shorten the signs & <indicators> template", audit_id=audit.id, author=author)
    kept = add_comment(engine, pid, target_kind="prompt", target_key="intro.purpose", text="Which year?", author=author)
    resolved = add_comment(engine, pid, target_kind="prompt", target_key="intro.purpose", text="Typo.", author=author)
    set_resolved(engine, pid, resolved.id, author=author)
    doc = Document(io.BytesIO(export_progress_report(engine, pid, charts=False)))
    cells = {c.text for t in doc.tables for c in t._cells}
    assert "Shorten the signs & <indicators> template" in cells and "Not in the plan yet" in cells
    assert kept.text in cells and "Typo." not in cells


def _author():
    from strategy.core.authors import Author

    return Author.make("Sam")
