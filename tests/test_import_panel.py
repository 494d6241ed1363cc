"""The import panels on the pages, through Streamlit's AppTest.

AppTest cannot upload a file, so the pages are checked for what they offer before an upload, and
the preview and the import button (what the panel shows once a file is chosen) are run through
``preview_and_import`` in a small app of their own, on the same database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy.answers.io import FIGURES, MEASURES, SURVEY, figures_template_csv, survey_template_csv
from strategy.answers.operations import add_rows, list_rows
from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database
from strategy.people.partnerships import create_partnership
from strategy.ui.state import AUTHOR_KEY, PARTNERSHIP_KEY
from tests.people_support import sign_in_as

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
UPLOAD_LABEL = "Choose a CSV or Excel file (up to 10 MB and 50,000 rows)"


@pytest.fixture
def url(tmp_path, monkeypatch, db_templates):
    """Each test its own SQLite file, copied from a migrated template (the app's engine is cached per URL)."""
    url = db_templates.sqlite(tmp_path / "app.sqlite3")
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    dispose_engine(url)


@pytest.fixture
def engine(url):
    return prepare_database(url)


@pytest.fixture
def pid(engine):
    return create_partnership(engine, name="Harbourshire Partnership", nation="england").id


def open_page(page: str, pid: int, author: Author | None, role: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[PARTNERSHIP_KEY] = str(pid)
    sign_in_as(at, author, role=role, partnership_id=pid)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def labels(at: AppTest, kind: str) -> list[str]:
    return [element.proto.label for element in at.get(kind)]


def test_the_workforce_page_offers_the_survey_import_and_its_template(engine, pid, author):
    at = open_page("views/workforce.py", pid, author)
    assert labels(at, "file_uploader") == [UPLOAD_LABEL]
    assert "Download the template (CSV)" in labels(at, "download_button")
    assert "**Import the survey responses**" in [m.value for m in at.markdown]
    uploader = at.get("file_uploader")[0].proto
    assert list(uploader.type) == [".csv", ".xlsx"]
    assert not at.error


def test_a_scrutineer_sees_nothing_to_import(engine, pid):
    at = open_page("views/workforce.py", pid, Author.make("Rae Scrutton"), role="scrutineer")
    assert labels(at, "file_uploader") == []
    assert "Download the template (CSV)" not in labels(at, "download_button")
    assert any("You are a scrutineer" in i.value for i in at.info)


@pytest.mark.parametrize("page", ["views/context.py", "views/current_response.py"])
def test_the_figure_tables_offer_an_import_in_an_expander(engine, pid, author, page):
    at = open_page(page, pid, author)
    assert labels(at, "file_uploader") == [UPLOAD_LABEL]
    assert "Import figures from a file (CSV or Excel)" in [e.label for e in at.expander]
    assert "Download the template (CSV)" in labels(at, "download_button")


# --- Once a file is chosen ------------------------------------------------------------------------


def _panel_app(url: str, pid: int, prompt_id: str, data: bytes, filename: str) -> None:
    # Runs as its own Streamlit script: what the panel does with an uploaded file, until the
    # import clears the uploader (a new uploader generation).
    import streamlit as st

    from strategy.core.db import prepare_database
    from strategy.guide.content import content
    from strategy.people.partnerships import get_partnership
    from strategy.ui.import_panel import preview_and_import

    engine = prepare_database(url)
    if st.session_state.get(f"import-gen|{pid}|{prompt_id}", 0) == 0:
        preview_and_import(engine, get_partnership(engine, pid), content().prompts[prompt_id], data, filename)
    else:
        st.text("The uploader is empty again.")
    done = st.session_state.get(f"import-done|{pid}|{prompt_id}")
    if done:
        st.success(done)


def panel(url: str, pid: int, prompt_id: str, data: bytes, filename: str, author: Author) -> AppTest:
    at = AppTest.from_function(_panel_app, args=(url, pid, prompt_id, data, filename), default_timeout=30)
    at.session_state[AUTHOR_KEY] = author
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def import_button(at: AppTest):
    return next((b for b in at.button if b.label.startswith("Import ")), None)


def shown_as_markdown(at: AppTest) -> str:
    kinds = (at.markdown, at.caption, at.error, at.success, at.warning, at.info)
    return " ".join(str(e.value) for kind in kinds for e in kind)


def test_a_good_survey_file_is_previewed_then_imported_in_one_click(url, engine, pid, author):
    data = survey_template_csv()
    at = panel(url, pid, SURVEY, data, "survey.csv", author)
    assert "Read as: CSV, UTF-8, comma-separated" in [t.value for t in at.text]
    assert [m.value for m in at.metric] == ["2", "0", "0"]
    ready = at.dataframe[-1].value
    assert list(ready["Row"]) == [2, 3]
    assert list(ready["Agency"]) == ["Children's services", "Police"]
    assert list(ready["Confidence identifying and responding (1-5)"]) == ["4", "4"]
    assert at.radio == []  # nothing there yet, so nothing to replace
    import_button(at).click().run()
    assert [s.value for s in at.success] == ["Imported 2 responses."]
    assert "The uploader is empty again." in [t.value for t in at.text]
    assert [r.values["agency"] for r in list_rows(engine, pid, SURVEY)] == ["Children's services", "Police"]


def test_the_survey_replaces_by_default_and_can_add_instead(url, engine, pid, author):
    add_rows(engine, pid, SURVEY, [{"agency": "Before"}], author=author)
    at = panel(url, pid, SURVEY, survey_template_csv(), "survey.csv", author)
    assert at.radio[0].value == "replace"
    at.radio[0].set_value("add").run()
    import_button(at).click().run()
    assert [r.values["agency"] for r in list_rows(engine, pid, SURVEY)] == ["Before", "Children's services", "Police"]

    at = panel(url, pid, SURVEY, survey_template_csv(), "survey.csv", author)
    import_button(at).click().run()  # the default: replace
    assert [r.values["agency"] for r in list_rows(engine, pid, SURVEY)] == ["Children's services", "Police"]


@pytest.mark.parametrize("prompt_id", [FIGURES, MEASURES])
def test_figures_add_by_default(url, engine, pid, author, prompt_id):
    data = figures_template_csv(prompt_id)
    panel(url, pid, prompt_id, data, "figures.csv", author).button[0].click().run()
    at = panel(url, pid, prompt_id, data, "figures.csv", author)
    assert at.radio[0].value == "add"
    assert import_button(at).label == "Import 2 rows"
    import_button(at).click().run()
    assert len(list_rows(engine, pid, prompt_id)) == 4


def test_problems_are_listed_from_the_file_as_plain_text_and_nothing_can_be_imported(url, engine, pid, author):
    add_rows(engine, pid, SURVEY, [{"agency": "Before"}], author=author)
    data = (
        b"ID,Name,Agency,**Confidnce**,Knowledge\r\n"
        b"1,Jo Bloggs,<script>alert(1)</script>,3,[six](javascript:alert(1))\r\n"
        b"2,Sam,Police,3,4\r\n"
    )
    at = panel(url, pid, SURVEY, data, "survey.csv", author)
    assert import_button(at) is None
    assert [m.value for m in at.metric] == ["1", "1", "0"]
    assert any("2 problems to fix in the file" in e.value for e in at.error)
    problems = next(d.value for d in at.dataframe if list(d.value.columns) == ["Row", "Column", "Problem"])
    assert list(problems["Row"]) == [1, 2]
    assert list(problems["Column"]) == ["**Confidnce**", "Knowledge"]
    assert "did you mean 'Confidence'?" in problems["Problem"][0]
    assert "[six](javascript:alert(1))" in problems["Problem"][1]
    ignored = next(d.value for d in at.dataframe if list(d.value.columns) == ["Column in the file", "Why"])
    assert list(ignored["Column in the file"]) == ["ID", "Name"]
    assert "identifies a person" in ignored["Why"][1]
    markdown = shown_as_markdown(at)
    for from_file in ("script", "Confidnce", "javascript", "Jo Bloggs"):
        assert from_file not in markdown
    assert [r.values["agency"] for r in list_rows(engine, pid, SURVEY)] == ["Before"]


def test_a_file_that_cannot_be_read_says_why_in_plain_text(url, engine, pid, author):
    at = panel(url, pid, SURVEY, b"Agency,Confidence\r\n", "<img src=x onerror=alert(1)>.csv", author)
    assert [e.value for e in at.error] == ["This file could not be read, so nothing was imported."]
    assert "'<img src=x onerror=alert(1)>.csv' has column names but no rows." in " ".join(t.value for t in at.text)
    assert import_button(at) is None
    assert list_rows(engine, pid, SURVEY) == []


def test_an_import_that_fails_at_the_click_stores_nothing_and_says_so(url, engine, pid, author, monkeypatch):
    at = panel(url, pid, SURVEY, survey_template_csv(), "survey.csv", author)
    from strategy.core.errors import StorageError

    def broken(*args, **kwargs):
        raise StorageError("The database cannot be written to just now.")

    monkeypatch.setattr("strategy.ui.import_panel.import_survey", broken)
    import_button(at).click().run()
    assert "Nothing was imported." in [e.value for e in at.error]
    assert "The database cannot be written to just now." in [t.value for t in at.text]
    assert list_rows(engine, pid, SURVEY) == []


def test_a_file_of_several_areas_asks_which_is_the_partnerships_and_imports_its_rows_with_the_comparators(url, engine, author):
    from tests.test_published_files import ees_csv

    pid = create_partnership(engine, name="Hartlepool Safeguarding Children Partnership", nation="england").id
    at = panel(url, pid, MEASURES, ees_csv(), "cin.csv", author)
    assert import_button(at) is None
    area = next(s for s in at.selectbox if s.label.startswith("Which area is the partnership's?"))
    assert area.options[:2] == ["Choose the area…", "Hartlepool"]  # the one matching the partnership is offered first
    assert any("holds figures for 5 areas" in t.value for t in at.text)
    area.set_value("Hartlepool")
    at.text_area[0].set_value("measure=plans_sexual_abuse\nvalue=number_of_children")
    at.text_area[1].set_value("category_of_abuse=Sexual abuse")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [t.value for t in at.text]
    assert (
        "Only the rows for Hartlepool are read as its own figures; the 8 rows for other areas are left out, "
        "except the comparators below." in shown
    )
    assert any(t.startswith("Beside Hartlepool's figures, England's and the North East region's") for t in shown)
    import_button(at).click().run()
    stored = list_rows(engine, pid, MEASURES)
    assert sorted((r.values["period"], r.values["value"]) for r in stored if "comparator" not in r.values["detail"]) == [
        ("2022/23", "c"),
        ("2023/24", "18"),
    ]
    # England's and the North East's numbers beside them, marked as comparators (the file has no rate column)
    assert sorted((r.values["detail"], r.values["period"], r.values["value"]) for r in stored if "comparator" in r.values["detail"]) == [
        ("England (comparator: number; the file gives no rate)", "2022/23", "2380"),
        ("England (comparator: number; the file gives no rate)", "2023/24", "2510"),
        ("North East region (comparator: number; the file gives no rate)", "2022/23", "140"),
        ("North East region (comparator: number; the file gives no rate)", "2023/24", "151"),
    ]
