"""The one panel every import shows: the staff survey, local figures and identification measures
(``strategy.ui.import_panel``), the snapshot's and thematic audits' surveys
(``strategy.ui.snapshot_views.file_import``) and the action plan (``strategy.ui.plan_views``).

``chosen_file`` offers the template and the uploader (a fresh one after each import) and says what
the last import stored; ``import_panel`` shows what the chosen file would store (its name, how it was
read, the counts, the columns read and ignored, every problem by row and column, the rows ready) and,
when there is nothing to fix, the import button, which imports everything or nothing. Each import
passes its own preview function (which reads the file through ``strategy.tabular.reading``), what to
show of the preview, and its commit function.

Every session-state and widget key is ``key(part)`` for the parts "template", "file" (plus the
uploader's generation), "gen", "done", "preview", "mode" and "go", so each page keeps its own keys.

Text from a file (column names, values, sheet names, messages quoting them) is only ever shown
through ``st.dataframe`` and ``st.text``, and the file's name through ``md_escape``: never as live
markdown."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

import pandas as pd
import streamlit as st

from strategy.core.errors import WorkbookError
from strategy.core.interface import message_in
from strategy.core.text import md_escape
from strategy.tabular.reading import MAX_MEGABYTES, MAX_ROWS, Preview, file_name, group_problems
from strategy.ui.downloads import offer_download
from strategy.ui.language import t, ui_language

#: Ready rows shown in the preview.
PREVIEW_ROWS = 20
#: Problems shown in the preview's table (all are counted).
PROBLEM_ROWS = 500
#: The uploader's label, unless a page gives its own (in the person's language: ``upload_label()``).
UPLOAD_LABEL = ""


def upload_label() -> str:
    return t("frame2.import.upload", mb=MAX_MEGABYTES, rows=f"{MAX_ROWS:,}")


Keys = Callable[[str], str]
Mode = Literal["replace", "add"]
_P = TypeVar("_P")


@dataclass(frozen=True)
class Template:
    """A file to fill in, offered beside the uploader."""

    data: bytes
    name: str


@dataclass(frozen=True)
class Existing:
    """Rows already stored, which an import replaces or adds to: the question and its two answers.
    ``default`` is offered first."""

    question: str
    replace: str
    add: str
    default: Mode = "replace"


@dataclass
class Shown:
    """What the panel shows of a preview."""

    #: How the file was read, its counts, the columns read and ignored, and its problems.
    preview: Preview
    #: The first rows ready to import (at most PREVIEW_ROWS), as the page names their columns.
    ready: pd.DataFrame
    #: The import button's label.
    button: str
    #: Whether there is anything to import (and nothing to fix).
    importable: bool
    #: What the ready rows are called in the caption above them ("rows" in the person's language if empty).
    noun: str = ""
    #: A sentence or two on what importing would do, shown first.
    summary: str = ""
    #: Said when there is nothing to fix and nothing to import (a default in the person's language if empty).
    nothing: str = ""
    #: The counts shown; by default rows ready, rows with problems and blank rows skipped.
    metrics: list[tuple[str, int]] = field(default_factory=list)

    def counts(self) -> list[tuple[str, int]]:
        p = self.preview
        return self.metrics or [
            (t("frame2.import.rows_ready"), p.ready),
            (t("frame2.import.rows_with_problems"), p.rows_with_problems),
            (t("frame2.import.blank_rows"), p.blank_rows),
        ]


def chosen_file(
    key: Keys, *, template: Template | None = None, label: str = UPLOAD_LABEL, disabled: bool = False
) -> tuple[bytes, str] | None:
    """The template to download, what the last import stored, and the uploader: the chosen file's
    bytes and name, or None."""
    if template is not None:
        offer_download(
            st,
            t("frame2.import.template"),
            data=template.data,
            file_name=template.name,
            key=key("template"),
            icon=":material/download:",
            on_click="ignore",
        )
    done = st.session_state.pop(key("done"), None)
    if done:
        st.success(md_escape(done), icon="✅")  # may name the file
    generation = st.session_state.get(key("gen"), 0)
    upload = st.file_uploader(
        label or upload_label(), type=["csv", "xlsx"], key=f"{key('file')}|{generation}", max_upload_size=MAX_MEGABYTES, disabled=disabled
    )
    return None if upload is None else (upload.getvalue(), upload.name)


def _read(key: str, data: bytes, filename: str, preview: Callable[[bytes, str], _P], choices: str = "") -> _P | WorkbookError:
    """The file's preview, read once per file and set of choices (not on every rerun)."""
    token = hashlib.sha256(data).hexdigest() + "|" + filename + "|" + choices
    cached = st.session_state.get(key)
    if cached and cached[0] == token:
        return cached[1]
    with st.status(t("frame2.import.reading")) as status:
        result: _P | WorkbookError
        try:
            result = preview(data, filename)
            status.update(label=t("frame2.import.read"), state="complete")
        except WorkbookError as exc:
            result = exc
            status.update(label=t("frame2.import.unreadable"), state="error")
    st.session_state[key] = (token, result)
    return result


def show_error(headline: str, message: str) -> None:
    st.error(headline, icon="⚠️")
    st.text(message_in(message, ui_language()))  # may quote the file: never markdown


def import_panel(
    key: Keys,
    data: bytes,
    filename: str,
    *,
    preview: Callable[[bytes, str], _P],
    shown: Callable[[_P], Shown],
    commit: Callable[[bool], str],
    existing: Existing | None = None,
    replace: bool = True,
    choices: str = "",
    choose: Callable[[_P | WorkbookError], None] | None = None,
) -> None:
    """What the file would store and every problem in it, then (when there are none) the import
    button. ``preview`` reads the file (raising WorkbookError when it cannot); ``shown`` says what
    to show of its result; ``commit(replace)`` imports the file, all of it or nothing, and returns
    the sentence saying what was stored (or raises WorkbookError). With ``existing``, the person
    chooses whether the import replaces the rows already stored; without, ``replace`` is passed.
    ``choices`` names the choices the preview was made with (a new preview when they change), and
    ``choose(result)`` shows the widgets that change them (the sheet, the header row, the area...)."""
    st.markdown(t("frame2.import.preview_of", name=md_escape(file_name(filename))))
    result = _read(key("preview"), data, filename, preview, choices)
    if isinstance(result, WorkbookError):
        show_error(t("frame2.import.unreadable_nothing"), result.message)
        if choose is not None:
            choose(result)  # the choices (a sheet, a row) may be what makes it readable
        return
    if choose is not None:
        choose(result)
    view = shown(result)
    base = view.preview
    if view.summary:
        st.text(message_in(view.summary, ui_language()))
    st.text(t("frame2.import.read_as", how=message_in(base.read_as, ui_language())))
    for note in base.notes:
        st.text(message_in(note, ui_language()))  # may quote the file's title or column names: never markdown
    for column, (label, count) in zip(st.columns(len(view.counts())), view.counts(), strict=True):
        column.metric(label, f"{count:,}")
    if base.columns:
        st.caption(t("frame2.import.columns_read"))
        st.dataframe(pd.DataFrame(base.columns, columns=[t("frame2.import.column_in_file"), t("frame2.import.goes_into")]), hide_index=True)
    if base.ignored:
        st.caption(t("frame2.import.columns_ignored"))
        ignored = [(column, message_in(why, ui_language())) for column, why in base.ignored]
        st.dataframe(pd.DataFrame(ignored, columns=[t("frame2.import.column_in_file"), t("frame2.import.why")]), hide_index=True)
    if base.problem_count:
        one = "one" if base.problem_count == 1 else "many"
        st.error(t(f"frame2.import.problem_{one}", count=f"{base.problem_count:,}"), icon="⚠️")
        grouped = group_problems(base.problems, base.problem_count)
        st.text("\n".join(message_in(line, ui_language()) for line in grouped))  # a screenful, by kind
        problems = base.problems[:PROBLEM_ROWS]
        with st.expander(t("frame2.import.every_problem", count=f"{base.problem_count:,}")):
            problem = t("frame2.import.problem")
            st.dataframe(
                pd.DataFrame(
                    [(p.row, p.column, message_in(p.message, ui_language())) for p in problems],
                    columns=[t("frame2.import.row"), t("frame2.import.column"), problem],
                ),
                hide_index=True,
                column_config={problem: st.column_config.TextColumn(width="large")},
            )
            if base.problem_count > len(problems):
                st.caption(t("frame2.import.showing_first", shown=f"{len(problems):,}", count=f"{base.problem_count:,}"))
    if not view.ready.empty:
        noun = view.noun or t("frame2.import.rows")
        st.caption(t("frame2.import.first_ready", shown=f"{len(view.ready):,}", count=f"{base.ready:,}", noun=noun))
        st.dataframe(view.ready, hide_index=True)
    if base.problem_count:
        return
    if not view.importable:
        st.warning(view.nothing or t("frame2.import.no_rows"))
        return
    if existing is not None:
        order: list[Mode] = ["replace", "add"] if existing.default == "replace" else ["add", "replace"]
        answers = {"replace": existing.replace, "add": existing.add}
        replace = st.radio(existing.question, order, format_func=answers.__getitem__, key=key("mode")) == "replace"
    if st.button(view.button, type="primary", key=key("go")):
        with st.spinner(t("frame2.import.importing")):
            try:
                done = commit(replace)
            except WorkbookError as exc:
                show_error(t("frame2.import.nothing_imported"), exc.message)
                return
        st.session_state[key("done")] = done
        # A fresh uploader and preview, and the page showing what is now stored.
        st.session_state[key("gen")] = st.session_state.get(key("gen"), 0) + 1
        st.session_state.pop(key("preview"), None)
        st.rerun()


def ready_frame(preview: Preview, columns: dict[str, str], values: Callable[[str, object], object] | None = None) -> pd.DataFrame:
    """The first ready rows as a table: the spreadsheet's row number, then ``columns`` (stored key ->
    the heading shown), each value through ``values(key, value)`` if given, as text."""
    records, row_heading = [], t("frame2.import.row")
    for number, row in zip(preview.row_numbers[:PREVIEW_ROWS], preview.rows[:PREVIEW_ROWS], strict=True):
        record: dict[str, object] = {row_heading: number}
        for key, heading in columns.items():
            value = row.get(key)
            if values is not None:
                value = values(key, value)
            record[heading] = "" if value is None else str(value)
        records.append(record)
    return pd.DataFrame(records, columns=[row_heading, *columns.values()])
