"""The Word draft: the strategy in the guide's eleven-section template, ready to download."""

import streamlit as st

from strategy.answers.progress import chapter_progress
from strategy.core.audit_log import record_now
from strategy.core.text import md_escape
from strategy.documents.draft import draft_filename, export_docx
from strategy.ui.building import build_document
from strategy.ui.layout import page_context
from strategy.ui.pages import progress_table
from strategy.ui.state import current_author

engine, partnership = page_context()

st.title("Word draft")
st.markdown(
    f"The draft strategy for **{md_escape(partnership.name)}**, in the guide's eleven-section template "
    "(Guide §2). Sections the workbook has no answers for yet say what is missing and which chapter fills them."
)
st.dataframe(progress_table(chapter_progress(engine, partnership.id)), hide_index=True)

if st.button("Build the Word draft", type="primary"):
    data = build_document("the Word draft", lambda: export_docx(engine, partnership.id))
    if data is not None:
        st.session_state["draft_docx"] = (partnership.id, data, draft_filename(partnership))
        record_now(engine, current_author(), "export", partnership_id=partnership.id, detail="Word draft")

built = st.session_state.get("draft_docx")
if built and built[0] == partnership.id:
    st.download_button(
        "Download the Word draft",
        data=built[1],
        file_name=built[2],
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        icon="📄",
    )
