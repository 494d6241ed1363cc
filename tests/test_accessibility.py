"""Every page clear to everyone, measured in a real browser on the demo partnership: axe-core finds no
serious or critical problem that a bare Streamlit page does not also have, every page has its own
browser title and its headings in order, the skip link (Streamlit's own) is the first Tab stop and moves
the focus into the page, and a scrutineer is never offered a field to type into.

One workbook server and one bare Streamlit page (a title and nothing else, measured in the same run),
one browser, every page of app.py visited once per person. axe-core comes from the PyPI package
axe-playwright-python (its bundled axe.min.js, so no network at test time; requirements-dev.txt)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from browser_support import (
    PASSWORD,
    ROOT,
    UI_TIMEOUT_MS,
    StreamlitServer,
    create_people,
    give_name,
    launch_chromium,
    open_app,
    require_browser,
    username_for,
    wait_idle,
)

from strategy.core.db import dispose_engine, prepare_database
from strategy.core.interface import ui_text

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("accessibility")]  # its own server and Chromium

ADMIN = ("Alex Access", "Harbourshire Council")
SCRUTINEER = ("Sam Scrutiny", "Independent scrutiny")
SERIOUS = ("serious", "critical")
PRODUCT = "CSA Strategy Workbook"

#: Every page registered in app.py: (address, title).
PAGES = [
    ("" if "default=True" in line else name, ui_text(f"nav.{name}"))  # the English titles, the default
    for line in (ROOT / "app.py").read_text(encoding="utf-8").splitlines()
    for name in re.findall(r'_page\("(\w+)"', line)
]

# The bare page: a title and nothing else, in Streamlit's own sidebar navigation with sections (as app.py
# has), so what Streamlit's navigation markup brings is measured too (axe-core finds its <ul> of sections
# holding <div>s: "list" and "listitem", serious, on Streamlit 1.67).
BARE_PAGE = """import streamlit as st


def bare():
    st.title("A bare Streamlit page")


def other():
    st.title("Another page")


st.navigation({"Part one": [st.Page(bare, title="Bare", default=True)], "Part two": [st.Page(other, title="Other")]}).run()
"""

# Every heading in the page's main area, in document order, with its level.
# The parts of date fields a finger or pointer has to hit, smaller than 24 by 24 px (WCAG 2.5.8).
SMALL_TARGETS_JS = """() => Array.from(document.querySelectorAll(
    "[data-testid='stDateInputField'] [role='spinbutton'], [data-testid='stDateInputCalendarButton']"))
    .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && (r.width < 24 || r.height < 24))
    .map(r => `${Math.round(r.width)}x${Math.round(r.height)}`)"""

HEADINGS_JS = """() => Array.from(document.querySelectorAll("[data-testid='stMain'] :is(h1,h2,h3,h4,h5,h6)"))
    .map(h => [Number(h.tagName[1]), h.textContent.trim()])"""


def run_axe(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it stands: rule id, impact, nodes."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [(n["target"], n["html"][:160], (n.get("failureSummary") or "")[:200]) for n in v["nodes"]],
            "help": v["help"],
        }
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def heading_jumps(levels: list[tuple[int, str]]) -> list[str]:
    """Where a heading goes more than one level deeper than the one before (h1 then h3)."""
    problems, previous = [], 0
    for level, text in levels:
        if level > previous + 1:
            problems.append(f"h{level} '{text[:50]}' after h{previous or '(none)'}")
        previous = level
    return problems


@pytest.fixture(scope="module")
def servers(tmp_path_factory, db_templates):
    require_browser()
    from playwright.sync_api import sync_playwright

    from strategy.core.authors import Author
    from strategy.people.accounts import create_account, set_member_role

    folder = tmp_path_factory.mktemp("accessibility")
    url = db_templates.sqlite(folder / "workbook.sqlite3", demo=True)  # a copy of the demo's template
    engine = prepare_database(url)
    demo = db_templates.demo_id("sqlite")
    create_people(engine, [ADMIN])
    create_account(
        engine,
        username=username_for(SCRUTINEER[0]),
        display_name=SCRUTINEER[0],
        agency=SCRUTINEER[1],
        password=PASSWORD,
        author=Author(name="Workbook"),
    )
    set_member_role(engine, demo, username_for(SCRUTINEER[0]), "scrutineer", author=Author(name="Workbook"))
    bare_script = folder / "bare_page.py"
    bare_script.write_text(BARE_PAGE, encoding="utf-8")
    workbook = StreamlitServer(url, folder / "streamlit.log")
    bare = StreamlitServer(url, folder / "bare.log", script=str(bare_script))
    playwright = sync_playwright().start()
    try:
        browser = launch_chromium(playwright)
        try:
            workbook.start()
            bare.start()
            yield workbook, bare, browser, demo
        finally:
            browser.close()
    finally:
        workbook.stop()
        bare.stop()
        playwright.stop()
        dispose_engine(url)


def _signed_in(browser, server, person, partnership_id: int):
    """A person signed in, on the home page with the demo partnership in use."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    open_app(page, f"{server.url}/?p={partnership_id}")
    give_name(page, *person)
    return context, page


def _visit(page, address: str, title: str) -> None:
    """Open a page from the sidebar, as a person does (a reload would sign them out), and wait until it
    has finished drawing, its browser title included."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.locator(f"[data-testid='stSidebarNav'] a[href$='/{address}']").click()
    page.wait_for_url(re.compile(rf"/{re.escape(address)}(\?|$)"), timeout=UI_TIMEOUT_MS)
    wait_idle(page)
    try:
        page.wait_for_function("t => document.title.startsWith(t)", arg=title, timeout=10_000)
    except PlaywrightTimeout:
        pass  # the assertion on the titles says what it was
    page.get_by_role("heading", level=1).first.wait_for(timeout=UI_TIMEOUT_MS)
    wait_idle(page)


def test_every_page_passes_axe_has_its_own_title_and_headings_in_order(servers):
    workbook, bare, browser, demo = servers
    assert len(PAGES) == 34, PAGES  # every page of app.py

    # The bare page first: what Streamlit itself brings.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    open_app(page, bare.url + "/")
    page.get_by_role("heading", level=1).first.wait_for(timeout=UI_TIMEOUT_MS)
    bare_found = run_axe(page)
    bare_rules = {v["id"] for v in bare_found}
    bare_counts = Counter(v["id"] for v in bare_found)
    context.close()

    context, page = _signed_in(browser, workbook, ADMIN, demo)
    # The whole guide in the sidebar, in order, without "View 21 more"; the picker names the partnership in use.
    links = page.locator("[data-testid='stSidebarNav'] a")
    shown = [links.nth(i).inner_text().strip() for i in range(links.count()) if links.nth(i).is_visible()]
    assert [text.splitlines()[-1] for text in shown] == [title for _, title in PAGES]
    assert page.locator("[data-testid='stSidebarNav']").get_by_role("button", name=re.compile("View .* more")).count() == 0
    picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']")
    combobox = picker.get_by_role("combobox")
    shown_value = picker.inner_text() + " " + (combobox.input_value() if combobox.evaluate("e => 'value' in e") else "")
    assert "Demo partnership" in shown_value, picker.inner_html()[:2000]
    titles: dict[str, str] = {}
    found: dict[str, list[dict]] = {}
    jumps: dict[str, list[str]] = {}
    small: dict[str, list[str]] = {}
    dates = 0
    counts: Counter = Counter()
    try:
        for address, title in PAGES:
            _visit(page, address, title)
            titles[title] = page.title()
            violations = run_axe(page)
            counts.update(v["id"] for v in violations)
            own = [v for v in violations if v["id"] not in bare_rules]
            if own:
                found[title] = own
            dates += page.locator("[data-testid='stDateInputField']").count()
            too_small = page.evaluate(SMALL_TARGETS_JS)
            if too_small:
                small[title] = too_small
            problems = heading_jumps(page.evaluate(HEADINGS_JS))
            if problems:
                jumps[title] = problems
    finally:
        context.close()

    print(f"\naxe-core serious/critical findings on the bare page, by rule: {dict(bare_counts) or 'none'}")
    print(f"axe-core serious/critical findings on {len(PAGES)} pages, by rule (pages): {dict(counts) or 'none'}")
    assert not found and not jumps, (
        f"axe-core finds serious or critical problems the bare Streamlit page does not have: {found}; "
        f"headings out of order (no jump from h1 to h3): {jumps}"
    )
    assert dates and not small, f"date fields with touch targets under 24 px: {small} ({dates} date fields seen)"
    for title, shown in titles.items():
        assert shown == f"{title} · Demo partnership · {PRODUCT}", (title, shown)
    assert len(set(titles.values())) == len(PAGES), "two pages share a browser title"


def test_the_skip_link_is_the_first_tab_stop_and_moves_the_focus_into_the_page(servers):
    workbook, _, browser, demo = servers
    context, page = _signed_in(browser, workbook, ADMIN, demo)
    try:
        _visit(page, "action_plan", "Action plan")
        # From the top of the page: the focus on the document itself, as after a page loads.
        page.evaluate("document.body.tabIndex = -1; document.body.focus(); document.body.removeAttribute('tabindex')")
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.textContent.trim(), document.activeElement.tagName]")
        assert focused == ["Skip to main content", "A"], focused
        # Shown when focused (Streamlit's own skip link, at the top left), and large enough to hit.
        box = page.evaluate("() => { const r = document.activeElement.getBoundingClientRect(); return [r.y, r.height]; }")
        assert box[0] >= 0 and box[1] >= 24, f"the focused skip link is not on screen: {box}"
        page.keyboard.press("Enter")
        inside = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").contains(document.activeElement)")
        assert inside, "the skip link did not move the focus into the main content"
        # The next Tab goes on inside the page, not back to the header or the sidebar.
        page.keyboard.press("Tab")
        inside = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").contains(document.activeElement)")
        assert inside
        # The focus ring is visible: an outline of at least 2 px on the focused control.
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineWidth")
        assert float(outline.removesuffix("px")) >= 2, outline
    finally:
        context.close()


def test_a_scrutineer_sees_text_not_fields_on_every_page(servers):
    workbook, _, browser, demo = servers
    context, page = _signed_in(browser, workbook, SCRUTINEER, demo)
    offered: dict[str, list[str]] = {}
    try:
        for address, title in PAGES:
            _visit(page, address, title)
            greyed = page.evaluate(
                """() => Array.from(document.querySelectorAll(
                    "[data-testid='stMain'] textarea[disabled], [data-testid='stMain'] input[disabled]:not([type=checkbox]):not([type=radio])"))
                    .map(e => e.getAttribute('aria-label') || e.closest('[data-testid]')?.textContent.trim().slice(0, 60) || e.tagName)"""
            )
            if greyed:
                offered[title] = greyed
    finally:
        context.close()
    assert not offered, f"A scrutineer is shown fields they cannot type into: {offered}"


def test_the_public_survey_page_passes_axe_in_english_and_in_welsh(servers):
    """The survey a link opens (``/?survey=TOKEN``, no account) is not in the sidebar, so not in PAGES: it
    is opened here by its link, as the public reach it. England's staff survey; a partnership in Wales's
    strategic survey (headings by domain) in Cymraeg, as it opens, and in English after the choice."""
    from strategy.assessments import snapshot as sn
    from strategy.assessments import survey_links as sl
    from strategy.core.authors import Author
    from strategy.core.models import stored_id
    from strategy.demo.wales import ensure_wales_demo

    workbook, bare, browser, demo = servers
    engine = prepare_database(workbook.database_url)
    author = Author(name="Alex Access")
    wales = ensure_wales_demo(engine)
    snapshot = stored_id(sn.create_snapshot(engine, wales, title="Cipolwg 2026", author=author))
    links = [
        ("England", sl.open_survey_link(engine, demo, "staff", author=author), "Staff survey on child sexual abuse"),
        ("Cymraeg", sl.open_survey_link(engine, wales, "strategic", snapshot, author=author), "Arolwg gweithwyr proffesiynol strategol"),
    ]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    open_app(page, bare.url + "/")
    page.get_by_role("heading", level=1).first.wait_for(timeout=UI_TIMEOUT_MS)
    bare_rules = {v["id"] for v in run_axe(page)}
    found: dict[str, list[dict]] = {}
    jumps: dict[str, list[str]] = {}
    try:
        for name, token, title in links:
            open_app(page, workbook.url + sl.link_path(token))
            page.get_by_role("heading", level=1, name=title).wait_for(timeout=UI_TIMEOUT_MS)
            wait_idle(page)
            views = [(name, title)]
            if name == "Cymraeg":
                views.append(("English", "Strategic professionals' survey"))
            for view, heading in views:
                if view == "English":
                    page.get_by_role("radiogroup", name="Cymraeg / English").get_by_text("English", exact=True).click()
                    page.get_by_role("heading", level=1, name=heading).wait_for(timeout=UI_TIMEOUT_MS)
                    wait_idle(page)
                assert page.title().startswith(heading), (view, page.title())
                own = [v for v in run_axe(page) if v["id"] not in bare_rules]
                if own:
                    found[view] = own
                problems = heading_jumps(page.evaluate(HEADINGS_JS))
                if problems:
                    jumps[view] = problems
    finally:
        context.close()
    assert not found and not jumps, f"axe-core findings the bare page does not have: {found}; headings out of order: {jumps}"
