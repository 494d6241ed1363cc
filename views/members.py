"""Members of the partnership and their roles; owners add, change and remove them."""

import pandas as pd
import streamlit as st

from strategy.core.access import ROLE_HELP, ROLE_LABELS, ROLES, can
from strategy.core.errors import WorkbookError
from strategy.core.text import md_escape
from strategy.people.accounts import list_accounts, list_members, set_member_role
from strategy.ui.language import t
from strategy.ui.layout import page_context
from strategy.ui.state import current_author

engine, partnership = page_context()
author = current_author()
manage = can(engine, author, partnership.id, "manage")

st.title(t("nav.members"))
st.caption(f"Who can open {md_escape(partnership.name)}, and what each can do.")
st.markdown("\n".join(f"- **{ROLE_LABELS[r]}**: {ROLE_HELP[r]}" for r in ROLES))

members = list_members(engine, partnership.id)
st.dataframe(
    pd.DataFrame(
        {
            "Name": [m.name for m in members],
            "Agency": [m.agency for m in members],
            "Username": [m.username for m in members],
            "Role": [ROLE_LABELS[m.role] for m in members],
            "Account": ["disabled" if m.disabled else "" for m in members],
        }
    ),
    hide_index=True,
)

if not manage:
    st.info("Only the partnership's owners can add or remove members.", icon="🔒")
    st.stop()


def _apply(username: str, role: str | None) -> None:
    try:
        set_member_role(engine, partnership.id, username, role, author=current_author())
        st.session_state["members_msg"] = ("success", "Done.")
    except WorkbookError as exc:
        st.session_state["members_msg"] = ("error", exc.message)


message = st.session_state.pop("members_msg", None)
if message:
    (st.success if message[0] == "success" else st.error)(message[1])

st.header("Add a member or change a role")
accounts = [a for a in list_accounts(engine) if not a.disabled]
labels = {a.username: f"{a.display_name} ({a.username})" + (f", {a.agency}" if a.agency else "") for a in accounts}
with st.form("member_role"):
    who = st.selectbox("Account", list(labels), format_func=labels.get, index=None, placeholder="Choose an account")
    role = st.radio("Role", ROLES, format_func=ROLE_LABELS.get, horizontal=True, index=1)
    if st.form_submit_button("Save role", type="primary"):
        if who is None:
            st.error("Choose an account first. An administrator creates accounts on the Your account page.")
        else:
            _apply(who, role)
            st.rerun()

if members:
    st.header("Remove a member")
    st.caption("They lose access at their next click. What they wrote stays, with their name.")
    gone = st.selectbox(
        "Member",
        [m.username for m in members],
        index=None,
        placeholder="Choose a member",
        format_func={m.username: f"{m.name} ({ROLE_LABELS[m.role]})" for m in members}.get,
    )
    if gone and st.button("Remove from this partnership"):
        _apply(gone, None)
        st.rerun()
