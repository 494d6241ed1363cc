"""Pages clear to everyone, through Streamlit's AppTest on the demo: the safeguarding reminder once per page
in full contrast, reorder buttons that name their item, words in the singular and plural as written,
the nation's words filled in, the partnership picker showing the partnership in use, and read-only
roles reading text where writers have fields. (The browser shows the rest: tests/test_accessibility.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database
from strategy.core.text import plural, with_article
from strategy.people.partnerships import create_partnership
from strategy.ui.a11y import SAFEGUARDING_REMINDER, page_title
from strategy.ui.state import PARTNERSHIP_KEY
from tests.people_support import sign_in_as

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def url(tmp_path, monkeypatch, db_templates, request):
    url = db_templates.sqlite(tmp_path / "app.sqlite3", demo="sqlite_demo_id" in request.fixturenames)
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    dispose_engine(url)


@pytest.fixture
def engine(url):
    return prepare_database(url)


def open_page(page: str, partnership_id: int | None = None, role: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if partnership_id is not None:
        at.session_state[PARTNERSHIP_KEY] = str(partnership_id)
    sign_in_as(at, Author.make("Alex Clear", "Harbourshire Council"), role=role, partnership_id=partnership_id)
    at.run()
    if page != "views/home.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def reminders(at: AppTest) -> int:
    shown = [e.value for e in (*at.info, *at.caption, *at.markdown, *at.warning)]
    return sum("identify a child" in str(v) for v in shown)


def test_page_titles_name_the_page_the_partnership_and_the_product():
    assert page_title("Action plan", "Demo partnership") == "Action plan · Demo partnership · CSA Strategy Workbook"
    assert page_title("Home") == "Home · CSA Strategy Workbook"
    assert page_title("Home", "  ") == "Home · CSA Strategy Workbook"


def test_item_names_in_the_plural_and_with_a_or_an():
    assert plural("priority") == "priorities"
    assert plural("agency") == "agencies"
    assert plural("piece of feedback") == "pieces of feedback"
    assert plural("attendance figure") == "attendance figures"
    assert plural("review", 1) == "review"
    assert plural("phrase") == "phrases" and plural("activity") == "activities" and plural("day") == "days"
    assert with_article("agency") == "an agency" and with_article("measure") == "a measure"
    assert with_article("acronym") == "an acronym" and with_article("outcome") == "an outcome"


def test_the_safeguarding_reminder_shows_once_per_chapter_page_in_full_contrast(engine, sqlite_demo_id):
    at = open_page("views/shared_vision.py", sqlite_demo_id)
    assert reminders(at) == 1
    assert SAFEGUARDING_REMINDER in [i.value for i in at.info]  # an info box, not a grey caption
    assert not any("identify a child" in c.value for c in at.caption)


def test_reorder_buttons_name_their_item_and_lists_are_in_plain_english(engine, sqlite_demo_id):
    at = open_page("views/shared_vision.py", sqlite_demo_id)
    labels = [b.label for b in at.button]
    moves = [label for label in labels if label.startswith("Move '")]
    assert moves and all(m.endswith(("' up", "' down")) for m in moves), moves
    assert "↑" not in labels and "↓" not in labels
    expanders = [e.label for e in at.expander]
    assert "Change the order of the priorities" in expanders, expanders
    captions = " ".join(c.value for c in at.caption)
    assert "Add an agency in the empty last row" in captions
    assert "prioritys" not in " ".join(expanders) and "a agency" not in captions


def test_the_nations_words_are_filled_in_on_current_response(engine, sqlite_demo_id):
    at = open_page("views/current_response.py", sqlite_demo_id)
    text = " ".join(str(m.value) for m in at.markdown)
    assert "{statutory_guidance}" not in text
    assert "Working Together to Safeguard Children expects partners to know" in text


def test_the_picker_shows_the_demo_after_opening_it(engine):
    create_partnership(engine, name="Harbourshire Safeguarding Partnership", nation="england")
    at = open_page("views/home.py")
    assert at.sidebar.selectbox[0].value is None  # drawn before, with nothing chosen
    next(b for b in at.button if b.label == "Open the demo partnership").click().run()
    assert not at.exception
    picker = at.sidebar.selectbox[0]
    assert picker.value is not None and picker.format_func(picker.value) == "Demo partnership"


@pytest.mark.parametrize("page", ["views/progress_updates.py", "views/indicators.py", "views/snapshot.py", "views/audits.py"])
@pytest.mark.parametrize("role", ["scrutineer", "viewer"])
def test_read_only_roles_read_text_and_get_no_fields(engine, sqlite_demo_id, page, role):
    at = open_page(page, sqlite_demo_id, role=role)
    commenting = {"Add a comment", "Reply"}  # a scrutineer's one field: comments, as on every chapter
    fields = [t.label for t in at.text_area if t.label not in commenting] + [t.label for t in at.text_input if t.label not in commenting]
    assert not fields and not at.date_input, fields
    if role == "viewer":
        assert not at.text_area and not at.text_input
    assert reminders(at) == 0  # nothing to type, so nothing to warn about


def test_writers_still_get_the_fields_and_one_reminder(engine, sqlite_demo_id):
    at = open_page("views/progress_updates.py", sqlite_demo_id)
    assert any(t.label == "Progress note" for t in at.text_area)
    assert reminders(at) == 1
