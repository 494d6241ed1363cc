"""The Involvement page: the record of involvement, "you said, we did" (Guide §3.1, §10.1, §10.2).

Writers record each engagement and link what changed to the plan's aims, outcomes and actions;
scrutineers and viewers read the same record as text. Every save goes through
``strategy.assessments.involvement``; refusals, conflicts and the identifying-details warning come
back as messages, with what was typed left in the fields."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.assessments import involvement as inv
from strategy.core.dates import UK
from strategy.core.errors import Conflict, WorkbookError
from strategy.core.interface import message_in
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape
from strategy.core.values import uk_day
from strategy.guide.content import content
from strategy.ui.a11y import safeguarding_reminder
from strategy.ui.downloads import offer_download
from strategy.ui.language import name_in, t, ui_language
from strategy.ui.read_only import read_only_text
from strategy.ui.state import author_or_refuse, show_message
from strategy.ui.widgets import role_banner

MSG = "involvement_msg"
#: Keys of the forms whose last save was refused as possibly identifying: they show the confirmation.
CONFIRM = "involvement_confirm"
#: The confirmation's words (a key: shown through t()).
CONFIRM_LABEL = "together.involvement.confirm"
#: The plan's kinds of row, as a change's link names them (inv.KIND_WORDS), and the fields a conflict names
#: (inv.FIELD_WORDS): keys of the interface file.
KIND_KEYS = {kind: f"together.involvement.kind.{kind}" for kind in inv.KIND_WORDS}
FIELD_KEYS = {name: f"together.involvement.field.{name}" for name in inv.FIELD_WORDS}


def _kind(kind: str) -> str:
    return t(KIND_KEYS[kind]) if kind in KIND_KEYS else kind


def _voices() -> dict[str, str]:
    return name_in("involvement_voices", inv.voices())


def _method_words(e) -> str:
    """How the engagement was held (inv.method_words), the list's name in this person's language."""
    label = name_in("involvement_methods", inv.methods()).get(e.method, e.method)
    if e.method == "other" and e.method_detail:
        return e.method_detail
    return f"{label}: {e.method_detail}" if e.method_detail else label


def _k(*parts) -> str:
    return "inv|" + "|".join(str(p) for p in parts)


def _say(kind: str, text: str) -> None:
    st.session_state[MSG] = (kind, text)


def _messages() -> None:
    found = st.session_state.pop(MSG, None)
    if not found:
        return
    kind, text = found
    if kind == "error":
        show_message(text)
    else:
        {"success": st.success, "info": st.info}[kind](md_escape(text))


def _confirming() -> set[str]:
    return st.session_state.setdefault(CONFIRM, set())


def _call(form_key: str, fn, *args, done: str, **kwargs) -> bool:
    """Run one write; a refusal becomes the page's message (a possibly identifying text also shows the
    confirmation box on that form), a conflict says what is saved now. True when it was saved."""
    try:
        fn(*args, author=author_or_refuse(), **kwargs)
    except inv.IdentifyingDetails as exc:
        _confirming().add(form_key)
        _say("error", exc.message)
        return False
    except Conflict as exc:
        theirs = "; ".join(f"{t(FIELD_KEYS[name]) if name in FIELD_KEYS else name}: {value}" for name, value in (exc.theirs or {}).items())
        _say("error", t("together.involvement.saved_now", message=message_in(exc.message, ui_language()), theirs=theirs))
        return False
    except WorkbookError as exc:
        _say("error", exc.message)
        return False
    _confirming().discard(form_key)
    _say("success", done)
    return True


# --- Callbacks (each reads the form's own keys) ---------------------------------------------------


def _fields(key: str) -> dict:
    state = st.session_state
    day = state.get(key + "|held_on")
    return {
        "held_on": day.isoformat() if isinstance(day, date) else day,
        "voices": state.get(key + "|voices") or "",
        "group": state.get(key + "|group") or "",
        "method": state.get(key + "|method") or "",
        "method_detail": state.get(key + "|method_detail") or "",
        "safeguards": state.get(key + "|safeguards") or "",
        "thanks": state.get(key + "|thanks") or "",
        "heard": state.get(key + "|heard") or "",
    }


def _add(engine: Engine, pid: int, key: str) -> None:
    if _call(
        key,
        inv.add_engagement,
        engine,
        pid,
        confirmed=bool(st.session_state.get(key + "|confirm")),
        done=t("together.involvement.recorded"),
        **_fields(key),
    ):
        for name in ("group", "method_detail", "safeguards", "thanks", "heard", "confirm"):
            st.session_state.pop(key + "|" + name, None)


def _update(engine: Engine, pid: int, eid: int, version: int, key: str) -> None:
    _call(
        key,
        inv.update_engagement,
        engine,
        pid,
        eid,
        expected_version=version,
        confirmed=bool(st.session_state.get(key + "|confirm")),
        done=t("together.involvement.saved"),
        **_fields(key),
    )


def _link(engine: Engine, pid: int, eid: int, key: str) -> None:
    chosen = st.session_state.get(key + "|target")
    if not chosen:
        _say("error", t("together.involvement.choose_target"))
        return
    kind, target = chosen
    if _call(
        key,
        inv.add_change,
        engine,
        pid,
        eid,
        kind=kind,
        target_id=target,
        note=st.session_state.get(key + "|note") or "",
        confirmed=bool(st.session_state.get(key + "|confirm")),
        done=t("together.involvement.linked"),
    ):
        st.session_state.pop(key + "|note", None)


def _note(engine: Engine, pid: int, cid: int, version: int, key: str) -> None:
    _call(
        key,
        inv.update_change,
        engine,
        pid,
        cid,
        note=st.session_state.get(key + "|note") or "",
        expected_version=version,
        confirmed=bool(st.session_state.get(key + "|confirm")),
        done=t("together.involvement.note_saved"),
    )


def _simple(fn, engine: Engine, pid: int, row_id: int, done: str) -> None:
    _call("", fn, engine, pid, row_id, done=done)


# --- Drawing -----------------------------------------------------------------------------------


def _summary(lines: list[inv.EngagementLine]) -> None:
    rows = inv.summary(lines)
    st.dataframe(
        pd.DataFrame(
            {
                t("together.involvement.voices"): [_voices().get(s.voice, s.label) for s in rows],
                t("together.involvement.engagements"): [s.engagements for s in rows],
                t("together.involvement.changes"): [s.changes for s in rows],
            }
        ),
        hide_index=True,
    )
    for s in rows:
        if s.voice in inv.REQUIRED_VOICES and not s.changes:
            what = t("together.involvement.no_engagement") if not s.engagements else t("together.involvement.no_change")
            st.warning(t("together.involvement.readiness", voices=_voices().get(s.voice, s.label), what=what), icon="💡")


def _engagement_form(engine: Engine, pid: int, key: str, *, line: inv.EngagementLine | None, today: date) -> None:
    e = line.engagement if line else None
    voices, methods = name_in("involvement_voices", inv.voices()), name_in("involvement_methods", inv.methods())
    with st.form(key + "|form", clear_on_submit=False):
        st.date_input(
            t("together.involvement.date"),
            value=date.fromisoformat(e.held_on) if e else today,
            min_value=date(2000, 1, 1),
            max_value=today,
            format="DD/MM/YYYY",
            key=key + "|held_on",
            help=t("together.involvement.date_help"),
        )
        st.selectbox(
            t("together.involvement.voices"),
            list(voices),
            index=list(voices).index(e.voices) if e else 0,
            format_func=lambda v: voices[v],
            key=key + "|voices",
        )
        st.text_input(
            t("together.involvement.group"),
            value=e.group if e else "",
            max_chars=inv.GROUP_LIMIT,
            key=key + "|group",
            placeholder=t("together.involvement.group_placeholder"),
            help=t("together.involvement.group_help"),
        )
        st.caption(t("together.involvement.group_caption"))
        st.selectbox(
            t("together.involvement.how"),
            list(methods),
            index=list(methods).index(e.method) if e else 0,
            format_func=lambda m: methods[m],
            key=key + "|method",
        )
        st.text_input(
            t("together.involvement.how_detail"),
            value=e.method_detail if e else "",
            max_chars=inv.DETAIL_LIMIT,
            key=key + "|method_detail",
        )
        st.text_area(
            t("together.involvement.safeguards"),
            value=e.safeguards if e else "",
            key=key + "|safeguards",
            help=t("together.involvement.safeguards_help"),
        )
        st.text_area(
            t("together.involvement.thanks"), value=e.thanks if e else "", key=key + "|thanks", help=t("together.involvement.thanks_help")
        )
        st.text_area(
            t("together.involvement.heard"), value=e.heard if e else "", key=key + "|heard", help=t("together.involvement.heard_help")
        )
        if key in _confirming():
            st.checkbox(t(CONFIRM_LABEL), key=key + "|confirm")
        if e is None:
            st.form_submit_button(t("together.involvement.record_button"), type="primary", on_click=_add, args=(engine, pid, key))
        else:
            st.form_submit_button(t("together.involvement.save_button"), on_click=_update, args=(engine, pid, stored_id(e), e.version, key))


def _changes(engine: Engine, pid: int, line: inv.EngagementLine, editable: bool, choices: list[tuple[str, int, str]]) -> None:
    eid = stored_id(line.engagement)
    st.markdown(t("together.involvement.what_changed_bold"))
    if not line.changes:
        st.caption(t("together.involvement.no_change_caption"))
    for c in line.changes:
        cid = stored_id(c.change)
        if c.removed:
            st.warning(
                t("together.involvement.removed_target", label=md_escape(c.label)),
                icon="🗑️",
            )
        else:
            st.markdown(f"🔗 **{md_escape(c.code)}** {md_escape(c.title)}")
        if c.change.note:
            st.text(c.change.note)
        if editable:
            key = _k("note", pid, cid, c.change.version)
            target = c.code or t("together.involvement.the_removed", kind=_kind(c.change.kind))
            with st.expander(t("together.involvement.change_note", target=target)):
                with st.form(key + "|form"):
                    st.text_area(t("together.involvement.what_changed"), value=c.change.note, key=key + "|note")
                    if key in _confirming():
                        st.checkbox(t(CONFIRM_LABEL), key=key + "|confirm")
                    st.form_submit_button(
                        t("together.involvement.save_note"), on_click=_note, args=(engine, pid, cid, c.change.version, key)
                    )
                st.button(
                    t("together.involvement.unlink"),
                    key=_k("unlink", pid, cid),
                    on_click=_simple,
                    args=(inv.remove_change, engine, pid, cid, t("together.involvement.unlinked")),
                )
    if not editable:
        return
    linked = {(c.change.kind, inv.target_of(c.change)) for c in line.changes}
    options = [(kind, row_id) for kind, row_id, _ in choices if (kind, row_id) not in linked]
    labels = {(kind, row_id): label for kind, row_id, label in choices}
    key = _k("link", pid, eid)
    if options:
        with st.form(key + "|form", clear_on_submit=False):
            st.selectbox(
                t("together.involvement.link_label"),
                options,
                index=None,
                format_func=lambda o: labels[o],
                key=key + "|target",
                placeholder=t("together.involvement.choose_from_plan"),
            )
            st.text_area(t("together.involvement.what_changed_sentence"), key=key + "|note")
            if key in _confirming():
                st.checkbox(t(CONFIRM_LABEL), key=key + "|confirm")
            st.form_submit_button(t("together.involvement.link_button"), on_click=_link, args=(engine, pid, eid, key))
    elif not choices:
        st.caption(t("together.involvement.no_aims"))
    for removed in inv.removed_changes(engine, pid, eid):
        st.button(
            t("together.involvement.relink", kind=_kind(removed.kind)),
            key=_k("relink", pid, stored_id(removed)),
            on_click=_simple,
            args=(inv.restore_change, engine, pid, stored_id(removed), t("together.involvement.relinked")),
        )


def _engagement(engine: Engine, pid: int, line: inv.EngagementLine, editable: bool, choices, today: date) -> None:
    e = line.engagement
    eid = stored_id(e)
    with st.container(border=True):
        st.subheader(md_escape(f"{uk_day(e.held_on)} · {_voices().get(e.voices, e.voices)}"), anchor=False)
        not_recorded = t("together.involvement.not_recorded")
        read_only_text(t("together.involvement.with_whom"), e.group)
        read_only_text(t("together.involvement.how"), _method_words(e))
        read_only_text(t("together.involvement.safeguards"), e.safeguards, empty=not_recorded)
        read_only_text(t("together.involvement.thanks"), e.thanks, empty=not_recorded)
        read_only_text(t("together.involvement.heard"), e.heard, empty=not_recorded)
        who = md_escape(e.updated_by_name) if e.updated_by_name else t("together.involvement.someone")
        st.caption(t("together.involvement.last_changed", who=who))
        _changes(engine, pid, line, editable, choices)
        if editable:
            with st.expander(t("together.involvement.change_engagement")):
                _engagement_form(engine, pid, _k("edit", pid, eid, e.version), line=line, today=today)
            st.button(
                t("together.involvement.remove"),
                key=_k("remove", pid, eid),
                on_click=_simple,
                args=(inv.remove_engagement, engine, pid, eid, t("together.involvement.removed")),
            )


def _table(engine: Engine, pid: int, lines: list[inv.EngagementLine]) -> None:
    rows = inv.you_said_we_did(lines, ui_language())
    st.subheader(t("together.involvement.yswd"), anchor=False)
    st.caption(t("together.involvement.yswd_caption"))
    columns = [t("together.involvement.col_when"), t("together.involvement.col_said"), t("together.involvement.col_did")]
    st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, width="stretch")
    a, b = st.columns(2)
    # Made when clicked, not on every run of the page.
    offer_download(
        a,
        t("together.involvement.excel"),
        data=partial(inv.export_record, engine, pid, "xlsx"),
        file_name="involvement.xlsx",
        icon="📊",
    )
    offer_download(
        b,
        t("together.involvement.csv"),
        data=partial(inv.export_record, engine, pid, "csv"),
        file_name="involvement.csv",
        icon="📄",
    )


def involvement_page(engine: Engine, partnership: Partnership) -> None:
    pid = stored_id(partnership)
    st.title(t("nav.involvement"))
    st.caption(t("together.involvement.page_caption", name=md_escape(partnership.name)))
    expectation = content().fill("{involvement_expectation}", partnership.nation)
    if ui_language() == "cy" and partnership.nation in ("england", "wales"):
        expectation = t(f"together.involvement.expectation.{partnership.nation}")
    st.markdown(md_escape(t("together.involvement.page_intro", expectation=expectation)))
    editable = role_banner(engine, partnership)
    _messages()
    lines = inv.list_engagements(engine, pid)
    _summary(lines)
    today = datetime.now(UK).date()
    choices = inv.plan_choices(engine, pid)
    if editable:
        safeguarding_reminder()
        with st.expander(t("together.involvement.record_one"), expanded=not lines):
            _engagement_form(engine, pid, _k("new", pid), line=None, today=today)
    st.header(t("together.involvement.the_record"), divider="gray")
    if not lines:
        st.caption(t("together.involvement.none"))
    for line in lines:
        _engagement(engine, pid, line, editable, choices, today)
    if lines:
        _table(engine, pid, lines)
    gone = inv.list_engagements(engine, pid, removed=True)
    if gone and editable:
        st.header(t("together.involvement.removed_header"), divider="gray")
        for line in gone:
            e = line.engagement
            st.button(
                md_escape(t("together.involvement.restore", day=uk_day(e.held_on), group=e.group)),
                key=_k("restore", pid, stored_id(e)),
                on_click=_simple,
                args=(inv.restore_engagement, engine, pid, stored_id(e), t("together.involvement.restored")),
            )
