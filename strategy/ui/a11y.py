"""What makes every page clear to everyone (WCAG 2.2 AA): its own browser title, a skip link to the main
content as the first Tab stop, a visible focus ring, caption text dark enough to read, and the
safeguarding reminder shown once, in full contrast.

The markup injected here is fixed text of the workbook's own: nothing a person typed ever goes into it
(a partnership's name reaches only the document title, which the browser shows as plain text)."""

from __future__ import annotations

import streamlit as st

#: The product's short name, last in every browser title.
PRODUCT = "CSA Strategy Workbook"

#: The one safeguarding reminder, shown once per page near its first free-text box.
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
  .workbook-skip-link {{
    position: absolute; left: 0.5rem; top: -4rem; z-index: 1000010;
    background: #ffffff; color: {FOCUS_INK}; padding: 0.75rem 1rem; font-weight: 600;
    border: 2px solid {FOCUS_INK}; border-radius: 0.25rem; text-decoration: underline;
  }}
  .workbook-skip-link:focus {{ top: 0.5rem; }}
  :focus-visible {{ outline: 3px solid {FOCUS_INK} !important; outline-offset: 2px !important; }}
  [data-testid="stCaptionContainer"] {{ opacity: 1; color: {CAPTION_INK}; }}
  [data-testid="stCaptionContainer"] p {{ color: {CAPTION_INK}; }}
  [data-testid="stDateInputField"] [role="spinbutton"] {{
    display: inline-flex; align-items: center; justify-content: center; min-height: 24px; min-width: 24px;
  }}
  [data-testid="stDateInputCalendarButton"] {{ min-width: 24px; min-height: 24px; }}
</style>
"""

# Puts the skip link first in the document (before Streamlit's header and sidebar), once per browser tab.
# Following it moves the focus to the page's main heading (or the main area), so the next Tab is in the page.
_SCRIPT = """
<script>
(function () {
  var doc = window.parent && window.parent.document ? window.parent.document : document;
  if (doc.getElementById("workbook-skip-link")) { return; }
  var link = doc.createElement("a");
  link.id = "workbook-skip-link";
  link.className = "workbook-skip-link";
  link.href = "#workbook-main";
  link.textContent = "Skip to main content";
  link.addEventListener("click", function (event) {
    event.preventDefault();
    var main = doc.querySelector("[data-testid='stMain']") || doc.querySelector("main");
    if (!main) { return; }
    var target = main.querySelector("h1") || main;
    target.setAttribute("tabindex", "-1");
    target.focus();
  });
  doc.body.insertBefore(link, doc.body.firstChild);
})();
</script>
"""


def page_title(page: str, partnership: str | None = None) -> str:
    """The browser title: "Action plan · Demo partnership · CSA Strategy Workbook" (without a
    partnership, "Home · CSA Strategy Workbook"), so a person with many tabs open can tell them apart."""
    parts = [page.strip(), (partnership or "").strip(), PRODUCT]
    return " · ".join(p for p in parts if p)


def set_title(page: str, partnership: str | None = None) -> None:
    st.set_page_config(page_title=page_title(page, partnership))


def page_frame() -> None:
    """The skip link, the focus ring and readable captions, on every page (fixed markup only)."""
    st.html(_STYLE + _SCRIPT, unsafe_allow_javascript=True)


def safeguarding_reminder() -> None:
    """The reminder never to identify a child, in full-contrast text (not a grey caption)."""
    st.info(SAFEGUARDING_REMINDER, icon="🛡️")
