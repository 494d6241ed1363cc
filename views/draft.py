"""The Word draft: the strategy in the guide's eleven-section template, ready to download."""

import streamlit as st

from strategy.answers.progress import chapter_progress
from strategy.core.audit_log import record_now
from strategy.core.errors import WorkbookError
from strategy.core.text import md_escape
from strategy.documents.draft import draft_filename, export_docx
from strategy.ui.layout import page_context
from strategy.ui.pages import progress_table
from strategy.ui.state import current_author, show_error
from strategy.word.pdf import NOT_INSTALLED, pdf_available, to_pdf

engine, partnership = page_context()

st.title("Word draft")
st.markdown(
    f"The draft strategy for **{md_escape(partnership.name)}**, in the guide's eleven-section template "
    "(Guide §2). Sections the workbook has no answers for yet say what is missing and which chapter fills them."
)
st.dataframe(progress_table(chapter_progress(engine, partnership.id)), hide_index=True)

if st.button("Build the Word draft", type="primary"):
    with st.status("Building the Word draft…", expanded=False) as status:
        try:
            st.session_state["draft_docx"] = (partnership.id, export_docx(engine, partnership.id), draft_filename(partnership))
            record_now(engine, current_author(), "export", partnership_id=partnership.id, detail="Word draft")
            status.update(label="The Word draft is ready.", state="complete")
        except WorkbookError as exc:
            status.update(label="The draft could not be built.", state="error")
            show_error(exc)

built = st.session_state.get("draft_docx")
if built and built[0] == partnership.id:
    st.download_button(
        "Download the Word draft",
        data=built[1],
        file_name=built[2],
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        icon="📄",
    )
    # The same draft as a tagged, accessible PDF, made by LibreOffice where it is installed.
    if not pdf_available():
        st.info(NOT_INSTALLED)
    elif st.button("Make a PDF of this draft"):
        with st.spinner("Making the PDF with LibreOffice…"):
            try:
                st.session_state["draft_pdf"] = (partnership.id, built[1], to_pdf(built[1]))
                record_now(engine, current_author(), "export", partnership_id=partnership.id, detail="PDF of the Word draft")
            except WorkbookError as exc:
                show_error(exc)
    made = st.session_state.get("draft_pdf")
    if made and made[0] == partnership.id and made[1] == built[1]:
        st.download_button(
            "Download as PDF", data=made[2], file_name=built[2].removesuffix(".docx") + ".pdf", mime="application/pdf", icon="📕"
        )
