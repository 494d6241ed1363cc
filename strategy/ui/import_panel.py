"""Import panels beneath the staff survey, the local figures and the identification measures:
download a template, upload a CSV or Excel file, see what would be stored and every problem, then
import it all in one go (or nothing).

Text from a file (column names, values, sheet names, messages quoting them) is only ever shown
through ``st.dataframe`` and ``st.text``, never as markdown."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.answers.io import FIGURES, MEASURES, SURVEY, TEMPLATE_FOR, import_figures, import_survey, preview_file, template_csv
from strategy.answers.operations import list_rows
from strategy.core.errors import WorkbookError
from strategy.core.models import Partnership
from strategy.guide.content import Prompt, content
from strategy.tabular.reading import MAX_MEGABYTES, MAX_ROWS, Preview
from strategy.ui.state import bump, current_author

#: Ready rows shown in the preview.
PREVIEW_ROWS = 20
#: Problems shown in the preview's table (all are counted).
PROBLEM_ROWS = 500

_WHAT = {SURVEY: ("response", "responses"), FIGURES: ("figure", "figures"), MEASURES: ("figure", "figures")}


def _k(*parts) -> str:
    return "|".join(str(p) for p in parts)


def _plural(count: int, prompt_id: str) -> str:
    one, many = _WHAT[prompt_id]
    return f"{count:,} {one if count == 1 else many}"


def survey_import(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    if not editable or current_author() is None:
        return
    with st.container(border=True):
        st.markdown("**Import the survey responses**")
        st.caption(
            "Responses come from a file: a Microsoft Forms export (Excel) or a spreadsheet saved as "
            "CSV or .xlsx, one response per row. Names and email addresses in the file are never "
            "imported. Download the template to see the columns."
        )
        import_panel(engine, partnership, prompt)


def figures_import(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    if not editable or current_author() is None:
        return
    with st.expander("Import figures from a file (CSV or Excel)"):
        st.caption(
            "Add many figures at once from a spreadsheet: one figure per row, with the columns in the "
            "template. Codes such as c (suppressed) are kept as written."
        )
        import_panel(engine, partnership, prompt)


def import_panel(engine: Engine, partnership: Partnership, prompt: Prompt) -> None:
    """The template, the uploader and, once a file is chosen, its preview and the import button."""
    pid = partnership.id
    st.download_button(
        "Download the template (CSV)",
        data=template_csv(prompt.id),
        file_name=TEMPLATE_FOR[prompt.id],
        mime="text/csv",
        key=_k("import-template", pid, prompt.id),
        icon=":material/download:",
        on_click="ignore",
    )
    done = st.session_state.pop(_k("import-done", pid, prompt.id), None)
    if done:
        st.success(done, icon="✅")
    generation = st.session_state.get(_k("import-gen", pid, prompt.id), 0)
    upload = st.file_uploader(
        f"Choose a CSV or Excel file (up to {MAX_MEGABYTES} MB and {MAX_ROWS:,} rows)",
        type=["csv", "xlsx"],
        key=_k("import-file", pid, prompt.id, generation),
        max_upload_size=MAX_MEGABYTES,
    )
    if upload is not None:
        preview_and_import(engine, partnership, prompt, upload.getvalue(), upload.name)


def _preview(data: bytes, filename: str, prompt_id: str, cache_key: str) -> Preview | WorkbookError:
    """The file's preview, read once per file (not on every rerun)."""
    token = hashlib.sha256(data).hexdigest() + "|" + filename
    cached = st.session_state.get(cache_key)
    if cached and cached[0] == token:
        return cached[1]
    with st.status("Reading the file…") as status:
        try:
            result: Preview | WorkbookError = preview_file(data, filename, prompt_id)
            status.update(label="Read the file.", state="complete")
        except WorkbookError as exc:
            result = exc
            status.update(label="The file could not be read.", state="error")
    st.session_state[cache_key] = (token, result)
    return result


def _show_error(headline: str, message: str) -> None:
    st.error(headline, icon="⚠️")
    st.text(message)  # may quote the file: never markdown


def preview_and_import(engine: Engine, partnership: Partnership, prompt: Prompt, data: bytes, filename: str) -> None:
    """What the file would store, every problem in it, and (when there are none) the import button."""
    pid = partnership.id
    result = _preview(data, filename, prompt.id, _k("import-preview", pid, prompt.id))
    if isinstance(result, WorkbookError):
        _show_error("This file could not be read, so nothing was imported.", result.message)
        return
    preview = result
    error = st.session_state.pop(_k("import-error", pid, prompt.id), None)
    if error:
        _show_error("Nothing was imported.", error)
    st.text(f"Read as: {preview.read_as}")
    ready, problems, blank = st.columns(3)
    ready.metric("Rows ready", f"{preview.ready:,}")
    problems.metric("Rows with problems", f"{preview.rows_with_problems:,}")
    blank.metric("Blank rows skipped", f"{preview.blank_rows:,}")
    if preview.columns:
        st.caption("Columns read")
        st.dataframe(pd.DataFrame(preview.columns, columns=["Column in the file", "Goes into"]), hide_index=True)
    if preview.ignored:
        st.caption("Columns ignored (their values are not imported)")
        st.dataframe(pd.DataFrame(preview.ignored, columns=["Column in the file", "Why"]), hide_index=True)
    if preview.problem_count:
        st.error(
            f"{preview.problem_count:,} problem{'s' if preview.problem_count != 1 else ''} to fix in the file: "
            "nothing can be imported until there are none. Fix them and choose the file again.",
            icon="⚠️",
        )
        shown = preview.problems[:PROBLEM_ROWS]
        st.dataframe(
            pd.DataFrame([(p.row, p.column, p.message) for p in shown], columns=["Row", "Column", "Problem"]),
            hide_index=True,
            column_config={"Problem": st.column_config.TextColumn(width="large")},
        )
        if preview.problem_count > len(shown):
            st.caption(f"Showing the first {len(shown):,} of {preview.problem_count:,} problems.")
    if preview.rows:
        st.caption(f"The first {min(PREVIEW_ROWS, preview.ready)} of {preview.ready:,} rows ready to import")
        st.dataframe(_ready_frame(prompt, preview, partnership.nation), hide_index=True)
    if not preview.ok:
        return
    _import_controls(engine, partnership, prompt, data, filename, preview)


def _ready_frame(prompt: Prompt, preview: Preview, nation: str) -> pd.DataFrame:
    c = content()
    labels = {col.id: {o.id: o.label for o in c.options(col, nation)} for col in prompt.columns if col.type == "choice"}
    records = []
    for number, row in zip(preview.row_numbers[:PREVIEW_ROWS], preview.rows[:PREVIEW_ROWS], strict=True):
        record = {"Row": number}
        for col in prompt.columns:
            value = row.get(col.id)
            if col.id in labels:
                value = labels[col.id].get(value, value)
            record[col.label] = "" if value is None else str(value)
        records.append(record)
    return pd.DataFrame(records, columns=["Row", *[col.label for col in prompt.columns]])


def _import_controls(engine: Engine, partnership: Partnership, prompt: Prompt, data: bytes, filename: str, preview: Preview) -> None:
    pid = partnership.id
    existing = len(list_rows(engine, pid, prompt.id))
    mode_key = _k("import-mode", pid, prompt.id)
    if existing:
        what = _plural(existing, prompt.id)
        choices = {"replace": f"Replace the {what} there now (they are kept, marked as removed)", "add": f"Add to the {what} there now"}
        order = ["replace", "add"] if prompt.id == SURVEY else ["add", "replace"]
        st.radio("The rows already in the workbook", order, format_func=choices.get, key=mode_key)
    st.button(
        f"Import {preview.ready:,} row{'s' if preview.ready != 1 else ''}",
        type="primary",
        key=_k("import-go", pid, prompt.id),
        on_click=_do_import,
        args=(engine, pid, prompt.id, data, filename, bool(existing)),
    )


def _do_import(engine: Engine, pid: int, prompt_id: str, data: bytes, filename: str, asked: bool) -> None:
    """on_click: import the file (all of it, or nothing) and say what happened."""
    author = current_author()
    if author is None:
        st.session_state[_k("import-error", pid, prompt_id)] = "You are signed out; sign in again."
        return
    default = "replace" if prompt_id == SURVEY else "add"
    replace = (st.session_state.get(_k("import-mode", pid, prompt_id), default) if asked else default) == "replace"
    try:
        if prompt_id == SURVEY:
            count = import_survey(engine, pid, data, filename, author=author, replace=replace)
        else:
            count = import_figures(engine, pid, data, filename, prompt_id=prompt_id, author=author, replace=replace)
    except WorkbookError as exc:
        st.session_state[_k("import-error", pid, prompt_id)] = exc.message
        return
    st.session_state[_k("import-done", pid, prompt_id)] = f"Imported {_plural(count, prompt_id)}."
    # A fresh uploader, preview and table, showing what is now stored.
    st.session_state[_k("import-gen", pid, prompt_id)] = st.session_state.get(_k("import-gen", pid, prompt_id), 0) + 1
    st.session_state.pop(_k("import-preview", pid, prompt_id), None)
    st.session_state.pop(_k("import-mode", pid, prompt_id), None)

    bump(pid, prompt_id)
