"""Your account: name, password, sign out; for administrators, everyone's accounts."""

import pandas as pd
import streamlit as st

from strategy.core.dates import uk_time
from strategy.core.errors import WorkbookError
from strategy.core.interface import not_yet_in_welsh
from strategy.core.text import md_escape
from strategy.people.accounts import (
    MIN_PASSWORD,
    change_password,
    create_account,
    get_account,
    list_accounts,
    set_disabled,
    set_password,
    unlock_sign_in,
)
from strategy.ui.language import language_picker, t, ui_language
from strategy.ui.layout import page_context
from strategy.ui.signin import keep_this_browser, sign_out_button
from strategy.ui.state import EPOCH_KEY, current_author, show_error

engine, _ = page_context(need_partnership=False)
author = current_author()
account = get_account(engine, author.user_id)

st.title(t("account.title"))
st.markdown(f"**{md_escape(account.display_name)}**" + (f", {md_escape(account.agency)}" if account.agency else ""))
st.caption(
    t("account.username", username=md_escape(account.username))
    + (t("account.administrator") if account.is_admin else "")
    + t("account.name_recorded")
)
sign_out_button(engine, key="sign_out_account_page")

st.header(t("account.language_heading"))
st.caption(t("account.language_caption"))
language_picker(engine, key="account_language")  # the same choice as the sidebar's, kept on the account
with st.expander(t("language.still_english")):
    st.markdown("\n".join(f"- {line}" for line in not_yet_in_welsh(ui_language())))

if account.password_hash:
    st.header(t("account.password_heading"))
    with st.form("change_password", clear_on_submit=True):
        old = st.text_input(t("account.current_password"), type="password", max_chars=1000)
        new = st.text_input(t("account.new_password", n=MIN_PASSWORD), type="password", max_chars=1000)
        again = st.text_input(t("account.again"), type="password", max_chars=1000)
        if st.form_submit_button(t("account.change_button")):
            if new != again:
                st.error(t("account.differ"), icon="⚠️")
            else:
                try:
                    # This session keeps going; every other session of the account is signed out.
                    st.session_state[EPOCH_KEY] = change_password(engine, account.id, old, new, author=author)
                    keep_this_browser(engine, account.id)
                    st.success(t("account.changed"))
                except WorkbookError as exc:
                    show_error(exc)

if account.is_admin:
    st.header(t("frame2.accounts.heading"))
    accounts = list_accounts(engine)
    st.dataframe(
        pd.DataFrame(
            {
                t("frame2.accounts.col_username"): [a.username for a in accounts],
                t("frame2.accounts.col_name"): [a.display_name for a in accounts],
                t("frame2.accounts.col_agency"): [a.agency for a in accounts],
                t("frame2.accounts.col_email"): [a.email or "" for a in accounts],
                t("frame2.accounts.col_admin"): [t("frame2.accounts.yes") if a.is_admin else "" for a in accounts],
                t("frame2.accounts.col_disabled"): [t("frame2.accounts.yes") if a.disabled else "" for a in accounts],
                t("frame2.accounts.col_last"): [uk_time(a.last_sign_in_at) if a.last_sign_in_at else "" for a in accounts],
            }
        ),
        hide_index=True,
    )
    with st.form("new_account", clear_on_submit=False):
        st.markdown(t("frame2.accounts.create_heading"))
        username = st.text_input(t("frame2.signin.username"), max_chars=120, placeholder=t("frame2.accounts.username_example"))
        name = st.text_input(t("frame2.accounts.name"), max_chars=120)
        agency = st.text_input(t("frame2.accounts.agency"), max_chars=200)
        email = st.text_input(t("frame2.accounts.email"), max_chars=320)
        password = st.text_input(t("frame2.accounts.first_password", n=MIN_PASSWORD), type="password", max_chars=1000)
        admin = st.checkbox(t("frame2.accounts.admin"))
        if st.form_submit_button(t("frame2.accounts.create"), type="primary"):
            try:
                made = create_account(
                    engine,
                    username=username,
                    display_name=name,
                    agency=agency,
                    password=password or None,
                    email=email.strip() or None,
                    is_admin=admin,
                    author=author,
                )
                st.success(t("frame2.accounts.created", username=md_escape(made.username)))
            except WorkbookError as exc:
                show_error(exc)
    others = [a for a in accounts if a.id != account.id]
    if others:
        pick = st.selectbox(
            t("frame2.accounts.disable_or_enable"), [a.username for a in others], index=None, placeholder=t("frame2.accounts.choose")
        )
        chosen = next((a for a in others if a.username == pick), None)
        if chosen is not None:
            label = t("frame2.accounts.enable") if chosen.disabled else t("frame2.accounts.disable")
            if st.button(label):
                try:
                    set_disabled(engine, chosen.username, not chosen.disabled, author=author)
                    st.rerun()
                except WorkbookError as exc:
                    show_error(exc)

    st.header(t("frame2.accounts.help_heading"))
    st.caption(t("frame2.accounts.help_caption"))
    helped = st.selectbox(
        t("frame2.accounts.account"),
        [a.username for a in accounts],
        index=None,
        placeholder=t("frame2.accounts.choose"),
        key="help_account",
    )
    if helped is not None:
        if st.button(t("frame2.accounts.unlock"), key="unlock"):
            try:
                unlock_sign_in(engine, helped, author=author)
                st.success(t("frame2.accounts.unlocked", username=md_escape(helped)))
            except WorkbookError as exc:
                show_error(exc)
        with st.form("reset_password", clear_on_submit=True):
            reset = st.text_input(
                t("frame2.accounts.new_password", username=md_escape(helped), n=MIN_PASSWORD), type="password", max_chars=1000
            )
            if st.form_submit_button(t("frame2.accounts.set_password")):
                try:
                    set_password(engine, helped, reset, author=author)
                    if helped == account.username:
                        st.session_state[EPOCH_KEY] = get_account(engine, account.id).session_epoch
                        keep_this_browser(engine, account.id)
                    st.success(t("frame2.accounts.password_set", username=md_escape(helped)))
                except WorkbookError as exc:
                    show_error(exc)
