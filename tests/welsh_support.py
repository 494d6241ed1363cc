"""Pages as a person who chose a language sees them: one way for the Welsh screens' tests to open a page
and read what it shows (tests/test_welsh_*.py)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from strategy.core.authors import Author
from strategy.people.accounts import set_interface_language
from strategy.ui.state import PARTNERSHIP_KEY
from tests.people_support import sign_in_as
from tests.test_app import APP


def app_in_language(
    engine, partnership_id: int | None, person: Author, *, language: str = "cy", role: str | None = None, timeout: int = 60
) -> AppTest:
    """The app signed in as ``person`` (an administrator unless ``role`` is given), who chose ``language``
    for the screens, kept on their account as the sidebar's choice keeps it."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if partnership_id is not None:
        at.session_state[PARTNERSHIP_KEY] = str(partnership_id)
    signed = sign_in_as(at, person, role=role, partnership_id=partnership_id)
    assert signed.user_id is not None
    set_interface_language(engine, signed.user_id, language, author=signed)
    return at


def opened(at: AppTest, page: str) -> AppTest:
    """``page`` opened from Home, as a click in the navigation opens it; it ran without an exception."""
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_in_language(
    engine, partnership_id: int | None, page: str, person: Author, *, language: str = "cy", role: str | None = None
) -> AppTest:
    return opened(app_in_language(engine, partnership_id, person, language=language, role=role), page)


def page_words(at: AppTest) -> str:
    """Everything the page wrote and every field's label, as one text (markdown escapes taken out)."""
    parts = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "success", "error", "text"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [e.label for e in at.expander]
    for kind in ("button", "text_input", "text_area", "selectbox", "multiselect", "radio", "checkbox", "toggle", "date_input"):
        parts += [str(getattr(e, "label", "") or getattr(e.proto, "label", "")) for e in at.get(kind)]
    parts += [" ".join(table_columns(at))]
    return "\n".join(parts).replace("\\", "")


def table_columns(at: AppTest) -> list[str]:
    """The column names of the tables on the page, in order."""
    return [str(c) for frame in at.dataframe for c in frame.value.columns]
