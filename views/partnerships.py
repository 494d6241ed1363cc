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
NATIONS = {"england": "England", "wales": "Wales"}

st.title(t("nav.partnerships"))
st.caption("One workbook per safeguarding children partnership (in Wales, regional safeguarding board).")
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
show_archived = st.toggle("Show archived partnerships")
partnerships = readable_partnerships(engine, author, list_partnerships(engine, include_archived=show_archived))
if partnerships:
    st.dataframe(
        pd.DataFrame(
            {
                "Name": [p.name for p in partnerships],
                "Nation": [NATIONS[p.nation] for p in partnerships],
                "Areas covered": [p.areas for p in partnerships],
                "Strategy period": [period_label(p) for p in partnerships],
                "Archived": ["Yes" if p.archived else "" for p in partnerships],
            }
        ),
        hide_index=True,
    )
    for p in partnerships:
        cols = st.columns([6, 2, 2])
        cols[0].markdown(md_escape(p.name) + (" (archived)" if p.archived else ""))
        if current and current.id == p.id:
            cols[1].markdown("**In use**")
        else:
            cols[1].button("Open", key=f"open-{p.id}", on_click=choose_partnership, args=(p.id,))
        if p.archived and can(engine, author, p.id, "manage"):
            cols[2].button("Bring back", key=f"unarchive-{p.id}", on_click=_archive, args=(p.id, False))
else:
    st.info("No partnerships yet. Create yours below, or open the demo from the Home page.")

st.header("Create a partnership")
st.caption("You become its owner, and can then add the other members on the Members page.")
with st.form("create_partnership", clear_on_submit=False):
    name = st.text_input("Name", max_chars=120, placeholder="for example, Harbourshire Safeguarding Children Partnership")
    nation = st.radio(
        "Nation",
        list(NATIONS),
        format_func=NATIONS.get,
        horizontal=True,
        help="The workbook adapts its words and references to England or Wales.",
    )
    areas = st.text_input("Areas covered", placeholder="the local authority areas the partnership covers")
    c1, c2 = st.columns(2)
    start = c1.text_input("First year of the strategy", placeholder="2026")
    end = c2.text_input("Last year of the strategy", placeholder="2029")
    if st.form_submit_button("Create partnership", type="primary"):
        try:
            created = create_partnership(engine, name=name, nation=nation, areas=areas, period_start=start, period_end=end, author=author)
            choose_partnership(created.id)
            st.success(f"Created {md_escape(created.name)}. It is now the partnership in use.")
            st.rerun()
        except WorkbookError as exc:
            show_error(exc)

if current and not can(engine, author, current.id, "manage"):
    st.header(f"Details of {md_escape(current.name)}")
    st.text(f"{current.name}\n{NATIONS[current.nation]}\n{current.areas}\n{period_label(current)}".strip())
    st.caption("Only the partnership's owners can change its details.")
elif current:
    st.header(f"Details of {md_escape(current.name)}")
    with st.form("edit_partnership"):
        new_name = st.text_input("Name", value=current.name, max_chars=120)
        new_nation = st.radio("Nation", list(NATIONS), index=list(NATIONS).index(current.nation), format_func=NATIONS.get, horizontal=True)
        new_areas = st.text_input("Areas covered", value=current.areas)
        c1, c2 = st.columns(2)
        new_start = c1.text_input("First year of the strategy", value=str(current.period_start or ""))
        new_end = c2.text_input("Last year of the strategy", value=str(current.period_end or ""))
        if st.form_submit_button("Save details"):
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
            "Archive this partnership",
            help="Hides it from the list; nothing is deleted and it can be brought back.",
            on_click=_archive,
            args=(current.id, True),
        )

if current:
    next_period_step(engine, current, author)
