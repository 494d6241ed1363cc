"""Child Sexual Abuse Strategy Workbook: the entry point. Routes only; pages do the rest."""

import streamlit as st

from strategy.core.errors import StorageError
from strategy.ui.a11y import page_frame, set_title
from strategy.ui.browser import page_script
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

# Every page file is registered here, grouped as the guide is (Part A, Part B, Part C).
navigation = st.navigation(
    {
        "Your workbook": [
            st.Page("views/home.py", title="Home", icon="🏠", default=True),
            st.Page("views/partnerships.py", title="Partnerships", icon="🤝"),
            st.Page("views/introduction.py", title="Introduction", icon="📖"),
        ],
        "Part A: Where you are": [
            st.Page("views/shared_vision.py", title="Shared vision and governance", icon="🧭"),
            st.Page("views/involvement.py", title="Involvement: you said, we did", icon="🗣️"),
            st.Page("views/workshop.py", title="Workshops", icon="🗳️"),
            st.Page("views/context.py", title="Context", icon="🗺️"),
            st.Page("views/current_response.py", title="Current response", icon="🔎"),
            st.Page("views/workforce.py", title="Workforce", icon="👥"),
            st.Page("views/theory_of_change.py", title="Theory of Change", icon="🧩"),
            st.Page("views/evaluation.py", title="Evaluation framework", icon="📏"),
        ],
        "Part B: Core components": [
            st.Page("views/prevention.py", title="Prevention and disruption", icon="🛡️"),
            st.Page("views/identification.py", title="Identification", icon="👁️"),
            st.Page("views/whole_system.py", title="Whole-system response", icon="🔗"),
            st.Page("views/workforce_development.py", title="Workforce development", icon="🎓"),
            st.Page("views/action_plan.py", title="Action plan", icon="🗓️"),
            st.Page("views/chain.py", title="From evidence to plan", icon="⛓️"),
        ],
        "Where you stand: snapshot and audits": [
            st.Page("views/snapshot.py", title="System-wide snapshot", icon="🧩"),
            st.Page("views/snapshot_results.py", title="Snapshot results", icon="📊"),
            st.Page("views/audits.py", title="Thematic audits", icon="🔬"),
        ],
        "Part C: Into practice": [
            st.Page("views/finalise.py", title="Finalise", icon="✅"),
            st.Page("views/readiness.py", title="Readiness check", icon="🎯"),
            st.Page("views/review.py", title="Review", icon="💬"),
            st.Page("views/draft.py", title="Word draft", icon="📄"),
            st.Page("views/implementation.py", title="Implementation", icon="🚀"),
            st.Page("views/progress_updates.py", title="Progress updates", icon="📝"),
            st.Page("views/indicators.py", title="Indicators", icon="📈"),
            st.Page("views/feedback_review.py", title="Feedback and review", icon="🔁"),
            st.Page("views/scrutiny.py", title="Scrutineer's dashboard", icon="🔍"),
        ],
        "People and safety": [
            st.Page("views/members.py", title="Members", icon="🧑‍🤝‍🧑"),
            st.Page("views/audit_log.py", title="Audit log", icon="🗒️"),
            st.Page("views/backup.py", title="Backup and restore", icon="💾"),
            st.Page("views/account.py", title="Your account", icon="🔑"),
            st.Page("views/privacy.py", title="Privacy notice", icon="🔏"),
        ],
    },
    position="sidebar" if signed_in else "hidden",
    expanded=True,  # the whole guide in order, never "View 21 more"
)
if not signed_in:
    # The sign-in (or first-run) form instead of the page asked for; the address keeps that page,
    # so signing in opens it.
    set_title("Sign in")
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
