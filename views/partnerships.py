"""Partnerships: create, switch, rename and change details, archive."""

import pandas as pd
import streamlit as st

from strategy.core.access import can, readable_partnerships
from strategy.core.errors import WorkbookError
from strategy.core.text import md_escape
from strategy.people.partnerships import create_partnership, list_partnerships, period_label, set_archived, update_partnership
from strategy.ui.language import t
from strategy.ui.layout import page_context
from strategy.ui.period_views import next_period_started, next_period_step, period_links
from strategy.ui.state import choose_partnership, current_author, show_error

engine, current = page_context(need_partnership=False)
author = current_author()
NATIONS = ("england", "wales")


def _nation(nation: str) -> str:
    return t(f"frame2.partnerships.{nation}")


st.title(t("nav.partnerships"))
st.caption(t("frame2.partnerships.caption"))
next_period_started()
if current:
    period_links(engine, current)


def _archive(partnership_id: int, archived: bool) -> None:
    try:
        set_archived(engine, partnership_id, archived, author=author)
        if archived:
            choose_partnership(None)
    except WorkbookError as exc:
        st.session_state["partnerships_error"] = exc.message


if st.session_state.get("partnerships_error"):
    show_error(WorkbookError(st.session_state.pop("partnerships_error")))
show_archived = st.toggle(t("frame2.partnerships.show_archived"))
partnerships = readable_partnerships(engine, author, list_partnerships(engine, include_archived=show_archived))
if partnerships:
    st.dataframe(
        pd.DataFrame(
            {
                t("frame2.partnerships.name"): [p.name for p in partnerships],
                t("frame2.partnerships.nation"): [_nation(p.nation) for p in partnerships],
                t("frame2.partnerships.areas"): [p.areas for p in partnerships],
                t("frame2.partnerships.period"): [period_label(p) for p in partnerships],
                t("frame2.partnerships.archived"): [t("frame2.partnerships.yes") if p.archived else "" for p in partnerships],
            }
        ),
        hide_index=True,
    )
    for p in partnerships:
        cols = st.columns([6, 2, 2])
        cols[0].markdown(md_escape(p.name) + (t("frame2.partnerships.archived_suffix") if p.archived else ""))
        if current and current.id == p.id:
            cols[1].markdown(t("frame2.partnerships.in_use"))
        else:
            cols[1].button(t("frame2.partnerships.open"), key=f"open-{p.id}", on_click=choose_partnership, args=(p.id,))
        if p.archived and can(engine, author, p.id, "manage"):
            cols[2].button(t("frame2.partnerships.bring_back"), key=f"unarchive-{p.id}", on_click=_archive, args=(p.id, False))
else:
    st.info(t("frame2.partnerships.none"))

st.header(t("frame2.partnerships.create_heading"))
st.caption(t("frame2.partnerships.create_caption"))
with st.form("create_partnership", clear_on_submit=False):
    name = st.text_input(t("frame2.partnerships.name"), max_chars=120, placeholder=t("frame2.partnerships.name_example"))
    nation = st.radio(
        t("frame2.partnerships.nation"),
        list(NATIONS),
        format_func=_nation,
        horizontal=True,
        help=t("frame2.partnerships.nation_help"),
    )
    areas = st.text_input(t("frame2.partnerships.areas"), placeholder=t("frame2.partnerships.areas_placeholder"))
    c1, c2 = st.columns(2)
    start = c1.text_input(t("frame2.partnerships.first_year"), placeholder="2026")
    end = c2.text_input(t("frame2.partnerships.last_year"), placeholder="2029")
    if st.form_submit_button(t("frame2.partnerships.create"), type="primary"):
        try:
            created = create_partnership(engine, name=name, nation=nation, areas=areas, period_start=start, period_end=end, author=author)
            choose_partnership(created.id)
            st.success(t("frame2.partnerships.created", name=md_escape(created.name)))
            st.rerun()
        except WorkbookError as exc:
            show_error(exc)

if current and not can(engine, author, current.id, "manage"):
    st.header(t("frame2.partnerships.details_of", name=md_escape(current.name)))
    st.text(f"{current.name}\n{_nation(current.nation)}\n{current.areas}\n{period_label(current)}".strip())
    st.caption(t("frame2.partnerships.owners_only"))
elif current:
    st.header(t("frame2.partnerships.details_of", name=md_escape(current.name)))
    with st.form("edit_partnership"):
        new_name = st.text_input(t("frame2.partnerships.name"), value=current.name, max_chars=120)
        new_nation = st.radio(
            t("frame2.partnerships.nation"), list(NATIONS), index=list(NATIONS).index(current.nation), format_func=_nation, horizontal=True
        )
        new_areas = st.text_input(t("frame2.partnerships.areas"), value=current.areas)
        c1, c2 = st.columns(2)
        new_start = c1.text_input(t("frame2.partnerships.first_year"), value=str(current.period_start or ""))
        new_end = c2.text_input(t("frame2.partnerships.last_year"), value=str(current.period_end or ""))
        if st.form_submit_button(t("frame2.partnerships.save")):
            try:
                update_partnership(
                    engine,
                    current.id,
                    name=new_name,
                    nation=new_nation,
                    areas=new_areas,
                    period_start=new_start,
                    period_end=new_end,
                    author=author,
                )
                st.rerun()
            except WorkbookError as exc:
                show_error(exc)
    if not current.archived:
        st.button(
            t("frame2.partnerships.archive"),
            help=t("frame2.partnerships.archive_help"),
            on_click=_archive,
            args=(current.id, True),
        )

if current:
    next_period_step(engine, current, author)
