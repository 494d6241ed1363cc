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
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
        with st.expander("Set up a workshop", expanded=not workshops, icon="➕"):
            _setup_form(engine, pid)
    if not workshops:
        st.info("No workshop yet. An owner or editor sets one up; everyone else then joins it here from their own laptop or phone.")
        return
    by_id = {w.id: w for w in workshops}
    if st.session_state.get(CHOSEN_KEY) not in by_id:
        st.session_state[CHOSEN_KEY] = workshops[0].id
    chosen = st.selectbox(
        "Workshop",
        list(by_id),
        format_func=lambda i: f"{by_id[i].number}. {by_id[i].title} · {STAGE_LABELS[by_id[i].stage]}",
        key=CHOSEN_KEY,
    )
    modes = [TAKE_PART, SCREEN] + ([FACILITATE] if facilitator else [])
    if st.session_state.get(MODE_KEY) not in modes:
        st.session_state[MODE_KEY] = FACILITATE if facilitator else TAKE_PART
    mode = st.radio("View", modes, horizontal=True, key=MODE_KEY, label_visibility="collapsed")
    workshop = by_id[chosen]
    st.session_state[STAGE_SEEN_KEY] = (workshop.id, workshop.stage)
    if mode == FACILITATE:
        _facilitator_controls(engine, pid, workshop)
    elif mode == TAKE_PART and facilitator and workshop.stage == "ideas":
        _note_form(engine, pid, workshop, "take_part")
    elif mode == TAKE_PART and not facilitator:
        st.caption("You are watching: your role in this partnership can see the workshop but not add notes or vote.")
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
        st.selectbox("What is the workshop about?", list(KINDS), format_func=lambda k: KINDS[k], key="workshop_new_kind") or "custom"
    )
    with st.form("workshop_new", clear_on_submit=True):
        title = st.text_input("Title", max_chars=200, placeholder="for example, Priorities workshop, March")
        prompt = st.text_area(
            "The question for the room" + ("" if kind == "custom" else " (leave empty for the guide's question)"), max_chars=2000
        )
        aim_id = outcome_id = None
        if kind == "outcomes":
            aim_id = st.selectbox("The aim", list(aims), format_func=lambda i: aims[i], index=None, placeholder="Choose an aim")
        if kind == "actions":
            outcome_id = st.selectbox(
                "The intended outcome", list(outcomes), format_func=lambda i: outcomes[i], index=None, placeholder="Choose an outcome"
            )
        cols = st.columns(3)
        held_on = cols[0].date_input("Held on", format="DD/MM/YYYY")
        votes = cols[1].number_input("Votes each", min_value=1, max_value=MAX_VOTES, value=3)
        anonymous = cols[2].toggle("Anonymous notes", help="Nobody sees who wrote which note, on screen or in the record.")
        if st.form_submit_button("Set up the workshop", type="primary"):
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
            st.session_state[FLASH_KEY] = f"Workshop {w.number} is set up. Everyone can join it on this page now."
            st.rerun()


# --- Taking part ----------------------------------------------------------------------------------


def _note_form(engine: Engine, pid: int, workshop: Workshop, where: str) -> None:
    # A form of its own in each view: one key in two places leaves two on screen while the view changes.
    with st.form(f"workshop_note_{where}", clear_on_submit=True):
        text = st.text_area(
            "Your idea",
            max_chars=NOTE_LIMIT,
            height=100,
            help=f"One idea a note, up to {NOTE_LIMIT:,} characters; up to {NOTES_PER_PERSON} notes each."
            + (" Notes are anonymous." if workshop.anonymous else " Your name is shown with it."),
        )
        if st.form_submit_button("Add my note", type="primary", use_container_width=True):
            if _act(lambda: add_note(engine, pid, stored(workshop), text, author=author_or_refuse())):
                st.toast("Your note is on the board.")


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
            f"{STAGE_LABELS[w.stage]} · {view.participants} taking part · {view.notes} notes"
            + (f" · {view.votes_cast} votes cast" if w.stage in ("voting", "result", "applied") else "")
            + (" · anonymous" if w.anonymous else "")
        )
    )


def _note_line(text: str, by: str, mine: bool) -> str:
    return "- " + md_escape(text) + (f" · *{md_escape(by)}*" if by else "") + (" (yours)" if mine else "")


def _participant(engine: Engine, pid: int, view: WorkshopView) -> None:
    """One column: readable on a phone."""
    w = view.workshop
    _header(view)
    if view.can_take_part and w.stage == "ideas":
        st.caption(f"You have added {view.my_notes} of your {NOTES_PER_PERSON} notes.")
    if w.stage == "voting" and view.can_take_part:
        st.info(
            f"You have {view.votes_left} of {w.votes_per_person} votes left: one each on the themes that matter most. "
            "How the votes fall stays secret until the facilitator reveals it.",
            icon="🗳️",
        )
    for theme in view.ranked():
        with st.container(border=True):
            votes = f" · {theme.votes} vote{'s' if theme.votes != 1 else ''}" if theme.votes is not None else ""
            st.markdown(f"**{md_escape(theme.title)}**{votes}" + (" · ✔ your vote" if theme.my_vote else ""))
            if w.stage in ("result", "applied") and theme.agreed_text:
                st.markdown(f"Agreed: {md_escape(theme.agreed_text)}")
            if theme.notes:
                st.markdown("\n".join(_note_line(n.text, n.by, n.mine) for n in theme.notes))
            if w.stage == "voting" and view.can_take_part:
                if theme.my_vote:
                    st.button(
                        "Take back my vote",
                        key=f"ws_unvote_{theme.id}",
                        on_click=_vote,
                        args=(engine, pid, theme.id, False),
                        use_container_width=True,
                    )
                else:
                    st.button(
                        "Vote for this",
                        key=f"ws_vote_{theme.id}",
                        on_click=_vote,
                        args=(engine, pid, theme.id, True),
                        disabled=view.votes_left == 0,
                        type="primary",
                        use_container_width=True,
                    )
    if view.loose:
        with st.container(border=True):
            st.markdown("**Notes not grouped yet**" if view.themes else "**Notes so far**")
            st.markdown("\n".join(_note_line(n.text, n.by, n.mine) for n in view.loose))
    error = st.session_state.pop(ERROR_KEY, None)
    if error:
        show_message(error)


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
    cols[0].metric("Stage", md_escape(STAGE_LABELS[w.stage]))
    cols[1].metric("Taking part", view.participants)
    cols[2].metric(
        "Votes cast" if w.stage in ("voting", "result", "applied") else "Notes", view.votes_cast if w.stage != "ideas" else view.notes
    )
    if w.stage == "voting" and not w.revealed:
        st.markdown("Votes are secret until the facilitator reveals them.")
    themes = view.ranked()
    for start in range(0, len(themes), 3):
        row = st.columns(3)
        for col, theme in zip(row, themes[start : start + 3], strict=False):
            with col.container(border=True):
                votes = f" ({theme.votes})" if theme.votes is not None else ""
                st.header(md_escape(theme.wording if w.stage in ("result", "applied") else theme.title) + votes, divider="gray")
                st.markdown("\n".join(_note_line(n.text, n.by, False) for n in theme.notes[:8]) or " ")
                if len(theme.notes) > 8:
                    st.markdown(f"and {len(theme.notes) - 8} more")
    if view.loose:
        st.header("Notes" if not view.themes else "Not grouped yet", divider="gray")
        st.markdown("\n".join(_note_line(n.text, n.by, False) for n in view.loose[-30:]))


def _board(view: WorkshopView, *, facilitator: bool) -> None:
    _header(view)
    for theme in view.ranked():
        votes = f" · {theme.votes} votes" if theme.votes is not None else ""
        with st.expander(f"{md_escape(theme.title)} · {len(theme.notes)} notes{votes}", expanded=True):
            st.markdown("\n".join(_note_line(n.text, n.by, False) for n in theme.notes) or "(no notes yet)")
    if view.loose:
        st.markdown(f"**Not grouped yet ({len(view.loose)})**")
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
    st.markdown(f"**{md_escape(STAGE_LABELS[w.stage])}** · the result goes into {md_escape(view.target)}.")
    cols = st.columns(3)
    if 0 < index < 4 and cols[0].button(f"Back to {STAGE_LABELS[STAGES[index - 1]][3:].lower()}", key="ws_back"):
        if _act(lambda: set_stage(engine, pid, wid, STAGES[index - 1], expected_version=seen_version, author=author)):
            st.rerun()
    if index < 3 and cols[1].button(f"Move on to {STAGE_LABELS[STAGES[index + 1]][3:].lower()}", key="ws_next", type="primary"):
        if _act(lambda: set_stage(engine, pid, wid, STAGES[index + 1], expected_version=seen_version, author=author)):
            st.rerun()
    if w.stage == "voting" and not w.revealed and cols[2].button("Reveal the votes", key="ws_reveal"):
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
    with st.expander("Group notes into themes", expanded=view.workshop.stage == "grouping", icon="🗂️"):
        with st.form("ws_new_theme", clear_on_submit=True):
            picked = st.multiselect(
                "Notes", list(labels), format_func=lambda i: labels[i], placeholder="Choose the notes that belong together"
            )
            title = st.text_input("Name of the new theme", max_chars=300)
            if st.form_submit_button("Make the theme"):
                notes = {i: seen_notes.get(i, current.get(i, 1)) for i in picked}
                if _act(lambda: create_theme(engine, pid, wid, title, notes=notes, author=author), "The theme is on the board."):
                    st.rerun()
        if view.themes:
            themes = {t.id: t.title for t in view.themes}
            with st.form("ws_move", clear_on_submit=True):
                picked = st.multiselect("Notes to move", list(labels), format_func=lambda i: labels[i])
                target = st.selectbox("Into", [0, *themes], format_func=lambda i: themes.get(i, "(not grouped)"))
                if st.form_submit_button("Move them"):
                    moved = 0
                    for note_id in picked:
                        if not _act(_mover(engine, pid, note_id, target or None, seen_notes.get(note_id, current.get(note_id, 1)), author)):
                            break
                        moved += 1
                    st.session_state[FLASH_KEY] = f"Moved {moved} note{'s' if moved != 1 else ''}." if moved else None
                    st.rerun()
            with st.form("ws_remove_theme", clear_on_submit=True):
                gone: int = st.selectbox("Theme to take off the board", list(themes), format_func=lambda i: themes[i]) or 0
                if st.form_submit_button("Take it off (its notes go back to not grouped)"):
                    version = seen_themes.get(gone, next(t.version for t in view.themes if t.id == gone))
                    if _act(
                        lambda: remove_theme(engine, pid, gone, expected_version=version, author=author),
                        "The theme is gone; its notes are back.",
                    ):
                        st.rerun()
            with st.form("ws_rename", clear_on_submit=True):
                which: int = st.selectbox("Theme to rename", list(themes), format_func=lambda i: themes[i]) or 0
                title = st.text_input("New name", max_chars=300)
                if st.form_submit_button("Rename"):
                    version = seen_themes.get(which, next(t.version for t in view.themes if t.id == which))
                    if _act(lambda: rename_theme(engine, pid, which, title, expected_version=version, author=author), "Renamed."):
                        st.rerun()


def _mover(engine: Engine, pid: int, note_id: int, theme_id: int | None, version: int, author: Author) -> Callable[[], object]:
    return lambda: move_note(engine, pid, note_id, theme_id, expected_version=version, author=author)


def _result_forms(engine: Engine, pid: int, view: WorkshopView, before: dict, author: Author) -> None:
    w = view.workshop
    wid = stored(w)
    st.markdown("**Agree the wording with the room.** Themes are ranked by votes; untick any the room decided to leave out.")
    if w.kind == "vision":
        with st.form("ws_vision"):
            suggestion = w.agreed_text or "\n\n".join(t.wording for t in view.ranked()[:3])
            text = st.text_area("The vision, as agreed", value=suggestion, height=160, max_chars=5000)
            if st.form_submit_button("Save the agreed vision"):
                version = before.get("workshop", (wid, w.version))[1]
                if _act(lambda: agree_vision(engine, pid, wid, text, expected_version=version, author=author), "Saved."):
                    st.rerun()
    else:
        for theme in view.ranked():
            _theme_form(engine, pid, theme, before, author)
    seen_version = before.get("workshop", (wid, w.version))[1]
    stamp = before.get("stamp", "")
    if st.button(f"Put the result into {view.target.split(' (')[0]}", type="primary", key="ws_apply"):
        if _act(
            lambda: apply_result(engine, pid, wid, expected_version=seen_version, expected_target=stamp, author=author),
            "The workshop's result is in the strategy, noted as agreed at the workshop.",
        ):
            st.rerun()


def _theme_form(engine: Engine, pid: int, theme: ThemeView, before: dict, author: Author) -> None:
    with st.form(f"ws_agree_{theme.id}"):
        votes = f" ({theme.votes} votes)" if theme.votes is not None else ""
        text = st.text_input(f"{theme.title}{votes}", value=theme.wording, max_chars=5000)
        included = st.checkbox("Goes into the strategy", value=theme.included)
        if st.form_submit_button("Save"):
            version = before.get("themes", {}).get(theme.id, theme.version)
            if _act(
                lambda: agree_wording(engine, pid, theme.id, text, included=included, expected_version=version, author=author), "Saved."
            ):
                st.rerun()


def _record_downloads(engine: Engine, pid: int, view: WorkshopView, author: Author) -> None:
    wid = stored(view.workshop)
    w = view.workshop
    held = uk_date(date.fromisoformat(w.held_on)) if w.held_on else uk_date(w.created_at)
    st.caption(f"The record of the workshop held on {held}: every note with its theme and votes; each download is listed in the audit log.")
    cols = st.columns(2)
    cols[0].download_button(
        "The record as CSV",
        data=lambda: workshop_csv(engine, pid, wid, author=author),
        file_name=workshop_filename(view, "csv"),
        mime="text/csv",
        icon="🧾",
        on_click="ignore",
    )
    cols[1].download_button(
        "The record as a Word appendix",
        data=lambda: workshop_docx(engine, pid, wid, author=author),
        file_name=workshop_filename(view, "docx"),
        mime=DOCX,
        icon="📄",
        on_click="ignore",
    )
