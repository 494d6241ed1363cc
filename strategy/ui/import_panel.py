"""Import panels beneath the staff survey, the local figures and the identification measures:
download a template, upload a CSV or Excel file, see what would be stored and every problem, then
import it all in one go (or nothing). The panel itself is the one every import shows
(``strategy.ui.file_import``).

Text from a file (column names, values, sheet names, messages quoting them) is only ever shown
through ``st.dataframe`` and ``st.text``, never as markdown."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.answers.io import FIGURES, MEASURES, SURVEY, TEMPLATE_FOR, import_figures, import_survey, partnership_preview, template_csv
from strategy.answers.operations import list_rows
from strategy.core.errors import InvalidInput, WorkbookError
from strategy.core.models import Partnership, stored_id
from strategy.guide.content import Prompt, content
from strategy.tabular.reading import ImportOptions, Preview
from strategy.ui import file_import
from strategy.ui.state import author_or_refuse, bump, current_author

_WHAT = {SURVEY: ("response", "responses"), FIGURES: ("figure", "figures"), MEASURES: ("figure", "figures")}


def _k(*parts: object) -> str:
    return "|".join(str(p) for p in parts)


def _keys(pid: int, prompt_id: str) -> file_import.Keys:
    """The panel's keys: "import-file|7|workforce.staff_survey" and so on."""
    return lambda part: _k(f"import-{part}", pid, prompt_id)


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
    pid = stored_id(partnership)
    template = file_import.Template(template_csv(prompt.id), TEMPLATE_FOR[prompt.id])
    chosen = file_import.chosen_file(_keys(pid, prompt.id), template=template)
    if chosen is not None:
        preview_and_import(engine, partnership, prompt, *chosen)


def _lines(text: str, what: str) -> list[tuple[str, str]]:
    return ImportOptions.pairs([line for line in (text or "").splitlines() if line.strip()], what)


def chosen_options(keys: file_import.Keys) -> tuple[ImportOptions, str]:
    """The choices made in the panel's widgets (from the last run), and what is wrong with them ("" if nothing)."""
    state = st.session_state
    header = str(state.get(keys("header-row")) or "").strip()
    try:
        mapping = dict(_lines(state.get(keys("map"), ""), "FIELD=COLUMN"))
        filters: dict[str, tuple[str, ...]] = {}
        for column, value in _lines(state.get(keys("filter"), ""), "COLUMN=VALUE"):
            filters[column] = (*filters.get(column, ()), value)
        if header and not header.isdigit():
            raise InvalidInput(f"The row holding the column names should be a number, not '{header}'.")
    except InvalidInput as exc:
        return ImportOptions(), exc.message
    return (
        ImportOptions(
            sheet=state.get(keys("sheet")) or None,
            header_row=int(header) if header else None,
            area=state.get(keys("area")) or None,
            mapping=mapping,
            filters=filters,
        ),
        "",
    )


def choose(keys: file_import.Keys, result: Preview | WorkbookError, *, published: bool) -> None:
    """The choices about the file: its sheet, the row holding the column names, the partnership's area
    in a file of several (the one matching the partnership offered first), and (for figures) which
    column each field takes and which rows to keep."""
    with st.expander("How to read the file", expanded=isinstance(result, Preview) and len(result.areas) > 1 and not result.area):
        if isinstance(result, Preview) and len(result.sheets) > 1:
            st.selectbox(
                "Sheet", result.sheets, index=result.sheets.index(result.sheet) if result.sheet in result.sheets else 0, key=keys("sheet")
            )
        st.text_input("Row holding the column names (blank: found below any title)", key=keys("header-row"))
        if isinstance(result, Preview) and len(result.areas) > 1:
            names = [a for a, _ in result.areas]
            offered = [a for a in result.suggested_areas if a in names] + [a for a in names if a not in result.suggested_areas]
            st.selectbox(
                "Which area is the partnership's? Only its rows are imported.",
                ["", *offered],
                format_func=lambda a: a or "Choose the area…",
                key=keys("area"),
            )
        if published:
            st.text_area(
                "Columns (one FIELD=COLUMN a line, such as value=number_of_children; a value that is not a column is "
                "used for every row, such as measure=plans_sexual_abuse)",
                key=keys("map"),
            )
            st.text_area("Keep only rows with (one COLUMN=VALUE a line, such as category_of_abuse=Sexual abuse)", key=keys("filter"))


def preview_and_import(engine: Engine, partnership: Partnership, prompt: Prompt, data: bytes, filename: str) -> None:
    """What the file would store, every problem in it, and (when there are none) the import button."""
    pid = stored_id(partnership)
    keys = _keys(pid, prompt.id)
    options, wrong = chosen_options(keys)
    if wrong:
        file_import.show_error("A choice about the file needs fixing.", wrong)
    existing = len(list_rows(engine, pid, prompt.id))
    default: file_import.Mode = "replace" if prompt.id == SURVEY else "add"
    asked = None
    if existing:
        what = _plural(existing, prompt.id)
        asked = file_import.Existing(
            "The rows already in the workbook",
            replace=f"Replace the {what} there now (they are kept, marked as removed)",
            add=f"Add to the {what} there now",
            default=default,
        )

    def shown(preview: Preview) -> file_import.Shown:
        return file_import.Shown(
            preview,
            ready=_ready_frame(prompt, preview, partnership.nation),
            button=f"Import {preview.ready:,} row{'s' if preview.ready != 1 else ''}",
            importable=preview.ok,
        )

    def commit(replace: bool) -> str:
        author = author_or_refuse()
        if prompt.id == SURVEY:
            count = import_survey(engine, pid, data, filename, author=author, replace=replace, options=options)
        else:
            count = import_figures(engine, pid, data, filename, prompt_id=prompt.id, author=author, replace=replace, options=options)
        bump(pid, prompt.id)  # a fresh table, showing what is now stored
        return f"Imported {_plural(count, prompt.id)}."

    file_import.import_panel(
        _keys(pid, prompt.id),
        data,
        filename,
        preview=lambda d, name: partnership_preview(engine, pid, d, name, prompt.id, options),
        shown=shown,
        commit=commit,
        existing=asked,
        replace=default == "replace",
        choices=options.to_json(),
        choose=lambda result: choose(keys, result, published=prompt.id != SURVEY),
    )


def _ready_frame(prompt: Prompt, preview: Preview, nation: str) -> pd.DataFrame:
    c = content()
    labels = {col.id: {o.id: o.label for o in c.options(col, nation)} for col in prompt.columns if col.type == "choice"}

    def value(column_id: str, stored: object) -> object:
        return labels[column_id].get(str(stored), stored) if column_id in labels else stored

    return file_import.ready_frame(preview, {col.id: col.label for col in prompt.columns}, value)
