"""The Word draft: the strategy in the guide's eleven-section template, ready to download (and as a
tagged PDF), and the strategy on a page. Each is built in the background: the person can go on
working on another page and find it here when they come back."""

import streamlit as st

from strategy.answers.progress import chapter_progress
from strategy.core.audit_log import record_now
from strategy.core.text import md_escape
from strategy.documents.draft import draft_filename, export_docx
from strategy.documents.on_a_page import build_on_a_page, on_a_page_filename
from strategy.ui.building import document_job, pdf_offer
from strategy.ui.document_language import document_language
from strategy.ui.downloads import offer_download
from strategy.ui.language import t, title_of, ui_language
from strategy.ui.layout import page_context
from strategy.ui.pages import progress_table
from strategy.ui.state import current_author
from strategy.word.pdf import pdf_available, to_png

engine, partnership = page_context()
pid = partnership.id
author = current_author()

st.title(t("nav.draft"))
st.markdown(t("publish.draft.intro", name=md_escape(partnership.name)))
progress = chapter_progress(engine, pid)
table = progress_table(progress)
if ui_language() != "en":  # the chapters' titles and the column names in the person's language
    table["Chapter"] = [title_of(p.chapter) for p in progress]
    table = table.rename(columns={c: t(f"publish.draft.col.{c.lower().replace(' ', '_')}") for c in table.columns})
st.dataframe(table, hide_index=True)

language = document_language(engine, partnership)  # Wales: English, Welsh or both; England: English
what = t(f"publish.draft.what_{language}")
detail = "the Word draft" + {"cy": " in Welsh", "bilingual": " in Welsh and English"}.get(language, "")  # the audit log's English
data = document_job(
    engine,
    ("draft", pid) if language == "en" else ("draft", pid, language),
    what,
    lambda: export_docx(engine, pid, language=language),
    button=t("publish.draft.build"),
    done=lambda _: record_now(engine, author, "export", partnership_id=pid, detail=detail[4].upper() + detail[5:]),
)
if data is not None:
    st.session_state["draft_docx"] = (pid, data, draft_filename(partnership, language=language))

built = st.session_state.get("draft_docx")
if built and built[0] == pid:
    offer_download(
        st,
        t("publish.draft.download"),
        data=built[1],
        file_name=built[2],
        icon="📄",
    )
    # The same draft as a tagged, accessible PDF, made by LibreOffice where it is installed.
    pdf_offer(
        engine,
        ("draft", pid),
        built[1],
        built[2],
        t("publish.draft.what_en"),
        done=lambda _: record_now(engine, author, "export", partnership_id=pid, detail="PDF of the Word draft"),
    )

st.header(t("publish.draft.on_a_page"))
st.markdown(t("publish.draft.on_a_page_intro"))
summary = document_job(
    engine,
    ("on-a-page", pid) if language == "en" else ("on-a-page", pid, language),
    t("publish.draft.on_a_page_what"),
    lambda: (page := build_on_a_page(engine, pid, language=language), to_png(page) if pdf_available() else None),
    button=t("publish.draft.on_a_page_build"),
    primary=False,
    done=lambda _: record_now(engine, author, "export", partnership_id=pid, detail="Strategy on a page"),
)
if summary is not None:
    name = on_a_page_filename(partnership.name, language=language)
    offer_download(
        st,
        t("publish.draft.on_a_page_download"),
        data=summary[0],
        file_name=name,
        icon="📄",
    )
    if summary[1] is not None:
        st.image(summary[1], caption=t("publish.draft.on_a_page"))
        offer_download(
            st,
            t("publish.draft.on_a_page_png"),
            data=summary[1],
            file_name=name.removesuffix(".docx") + ".png",
        )
    else:
        st.info(t("publish.draft.not_installed"))
