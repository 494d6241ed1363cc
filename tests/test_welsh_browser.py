"""The workbook in Welsh in a real browser, for a person who chose Cymraeg: the navigation, the page and
the question in Welsh, the page marked as Welsh for screen readers (lang="cy"), a long answer saving
while typing with its status in Welsh, and the text kept after a reload. Someone else on the same
partnership at the same time has it all in English.

One Streamlit server for the module on a SQLite file of its own, Debian's chromium through Playwright
(tests/browser_support.py)."""

from __future__ import annotations

import re

import pytest
from browser_support import (
    answer_box,
    create_people,
    give_name,
    open_app,
    require_browser,
    save_status,
    served_in_chromium,
    sidebar_link,
    sqlite_workbook,
    username_for,
    wait_idle,
)

from strategy.answers.operations import get_answer
from strategy.core.authors import Author
from strategy.guide.content import content
from strategy.people.accounts import find_account, set_interface_language
from strategy.people.partnerships import create_partnership

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("welsh_browser")]

CERYS, SAM = ("Cerys Owen", "Bro Health Board"), ("Sam Patel", "Bro Council")
PURPOSE = "intro.purpose"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    require_browser()
    folder = tmp_path_factory.mktemp("welsh_browser")
    url, engine = sqlite_workbook(folder)
    partnership = create_partnership(engine, name="Bwrdd Diogelu Bro", nation="wales")
    create_people(engine, [CERYS, SAM])
    cerys = find_account(engine, username_for(CERYS[0]))
    set_interface_language(engine, cerys.id, "cy", author=Author(name="Workbook"))
    with served_in_chromium(url, folder) as (server, browser):
        yield server, engine, partnership.id, browser


def test_a_person_who_chose_cymraeg_works_in_welsh_and_another_in_english(book):
    from playwright.sync_api import expect

    server, engine, pid, browser = book
    welsh_label = content().prompts[PURPOSE].label_cy
    english_label = content().prompts[PURPOSE].label
    welsh, english = browser.new_context(), browser.new_context()
    try:
        page = welsh.new_page()
        open_app(page, f"{server.url}/introduction?p={pid}")
        give_name(page, *CERYS)
        expect(page.get_by_role("heading", level=1).first).to_have_text("Cyflwyniad")
        expect(page).to_have_title("Cyflwyniad · Bwrdd Diogelu Bro · Llyfr Gwaith Strategaeth Cam-drin Plant yn Rhywiol")
        assert page.evaluate("document.documentElement.lang") == "cy"
        expect(sidebar_link(page, "Cynllun gweithredu")).to_have_count(1)
        box = answer_box(page, welsh_label)
        box.click()
        page.keyboard.type("Mae angen strategaeth ar y Fro.", delay=5)
        expect(save_status(page, welsh_label)).to_have_text(re.compile("^Heb ei gadw eto"))
        expect(save_status(page, welsh_label)).to_have_text(re.compile(r"^Cadwyd am \d\d:\d\d$"), timeout=10_000)
        assert get_answer(engine, pid, PURPOSE).value == "Mae angen strategaeth ar y Fro."

        # Someone else on the same partnership at the same moment: English, and the Welsh text as typed.
        other = english.new_page()
        open_app(other, f"{server.url}/introduction?p={pid}")
        give_name(other, *SAM)
        expect(other.get_by_role("heading", level=1).first).to_have_text("Introduction")
        assert other.evaluate("document.documentElement.lang") == "en"
        expect(answer_box(other, english_label)).to_have_value("Mae angen strategaeth ar y Fro.")

        # A reload keeps the Welsh and the text; another page opens in Welsh.
        page.reload(wait_until="domcontentloaded")
        wait_idle(page)
        expect(answer_box(page, welsh_label)).to_have_value("Mae angen strategaeth ar y Fro.")
        sidebar_link(page, "Cynllun gweithredu").click()
        wait_idle(page)
        expect(page.get_by_role("heading", level=1).first).to_have_text("Cynllun gweithredu")
        assert page.evaluate("document.documentElement.lang") == "cy"
    finally:
        welsh.close()
        english.close()
