"""What makes every page clear to everyone (WCAG 2.2 AA): its own browser title, a visible focus ring,
caption text dark enough to read, date fields large enough to hit, and the safeguarding reminder shown
once, in full contrast. (The skip link to the main content is Streamlit's own.)

The style sheet injected here is fixed text of the workbook's own: nothing a person typed ever goes into
it (a partnership's name reaches only the document title, which the browser shows as plain text)."""

from __future__ import annotations

import streamlit as st

from strategy.ui.language import t

#: The product's short name, last in every browser title (in English; ``app.short_title`` in the person's
#: language).
PRODUCT = "CSA Strategy Workbook"

#: The one safeguarding reminder, shown once per page near its first free-text box (its English:
#: the screens say it in the person's language, frame2.a11y.reminder).
SAFEGUARDING_REMINDER = (
    "This is a strategy, not a case record: please do not enter names or other details that could "
    "identify a child, a family or the person who has sexually abused a child."
)

#: Ink for caption text, at full opacity: #595959 on white is 7:1 (Streamlit's own caption, grey at 60 %
#: opacity, is about 3.9:1; the "Saved at ... by ..." line is one).
CAPTION_INK = "#595959"
#: The focus ring: dark blue, 3 px, outside the element (3:1 against white and against the controls).
FOCUS_INK = "#1F4E79"

_STYLE = f"""
<style>
  :focus-visible {{ outline: 3px solid {FOCUS_INK} !important; outline-offset: 2px !important; }}
  [data-testid="stCaptionContainer"] {{ opacity: 1; color: {CAPTION_INK}; }}
  [data-testid="stCaptionContainer"] p {{ color: {CAPTION_INK}; }}
  [data-testid="stDateInputField"] [role="spinbutton"] {{
    display: inline-flex; align-items: center; justify-content: center; min-height: 24px; min-width: 24px;
  }}
  [data-testid="stDateInputCalendarButton"] {{ min-width: 24px; min-height: 24px; }}
</style>
"""


def page_title(page: str, partnership: str | None = None, product: str = PRODUCT) -> str:
    """The browser title: "Action plan · Demo partnership · CSA Strategy Workbook" (without a
    partnership, "Home · CSA Strategy Workbook"), so a person with many tabs open can tell them apart."""
    parts = [page.strip(), (partnership or "").strip(), product]
    return " · ".join(p for p in parts if p)


def set_title(page: str, partnership: str | None = None) -> None:
    st.set_page_config(page_title=page_title(page, partnership, t("app.short_title")))


def page_frame() -> None:
    """The focus ring, readable captions and date fields' touch targets, on every page: a style sheet
    only (fixed text, no script). The skip link is Streamlit's own (1.67: "Skip to main content", the first
    Tab stop, moving the focus to the main area), checked by tests/test_accessibility.py."""
    st.html(_STYLE)


def safeguarding_reminder() -> None:
    """The reminder never to identify a child, in full-contrast text (not a grey caption)."""
    st.info(t("frame2.a11y.reminder"), icon="🛡️")
