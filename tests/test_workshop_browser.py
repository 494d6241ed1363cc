"""Workshop mode in a real browser (Debian's chromium through Playwright, tests/browser_support.py):
the participant's view at a phone's width adds a note, fits the screen, and shows another person's note
without anyone touching the page (the board refreshes itself); the shared screen does the same."""

from __future__ import annotations

import re

import pytest
from browser_support import (
    UI_TIMEOUT_MS,
    create_people,
    give_name,
    open_app,
    require_browser,
    served_in_chromium,
    sqlite_workbook,
    wait_idle,
)

from strategy.core.authors import Author
from strategy.people.partnerships import create_partnership
from strategy.workshops.operations import add_note, create_workshop, workshop_view

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("workshop-browser")]

PEOPLE = [("Priya Shah", "NHS Harbourshire"), ("Tom Hughes", "Harbourshire Police")]
#: A phone held upright (an iPhone 12's CSS pixels).
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    require_browser()
    folder = tmp_path_factory.mktemp("workshop-browser")
    url, engine = sqlite_workbook(folder)
    partnership = create_partnership(engine, name="Harbourshire", nation="england")
    create_people(engine, PEOPLE)
    workshop = create_workshop(engine, partnership.id, title="Priorities day", kind="priorities", author=Author(name="Workbook"))
    with served_in_chromium(url, folder) as (server, browser):
        yield server, engine, partnership.id, workshop.id, browser


def _open(browser, server, pid, who, viewport):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    open_app(page, f"{server.url}/workshop?p={pid}")
    give_name(page, *who)
    page.get_by_role("heading", level=1, name="Workshops").wait_for()
    return context, page


def _view(page, name: str) -> None:
    page.locator("[data-testid='stRadio'] label").filter(has_text=name).click()
    wait_idle(page)


def test_a_participant_on_a_phone_adds_a_note_and_sees_others_arrive_by_themselves(room):
    from playwright.sync_api import expect

    server, engine, pid, wid, browser = room
    context, page = _open(browser, server, pid, PEOPLE[0], PHONE)
    try:
        _view(page, "Take part")
        # The participant's own note form (each view has its own; the one before can linger for a moment).
        expect(page.get_by_role("button", name=re.compile("^Move on to"))).to_have_count(0)  # the facilitator's view has gone
        box = page.get_by_role("textbox", name="Your idea")
        expect(box).to_have_count(1)
        form = page.locator("[data-testid='stForm']").filter(has=box)
        expect(box).to_be_editable()
        box.fill("Children online need safer apps <b>now</b>")
        form.get_by_role("button", name="Add my note").click()
        expect(page.get_by_text("Children online need safer apps <b>now</b>", exact=False).first).to_be_visible()
        # Someone else adds a note from their own laptop; nobody touches this page.
        add_note(engine, pid, wid, "Abuse within families goes unseen", author=Author.make(*PEOPLE[1]))
        expect(page.get_by_text("Abuse within families goes unseen", exact=False).first).to_be_visible()
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert fits, "the participant's view is wider than a phone's screen"
        texts = [n.text for n in workshop_view(engine, pid, wid, author=Author(name="Workbook")).loose]
        assert texts == ["Children online need safer apps <b>now</b>", "Abuse within families goes unseen"]
    finally:
        context.close()


def test_the_shared_screen_keeps_itself_current(room):
    from playwright.sync_api import expect

    server, engine, pid, wid, browser = room
    context, page = _open(browser, server, pid, PEOPLE[1], {"width": 1920, "height": 1080})
    try:
        _view(page, "Shared screen")
        expect(page.get_by_role("heading", level=1, name="What should the partnership act on first?")).to_be_visible()
        add_note(engine, pid, wid, "Prevention before abuse happens", author=Author.make(*PEOPLE[0]))
        expect(page.get_by_text("Prevention before abuse happens", exact=False).first).to_be_visible()
    finally:
        context.close()
