"""People in the app (AppTest): first run, signing in and out, the idle timeout, single sign-on,
a scrutineer who reads and comments but cannot write, members, the audit log, backups."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

import tests.test_app as app_tests
from strategy.answers.comments import threads
from strategy.answers.operations import get_answer, save_answer
from strategy.core.authors import Author
from strategy.core.models import utcnow
from strategy.people.accounts import count_accounts, create_account, list_members, set_member_role
from strategy.people.partnerships import create_partnership
from strategy.ui.state import ACCOUNT_KEY, LAST_SEEN_KEY, PARTNERSHIP_KEY
from tests.people_support import PASSWORD, sign_in_as, snapshot
from tests.test_app import APP, open_page, text_area

SYSTEM = Author(name="Workbook")
url, engine = app_tests.url, app_tests.engine  # the same fixtures: a database file per test
PEOPLE_PAGES = ["views/members.py", "views/audit_log.py", "views/backup.py", "views/account.py", "views/privacy.py"]


def plain(markdown: str) -> str:
    """Markdown source as read: md_escape's backslashes taken off."""
    return re.sub(r"\\(.)", r"\1", markdown)


def bare() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_first_run_creates_the_administrator_then_asks_everyone_to_sign_in(engine, capfd):
    at = bare().run()
    assert "Welcome: create the administrator" in [s.value for s in at.header]
    # The server printed a one-time setup code to its console and log; the page asks for it.
    logged = re.search(r"setup code for the first-run page is ([A-Z0-9-]{23})", capfd.readouterr().err)
    assert logged, "no setup code in the server's log"
    boxes = {t.label: t for t in at.text_input}
    boxes["Setup code (from the server's console or log)"].input("AAAAA-BBBBB-CCCCC-DDDDD")
    boxes["Username"].input("sam.patel")
    boxes["Your name (shown beside what you write)"].input("Sam Patel")
    boxes["Your agency or organisation"].input("Harbourshire Council")
    boxes["Password (at least 12 characters)"].input(PASSWORD)
    boxes["The same password again"].input(PASSWORD)
    button(at, "Create the administrator").click().run()
    assert any("setup code is not right" in e.value for e in at.error)
    assert count_accounts(engine) == 0
    boxes = {t.label: t for t in at.text_input}
    boxes["Setup code (from the server's console or log)"].input(logged.group(1))
    boxes["Password (at least 12 characters)"].input("short")
    boxes["The same password again"].input("short")
    button(at, "Create the administrator").click().run()
    assert any("at least 12 characters" in e.value for e in at.error)
    assert count_accounts(engine) == 0
    boxes = {t.label: t for t in at.text_input}
    boxes["Password (at least 12 characters)"].input(PASSWORD)
    boxes["The same password again"].input(PASSWORD)
    button(at, "Create the administrator").click().run()
    assert not at.exception
    assert count_accounts(engine) == 1
    assert any("Signed in as Sam Patel (Harbourshire Council)" in plain(c.value) for c in at.caption)

    later = bare().run()  # another browser: the sign-in form, no second administrator
    assert "Sign in" in [s.value for s in later.header]
    assert not any(s.value.startswith("Welcome") for s in later.header)


def test_sign_in_with_a_wrong_then_the_right_password_and_sign_out(engine):
    create_account(engine, username="jo", display_name="Jo Evans", agency="Police", password=PASSWORD, author=SYSTEM)
    at = bare().run()
    at.text_input[0].input("jo")
    at.text_input[1].input("not my password")
    button(at, "Sign in").click().run()
    assert any("do not match an account" in e.value for e in at.error)
    at.text_input[0].input("JO")
    at.text_input[1].input(PASSWORD)
    button(at, "Sign in").click().run()
    assert any("Signed in as Jo Evans (Police)" in plain(c.value) for c in at.caption)
    button(at, "Sign out").click().run()
    assert "Sign in" in [s.value for s in at.header]
    assert any("You have signed out" in i.value for i in at.info)


def test_a_password_change_signs_out_the_other_browser_but_not_this_one(engine):
    create_account(engine, username="jo", display_name="Jo Evans", agency="Police", password=PASSWORD, author=SYSTEM)
    browsers = []
    for _ in range(2):
        at = bare().run()
        at.text_input[0].input("jo")
        at.text_input[1].input(PASSWORD)
        button(at, "Sign in").click().run()
        assert any("Signed in as Jo Evans (Police)" in plain(c.value) for c in at.caption)
        browsers.append(at)
    here, elsewhere = browsers
    open_page(here, "views/account.py")
    boxes = {t.label: t for t in here.text_input}
    boxes["Current password"].input(PASSWORD)
    boxes["New password (at least 12 characters)"].input("purple kettle harbour")
    boxes["The new password again"].input("purple kettle harbour")
    button(here, "Change password").click().run()
    assert any("Your password is changed" in s.value for s in here.success)
    here.run()
    assert any("Signed in as Jo Evans (Police)" in plain(c.value) for c in here.caption)  # this browser carries on
    elsewhere.run()
    assert ACCOUNT_KEY not in elsewhere.session_state
    assert any("password of this account was changed" in i.value for i in elsewhere.info)


def test_an_administrator_unlocks_a_username_on_the_account_page(engine):
    from strategy.people.accounts import sign_in, wait_seconds

    create_account(engine, username="jo", display_name="Jo Evans", password=PASSWORD, author=SYSTEM)
    for _ in range(8):
        try:
            sign_in(engine, "jo", "not the password!")
        except Exception:  # noqa: BLE001 - refused, as expected
            pass
    assert wait_seconds(engine, "jo") > 0
    at = bare()
    sign_in_as(at)
    open_page(at, "views/account.py")
    next(s for s in at.selectbox if s.label == "Account").select("jo").run()
    button(at, "Let them sign in again now").click().run()
    assert any("can sign in again at once" in s.value for s in at.success)
    assert wait_seconds(engine, "jo") == 0


def test_the_idle_timeout_signs_out_and_keeps_what_was_saved(engine):
    at = bare()
    sign_in_as(at)
    at.session_state[LAST_SEEN_KEY] = utcnow() - timedelta(minutes=31)
    at.run()
    assert any("signed out after 30 minutes without activity" in i.value for i in at.info)
    assert ACCOUNT_KEY not in at.session_state


def test_single_sign_on_maps_the_email_to_the_account_and_refuses_strangers(engine):
    create_account(
        engine, username="priya", display_name="Priya Shah", agency="ICB", email="priya@icb.nhs.uk", password=None, author=SYSTEM
    )
    at = bare()
    at.user = {"is_logged_in": True, "email": "Priya@ICB.nhs.uk", "name": "Priya S"}
    at.run()
    assert not at.exception
    assert any("Signed in as Priya Shah (ICB)" in plain(c.value) for c in at.caption)

    stranger = bare()
    stranger.user = {"is_logged_in": True, "email": "guest@police.uk", "name": "Guest"}
    stranger.run()
    assert any("guest@police.uk has no account in this workbook" in i.value for i in stranger.info)
    assert count_accounts(engine) == 1


@pytest.mark.parametrize("page", PEOPLE_PAGES)
def test_people_pages_run_for_an_owner_and_a_scrutineer(engine, sqlite_demo_id, page):
    demo = sqlite_demo_id
    for role in ("owner", "scrutineer"):
        at = bare()
        at.session_state[PARTNERSHIP_KEY] = str(demo)
        sign_in_as(at, Author.make("Kim Lee", "Council"), role=role, partnership_id=demo)
        open_page(at, page)
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]


def test_a_scrutineer_comments_on_the_page_but_cannot_write(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    save_answer(engine, p.id, "intro.purpose", "Our purpose", expected_version=0, author=SYSTEM)
    at = bare()
    at.session_state[PARTNERSHIP_KEY] = str(p.id)
    sign_in_as(at, Author.make("Rae Scrutton", "Independent scrutiny"), role="scrutineer", partnership_id=p.id)
    open_page(at, "views/introduction.py")
    boxes = [t for t in at.text_area if t.label == "Add a comment"]
    assert boxes and all(t.label == "Add a comment" for t in at.text_area)  # no answer fields at all
    boxes[0].input("Where does this come from? <script>alert(1)</script>")
    next(b for b in at.button if b.label == "Add comment" and "intro.purpose" in b.key).click().run()
    assert not at.exception
    [thread] = threads(engine, p.id, "prompt", "intro.purpose")
    assert thread.comment.author_name == "Rae Scrutton"
    assert "Where does this come from? <script>alert(1)</script>" in [t.value for t in at.text]
    assert any(e.label == "Comments (1 open)" for e in at.expander)
    assert not any(b.label == "Resolve" for b in at.button)


def test_a_write_through_the_page_after_losing_the_role_is_refused_and_nothing_changes(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    save_answer(engine, p.id, "intro.purpose", "Our purpose", expected_version=0, author=SYSTEM)
    at = bare()
    at.session_state[PARTNERSHIP_KEY] = str(p.id)
    sign_in_as(at, Author.make("Ed Itor", "Council"), role="editor", partnership_id=p.id)
    open_page(at, "views/introduction.py")
    set_member_role(engine, p.id, "ed.itor.editor", "scrutineer", author=SYSTEM)  # demoted while the page is open
    before = snapshot(engine)
    text_area(at, "Why does your partnership need this strategy?").input("Changed by someone no longer allowed").run()
    assert any("can read and comment but not change anything" in e.value for e in at.error)
    assert get_answer(engine, p.id, "intro.purpose").value == "Our purpose"
    assert snapshot(engine) == before


def test_someone_removed_from_the_partnership_loses_it_at_the_next_click(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    at = bare()
    at.session_state[PARTNERSHIP_KEY] = str(p.id)
    sign_in_as(at, Author.make("Ed Itor"), role="editor", partnership_id=p.id)
    set_member_role(engine, p.id, "ed.itor.editor", "owner", author=SYSTEM)
    owner_created = at.run()
    assert not owner_created.exception
    sign = sign_in_as(bare(), Author.make("Other Owner"), role="owner", partnership_id=p.id)
    set_member_role(engine, p.id, "ed.itor.editor", None, author=sign)
    at.switch_page("views/introduction.py").run()
    assert any("not a member of that partnership" in w.value for w in at.warning)
    assert not any(t.label == "Why does your partnership need this strategy?" for t in at.text_area)


def test_an_owner_adds_a_scrutineer_on_the_members_page(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    create_account(engine, username="rae", display_name="Rae Scrutton", password=None, author=SYSTEM)
    at = bare()
    at.session_state[PARTNERSHIP_KEY] = str(p.id)
    sign_in_as(at, Author.make("Olu Owner"), role="owner", partnership_id=p.id)
    open_page(at, "views/members.py")
    account_box = next(s for s in at.selectbox if s.label == "Account")
    account_box.select("rae")
    next(r for r in at.radio if r.label == "Role").set_value("scrutineer")
    button(at, "Save role").click().run()
    assert not at.exception
    assert {(m.username, m.role) for m in list_members(engine, p.id)} == {("olu.owner.owner", "owner"), ("rae", "scrutineer")}


def test_the_audit_log_shows_sign_ins_changes_and_role_changes_to_owners(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    at = bare()
    at.session_state[PARTNERSHIP_KEY] = str(p.id)
    owner = sign_in_as(at, Author.make("Olu Owner"), role="owner", partnership_id=p.id)
    save_answer(engine, p.id, "intro.purpose", "Our purpose", expected_version=0, author=owner)
    open_page(at, "views/audit_log.py")
    frame = at.dataframe[0].value
    assert "wrote" in set(frame["Did"]) and "added a member" in set(frame["Did"])
    assert "Olu Owner" in set(frame["Who"])


def test_after_someone_else_saves_the_page_says_it_changed(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    save_answer(engine, p.id, "intro.purpose", "First text", expected_version=0, author=SYSTEM)
    at = bare()
    at.session_state[PARTNERSHIP_KEY] = str(p.id)
    sign_in_as(at, Author.make("Ed Itor"), role="editor", partnership_id=p.id)
    open_page(at, "views/introduction.py")
    save_answer(engine, p.id, "intro.purpose", "Jo's new text", expected_version=1, author=Author.make("Jo Evans"))
    at.run()
    assert text_area(at, "Why does your partnership need this strategy?").value == "Jo's new text"
    assert any("Changed by Jo Evans at" in i.value and "you are seeing the new text" in i.value for i in at.info)


def test_streamlit_config_keeps_xsrf_protection_on_and_limits_uploads():
    import tomllib

    from tests.test_app import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert 0 < config["server"]["maxUploadSize"] <= 20


def test_only_an_administrator_is_offered_a_restore(engine, sqlite_demo_id):
    owner = bare()
    owner.session_state[PARTNERSHIP_KEY] = str(sqlite_demo_id)
    sign_in_as(owner, Author.make("Olu Owner", "Council"), role="owner", partnership_id=sqlite_demo_id)
    open_page(owner, "views/backup.py")
    assert any("Only a site administrator can restore" in i.value for i in owner.info)
    assert not owner.get("file_uploader")
    admin = bare()
    admin.session_state[PARTNERSHIP_KEY] = str(sqlite_demo_id)
    sign_in_as(admin)
    open_page(admin, "views/backup.py")
    assert admin.get("file_uploader")
