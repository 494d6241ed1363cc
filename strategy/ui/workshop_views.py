"""The Workshops page's views (issue 18): setting a workshop up, the facilitator's controls, the
participant's view (one column, so it works at a phone's width) and the shared screen in large type
for the projector. The live part of each is a fragment that refreshes itself every second and a half; the
forms people type in sit outside it, so a refresh never takes away what is being typed.

Everything a person typed is shown through ``md_escape`` (or as plain text); every change goes through
one function of ``strategy.workshops.operations``; their refusals are shown with ``show_error``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st
from sqlalchemy.engine import Engine

from strategy.core.access import can
from strategy.core.authors import Author
from strategy.core.dates import uk_date
from strategy.core.errors import NotAllowed, NotFound, WorkbookError
from strategy.core.models import Partnership, Workshop
from strategy.core.text import md_escape, shorten
from strategy.plan.operations import load_plan
from strategy.ui.downloads import offer_download
from strategy.ui.language import t
from strategy.ui.state import author_or_refuse, current_author, show_error, show_message
from strategy.workshops.io import workshop_csv, workshop_docx, workshop_filename
from strategy.workshops.operations import (
    KINDS,
    MAX_VOTES,
    NOTE_LIMIT,
    NOTES_PER_PERSON,
    REFRESH_SECONDS,
    STAGE_LABELS,
    STAGES,
    ThemeView,
    WorkshopView,
    add_note,
    agree_vision,
    agree_wording,
    apply_result,
    cast_vote,
    create_theme,
    create_workshop,
    list_workshops,
    move_note,
    remove_theme,
    rename_theme,
    reveal_votes,
    set_stage,
    target_stamp,
    withdraw_vote,
    workshop_view,
)

CHOSEN_KEY = "workshop_chosen"
MODE_KEY = "workshop_mode"
#: What the facilitator's screen showed (versions of the workshop, its notes and themes; the target's
#: stamp), so a change made from it is checked against what the facilitator saw.
SEEN_KEY = "workshop_seen"
FLASH_KEY = "workshop_flash"
ERROR_KEY = "workshop_error"
STAGE_SEEN_KEY = "workshop_stage_seen"
TAKE_PART, FACILITATE, SCREEN = "Take part", "Facilitate", "Shared screen"
#: The views' keys in the interface file (the radio's values stay the English names).
MODE_WORDS = {
    TAKE_PART: "together.workshop.mode.take_part",
    FACILITATE: "together.workshop.mode.facilitate",
    SCREEN: "together.workshop.mode.screen",
}


def stage_label(stage: str) -> str:
    """A stage's name with its number ("1. Ideas"), in this person's language."""
    return t(f"together.workshop.stage.{stage}") if stage in STAGE_LABELS else stage


def _stage_word(stage: str) -> str:
    """A stage's name inside a sentence ("ideas")."""
    return t(f"together.workshop.stage_word.{stage}")


def _target(kind: str) -> str:
    """Where the workshop's result goes (``TARGETS`` in strategy.workshops.operations), in this person's language."""
    return t(f"together.workshop.target.{kind if kind in KINDS else 'custom'}")


def workshop_page(engine: Engine, partnership: Partnership) -> None:
    pid = partnership.id
    assert pid is not None
    author = current_author()
    if author is None:
        return
    _messages()
    try:
        workshops = list_workshops(engine, pid, author=author)
    except WorkbookError as exc:
        show_error(exc)
        return
    facilitator = can(engine, author, pid, "edit")
    if facilitator:
        with st.expander(t("together.workshop.set_up"), expanded=not workshops, icon="➕"):
            _setup_form(engine, pid)
    if not workshops:
        st.info(t("together.workshop.none"))
        return
    by_id = {w.id: w for w in workshops}
    if st.session_state.get(CHOSEN_KEY) not in by_id:
        st.session_state[CHOSEN_KEY] = workshops[0].id
    # Each choice's name made now, in this person's language (a format_func runs outside the page too).
    names = {i: f"{w.number}. {w.title} · {stage_label(w.stage)}" for i, w in by_id.items()}
    chosen = st.selectbox(
        t("together.workshop.workshop"),
        list(by_id),
        format_func=names.__getitem__,
        key=CHOSEN_KEY,
    )
    modes = [TAKE_PART, SCREEN] + ([FACILITATE] if facilitator else [])
    if st.session_state.get(MODE_KEY) not in modes:
        st.session_state[MODE_KEY] = FACILITATE if facilitator else TAKE_PART
    mode = st.radio(
        t("together.workshop.view"),
        modes,
        format_func={m: t(MODE_WORDS[m]) for m in modes}.__getitem__,
        horizontal=True,
        key=MODE_KEY,
        label_visibility="collapsed",
    )
    workshop = by_id[chosen]
    st.session_state[STAGE_SEEN_KEY] = (workshop.id, workshop.stage)
    if mode == FACILITATE:
        _facilitator_controls(engine, pid, workshop)
    elif mode == TAKE_PART and facilitator and workshop.stage == "ideas":
        _note_form(engine, pid, workshop, "take_part")
    elif mode == TAKE_PART and not facilitator:
        st.caption(t("together.workshop.watching"))
    live_board(engine, pid, stored(workshop), mode)


def stored(workshop: Workshop) -> int:
    assert workshop.id is not None
    return workshop.id


def _messages() -> None:
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(md_escape(flash), icon="✅")
    error = st.session_state.pop(ERROR_KEY, None)
    if error:
        show_message(error)


def _act(action: Callable[[], object], success: str = "") -> bool:
    """Run one change; a refusal is kept to show after the rerun, a success as a short notice."""
    try:
        action()
    except WorkbookError as exc:
        st.session_state[ERROR_KEY] = exc.message
        return False
    if success:
        st.session_state[FLASH_KEY] = success
    return True


# --- Setting up -----------------------------------------------------------------------------------


def _setup_form(engine: Engine, pid: int) -> None:
    plan = load_plan(engine, pid)
    aims = {a.id: f"{plan.code('aim', a.id)} {a.title}" for a in plan.aims}
    outcomes = {o.id: f"{plan.code('outcome', o.id)} {shorten(o.title, 80)}" for o in plan.all_outcomes()}
    kind: str = (
        st.selectbox(
            t("together.workshop.about"),
            list(KINDS),
            format_func={k: t(f"together.workshop.kind.{k}") for k in KINDS}.__getitem__,
            key="workshop_new_kind",
        )
        or "custom"
    )
    with st.form("workshop_new", clear_on_submit=True):
        title = st.text_input(t("together.workshop.title"), max_chars=200, placeholder=t("together.workshop.title_placeholder"))
        prompt = st.text_area(
            t("together.workshop.question") if kind == "custom" else t("together.workshop.question_guide"), max_chars=2000
        )
        aim_id = outcome_id = None
        if kind == "outcomes":
            aim_id = st.selectbox(
                t("together.workshop.aim"),
                list(aims),
                format_func=lambda i: aims[i],
                index=None,
                placeholder=t("together.workshop.choose_aim"),
            )
        if kind == "actions":
            outcome_id = st.selectbox(
                t("together.workshop.outcome"),
                list(outcomes),
                format_func=lambda i: outcomes[i],
                index=None,
                placeholder=t("together.workshop.choose_outcome"),
            )
        cols = st.columns(3)
        held_on = cols[0].date_input(t("together.workshop.held_on"), format="DD/MM/YYYY")
        votes = cols[1].number_input(t("together.workshop.votes_each"), min_value=1, max_value=MAX_VOTES, value=3)
        anonymous = cols[2].toggle(t("together.workshop.anonymous"), help=t("together.workshop.anonymous_help"))
        if st.form_submit_button(t("together.workshop.set_up_button"), type="primary"):
            try:
                w = create_workshop(
                    engine,
                    pid,
                    title=title,
                    kind=kind,
                    prompt=prompt,
                    aim_id=aim_id,
                    outcome_id=outcome_id,
                    anonymous=anonymous,
                    votes_per_person=int(votes),
                    held_on=held_on,
                    author=author_or_refuse(),
                )
            except WorkbookError as exc:
                show_error(exc)
                return
            st.session_state[CHOSEN_KEY] = w.id
            st.session_state[FLASH_KEY] = t("together.workshop.is_set_up", number=w.number)
            st.rerun()


# --- Taking part ----------------------------------------------------------------------------------


def _note_form(engine: Engine, pid: int, workshop: Workshop, where: str) -> None:
    # A form of its own in each view: one key in two places leaves two on screen while the view changes.
    with st.form(f"workshop_note_{where}", clear_on_submit=True):
        text = st.text_area(
            t("together.workshop.your_idea"),
            max_chars=NOTE_LIMIT,
            height=100,
            help=t("together.workshop.idea_help", limit=f"{NOTE_LIMIT:,}", notes=NOTES_PER_PERSON)
            + t("together.workshop.idea_anonymous" if workshop.anonymous else "together.workshop.idea_named"),
        )
        if st.form_submit_button(t("together.workshop.add_note"), type="primary", use_container_width=True):
            if _act(lambda: add_note(engine, pid, stored(workshop), text, author=author_or_refuse())):
                st.toast(t("together.workshop.note_added"))


@st.fragment(run_every=REFRESH_SECONDS)
def live_board(engine: Engine, pid: int, workshop_id: int, mode: str) -> None:
    """The part of the page that keeps itself current. Membership is checked on every refresh, so a
    person removed from the partnership drops out here; a stage change redraws the whole page."""
    author = current_author()
    if author is None:
        return
    try:
        view = workshop_view(engine, pid, workshop_id, author=author)
    except NotAllowed:
        st.rerun(scope="app")  # the page then closes the partnership and says why
        return
    except NotFound as exc:
        show_error(exc)
        return
    if st.session_state.get(STAGE_SEEN_KEY) != (workshop_id, view.workshop.stage):
        st.rerun(scope="app")  # the forms around the board belong to the new stage
        return
    if mode == SCREEN:
        _shared_screen(view)
    elif mode == FACILITATE:
        _board(view, facilitator=True)
    else:
        _participant(engine, pid, view)


def _header(view: WorkshopView) -> None:
    w = view.workshop
    st.header(md_escape(w.prompt or w.title))
    st.caption(
        md_escape(  # "1. Ideas" would otherwise start a numbered list
            t("together.workshop.header", stage=stage_label(w.stage), people=view.participants, notes=view.notes)
            + (t("together.workshop.header_votes", votes=view.votes_cast) if w.stage in ("voting", "result", "applied") else "")
            + (t("together.workshop.header_anonymous") if w.anonymous else "")
        )
    )


def _note_line(text: str, by: str, mine: bool) -> str:
    return "- " + md_escape(text) + (f" · *{md_escape(by)}*" if by else "") + (t("together.workshop.yours") if mine else "")


def _participant(engine: Engine, pid: int, view: WorkshopView) -> None:
    """One column: readable on a phone."""
    w = view.workshop
    _header(view)
    if view.can_take_part and w.stage == "ideas":
        st.caption(t("together.workshop.my_notes", mine=view.my_notes, notes=NOTES_PER_PERSON))
    if w.stage == "voting" and view.can_take_part:
        st.info(
            t("together.workshop.votes_left", left=view.votes_left, votes=w.votes_per_person),
            icon="🗳️",
        )
    for theme in view.ranked():
        with st.container(border=True):
            votes = _votes(theme.votes, " · ") if theme.votes is not None else ""
            st.markdown(f"**{md_escape(theme.title)}**{votes}" + (t("together.workshop.your_vote") if theme.my_vote else ""))
            if w.stage in ("result", "applied") and theme.agreed_text:
                st.markdown(t("together.workshop.agreed", text=md_escape(theme.agreed_text)))
            if theme.notes:
                st.markdown("\n".join(_note_line(n.text, n.by, n.mine) for n in theme.notes))
            if w.stage == "voting" and view.can_take_part:
                if theme.my_vote:
                    st.button(
                        t("together.workshop.unvote"),
                        key=f"ws_unvote_{theme.id}",
                        on_click=_vote,
                        args=(engine, pid, theme.id, False),
                        use_container_width=True,
                    )
                else:
                    st.button(
                        t("together.workshop.vote"),
                        key=f"ws_vote_{theme.id}",
                        on_click=_vote,
                        args=(engine, pid, theme.id, True),
                        disabled=view.votes_left == 0,
                        type="primary",
                        use_container_width=True,
                    )
    if view.loose:
        with st.container(border=True):
            st.markdown(t("together.workshop.loose_bold") if view.themes else t("together.workshop.so_far_bold"))
            st.markdown("\n".join(_note_line(n.text, n.by, n.mine) for n in view.loose))
    error = st.session_state.pop(ERROR_KEY, None)
    if error:
        show_message(error)


def _votes(count: int, before: str) -> str:
    """ " · 1 vote", " · 3 votes": the count of a theme's votes."""
    return before + t("together.workshop.votes_one" if count == 1 else "together.workshop.votes_many", votes=count)


def _vote(engine: Engine, pid: int, theme_id: int, cast: bool) -> None:
    def run() -> None:
        author = author_or_refuse()
        (cast_vote if cast else withdraw_vote)(engine, pid, theme_id, author=author)

    _act(run)


# --- The shared screen ----------------------------------------------------------------------------

_LARGE = """<style>
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] li { font-size: 1.6rem; line-height: 1.35; }
[data-testid="stMainBlockContainer"] h1 { font-size: 3rem; }
[data-testid="stMainBlockContainer"] h2 { font-size: 2.2rem; }
</style>"""


def _shared_screen(view: WorkshopView) -> None:
    """Large type for the projector: the question, the stage, and the themes (ranked once revealed)."""
    w = view.workshop
    st.html(_LARGE)
    st.title(md_escape(w.prompt or w.title))
    cols = st.columns(3)
    cols[0].metric(t("together.workshop.stage"), md_escape(stage_label(w.stage)))
    cols[1].metric(t("together.workshop.taking_part"), view.participants)
    cols[2].metric(
        t("together.workshop.votes_cast") if w.stage in ("voting", "result", "applied") else t("together.workshop.notes"),
        view.votes_cast if w.stage != "ideas" else view.notes,
    )
    if w.stage == "voting" and not w.revealed:
        st.markdown(t("together.workshop.secret"))
    themes = view.ranked()
    for start in range(0, len(themes), 3):
        row = st.columns(3)
        for col, theme in zip(row, themes[start : start + 3], strict=False):
            with col.container(border=True):
                votes = f" ({theme.votes})" if theme.votes is not None else ""
                st.header(md_escape(theme.wording if w.stage in ("result", "applied") else theme.title) + votes, divider="gray")
                st.markdown("\n".join(_note_line(n.text, n.by, False) for n in theme.notes[:8]) or " ")
                if len(theme.notes) > 8:
                    st.markdown(t("together.workshop.more", count=len(theme.notes) - 8))
    if view.loose:
        st.header(t("together.workshop.notes") if not view.themes else t("together.workshop.loose"), divider="gray")
        st.markdown("\n".join(_note_line(n.text, n.by, False) for n in view.loose[-30:]))


def _board(view: WorkshopView, *, facilitator: bool) -> None:
    _header(view)
    for theme in view.ranked():
        votes = t("together.workshop.board_votes", votes=theme.votes) if theme.votes is not None else ""
        with st.expander(t("together.workshop.board_theme", theme=md_escape(theme.title), notes=len(theme.notes)) + votes, expanded=True):
            st.markdown("\n".join(_note_line(n.text, n.by, False) for n in theme.notes) or t("together.workshop.no_notes"))
    if view.loose:
        st.markdown(t("together.workshop.loose_count", count=len(view.loose)))
        st.markdown("\n".join(_note_line(n.text, n.by, False) for n in view.loose))


# --- Facilitating ---------------------------------------------------------------------------------


def _seen(view: WorkshopView, stamp: str) -> dict:
    return {
        "workshop": (view.workshop.id, view.workshop.version),
        "notes": {n.id: n.version for t in view.themes for n in t.notes} | {n.id: n.version for n in view.loose},
        "themes": {t.id: t.version for t in view.themes},
        "stamp": stamp,
    }


def _facilitator_controls(engine: Engine, pid: int, workshop: Workshop) -> None:
    author = author_or_refuse()
    try:
        view = workshop_view(engine, pid, stored(workshop), author=author)
        stamp = target_stamp(engine, pid, view.workshop)
    except WorkbookError as exc:
        show_error(exc)
        return
    before = st.session_state.get(SEEN_KEY) or {}
    if before.get("workshop", (None,))[0] != view.workshop.id:
        before = {}
    st.session_state[SEEN_KEY] = _seen(view, stamp)
    seen_notes = before.get("notes", {})
    seen_themes = before.get("themes", {})
    w = view.workshop
    wid = stored(w)
    index = STAGES.index(w.stage)
    seen_version = before.get("workshop", (wid, w.version))[1]  # two facilitators clicking at once: one moves it
    st.markdown(t("together.workshop.goes_into", stage=md_escape(stage_label(w.stage)), target=md_escape(_target(w.kind))))
    cols = st.columns(3)
    if 0 < index < 4 and cols[0].button(t("together.workshop.back", stage=_stage_word(STAGES[index - 1])), key="ws_back"):
        if _act(lambda: set_stage(engine, pid, wid, STAGES[index - 1], expected_version=seen_version, author=author)):
            st.rerun()
    if index < 3 and cols[1].button(t("together.workshop.next", stage=_stage_word(STAGES[index + 1])), key="ws_next", type="primary"):
        if _act(lambda: set_stage(engine, pid, wid, STAGES[index + 1], expected_version=seen_version, author=author)):
            st.rerun()
    if w.stage == "voting" and not w.revealed and cols[2].button(t("together.workshop.reveal"), key="ws_reveal"):
        if _act(lambda: reveal_votes(engine, pid, wid, author=author)):
            st.rerun()

    if w.stage in ("ideas", "grouping"):
        _grouping_forms(engine, pid, view, seen_notes, seen_themes, author)
    if w.stage == "ideas":
        _note_form(engine, pid, w, "facilitate")
    if w.stage == "result":
        _result_forms(engine, pid, view, before, author)
    _record_downloads(engine, pid, view, author)


def _note_label(view: WorkshopView) -> dict[int, str]:
    titles = {t.id: t.title for t in view.themes}
    notes = [n for t in view.themes for n in t.notes] + view.loose
    return {n.id: shorten(n.text, 70) + (f" [{shorten(titles[n.theme_id], 30)}]" if n.theme_id in titles else "") for n in notes}


def _grouping_forms(engine: Engine, pid: int, view: WorkshopView, seen_notes: dict, seen_themes: dict, author: Author) -> None:
    wid = stored(view.workshop)
    labels = _note_label(view)
    current = {n.id: n.version for t in view.themes for n in t.notes} | {n.id: n.version for n in view.loose}
    with st.expander(t("together.workshop.group"), expanded=view.workshop.stage == "grouping", icon="🗂️"):
        with st.form("ws_new_theme", clear_on_submit=True):
            picked = st.multiselect(
                t("together.workshop.notes"),
                list(labels),
                format_func=lambda i: labels[i],
                placeholder=t("together.workshop.choose_notes"),
            )
            title = st.text_input(t("together.workshop.theme_name"), max_chars=300)
            if st.form_submit_button(t("together.workshop.make_theme")):
                notes = {i: seen_notes.get(i, current.get(i, 1)) for i in picked}
                if _act(lambda: create_theme(engine, pid, wid, title, notes=notes, author=author), t("together.workshop.theme_made")):
                    st.rerun()
        if view.themes:
            themes = {t.id: t.title for t in view.themes}
            with st.form("ws_move", clear_on_submit=True):
                picked = st.multiselect(t("together.workshop.to_move"), list(labels), format_func=lambda i: labels[i])
                into = {0: t("together.workshop.not_grouped"), **themes}
                target = st.selectbox(t("together.workshop.into"), list(into), format_func=into.__getitem__)
                if st.form_submit_button(t("together.workshop.move")):
                    moved = 0
                    for note_id in picked:
                        if not _act(_mover(engine, pid, note_id, target or None, seen_notes.get(note_id, current.get(note_id, 1)), author)):
                            break
                        moved += 1
                    moved_key = "together.workshop.moved_one" if moved == 1 else "together.workshop.moved"
                    st.session_state[FLASH_KEY] = t(moved_key, count=moved) if moved else None
                    st.rerun()
            with st.form("ws_remove_theme", clear_on_submit=True):
                gone: int = st.selectbox(t("together.workshop.take_off_which"), list(themes), format_func=lambda i: themes[i]) or 0
                if st.form_submit_button(t("together.workshop.take_off")):
                    version = seen_themes.get(gone, next(t.version for t in view.themes if t.id == gone))
                    if _act(
                        lambda: remove_theme(engine, pid, gone, expected_version=version, author=author),
                        t("together.workshop.taken_off"),
                    ):
                        st.rerun()
            with st.form("ws_rename", clear_on_submit=True):
                which: int = st.selectbox(t("together.workshop.rename_which"), list(themes), format_func=lambda i: themes[i]) or 0
                title = st.text_input(t("together.workshop.new_name"), max_chars=300)
                if st.form_submit_button(t("together.workshop.rename")):
                    version = seen_themes.get(which, next(t.version for t in view.themes if t.id == which))
                    if _act(
                        lambda: rename_theme(engine, pid, which, title, expected_version=version, author=author),
                        t("together.workshop.renamed"),
                    ):
                        st.rerun()


def _mover(engine: Engine, pid: int, note_id: int, theme_id: int | None, version: int, author: Author) -> Callable[[], object]:
    return lambda: move_note(engine, pid, note_id, theme_id, expected_version=version, author=author)


def _result_forms(engine: Engine, pid: int, view: WorkshopView, before: dict, author: Author) -> None:
    w = view.workshop
    wid = stored(w)
    st.markdown(t("together.workshop.agree"))
    if w.kind == "vision":
        with st.form("ws_vision"):
            suggestion = w.agreed_text or "\n\n".join(t.wording for t in view.ranked()[:3])
            text = st.text_area(t("together.workshop.vision"), value=suggestion, height=160, max_chars=5000)
            if st.form_submit_button(t("together.workshop.save_vision")):
                version = before.get("workshop", (wid, w.version))[1]
                if _act(
                    lambda: agree_vision(engine, pid, wid, text, expected_version=version, author=author), t("together.workshop.saved")
                ):
                    st.rerun()
    else:
        for theme in view.ranked():
            _theme_form(engine, pid, theme, before, author)
    seen_version = before.get("workshop", (wid, w.version))[1]
    stamp = before.get("stamp", "")
    if st.button(t("together.workshop.apply", target=_target(w.kind).split(" (")[0]), type="primary", key="ws_apply"):
        if _act(
            lambda: apply_result(engine, pid, wid, expected_version=seen_version, expected_target=stamp, author=author),
            t("together.workshop.applied"),
        ):
            st.rerun()


def _theme_form(engine: Engine, pid: int, theme: ThemeView, before: dict, author: Author) -> None:
    with st.form(f"ws_agree_{theme.id}"):
        votes = t("together.workshop.theme_votes", votes=theme.votes) if theme.votes is not None else ""
        text = st.text_input(f"{theme.title}{votes}", value=theme.wording, max_chars=5000)
        included = st.checkbox(t("together.workshop.included"), value=theme.included)
        if st.form_submit_button(t("together.workshop.save")):
            version = before.get("themes", {}).get(theme.id, theme.version)
            if _act(
                lambda: agree_wording(engine, pid, theme.id, text, included=included, expected_version=version, author=author),
                t("together.workshop.saved"),
            ):
                st.rerun()


def _record_downloads(engine: Engine, pid: int, view: WorkshopView, author: Author) -> None:
    wid = stored(view.workshop)
    w = view.workshop
    held = uk_date(date.fromisoformat(w.held_on)) if w.held_on else uk_date(w.created_at)
    st.caption(t("together.workshop.record", held=held))
    cols = st.columns(2)
    offer_download(
        cols[0],
        t("together.workshop.csv"),
        data=lambda: workshop_csv(engine, pid, wid, author=author),
        file_name=workshop_filename(view, "csv"),
        icon="🧾",
        on_click="ignore",
    )
    offer_download(
        cols[1],
        t("together.workshop.docx"),
        data=lambda: workshop_docx(engine, pid, wid, author=author),
        file_name=workshop_filename(view, "docx"),
        icon="📄",
        on_click="ignore",
    )
