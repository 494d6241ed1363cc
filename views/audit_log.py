"""The audit log: who did what and when in this partnership. Owners only."""

from datetime import date, datetime, time
from functools import partial

import pandas as pd
import streamlit as st

from strategy.core.access import can, role_in
from strategy.core.audit_log import ACTIONS, audit_log, sign_in_events
from strategy.core.dates import uk_time
from strategy.tabular.formulas import csv_bytes, xlsx_bytes
from strategy.ui.language import t
from strategy.ui.layout import page_context
from strategy.ui.state import current_author

engine, partnership = page_context()
author = current_author()

st.title(t("nav.audit_log"))
if not can(engine, author, partnership.id, "manage"):
    st.info("Only the partnership's owners can read its audit log.", icon="🔒")
    st.stop()

c1, c2, c3, c4 = st.columns(4)
action = c1.selectbox("What", sorted(ACTIONS), index=None, format_func=ACTIONS.get, placeholder="Everything")
who = c2.text_input("Who (part of a name)", max_chars=120)
since = c3.date_input("From", value=None, format="DD/MM/YYYY")
until = c4.date_input("To", value=None, format="DD/MM/YYYY")


def _at(day: date | None, end: bool):
    if day is None:
        return None
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time.max if end else time.min, tzinfo=ZoneInfo("Europe/London"))


events = audit_log(engine, partnership.id, author=author, action=action, who=who or None, since=_at(since, False), until=_at(until, True))
st.caption(f"{len(events)} event{'s' if len(events) != 1 else ''}, newest first.")
_headers = ["When", "Who", "Did", "Detail"]
_rows = [[uk_time(e.at), e.who, e.what, e.detail] for e in events]
d1, d2 = st.columns(2)
# The files are made when a download is clicked, not on every run of the page.
d1.download_button("Download as CSV", data=partial(csv_bytes, _headers, _rows), file_name="audit log.csv", mime="text/csv")
d2.download_button(
    "Download as Excel",
    data=partial(xlsx_bytes, _headers, _rows, "Audit log"),
    file_name="audit log.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
st.dataframe(
    pd.DataFrame(
        {
            "When": [uk_time(e.at) for e in events],
            "Who": [e.who for e in events],
            "Did": [e.what for e in events],
            "Detail": [e.detail for e in events],
        }
    ),
    hide_index=True,
    width="stretch",
)

if role_in(engine, author, None) == "admin":
    st.header("Sign-ins (all accounts)")
    signins = sign_in_events(engine)
    st.dataframe(
        pd.DataFrame(
            {
                "When": [uk_time(e.created_at) for e in signins],
                "Who": [e.actor for e in signins],
                "Did": [ACTIONS.get(e.action, e.action) for e in signins],
                "Detail": [e.detail for e in signins],
            }
        ),
        hide_index=True,
        width="stretch",
    )
