"""Import panels beneath the staff survey, the local figures and the identification measures:
download a template, upload a CSV or Excel file, see what would be stored and every problem, then
import it all in one go (or nothing). The panel itself is the one every import shows
(``strategy.ui.file_import``).

Text from a file (column names, values, sheet names, messages quoting them) is only ever shown
through ``st.dataframe`` and ``st.text``, never as markdown."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.answers.io import FIGURES, MEASURES, SURVEY, TEMPLATE_FOR, import_figures, import_survey, partnership_preview, template_csv
from strategy.answers.operations import list_rows
from strategy.core.errors import InvalidInput, WorkbookError
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape
from strategy.guide.content import Prompt, content
from strategy.tabular.reading import QUARTERS, ImportOptions, Preview
from strategy.ui import file_import
from strategy.ui.state import author_or_refuse, bump, current_author
from strategy.ui.survey_views import survey_link_panel

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
    survey_link_panel(engine, stored_id(partnership), "staff", writer=editable, author=current_author())


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
        answers = dict(state.get(keys("answers-chosen")) or {}) | dict(_lines(state.get(keys("answers"), ""), "AS WRITTEN=SCORE"))
        if header and not header.isdigit():
            raise InvalidInput(f"The row holding the column names should be a number, not '{header}'.")
    except InvalidInput as exc:
        return ImportOptions(), exc.message
    leads = {}
    for index, lead in enumerate(state.get(keys("lead-names")) or []):
        agency = str(state.get(keys(f"lead-{index}")) or "").strip()
        if agency:
            leads[lead] = agency
    quarters = state.get(keys("quarters")) or None
    return (
        ImportOptions(
            sheet=state.get(keys("sheet")) or None,
            header_row=int(header) if header else None,
            area=state.get(keys("area")) or None,
            mapping=mapping,
            filters=filters,
            leads=leads,
            answers=answers,
            quarters=quarters if quarters in QUARTERS else None,
        ),
        "",
    )


@dataclass(frozen=True)
class PlanChoices:
    """What a plan file asks of the person: an agency for each lead written as a job title or a person
    (``agencies`` offered), and how its quarters without a financial year are read."""

    person_leads: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    quarters: bool = False


_QUARTER_WORDS = {
    "": "Choose…",
    "financial": "Quarters of the financial year: Q3 2025 is October to December 2025 (Q3 2025/26)",
    "calendar": "Calendar quarters: Q3 2025 is July to September 2025",
}


def _use_answers(keys: file_import.Keys, suggested: dict[str, str]) -> None:
    st.session_state[keys("answers-chosen")] = dict(suggested)


def _clear_answers(keys: file_import.Keys) -> None:
    st.session_state.pop(keys("answers-chosen"), None)


def choose(
    keys: file_import.Keys,
    result: Preview | WorkbookError,
    *,
    published: bool,
    survey: bool = False,
    plan: PlanChoices | None = None,
) -> None:
    """The choices about the file: its sheet, the row holding the column names, the partnership's area
    in a file of several (the one matching the partnership offered first), for figures which column
    each field takes and which rows to keep, for a survey the mapping of answers on another scale
    onto the workbook's (a suggestion shown, to use or change), and for a plan the agency for each
    lead written as a job title or a person and how "Q3 2025" is read."""
    preview = result if isinstance(result, Preview) else None
    asks = preview is not None and (
        (len(preview.areas) > 1 and not preview.area)
        or bool(preview.suggested_answers)
        or (plan is not None and (plan.quarters or bool(plan.person_leads)))
    )
    with st.expander("How to read the file", expanded=asks):
        if preview is not None and len(preview.sheets) > 1:
            st.selectbox(
                "Sheet",
                preview.sheets,
                index=preview.sheets.index(preview.sheet) if preview.sheet in preview.sheets else 0,
                key=keys("sheet"),
            )
        st.text_input("Row holding the column names (blank: found below any title)", key=keys("header-row"))
        if preview is not None and len(preview.areas) > 1:
            names = [a for a, _ in preview.areas]
            offered = [a for a in preview.suggested_areas if a in names] + [a for a in names if a not in preview.suggested_areas]
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
        if survey:
            _answers(keys, preview)
        if plan is not None:
            _plan_choices(keys, plan)


def _answers(keys: file_import.Keys, preview: Preview | None) -> None:
    """Answers on another scale: the suggested mapping, shown as a table to use; the mapping in use; and
    the person's own lines."""
    chosen = st.session_state.get(keys("answers-chosen")) or {}
    if preview is not None and preview.suggested_answers:
        st.markdown("**Answers on another scale**")
        st.caption("The file's answers are not on the workbook's scale. Check the suggested score for each, then use it.")
        st.dataframe(
            pd.DataFrame(list(preview.suggested_answers.items()), columns=["Answer in the file", "Score in the workbook"]), hide_index=True
        )
        st.button("Use this mapping", key=keys("answers-use"), on_click=_use_answers, args=(keys, preview.suggested_answers))
    if chosen:
        st.caption("Answers on another scale, read as chosen")
        st.dataframe(pd.DataFrame(list(chosen.items()), columns=["Answer in the file", "Score in the workbook"]), hide_index=True)
        st.button("Clear this mapping", key=keys("answers-clear"), on_click=_clear_answers, args=(keys,))
    st.text_area("Other answers to map (one AS WRITTEN=SCORE a line, such as Very satisfied=5)", key=keys("answers"))


def _plan_choices(keys: file_import.Keys, plan: PlanChoices) -> None:
    if plan.quarters or st.session_state.get(keys("quarters")):
        st.radio(
            "How does the file write its quarters? 'Q3 2025' could be either.",
            list(_QUARTER_WORDS),
            format_func=_QUARTER_WORDS.__getitem__,
            key=keys("quarters"),
        )
    if plan.person_leads:
        st.markdown("**Leads written as job titles or people**")
        st.caption("Choose (or type) the agency that leads for each; left as it is, the lead is added as written.")
        st.session_state[keys("lead-names")] = list(plan.person_leads)
        for index, lead in enumerate(plan.person_leads):
            st.selectbox(
                md_escape(lead),  # from the file: never live markdown
                ["", *plan.agencies],
                format_func=lambda a: a or "Keep as written",
                key=keys(f"lead-{index}"),
                accept_new_options=True,
            )


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
        choose=lambda result: choose(keys, result, published=prompt.id != SURVEY, survey=prompt.id == SURVEY),
    )


def _ready_frame(prompt: Prompt, preview: Preview, nation: str) -> pd.DataFrame:
    c = content()
    labels = {col.id: {o.id: o.label for o in c.options(col, nation)} for col in prompt.columns if col.type == "choice"}

    def value(column_id: str, stored: object) -> object:
        return labels[column_id].get(str(stored), stored) if column_id in labels else stored

    return file_import.ready_frame(preview, {col.id: col.label for col in prompt.columns}, value)
