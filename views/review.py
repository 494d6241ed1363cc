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
from strategy.ui.downloads import offer_download
from strategy.ui.language import list_names, t, ui_language
from strategy.ui.layout import page_context
from strategy.ui.state import current_author, show_error

engine, partnership = page_context()
pid, author = partnership.id, current_author()

st.title(t("nav.review"))
st.caption(f"{md_escape(partnership.name)} · {t('chapter.guide', ref='§13.2')}")
st.markdown(t("publish.review.intro"))

# --- Versions ------------------------------------------------------------------------------------
st.header(t("publish.review.versions"), divider="gray")
versions = list_versions(engine, pid)
if can(engine, author, pid, "edit"):
    with st.form("freeze"):
        note = st.text_input(t("publish.review.for_what"), max_chars=2000, placeholder=t("publish.review.for_what_example"))
        if st.form_submit_button(t("publish.review.freeze", version=label((versions[0].number if versions else 0) + 1)), type="primary"):
            try:
                version = freeze_version(engine, pid, note=note, author=author)
                st.success(t("publish.review.frozen", version=label(version.number)))
                st.rerun()
            except WorkbookError as exc:
                show_error(exc)
if versions:
    st.dataframe(
        pd.DataFrame(
            {
                t("publish.review.col.version"): [label(v.number) for v in versions],
                t("publish.review.col.frozen"): [uk_time(v.created_at) for v in versions],
                t("publish.col.by"): [v.created_by_name for v in versions],
                t("publish.review.col.for_what"): [v.note for v in versions],
            }
        ),
        hide_index=True,
    )
else:
    st.info(t("publish.review.none_frozen"))

choices = [CURRENT] + [label(v.number) for v in versions]
names = {CURRENT: t("publish.review.current"), **{label(v.number): label(v.number) for v in versions}}
cols = st.columns([3, 2])
which = cols[0].selectbox(t("publish.review.document_of"), choices, format_func=names.get, key="review_doc_of")
review_copy = cols[1].toggle(t("publish.review.review_copy"), value=True, help=t("publish.review.review_copy_help"))
language = language_choice(partnership, "review")  # Wales: English, Welsh or both; England: English
# Built in the background: the person can go on reading the comments below, or another page, meanwhile.
built = document_job(
    engine,
    ("review", pid, which, review_copy) if language == "en" else ("review", pid, which, review_copy, language),
    t(f"publish.review.what_{language}"),
    lambda: version_docx(engine, pid, which, review_copy=review_copy, language=language),
    button=t("publish.review.build"),
    primary=False,
)
if built is not None:
    name = draft_filename(partnership, language=language).replace(
        "-draft-", f"-{which if which != CURRENT else 'draft'}{'-review-copy' if review_copy else ''}-"
    )
    offer_download(st, t("publish.review.download"), data=built, file_name=name, icon="📄")

# --- What changed ---------------------------------------------------------------------------------
st.header(t("publish.review.what_changed"), divider="gray")
if not versions:
    st.caption(t("publish.review.freeze_first"))
else:
    cols = st.columns(2)
    older = cols[0].selectbox(t("publish.review.from"), choices[1:], format_func=names.get, key="review_from")
    newer = cols[1].selectbox(t("publish.review.to"), choices, format_func=names.get, key="review_to")
    try:
        groups = compare(engine, pid, older, newer, language=ui_language())
    except WorkbookError as exc:
        show_error(exc)
        groups = []
    if not groups:
        st.success(t("publish.review.nothing_changed", older=names[older], newer=names[newer].lower()), icon="✅")
    for group in groups:
        with st.expander(f"{group.title} ({len(group.changes)})", expanded=len(groups) <= 3):
            for change in group.changes:
                st.text(f"• {change}")

# --- Comments on the draft -------------------------------------------------------------------------
st.header(t("publish.review.comments"), divider="gray")
sections = content().reference("template_sections").items
section_names = list_names("template_sections")  # the template's sections in the person's language
criteria = {c["id"]: t(f"publish.readiness.{c['id']}.label") for c in content().reference("criteria").items}
counts = open_counts(engine, pid)
commented = {t.comment.target_key for t in threads(engine, pid, "section")}
if can(engine, author, pid, "comment"):
    with st.form("section_comment", clear_on_submit=True):
        cols = st.columns(2)
        section_id = cols[0].selectbox(
            t("publish.review.section"),
            [s["id"] for s in sections],
            format_func={s["id"]: f"{s['number']}. {section_names.get(s['id'], s['label'])}" for s in sections}.get,
        )
        criterion = cols[1].selectbox(
            t("publish.review.criterion"),
            [""] + list(criteria),
            format_func=lambda c: criteria.get(c, t("publish.review.no_criterion")),
            help=t("publish.review.criterion_help"),
        )
        text = st.text_area(t("publish.col.comment"), max_chars=5000, help=t("publish.review.comment_help"))
        if st.form_submit_button(t("publish.review.add")):
            try:
                add_section_comment(engine, pid, section_id=section_id, criterion=criterion or None, text=text, author=author)
                st.rerun()
            except WorkbookError as exc:
                show_error(exc)
for section in sections:
    keys = [section["id"]] + [f"{section['id']}/{c}" for c in criteria]
    open_here = sum(counts.get(("section", key), 0) for key in keys)
    st.markdown(
        f"**{section['number']}. {md_escape(section_names.get(section['id'], section['label']))}**"
        + (t("publish.review.open", count=open_here) if open_here else "")
    )
    comments_panel(engine, partnership, "", "section", section["id"], counts.get(("section", section["id"]), 0))
    for criterion_id, criterion_label in criteria.items():
        key = f"{section['id']}/{criterion_id}"
        if key in commented:
            st.caption(t("publish.review.on", criterion=criterion_label.lower()))
            comments_panel(engine, partnership, "", "section", key, counts.get(("section", key), 0))
