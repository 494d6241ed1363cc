"""The Welsh titles of the plan (issue 20), for partnerships in Wales: a table of each priority, aim,
outcome or action with its English title and its Welsh one, saved cell by cell through
``strategy.answers.welsh.save_welsh_title`` with the version the person loaded. Partnerships in England see
nothing of it. The Welsh versions of answers are drawn beside the English by ``strategy.ui.widgets``."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.answers.welsh import (
    KIND_WORDS,
    TITLE_PAGES,
    WelshTitle,
    gap_label,
    out_of_date_words,
    plan_titles,
    save_welsh_title,
    welsh_applies,
    welsh_coverage,
    welsh_title_rows,
)
from strategy.core.dates import to_uk
from strategy.core.errors import Conflict, WorkbookError
from strategy.core.interface import message_in
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape, plural, shorten
from strategy.guide.content import Prompt
from strategy.ui.language import t, ui_language
from strategy.ui.state import current_author, show_message
from strategy.word.language import welsh_date

COLUMNS = ["Code", "English", "Cymraeg", "Welsh version"]


def _k(*parts) -> str:
    return "welsh-titles|" + "|".join(str(p) for p in parts)


def _out_of_date(english_changed_at: datetime | None) -> str:
    """ "Possibly out of date: the English changed on 12 March 2027.", in the person's language."""
    if ui_language() == "en":
        return out_of_date_words(english_changed_at)
    if english_changed_at is None:
        return t("publish.welsh.out_of_date")
    return t("publish.welsh.out_of_date_on", day=welsh_date(to_uk(english_changed_at).date()))


def _summary(coverage) -> str:
    """ "Welsh versions: 34 of 52 answers, 10 of 14 plan titles; 3 possibly out of date", in the person's
    language (strategy.answers.welsh.WelshCoverage.summary in English)."""
    if ui_language() == "en":
        return coverage.summary()
    parts = []
    if coverage.answers_total or not coverage.titles_total:
        parts.append(t("publish.welsh.answers", count=coverage.answers_welsh, total=coverage.answers_total))
    if coverage.titles_total:
        parts.append(t("publish.welsh.titles", count=coverage.titles_welsh, total=coverage.titles_total))
    text = t("publish.welsh.versions", parts=", ".join(parts))
    if coverage.out_of_date:
        text += t("publish.welsh.possibly", count=len(coverage.out_of_date))
    return text


def _kind_words(kinds: tuple[str, ...]) -> str:
    """ "strategic aims and intended outcomes", in the person's language."""
    if ui_language() == "en":
        return " and ".join(plural(KIND_WORDS[k]) for k in kinds)
    return t("publish.welsh.and").join(t(f"publish.welsh.kinds.{k}") for k in kinds)


def _state_words(row: WelshTitle | None) -> str:
    if row is None or not row.title:
        return t("publish.welsh.missing")
    if row.out_of_date:
        return _out_of_date(row.english_changed_at)
    return t("publish.welsh.up_to_date")


def _changed(engine: Engine, pid: int, group: str, editor_key: str, rows: list[dict]) -> None:
    """on_change: save each Welsh title changed in the table, with the version shown."""
    author = current_author()
    messages: list[str] = []
    conflicts: list[tuple[dict, Conflict]] = []
    if author is None:
        messages.append(t("publish.welsh.signed_out"))
    else:
        for index, changes in st.session_state.get(editor_key, {}).get("edited_rows", {}).items():
            row = rows[int(index)]
            if "Cymraeg" not in changes:
                continue
            try:
                save_welsh_title(
                    engine, pid, row["kind"], row["id"], changes["Cymraeg"] or "", expected_version=row["version"], author=author
                )
            except Conflict as exc:
                conflicts.append((row, exc))
            except WorkbookError as exc:
                messages.append(f"{row['Code']}: {message_in(exc.message, ui_language())}")
    st.session_state[_k("msg", pid, group)] = messages
    st.session_state[_k("conflicts", pid, group)] = conflicts
    st.session_state[_k("gen", pid, group)] = st.session_state.get(_k("gen", pid, group), 0) + 1


def _use_mine(engine: Engine, pid: int, group: str, row: dict, exc: Conflict) -> None:
    author = current_author()
    try:
        if author is None:
            st.session_state[_k("msg", pid, group)] = [f"{row['Code']}: {t('publish.welsh.signed_out')}"]
        else:
            save_welsh_title(engine, pid, row["kind"], row["id"], exc.mine, expected_version=exc.theirs_version, author=author)
    except WorkbookError as err:
        st.session_state[_k("msg", pid, group)] = [f"{row['Code']}: {message_in(err.message, ui_language())}"]
    st.session_state[_k("conflicts", pid, group)] = []
    st.session_state[_k("gen", pid, group)] = st.session_state.get(_k("gen", pid, group), 0) + 1


def welsh_summary(engine: Engine, partnership: Partnership, *pages: str) -> None:
    """For a partnership in Wales: how much has a Welsh version (on one chapter's or page's, or every one
    when ``pages`` is empty), with what is possibly out of date. Nothing for a partnership in England.

    Always one container, whatever it holds: were it to appear with the first answer written, every
    field after it would be drawn anew by the browser, and the person typing in one would lose its focus."""
    if not welsh_applies(partnership.nation):
        return
    coverage = welsh_coverage(engine, stored_id(partnership))
    if pages:
        coverage = coverage.for_page(*pages)
    with st.container():
        if not coverage.entries:
            return
        (st.success if coverage.complete else st.info)(md_escape(_summary(coverage)) + ".", icon=":material/translate:")
        if coverage.out_of_date:
            with st.expander(t("publish.welsh.out_of_date_list", count=len(coverage.out_of_date))):
                for gap in coverage.out_of_date[:50]:
                    label = gap_label(gap, ui_language(), partnership.nation)
                    st.markdown(f"- {md_escape(shorten(label, 100))}: {md_escape(_out_of_date(gap.english_changed_at))}")


def titles_table(engine: Engine, partnership: Partnership, kinds: tuple[str, ...], editable: bool, *, summary: bool = True) -> None:
    """The Welsh titles of ``kinds`` (priority, aim, outcome, action) beside the English, for a
    partnership in Wales; nothing for one in England."""
    if not welsh_applies(partnership.nation):
        return
    pid = stored_id(partnership)
    group = "-".join(kinds)
    titles = [x for x in plan_titles(engine, pid) if x.kind in kinds and x.english.strip()]
    words = _kind_words(kinds)
    st.subheader(t("publish.welsh.titles_header", kinds=words), anchor=False)
    if summary:
        welsh_summary(engine, partnership, *sorted({TITLE_PAGES[k] for k in kinds}))
    if not titles:
        st.caption(t("publish.welsh.none_yet", kinds=words))
        return
    stored = welsh_title_rows(engine, pid)
    rows = []
    for title in titles:
        row = stored.get((title.kind, title.id))
        rows.append(
            {
                "kind": title.kind,
                "id": title.id,
                "version": row.version if row else 0,
                "Code": title.code,
                "English": title.english,
                "Cymraeg": row.title if row else "",
                "Welsh version": _state_words(row),
            }
        )
    frame = pd.DataFrame([{c: r[c] for c in COLUMNS} for r in rows], columns=COLUMNS)
    config = {
        "Code": st.column_config.TextColumn(t("publish.col.code"), disabled=True, width=80),
        "English": st.column_config.TextColumn(t("publish.welsh.english"), disabled=True, width=360),
        "Cymraeg": st.column_config.TextColumn(t("publish.welsh.cymraeg"), width=360, help=t("publish.welsh.cymraeg_help")),
        "Welsh version": st.column_config.TextColumn(t("publish.welsh.welsh_version"), disabled=True, width=260),
    }
    if not editable:
        st.dataframe(frame, hide_index=True, width="stretch", column_config=config)
        return
    key = _k("editor", pid, group, st.session_state.get(_k("gen", pid, group), 0))
    st.data_editor(
        frame,
        key=key,
        hide_index=True,
        num_rows="fixed",
        disabled=["Code", "English", "Welsh version"],
        column_config=config,
        on_change=_changed,
        args=(engine, pid, group, key, rows),
        width="stretch",
        height="content" if len(rows) <= 25 else 600,
    )
    st.caption(t("publish.welsh.type_here"))
    for message in st.session_state.get(_k("msg", pid, group), []):
        show_message(message)
    for n, (row, exc) in enumerate(st.session_state.get(_k("conflicts", pid, group), [])):
        st.warning(
            t(
                "publish.welsh.conflict",
                who=md_escape(exc.theirs_by or t("publish.welsh.someone")),
                code=md_escape(row["Code"]),
                theirs=md_escape(str(exc.theirs)),
                mine=md_escape(str(exc.mine)),
            ),
            icon="🔀",
        )
        st.button(t("publish.welsh.use_mine"), key=_k("mine", pid, group, n), on_click=_use_mine, args=(engine, pid, group, row, exc))


def priority_titles(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    """Beneath the strategic priorities (an extra of ``vision.priorities``): their Welsh titles, in Wales."""
    titles_table(engine, partnership, ("priority",), editable, summary=False)  # the chapter's summary is at its top
