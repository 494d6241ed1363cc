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
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape
from strategy.core.values import uk_day
from strategy.guide.content import content
from strategy.ui.a11y import safeguarding_reminder
from strategy.ui.language import name_in, t
from strategy.ui.read_only import read_only_text
from strategy.ui.state import author_or_refuse, show_message
from strategy.ui.widgets import role_banner

MSG = "involvement_msg"
#: Keys of the forms whose last save was refused as possibly identifying: they show the confirmation.
CONFIRM = "involvement_confirm"
CONFIRM_LABEL = "I have checked: nothing here could identify a child, a family or anyone else"


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
        theirs = "; ".join(f"{inv.FIELD_WORDS.get(name, name)}: {value}" for name, value in (exc.theirs or {}).items())
        _say("error", f"{exc.message} What is saved now: {theirs}")
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
        done="Engagement recorded. Now link what changed because of it.",
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
        done="Engagement saved.",
        **_fields(key),
    )


def _link(engine: Engine, pid: int, eid: int, key: str) -> None:
    chosen = st.session_state.get(key + "|target")
    if not chosen:
        _say("error", "Choose the aim, outcome or action that changed. Nothing was saved.")
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
        done="Change linked.",
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
        done="Note saved.",
    )


def _simple(fn, engine: Engine, pid: int, row_id: int, done: str) -> None:
    _call("", fn, engine, pid, row_id, done=done)


# --- Drawing -----------------------------------------------------------------------------------


def _summary(lines: list[inv.EngagementLine]) -> None:
    rows = inv.summary(lines)
    st.dataframe(
        pd.DataFrame(
            {
                "Whose voices": [s.label for s in rows],
                "Engagements": [s.engagements for s in rows],
                "Changes in the plan": [s.changes for s in rows],
            }
        ),
        hide_index=True,
    )
    for s in rows:
        if s.voice in inv.REQUIRED_VOICES and not s.changes:
            what = "no engagement recorded yet" if not s.engagements else "no change in the plan linked yet"
            st.warning(f"{s.label}: {what}. The readiness check asks for at least one change each (Guide §3.1, §10.2).", icon="💡")


def _engagement_form(engine: Engine, pid: int, key: str, *, line: inv.EngagementLine | None, today: date) -> None:
    e = line.engagement if line else None
    voices, methods = name_in("involvement_voices", inv.voices()), name_in("involvement_methods", inv.methods())
    with st.form(key + "|form", clear_on_submit=False):
        st.date_input(
            "Date",
            value=date.fromisoformat(e.held_on) if e else today,
            min_value=date(2000, 1, 1),
            max_value=today,
            format="DD/MM/YYYY",
            key=key + "|held_on",
            help="When the engagement happened (day first). Record it once it has happened.",
        )
        st.selectbox(
            "Whose voices",
            list(voices),
            index=list(voices).index(e.voices) if e else 0,
            format_func=lambda v: voices[v],
            key=key + "|voices",
        )
        st.text_input(
            "With whom (a group, never a person)",
            value=e.group if e else "",
            max_chars=inv.GROUP_LIMIT,
            key=key + "|group",
            placeholder="young people's advisory group, 14 to 17",
            help=inv.GROUP_HELP,
        )
        st.caption("Describe the group, never a person: no names, initials, dates of birth or schools that could identify a child.")
        st.selectbox(
            "How", list(methods), index=list(methods).index(e.method) if e else 0, format_func=lambda m: methods[m], key=key + "|method"
        )
        st.text_input(
            "How, in a few words (needed for 'Another way')",
            value=e.method_detail if e else "",
            max_chars=inv.DETAIL_LIMIT,
            key=key + "|method_detail",
        )
        st.text_area(
            "Safeguards and support offered",
            value=e.safeguards if e else "",
            key=key + "|safeguards",
            help="Who was there, consent, a quiet space, support afterwards, information about services.",
        )
        st.text_area("Payment or thanks", value=e.thanks if e else "", key=key + "|thanks", help="Guide §10.2: paid in line with staff.")
        st.text_area(
            "What was heard", value=e.heard if e else "", key=key + "|heard", help="What they said, in their words where they agreed."
        )
        if key in _confirming():
            st.checkbox(CONFIRM_LABEL, key=key + "|confirm")
        if e is None:
            st.form_submit_button("Record this engagement", type="primary", on_click=_add, args=(engine, pid, key))
        else:
            st.form_submit_button("Save this engagement", on_click=_update, args=(engine, pid, stored_id(e), e.version, key))


def _changes(engine: Engine, pid: int, line: inv.EngagementLine, editable: bool, choices: list[tuple[str, int, str]]) -> None:
    eid = stored_id(line.engagement)
    st.markdown("**What changed because of it**")
    if not line.changes:
        st.caption("No change in the plan linked yet.")
    for c in line.changes:
        cid = stored_id(c.change)
        if c.removed:
            st.warning(
                f"{md_escape(c.label)}. The link is kept and comes back if it is restored in the plan.",
                icon="🗑️",
            )
        else:
            st.markdown(f"🔗 **{md_escape(c.code)}** {md_escape(c.title)}")
        if c.change.note:
            st.text(c.change.note)
        if editable:
            key = _k("note", pid, cid, c.change.version)
            with st.expander(f"Change the note or remove the link to {c.code or 'the removed ' + inv.KIND_WORDS[c.change.kind]}"):
                with st.form(key + "|form"):
                    st.text_area("What changed", value=c.change.note, key=key + "|note")
                    if key in _confirming():
                        st.checkbox(CONFIRM_LABEL, key=key + "|confirm")
                    st.form_submit_button("Save the note", on_click=_note, args=(engine, pid, cid, c.change.version, key))
                st.button(
                    "Remove this link",
                    key=_k("unlink", pid, cid),
                    on_click=_simple,
                    args=(inv.remove_change, engine, pid, cid, "Link removed. Bring it back below if that was a mistake."),
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
                "Link a change: the aim, outcome or action it changed",
                options,
                index=None,
                format_func=lambda o: labels[o],
                key=key + "|target",
                placeholder="Choose from the plan",
            )
            st.text_area("What changed, in a sentence", key=key + "|note")
            if key in _confirming():
                st.checkbox(CONFIRM_LABEL, key=key + "|confirm")
            st.form_submit_button("Link this change", on_click=_link, args=(engine, pid, eid, key))
    elif not choices:
        st.caption("The plan has no aims yet: add them on the Theory of Change page, then link what changed.")
    for removed in inv.removed_changes(engine, pid, eid):
        st.button(
            f"Bring back the removed link ({inv.KIND_WORDS[removed.kind]})",
            key=_k("relink", pid, stored_id(removed)),
            on_click=_simple,
            args=(inv.restore_change, engine, pid, stored_id(removed), "Link brought back."),
        )


def _engagement(engine: Engine, pid: int, line: inv.EngagementLine, editable: bool, choices, today: date) -> None:
    e = line.engagement
    eid = stored_id(e)
    with st.container(border=True):
        st.subheader(md_escape(f"{uk_day(e.held_on)} · {inv.voices().get(e.voices, e.voices)}"), anchor=False)
        read_only_text("With whom", e.group)
        read_only_text("How", inv.method_words(e))
        read_only_text("Safeguards and support offered", e.safeguards, empty="Not recorded.")
        read_only_text("Payment or thanks", e.thanks, empty="Not recorded.")
        read_only_text("What was heard", e.heard, empty="Not recorded.")
        st.caption(f"Last changed by {md_escape(e.updated_by_name or 'someone')}.")
        _changes(engine, pid, line, editable, choices)
        if editable:
            with st.expander("Change this engagement"):
                _engagement_form(engine, pid, _k("edit", pid, eid, e.version), line=line, today=today)
            st.button(
                "Remove this engagement",
                key=_k("remove", pid, eid),
                on_click=_simple,
                args=(inv.remove_engagement, engine, pid, eid, "Engagement removed, with its links kept. Bring it back below."),
            )


def _table(engine: Engine, pid: int, lines: list[inv.EngagementLine]) -> None:
    rows = inv.you_said_we_did(lines)
    st.subheader("You said, we did", anchor=False)
    st.caption("As the Word draft shows it, in section 2.")
    st.dataframe(pd.DataFrame(rows, columns=["When and with whom", "You said", "We did"]), hide_index=True, width="stretch")
    a, b = st.columns(2)
    # Made when clicked, not on every run of the page.
    a.download_button(
        "Download the record as Excel",
        data=partial(inv.export_record, engine, pid, "xlsx"),
        file_name="involvement.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon="📊",
    )
    b.download_button(
        "Download the record as CSV",
        data=partial(inv.export_record, engine, pid, "csv"),
        file_name="involvement.csv",
        mime="text/csv",
        icon="📄",
    )


def involvement_page(engine: Engine, partnership: Partnership) -> None:
    pid = stored_id(partnership)
    st.title(t("nav.involvement"))
    st.caption(f"{md_escape(partnership.name)} · Guide §3.1, §10.1, §10.2")
    expectation = content().fill("{involvement_expectation}", partnership.nation)
    st.markdown(
        md_escape(
            "The strategy should be shaped by children and young people, by adult victims and survivors and by "
            f"families ({expectation}). Record each time you heard from them, what they said, and what changed in "
            'the plan because of it: the Word draft turns this into a "You said, we did" table, and the readiness '
            "check looks for at least one change from children and young people and one from adult victims and survivors."
        )
    )
    editable = role_banner(engine, partnership)
    _messages()
    lines = inv.list_engagements(engine, pid)
    _summary(lines)
    today = datetime.now(UK).date()
    choices = inv.plan_choices(engine, pid)
    if editable:
        safeguarding_reminder()
        with st.expander("Record an engagement", expanded=not lines):
            _engagement_form(engine, pid, _k("new", pid), line=None, today=today)
    st.header("The record", divider="gray")
    if not lines:
        st.caption("No engagement recorded yet.")
    for line in lines:
        _engagement(engine, pid, line, editable, choices, today)
    if lines:
        _table(engine, pid, lines)
    gone = inv.list_engagements(engine, pid, removed=True)
    if gone and editable:
        st.header("Removed engagements", divider="gray")
        for line in gone:
            e = line.engagement
            st.button(
                md_escape(f"Bring back {uk_day(e.held_on)}, {e.group}"),
                key=_k("restore", pid, stored_id(e)),
                on_click=_simple,
                args=(inv.restore_engagement, engine, pid, stored_id(e), "Engagement brought back, with its links."),
            )
