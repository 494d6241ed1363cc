"""Review (Guide §13.2): freeze numbered draft versions for reviewers, compare two versions chapter
by chapter, and comment on each section of the draft (optionally against a criterion)."""

import pandas as pd
import streamlit as st

from strategy.answers.comments import open_counts, threads
from strategy.core.access import can
from strategy.core.dates import uk_time
from strategy.core.errors import WorkbookError
from strategy.core.text import md_escape
from strategy.documents.draft import draft_filename, version_docx
from strategy.finalise.review import CURRENT, add_section_comment, compare, freeze_version, label, list_versions
from strategy.guide.content import content
from strategy.ui.building import document_job
from strategy.ui.comments_panel import comments_panel
from strategy.ui.document_language import language_choice
from strategy.ui.language import t
from strategy.ui.layout import page_context
from strategy.ui.state import current_author, show_error

engine, partnership = page_context()
pid, author = partnership.id, current_author()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

st.title(t("nav.review"))
st.caption(f"{md_escape(partnership.name)} · Guide §13.2")
st.markdown(
    "Before the strategy goes for sign-off, people inside and outside the steering group read a draft and say "
    "what should change. Freeze a numbered version for them to read while the writing goes on, see what changed "
    "since, and collect their comments section by section. Comments are resolved, never deleted."
)

# --- Versions ------------------------------------------------------------------------------------
st.header("Draft versions", divider="gray")
versions = list_versions(engine, pid)
if can(engine, author, pid, "edit"):
    with st.form("freeze"):
        note = st.text_input(
            "What is this version for? (optional)", max_chars=2000, placeholder="for example, for the steering group on 12/03/2027"
        )
        if st.form_submit_button(f"Freeze the current text as {label((versions[0].number if versions else 0) + 1)}", type="primary"):
            try:
                version = freeze_version(engine, pid, note=note, author=author)
                st.success(f"Froze {label(version.number)}. Reviewers can read it while editing goes on.")
                st.rerun()
            except WorkbookError as exc:
                show_error(exc)
if versions:
    st.dataframe(
        pd.DataFrame(
            {
                "Version": [label(v.number) for v in versions],
                "Frozen": [uk_time(v.created_at) for v in versions],
                "By": [v.created_by_name for v in versions],
                "What it is for": [v.note for v in versions],
            }
        ),
        hide_index=True,
    )
else:
    st.info("No version frozen yet. The Word draft page always has the current text.")

choices = [CURRENT] + [label(v.number) for v in versions]
names = {CURRENT: "The current text", **{label(v.number): label(v.number) for v in versions}}
cols = st.columns([3, 2])
which = cols[0].selectbox("Word document of", choices, format_func=names.get, key="review_doc_of")
review_copy = cols[1].toggle("Review copy", value=True, help="Lists the open comments at the end of each section.")
language = language_choice(partnership, "review")  # Wales: English, Welsh or both; England: English
# Built in the background: the person can go on reading the comments below, or another page, meanwhile.
built = document_job(
    engine,
    ("review", pid, which, review_copy) if language == "en" else ("review", pid, which, review_copy, language),
    "the Word document" + {"cy": " in Welsh", "bilingual": " in Welsh and English"}.get(language, ""),
    lambda: version_docx(engine, pid, which, review_copy=review_copy, language=language),
    button="Build the document",
    primary=False,
)
if built is not None:
    name = draft_filename(partnership, language=language).replace(
        "-draft-", f"-{which if which != CURRENT else 'draft'}{'-review-copy' if review_copy else ''}-"
    )
    st.download_button("Download the Word document", data=built, file_name=name, mime=DOCX, icon="📄")

# --- What changed ---------------------------------------------------------------------------------
st.header("What changed", divider="gray")
if not versions:
    st.caption("Freeze a version first; then you can see what changed since.")
else:
    cols = st.columns(2)
    older = cols[0].selectbox("From", choices[1:], format_func=names.get, key="review_from")
    newer = cols[1].selectbox("To", choices, format_func=names.get, key="review_to")
    try:
        groups = compare(engine, pid, older, newer)
    except WorkbookError as exc:
        show_error(exc)
        groups = []
    if not groups:
        st.success(f"Nothing changed between {names[older]} and {names[newer].lower()}.", icon="✅")
    for group in groups:
        with st.expander(f"{group.title} ({len(group.changes)})", expanded=len(groups) <= 3):
            for change in group.changes:
                st.text(f"• {change}")

# --- Comments on the draft -------------------------------------------------------------------------
st.header("Comments on the draft", divider="gray")
sections = content().reference("template_sections").items
criteria = {c["id"]: c["label"] for c in content().reference("criteria").items}
counts = open_counts(engine, pid)
commented = {t.comment.target_key for t in threads(engine, pid, "section")}
if can(engine, author, pid, "comment"):
    with st.form("section_comment", clear_on_submit=True):
        cols = st.columns(2)
        section_id = cols[0].selectbox(
            "Section", [s["id"] for s in sections], format_func={s["id"]: f"{s['number']}. {s['label']}" for s in sections}.get
        )
        criterion = cols[1].selectbox(
            "Criterion (optional)",
            [""] + list(criteria),
            format_func=lambda c: criteria.get(c, "None in particular"),
            help="The five criteria for success (Guide §13.1).",
        )
        text = st.text_area(
            "Comment",
            max_chars=5000,
            help="Comments are kept: they can be resolved but not deleted. Do not name or describe a child or family.",
        )
        if st.form_submit_button("Add the comment"):
            try:
                add_section_comment(engine, pid, section_id=section_id, criterion=criterion or None, text=text, author=author)
                st.rerun()
            except WorkbookError as exc:
                show_error(exc)
for section in sections:
    keys = [section["id"]] + [f"{section['id']}/{c}" for c in criteria]
    open_here = sum(counts.get(("section", key), 0) for key in keys)
    st.markdown(f"**{section['number']}. {md_escape(section['label'])}**" + (f" · {open_here} open" if open_here else ""))
    comments_panel(engine, partnership, "", "section", section["id"], counts.get(("section", section["id"]), 0))
    for criterion_id, criterion_label in criteria.items():
        key = f"{section['id']}/{criterion_id}"
        if key in commented:
            st.caption(f"On {criterion_label.lower()}")
            comments_panel(engine, partnership, "", "section", key, counts.get(("section", key), 0))
