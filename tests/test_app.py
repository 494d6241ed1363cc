"""The app as a person uses it, through Streamlit's AppTest: every page, on a fresh database and
on the demo, saving, conflicts, bad input and a broken database."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from streamlit.testing.v1 import AppTest

from strategy.answers.operations import get_answer, save_answer
from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database
from strategy.people.partnerships import create_partnership, list_partnerships
from strategy.ui.state import PARTNERSHIP_KEY
from tests.people_support import sign_in_as

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "views").glob("*.py"))


@pytest.fixture
def url(tmp_path, monkeypatch, db_templates, request):
    """Each test its own SQLite file, copied from a migrated template (the app's engine is cached per
    URL); a copy of the demo's database when the test asks for ``sqlite_demo_id``."""
    url = db_templates.sqlite(tmp_path / "app.sqlite3", demo="sqlite_demo_id" in request.fixturenames)
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    dispose_engine(url)


@pytest.fixture
def engine(url):
    return prepare_database(url)


def app(partnership_id: int | None = None, author: Author | None = None, *, signed_in: bool = True, role: str | None = None) -> AppTest:
    """The app, signed in (as an administrator named as ``author``, or a member with ``role``)."""
    at = AppTest.from_file(APP, default_timeout=60)
    if partnership_id is not None:
        at.session_state[PARTNERSHIP_KEY] = str(partnership_id)
    if signed_in:
        sign_in_as(at, author, role=role, partnership_id=partnership_id)
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    at.run()
    if page != "views/home.py":
        at.switch_page(page).run()
    return at


def text_area(at: AppTest, label: str):
    return next(t for t in at.text_area if t.label == label)


def test_every_page_file_is_registered_in_app_py():
    source = (ROOT / "app.py").read_text()
    for page in PAGES:
        assert f'_page("{Path(page).stem}"' in source, f"{page} is not registered in app.py"


def test_only_strategy_ui_imports_streamlit():
    offenders = []
    for path in (ROOT / "strategy").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "strategy").parts:
            continue
        if re.search(r"^\s*(import streamlit|from streamlit)", path.read_text(), re.M):
            offenders.append(path.name)
    assert offenders == []


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_a_fresh_database(url, page):
    at = open_page(app(), page)
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_demo(engine, sqlite_demo_id, page):
    demo = sqlite_demo_id
    at = open_page(app(demo, Author.make("Alex Reader", "Police")), page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_home_opens_the_demo_in_one_click(engine):
    at = app().run()
    next(b for b in at.button if b.label == "Open the demo partnership").click().run()
    assert not at.exception
    assert "Demo partnership" in [s.value for s in at.header]
    assert [p.name for p in list_partnerships(engine)] == ["Demo partnership"]
    # Every chapter of the demo is answered, so the home page says so.
    assert any("Every chapter so far is answered" in s.value for s in at.success)


def test_home_shows_progress_and_next_step(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    at = app(p.id).run()
    assert any("What to do next" in m.value and "Introduction" in m.value for m in at.markdown)
    assert "0 of 9" in [m.value for m in at.markdown]


def test_create_partnership_from_the_page_and_refuse_a_duplicate(engine):
    create_partnership(engine, name="Vale Partnership", nation="wales")
    at = open_page(app(), "views/partnerships.py")
    form_inputs = {t.label: t for t in at.text_input}
    form_inputs["Name"].input("  vale   PARTNERSHIP ")
    next(b for b in at.button if b.label == "Create partnership").click().run()
    assert any("already exists" in e.value for e in at.error)
    assert len(list_partnerships(engine)) == 1

    at.text_input[0].input("")
    next(b for b in at.button if b.label == "Create partnership").click().run()
    assert any("cannot be empty" in e.value for e in at.error)

    at.text_input[0].input("Harbourshire Safeguarding Children Partnership")
    at.text_input[2].input("2029")
    at.text_input[3].input("2026")
    next(b for b in at.button if b.label == "Create partnership").click().run()
    assert any("ends (2026) before it starts (2029)" in e.value for e in at.error)
    assert len(list_partnerships(engine)) == 1

    at.text_input[3].input("2030")
    next(b for b in at.button if b.label == "Create partnership").click().run()
    assert not at.exception
    assert sorted(p.name for p in list_partnerships(engine)) == ["Harbourshire Safeguarding Children Partnership", "Vale Partnership"]
    assert at.session_state[PARTNERSHIP_KEY]  # the new one is in use


def test_a_scrutineer_reads_text_not_greyed_out_fields(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    save_answer(engine, p.id, "intro.purpose", "Because <b>it</b> matters", expected_version=0, author=Author.make("Sam"))
    at = open_page(app(p.id, Author.make("Rae Scrutton"), role="scrutineer"), "views/introduction.py")
    assert not at.exception
    assert len(at.text_area) == 0 or all(t.label == "Add a comment" for t in at.text_area)
    assert "Because <b>it</b> matters" in [t.value for t in at.text]
    assert any("You are a scrutineer" in i.value for i in at.info)


def test_answer_saves_on_change_and_says_who_and_when(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    at = open_page(app(p.id, Author.make("Sam Patel", "Harbourshire Council")), "views/introduction.py")
    text_area(at, "Why does your partnership need this strategy?").input("Because <b>it</b> matters 🙂 ŵ").run()
    assert not at.exception
    stored = get_answer(engine, p.id, "intro.purpose")
    assert stored.value == "Because <b>it</b> matters 🙂 ŵ"
    assert stored.updated_by_name == "Sam Patel"
    assert any(re.match(r"✓ Saved at \d\d:\d\d by Sam Patel", c.value) for c in at.caption)
    # After a page switch and back, the stored text is in the field.
    at.switch_page("views/shared_vision.py").run()
    at.switch_page("views/introduction.py").run()
    assert text_area(at, "Why does your partnership need this strategy?").value == "Because <b>it</b> matters 🙂 ŵ"


def test_second_save_of_the_same_answer_shows_both_texts(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    label = "Why does your partnership need this strategy?"
    a = open_page(app(p.id, Author.make("Ann", "Police")), "views/introduction.py")
    b = open_page(app(p.id, Author.make("Ben", "Health")), "views/introduction.py")
    text_area(a, label).input("Ann's text").run()
    text_area(b, label).input("Ben's text").run()
    assert get_answer(engine, p.id, "intro.purpose").value == "Ann's text"
    assert any("saved this answer while you were editing it" in w.value for w in b.warning)
    assert {"Ann's text", "Ben's text"} <= {t.value for t in b.text}
    next(x for x in b.button if x.label == "Keep both, one after the other").click().run()
    assert get_answer(engine, p.id, "intro.purpose").value == "Ann's text\n\nBen's text"
    assert not any("while you were editing" in w.value for w in b.warning)


def test_choosing_their_text_keeps_mine_in_history(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    label = "Who is the strategy for?"
    b = open_page(app(p.id, Author.make("Ben", "Health")), "views/introduction.py")
    save_answer(engine, p.id, "intro.audience", "Ann's text", expected_version=0, author=Author.make("Ann"))
    text_area(b, label).input("Ben's text").run()
    next(x for x in b.button if x.label == "Use their text").click().run()
    assert text_area(b, label).value == "Ann's text"
    assert get_answer(engine, p.id, "intro.audience").value == "Ann's text"
    assert "Ben's text" in [t.value for t in b.text]  # still readable in the history


def test_a_one_megabyte_paste_is_refused_and_nothing_is_lost(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    author = Author.make("Sam")
    save_answer(engine, p.id, "intro.purpose", "The text before", expected_version=0, author=author)
    at = open_page(app(p.id, author), "views/introduction.py")
    text_area(at, "Why does your partnership need this strategy?").input("x" * 1_048_576).run()
    assert any("the most it can hold is 100,000" in e.value for e in at.error)
    assert get_answer(engine, p.id, "intro.purpose").value == "The text before"


def test_control_characters_are_removed_on_save(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    at = open_page(app(p.id, Author.make("Sam")), "views/introduction.py")
    text_area(at, "Who is the strategy for?").input("Leaders\x00 and\x07 practitioners\r\nand the public").run()
    assert get_answer(engine, p.id, "intro.audience").value == "Leaders and practitioners\nand the public"
    assert text_area(at, "Who is the strategy for?").value == "Leaders and practitioners\nand the public"


def test_restoring_an_earlier_text_from_history(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    author = Author.make("Sam")
    first = save_answer(engine, p.id, "intro.audience", "First draft", expected_version=0, author=author)
    save_answer(engine, p.id, "intro.audience", "Second draft", expected_version=first.version, author=author)
    at = open_page(app(p.id, author), "views/introduction.py")
    buttons = [b for b in at.button if b.label == "Use this text again"]
    # Newest first: the second button of this answer's history is the first draft.
    audience = [b for b in buttons if "intro.audience" in b.key]
    audience[1].click().run()
    assert get_answer(engine, p.id, "intro.audience").value == "First draft"
    assert text_area(at, "Who is the strategy for?").value == "First draft"


def test_wording_follows_the_nation(engine):
    wales = create_partnership(engine, name="Gwent", nation="wales")
    england = create_partnership(engine, name="Harbourshire", nation="england")
    at = open_page(app(wales.id, Author.make("Sam")), "views/introduction.py")
    help_wales = text_area(at, "Which legislation, guidance and reviews will the strategy refer to, and how?").help
    at = open_page(app(england.id, Author.make("Sam")), "views/introduction.py")
    help_england = text_area(at, "Which legislation, guidance and reviews will the strategy refer to, and how?").help
    assert "Working Together to Safeguard People" in help_wales
    assert "Working Together to Safeguard Children" in help_england


def test_steering_group_checks_are_shown(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    at = open_page(app(p.id, Author.make("Sam")), "views/shared_vision.py")
    assert any("No steering group members yet" in w.value for w in at.warning)


def test_word_draft_downloads_with_the_eleven_headings(engine, sqlite_demo_id):
    demo = sqlite_demo_id
    at = open_page(app(demo, Author.make("Sam")), "views/draft.py")
    next(b for b in at.button if b.label == "Build the Word draft").click().run()
    _finish_builds(at)  # built in the background; charts drawn by a browser; guards a hang, times nothing
    assert not at.exception
    download = at.get("download_button")[0]
    assert download.proto.label == "Download the Word draft"
    data = at.session_state["draft_docx"][1]
    headings = [p.text for p in Document(io.BytesIO(data)).paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 15 and headings[11:] == [
        "Appendix A: The national review's recommendations",
        "Appendix B: Glossary",
        "Appendix C: The evidence in detail",
        "Appendix D: How the plan answers the evidence",
    ]
    assert headings[0].endswith("Introduction") and headings[10].endswith("Monitoring and evaluation")


def test_a_vanished_database_is_reported_not_recreated(tmp_path, monkeypatch):
    db = tmp_path / "gone.sqlite3"
    url = f"sqlite:///{db}"
    prepare_database(url)
    dispose_engine(url)
    db.unlink()
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("was in use before but is missing now" in e.value for e in at.error)
    assert not db.exists()


def test_a_file_that_is_not_a_database_is_reported(tmp_path, monkeypatch):
    db = tmp_path / "notes.sqlite3"
    db.write_bytes(b"These are meeting notes, not a database." * 100)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("is not a workbook database" in e.value for e in at.error)
    assert db.read_bytes().startswith(b"These are meeting notes")


def test_the_app_saves_on_postgresql_too(pg_engine, pg_demo_id, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", pg_engine.url.render_as_string(hide_password=False))
    engine, demo = pg_engine, pg_demo_id
    at = open_page(app(demo, Author.make("Priya", "ICB")), "views/introduction.py")
    assert not at.exception
    text_area(at, "Who is the strategy for?").input("Everyone who works with children in the area.").run()
    stored = get_answer(engine, demo, "intro.audience")
    assert stored.value == "Everyone who works with children in the area."
    assert stored.updated_by_name == "Priya"


def _finish_builds(at, timeout: float = 400):
    """The documents building in the background finished, and the page run again to offer them."""
    from strategy.word.jobs import JOBS

    for job in JOBS.running():
        assert job.wait(timeout), f"{job.what} was still building"
    return at.run()
