"""Widgets that save as people write: every answer is stored when the field is left (or on
Ctrl+Enter), version-checked, with a conflict view that keeps both texts."""

from __future__ import annotations

import functools
import json
import re
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.answers.comments import open_counts
from strategy.answers.operations import (
    Row,
    add_row,
    all_rows,
    answer_history,
    decode_image,
    delete_row,
    get_answer,
    get_answers,
    grid_rows,
    list_rows,
    move_row,
    normalise_value,
    restore_answer,
    restore_row,
    row_columns,
    save_answer,
    set_grid_cell,
    update_cell,
)
from strategy.answers.progress import is_answered
from strategy.answers.welsh import (
    FREE_TEXT_TYPES,
    WELSH,
    WelshAnswer,
    out_of_date_words,
    restore_welsh_answer,
    save_welsh_answer,
    welsh_answer_history,
    welsh_answers,
    welsh_applies,
)
from strategy.core.access import RIGHTS, role_in
from strategy.core.dates import uk_time
from strategy.core.errors import Conflict, WorkbookError
from strategy.core.interface import interface_strings, message_in
from strategy.core.models import Answer, Partnership, stored_id
from strategy.core.text import md_escape, plural, shorten, with_article
from strategy.core.values import uk_day
from strategy.guide.checks import run_checks
from strategy.guide.content import Chapter, Column, Prompt, content, item_label
from strategy.people.partnerships import get_partnership
from strategy.ui.a11y import SAFEGUARDING_REMINDER, safeguarding_reminder
from strategy.ui.comments_panel import comments_panel
from strategy.ui.extras import prompt_extras
from strategy.ui.language import column_help_of, column_label_of, help_of, intro_of, label_of, summary_of, t, title_of, ui_language
from strategy.ui.state import author_or_refuse, bump, current_author, current_partnership, engine_or_stop, show_message
from strategy.ui.welsh_views import welsh_summary

NO_IDENTIFYING_DETAILS = SAFEGUARDING_REMINDER  # shown once per page (strategy.ui.a11y.safeguarding_reminder)


def _k(*parts) -> str:
    return "|".join(str(p) for p in parts)


# --- Who is writing -----------------------------------------------------------------------------


def identity_form() -> bool:
    """Kept for pages written before accounts: True when the signed-in person may write in the
    partnership in hand (says so when they may not). New code calls ``role_banner``."""

    engine = engine_or_stop()
    partnership = current_partnership(engine)
    return partnership is not None and role_banner(engine, partnership)


def role_banner(engine: Engine, partnership: Partnership) -> bool:
    """Say what the signed-in person's role lets them do here. True when they may write."""
    role = role_in(engine, current_author(), partnership.id)
    if role in ("scrutineer", "viewer"):
        st.info(t(f"frame2.role.{role}_banner"), icon="👁️")
    return role in RIGHTS["edit"]


# --- Single answers -----------------------------------------------------------------------------


#: An answer as stored in English (``Answer``) or its Welsh version (``WelshAnswer``), or nothing yet.
Stored = Answer | WelshAnswer | None


def _ak(kind: str, pid: int, prompt_id: str, lang: str = "") -> str:
    """A key of an answer's field and its state; the Welsh version's ("cy") end in "|cy", so the page
    script treats its text as it treats the English (strategy.ui.browser)."""
    return _k(kind, pid, prompt_id, lang) if lang else _k(kind, pid, prompt_id)


def _who(stored: Answer | WelshAnswer) -> tuple[str, datetime, str, int | None]:
    """Who saved it, when, their agency and account."""
    if isinstance(stored, WelshAnswer):
        return stored.saved_by, stored.saved_at, stored.saved_by_agency, stored.saved_by_user_id
    return stored.updated_by_name, stored.updated_at, stored.updated_by_agency, stored.updated_by_user_id


def _sync_answer(pid: int, prompt: Prompt, stored: Stored, lang: str = "") -> None:
    """Put the stored answer in the field, unless the person has unsaved text there."""
    key, ver, base = _ak("ans", pid, prompt.id, lang), _ak("ver", pid, prompt.id, lang), _ak("base", pid, prompt.id, lang)
    db_value = stored.value if stored else ""
    db_version = stored.version if stored else 0
    shown = _to_widget(prompt, db_value)
    if key not in st.session_state:
        st.session_state[key] = shown
        st.session_state[ver], st.session_state[base] = db_version, db_value
    elif st.session_state.get(ver) != db_version and _from_widget(prompt, st.session_state[key]) == st.session_state.get(base):
        # Someone else saved; this person had not changed the field, so show the new text and say so.
        st.session_state[key] = shown
        st.session_state[ver], st.session_state[base] = db_version, db_value
        if stored is not None and _who(stored)[3] != getattr(current_author(), "user_id", None):
            st.session_state[_ak("changed", pid, prompt.id, lang)] = _who(stored)[:2]
    elif st.session_state.get(ver) != db_version and stored is not None:
        # Someone else saved while this person has unsaved text here: warn before they save.
        st.session_state[_ak("changed", pid, prompt.id, lang)] = (*_who(stored)[:2], "unsaved")


def _to_widget(prompt: Prompt, value: str):
    if prompt.type == "multichoice":
        return json.loads(value) if value else []
    if prompt.type == "date":
        return date.fromisoformat(value) if value else None
    if prompt.type == "choice":
        return value or None
    return value


def _from_widget(prompt: Prompt, value) -> str:
    if prompt.type == "multichoice":
        return json.dumps(value or [])
    if prompt.type == "date":
        return value.isoformat() if value else ""
    if prompt.type == "choice":
        return value or ""
    return value or ""


def _save(engine: Engine, pid: int, prompt_id: str, value=None, expected: int | None = None, lang: str = "", action: str = "edit") -> None:
    """on_change: store what the person wrote (``lang`` "cy": its Welsh version). Never raises; problems
    are shown beside the field."""
    prompt = content().prompts[prompt_id]
    key, ver, base = _ak("ans", pid, prompt_id, lang), _ak("ver", pid, prompt_id, lang), _ak("base", pid, prompt_id, lang)
    err, conflict = _ak("err", pid, prompt_id, lang), _ak("conflict", pid, prompt_id, lang)
    author = current_author()
    if author is None:
        st.session_state[err] = t("frame2.save.signed_out_text")
        return
    if value is None and action == "edit" and _from_widget(prompt, st.session_state[key]) == st.session_state.get(base, ""):
        # Unchanged from what this person loaded. Streamlit can call every widget's on_change
        # when a page switch and a save arrive together; a field nobody touched is not saved.
        return
    raw = _from_widget(prompt, st.session_state[key]) if value is None else value
    save = save_welsh_answer if lang == WELSH else save_answer
    try:
        saved = save(
            engine,
            pid,
            prompt_id,
            raw,
            expected_version=st.session_state.get(ver, 0) if expected is None else expected,
            author=author,
            action=action,
        )
    except Conflict as exc:
        st.session_state[conflict] = exc
        st.session_state.pop(err, None)
        return
    except WorkbookError as exc:
        st.session_state[err] = exc.message
        return
    st.session_state.pop(err, None)
    st.session_state.pop(conflict, None)
    st.session_state[ver], st.session_state[base] = saved.version, saved.value
    st.session_state[key] = _to_widget(prompt, saved.value)
    if saved.removed_characters:
        st.toast(t("frame2.save.control_characters", count=saved.removed_characters))


@functools.cache
def _prompt_for_field() -> dict[str, str]:
    # The page script knows a field by the class Streamlit gives its container (strategy/ui/browser.py).
    return {re.sub(r"[^a-zA-Z0-9_-]", "-", prompt_id): prompt_id for prompt_id in content().prompts}


def recover_draft(engine: Engine, field: str, text: str, base: str) -> str:
    """Text the browser kept because its save may never have arrived (a reload or a closed tab at once,
    a dropped connection), sent again: ``field`` names the answer as the page script does, ``base`` is
    the text the person started from. Goes through the page's own version-checked save: stored when the
    answer is still ``base``; when someone changed it since, both texts are shown for the person to
    choose, theirs kept in the history already. Returns "same" (stored already), "saved", "conflict",
    "refused" (the message is on the field, the text in it) or "gone" (no such answer here to write)."""
    match = re.fullmatch(r"ans-(\d+)-(.+)", field)
    rest, lang = (match.group(2), "") if match else ("", "")
    prompt_id = _prompt_for_field().get(rest)
    if prompt_id is None and rest.endswith("-cy"):  # the Welsh version of an answer (_ak)
        prompt_id, lang = _prompt_for_field().get(rest[:-3]), WELSH
    author = current_author()
    if match is None or prompt_id is None or author is None:
        return "gone"
    pid, prompt = int(match.group(1)), content().prompts[prompt_id]
    if prompt.type not in ("longtext", "text") or role_in(engine, author, pid) not in RIGHTS["edit"]:
        return "gone"
    try:
        nation = get_partnership(engine, pid).nation
    except WorkbookError:
        return "gone"
    if lang and not welsh_applies(nation):
        return "gone"
    stored: Stored = welsh_answers(engine, pid).get(prompt_id) if lang else get_answer(engine, pid, prompt_id)
    value, version = (stored.value, stored.version) if stored else ("", 0)
    if normalise_value(prompt, text) == value:
        return "same"
    label = shorten(content().label_in(prompt, nation, ui_language()), 80) + (t("frame2.save.welsh_suffix") if lang else "")
    # Unchanged since the person began: saved as if typed now. Changed: a version that cannot match, so
    # the save keeps their text in the history and the conflict view shows both.
    _save(engine, pid, prompt_id, value=text, expected=version if value == normalise_value(prompt, base) else -1, lang=lang)
    key, err = _ak("ans", pid, prompt_id, lang), _ak("err", pid, prompt_id, lang)
    if _ak("conflict", pid, prompt_id, lang) in st.session_state:
        st.session_state[key] = _to_widget(prompt, text)
        st.toast(t("frame2.save.draft_conflict", label=label))
        return "conflict"
    if err in st.session_state:
        # Refused (too long, say): the text waits in the field, with the message beside it.
        st.session_state[key] = _to_widget(prompt, text)
        st.session_state[_ak("ver", pid, prompt_id, lang)], st.session_state[_ak("base", pid, prompt_id, lang)] = version, value
        return "refused"
    st.toast(t("frame2.save.draft_saved", label=label))
    return "saved"


def _resolve(engine: Engine, pid: int, prompt_id: str, choice: str, lang: str = "") -> None:
    prompt = content().prompts[prompt_id]
    exc: Conflict = st.session_state[_ak("conflict", pid, prompt_id, lang)]
    if choice == "mine":
        _save(engine, pid, prompt_id, value=exc.mine, expected=exc.theirs_version, lang=lang)
    elif choice == "both":
        _save(engine, pid, prompt_id, value=f"{exc.theirs}\n\n{exc.mine}", expected=exc.theirs_version, lang=lang)
    else:  # theirs: their text stays; mine is already in the history as a conflict copy
        st.session_state[_ak("ans", pid, prompt_id, lang)] = _to_widget(prompt, exc.theirs)
        st.session_state[_ak("ver", pid, prompt_id, lang)] = exc.theirs_version
        st.session_state[_ak("base", pid, prompt_id, lang)] = exc.theirs
        st.session_state.pop(_ak("conflict", pid, prompt_id, lang), None)


def _conflict_view(engine: Engine, pid: int, prompt: Prompt, lang: str = "") -> None:
    exc: Conflict | None = st.session_state.get(_ak("conflict", pid, prompt.id, lang))
    if exc is None:
        return
    with st.container(border=True):
        st.warning(f"{md_escape(exc.message)} {t('conflict.their_save', when=uk_time(exc.theirs_at))}", icon="🔀")
        left, right = st.columns(2)
        with left:
            st.markdown(t("conflict.saved_by", who=md_escape(exc.theirs_by or t("conflict.someone_else"))))
            st.text(_display(prompt, exc.theirs) or t("conflict.empty"))
        with right:
            st.markdown(t("conflict.yours"))
            st.text(_display(prompt, exc.mine) or t("conflict.empty"))
        a, b, c = st.columns(3)
        a.button(
            t("conflict.use_theirs"),
            key=_ak("use-theirs", pid, prompt.id, lang),
            on_click=_resolve,
            args=(engine, pid, prompt.id, "theirs", lang),
        )
        b.button(
            t("conflict.use_mine"),
            key=_ak("use-mine", pid, prompt.id, lang),
            on_click=_resolve,
            args=(engine, pid, prompt.id, "mine", lang),
        )
        if prompt.type in ("text", "longtext"):
            c.button(
                t("conflict.keep_both"),
                key=_ak("use-both", pid, prompt.id, lang),
                on_click=_resolve,
                args=(engine, pid, prompt.id, "both", lang),
            )


def _display(prompt: Prompt, value: str) -> str:
    if prompt.type == "date":
        return uk_day(value) if value else ""
    if prompt.type == "image":
        return t("frame2.answer.picture") if value else ""
    if prompt.type in ("choice", "multichoice"):
        labels = {o.id: o.label for o in content().options(prompt, None, ui_language())}
        ids = json.loads(value) if prompt.type == "multichoice" and value else ([value] if value else [])
        return "; ".join(labels.get(i, i) for i in ids)
    return value


def _restore(engine: Engine, pid: int, prompt_id: str, revision_id: int, lang: str = "") -> None:
    author = current_author()
    if author is None:
        return
    try:
        saved = (restore_welsh_answer if lang == WELSH else restore_answer)(engine, pid, revision_id, author=author)
    except Conflict as exc:
        st.session_state[_ak("conflict", pid, prompt_id, lang)] = exc
        return
    except WorkbookError as exc:
        st.session_state[_ak("err", pid, prompt_id, lang)] = exc.message
        return
    prompt = content().prompts[prompt_id]
    st.session_state[_ak("ans", pid, prompt_id, lang)] = _to_widget(prompt, saved.value)
    st.session_state[_ak("ver", pid, prompt_id, lang)], st.session_state[_ak("base", pid, prompt_id, lang)] = saved.version, saved.value
    st.toast(t("frame2.save.restored"))


#: What each kind of revision says of its author ("wrote", "changed"...): frame2.history.<action>.
_ACTIONS = ("create", "edit", "revert", "conflict_copy", "confirm")


def _history(engine: Engine, pid: int, prompt: Prompt, editable: bool, lang: str = "") -> None:
    with st.expander(t("frame2.history.welsh") if lang == WELSH else t("frame2.history.answer")):
        revisions = welsh_answer_history(engine, pid, prompt.id) if lang == WELSH else answer_history(engine, pid, prompt.id)
        if not revisions:
            st.caption(t("frame2.history.nothing"))
        for rev in revisions[:50]:
            who = rev.author_name + (f", {rev.author_agency}" if rev.author_agency else "")
            action = t(f"frame2.history.{rev.action}") if rev.action in _ACTIONS else rev.action
            st.markdown(t("frame2.history.entry", when=uk_time(rev.created_at), who=md_escape(who), action=action))
            if rev.note:
                st.caption(md_escape(rev.note))
            st.text(_display(prompt, rev.new_value or "") or t("frame2.history.empty"))
            if editable and rev.new_value is not None:
                st.button(
                    t("frame2.history.use_again"),
                    key=_k("restore", pid, prompt.id, rev.id),
                    on_click=_restore,
                    args=(engine, pid, prompt.id, rev.id, lang),
                )
        if len(revisions) > 50:
            st.caption(t("frame2.history.latest", count=len(revisions)))


def _guide(prompt: Prompt) -> str:
    return t("chapter.guide_suffix", ref=prompt.guide) if prompt.guide else ""


def _read_only_answer(engine: Engine, partnership: Partnership, prompt: Prompt, stored: Answer | None) -> None:
    """For scrutineers and viewers: the answer as text, not a greyed-out field."""
    st.markdown(f"**{md_escape(label_of(prompt, partnership.nation))}**")
    if prompt.help:
        st.caption(md_escape(help_of(prompt, partnership.nation)) + _guide(prompt))
    if stored and stored.value:
        st.text(_display(prompt, stored.value))
        who = stored.updated_by_name + (f" ({stored.updated_by_agency})" if stored.updated_by_agency else "")
        st.caption(t("common.last_saved_at", when=uk_time(stored.updated_at), who=md_escape(who)))
    else:
        st.caption(t("common.not_answered"))
    pid = stored_id(partnership)
    error = st.session_state.pop(_k("err", pid, prompt.id), None)
    if error:
        show_message(error)
    typed = st.session_state.get(_k("ans", pid, prompt.id))
    if typed is not None and _from_widget(prompt, typed) != st.session_state.get(_k("base", pid, prompt.id)):
        # Written before the role changed: not saved, but shown so it can be copied elsewhere.
        st.caption(t("frame2.answer.not_saved"))
        st.text(_display(prompt, _from_widget(prompt, typed)))
    _history(engine, pid, prompt, False)


def _image_field(engine: Engine, pid: int, prompt: Prompt, label: str, help_text: str, stored: Answer | None) -> None:
    """A picture (the logo): shown when there is one, replaced by uploading, removed with a button."""
    st.markdown(f"**{md_escape(label)}**")
    if help_text:
        st.caption(md_escape(help_text))
    if stored and stored.value:
        st.image(decode_image(stored.value), width=200)
    generation = st.session_state.get(_k("imagegen", pid, prompt.id), 0)
    box = _k("upload", pid, prompt.id, generation)

    def upload():
        file = st.session_state.get(box)
        if file is not None:
            _save(engine, pid, prompt.id, value=file.getvalue())
            st.session_state[_k("imagegen", pid, prompt.id)] = generation + 1  # an empty uploader again

    st.file_uploader(t("frame2.answer.upload_picture"), type=["png", "jpg", "jpeg"], key=box, on_change=upload, max_upload_size=1)
    if stored and stored.value:
        st.button(t("frame2.answer.remove_picture"), key=_k("noimage", pid, prompt.id), on_click=_save, args=(engine, pid, prompt.id, ""))


def _changed_notice(pid: int, prompt: Prompt, lang: str = "") -> None:
    changed = st.session_state.pop(_ak("changed", pid, prompt.id, lang), None)
    if not changed or _ak("conflict", pid, prompt.id, lang) in st.session_state:
        # A conflict waiting for a choice says all this already; a second banner would go out of date.
        return
    if len(changed) == 3:
        st.warning(
            t("frame2.answer.changed_while_writing", who=md_escape(changed[0] or t("frame2.answer.someone_cap")), when=uk_time(changed[1])),
            icon="🔄",
        )
    else:
        st.info(
            t("frame2.answer.changed_since", who=md_escape(changed[0] or t("frame2.answer.someone")), when=uk_time(changed[1])),
            icon="🔄",
        )


def answer_field(
    engine: Engine,
    partnership: Partnership,
    prompt: Prompt,
    stored: Answer | None,
    editable: bool,
    *,
    welsh: dict[str, WelshAnswer] | None = None,
) -> None:
    """One answer's field. For a partnership in Wales a written answer has its Welsh version beside it
    (``welsh``: the partnership's Welsh answers, read once per page; read here when not given)."""
    if not (welsh_applies(partnership.nation) and prompt.type in FREE_TEXT_TYPES):
        _answer_field(engine, partnership, prompt, stored, editable)
        return
    if welsh is None:
        welsh = welsh_answers(engine, stored_id(partnership))
    english, cymraeg = st.columns(2)
    with english:
        _answer_field(engine, partnership, prompt, stored, editable)
    with cymraeg:
        welsh_field(engine, partnership, prompt, welsh.get(prompt.id), stored, editable)


def _answer_field(engine: Engine, partnership: Partnership, prompt: Prompt, stored: Answer | None, editable: bool) -> None:
    pid, c = stored_id(partnership), content()
    if not editable:
        _read_only_answer(engine, partnership, prompt, stored)
        return
    _sync_answer(pid, prompt, stored)
    _changed_notice(pid, prompt)
    label = label_of(prompt, partnership.nation)
    help_text = help_of(prompt, partnership.nation) + _guide(prompt)
    key = _k("ans", pid, prompt.id)
    common: dict[str, Any] = dict(key=key, help=help_text or None, on_change=_save, args=(engine, pid, prompt.id), disabled=not editable)
    if prompt.type == "longtext":
        placeholder = prompt.placeholder or t("common.type_here")
        st.text_area(label, height=180, placeholder=placeholder, **common)
    elif prompt.type in ("text", "number"):
        st.text_input(label, placeholder=prompt.placeholder or None, **common)
    elif prompt.type == "date":
        st.date_input(label, format="DD/MM/YYYY", min_value=date(1990, 1, 1), max_value=date(2100, 12, 31), **common)
    elif prompt.type == "image":
        _image_field(engine, pid, prompt, label, help_text, stored)
    elif prompt.type == "choice":
        options = c.options(prompt, partnership.nation, ui_language())  # named in the person's language; the ids are stored
        labels = {o.id: o.label for o in options}
        st.selectbox(label, [o.id for o in options], format_func=lambda i: labels.get(i, i), placeholder=t("common.choose_one"), **common)
    elif prompt.type == "multichoice":
        options = c.options(prompt, partnership.nation, ui_language())  # named in the person's language; the ids are stored
        labels = {o.id: o.label for o in options}
        st.multiselect(label, [o.id for o in options], format_func=lambda i: labels.get(i, i), placeholder=t("common.choose_all"), **common)
    error = st.session_state.get(_k("err", pid, prompt.id))
    if error:
        show_message(error)
    _conflict_view(engine, pid, prompt)
    base = st.session_state.get(_k("base", pid, prompt.id))
    if stored and stored.value == base:
        who = stored.updated_by_name + (f" ({stored.updated_by_agency})" if stored.updated_by_agency else "")
        st.caption(t("common.saved_at", when=uk_time(stored.updated_at), who=md_escape(who)))
    elif stored is None:
        st.caption(t("common.not_answered"))
    _history(engine, pid, prompt, editable)


# --- The Welsh version of an answer (partnerships in Wales) -------------------------------------


def welsh_field(
    engine: Engine, partnership: Partnership, prompt: Prompt, stored: WelshAnswer | None, english: Answer | None, editable: bool
) -> None:
    """The Welsh version of a written answer, beside the English: saved and version-checked like it, with
    the same conflict view and history, and "possibly out of date" when the English changed since."""
    pid = stored_id(partnership)
    label = label_of(prompt, partnership.nation) + t("frame2.save.welsh_suffix")
    if stored is not None and stored.out_of_date:
        st.warning(out_of_date_words(stored.english_changed_at), icon="🕒")
    if not editable:
        st.markdown(f"**{md_escape(label)}**")
        if stored and stored.value:
            st.text(stored.value)
            st.caption(t("frame2.welsh.last_saved", when=uk_time(stored.saved_at), who=md_escape(stored.saved_by)))
        else:
            st.caption(t("frame2.welsh.none_yet"))
        _history(engine, pid, prompt, False, WELSH)
        return
    _sync_answer(pid, prompt, stored, WELSH)
    _changed_notice(pid, prompt, WELSH)
    key = _ak("ans", pid, prompt.id, WELSH)
    common: dict[str, Any] = dict(
        key=key,
        help=t("frame2.welsh.help"),
        on_change=_save,
        args=(engine, pid, prompt.id),
        kwargs={"lang": WELSH},
    )
    if prompt.type == "longtext":
        st.text_area(label, height=180, placeholder=t("frame2.welsh.placeholder_long"), **common)
    else:
        st.text_input(label, placeholder=t("frame2.welsh.placeholder"), **common)
    error = st.session_state.get(_ak("err", pid, prompt.id, WELSH))
    if error:
        show_message(error)
    _conflict_view(engine, pid, prompt, WELSH)
    base = st.session_state.get(_ak("base", pid, prompt.id, WELSH))
    if stored and stored.value and stored.value == base:
        who = stored.saved_by + (f" ({stored.saved_by_agency})" if stored.saved_by_agency else "")
        st.caption(t("common.saved_at", when=uk_time(stored.saved_at), who=md_escape(who)))
        if stored.out_of_date:
            st.button(
                t("frame2.welsh.still_matches"),
                key=_ak("confirm", pid, prompt.id, WELSH),
                on_click=_save,
                args=(engine, pid, prompt.id),
                kwargs={"value": stored.value, "expected": stored.version, "lang": WELSH, "action": "confirm"},
                help=t("frame2.welsh.still_matches_help"),
            )
    elif english is not None and english.value and not (stored and stored.value):
        st.caption(t("frame2.welsh.none_yet"))
    _history(engine, pid, prompt, True, WELSH)


# --- Reference lists ----------------------------------------------------------------------------


def reference_list(partnership: Partnership, prompt: Prompt) -> None:
    assert prompt.source is not None  # a reference prompt names its list (checked when the content loads)
    ref = content().reference(prompt.source)
    with st.expander(label_of(prompt, partnership.nation), expanded=False):
        for item in ref.for_nation(partnership.nation):
            text = item.get("text") or item.get("note") or item.get("description") or ""
            cite = item.get("citation")
            name = item_label(item, partnership.nation, ui_language())
            st.markdown(f"**{md_escape(name)}**" + (f" ({md_escape(cite)})" if cite else ""))
            if text:
                st.text(text.strip()) if item.get("quotation") else st.caption(md_escape(text.strip()))
        if ref.guide:
            st.caption(t("frame2.table.from_guide", ref=ref.guide))


# --- Tables and grids ---------------------------------------------------------------------------

#: Column types whose help ends with a hint on what to type (frame2.table.hint_<type>).
_TYPE_HINTS = ("statistic", "period")


def _column_config(col: Column, nation: str):
    hint = t(f"frame2.table.hint_{col.type}") if col.type in _TYPE_HINTS else ""
    help_text = " ".join(x for x in (column_help_of(col, nation), hint) if x) or None
    label = column_label_of(col)
    if col.type == "yesno":
        return st.column_config.CheckboxColumn(label, help=help_text)
    if col.type == "choice":
        options = content().options(col, nation, ui_language())
        return st.column_config.SelectboxColumn(label, options=[o.label for o in options], help=help_text, required=col.required)
    if col.type == "multichoice":
        options = content().options(col, nation, ui_language())
        return st.column_config.MultiselectColumn(label, options=[o.label for o in options], help=help_text)
    if col.type == "number":
        return st.column_config.NumberColumn(label, help=help_text, min_value=col.min, max_value=col.max)
    if col.type == "date":
        return st.column_config.DateColumn(label, help=help_text, format="DD/MM/YYYY")
    return st.column_config.TextColumn(
        label,
        help=help_text,
        max_chars=col.limit if col.type in ("text", "longtext") else 40,
        required=col.required,
        width="large" if col.type == "longtext" else "medium",
    )


def _item_word(english: str) -> str:
    """What a table's rows are called (``english``: an item_label or its plural), in this person's language:
    frame2.item.<words> in interface_frame.yaml, the English where it has none."""
    key = "frame2.item." + english.replace(" ", "_")
    return t(key) if key in interface_strings() else english


def _items_heading(prompt: Prompt) -> str:
    """ "Measures" in "**Measures you add**": capitalised in English, as the Welsh sentence puts it."""
    words = _item_word(plural(prompt.item_label))
    return words if ui_language() == "cy" else words.capitalize()


def _cell_message(col: Column, message: str) -> str:
    """A refusal of a cell's value, in this person's language, naming its column unless it does already."""
    shown, label = message_in(message, ui_language()), column_label_of(col)
    return shown if col.label in message or label in shown else f"{label}: {shown}"


def _labels_for(col: Column, nation: str) -> tuple[dict, dict]:
    options = content().options(col, nation, ui_language())
    return {o.id: o.label for o in options}, {o.label: o.id for o in options}


def _frame(columns: list[Column], rows: list[dict], nation: str, first: tuple[str, list[str]] | None = None) -> pd.DataFrame:
    """Stored rows as the editor shows them (labels for choices, dates as dates)."""
    data = {}
    if first:
        data[first[0]] = pd.Series(first[1], dtype="object")
    for col in columns:
        values = [r.get(col.id) for r in rows]
        if col.type == "choice":
            to_label, _ = _labels_for(col, nation)
            data[col.id] = pd.Series([to_label.get(v) if v else None for v in values], dtype="object")
        elif col.type == "multichoice":
            to_label, _ = _labels_for(col, nation)
            data[col.id] = pd.Series([[to_label.get(x, x) for x in (v or [])] for v in values], dtype="object")
        elif col.type == "yesno":
            data[col.id] = pd.Series([bool(v) for v in values], dtype="bool")
        elif col.type == "number":
            data[col.id] = pd.Series([v for v in values], dtype="float64")
        elif col.type == "date":
            data[col.id] = pd.Series([date.fromisoformat(v) if v else None for v in values], dtype="object")
        else:
            data[col.id] = pd.Series([v or "" for v in values], dtype="object")
    return pd.DataFrame(data, columns=([first[0]] if first else []) + [c.id for c in columns])


def _cell_value(col: Column, value, nation: str):
    """What the editor sent, as the strategy functions take it (option ids, ISO dates)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if col.type == "choice":
        _, to_id = _labels_for(col, nation)
        return to_id.get(value, value) if value else ""
    if col.type == "multichoice":
        _, to_id = _labels_for(col, nation)
        return [to_id.get(v, v) for v in (value or [])]
    if col.type == "yesno":
        return bool(value)
    if col.type == "number":
        return value
    return str(value)


def _table_changed(engine: Engine, partnership: Partnership, prompt_id: str, editor_key: str, rows: list[Row]) -> None:
    """on_change of a table: save each edited cell, added row and removed row."""
    prompt = content().prompts[prompt_id]
    pid, nation = stored_id(partnership), partnership.nation
    author = current_author()
    messages, conflicts = [], []
    state = st.session_state.get(editor_key, {})
    columns = {c.id: c for c in row_columns(prompt)}
    if author is None:
        st.session_state[_k("tablemsg", pid, prompt_id)] = [t("frame2.save.signed_out")]
        return
    for index, changes in state.get("edited_rows", {}).items():
        row = rows[int(index)]
        for col_id, value in changes.items():
            col = columns[col_id]
            try:
                update_cell(engine, pid, row.id, col_id, _cell_value(col, value, nation), expected=row.values.get(col_id), author=author)
            except Conflict as exc:
                conflicts.append((row.id, col_id, exc))
            except WorkbookError as exc:
                messages.append(_cell_message(col, exc.message))
    for added in state.get("added_rows", []):
        values = {cid: _cell_value(columns[cid], v, nation) for cid, v in added.items() if cid in columns}
        if not any(v not in ("", None, False, []) for v in values.values()):
            continue
        try:
            add_row(engine, pid, prompt_id, values, author=author)
        except WorkbookError as exc:
            messages.append(t("frame2.table.not_added", item=_item_word(prompt.item_label), message=message_in(exc.message, ui_language())))
    removed = []
    for index in state.get("deleted_rows", []):
        row = rows[int(index)]
        try:
            delete_row(engine, pid, row.id, author=author)
            removed.append(row.id)
        except WorkbookError as exc:
            messages.append(exc.message)
    st.session_state[_k("tablemsg", pid, prompt_id)] = messages
    st.session_state[_k("tableconflicts", pid, prompt_id)] = conflicts
    if removed:
        st.session_state[_k("undo", pid, prompt_id)] = removed
    bump(pid, prompt_id)


def _grid_changed(engine: Engine, partnership: Partnership, prompt_id: str, editor_key: str, keys: list[str], shown: list[dict]) -> None:
    """on_change of a grid: save each edited cell of its fixed rows."""
    prompt = content().prompts[prompt_id]
    pid, nation = stored_id(partnership), partnership.nation
    author = current_author()
    if author is None:
        st.session_state[_k("tablemsg", pid, prompt_id)] = [t("frame2.save.signed_out")]
        return
    columns = {c.id: c for c in prompt.columns}
    messages, conflicts = [], []
    for index, changes in st.session_state.get(editor_key, {}).get("edited_rows", {}).items():
        row_key, before = keys[int(index)], shown[int(index)]
        for col_id, value in changes.items():
            if col_id not in columns:
                continue
            col = columns[col_id]
            try:
                row = set_grid_cell(
                    engine, pid, prompt_id, row_key, col_id, _cell_value(col, value, nation), expected=before.get(col_id), author=author
                )
            except Conflict as exc:
                stored = grid_rows(engine, pid, prompt_id).get(row_key)
                if stored is not None:
                    conflicts.append((stored.id, col_id, exc))
            except WorkbookError as exc:
                messages.append(_cell_message(col, exc.message))
            else:
                before = row.values
    st.session_state[_k("tablemsg", pid, prompt_id)] = messages
    st.session_state[_k("tableconflicts", pid, prompt_id)] = conflicts
    bump(pid, prompt_id)


def _undo_delete(engine: Engine, pid: int, prompt_id: str, item_ids: list[int]) -> None:
    for item_id in item_ids:
        try:
            restore_row(engine, pid, item_id, author=author_or_refuse())
        except WorkbookError as exc:
            st.session_state[_k("tablemsg", pid, prompt_id)] = [exc.message]
    st.session_state.pop(_k("undo", pid, prompt_id), None)
    bump(pid, prompt_id)


def _use_mine(engine: Engine, pid: int, prompt_id: str, item_id: int, col_id: str, exc: Conflict) -> None:
    try:
        update_cell(engine, pid, item_id, col_id, exc.mine, expected=exc.theirs, author=author_or_refuse())
    except WorkbookError as err:
        st.session_state[_k("tablemsg", pid, prompt_id)] = [err.message]
    st.session_state[_k("tableconflicts", pid, prompt_id)] = []
    bump(pid, prompt_id)


def _move(engine: Engine, pid: int, prompt_id: str, item_id: int, direction: int) -> None:
    try:
        move_row(engine, pid, item_id, direction, author=author_or_refuse())
    except WorkbookError as exc:
        st.session_state[_k("tablemsg", pid, prompt_id)] = [exc.message]
    bump(pid, prompt_id)


def _prompt_heading(partnership: Partnership, prompt: Prompt) -> None:
    st.markdown(f"**{md_escape(label_of(prompt, partnership.nation))}**")
    if prompt.help:
        st.caption(md_escape(help_of(prompt, partnership.nation)) + _guide(prompt))


def _messages(engine: Engine, partnership: Partnership, prompt: Prompt) -> None:
    pid = stored_id(partnership)
    for message in st.session_state.get(_k("tablemsg", pid, prompt.id), []):
        show_message(message)
    columns = {c.id: c for c in row_columns(prompt)}
    for item_id, col_id, exc in st.session_state.get(_k("tableconflicts", pid, prompt.id), []):
        col = columns[col_id]
        st.warning(
            t(
                "frame2.table.cell_conflict",
                who=md_escape(exc.theirs_by or t("frame2.answer.someone_cap")),
                column=md_escape(column_label_of(col)),
                theirs=md_escape(_cell_text(col, exc.theirs, partnership.nation)),
                mine=md_escape(_cell_text(col, exc.mine, partnership.nation)),
            ),
            icon="🔀",
        )
        st.button(
            t("frame2.table.use_mine"),
            key=_k("cellmine", pid, item_id, col_id),
            on_click=_use_mine,
            args=(engine, pid, prompt.id, item_id, col_id, exc),
        )


def _checks(partnership: Partnership, prompt: Prompt, rows: list[dict]) -> None:
    for finding in run_checks(prompt.checks, rows, partnership.nation):
        ok = finding.level == "ok"
        (st.success if ok else st.warning)(md_escape(finding.message), icon="✅" if ok else "💡")


def table_field(engine: Engine, partnership: Partnership, prompt: Prompt, rows: list[Row], editable: bool, *, heading: bool = True) -> None:
    pid = stored_id(partnership)
    if heading:
        _prompt_heading(partnership, prompt)
    columns = row_columns(prompt)
    if prompt.imported:
        editable = False  # rows come from a file import; the import panel below replaces them
    if not editable:
        # Scrutineers and viewers (and imported tables) see the rows as a table, not a greyed-out editor.
        st.dataframe(
            _frame(columns, [r.values for r in rows], partnership.nation),
            hide_index=True,
            width="stretch",
            column_config={col.id: _column_config(col, partnership.nation) for col in columns},
        )
        if not rows:
            st.caption(t("frame2.table.none_yet", items=_item_word(plural(prompt.item_label))))
        if prompt.checks and prompt.type == "table":
            _checks(partnership, prompt, [r.values for r in rows])
        return
    generation = st.session_state.get(_k("tablegen", pid, prompt.id), 0)
    editor_key = _k("table", pid, prompt.id, generation)
    st.data_editor(
        _frame(columns, [r.values for r in rows], partnership.nation),
        key=editor_key,
        hide_index=True,
        num_rows="dynamic" if editable else "fixed",
        disabled=not editable,
        column_config={col.id: _column_config(col, partnership.nation) for col in columns},
        on_change=_table_changed,
        args=(engine, partnership, prompt.id, editor_key, rows),
        width="stretch",
        height="content" if len(rows) <= 25 else 600,
    )
    if editable:
        an_item = _item_word(prompt.item_label) if ui_language() == "cy" else with_article(prompt.item_label)
        st.caption(t("frame2.table.how_to_edit", an_item=an_item))
    _messages(engine, partnership, prompt)
    undo = st.session_state.get(_k("undo", pid, prompt.id))
    if undo and editable:
        st.info(t("frame2.table.removed", count=len(undo), items=_item_word(plural(prompt.item_label, len(undo)))), icon="🗑️")
        st.button(t("frame2.table.undo"), key=_k("undo-btn", pid, prompt.id), on_click=_undo_delete, args=(engine, pid, prompt.id, undo))
    if prompt.ordered and editable and len(rows) > 1:
        _reorder(engine, pid, prompt, rows)
    if editable:
        _removed_rows(engine, pid, prompt)
    if prompt.checks and prompt.type == "table":
        _checks(partnership, prompt, [r.values for r in rows])


def grid_field(engine: Engine, partnership: Partnership, prompt: Prompt, rows: list[Row], editable: bool) -> None:
    """A fixed set of rows from the guide's lists; with two lists, one list at a time."""
    pid, c = stored_id(partnership), content()
    _prompt_heading(partnership, prompt)
    stored = {r.row_key: r for r in rows if r.row_key}
    fixed = c.grid_rows(prompt, partnership.nation, ui_language())
    if isinstance(prompt.rows_from, tuple):
        groups = c.list_options(prompt.rows_from[0], partnership.nation, ui_language())
        group_labels = {g.id: g.label for g in groups}
        chosen = st.selectbox(
            t("frame2.table.show", what=c.reference(prompt.rows_from[0]).title.lower()),
            [g.id for g in groups],
            format_func=lambda g: group_labels[g],
            key=_k("gridpick", pid, prompt.id),
        )
        fixed = [(key, label.split(": ", 1)[1]) for key, label in fixed if key.split("|")[0] == chosen]
    keys = [key for key, _ in fixed]
    shown = [stored[key].values if key in stored else {} for key in keys]
    if not editable:
        config = {col.id: _column_config(col, partnership.nation) for col in prompt.columns}
        config["_row"] = st.column_config.TextColumn("", width="medium")
        st.dataframe(
            _frame(list(prompt.columns), shown, partnership.nation, first=("_row", [label for _, label in fixed])),
            hide_index=True,
            column_config=config,
            width="stretch",
        )
        if prompt.extra_rows:
            st.markdown(t("frame2.table.you_add", items=md_escape(_items_heading(prompt))))
            table_field(engine, partnership, prompt, [r for r in rows if r.row_key is None], False, heading=False)
        if prompt.checks:
            _checks(partnership, prompt, [{"_row": r.row_key, **r.values} for r in rows if r.row_key])
        return
    generation = st.session_state.get(_k("tablegen", pid, prompt.id), 0)
    editor_key = _k("grid", pid, prompt.id, generation, keys[0] if keys else "")
    config = {col.id: _column_config(col, partnership.nation) for col in prompt.columns}
    config["_row"] = st.column_config.TextColumn("", disabled=True, width="medium")
    st.data_editor(
        _frame(list(prompt.columns), shown, partnership.nation, first=("_row", [label for _, label in fixed])),
        key=editor_key,
        hide_index=True,
        num_rows="fixed",
        disabled=["_row"] if editable else True,
        column_config=config,
        on_change=_grid_changed,
        args=(engine, partnership, prompt.id, editor_key, keys, shown),
        width="stretch",
        height="content",
    )
    if editable:
        st.caption(t("frame2.table.each_change"))
    _messages(engine, partnership, prompt)
    if prompt.extra_rows:
        st.markdown(t("frame2.table.you_add", items=md_escape(_items_heading(prompt))))
        table_field(engine, partnership, prompt, [r for r in rows if r.row_key is None], editable, heading=False)
    if prompt.checks:
        _checks(partnership, prompt, [{"_row": r.row_key, **r.values} for r in rows if r.row_key])


def _cell_text(col: Column, value, nation: str) -> str:
    if col.type == "yesno":
        return {True: t("frame2.table.yes"), False: t("frame2.table.no")}.get(value, t("frame2.table.blank"))
    if col.type == "choice":
        return _labels_for(col, nation)[0].get(value, value or t("frame2.table.blank"))
    if col.type == "multichoice":
        labels = _labels_for(col, nation)[0]
        return ", ".join(labels.get(v, v) for v in (value or [])) or t("frame2.table.blank")
    return t("frame2.table.blank") if value in (None, "") else str(value)


def _reorder(engine: Engine, pid: int, prompt: Prompt, rows: list[Row]) -> None:
    first = prompt.columns[0].id
    with st.expander(t("frame2.table.change_order", items=_item_word(plural(prompt.item_label)))):
        for position, row in enumerate(rows, start=1):
            # Each button names its item ("Move 'Police' up"), so a screen reader says more than "up arrow".
            name = md_escape(shorten(str(row.values.get(first) or f"{prompt.item_label} {position}"), 40))
            text, a, b = st.columns([6, 3, 3], vertical_alignment="center")
            text.text(f"{position}. {row.values.get(first) or ''}")
            a.button(
                t("frame2.table.move_up", name=name),
                key=_k("up", pid, row.id),
                disabled=position == 1,
                icon=":material/arrow_upward:",
                on_click=_move,
                args=(engine, pid, prompt.id, row.id, -1),
            )
            b.button(
                t("frame2.table.move_down", name=name),
                key=_k("down", pid, row.id),
                disabled=position == len(rows),
                icon=":material/arrow_downward:",
                on_click=_move,
                args=(engine, pid, prompt.id, row.id, 1),
            )


def _removed_rows(engine: Engine, pid: int, prompt: Prompt) -> None:
    removed = [r for r in list_rows(engine, pid, prompt.id, deleted=True) if r.row_key is None]
    if not removed:
        return
    first = row_columns(prompt)[0].id
    with st.expander(t("frame2.table.removed_rows", items=_item_word(plural(prompt.item_label)), count=len(removed))):
        for row in removed[-50:]:
            text, button = st.columns([8, 2])
            text.text(str(row.values.get(first) or t("frame2.table.no_name")))
            button.button(
                t("frame2.table.restore"),
                key=_k("restore-row", pid, row.id),
                on_click=_undo_delete,
                args=(engine, pid, prompt.id, [row.id]),
            )


# --- A whole chapter ----------------------------------------------------------------------------

#: Where a person types free text (the safeguarding reminder goes just before the first of them).
FREE_TEXT = ("longtext", "text", "table", "grid")


def chapter_page(engine: Engine, partnership: Partnership, chapter_id: str) -> None:
    chapter: Chapter = content().chapter(chapter_id)
    st.title(title_of(chapter))
    st.caption(f"{md_escape(partnership.name)} · {t('chapter.guide', ref=chapter.guide)}")
    if chapter.summary:
        st.markdown(md_escape(summary_of(chapter, partnership.nation)))
    editable = role_banner(engine, partnership)
    counts = open_counts(engine, stored_id(partnership))
    answers = get_answers(engine, stored_id(partnership))
    rows = all_rows(engine, stored_id(partnership))
    prompts = [p for p in chapter.prompts if p.counted]
    done = sum(is_answered(p, answers[p.id].value if p.id in answers else None, rows.get(p.id)) for p in prompts)
    st.progress(done / len(prompts) if prompts else 1.0, text=t("chapter.answered", done=done, total=len(prompts)))
    welsh = welsh_answers(engine, stored_id(partnership)) if welsh_applies(partnership.nation) else None
    if welsh is not None:
        welsh_summary(engine, partnership, chapter.id)
    reminded = False
    for section in chapter.sections:
        st.header(title_of(section), divider="gray")
        if section.guide:
            st.caption(t("chapter.guide", ref=section.guide))
        if section.intro:
            st.markdown(md_escape(intro_of(section, partnership.nation)))
        for prompt in section.prompts:
            if not prompt.asked_in(partnership.nation):
                continue
            if not reminded and editable and prompt.type in FREE_TEXT:
                safeguarding_reminder()  # once per page, just before its first free-text box
                reminded = True
            if prompt.type == "reference":
                reference_list(partnership, prompt)
            elif prompt.type == "table":
                table_field(engine, partnership, prompt, [r for r in rows.get(prompt.id, []) if r.row_key is None], editable)
            elif prompt.type == "grid":
                grid_field(engine, partnership, prompt, rows.get(prompt.id, []), editable)
            else:
                answer_field(engine, partnership, prompt, answers.get(prompt.id), editable, welsh=welsh)
            extra = prompt_extras().get(prompt.id)
            if extra:
                extra(engine, partnership, prompt, editable)
            if prompt.type != "reference":
                comments_panel(engine, partnership, chapter.id, "prompt", prompt.id, counts[("prompt", prompt.id)])
