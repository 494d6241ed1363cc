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
from strategy.tabular.geography import comparator_parts, is_comparator
from strategy.tabular.reading import QUARTERS, ImportOptions, Preview
from strategy.ui import file_import
from strategy.ui.language import column_label_of, t, ui_language
from strategy.ui.state import author_or_refuse, bump, current_author
from strategy.ui.survey_views import survey_link_panel

#: What an import's rows are called: frame2.import.<word>_one / _many ("2 responses", "24 figures").
_WHAT = {SURVEY: "response", FIGURES: "figure", MEASURES: "figure"}
#: ... and in the sentence saying what an import stored ("Imported 24 identification measures ...").
_STORED = {SURVEY: "response", FIGURES: "figure", MEASURES: "measure"}


def _k(*parts: object) -> str:
    return "|".join(str(p) for p in parts)


def _keys(pid: int, prompt_id: str) -> file_import.Keys:
    """The panel's keys: "import-file|7|workforce.staff_survey" and so on."""
    return lambda part: _k(f"import-{part}", pid, prompt_id)


def _plural(count: int, prompt_id: str) -> str:
    return _counted(count, _WHAT[prompt_id])


def _counted(count: int, word: str) -> str:
    return t(f"frame2.import.{word}_{'one' if count == 1 else 'many'}", count=f"{count:,}")


def _and(names: list[str]) -> str:
    """ "England and North East region": the names joined as a sentence says them."""
    if len(names) < 2:
        return "".join(names)
    last = names[-1]
    key = "frame2.import.and_vowel" if last[:1].lower() in "aeiouwy" else "frame2.import.and"
    return t(key, first=", ".join(names[:-1]), last=last)


def imported_words(count: int, prompt_id: str, preview: Preview | None) -> str:
    """What an import stored, as the page says it: "Imported 2 responses." For figures and identification
    measures, the partnership's own figures apart from the comparators kept beside them (the nation's and
    the region's rows, ``is_comparator``): "Imported 24 identification measures for the partnership's areas,
    and 6 comparator figures for Wales and North Wales region." ``preview`` is the file's, as imported."""
    details = [row.get("detail") for row in (preview.rows if preview is not None and prompt_id != SURVEY else [])]
    compared = [detail for detail in details if is_comparator(detail)]
    if not compared:
        return t("frame2.import.done", what=_counted(count, _STORED[prompt_id]))
    areas = list(dict.fromkeys(comparator_parts(str(detail))[0] for detail in compared))
    return t(
        "frame2.import.done_with_comparators",
        what=_counted(count - len(compared), _STORED[prompt_id]),
        comparators=_counted(len(compared), "comparator"),
        areas=_and(areas),
    )


def survey_import(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    if not editable or current_author() is None:
        return
    with st.container(border=True):
        st.markdown(t("frame2.import.survey_heading"))
        st.caption(t("frame2.import.survey_caption"))
        import_panel(engine, partnership, prompt)
    survey_link_panel(engine, stored_id(partnership), "staff", writer=editable, author=current_author())


def figures_import(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    if not editable or current_author() is None:
        return
    with st.expander(t("frame2.import.figures_expander")):
        st.caption(t("frame2.import.figures_caption"))
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
            raise InvalidInput(t("frame2.import.header_row_number", header=header))
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


#: The ways a file can write its quarters: "" (not chosen yet), then QUARTERS; each named by frame2.import.quarters_<way>.
_QUARTER_WAYS = ("", "financial", "calendar")


def _quarter_words(way: str) -> str:
    return t(f"frame2.import.quarters_{way or 'choose'}")


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
    with st.expander(t("frame2.import.how_to_read"), expanded=asks):
        if preview is not None and len(preview.sheets) > 1:
            st.selectbox(
                t("frame2.import.sheet"),
                preview.sheets,
                index=preview.sheets.index(preview.sheet) if preview.sheet in preview.sheets else 0,
                key=keys("sheet"),
            )
        st.text_input(t("frame2.import.header_row"), key=keys("header-row"))
        if preview is not None and len(preview.areas) > 1:
            names = [a for a, _ in preview.areas]
            offered = [a for a in preview.suggested_areas if a in names] + [a for a in names if a not in preview.suggested_areas]
            st.selectbox(
                t("frame2.import.which_area"),
                ["", *offered],
                format_func=lambda a: a or t("frame2.import.choose_area"),
                key=keys("area"),
            )
        if published:
            st.text_area(t("frame2.import.map"), key=keys("map"))
            st.text_area(t("frame2.import.filter"), key=keys("filter"))
        if survey:
            _answers(keys, preview)
        if plan is not None:
            _plan_choices(keys, plan)


def _answers(keys: file_import.Keys, preview: Preview | None) -> None:
    """Answers on another scale: the suggested mapping, shown as a table to use; the mapping in use; and
    the person's own lines."""
    chosen = st.session_state.get(keys("answers-chosen")) or {}
    if preview is not None and preview.suggested_answers:
        st.markdown(t("frame2.import.other_scale"))
        st.caption(t("frame2.import.other_scale_caption"))
        st.dataframe(pd.DataFrame(list(preview.suggested_answers.items()), columns=_answer_columns()), hide_index=True)
        st.button(t("frame2.import.use_mapping"), key=keys("answers-use"), on_click=_use_answers, args=(keys, preview.suggested_answers))
    if chosen:
        st.caption(t("frame2.import.as_chosen"))
        st.dataframe(pd.DataFrame(list(chosen.items()), columns=_answer_columns()), hide_index=True)
        st.button(t("frame2.import.clear_mapping"), key=keys("answers-clear"), on_click=_clear_answers, args=(keys,))
    st.text_area(t("frame2.import.other_answers"), key=keys("answers"))


def _answer_columns() -> list[str]:
    return [t("frame2.import.answer_in_file"), t("frame2.import.score")]


def _plan_choices(keys: file_import.Keys, plan: PlanChoices) -> None:
    if plan.quarters or st.session_state.get(keys("quarters")):
        st.radio(
            t("frame2.import.quarters_question"),
            list(_QUARTER_WAYS),
            format_func=_quarter_words,
            key=keys("quarters"),
        )
    if plan.person_leads:
        st.markdown(t("frame2.import.person_leads"))
        st.caption(t("frame2.import.person_leads_caption"))
        st.session_state[keys("lead-names")] = list(plan.person_leads)
        for index, lead in enumerate(plan.person_leads):
            st.selectbox(
                md_escape(lead),  # from the file: never live markdown
                ["", *plan.agencies],
                format_func=lambda a: a or t("frame2.import.keep_as_written"),
                key=keys(f"lead-{index}"),
                accept_new_options=True,
            )


def preview_and_import(engine: Engine, partnership: Partnership, prompt: Prompt, data: bytes, filename: str) -> None:
    """What the file would store, every problem in it, and (when there are none) the import button."""
    pid = stored_id(partnership)
    keys = _keys(pid, prompt.id)
    options, wrong = chosen_options(keys)
    if wrong:
        file_import.show_error(t("frame2.import.choice_wrong"), wrong)
    existing = len(list_rows(engine, pid, prompt.id))
    default: file_import.Mode = "replace" if prompt.id == SURVEY else "add"
    asked = None
    if existing:
        what = _plural(existing, prompt.id)
        asked = file_import.Existing(
            t("frame2.import.existing"),
            replace=t("frame2.import.replace", what=what),
            add=t("frame2.import.add", what=what),
            default=default,
        )

    seen: list[Preview] = []  # the preview shown, which the import button imports

    def shown(preview: Preview) -> file_import.Shown:
        seen[:] = [preview]
        return file_import.Shown(
            preview,
            ready=_ready_frame(prompt, preview, partnership.nation),
            button=t(f"frame2.import.button_{'one' if preview.ready == 1 else 'many'}", count=f"{preview.ready:,}"),
            importable=preview.ok,
        )

    def commit(replace: bool) -> str:
        author = author_or_refuse()
        if prompt.id == SURVEY:
            count = import_survey(engine, pid, data, filename, author=author, replace=replace, options=options)
        else:
            count = import_figures(engine, pid, data, filename, prompt_id=prompt.id, author=author, replace=replace, options=options)
        bump(pid, prompt.id)  # a fresh table, showing what is now stored
        return imported_words(count, prompt.id, seen[0] if seen else None)

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
    labels = {col.id: {o.id: o.label for o in c.options(col, nation, ui_language())} for col in prompt.columns if col.type == "choice"}

    def value(column_id: str, stored: object) -> object:
        return labels[column_id].get(str(stored), stored) if column_id in labels else stored

    return file_import.ready_frame(preview, {col.id: column_label_of(col) for col in prompt.columns}, value)
