"""Backup and restore: the whole partnership as one JSON file, and a new partnership from one."""

import streamlit as st

from strategy.core.access import can, role_in
from strategy.core.errors import WorkbookError
from strategy.core.text import md_escape
from strategy.people.backup import backup_json, read_backup, restore_partnership
from strategy.people.partnerships import get_partnership
from strategy.ui.language import t
from strategy.ui.layout import page_context
from strategy.ui.state import choose_partnership, current_author, show_error

engine, partnership = page_context(need_partnership=False)
author = current_author()

st.title(t("nav.backup"))
st.markdown(
    "A backup holds a whole partnership (answers, tables, their history and comments) in one JSON "
    "file, described in docs/backup-format.md. Keep it as securely as the workbook itself."
)

if partnership is not None:
    st.header(f"Back up {md_escape(partnership.name)}")
    if can(engine, author, partnership.id, "manage"):
        if st.button("Make a backup", type="primary"):
            with st.status("Making the backup…") as status:
                try:
                    st.session_state["backup_file"] = (partnership.id, backup_json(engine, partnership.id, author=author))
                    status.update(label="The backup is ready.", state="complete")
                except WorkbookError as exc:
                    status.update(label="The backup could not be made.", state="error")
                    show_error(exc)
        made = st.session_state.get("backup_file")
        if made and made[0] == partnership.id:
            st.download_button(
                "Download the backup",
                data=made[1].encode("utf-8"),
                mime="application/json",
                file_name=f"{partnership.name} backup.json",
                icon="💾",
            )
    else:
        st.info("Only the partnership's owners can make a backup.", icon="🔒")

st.header("Restore a backup as a new partnership")
if role_in(engine, author, None) != "admin":
    st.info("Only a site administrator can restore a backup. Ask them to restore it for you.", icon="🔒")
    st.stop()
st.caption(
    "A restore always creates a new partnership; it never overwrites one. If the name is taken, give another. "
    "Every value in the file is checked first; a file that fails any check restores nothing."
)
upload = st.file_uploader("Backup file (.json)", type=["json"], max_upload_size=20)
new_name = st.text_input("Name for the restored partnership (leave empty to keep the name in the file)", max_chars=120)
if upload is not None and st.button("Restore"):
    try:
        data = read_backup(upload.getvalue())
        pid = restore_partnership(engine, data, new_name=new_name.strip() or None, author=author)
        choose_partnership(pid)
        st.success(f"Restored {md_escape(get_partnership(engine, pid).name)}; it is now the partnership in use.")
    except WorkbookError as exc:
        show_error(exc)
