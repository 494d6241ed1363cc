"""Child Sexual Abuse Strategy Workbook: the entry point. Routes only; pages do the rest."""

import streamlit as st

from strategy.ui.layout import sidebar
from strategy.ui.state import engine_or_stop

st.set_page_config(page_title="Child Sexual Abuse Strategy Workbook", page_icon="📘", layout="wide")

engine = engine_or_stop()

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
        ],
        "Part C: Into practice": [
            st.Page("views/finalise.py", title="Finalise", icon="✅"),
            st.Page("views/readiness.py", title="Readiness check", icon="🎯"),
            st.Page("views/draft.py", title="Word draft", icon="📄"),
            st.Page("views/implementation.py", title="Implementation", icon="🚀"),
            st.Page("views/progress_updates.py", title="Progress updates", icon="📝"),
            st.Page("views/indicators.py", title="Indicators", icon="📈"),
            st.Page("views/feedback_review.py", title="Feedback and review", icon="🔁"),
            st.Page("views/scrutiny.py", title="Scrutineer's dashboard", icon="🔍"),
        ],
    }
)
sidebar(engine)
navigation.run()
