"""The screens in Welsh as a person's own choice (issue 20): the words from data/language/interface.yaml
and the chapters' Welsh in data/chapters.yaml; the choice kept on the person's account (SQLite and
PostgreSQL), shown on every page and after a new session; English stays the default for everyone."""

from __future__ import annotations

import re
import string

import pytest
import yaml
from alembic import command
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from strategy.answers.operations import save_answer
from strategy.core.db import _alembic_config, current_revision, get_engine, head_revision, prepare_database
from strategy.core.errors import InvalidInput, NotAllowed
from strategy.core.interface import INTERFACE_FILE, interface_strings, not_yet_in_welsh, ui_text
from strategy.guide.content import load_content
from strategy.people.accounts import find_account, get_account, set_interface_language
from strategy.people.partnerships import create_partnership
from strategy.ui.state import PARTNERSHIP_KEY
from tests.people_support import member, sign_in_as
from tests.test_app import APP, engine, url  # noqa: F401  (fixtures)

PURPOSE_EN = "Why does your partnership need this strategy?"
PURPOSE_CY = "Pam mae angen y strategaeth hon ar eich partneriaeth?"
#: The chapters' Welsh: every chapter's title and summary, every section's title and introduction, every
#: question's label and help. (The columns of tables and grids are listed as still English in
#: data/language/interface.yaml.)


def _fields(text_: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text_) if name is not None}


# --- The words: every key in both languages -------------------------------------------------------


def test_every_interface_string_has_english_and_welsh_with_the_same_placeholders():
    strings = interface_strings()
    assert len(strings) > 100
    for key, entry in strings.items():
        assert set(entry) == {"en", "cy"}, key
        assert entry["en"].strip() and entry["cy"].strip(), key
        assert _fields(entry["en"]) == _fields(entry["cy"]), key


def test_the_interface_file_is_marked_for_review_by_a_welsh_speaker_and_lists_what_is_still_english():
    head = INTERFACE_FILE.read_text(encoding="utf-8")[:800]
    assert "FOR REVIEW BY A WELSH SPEAKER" in head
    assert not_yet_in_welsh()  # honest about coverage: what is still English is listed, in both languages
    assert len(not_yet_in_welsh("cy")) == len(not_yet_in_welsh("en"))
    assert all(cy != en for cy, en in zip(not_yet_in_welsh("cy"), not_yet_in_welsh("en"), strict=True))
    assert any("Streamlit" in line for line in not_yet_in_welsh())
    assert yaml.safe_load(INTERFACE_FILE.read_text(encoding="utf-8"))["id"] == "interface"


def test_every_page_in_the_navigation_has_its_welsh_title():
    source = (INTERFACE_FILE.parent.parent.parent / "app.py").read_text(encoding="utf-8")
    keys = [f"nav.{name}" for name in re.findall(r'_page\("(\w+)"', source)]
    assert len(keys) == 34
    assert all(ui_text(k, "cy") != ui_text(k, "en") for k in keys if k != "nav.draft")
    assert ui_text("nav.home", "cy") == "Hafan" and ui_text("nav.action_plan", "cy") == "Cynllun gweithredu"


def test_the_chapters_welsh_coverage_is_counted():
    c = load_content()
    prompts = list(c.prompts.values())
    assert all(ch.title_cy for ch in c.chapters)
    assert all(s.title_cy for ch in c.chapters for s in ch.sections)
    assert all(ch.summary_cy for ch in c.chapters if ch.summary)
    assert all(s.intro_cy for ch in c.chapters for s in ch.sections if s.intro)
    assert all(p.label_cy for p in prompts)
    with_help = [p for p in prompts if p.help]
    assert len(with_help) > 80
    assert [p.id for p in with_help if not p.help_cy] == []
    assert not any(p.help_cy for p in prompts if not p.help)
    for p in prompts:  # the Welsh uses no placeholder the English lacks (the nation's English words it says in Welsh)
        if p.help_cy:
            assert _fields(p.help_cy) <= _fields(p.help), p.id
    assert c.label_in(c.prompts["intro.purpose"], "wales", "cy") == PURPOSE_CY
    assert c.label_in(c.prompts["intro.purpose"], "wales", "en") == PURPOSE_EN
    legislation = c.help_in(c.prompts["intro.legislation"], "wales", "cy")
    assert "{" not in legislation and "Rhestrwch" in legislation  # the nation's words filled into the Welsh
    # A question without Welsh shows the English to a person who chose Cymraeg (never an empty label).
    bare = c.prompts["intro.purpose"].model_copy(update={"label_cy": "", "help_cy": ""})
    assert c.label_in(bare, "england", "cy") == PURPOSE_EN
    assert c.help_in(bare, "england", "cy") == c.fill(bare.help, "england")


# --- The choice on the account (both databases) --------------------------------------------------


def test_the_choice_is_kept_on_the_account_and_english_is_the_default(engine):  # noqa: F811
    ann = member(engine, None, None, "ann")
    ben = member(engine, None, None, "ben")
    assert get_account(engine, ann.user_id).interface_language == "en"
    set_interface_language(engine, ann.user_id, "cy", author=ann)
    assert get_account(engine, ann.user_id).interface_language == "cy"
    assert get_account(engine, ben.user_id).interface_language == "en"  # another person's stays English
    set_interface_language(engine, ann.user_id, " CY ", author=ann)
    assert get_account(engine, ann.user_id).interface_language == "cy"


@pytest.mark.parametrize("bad", ["fr", "", "cymraeg", "<script>"])
def test_a_language_the_workbook_does_not_have_is_refused_and_nothing_changes(engine, bad):  # noqa: F811
    ann = member(engine, None, None, "ann")
    set_interface_language(engine, ann.user_id, "cy", author=ann)
    with pytest.raises(InvalidInput, match="choose en"):
        set_interface_language(engine, ann.user_id, bad, author=ann)
    assert get_account(engine, ann.user_id).interface_language == "cy"


def test_a_person_cannot_change_anothers_language_but_an_administrator_can(engine):  # noqa: F811
    ann = member(engine, None, None, "ann")
    ben = member(engine, None, None, "ben")
    admin = member(engine, None, None, "alex", is_admin=True)
    with pytest.raises(NotAllowed):
        set_interface_language(engine, ann.user_id, "cy", author=ben)
    assert get_account(engine, ann.user_id).interface_language == "en"
    set_interface_language(engine, ann.user_id, "cy", author=admin)
    assert get_account(engine, ann.user_id).interface_language == "cy"


@pytest.fixture(params=["sqlite", "postgresql"])
def both(request, tmp_path, postgres_reason, db_templates):
    """A migrated database of each kind (the account functions on PostgreSQL too)."""
    if request.param == "sqlite":
        url = db_templates.sqlite(tmp_path / "lang.sqlite3")
        yield prepare_database(url)
        return
    if postgres_reason:
        pytest.skip(postgres_reason)
    url = db_templates.postgres()
    yield prepare_database(url)
    db_templates.drop_postgres(url)


def test_the_choice_on_both_databases(both):
    ann = member(both, None, None, "ann")
    set_interface_language(both, ann.user_id, "cy", author=ann)
    assert find_account(both, "ann").interface_language == "cy"
    set_interface_language(both, ann.user_id, "en", author=ann)
    assert find_account(both, "ann").interface_language == "en"


def test_upgrading_keeps_every_account_and_gives_each_english(db_url):
    """Migration 0021 on a database with accounts from before it: every row kept, each in English."""
    db = get_engine(db_url)
    command.upgrade(_alembic_config(db), "0019")
    with db.begin() as conn:
        for n in range(5):
            conn.execute(
                text(
                    "INSERT INTO account (username, display_name, agency, email, password_hash, is_admin, disabled, "
                    "failed_sign_ins, session_epoch, created_at) VALUES (:u, :d, 'Bro', NULL, '', false, false, 0, 3, CURRENT_TIMESTAMP)"
                ),
                {"u": f"person{n}", "d": f"Person ŵ {n}"},
            )
    prepare_database(db_url)
    assert current_revision(db) == head_revision()
    with db.connect() as conn:
        rows = conn.execute(text("SELECT username, display_name, session_epoch, interface_language FROM account ORDER BY username")).all()
    assert [tuple(r) for r in rows] == [(f"person{n}", f"Person ŵ {n}", 3, "en") for n in range(5)]


def test_the_command_line_sets_a_persons_language(tmp_path, db_templates):
    from tests.test_welsh_documents import run

    cli_url = db_templates.sqlite(tmp_path / "cli.sqlite3")
    db = prepare_database(cli_url)
    member(db, None, None, "ann")
    done = run(cli_url, "users", "language", "ann", "cy")
    assert done.returncode == 0, done.stderr
    assert "Cymraeg" in done.stdout and find_account(db, "ann").interface_language == "cy"
    refused = run(cli_url, "users", "language", "ann", "fr")
    assert refused.returncode != 0 and "choose en" in refused.stderr + refused.stdout
    assert find_account(db, "ann").interface_language == "cy"


# --- On the pages (AppTest) -----------------------------------------------------------------------


def _app(partnership_id: int, person) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[PARTNERSHIP_KEY] = str(partnership_id)
    sign_in_as(at, person, role="editor", partnership_id=partnership_id)
    return at


def _navigation(at: AppTest) -> list[str]:
    # The titles st.navigation registered on the last run (what the sidebar lists).
    return [info["page_name"] for info in at._registered_pages.values()]


def _labels(at: AppTest) -> list[str]:
    return [t.label for t in at.text_area]


def test_a_person_who_chose_cymraeg_sees_welsh_and_another_on_the_same_partnership_english(engine):  # noqa: F811
    from strategy.core.authors import Author

    wales = create_partnership(engine, name="Bro Morgannwg", nation="wales").id
    save_answer(engine, wales, "intro.purpose", "Because it matters", expected_version=0, author=Author.make("Sam"))
    ann, ben = Author.make("Ann Jones", "Police"), Author.make("Ben Evans", "Health")

    a = _app(wales, ann)
    a.run()
    assert "Home" in _navigation(a)
    a.sidebar.radio(key="sidebar_language").set_value("cy").run()
    assert not a.exception
    assert find_account(engine, "ann.jones.editor").interface_language == "cy"
    assert "Bydd y llyfr gwaith yn Gymraeg i chi." in [toast.value for toast in a.toast]
    nav = _navigation(a)
    assert {"Hafan", "Cyflwyniad", "Cynllun gweithredu", "Eich cyfrif"} <= set(nav) and "Home" not in nav
    assert a.title[0].value == "Llyfr Gwaith Strategaeth Cam-drin Plant yn Rhywiol"
    a.switch_page("views/introduction.py").run()
    assert a.title[0].value == "Cyflwyniad"
    assert PURPOSE_CY in _labels(a) and PURPOSE_EN not in _labels(a)
    assert f"{PURPOSE_CY} (Cymraeg)" in _labels(a)  # the Welsh version's box, beside it
    purpose = next(t for t in a.text_area if t.label == PURPOSE_CY)
    assert purpose.value == "Because it matters"  # what people typed is never translated
    assert purpose.help.startswith("Dywedwch mewn ychydig o baragraffau")
    assert any(c.value.startswith("✓ Cadwyd am ") for c in a.caption)
    assert any(h.value == "Diben y strategaeth" for h in a.header)
    assert any(m.value.replace("\\", "").startswith("Pam mae angen strategaeth ar gam-drin plant yn rhywiol") for m in a.markdown)
    assert any(c.value.startswith("Wedi mewngofnodi fel Ann Jones") and "· Golygydd" in c.value for c in a.sidebar.caption)

    b = _app(wales, ben)
    b.run()
    b.switch_page("views/introduction.py").run()
    assert not b.exception
    assert "Introduction" in _navigation(b) and "Cyflwyniad" not in _navigation(b)
    assert b.title[0].value == "Introduction"
    assert PURPOSE_EN in _labels(b) and PURPOSE_CY not in _labels(b)
    assert any(c.value.startswith("✓ Saved at ") for c in b.caption)


def test_the_choice_survives_a_new_session_and_can_be_changed_on_the_account_page(engine):  # noqa: F811
    from strategy.core.authors import Author

    wales = create_partnership(engine, name="Bro Morgannwg", nation="wales").id
    ann = Author.make("Ann Jones", "Police")
    first = _app(wales, ann)
    first.run()
    first.sidebar.radio(key="sidebar_language").set_value("cy").run()

    later = _app(wales, ann)  # a new browser session of the same person
    later.run()
    later.switch_page("views/account.py").run()
    assert not later.exception
    assert "Hafan" in _navigation(later)
    assert later.title[0].value == "Eich cyfrif"
    assert any(h.value == "Iaith y llyfr gwaith" for h in later.header)
    # What stays in English is said, in Welsh, beside the choice.
    assert any(e.label == "Beth sy'n aros yn Saesneg" for e in later.expander)
    assert any("Nid yw Streamlit yn cynnig ffordd o'u newid" in m.value for m in later.markdown)
    later.radio(key="account_language").set_value("en").run()
    assert find_account(engine, "ann.jones.editor").interface_language == "en"
    assert later.title[0].value == "Your account"
    assert "Home" in _navigation(later)
    assert later.sidebar.radio(key="sidebar_language").value == "en"  # the sidebar's choice follows


def test_the_sign_in_page_in_welsh_for_this_browser_only(engine):  # noqa: F811
    member(engine, None, None, "someone")  # not the first run
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert at.header[0].value == "Sign in"
    at.radio(key="signin_language").set_value("cy").run()
    assert not at.exception
    assert at.header[0].value == "Mewngofnodi"
    assert [t.label for t in at.text_input] == ["Enw defnyddiwr", "Cyfrinair"]
