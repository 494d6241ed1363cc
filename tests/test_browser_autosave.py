"""Nothing typed is lost, in a real browser: a long answer saves two seconds after the last keystroke
without leaving the field; a reload, closing the tab or the server being killed right after loses
nothing; a reload keeps the person signed in, on the same page and partnership, until they sign out.

One Streamlit server for the module on a SQLite file of its own, Debian's chromium through Playwright
(tests/browser_support.py). Each test checks what the person sees and what the database holds."""

from __future__ import annotations

import re
import time

import pytest
from browser_support import (
    UI_TIMEOUT_MS,
    answer_box,
    create_people,
    give_name,
    open_app,
    require_browser,
    save_status,
    served_in_chromium,
    sqlite_workbook,
    wait_idle,
)

from strategy.answers.operations import get_answer
from strategy.people.partnerships import create_partnership

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_autosave")]

PARTNERSHIP = "Vale Autosave Partnership"
PEOPLE = [("Nia Evans", "Vale Council"), ("Owen Rees", "Vale Police"), ("Lowri Hale", "Vale Health"), ("Ifan Bell", "Vale Council")]
PURPOSE = ("intro.purpose", "Why does your partnership need this strategy?")
AUDIENCE = ("intro.audience", "Who is the strategy for?")
NATIONAL = ("intro.national_picture", "How would you summarise the national picture for your readers?")
SCOPE_NOTES = ("intro.scope_notes", "Anything else about the scope")
LAST_STRATEGY = ("intro.last_strategy", "What did the last strategy achieve?")
DEFINITION = ("intro.definition", "Which definition of child sexual abuse will the strategy use?")
TERMINOLOGY = ("intro.terminology", "How will the strategy talk about child sexual abuse?")
SAVED_AT = re.compile(r"^Saved at \d\d:\d\d$")


class Book:
    def __init__(self, server, engine, partnership_id, browser):
        self.server, self.engine, self.partnership_id, self.browser = server, engine, partnership_id, browser
        self.dialogs: list[str] = []

    def url(self, path: str = "introduction") -> str:
        return f"{self.server.url}/{path}?p={self.partnership_id}"

    def stored(self, prompt) -> str | None:
        answer = get_answer(self.engine, self.partnership_id, prompt[0])
        return answer.value if answer else None

    def stored_soon(self, prompt, timeout: float = 20.0) -> str | None:
        """What is stored once a save in flight has had time to land (a recovered draft saves two
        seconds after it is put back)."""
        deadline = time.monotonic() + timeout
        value = self.stored(prompt)
        while value is None and time.monotonic() < deadline:
            time.sleep(0.2)
            value = self.stored(prompt)
        return value

    def context(self):
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(UI_TIMEOUT_MS)
        return context

    def page(self, context):
        page = context.new_page()
        page.on("dialog", self._dialog)
        return page

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.type)
        dialog.accept()


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    require_browser()
    folder = tmp_path_factory.mktemp("autosave")
    url, engine = sqlite_workbook(folder)
    partnership = create_partnership(engine, name=PARTNERSHIP, nation="wales")
    create_people(engine, PEOPLE)
    from strategy.core.authors import Author
    from strategy.plan import operations as P

    aim = P.add_aim(engine, partnership.id, title="Children are safer online", author=Author(name="Workbook"))
    P.add_outcome(
        engine, partnership.id, aim_id=aim.id, title="Parents know how to talk about online risks", author=Author(name="Workbook")
    )
    with served_in_chromium(url, folder) as (server, browser):
        yield Book(server, engine, partnership.id, browser)


_status = save_status


def _type(page, label: str, text: str) -> None:
    box = answer_box(page, label)
    box.click()
    page.keyboard.type(text, delay=5)


def test_a_long_answer_saves_while_typing_and_says_so(book):
    from playwright.sync_api import expect

    context = book.context()
    try:
        page = book.page(context)
        open_app(page, book.url())
        give_name(page, *PEOPLE[0])
        _type(page, PURPOSE[1], "Children in the Vale are sexually abused every day; few are identified.")
        expect(_status(page, PURPOSE[1])).to_have_text(re.compile("Not saved yet"))
        # No click elsewhere, no Ctrl+Enter: the text is stored and the field still has the focus.
        expect(_status(page, PURPOSE[1])).to_have_text(SAVED_AT, timeout=10_000)
        assert book.stored(PURPOSE) == "Children in the Vale are sexually abused every day; few are identified."
        assert page.evaluate("document.activeElement && document.activeElement.tagName") == "TEXTAREA"
        # Typing on after a save goes on saving, and nothing typed during the save is dropped.
        page.keyboard.type(" We will change that.", delay=5)
        expect(_status(page, PURPOSE[1])).to_have_text(SAVED_AT, timeout=10_000)
        assert book.stored(PURPOSE).endswith("few are identified. We will change that.")
        expect(answer_box(page, PURPOSE[1])).to_have_value(book.stored(PURPOSE))
        assert book.dialogs == []
    finally:
        context.close()


def test_a_reload_at_once_keeps_the_text_and_the_person_signed_in_on_the_same_page(book):
    from playwright.sync_api import expect

    context = book.context()
    try:
        page = book.page(context)
        open_app(page, book.url())
        give_name(page, *PEOPLE[1])
        _type(page, AUDIENCE[1], "Leaders first, then practitioners.")
        page.reload(wait_until="domcontentloaded")  # at once: well inside the two seconds
        wait_idle(page)
        assert book.dialogs == ["beforeunload"]  # unsaved text: the browser asked before leaving
        expect(page.get_by_role("button", name="Sign in", exact=True)).to_have_count(0)
        expect(answer_box(page, AUDIENCE[1])).to_have_value("Leaders first, then practitioners.")
        assert page.url == book.url()
        expect(page.locator("[data-testid='stSidebar']").get_by_text("Owen Rees")).to_be_visible()
        # Sent as the page unloaded, or (when that message was lost) kept in the browser and saved on return.
        assert book.stored_soon(AUDIENCE) == "Leaders first, then practitioners."
    finally:
        book.dialogs.clear()
        context.close()


def test_closing_the_tab_with_unsaved_text_asks_first_and_the_text_is_there_on_reopening(book):
    from playwright.sync_api import expect

    context = book.context()
    try:
        page = book.page(context)
        open_app(page, book.url())
        give_name(page, *PEOPLE[2])
        _type(page, SCOPE_NOTES[1], "Online abuse included.")
        with page.expect_event("close"):
            page.close(run_before_unload=True)  # the browser asks first; the test answers "Leave"
        assert book.dialogs == ["beforeunload"]
        again = book.page(context)
        open_app(again, book.url())
        expect(again.get_by_role("button", name="Sign in", exact=True)).to_have_count(0)
        expect(answer_box(again, SCOPE_NOTES[1])).to_have_value("Online abuse included.")
        assert book.stored_soon(SCOPE_NOTES) == "Online abuse included."
    finally:
        book.dialogs.clear()
        context.close()


def _drafts(page) -> dict:
    return page.evaluate("JSON.parse(window.localStorage.getItem('workbook-drafts') || '{}')")


def _cuttable(page) -> dict:
    """The page's connection to the server through a switch: once cut, nothing the page sends arrives
    (Playwright's WebSocket routing stands in for a network that fails as the tab goes)."""
    link = {"cut": False}

    def route(ws) -> None:
        server = ws.connect_to_server()
        ws.on_message(lambda message: None if link["cut"] else server.send(message))

    page.route_web_socket(re.compile(r".*/_stcore/stream"), route)
    return link


def _lose_the_tab(book, context, prompt, text: str) -> None:
    """Type, then lose the tab with nothing sent (the connection failed first; a crash; a killed
    browser): only what the browser kept of its own is left."""
    page = book.page(context)
    link = _cuttable(page)
    open_app(page, book.url())
    _type(page, prompt[1], text)
    link["cut"] = True
    assert [d["text"] for d in _drafts(page).values()] == [text]
    with page.expect_event("close"):
        page.close(run_before_unload=True)  # the browser asks; the test answers "Leave"
    assert book.dialogs == ["beforeunload"]
    book.dialogs.clear()


def _no_drafts_left(page) -> None:
    page.wait_for_function("() => !window.localStorage.getItem('workbook-drafts')", timeout=UI_TIMEOUT_MS)


def test_text_whose_save_never_left_the_browser_is_sent_again_on_the_next_visit_and_saved(book):
    from playwright.sync_api import expect

    context = book.context()
    try:
        page = book.page(context)
        open_app(page, book.url())
        give_name(page, *PEOPLE[2])
        _lose_the_tab(book, context, LAST_STRATEGY, "It set up the harmful sexual behaviour pathway.")
        assert book.stored(LAST_STRATEGY) is None
        again = book.page(context)
        open_app(again, book.url())
        expect(answer_box(again, LAST_STRATEGY[1])).to_have_value("It set up the harmful sexual behaviour pathway.")
        expect(again.get_by_text("Saved what you typed for “What did the last strategy achieve?” before the page closed.")).to_be_visible()
        assert book.stored_soon(LAST_STRATEGY) == "It set up the harmful sexual behaviour pathway."
        _no_drafts_left(again)  # the server has it: nothing of it stays in the browser
        again.reload(wait_until="domcontentloaded")
        wait_idle(again)
        expect(answer_box(again, LAST_STRATEGY[1])).to_have_value("It set up the harmful sexual behaviour pathway.")
        assert book.dialogs == []
    finally:
        context.close()


def test_a_draft_sent_again_after_someone_changed_the_answer_shows_both_texts_to_choose_from(book):
    from playwright.sync_api import expect

    from strategy.answers.operations import answer_history, save_answer
    from strategy.core.authors import Author

    context = book.context()
    try:
        page = book.page(context)
        open_app(page, book.url())
        give_name(page, *PEOPLE[0])
        _lose_the_tab(book, context, DEFINITION, "Mine: the statutory definition.")
        theirs = "Theirs: Working Together's definition."
        save_answer(book.engine, book.partnership_id, DEFINITION[0], theirs, expected_version=0, author=Author(name="Ifan Bell"))
        again = book.page(context)
        open_app(again, book.url())
        warning = again.get_by_text("saved this answer while you were editing it")
        expect(warning).to_contain_text("Ifan Bell")
        block = again.locator("[data-testid='stVerticalBlock']").filter(has=warning).last
        expect(block.locator("[data-testid='stText']").filter(has_text="Mine: the statutory definition.")).to_be_visible()
        expect(block.locator("[data-testid='stText']").filter(has_text=theirs)).to_be_visible()
        # Nothing saved over theirs by itself; the draft is kept in the answer's history already.
        assert book.stored(DEFINITION) == theirs
        history = [r.new_value for r in answer_history(book.engine, book.partnership_id, DEFINITION[0])]
        assert "Mine: the statutory definition." in history
        _no_drafts_left(again)
        block.get_by_role("button", name="Use their text").click()
        wait_idle(again)
        expect(answer_box(again, DEFINITION[1])).to_have_value(theirs)
        again.reload(wait_until="domcontentloaded")
        wait_idle(again)
        expect(answer_box(again, DEFINITION[1])).to_have_value(theirs)
        expect(again.get_by_text("saved this answer while you were editing it")).to_have_count(0)
        assert book.stored(DEFINITION) == theirs
        assert book.dialogs == []
    finally:
        book.dialogs.clear()
        context.close()


def test_a_draft_is_sent_again_only_for_the_person_who_typed_it_and_signing_out_forgets_drafts(book):
    from playwright.sync_api import expect

    context = book.context()
    try:
        page = book.page(context)
        open_app(page, book.url())
        give_name(page, *PEOPLE[1])
        _lose_the_tab(book, context, TERMINOLOGY, "Owen's words on telling.")
        context.clear_cookies()  # someone else at the same computer signs in
        other = book.page(context)
        open_app(other, book.url())
        give_name(other, *PEOPLE[3])
        wait_idle(other)
        time.sleep(2)
        expect(answer_box(other, TERMINOLOGY[1])).to_have_value("")
        assert book.stored(TERMINOLOGY) is None
        assert [d["text"] for d in _drafts(other).values()] == ["Owen's words on telling."]
        context.clear_cookies()
        owen = book.page(context)
        open_app(owen, book.url())
        give_name(owen, *PEOPLE[1])
        expect(answer_box(owen, TERMINOLOGY[1])).to_have_value("Owen's words on telling.")
        assert book.stored_soon(TERMINOLOGY) == "Owen's words on telling."
        _no_drafts_left(owen)
        # A draft still kept at sign-out (someone else's, say) is forgotten with it.
        owen.evaluate(
            "localStorage.setItem('workbook-drafts', JSON.stringify({'ans-1-intro-purpose': "
            "{text: 'left behind', base: '', account: '99', load: 'gone', at: Date.now()}}))"
        )
        owen.locator("[data-testid='stSidebar']").get_by_role("button", name="Sign out").click()
        wait_idle(owen)
        _no_drafts_left(owen)
    finally:
        context.close()


def test_text_typed_two_seconds_before_the_server_is_killed_is_kept_and_the_person_still_signed_in(book):
    from playwright.sync_api import expect

    context = book.context()
    try:
        page = book.page(context)
        open_app(page, book.url())
        give_name(page, *PEOPLE[3])
        _type(page, NATIONAL[1], "About 500,000 children each year.")
        expect(_status(page, NATIONAL[1])).to_have_text(SAVED_AT, timeout=10_000)
        process = book.server.process
        process.kill()  # no clean shutdown: what is in the database is all there is
        process.wait(15)
        book.server.process = None
        book.server.start()
        later = book.page(context)
        open_app(later, book.url())
        expect(later.get_by_role("button", name="Sign in", exact=True)).to_have_count(0)
        expect(answer_box(later, NATIONAL[1])).to_have_value("About 500,000 children each year.")
        assert book.stored(NATIONAL) == "About 500,000 children each year."
    finally:
        context.close()


def test_signing_out_ends_the_kept_session_so_a_reload_asks_to_sign_in(book):
    from playwright.sync_api import expect

    context = book.context()
    try:
        page = book.page(context)
        open_app(page, book.url())
        give_name(page, *PEOPLE[0])
        cookie = [c for c in context.cookies() if c["name"] == "workbook_session"]
        assert cookie and cookie[0]["sameSite"] == "Strict" and len(cookie[0]["value"]) >= 60
        page.locator("[data-testid='stSidebar']").get_by_role("button", name="Sign out").click()
        wait_idle(page)
        page.reload(wait_until="domcontentloaded")
        wait_idle(page)
        expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
        # A copy of the old cookie, replayed, signs nobody in: the server revoked its record.
        other = book.context()
        try:
            other.add_cookies([{**cookie[0]}])
            replay = book.page(other)
            open_app(replay, book.url())
            expect(replay.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
        finally:
            other.close()
    finally:
        context.close()


def test_an_action_typed_first_in_the_add_form_is_kept_until_its_outcome_is_chosen(book):
    from playwright.sync_api import expect

    from strategy.plan import operations as P

    context = book.context()
    try:
        page = book.page(context)
        open_app(page, book.url("action_plan"))
        give_name(page, *PEOPLE[1])
        form = page.locator("[data-testid='stForm']")
        action = form.get_by_label("Action", exact=True)
        action.fill("Run online-safety evenings for parents in every secondary school")
        form.get_by_role("button", name="Add the action").click()
        wait_idle(page)
        expect(page.get_by_text("Not added yet: choose the intended outcome")).to_be_visible()
        expect(action).to_have_value("Run online-safety evenings for parents in every secondary school")
        assert P.load_plan(book.engine, book.partnership_id).all_actions() == []
        chooser = form.get_by_role("combobox", name=re.compile("^Intended outcome"))
        chooser.click()
        chooser.press_sequentially("Parents know")
        page.keyboard.press("Enter")
        form.get_by_role("button", name="Add the action").click()
        wait_idle(page)
        expect(page.get_by_text(re.compile(r"Added A1\.O1\.1"))).to_be_visible()
        titles = [a.title for a in P.load_plan(book.engine, book.partnership_id).all_actions()]
        assert titles == ["Run online-safety evenings for parents in every secondary school"]
    finally:
        context.close()
