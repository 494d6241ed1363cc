"""System-wide snapshot: the strategic session, one statement at a time on a shared screen."""

import streamlit as st

from strategy.assessments import snapshot as sn
from strategy.core.errors import Conflict, WorkbookError
from strategy.core.text import md_escape
from strategy.ui.a11y import safeguarding_reminder
from strategy.ui.language import t
from strategy.ui.layout import page_context
from strategy.ui.read_only import read_only_text
from strategy.ui.snapshot_views import (
    conflict_note,
    domain_name,
    flash,
    k,
    private_rating_panel,
    rating_buttons,
    scale_name,
    snapshot_picker,
)
from strategy.ui.state import current_author, error_text, show_error
from strategy.ui.widgets import identity_form

engine, partnership = page_context()
pid = partnership.id

st.title(t("nav.snapshot"))
st.markdown(t("assess.snap.intro"))
writer = identity_form()
author = current_author()

snaps = sn.list_snapshots(engine, pid)
if writer:  # scrutineers and viewers read the snapshots; they have nothing to start
    with st.expander(t("assess.snap.new"), expanded=not snaps):
        with st.form(k("new-snapshot", pid), clear_on_submit=True):
            title = st.text_input(t("assess.title"), placeholder=t("assess.snap.title_placeholder"), max_chars=200)
            held_on = st.date_input(t("assess.snap.held_on"), value=None, format="DD/MM/YYYY")
            if st.form_submit_button(t("assess.snap.start"), type="primary"):
                try:
                    snap = sn.create_snapshot(engine, pid, title=title, held_on=held_on, author=author)
                    st.session_state[k("snapshot", pid)] = snap.id
                    st.rerun()
                except WorkbookError as exc:
                    show_error(exc)
if not snaps:
    st.info(t("assess.snap.none_writer") if writer else t("assess.snap.none_reader"))
    st.stop()

snapshot_id = snapshot_picker(pid, snaps, "snapshot-pick")

statements = sn.snapshot_statements(engine, pid, snapshot_id)
rated = sn.ratings(engine, snapshot_id)
if not statements:
    st.warning(t("assess.snap.no_statements"))
    st.stop()

index_key = k("statement-index", pid, snapshot_id)
index = min(st.session_state.get(index_key, 0), len(statements) - 1)
done = sum(1 for s in statements if s.id in rated and rated[s.id].progress_rating is not None and rated[s.id].evidence_rating is not None)
st.progress(done / len(statements), text=t("assess.snap.progress", n=index + 1, total=len(statements), done=done))


def go_to(i: int) -> None:
    st.session_state[index_key] = max(0, min(len(statements) - 1, i))


labels = {
    i: f"{s.code} · {s.text[:80]}" + ("…" if len(s.text) > 80 else "") + (" ✓" if s.id in rated else "") for i, s in enumerate(statements)
}
jump = st.selectbox(t("assess.snap.go_to"), list(labels), index=index, format_func=labels.get, key=k("jump", pid, snapshot_id, index))
if jump != index:
    go_to(jump)
    st.rerun()

statement = statements[index]
rating = rated.get(statement.id)
version = rating.version if rating else 0
flash(k("session-flash", pid))

with st.container(border=True):
    st.caption(
        f"{domain_name(statement.domain)} · {statement.code}"
        + (t("assess.snap.guide", guide=statement.guide) if statement.guide else "")
        + (t("assess.snap.retired_mark") if statement.retired_at else "")
    )
    st.markdown("## " + md_escape(statement.text))


def save(**fields) -> None:
    # Several callbacks can run before the next rerun (a note left by clicking a rating): each starts
    # from the version this browser wrote last, so its own saves never conflict with each other.
    chain_key = k("rating-chain", pid, snapshot_id, statement.id)
    loaded, written = st.session_state.get(chain_key, (None, None))
    expected = written if loaded == version else version
    try:
        saved = sn.rate_statement(engine, pid, snapshot_id, statement.id, expected_version=expected, author=current_author(), **fields)
        st.session_state[chain_key] = (version, saved.version)
    except Conflict as exc:
        st.session_state[k("session-flash", pid)] = ("error", conflict_note(exc))
    except WorkbookError as exc:
        st.session_state[k("session-flash", pid)] = ("error", error_text(exc))


editable = writer and statement.retired_at is None
private_rating_panel(engine, pid, snapshot_id, statement.id, editable)
st.markdown("### " + t("assess.snap.evidence_question"))
rating_buttons(
    "evidence",
    rating.evidence_rating if rating else None,
    k("ev", pid, snapshot_id, statement.id),
    lambda v: save(evidence_rating=v),
    disabled=not editable,
)
st.markdown("### " + t("assess.snap.progress_question"))
rating_buttons(
    "progress",
    rating.progress_rating if rating else None,
    k("pr", pid, snapshot_id, statement.id),
    lambda v: save(progress_rating=v),
    disabled=not editable,
)

if editable:
    st.caption(t("assess.snap.notes_save"))
    safeguarding_reminder()
cols = st.columns(3)
for column, field in zip(cols, sn.TEXT_FIELDS, strict=True):
    label = t(f"assess.snap.field.{field}")
    key = k("note", pid, snapshot_id, statement.id, field, version)
    with column:
        if not editable:  # scrutineers, viewers and retired statements: the notes as text
            read_only_text(label, getattr(rating, field) if rating else "")
            continue
        st.text_area(
            label,
            value=getattr(rating, field) if rating else "",
            key=key,
            height=140,
            on_change=lambda field=field, key=key: save(**{field: st.session_state[key]}),
        )

prev, _, nxt = st.columns([1, 3, 1])
prev.button(t("assess.snap.previous"), on_click=go_to, args=(index - 1,), disabled=index == 0, use_container_width=True)
nxt.button(
    t("assess.snap.next"),
    on_click=go_to,
    args=(index + 1,),
    disabled=index == len(statements) - 1,
    use_container_width=True,
    type="primary",
)

with st.expander(t("assess.snap.scales")):
    for kind in ("evidence", "progress"):
        st.markdown(f"**{t(f'assess.scale.{kind}')}**")
        for p in sn.scale(kind):
            st.markdown(f"{p.value} · **{md_escape(scale_name(kind, p))}**: {md_escape(p.descriptor)}")

with st.expander(t("assess.snap.statements_edit") if writer else t("assess.snap.statements")):
    st.caption(t("assess.snap.statements_caption"))
    for s in sn.list_statements(engine, pid, retired=True):
        key = k("stmt", pid, s.id, s.version)
        c1, c2 = st.columns([5, 1])
        with c1:
            label = f"{s.code} · {domain_name(s.domain)}" + (t("assess.snap.retired") if s.retired_at else "")
            if not writer or s.retired_at is not None:
                read_only_text(label, s.text)
                text = s.text
            else:
                text = st.text_area(label, value=s.text, key=key, height=80)
            if writer and s.retired_at is None and text != s.text and st.button(t("assess.save"), key=k(key, "save")):
                try:
                    sn.edit_statement(engine, pid, s.id, text=text, expected_version=s.version, author=author)
                    st.rerun()
                except WorkbookError as exc:
                    show_error(exc)
        with c2:
            if writer and st.button(t("assess.bring_back") if s.retired_at else t("assess.snap.retire"), key=k(key, "retire")):
                sn.retire_statement(engine, pid, s.id, author=author, restore=s.retired_at is not None)
                st.rerun()
    if writer:
        with st.form(k("add-statement", pid), clear_on_submit=True):
            domain = st.selectbox(t("assess.col.domain"), [d.id for d in sn.domains()], format_func=domain_name)
            text = st.text_area(t("assess.snap.new_statement"), max_chars=sn.STATEMENT_LIMIT)
            if st.form_submit_button(t("assess.snap.add_statement")):
                try:
                    sn.add_statement(engine, pid, domain=domain, text=text, author=author)
                    st.rerun()
                except WorkbookError as exc:
                    show_error(exc)
