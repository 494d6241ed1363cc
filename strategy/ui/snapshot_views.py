"""Widgets for the snapshot and thematic audit pages: rating buttons, a file import panel,
recommendations with their status, charts with the same figures as a table, and the short
summary of the latest snapshot and audit shown in the Context chapter.

Text people typed or files contain reaches the page only through md_escape, st.text or
st.dataframe, never as live markdown or HTML."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.assessments import audit as au
from strategy.assessments import snapshot as sn
from strategy.assessments.io import (
    AUDIT_COLUMNS,
    SNAPSHOT_COLUMNS,
    import_strategic_survey,
    preview_strategic_survey,
    strategic_survey_csv,
    strategic_template_csv,
)
from strategy.assessments.recommendations import (
    STATUSES,
    add_recommendation,
    list_recommendations,
    recommendation_to_action,
    remove_recommendation,
    update_recommendation,
)
from strategy.core.authors import Author
from strategy.core.errors import Conflict, WorkbookError
from strategy.core.models import Partnership, Recommendation, Snapshot, stored_id
from strategy.core.text import md_escape
from strategy.core.values import uk_day
from strategy.guide.content import Prompt, content
from strategy.plan.operations import load_plan
from strategy.tabular.reading import ImportOptions, Preview
from strategy.ui import file_import as fi
from strategy.ui.downloads import offer_download
from strategy.ui.import_panel import choose, chosen_options
from strategy.ui.language import list_names, t, ui_language
from strategy.ui.state import current_author, error_text, show_error
from strategy.ui.survey_views import survey_link_panel
from strategy.workshops.operations import REFRESH_SECONDS

#: The colour Streamlit draws each scale point's dot and badge in, beside its word (never colour alone).
STREAMLIT_COLOUR: dict[int, Literal["red", "orange", "green", "blue"]] = {1: "red", 2: "orange", 3: "green", 4: "blue"}
RAG_MARK = {"red": "🟥", "amber": "🟧", "green": "🟩", "": "⬜"}


def k(*parts) -> str:
    return "|".join(str(p) for p in parts)


def chart_with_table(fig, frame: pd.DataFrame, key: str, alt: str) -> None:
    """A chart, its description, and the same figures as a table: the words the chart draws and the
    table's column names (and the workbook's own names in it) in this person's language."""
    st.plotly_chart(chart_in_language(fig), key=key, theme=None, config={"displaylogo": False})
    st.caption(alt)
    with st.expander(t("assess.same_figures")):
        st.dataframe(frame_in_language(frame), hide_index=True)


# --- The words the package's tables and charts carry, in this person's language --------------------

#: The English of the column names, chart titles, axis titles and legend names the assessments' tables
#: and charts are built with (strategy.assessments), and the key of each one's words on the screen.
SHOWN_WORDS = {
    "Domain": "assess.col.domain",
    "Statements": "assess.col.statements",
    "Rated": "assess.col.rated",
    "Evidence (average of 4)": "assess.col.evidence_average",
    "Progress (average of 4)": "assess.col.progress_average",
    "Score (%)": "assess.col.score",
    "RAG": "assess.col.rag",
    "Frontline (average of 4)": "assess.col.frontline_average",
    "Frontline ratings": "assess.col.frontline_ratings",
    "Gap (strategic minus frontline)": "assess.col.gap",
    "Code": "assess.col.code",
    "Statement": "assess.col.statement",
    "Evidence rating": "assess.col.evidence_rating",
    "Progress rating": "assess.col.progress_rating",
    "Frontline average": "assess.col.frontline_mean",
    "Evidence": "assess.snap.field.evidence",
    "Strengths": "assess.snap.field.strengths",
    "Areas for development": "assess.snap.field.development",
    "Question": "assess.col.question",
    "Average (of 4)": "assess.col.average_of_4",
    "Answers": "assess.col.answers",
    sn.STRATEGIC_SURVEY_AVERAGE: "assess.col.strategic_survey_average",
    sn.STRATEGIC_SURVEY_COUNT: "assess.col.strategic_survey_count",
    sn.FRONTLINE_SURVEY_AVERAGE: "assess.col.frontline_survey_average",
    sn.FRONTLINE_SURVEY_COUNT: "assess.col.frontline_survey_count",
    sn.SURVEY_DIFFERENCE: "assess.col.survey_difference",
    "Red": "assess.rag.red",
    "Amber": "assess.rag.amber",
    "Green": "assess.rag.green",
    "Not rated": "assess.rag.not_rated",
    "Grade": "assess.case.grade",
    "Cases": "assess.col.cases",
    "Not graded": "assess.grade.none",
    "Agency": "assess.col.agency",
    "Responses": "assess.col.responses",
    "Identifying (average of 5)": "assess.col.identifying_average",
    "Responding (average of 5)": "assess.col.responding_average",
    "What stops use": "assess.col.what_stops_use",
    "Criterion": "assess.col.criterion",
    "Intended outcome": "assess.criterion.outcome",
    "Cases that met it": "assess.criterion.met",
    "Cases audited": "assess.criterion.audited",
    "Per cent": "assess.col.per_cent",
    "Factor": "assess.col.factor",
    "(that outcome has been removed from the plan)": "assess.criterion.outcome_gone",
    # the charts' own words
    "Strategic (agreed progress)": "assess.chart.strategic_agreed",
    "Frontline survey": "assess.chart.frontline_survey",
    "Average rating (1 to 4)": "assess.chart.average_rating",
    "Strategic professionals' survey": "assess.chart.strategic_survey",
    "Frontline practitioners' survey": "assess.chart.frontline_survey_practitioners",
    "Agreed progress by domain, snapshot by snapshot": "assess.chart.trend_title",
    "Average progress (1 to 4)": "assess.chart.average_progress",
    "Audited cases by grade": "assess.chart.grades_title",
    "Identifying": "assess.chart.identifying",
    "Responding": "assess.chart.responding",
    "Confidence in identifying and responding, by agency": "assess.chart.confidence_title",
    "Average (1 to 5)": "assess.chart.average_of_5",
    "What stops practitioners using the strategy and toolkit": "assess.chart.barriers_title",
    "Cases audited that met each criterion": "assess.chart.criteria_title",
    "Per cent of cases audited": "assess.chart.per_cent_audited",
    "Factors present across the audited cases": "assess.chart.factors_title",
}
#: The columns whose values are the workbook's own names (domains, RAG, grades, scale words, the
#: reasons and factors from its lists), shown in this person's language; every other value as stored.
NAMED_VALUES = ("Domain", "RAG", "Grade", "Evidence rating", "Progress rating", "What stops use", "Factor", "Intended outcome")
#: The reference lists whose names the tables and charts show (their English as the package writes it).
_NAMED_LISTS = ("snapshot_domains", "snapshot_evidence_scale", "snapshot_progress_scale", "audit_grades", "audit_barriers", "audit_factors")


def shown_words() -> dict[str, str]:
    """English -> this person's words for everything in SHOWN_WORDS and the reference lists' names
    (empty for English: everything is shown as it is)."""
    if ui_language() == "en":
        return {}
    words: dict[str, str] = {}
    for ref_id in _NAMED_LISTS:
        english = {o.id: o.label for o in content().list_options(ref_id, None, "en")}
        words.update({english[i]: name for i, name in list_names(ref_id).items() if i in english})
    words.update({english: t(key) for english, key in SHOWN_WORDS.items()})
    return words


def shown(english: str) -> str:
    """One of the package's fixed words (a column name, a list's name) in this person's language."""
    return shown_words().get(english, english)


def frame_in_language(frame: pd.DataFrame, words: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A table for the screen: its column names, and the workbook's own names in NAMED_VALUES' columns,
    in this person's language; what people wrote stays as it is."""
    words = shown_words() if words is None else words
    if not words:
        return frame
    out = frame.copy()
    for column in NAMED_VALUES:
        if column in out.columns:
            out[column] = [words.get(v, v) if isinstance(v, str) else v for v in out[column]]
    return out.rename(columns=lambda c: words.get(c, c) if isinstance(c, str) else c)


_CHART_TEXT_KEYS = frozenset({"text", "name", "x", "y", "ticktext"})
_N_OF_M = re.compile(r"^(?P<n>\d+) of (?P<of>\d+)$")


def chart_in_language(fig: go.Figure, words: Mapping[str, str] | None = None) -> go.Figure:
    """A chart for the screen with the words it draws (title, axis titles, legend, the workbook's own
    names on an axis) in this person's language; people's words and numbers as they are."""
    words = shown_words() if words is None else words
    if not words:
        return fig

    def walk(node, key: str = ""):
        if isinstance(node, dict):
            return {name: walk(value, name) for name, value in node.items()}
        if isinstance(node, (list, tuple)):
            return [walk(value, key) for value in node]
        if isinstance(node, str) and key in _CHART_TEXT_KEYS:
            counted = _N_OF_M.match(node)
            if counted and key == "text":  # a bar's "3 of 5"
                return t("assess.chart.n_of_m", n=counted["n"], of=counted["of"])
            return words.get(node, node)
        return node

    return go.Figure(walk(fig.to_plotly_json()))


def flash(key: str) -> None:
    """Show (once) a message an on_click callback left for this rerun."""
    message = st.session_state.pop(key, None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(text, icon="✅" if kind == "ok" else "⚠️")


def conflict_note(exc: Conflict) -> str:
    """A conflict's message in this person's language, with what is saved now."""
    theirs = "; ".join(f"{name}: {value}" for name, value in (exc.theirs or {}).items())
    return t("assess.conflict.saved_now", message=error_text(exc), theirs=theirs)


def snapshot_picker(pid: int, snaps: list[Snapshot], key: str) -> int:
    """Choose a snapshot (the latest first time); the choice follows the person between the pages."""
    ids = [stored_id(s) for s in snaps]
    titles = {stored_id(s): s.title + (f" ({uk_day(s.held_on)})" if s.held_on else "") for s in snaps}
    chosen = st.session_state.get(k("snapshot", pid))
    picked = st.selectbox(
        t("assess.snapshot"),
        ids,
        index=ids.index(chosen) if chosen in ids else len(ids) - 1,
        format_func=titles.__getitem__,
        key=k(key, pid),
    )
    snapshot_id = ids[-1] if picked is None else picked  # None only for no options, and there is always a snapshot here
    st.session_state[k("snapshot", pid)] = snapshot_id
    return snapshot_id


# --- Rating -------------------------------------------------------------------------------------


def rating_buttons(kind: str, current: int | None, key: str, on_pick: Callable[[int | None], None], disabled: bool = False) -> None:
    """One large button per point of the scale (its word and a dot in its colour); the agreed rating
    is shown as a badge in its colour and ticked on its button."""
    points = sn.scale(kind)
    chosen = next((p for p in points if p.value == current), None)
    if chosen:
        st.badge(t("assess.rating.agreed", label=scale_name(kind, chosen)), color=STREAMLIT_COLOUR[chosen.value], icon=":material/check:")
    else:
        st.badge(t("assess.rating.not_yet"), color="gray")
    if disabled:  # scrutineers, viewers and retired statements: the agreed rating above, no buttons
        return
    columns = st.columns(len(points) + 1)
    for column, point in zip(columns, points, strict=False):
        tick = "✓ " if current == point.value else ""
        with column:
            st.button(
                f"{tick}:{STREAMLIT_COLOUR[point.value]}[●] {point.value} · {scale_name(kind, point)}",
                key=k(key, point.value),
                use_container_width=True,
                help=point.descriptor,
                on_click=on_pick,
                args=(point.value,),
            )
    with columns[-1]:
        st.button(
            t("assess.rating.clear"),
            key=k(key, "clear"),
            on_click=on_pick,
            args=(None,),
            disabled=current is None,
            use_container_width=True,
        )


def scale_name(kind: str, point: sn.ScalePoint) -> str:
    """A scale point's word in this person's language (the stored rating stays its number)."""
    names = list_names(f"snapshot_{kind}_scale")
    return names.get(str(point.value)) or point.label


def domain_name(domain_id: str) -> str:
    """A domain's name in this person's language (what is stored stays the id)."""
    return list_names("snapshot_domains").get(domain_id) or sn.domain_label(domain_id)


# --- Importing a survey file --------------------------------------------------------------------


def file_import(
    key: str,
    *,
    template: bytes,
    template_name: str,
    preview: Callable[[bytes, str, ImportOptions], Preview],
    run: Callable[[bytes, str, bool, ImportOptions], int],
    what: str,
    existing: int,
) -> None:
    """Template, uploader, the preview of what would be stored with every problem, and the import
    (``run(data, name, replace, options)`` returns the number stored): the panel every import shows,
    with the choices about the file (sheet, header row, answers on another scale)."""

    def keys(part: str) -> str:
        return k(key, part)

    chosen = fi.chosen_file(keys, template=fi.Template(template, template_name))
    if chosen is not None:
        preview_and_import(key, *chosen, preview=preview, run=run, what=what, existing=existing)


def preview_and_import(
    key: str,
    data: bytes,
    name: str,
    *,
    preview: Callable[[bytes, str, ImportOptions], Preview],
    run: Callable[[bytes, str, bool, ImportOptions], int],
    what: str,
    existing: int,
) -> None:
    """What the chosen file would store, every problem in it, and (when there are none) the import button."""

    def keys(part: str) -> str:
        return k(key, part)

    options, wrong = chosen_options(keys)
    if wrong:
        fi.show_error(t("assess.import.fix_choice"), wrong)

    def shown(result: Preview) -> fi.Shown:
        return fi.Shown(
            result,
            ready=_ready_frame(result),
            button=t("assess.import.button_one" if result.ready == 1 else "assess.import.button_many", n=f"{result.ready:,}"),
            importable=result.ok,
        )

    def commit(replace: bool) -> str:
        return t("assess.import.done", n=f"{run(data, name, replace, options):,}", what=what)

    asked = (
        fi.Existing(
            t("assess.import.existing", n=f"{existing:,}", what=what), replace=t("assess.import.replace"), add=t("assess.import.add")
        )
        if existing
        else None
    )
    fi.import_panel(
        keys,
        data,
        name,
        preview=lambda d, n: preview(d, n, options),
        shown=shown,
        commit=commit,
        existing=asked,
        choices=options.to_json(),
        choose=lambda result: choose(keys, result, published=False, survey=True),
    )


#: The template's name for each column a survey file fills.
_TEMPLATE_NAMES = {c.id: c.names[0] for c in (*SNAPSHOT_COLUMNS, *AUDIT_COLUMNS)} | {q.code: q.code for q in sn.strategic_questions()}


def _ready_frame(preview: Preview) -> pd.DataFrame:
    """The ready rows under the template's column names (a stored id, such as the statement's, is not shown)."""
    names: dict[str, str] = {}
    for row in preview.rows[: fi.PREVIEW_ROWS]:
        for column in row:
            if not column.endswith("_id"):
                names.setdefault(column, _TEMPLATE_NAMES.get(column, column.replace("_", " ").capitalize()))
    return fi.ready_frame(preview, names, _shown_value)


def _shown_value(_column: str, value: object) -> object:
    if isinstance(value, bool):
        return t("assess.yes") if value else t("assess.no")
    return value


# --- The strategic professionals' survey --------------------------------------------------------


def strategic_survey_section(engine: Engine, pid: int, snapshot_id: int, *, writer: bool, author: Author | None) -> None:
    """The strategic professionals' survey beside the frontline practitioners' survey by domain
    (a chart and the same figures as a table), its questions' averages, and its import."""
    responses = sn.strategic_responses(engine, snapshot_id)
    frame = sn.survey_comparison(engine, pid, snapshot_id)
    st.caption(
        t("assess.strategic.caption", n=f"{len(responses):,}", questions=len(sn.strategic_questions())),
    )
    if responses or int(frame[sn.FRONTLINE_SURVEY_COUNT].sum()):
        chart_with_table(
            sn.survey_figure(frame, t("assess.chart.surveys_title")),
            frame,
            k("surveys", pid, snapshot_id),
            t("assess.strategic.chart_alt"),
        )
        for line in survey_gaps(frame):
            st.warning(line, icon="↕️")  # the domains and figures are the workbook's own, as in gap_findings
    if responses:
        with st.expander(t("assess.strategic.by_question")):
            questions = sn.strategic_question_table(engine, snapshot_id).drop(columns=["domain"])
            texts = list_names("snapshot_strategic_survey")
            if ui_language() != "en" and not questions.empty:
                questions["Question"] = [
                    texts.get(code) or text for code, text in zip(questions["Code"], questions["Question"], strict=True)
                ]
            st.dataframe(frame_in_language(questions), hide_index=True)
            said = [(r.comment, r.role, r.agency) for r in responses if r.comment]
            if said:
                columns = [t("assess.col.comment"), t("assess.col.role"), t("assess.col.agency")]
                st.dataframe(pd.DataFrame(said, columns=columns), hide_index=True)
        offer_download(
            st,
            t("assess.strategic.download"),
            data=lambda: strategic_survey_csv(engine, pid, snapshot_id),
            file_name="strategic-survey-responses.csv",
            key=k("strategic-export", pid, snapshot_id),
            icon=":material/download:",
            on_click="ignore",
        )
    if writer and author is not None:
        file_import(
            k("strategic-survey", pid, snapshot_id),
            template=strategic_template_csv(),
            template_name="snapshot_strategic_survey_template.csv",
            preview=lambda data, name, options: preview_strategic_survey(engine, pid, snapshot_id, data, name, options),
            run=lambda data, name, replace, options: import_strategic_survey(
                engine, pid, snapshot_id, data, name, author=author, replace=replace, options=options
            ),
            what=t("assess.what.strategic"),
            existing=len(responses),
        )
    survey_link_panel(engine, pid, "strategic", snapshot_id, writer=writer, author=author)


def survey_gaps(frame: pd.DataFrame) -> list[str]:
    """sn.survey_gap_findings in this person's language: each domain where the two surveys' averages
    differ by sn.GAP_FLAG or more."""
    if ui_language() == "en":
        return sn.survey_gap_findings(frame)
    words, lines = shown_words(), []
    for _, row in frame.iterrows():
        gap = row[sn.SURVEY_DIFFERENCE]
        if gap is None or pd.isna(gap) or abs(gap) < sn.GAP_FLAG:
            continue
        strategic, frontline = t("assess.gap.strategic_professionals"), t("assess.gap.frontline_practitioners")
        higher, lower = (strategic, frontline) if gap > 0 else (frontline, strategic)
        lines.append(
            t(
                "assess.gap.surveys",
                domain=words.get(row["Domain"], row["Domain"]),
                higher=higher,
                lower=lower,
                strategic=row[sn.STRATEGIC_SURVEY_AVERAGE],
                frontline=row[sn.FRONTLINE_SURVEY_AVERAGE],
            )
        )
    return lines


# --- Recommendations ----------------------------------------------------------------------------


def recommendations_panel(
    engine: Engine,
    partnership: Partnership,
    *,
    editable: bool,
    snapshot_id: int | None = None,
    audit_id: int | None = None,
    extra: Callable[[Recommendation], None] | None = None,
) -> None:
    """The recommendations of one snapshot or audit: add, change status, remove (with undo), and make
    each one an action in the action plan in one step (when the action plan is part of the workbook).
    ``extra(rec)`` renders more inside each recommendation's box (the audit's owner and responses)."""
    pid = stored_id(partnership)
    owner = {"snapshot_id": snapshot_id} if snapshot_id is not None else {"audit_id": audit_id}
    key = k("recs", pid, snapshot_id, audit_id)
    flash(k(key, "flash"))
    author = current_author()
    recs = list_recommendations(engine, pid, **owner)
    if not recs:
        st.caption(t("assess.rec.none"))
    for n, rec in enumerate(recs, start=1):
        with st.container(border=True):
            st.markdown(f"**{n}.** {md_escape(rec.text)}")
            st.caption(
                t("assess.rec.status_line", origin=md_escape(rec.origin), status=status_name(rec.status).lower())
                + (t("assess.rec.in_plan") if rec.action_id else "")
            )
            if extra is not None:
                extra(rec)
            if not editable or author is None:
                continue
            cols = st.columns([2, 2, 1])

            def set_status(rec: Recommendation = rec) -> None:
                rec_id = stored_id(rec)
                try:
                    update_recommendation(
                        engine, pid, rec_id, expected_version=rec.version, author=author, status=st.session_state[k(key, "status", rec_id)]
                    )
                except Conflict as exc:
                    st.session_state[k(key, "flash")] = ("error", conflict_note(exc))
                except WorkbookError as exc:
                    st.session_state[k(key, "flash")] = ("error", error_text(exc))

            cols[0].selectbox(
                t("assess.rec.status"),
                list(STATUSES),
                index=list(STATUSES).index(rec.status),
                format_func=status_name,
                key=k(key, "status", rec.id),
                on_change=set_status,
            )

            def remove(rec: Recommendation = rec) -> None:
                remove_recommendation(engine, pid, stored_id(rec), author=author)
                st.session_state[k(key, "flash")] = ("ok", t("assess.rec.removed"))

            cols[2].button(t("assess.remove"), key=k(key, "remove", rec.id), on_click=remove)
            if rec.action_id is None:
                with cols[1].popover(t("assess.rec.make_action")):
                    _to_action_form(engine, pid, rec, key, author)
    if editable and author is not None:
        with st.form(k(key, "add"), clear_on_submit=True):
            text = st.text_area(t("assess.rec.add"), max_chars=2000, key=k(key, "new"))
            domain = None
            if snapshot_id is not None:
                domain = st.selectbox(
                    t("assess.col.domain"),
                    [""] + [d.id for d in sn.domains()],
                    format_func=lambda d: domain_name(d) if d else t("assess.none"),
                    key=k(key, "dom"),
                )
            if st.form_submit_button(t("assess.rec.add_button")):
                try:
                    add_recommendation(engine, pid, text=text, author=author, domain=domain or "", **owner)
                    st.rerun()
                except WorkbookError as exc:
                    show_error(exc)
        removed = list_recommendations(engine, pid, deleted=True, **owner)
        if removed:
            with st.expander(t("assess.rec.removed_list", n=len(removed))):
                for rec in removed:
                    st.text(rec.text)
                    if st.button(t("assess.bring_back"), key=k(key, "restore", rec.id)):
                        remove_recommendation(engine, pid, stored_id(rec), author=author, restore=True)
                        st.rerun()


def status_name(status: str) -> str:
    """A recommendation's status in this person's language (the stored value stays its id)."""
    return t(f"assess.rec.status.{status}") if status in STATUSES else status


def _to_action_form(engine: Engine, pid: int, rec: Recommendation, key: str, author: Author) -> None:

    plan = load_plan(engine, pid)
    choices = {stored_id(o): f"{plan.code('outcome', stored_id(o))} {o.title}" for o in plan.all_outcomes()}
    if not choices:
        st.info(t("assess.rec.no_outcomes"))
        st.page_link(page="views/theory_of_change.py", label=t("assess.rec.go_toc"), icon="🧩")
        return
    outcome_id = st.selectbox(t("assess.rec.which_outcome"), list(choices), format_func=choices.__getitem__, key=k(key, "outcome", rec.id))
    if st.button(t("assess.rec.to_plan"), key=k(key, "toaction", rec.id), type="primary") and outcome_id is not None:
        try:
            recommendation_to_action(engine, pid, stored_id(rec), outcome_id=outcome_id, author=author)
            st.session_state[k(key, "flash")] = ("ok", t("assess.rec.now_action"))
            st.rerun()
        except WorkbookError as exc:
            show_error(exc)


# --- In the Context chapter ---------------------------------------------------------------------


def self_assessment_summary(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    """The latest snapshot's domain RAG and the latest audit, as evidence for the context (Guide §4, §15.2)."""
    snapshot_lines = sn.latest_summary(engine, stored_id(partnership), ui_language())
    audit_lines = au.latest_summary(engine, stored_id(partnership), ui_language())
    with st.container(border=True):
        st.markdown(t("assess.summary.heading"))
        if not snapshot_lines and not audit_lines:
            st.caption(t("assess.summary.none"))
        for line in snapshot_lines + audit_lines:
            st.text(line)
        st.page_link(page="views/snapshot_results.py", label=t("nav.snapshot_results"), icon="📊")


def removed_panel(title: str, removed: list, name, restore, key: str) -> None:
    """An expander of removed records, each with a button that brings it back (``restore(record)``);
    a refusal (a role, a record gone meanwhile) is shown, never raised."""
    if not removed:
        return
    with st.expander(t("assess.removed_list", title=title, n=len(removed))):
        for record in removed:
            if st.button(t("assess.bring_back_named", name=name(record)), key=k(key, record.id)):
                try:
                    restore(record)
                    st.rerun()
                except WorkbookError as exc:
                    show_error(exc)


# --- Consensus: each person rates privately, the spread is shown, the group agrees (issue 18) -------

PRIVATE_ERROR_KEY = "snapshot_private_error"


def private_rating_panel(engine: Engine, pid: int, snapshot_id: int, statement_id: int, can_rate: bool) -> None:
    """Each person's own rating from their laptop or phone, and the room's spread without names,
    refreshing itself as the workshop's board does; the agreed rating below is what the group then settles on."""
    with st.container(border=True):
        st.markdown("### " + t("assess.private.heading"))
        st.caption(t("assess.private.caption"))
        _private_live(engine, pid, snapshot_id, statement_id, can_rate)


@st.fragment(run_every=REFRESH_SECONDS)
def _private_live(engine: Engine, pid: int, snapshot_id: int, statement_id: int, can_rate: bool) -> None:
    from strategy.assessments.consensus import spread
    from strategy.core.errors import NotAllowed

    author = current_author()
    if author is None:
        return
    try:
        room = spread(engine, pid, snapshot_id, statement_id, author=author)
    except NotAllowed:
        st.rerun(scope="app")  # removed from the partnership: the page closes it and says why
        return
    for kind, mine in (("evidence", room.my_evidence), ("progress", room.my_progress)):
        if can_rate:
            points = sn.scale(kind)
            columns = st.columns(len(points))
            for column, point in zip(columns, points, strict=True):
                column.button(
                    f"{'✓ ' if mine == point.value else ''}{point.value} · {scale_name(kind, point)}",
                    key=k("private", kind, pid, snapshot_id, statement_id, point.value),
                    use_container_width=True,
                    help=t(f"assess.private.help_{kind}", descriptor=point.descriptor),
                    on_click=_rate_privately,
                    args=(engine, pid, snapshot_id, statement_id, kind, None if mine == point.value else point.value),
                )
        st.markdown(t(f"assess.private.room_{kind}", people=room.people, line=md_escape(room.line(kind, ui_language()))))
    error = st.session_state.pop(PRIVATE_ERROR_KEY, None)
    if error:
        show_error(WorkbookError(error))


def _rate_privately(engine: Engine, pid: int, snapshot_id: int, statement_id: int, kind: str, value: int | None) -> None:
    from strategy.assessments.consensus import rate_privately

    author = current_author()
    try:
        if author is None:
            raise WorkbookError("You are signed out, so nothing was saved. Sign in again.")
        if kind == "evidence":
            rate_privately(engine, pid, snapshot_id, statement_id, author=author, evidence_rating=value)
        else:
            rate_privately(engine, pid, snapshot_id, statement_id, author=author, progress_rating=value)
    except WorkbookError as exc:
        st.session_state[PRIVATE_ERROR_KEY] = exc.message  # shown by show_error, in the person's language
