"""Surveys answered in the browser through a link (issue 21): opening, closing and reopening a link, the
token (wrong, unknown, expired, closed), a response landing exactly where an imported one lands and
counted by the same results, the rate limits (1,000 responses from one address in a minute), text that
may identify a child, and the command line. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from strategy.answers.io import SURVEY, import_survey, survey_template_csv
from strategy.answers.operations import list_rows
from strategy.assessments import audit as au
from strategy.assessments import snapshot as sn
from strategy.assessments import survey_links as sl
from strategy.assessments.io import (
    audit_template_csv,
    import_audit_survey,
    import_snapshot_survey,
    import_strategic_survey,
    strategic_template_csv,
)
from strategy.core.errors import InvalidInput, NotAllowed
from strategy.core.models import (
    AuditSurveyResponse,
    Item,
    Revision,
    SnapshotResponse,
    SnapshotStrategicResponse,
    SurveyLink,
    SurveySubmission,
    stored_id,
)
from strategy.core.settings import Settings
from strategy.evidence.analysis import survey_summary
from strategy.tabular.formulas import plain_csv_bytes

ROOT = Path(__file__).resolve().parent.parent
#: Midday in London on a winter day: the UK date is the UTC date.
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def snap(engine, partnership, author):
    return sn.create_snapshot(engine, partnership.id, title="Snapshot 2026", author=author)


@pytest.fixture
def audit(engine, partnership, author):
    return au.create_audit(engine, partnership.id, theme="Intrafamilial abuse", author=author)


def _count(engine, model) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


STAFF = {
    "agency": "Police",
    "role": "Detective constable",
    "confidence": "4",
    "knowledge": "3",
    "skills": "",
    "talking": "2",
    "comment": "More training, please.",
}


def test_a_staff_survey_response_lands_where_an_imported_one_does_and_is_counted_the_same(engine, partnership, author):
    pid = stored_id(partnership)
    token = sl.open_survey_link(engine, pid, "staff", author=author, closes_on=date(2026, 12, 31), now=NOW)
    assert len(token) >= 43
    form = sl.survey_form(engine, token, now=NOW)
    assert [q.id for q in form.questions] == ["agency", "role", "confidence", "knowledge", "skills", "talking", "comment"]
    assert form.title and "No names or email addresses" in form.privacy
    assert sl.submit_survey_response(engine, token, STAFF, client="203.0.113.9", now=NOW) == 1
    through_link = list_rows(engine, pid, SURVEY)
    # The same answers imported from a file give the same stored row and the same results.
    import_survey(
        engine,
        pid,
        plain_csv_bytes([survey_template_csv().decode("utf-8-sig").splitlines()[0].split(","), list(STAFF.values())]),
        "survey.csv",
        author=author,
        replace=False,
    )
    rows = list_rows(engine, pid, SURVEY)
    assert len(rows) == 2
    assert rows[0].values == rows[1].values == through_link[0].values
    summary = survey_summary(rows)
    assert summary.responses == 2
    status = sl.survey_link_status(engine, pid, "staff", now=NOW)
    assert status is not None and status.responses == 1 and status.count == "1 response through the link"
    assert status.is_open and status.state == "Open until 31/12/2026"


def test_the_token_is_stored_only_as_its_hash(engine, partnership, author):
    token = sl.open_survey_link(engine, stored_id(partnership), "staff", author=author, now=NOW)
    with Session(engine) as session:
        link = session.exec(select(SurveyLink)).one()
    assert token not in json.dumps(link.model_dump(mode="json"))
    assert link.token_hash == sl.token_hash(token)
    assert link.closes_on == date(2026, 12, 29)  # four weeks without a closing date
    from strategy.core.audit_log import audit_log

    logged = [e for e in audit_log(engine, stored_id(partnership), author=author) if e.action == "survey_link"]
    assert [(e.who, e.what, e.detail) for e in logged] == [
        (
            "Sam Patel (Harbourshire Council)",
            "opened, closed or changed a survey link",
            "Staff survey on child sexual abuse: a link, open until 29/12/2026",
        )
    ]
    assert token not in logged[0].detail


@pytest.mark.parametrize("token", ["", "short", "x" * 43, "a b c", "<script>alert(1)</script>" * 3])
def test_a_wrong_or_unknown_token_shows_a_message_and_nothing_else(engine, partnership, author, token):
    sl.open_survey_link(engine, stored_id(partnership), "staff", author=author, now=NOW)
    with pytest.raises(sl.SurveyUnavailable) as refused:
        sl.survey_form(engine, token, now=NOW)
    assert "not recognised" in refused.value.message
    assert partnership.name not in refused.value.message
    with pytest.raises(sl.SurveyUnavailable):
        sl.submit_survey_response(engine, token, STAFF, client="a", now=NOW)
    assert list_rows(engine, stored_id(partnership), SURVEY) == []


def test_a_link_past_its_closing_date_or_closed_early_takes_nothing_and_can_be_reopened(engine, partnership, author):
    pid = stored_id(partnership)
    token = sl.open_survey_link(engine, pid, "staff", author=author, closes_on=date(2026, 12, 3), now=NOW)
    later = NOW + timedelta(days=3)  # 4 December
    with pytest.raises(sl.SurveyUnavailable, match="closed on 03/12/2026"):
        sl.survey_form(engine, token, now=later)
    with pytest.raises(sl.SurveyUnavailable):
        sl.submit_survey_response(engine, token, STAFF, client="a", now=later)
    # Reopening after the closing date needs a new one; then the same link works again.
    with pytest.raises(InvalidInput, match="has passed"):
        sl.set_survey_link(engine, pid, "staff", author=author, closed=False, now=later)
    status = sl.set_survey_link(engine, pid, "staff", author=author, closes_on=date(2026, 12, 10), closed=False, now=later)
    assert status.is_open
    assert sl.submit_survey_response(engine, token, STAFF, client="a", now=later) == 1
    # Closed early: refused at once, with nothing shown but the message.
    status = sl.set_survey_link(engine, pid, "staff", author=author, closed=True, now=later)
    assert not status.is_open and status.state.startswith("Closed early")
    with pytest.raises(sl.SurveyUnavailable, match="has closed") as refused:
        sl.survey_form(engine, token, now=later)
    assert partnership.name not in refused.value.message
    sl.set_survey_link(engine, pid, "staff", author=author, closed=False, now=later)
    assert sl.survey_form(engine, token, now=later).kind == "staff"
    assert len(list_rows(engine, pid, SURVEY)) == 1
    # A new link: the old one stops working, the count carries on.
    new = sl.open_survey_link(engine, pid, "staff", author=author, now=later)
    with pytest.raises(sl.SurveyUnavailable):
        sl.survey_form(engine, token, now=later)
    assert sl.survey_form(engine, new, now=later).kind == "staff"
    assert sl.survey_link_status(engine, pid, "staff", now=later).responses == 1


def test_a_closing_date_in_the_past_or_too_far_ahead_is_refused(engine, partnership, author):
    pid = stored_id(partnership)
    with pytest.raises(InvalidInput, match="has passed"):
        sl.open_survey_link(engine, pid, "staff", author=author, closes_on=date(2026, 11, 30), now=NOW)
    with pytest.raises(InvalidInput, match="more than a year"):
        sl.open_survey_link(engine, pid, "staff", author=author, closes_on=date(2028, 1, 1), now=NOW)
    assert _count(engine, SurveyLink) == 0


def test_only_someone_who_may_edit_opens_a_link(engine, partnership, author):
    from tests.people_support import member

    viewer = member(engine, stored_id(partnership), "viewer", "vera.viewer")
    with pytest.raises(NotAllowed):
        sl.open_survey_link(engine, stored_id(partnership), "staff", author=viewer, now=NOW)
    assert _count(engine, SurveyLink) == 0


def test_a_thousand_responses_from_one_address_in_a_minute_are_refused_after_the_limit(engine, partnership, author):
    pid = stored_id(partnership)
    token = sl.open_survey_link(engine, pid, "staff", author=author, now=NOW)
    settings = Settings(database_url="", survey_per_client_per_minute=10, survey_per_minute=50)
    stored, refused = 0, []
    for n in range(1000):
        try:
            stored += sl.submit_survey_response(
                engine, token, STAFF, client="198.51.100.7", now=NOW + timedelta(milliseconds=50 * n), settings=settings
            )
        except sl.TooManyResponses as exc:
            refused.append(exc)
    assert stored == 10 and len(refused) == 990
    assert len(list_rows(engine, pid, SURVEY)) == 10
    assert _count(engine, SurveySubmission) == 10
    with Session(engine) as session:
        history = session.exec(select(Revision).where(Revision.author_name == "Survey link")).all()
    assert len(history) == 10  # one entry per response stored, none for those refused
    assert sl.survey_link_status(engine, pid, "staff", now=NOW).responses == 10
    first = refused[0]
    assert "your network" in first.message and "Your answers are still here" in first.message
    assert 1 <= first.retry_after <= 60 and f"{first.retry_after} seconds" in first.message
    # Another address is not held up by the first; a minute later the first may answer again.
    assert sl.submit_survey_response(engine, token, STAFF, client="192.0.2.1", now=NOW + timedelta(seconds=51), settings=settings) == 1
    assert sl.submit_survey_response(engine, token, STAFF, client="198.51.100.7", now=NOW + timedelta(seconds=61), settings=settings) == 1


def test_the_survey_as_a_whole_has_a_cap_a_minute(engine, partnership, author):
    pid = stored_id(partnership)
    token = sl.open_survey_link(engine, pid, "staff", author=author, now=NOW)
    settings = Settings(database_url="", survey_per_client_per_minute=10, survey_per_minute=5)
    for n in range(5):
        sl.submit_survey_response(engine, token, STAFF, client=f"client {n}", now=NOW, settings=settings)
    with pytest.raises(sl.TooManyResponses, match="survey has had a great many responses") as refused:
        sl.submit_survey_response(engine, token, STAFF, client="client 9", now=NOW + timedelta(seconds=20), settings=settings)
    assert refused.value.retry_after == 40
    assert len(list_rows(engine, pid, SURVEY)) == 5


def test_the_address_is_not_stored_and_old_counts_are_cleared(engine, partnership, author):
    token = sl.open_survey_link(engine, stored_id(partnership), "staff", author=author, now=NOW)
    sl.submit_survey_response(engine, token, STAFF, client="203.0.113.77", now=NOW)
    with Session(engine) as session:
        kept = session.exec(select(SurveySubmission)).one()
    assert "203.0.113.77" not in kept.client_hash
    sl.submit_survey_response(engine, token, STAFF, client="203.0.113.78", now=NOW + timedelta(hours=2))
    assert _count(engine, SurveySubmission) == 1


@pytest.mark.parametrize("field", ["comment", "role"])
def test_text_that_may_identify_a_child_is_warned_about_and_stored_only_when_confirmed(engine, partnership, author, field):
    pid = stored_id(partnership)
    token = sl.open_survey_link(engine, pid, "staff", author=author, now=NOW)
    answers = {**STAFF, field: "I worked with Jamie, 12, at DN1 2AB"}
    with pytest.raises(sl.NeedsConfirmation) as warned:
        sl.submit_survey_response(engine, token, answers, client="a", now=NOW)
    assert warned.value.warnings and "identify" in warned.value.message
    assert list_rows(engine, pid, SURVEY) == [] and _count(engine, SurveySubmission) == 0
    assert sl.submit_survey_response(engine, token, answers, client="a", confirmed=True, now=NOW) == 1
    assert list_rows(engine, pid, SURVEY)[0].values[field] == answers[field]


def test_a_response_with_nothing_answered_or_an_answer_off_the_list_is_refused(engine, partnership, author):
    pid = stored_id(partnership)
    token = sl.open_survey_link(engine, pid, "staff", author=author, now=NOW)
    with pytest.raises(InvalidInput, match="Please answer 'Agency'"):
        sl.submit_survey_response(engine, token, {**STAFF, "agency": "  "}, client="a", now=NOW)
    with pytest.raises(InvalidInput, match="answers none of the questions"):
        sl.submit_survey_response(engine, token, {"agency": "Police"}, client="a", now=NOW)
    with pytest.raises(InvalidInput, match="not one of the answers"):
        sl.submit_survey_response(engine, token, {**STAFF, "confidence": "9"}, client="a", now=NOW)
    with pytest.raises(InvalidInput, match="characters long"):
        sl.submit_survey_response(engine, token, {**STAFF, "comment": "x" * 6000}, client="a", now=NOW)
    assert list_rows(engine, pid, SURVEY) == [] and _count(engine, SurveySubmission) == 0


def test_formula_text_is_stored_as_typed(engine, partnership, author):
    pid = stored_id(partnership)
    token = sl.open_survey_link(engine, pid, "staff", author=author, now=NOW)
    sl.submit_survey_response(engine, token, {**STAFF, "comment": '=HYPERLINK("http://x")', "role": "-5"}, client="a", now=NOW)
    values = list_rows(engine, pid, SURVEY)[0].values
    assert values["comment"] == '=HYPERLINK("http://x")' and values["role"] == "-5"


def test_a_frontline_response_becomes_one_rating_per_statement_like_an_imported_grid(engine, partnership, author, snap):
    pid, snap_id = stored_id(partnership), stored_id(snap)
    token = sl.open_survey_link(engine, pid, "frontline", stored_id(snap), author=author, now=NOW)
    form = sl.survey_form(engine, token, now=NOW)
    statements = [q for q in form.questions if q.id.startswith("statement:")]
    assert len(statements) == len([s for s in sn.snapshot_statements(engine, pid, snap_id) if s.retired_at is None])
    assert statements[0].options[0][0] == "1" and statements[0].group
    answers = {"agency": "Education", "role": "Teacher", "comment": "Lessons come too late.", statements[0].id: "2", statements[3].id: "4"}
    assert sl.submit_survey_response(engine, token, answers, client="a", now=NOW) == 2
    first_code, fourth_code = statements[0].id.split(":")[1], statements[3].id.split(":")[1]
    import_snapshot_survey(
        engine,
        pid,
        snap_id,
        plain_csv_bytes(
            [
                ["Statement", "Rating", "Comment", "Agency", "Role"],
                [first_code, "2", "Lessons come too late.", "Education", "Teacher"],
                [fourth_code, "4", "", "Education", "Teacher"],
            ]
        ),
        "frontline.csv",
        author=author,
        replace=False,
    )
    rows = sn.responses(engine, snap_id)
    shape = [(r.statement_id, r.rating, r.comment, r.agency, r.role) for r in rows]
    assert shape[:2] == shape[2:]
    table = sn.statement_table(engine, pid, snap_id)
    assert table.loc[table["Code"] == first_code, "Frontline ratings"].iloc[0] == 2
    with pytest.raises(InvalidInput, match="Rate at least one statement"):
        sl.submit_survey_response(engine, token, {"agency": "Police", "comment": "Only a comment"}, client="a", now=NOW)


def test_a_strategic_response_is_counted_like_an_imported_one(engine, partnership, author, snap):
    pid, snap_id = stored_id(partnership), stored_id(snap)
    token = sl.open_survey_link(engine, pid, "strategic", snap_id, author=author, now=NOW)
    form = sl.survey_form(engine, token, now=NOW)
    codes = [q.code for q in sn.strategic_questions()]
    assert [q.id for q in form.questions] == ["agency", "role", *codes, "comment"]
    answers = {"agency": "Health", "role": "Designated nurse", codes[0]: "3", codes[1]: "1", "comment": ""}
    assert sl.submit_survey_response(engine, token, answers, client="a", now=NOW) == 1
    template_row = strategic_template_csv().decode("utf-8-sig").splitlines()[0]
    import_strategic_survey(
        engine,
        pid,
        snap_id,
        template_row.encode() + b"\r\nHealth,Designated nurse,3,1" + b"," * (len(codes) - 1) + b"\r\n",
        "strategic.csv",
        author=author,
        replace=False,
    )
    stored = sn.strategic_responses(engine, snap_id)
    assert len(stored) == 2 and sn.strategic_answers(stored[0]) == sn.strategic_answers(stored[1])
    frame = sn.survey_comparison(engine, pid, snap_id)
    assert frame[sn.STRATEGIC_SURVEY_COUNT].sum() == 4
    # A comment that may identify a child: warned about, stored once confirmed (the import refuses it outright).
    naming = {**answers, "comment": "Ellie, 9, waited a year"}
    with pytest.raises(sl.NeedsConfirmation):
        sl.submit_survey_response(engine, token, naming, client="a", now=NOW)
    assert sl.submit_survey_response(engine, token, naming, client="a", confirmed=True, now=NOW) == 1


def test_an_audit_staff_survey_response_is_counted_like_an_imported_one(engine, partnership, author, audit):
    pid, audit_id = stored_id(partnership), stored_id(audit)
    token = sl.open_survey_link(engine, pid, "audit", audit_id, author=author, now=NOW)
    form = sl.survey_form(engine, token, now=NOW)
    barrier = next(q for q in form.questions if q.id == "barrier")
    answers = {
        "agency": "Children's services",
        "role": "Social worker",
        "confidence_identify": "4",
        "confidence_respond": "3",
        "aware_strategy": "Yes",
        "used_toolkit": "No",
        "barrier": barrier.options[0][0],
        "comment": "",
    }
    assert sl.submit_survey_response(engine, token, answers, client="a", now=NOW) == 1
    headers = audit_template_csv().decode("utf-8-sig").splitlines()[0].split(",")
    import_audit_survey(
        engine, pid, audit_id, plain_csv_bytes([headers, list(answers.values())]), "audit.csv", author=author, replace=False
    )
    rows = au.survey_responses(engine, audit_id)
    keys = ("agency", "role", "confidence_identify", "confidence_respond", "aware_strategy", "used_toolkit", "barrier", "comment")
    assert [tuple(getattr(r, k) for k in keys) for r in rows][0] == tuple(getattr(rows[1], k) for k in keys)
    summary = au.survey_summary(rows)
    assert summary.responses == 2


def test_a_survey_whose_snapshot_was_removed_says_so(engine, partnership, author, snap):
    pid = stored_id(partnership)
    token = sl.open_survey_link(engine, pid, "frontline", stored_id(snap), author=author, now=NOW)
    sn.remove_snapshot(engine, pid, stored_id(snap), author=author)
    with pytest.raises(sl.SurveyUnavailable, match="no longer running"):
        sl.survey_form(engine, token, now=NOW)


def test_the_history_says_a_response_came_through_the_link(engine, partnership, author, audit):
    pid, audit_id = stored_id(partnership), stored_id(audit)
    token = sl.open_survey_link(engine, pid, "audit", audit_id, author=author, now=NOW)
    sl.submit_survey_response(engine, token, {"agency": "Police", "confidence_identify": "5"}, client="a", now=NOW)
    with Session(engine) as session:
        last = session.exec(select(Revision).where(Revision.prompt_id == "audit.survey")).all()[-1]
    assert last.author_name == "Survey link" and "survey link" in (last.new_value or "")


def test_the_command_line_opens_closes_and_counts(engine_url, engine, partnership, author, snap):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "strategy", "survey-link", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={"DATABASE_URL": engine_url, "PATH": "/usr/bin:/bin"},
        )

    opened = run(partnership.name, "frontline", "--closes", "31/12/2099")
    assert opened.returncode == 1 and "more than a year" in opened.stderr
    opened = run(partnership.name, "frontline")
    assert opened.returncode == 0, opened.stderr
    path = next(line.split()[-1] for line in opened.stdout.splitlines() if "?survey=" in line)
    token = path.split("=", 1)[1]
    assert sl.survey_form(engine, token).kind == "frontline"
    again = run(partnership.name, "frontline")
    assert again.returncode == 0 and "?survey=" not in again.stdout and "0 responses through the link" in again.stdout
    closed = run(partnership.name, "frontline", "--close")
    assert closed.returncode == 0 and "Closed early" in closed.stdout
    with pytest.raises(sl.SurveyUnavailable):
        sl.survey_form(engine, token)
    wrong = run(partnership.name, "nonsense")
    assert wrong.returncode != 0
    assert _count(engine, Item) == 0 and _count(engine, SnapshotResponse) == 0
    assert _count(engine, SnapshotStrategicResponse) == 0 and _count(engine, AuditSurveyResponse) == 0


def test_a_backup_restore_leaves_the_links_behind(engine, partnership, author):
    """A link's token is live: a restored copy (or the next period, made the same way) opens its own links,
    and the copy's answers through the old link are the original's."""
    from strategy.people.backup import backup_partnership, restore_partnership

    pid = stored_id(partnership)
    token = sl.open_survey_link(engine, pid, "staff", author=author, now=NOW)
    sl.submit_survey_response(engine, token, STAFF, client="a", now=NOW)
    data = backup_partnership(engine, pid)
    assert "survey_link" not in data["tables"]
    copy = restore_partnership(engine, data, new_name="Harbourshire copy")
    assert len(list_rows(engine, copy, SURVEY)) == 1  # the answers are the partnership's, and come along
    assert sl.survey_link_status(engine, copy, "staff") is None
    assert sl.survey_form(engine, token).partnership_id == pid
