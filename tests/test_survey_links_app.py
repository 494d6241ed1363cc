"""The survey link's public page through AppTest (issue 21): answered without signing in, nothing of the
workbook shown beside it, a wrong link showing a message alone, every other page still behind the
sign-in, text that may identify a child confirmed before it is stored, a refused response keeping what
was typed, and the facilitator's panel opening a link and showing its count."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from strategy.answers.io import SURVEY
from strategy.answers.operations import list_rows
from strategy.assessments import survey_links as sl
from strategy.core.authors import Author
from strategy.core.models import stored_id
from strategy.core.text import md_escape
from strategy.people.partnerships import create_partnership
from strategy.ui.state import PARTNERSHIP_KEY
from tests.people_support import member, sign_in_as
from tests.test_app import APP, engine, url  # noqa: F401  (fixtures: the app's SQLite file)

AUTHOR = Author(name="Sam Patel", agency="Harbourshire Council")


@pytest.fixture
def pid(engine):  # noqa: F811
    member(engine, None, None, "alex.admin", is_admin=True)  # an account exists: without a link, the sign-in form is what a visitor sees
    return stored_id(create_partnership(engine, name="Harbourshire Partnership", nation="england"))


@pytest.fixture
def token(engine, pid):  # noqa: F811
    return sl.open_survey_link(engine, pid, "staff", author=AUTHOR)


def _public(token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[sl.LINK_PARAMETER] = token
    return at.run()


def _texts(at: AppTest) -> str:
    return "\n".join(
        [e.value for e in at.title] + [e.value for e in at.header] + [e.value for e in at.markdown] + [e.value for e in at.info]
    )


def _radio(at: AppTest, label: str):
    return next(r for r in at.radio if r.label == label)


def _fill(at: AppTest, comment: str = "") -> None:
    at.text_input(key=_key(at, "agency")).input("Police")
    at.text_input(key=_key(at, "role")).input("Detective constable")
    _radio(at, "Confidence identifying and responding (1-5)").set_value("4")
    at.text_area(key=_key(at, "comment")).input(comment)


def _key(at: AppTest, question: str) -> str:
    keys = [w.key for w in [*at.text_input, *at.text_area] if w.key and w.key.endswith("|" + question)]
    assert keys, question
    return keys[0]


def _send(at: AppTest) -> AppTest:
    return at.button(key=next(b.key for b in at.button if b.label == "Send my answers")).click().run()


def test_a_link_opens_the_survey_without_signing_in_and_the_answers_are_stored(engine, pid, token):  # noqa: F811
    at = _public(token)
    assert not at.exception
    shown = _texts(at)
    assert "Staff survey on child sexual abuse" in shown and "Harbourshire Partnership" in shown
    assert "No names or email addresses" in shown
    assert "Sign in" not in shown and not at.sidebar.selectbox  # no sign-in form, no partnership picker
    assert [w.label for w in at.text_input] == ["Agency (required)", "Role"]
    _fill(at, "More training on talking with children.")
    at = _send(at)
    assert not at.exception
    assert any("Thank you" in s.value for s in at.success)
    rows = list_rows(engine, pid, SURVEY)
    assert [r.values["agency"] for r in rows] == ["Police"] and rows[0].values["confidence"] == 4
    assert sl.survey_link_status(engine, pid, "staff").responses == 1


@pytest.mark.parametrize("wrong", ["nonsense", "A" * 43])
def test_a_wrong_link_shows_a_message_and_nothing_else(engine, pid, token, wrong):  # noqa: F811
    at = _public(wrong)
    assert not at.exception
    assert any("not recognised" in i.value for i in at.info)
    assert "Harbourshire" not in _texts(at)
    assert not at.text_input and not at.radio and not at.button


def test_a_closed_link_says_so_and_shows_no_form(engine, pid, token):  # noqa: F811
    sl.set_survey_link(engine, pid, "staff", author=AUTHOR, closed=True)
    at = _public(token)
    assert any("has closed" in i.value for i in at.info)
    assert "Harbourshire" not in _texts(at) and not at.text_input


def test_without_a_link_every_page_still_needs_signing_in(engine, pid, token):  # noqa: F811
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert any(h.value == "Sign in" for h in at.header)
    assert not any("Staff survey" in t.value for t in at.title)
    at.switch_page("views/workforce.py").run()
    assert any(h.value == "Sign in" for h in at.header)


def test_text_that_may_identify_a_child_is_stored_only_once_confirmed(engine, pid, token):  # noqa: F811
    at = _public(token)
    _fill(at, "Jamie, 12, told a teacher.")
    at = _send(at)
    assert list_rows(engine, pid, SURVEY) == []
    assert any("identify a child" in w.value for w in at.warning)
    assert at.text_area(key=_key(at, "comment")).value == "Jamie, 12, told a teacher."  # kept
    at.checkbox(key=next(c.key for c in at.checkbox)).check()
    at = _send(at)
    assert any("Thank you" in s.value for s in at.success)
    assert list_rows(engine, pid, SURVEY)[0].values["comment"] == "Jamie, 12, told a teacher."


def test_a_refused_response_says_when_to_try_again_and_keeps_what_was_typed(engine, pid, token, monkeypatch):  # noqa: F811
    monkeypatch.setenv("WORKBOOK_SURVEY_PER_CLIENT", "1")
    at = _public(token)
    _fill(at, "First")
    at = _send(at)
    at.button(key=next(b.key for b in at.button if b.label.startswith("Answer again"))).click().run()
    _fill(at, "Second")
    at = _send(at)
    assert any("send them again in" in e.value for e in at.error)
    assert at.text_area(key=_key(at, "comment")).value == "Second"
    assert at.text_input(key=_key(at, "agency")).value == "Police"
    assert len(list_rows(engine, pid, SURVEY)) == 1


def test_the_facilitator_opens_a_link_beside_the_import_and_sees_the_count(engine, pid):  # noqa: F811
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[PARTNERSHIP_KEY] = str(pid)
    sign_in_as(at, AUTHOR, partnership_id=pid)
    at.run()
    at.switch_page("views/workforce.py").run()
    assert not at.exception
    assert any(t.value == "No link yet." for t in at.text)
    at.button(key=next(b.key for b in at.button if b.label == "Open a link")).click().run()
    assert not at.exception
    shared = next(c.value for c in at.code if "?survey=" in c.value)
    token = shared.split("?survey=", 1)[1]
    sl.submit_survey_response(engine, token, {"agency": "Health", "talking": "3"}, client="a")
    at.run()
    assert any("1 response through the link" in t.value for t in at.text)
    at.button(key=next(b.key for b in at.button if b.label == "Close the link now")).click().run()
    assert any(t.value.startswith("Closed early") for t in at.text)
    with pytest.raises(sl.SurveyUnavailable):
        sl.survey_form(engine, token)


def _signed_in(pid: int, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[PARTNERSHIP_KEY] = str(pid)
    sign_in_as(at, AUTHOR, partnership_id=pid)
    at.run()
    return at.switch_page(page).run()


@pytest.mark.parametrize(
    ("page", "kind"),
    [("views/snapshot_results.py", "frontline"), ("views/snapshot_results.py", "strategic"), ("views/audits.py", "audit")],
)
def test_each_survey_has_its_link_beside_its_import(engine, pid, page, kind):  # noqa: F811
    from strategy.assessments import audit as au
    from strategy.assessments import snapshot as sn

    target = stored_id(
        au.create_audit(engine, pid, theme="Intrafamilial abuse", author=AUTHOR)
        if kind == "audit"
        else sn.create_snapshot(engine, pid, title="Snapshot 2026", author=AUTHOR)
    )
    at = _signed_in(pid, page)
    assert not at.exception, [e.value for e in at.exception]
    opener = f"survey|link|{pid}|{kind}|{target}|open"
    at.button(key=opener).click().run()
    assert not at.exception, [e.value for e in at.exception]
    token = next(c.value for c in at.code if "?survey=" in c.value).split("?survey=", 1)[1]
    form = sl.survey_form(engine, token)
    assert (form.kind, form.target_id) == (kind, target)
    rated = next(q for q in form.questions if q.kind == "scale")
    sl.submit_survey_response(engine, token, {"agency": "Police", rated.id: rated.options[0][0]}, client="a")
    at.run()
    assert any("1 response through the link" in t.value for t in at.text)


def test_a_statement_written_as_markdown_is_shown_as_typed_and_named_without_markup(engine, pid):  # noqa: F811
    from strategy.assessments import snapshot as sn

    snap = sn.create_snapshot(engine, pid, title="Snapshot 2026", author=AUTHOR)
    statement = sn.snapshot_statements(engine, pid, stored_id(snap))[0]
    sn.edit_statement(
        engine,
        pid,
        stored_id(statement),
        text="Children [know](https://example.org) where to **turn**",
        expected_version=statement.version,
        author=AUTHOR,
    )
    token = sl.open_survey_link(engine, pid, "frontline", stored_id(snap), author=AUTHOR)
    at = _public(token)
    assert not at.exception
    typed = f"{statement.code}. Children [know](https://example.org) where to **turn**"
    assert md_escape(typed) in [m.value for m in at.markdown]  # shown literally: no link, no bold
    assert f"{statement.code}. Children know(https://example.org) where to turn" in [r.label for r in at.radio]


def test_dont_know_takes_back_a_rating(engine, pid, token):  # noqa: F811
    at = _public(token)
    _fill(at)
    _radio(at, "Confidence identifying and responding (1-5)").set_value("dont-know")
    _radio(at, "Skills in responding (1-5)").set_value("2")
    at = _send(at)
    values = list_rows(engine, pid, SURVEY)[0].values
    assert values["confidence"] is None and values["skills"] == 2
