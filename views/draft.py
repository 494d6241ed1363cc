"""The Word draft: the strategy in the guide's eleven-section template, ready to download."""

import streamlit as st

from strategy.answers.progress import chapter_progress
from strategy.core.audit_log import record_now
from strategy.core.text import md_escape
from strategy.documents.draft import draft_filename, export_docx
from strategy.documents.on_a_page import build_on_a_page, on_a_page_filename
from strategy.ui.building import build_document
from strategy.ui.layout import page_context
from strategy.ui.pages import progress_table
from strategy.ui.state import current_author
from strategy.word.pdf import NOT_INSTALLED, pdf_available, to_pdf, to_png

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
    # The same draft as a tagged, accessible PDF, made by LibreOffice where it is installed.
    if not pdf_available():
        st.info(NOT_INSTALLED)
    elif st.button("Make a PDF of this draft"):
        pdf = build_document("the PDF", lambda: to_pdf(built[1]))
        if pdf is not None:
            st.session_state["draft_pdf"] = (partnership.id, built[1], pdf)
            record_now(engine, current_author(), "export", partnership_id=partnership.id, detail="PDF of the Word draft")
    made = st.session_state.get("draft_pdf")
    if made and made[0] == partnership.id and made[1] == built[1]:
        st.download_button(
            "Download as PDF", data=made[2], file_name=built[2].removesuffix(".docx") + ".pdf", mime="application/pdf", icon="📕"
        )

st.header("The strategy on a page")
st.markdown(
    "One A4 landscape page to pin to the wall or put at the front of board papers: the vision, the priorities, "
    "each aim with its outcomes and headline measures, from the same answers and plan as the draft."
)
if st.button("Build the strategy on a page"):
    made_page = build_document(
        "the strategy on a page",
        lambda: (page := build_on_a_page(engine, partnership.id), to_png(page) if pdf_available() else None),
    )
    if made_page is not None:
        st.session_state["on_a_page"] = (partnership.id, *made_page, on_a_page_filename(partnership.name))
        record_now(engine, current_author(), "export", partnership_id=partnership.id, detail="Strategy on a page")
summary = st.session_state.get("on_a_page")
if summary and summary[0] == partnership.id:
    st.download_button(
        "Download the strategy on a page (Word)",
        data=summary[1],
        file_name=summary[3],
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        icon="📄",
    )
    if summary[2] is not None:
        st.image(summary[2], caption="The strategy on a page")
        st.download_button(
            "Download the strategy on a page (PNG picture)",
            data=summary[2],
            file_name=summary[3].removesuffix(".docx") + ".png",
            mime="image/png",
        )
    else:
        st.info(NOT_INSTALLED)
