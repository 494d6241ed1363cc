"""Backup and restore: the whole partnership as one JSON file, and a new partnership from one."""

import streamlit as st

from strategy.core.access import can, role_in
from strategy.core.errors import WorkbookError
from strategy.core.text import md_escape
from strategy.people.backup import backup_json, read_backup, restore_partnership
from strategy.people.partnerships import get_partnership
from strategy.ui.downloads import offer_download
from strategy.ui.language import t
from strategy.ui.layout import page_context
from strategy.ui.state import choose_partnership, current_author, show_error

engine, partnership = page_context(need_partnership=False)
author = current_author()

st.title(t("nav.backup"))
st.markdown(t("frame2.backup.intro"))

if partnership is not None:
    st.header(t("frame2.backup.heading", name=md_escape(partnership.name)))
    if can(engine, author, partnership.id, "manage"):
        if st.button(t("frame2.backup.make"), type="primary"):
            with st.status(t("frame2.backup.making")) as status:
                try:
                    st.session_state["backup_file"] = (partnership.id, backup_json(engine, partnership.id, author=author))
                    status.update(label=t("frame2.backup.ready"), state="complete")
                except WorkbookError as exc:
                    status.update(label=t("frame2.backup.failed"), state="error")
                    show_error(exc)
        made = st.session_state.get("backup_file")
        if made and made[0] == partnership.id:
            offer_download(
                st,
                t("frame2.backup.download"),
                data=made[1].encode("utf-8"),
                file_name=f"{partnership.name} backup.json",
                icon="💾",
            )
    else:
        st.info(t("frame2.backup.owners_only"), icon="🔒")

st.header(t("frame2.backup.restore_heading"))
if role_in(engine, author, None) != "admin":
    st.info(t("frame2.backup.admin_only"), icon="🔒")
    st.stop()
st.caption(t("frame2.backup.restore_caption"))
upload = st.file_uploader(t("frame2.backup.file"), type=["json"], max_upload_size=20)
new_name = st.text_input(t("frame2.backup.new_name"), max_chars=120)
if upload is not None and st.button(t("frame2.backup.restore")):
    try:
        data = read_backup(upload.getvalue())
        pid = restore_partnership(engine, data, new_name=new_name.strip() or None, author=author)
        choose_partnership(pid)
        st.success(t("frame2.backup.restored", name=md_escape(get_partnership(engine, pid).name)))
    except WorkbookError as exc:
        show_error(exc)
