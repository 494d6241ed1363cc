"""The frame around every page: the sidebar's partnership picker and who is writing."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from strategy.core.access import readable_partnerships, role_in
from strategy.core.logs import log_error
from strategy.core.models import Partnership
from strategy.core.text import md_escape
from strategy.people.partnerships import list_partnerships
from strategy.ui.language import language_picker, t
from strategy.ui.signin import sign_out_button
from strategy.ui.state import choose_partnership, current_author, current_partnership, engine_or_stop, show_error


def _picked(key: str) -> None:
    choose_partnership(st.session_state[key])


def sidebar(engine: Engine) -> Partnership | None:
    partnership = current_partnership(engine)
    with st.sidebar:
        author = current_author()
        partnerships = readable_partnerships(engine, author, list_partnerships(engine))
        if partnerships:
            ids = [p.id for p in partnerships]
            names = {p.id: p.name for p in partnerships}  # a selectbox shows its options as plain text
            if partnership and partnership.id not in ids:  # archived but in hand
                ids.append(partnership.id)
                names[partnership.id] = t("sidebar.archived", name=partnership.name)
            # The picker always shows the partnership in use: set from it on every run (a page that opened
            # one, such as "Open the demo" or a new partnership, changed it since the picker was last drawn).
            st.session_state["sidebar_partnership"] = partnership.id if partnership else None
            st.selectbox(
                t("sidebar.partnership"),
                ids,
                format_func=lambda i: names[i],
                placeholder=t("sidebar.choose_partnership"),
                key="sidebar_partnership",
                on_change=_picked,
                args=("sidebar_partnership",),
            )
        if author:
            role = role_in(engine, author, partnership.id if partnership else None)
            st.caption(t("sidebar.signed_in_as", who=md_escape(author.label)) + (f" · {t('role.' + role)}" if role else ""))

            sign_out_button(engine)
            language_picker(engine, key="sidebar_language")
    return partnership


def unexpected_error(exc: BaseException, where: str = "") -> None:
    """Something went wrong that the workbook did not foresee: the details go to the server's log under
    a reference, and the person sees the reference (never a traceback or a server path)."""
    reference = log_error(exc, where)
    st.error(t("frame2.layout.unexpected", reference=reference), icon="⚠️")
    st.stop()


def database_unavailable(exc) -> None:
    """The database cannot be reached now: say so plainly and stop; every click tries again."""
    show_error(exc)
    st.info(t("frame2.layout.database_safe"), icon="💾")
    st.stop()


def page_context(*, need_partnership: bool = True) -> tuple[Engine, Partnership | None]:
    """What every page starts with: the engine and the partnership in hand. A page that needs a
    partnership stops politely when none is chosen yet."""
    engine = engine_or_stop()
    partnership = current_partnership(engine)
    notice = st.session_state.pop("access_notice", None)
    if notice:
        st.warning(notice, icon="🔒")
    if need_partnership and partnership is None:
        st.info(t("frame.choose_partnership_first"), icon="👈")
        st.page_link(page="views/partnerships.py", label=t("frame.go_to_partnerships"), icon="🏠")
        st.stop()
    return engine, partnership
