"""A survey answered through a real link in a real browser (issue 21): Debian's chromium opens
``/?survey=TOKEN`` on a running workbook, with no account, answers and sends; the response is stored
where an imported one is, and the page showed nothing of the workbook but the survey."""

from __future__ import annotations

import pytest

from strategy.answers.io import SURVEY
from strategy.answers.operations import list_rows
from strategy.assessments import survey_links as sl
from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database
from strategy.core.models import stored_id
from strategy.people.partnerships import create_partnership
from tests.browser_support import UI_TIMEOUT_MS, StreamlitServer, launch_chromium, open_app, require_browser, wait_idle
from tests.people_support import member


@pytest.fixture
def served(tmp_path, db_templates):
    require_browser()
    url = db_templates.sqlite(tmp_path / "survey.sqlite3")
    engine = prepare_database(url)
    member(engine, None, None, "alex.admin", is_admin=True)
    pid = stored_id(create_partnership(engine, name="Harbourshire Partnership", nation="england"))
    server = StreamlitServer(url, tmp_path / "streamlit.log")
    server.start()
    try:
        yield server, engine, pid
    finally:
        server.stop()
        dispose_engine(url)


def test_a_survey_is_answered_through_a_real_link_without_an_account(served):
    from playwright.sync_api import sync_playwright

    server, engine, pid = served
    token = sl.open_survey_link(engine, pid, "staff", author=Author(name="Sam Patel"))
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            open_app(page, server.url + sl.link_path(token))
            page.get_by_role("heading", name="Staff survey on child sexual abuse").wait_for(timeout=UI_TIMEOUT_MS)
            assert page.get_by_text("No names or email addresses are asked for", exact=False).count() == 1
            assert page.locator("[data-testid='stSidebarNav'] a").count() == 0  # nothing of the workbook
            assert page.get_by_role("button", name="Sign in").count() == 0
            page.get_by_role("textbox", name="Agency (required)").fill("Education")
            page.get_by_role("textbox", name="Role").fill("Designated safeguarding lead")
            page.get_by_role("radiogroup", name="Knowledge of signs and indicators (1-5)").get_by_text("3", exact=True).click()
            page.get_by_role("textbox", name="Comment").fill("Training on talking with children would help.")
            page.get_by_role("button", name="Send my answers").click()
            page.get_by_text("Thank you: your answers were sent.").wait_for(timeout=UI_TIMEOUT_MS)
            wait_idle(page)
            # A wrong link in the same browser: a message, and no form.
            open_app(page, server.url + sl.link_path("A" * 43))
            page.get_by_text("This survey link is not recognised", exact=False).wait_for(timeout=UI_TIMEOUT_MS)
            assert page.get_by_role("textbox").count() == 0
            assert page.get_by_text("Harbourshire").count() == 0
        finally:
            browser.close()
    rows = list_rows(engine, pid, SURVEY)
    assert len(rows) == 1
    assert rows[0].values["agency"] == "Education" and rows[0].values["knowledge"] == 3
    assert rows[0].values["comment"] == "Training on talking with children would help."
    assert sl.survey_link_status(engine, pid, "staff").responses == 1
