"""Members of the partnership and their roles; owners add, change and remove them."""

import pandas as pd
import streamlit as st

from strategy.core.access import ROLES, can
from strategy.core.errors import WorkbookError
from strategy.core.text import md_escape
from strategy.people.accounts import list_accounts, list_members, set_member_role
from strategy.ui.language import t
from strategy.ui.layout import page_context
from strategy.ui.state import current_author, error_text

engine, partnership = page_context()
author = current_author()
manage = can(engine, author, partnership.id, "manage")

st.title(t("nav.members"))


def _role(role: str) -> str:
    return t(f"role.{role}")


st.caption(t("frame2.members.caption", name=md_escape(partnership.name)))
st.markdown("\n".join(t("frame2.members.role_line", role=_role(r), what=t(f"frame2.members.help.{r}")) for r in ROLES))

members = list_members(engine, partnership.id)
st.dataframe(
    pd.DataFrame(
        {
            t("frame2.members.name"): [m.name for m in members],
            t("frame2.members.agency"): [m.agency for m in members],
            t("frame2.members.username"): [m.username for m in members],
            t("frame2.members.role"): [_role(m.role) for m in members],
            t("frame2.members.account"): [t("frame2.members.disabled") if m.disabled else "" for m in members],
        }
    ),
    hide_index=True,
)

if not manage:
    st.info(t("frame2.members.owners_only"), icon="🔒")
    st.stop()


def _apply(username: str, role: str | None) -> None:
    try:
        set_member_role(engine, partnership.id, username, role, author=current_author())
        st.session_state["members_msg"] = ("success", t("frame2.members.done"))
    except WorkbookError as exc:
        st.session_state["members_msg"] = ("error", error_text(exc))


message = st.session_state.pop("members_msg", None)
if message:
    (st.success if message[0] == "success" else st.error)(message[1])

st.header(t("frame2.members.add_heading"))
accounts = [a for a in list_accounts(engine) if not a.disabled]
labels = {a.username: f"{a.display_name} ({a.username})" + (f", {a.agency}" if a.agency else "") for a in accounts}
with st.form("member_role"):
    who = st.selectbox(
        t("frame2.members.account"), list(labels), format_func=labels.get, index=None, placeholder=t("frame2.members.choose_account")
    )
    role = st.radio(t("frame2.members.role"), ROLES, format_func=_role, horizontal=True, index=1)
    if st.form_submit_button(t("frame2.members.save_role"), type="primary"):
        if who is None:
            st.error(t("frame2.members.account_first"))
        else:
            _apply(who, role)
            st.rerun()

if members:
    st.header(t("frame2.members.remove_heading"))
    st.caption(t("frame2.members.remove_caption"))
    gone = st.selectbox(
        t("frame2.members.member"),
        [m.username for m in members],
        index=None,
        placeholder=t("frame2.members.choose_member"),
        format_func={m.username: f"{m.name} ({_role(m.role)})" for m in members}.get,
    )
    if gone and st.button(t("frame2.members.remove")):
        _apply(gone, None)
        st.rerun()
