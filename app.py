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

# Every page file is registered here, grouped as the guide is (Part A, Part B, Part C); the titles in
# the person's own choice of language (data/language/interface.yaml, English unless they chose Cymraeg).
navigation = st.navigation(
    {
        t("nav.group.workbook"): [
            st.Page("views/home.py", title=t("nav.home"), icon="🏠", default=True),
            st.Page("views/partnerships.py", title=t("nav.partnerships"), icon="🤝"),
            st.Page("views/introduction.py", title=t("nav.introduction"), icon="📖"),
        ],
        t("nav.group.part_a"): [
            st.Page("views/shared_vision.py", title=t("nav.shared_vision"), icon="🧭"),
            st.Page("views/involvement.py", title=t("nav.involvement"), icon="🗣️"),
            st.Page("views/workshop.py", title=t("nav.workshop"), icon="🗳️"),
            st.Page("views/context.py", title=t("nav.context"), icon="🗺️"),
            st.Page("views/current_response.py", title=t("nav.current_response"), icon="🔎"),
            st.Page("views/workforce.py", title=t("nav.workforce"), icon="👥"),
            st.Page("views/theory_of_change.py", title=t("nav.theory_of_change"), icon="🧩"),
            st.Page("views/evaluation.py", title=t("nav.evaluation"), icon="📏"),
        ],
        t("nav.group.part_b"): [
            st.Page("views/prevention.py", title=t("nav.prevention"), icon="🛡️"),
            st.Page("views/identification.py", title=t("nav.identification"), icon="👁️"),
            st.Page("views/whole_system.py", title=t("nav.whole_system"), icon="🔗"),
            st.Page("views/workforce_development.py", title=t("nav.workforce_development"), icon="🎓"),
            st.Page("views/action_plan.py", title=t("nav.action_plan"), icon="🗓️"),
            st.Page("views/chain.py", title=t("nav.chain"), icon="⛓️"),
        ],
        t("nav.group.where_you_stand"): [
            st.Page("views/snapshot.py", title=t("nav.snapshot"), icon="🧩"),
            st.Page("views/snapshot_results.py", title=t("nav.snapshot_results"), icon="📊"),
            st.Page("views/audits.py", title=t("nav.audits"), icon="🔬"),
        ],
        t("nav.group.part_c"): [
            st.Page("views/finalise.py", title=t("nav.finalise"), icon="✅"),
            st.Page("views/readiness.py", title=t("nav.readiness"), icon="🎯"),
            st.Page("views/review.py", title=t("nav.review"), icon="💬"),
            st.Page("views/draft.py", title=t("nav.draft"), icon="📄"),
            st.Page("views/implementation.py", title=t("nav.implementation"), icon="🚀"),
            st.Page("views/progress_updates.py", title=t("nav.progress_updates"), icon="📝"),
            st.Page("views/indicators.py", title=t("nav.indicators"), icon="📈"),
            st.Page("views/feedback_review.py", title=t("nav.feedback_review"), icon="🔁"),
            st.Page("views/scrutiny.py", title=t("nav.scrutiny"), icon="🔍"),
        ],
        t("nav.group.people"): [
            st.Page("views/members.py", title=t("nav.members"), icon="🧑‍🤝‍🧑"),
            st.Page("views/audit_log.py", title=t("nav.audit_log"), icon="🗒️"),
            st.Page("views/backup.py", title=t("nav.backup"), icon="💾"),
            st.Page("views/account.py", title=t("nav.account"), icon="🔑"),
            st.Page("views/privacy.py", title=t("nav.privacy"), icon="🔏"),
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
