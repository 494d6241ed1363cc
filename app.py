"""Child Sexual Abuse Strategy Workbook: the entry point. Routes only; pages do the rest."""

import streamlit as st

from strategy.core.errors import StorageError
from strategy.ui.a11y import page_frame, set_title
from strategy.ui.browser import page_script
from strategy.ui.language import t
from strategy.ui.layout import database_unavailable, sidebar, unexpected_error
from strategy.ui.signin import require_account, sign_in_page
from strategy.ui.state import engine_or_stop
from strategy.ui.survey_views import public_survey_page, survey_token_in_address

# No page_title here: each page's own ("Action plan · Demo partnership · CSA Strategy Workbook") is set
# below, once the page and the partnership are known (set_page_config's calls add up).
st.set_page_config(page_icon="📘", layout="wide")
page_frame()  # the skip link, the focus ring, readable captions

engine = engine_or_stop()
survey_token = survey_token_in_address()
if survey_token is not None:
    # A survey link (?survey=TOKEN): the survey alone, answered without an account; no navigation and
    # nothing else of the workbook. Every other page stays behind the sign-in below.
    try:
        public_survey_page(engine, survey_token)
    except StorageError as exc:
        database_unavailable(exc)
    st.stop()
try:
    signed_in = require_account(engine)
except StorageError as exc:  # the database went away after the start (PostgreSQL restarting, say)
    database_unavailable(exc)
page_script(engine)  # saves long answers while typing; keeps the sign-in cookie (strategy/ui/browser.py)


def _page(name: str, icon: str, *, default: bool = False) -> st.Page:
    """views/NAME.py, titled by the interface's words ``nav.NAME``: in the person's own choice of language
    (data/language/interface.yaml, English unless they chose Cymraeg)."""
    return st.Page(f"views/{name}.py", title=t(f"nav.{name}"), icon=icon, default=default)


# Every page file is registered here, grouped as the guide is (Part A, Part B, Part C).
navigation = st.navigation(
    {
        t("nav.group.workbook"): [
            _page("home", "🏠", default=True),
            _page("partnerships", "🤝"),
            _page("introduction", "📖"),
        ],
        t("nav.group.part_a"): [
            _page("shared_vision", "🧭"),
            _page("involvement", "🗣️"),
            _page("workshop", "🗳️"),
            _page("context", "🗺️"),
            _page("current_response", "🔎"),
            _page("workforce", "👥"),
            _page("theory_of_change", "🧩"),
            _page("evaluation", "📏"),
        ],
        t("nav.group.part_b"): [
            _page("prevention", "🛡️"),
            _page("identification", "👁️"),
            _page("whole_system", "🔗"),
            _page("workforce_development", "🎓"),
            _page("action_plan", "🗓️"),
            _page("chain", "⛓️"),
        ],
        t("nav.group.where_you_stand"): [
            _page("snapshot", "🧩"),
            _page("snapshot_results", "📊"),
            _page("audits", "🔬"),
        ],
        t("nav.group.part_c"): [
            _page("finalise", "✅"),
            _page("readiness", "🎯"),
            _page("review", "💬"),
            _page("draft", "📄"),
            _page("implementation", "🚀"),
            _page("progress_updates", "📝"),
            _page("indicators", "📈"),
            _page("feedback_review", "🔁"),
            _page("scrutiny", "🔍"),
        ],
        t("nav.group.people"): [
            _page("members", "🧑‍🤝‍🧑"),
            _page("audit_log", "🗒️"),
            _page("backup", "💾"),
            _page("account", "🔑"),
            _page("privacy", "🔏"),
        ],
    },
    position="sidebar" if signed_in else "hidden",
    expanded=True,  # the whole guide in order, never "View 21 more"
)
if not signed_in:
    # The sign-in (or first-run) form instead of the page asked for; the address keeps that page,
    # so signing in opens it.
    set_title(t("nav.sign_in"))
    try:
        sign_in_page(engine)
    except StorageError as exc:
        database_unavailable(exc)
    st.stop()
try:
    partnership = sidebar(engine)
    set_title(navigation.title, partnership.name if partnership else None)
    navigation.run()
except StorageError as exc:
    database_unavailable(exc)
except Exception as exc:  # noqa: BLE001 - a fault in a page: a reference to quote, never a traceback
    unexpected_error(exc, navigation.title)
