"""Comments under each prompt: "Comments (n open)"; add, reply, resolve. Text shown as text."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from strategy.answers.comments import add_comment, set_resolved, threads
from strategy.core.access import can
from strategy.core.dates import uk_time
from strategy.core.errors import WorkbookError
from strategy.core.models import Comment, Partnership, stored_id
from strategy.core.text import md_escape
from strategy.ui.language import t
from strategy.ui.state import author_or_refuse, current_author, show_message


def _k(*parts) -> str:
    return "|".join(str(p) for p in parts)


def _byline(c: Comment) -> str:
    who = c.author_name + (f", {c.author_agency}" if c.author_agency else "")
    return f"**{md_escape(who)}**, {uk_time(c.created_at)}"


def _add(engine: Engine, pid: int, chapter_id: str, kind: str, key: str, box: str, parent_id: int | None) -> None:
    st.session_state[_k("commentsopen", pid, kind, key)] = True  # stays open after the count in its label changes
    try:
        add_comment(
            engine,
            pid,
            chapter_id=chapter_id,
            target_kind=kind,
            target_key=key,
            text=st.session_state.get(box, ""),
            parent_id=parent_id,
            author=author_or_refuse(),
        )
        st.session_state[box] = ""
        st.session_state.pop(_k("commenterr", pid, kind, key), None)
    except WorkbookError as exc:
        st.session_state[_k("commenterr", pid, kind, key)] = exc.message


def _resolve(engine: Engine, pid: int, comment_id: int, resolved: bool, kind: str, key: str) -> None:
    st.session_state[_k("commentsopen", pid, kind, key)] = True
    try:
        set_resolved(engine, pid, comment_id, resolved, author=author_or_refuse())
    except WorkbookError as exc:
        st.session_state[_k("commenterr", pid, kind, key)] = exc.message


def comments_panel(engine: Engine, partnership: Partnership, chapter_id: str, kind: str, key: str, open_count: int) -> None:
    """An expander of the comments on one target, with the forms this person's role allows."""
    pid, author = stored_id(partnership), current_author()
    label = t("frame2.comments.title_open", count=open_count) if open_count else t("frame2.comments.title")
    with st.expander(label, expanded=bool(st.session_state.get(_k("commentsopen", pid, kind, key)))):
        comment_ok = can(engine, author, pid, "comment")
        resolve_ok = can(engine, author, pid, "edit")
        all_threads = threads(engine, pid, kind, key)
        if not all_threads:
            st.caption(t("frame2.comments.none"))
        for thread in all_threads:
            c = thread.comment
            with st.container(border=True):
                state = (
                    ""
                    if thread.open
                    else t("frame2.comments.resolved_by", who=md_escape(c.resolved_by_name or ""), when=uk_time(c.resolved_at))
                )
                st.markdown(_byline(c) + state)
                st.text(c.text)
                for reply in thread.replies:
                    st.markdown("↳ " + _byline(reply))
                    st.text(reply.text)
                if comment_ok and thread.open:
                    box = _k("reply", pid, c.id)
                    st.text_input(
                        t("frame2.comments.reply"),
                        key=box,
                        max_chars=5000,
                        label_visibility="collapsed",
                        placeholder=t("frame2.comments.reply_placeholder"),
                    )
                    st.button(
                        t("frame2.comments.reply"),
                        key=_k("replybtn", pid, c.id),
                        on_click=_add,
                        args=(engine, pid, chapter_id, kind, key, box, c.id),
                    )
                if resolve_ok:
                    st.button(
                        t("frame2.comments.resolve") if thread.open else t("frame2.comments.reopen"),
                        key=_k("resolve", pid, c.id),
                        on_click=_resolve,
                        args=(engine, pid, c.id, thread.open, kind, key),
                    )
        error = st.session_state.get(_k("commenterr", pid, kind, key))
        if error:
            show_message(error)
        if comment_ok:
            box = _k("newcomment", pid, kind, key)
            st.text_area(
                t("frame2.comments.add_label"),
                key=box,
                max_chars=5000,
                height=80,
                help=t("frame2.comments.add_help"),
            )
            st.button(
                t("frame2.comments.add_button"),
                key=_k("addcomment", pid, kind, key),
                on_click=_add,
                args=(engine, pid, chapter_id, kind, key, box, None),
            )
