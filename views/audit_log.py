"""The audit log: who did what and when in this partnership. Owners only."""

from datetime import date, datetime, time
from functools import partial

import pandas as pd
import streamlit as st

from strategy.core.access import can, role_in
from strategy.core.audit_log import ACTIONS, audit_log, sign_in_events
from strategy.core.dates import uk_time
from strategy.tabular.formulas import csv_bytes, xlsx_bytes
from strategy.ui.downloads import offer_download
from strategy.ui.language import t
from strategy.ui.layout import page_context
from strategy.ui.state import current_author

engine, partnership = page_context()
author = current_author()

st.title(t("nav.audit_log"))
if not can(engine, author, partnership.id, "manage"):
    st.info(t("frame2.audit.owners_only"), icon="🔒")
    st.stop()

c1, c2, c3, c4 = st.columns(4)


def _did(action: str, english: str = "") -> str:
    """What an event says was done, in this person's language (the audit log's own words otherwise)."""
    return t(f"frame2.audit.action.{action}") if action in ACTIONS else english or action


action = c1.selectbox(t("frame2.audit.what"), sorted(ACTIONS), index=None, format_func=_did, placeholder=t("frame2.audit.everything"))
who = c2.text_input(t("frame2.audit.who_filter"), max_chars=120)
since = c3.date_input(t("frame2.audit.from"), value=None, format="DD/MM/YYYY")
until = c4.date_input(t("frame2.audit.to"), value=None, format="DD/MM/YYYY")


def _at(day: date | None, end: bool):
    if day is None:
        return None
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time.max if end else time.min, tzinfo=ZoneInfo("Europe/London"))


events = audit_log(engine, partnership.id, author=author, action=action, who=who or None, since=_at(since, False), until=_at(until, True))
st.caption(t(f"frame2.audit.count_{'one' if len(events) == 1 else 'many'}", count=len(events)))
_headers = ["When", "Who", "Did", "Detail"]  # the files' columns: a file format, in English
_rows = [[uk_time(e.at), e.who, e.what, e.detail] for e in events]
d1, d2 = st.columns(2)
# The files are made when a download is clicked, not on every run of the page.
offer_download(
    d1,
    t("frame2.audit.download_csv"),
    data=partial(csv_bytes, _headers, _rows),
    file_name="audit log.csv",
)
offer_download(
    d2,
    t("frame2.audit.download_excel"),
    data=partial(xlsx_bytes, _headers, _rows, "Audit log"),
    file_name="audit log.xlsx",
)
st.dataframe(
    pd.DataFrame(
        {
            t("frame2.audit.when"): [uk_time(e.at) for e in events],
            t("frame2.audit.who"): [e.who for e in events],
            t("frame2.audit.did"): [_did(e.action, e.what) for e in events],
            t("frame2.audit.detail"): [e.detail for e in events],
        }
    ),
    hide_index=True,
    width="stretch",
)

if role_in(engine, author, None) == "admin":
    st.header(t("frame2.audit.sign_ins"))
    signins = sign_in_events(engine)
    st.dataframe(
        pd.DataFrame(
            {
                t("frame2.audit.when"): [uk_time(e.created_at) for e in signins],
                t("frame2.audit.who"): [e.actor for e in signins],
                t("frame2.audit.did"): [_did(e.action) for e in signins],
                t("frame2.audit.detail"): [e.detail for e in signins],
            }
        ),
        hide_index=True,
        width="stretch",
    )
