"""A workshop, stage by stage: ideas -> grouping -> voting -> result -> applied.

Who may do what is read from the database on every call (``require_role``), so someone removed from
the partnership drops out at their next refresh: facilitators and participants are owners and editors
(and administrators); scrutineers and viewers watch. Concurrency: a person's notes and votes are
counted on their own ``WorkshopParticipant`` row by one ``UPDATE ... WHERE used < allowance`` (atomic
on SQLite and PostgreSQL), a vote is unique per person and theme, and every move of a note or change to
a theme is version-checked (``UPDATE ... WHERE version = loaded``): two facilitators moving the same
note get a clear message and the note stays where the first one put it.

Into the strategy: ``apply_result`` writes through ``strategy.answers.operations`` (the vision, the
priorities) and ``strategy.plan.operations`` (aims, outcomes, actions) in one transaction, every
revision noted "agreed at the workshop on 14/03/2027 (23 participants)" (``revision_note``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from strategy.answers.operations import add_rows, get_answer, list_rows, save_answer
from strategy.core.access import RIGHTS, require_role, role_of
from strategy.core.audit_log import record
from strategy.core.authors import Author
from strategy.core.dates import uk_date
from strategy.core.db import read_session, write_session
from strategy.core.errors import Conflict, InvalidInput, NotFound
from strategy.core.models import (
    Partnership,
    PlanAim,
    PlanOutcome,
    Workshop,
    WorkshopNote,
    WorkshopParticipant,
    WorkshopTheme,
    WorkshopVote,
    stored_id,
    utcnow,
)
from strategy.core.revisions import as_json, record_revision, revision_note
from strategy.core.text import check_length, clean_text, name_key, normalise_name, shorten
from strategy.core.values import parse_date
from strategy.plan.operations import add_aim, add_outcome, create_action

#: What a workshop can be about, as the facilitator chooses it.
KINDS = {
    "vision": "The shared vision",
    "priorities": "The strategic priorities",
    "aims": "Strategic aims",
    "outcomes": "Intended outcomes for one aim",
    "actions": "Actions for one intended outcome",
    "forms": "The forms of child sexual abuse we have least grip on",
    "custom": "A question of your own",
}
#: The question put to the room when the facilitator types none.
PROMPTS = {
    "vision": "What will our area be like for children when this strategy has worked?",
    "priorities": "What should the partnership act on first?",
    "aims": "What should the strategy's aims be?",
    "outcomes": "What would have changed if this aim were met?",
    "actions": "What will we do to bring this outcome about?",
    "forms": "Which forms of child sexual abuse do we have least grip on here, and why?",
    "custom": "",
}
#: Where the result goes, in words.
TARGETS = {
    "vision": "the shared vision (Shared vision and governance)",
    "priorities": "the strategic priorities, most important first (Shared vision and governance)",
    "aims": "new strategic aims in the action plan",
    "outcomes": "new intended outcomes under the aim",
    "actions": "new actions under the intended outcome",
    "forms": "nowhere in the strategy by itself: the record (CSV or Word) is the result, for the Context chapter",
    "custom": "nowhere in the strategy by itself: the record (CSV or Word) is the result",
}
STAGES = ("ideas", "grouping", "voting", "result", "applied")
STAGE_LABELS = {
    "ideas": "1. Ideas",
    "grouping": "2. Grouping",
    "voting": "3. Voting",
    "result": "4. Result",
    "applied": "5. In the strategy",
}
TITLE_LIMIT = 200
PROMPT_LIMIT = 2_000
NOTE_LIMIT = 1_000
THEME_LIMIT = 300
AGREED_LIMIT = 5_000
#: How often each screen's board refreshes itself (views/workshop.py); the issue asks for "within three
#: seconds", and a refresh under load takes up to about a second (benchmarks/bench_workshop_live.py).
REFRESH_SECONDS = 1.5
#: The most notes one person can add to one workshop (a room of thirty stays readable).
NOTES_PER_PERSON = 50
MAX_VOTES = 20
#: Only these stages take new notes, and only these take votes.
NOTE_STAGES = ("ideas",)
GROUPING_STAGES = ("ideas", "grouping")
VOTE_STAGES = ("voting",)


# --- Who is who ---------------------------------------------------------------------------------


def participant_key(author: Author) -> str:
    """How a person is known in a workshop: their account, or (command line, demo) their name."""
    if author.user_id is not None:
        return f"account:{author.user_id}"
    return f"name:{name_key(author.name)}"[:200]


def _role(session: Session, author: Author, partnership_id: int) -> str:
    """facilitator | participant (the same rights: owners, editors, administrators) | watcher. Refuses
    someone who is not (or no longer) a member."""
    role = role_of(session, author, partnership_id)
    if role is None:
        require_role(session, author, partnership_id, "read")  # not (or no longer) a member: says so
    return "facilitator" if role in RIGHTS["edit"] else "watcher"


def require_contributor(
    session: Session, author: Author, partnership_id: int, *, watching: str = "watch the workshop but not add notes or vote"
) -> None:
    """Owners, editors and administrators take part; a scrutineer or viewer is told they can only watch;
    someone removed from the partnership (or disabled) is told so. Read from the database every call."""
    role = role_of(session, author, partnership_id)
    if role is None:
        require_role(session, author, partnership_id, "edit")  # someone removed or disabled: says so
    if role not in RIGHTS["edit"]:
        raise InvalidInput(
            f"Your role in this partnership ({role}) can {watching}. "
            "Ask an owner to make you an editor if you are taking part. Nothing was saved."
        )


def _workshop(session: Session, partnership_id: int, workshop_id: int, *, lock: bool = False) -> Workshop:
    q = select(Workshop).where(Workshop.id == workshop_id)
    if lock:
        q = q.with_for_update()
    row = session.exec(q.execution_options(populate_existing=True)).first()
    if row is None or row.partnership_id != partnership_id or row.deleted_at is not None:
        raise NotFound("That workshop no longer exists (someone may have removed it).")
    return row


def _theme(session: Session, partnership_id: int, theme_id: int) -> WorkshopTheme:
    row = session.exec(select(WorkshopTheme).where(WorkshopTheme.id == theme_id).execution_options(populate_existing=True)).first()
    if row is None or row.partnership_id != partnership_id or row.deleted_at is not None:
        raise NotFound("That theme no longer exists (the facilitator may have removed it).")
    return row


def _note(session: Session, partnership_id: int, note_id: int) -> WorkshopNote:
    row = session.exec(select(WorkshopNote).where(WorkshopNote.id == note_id).execution_options(populate_existing=True)).first()
    if row is None or row.partnership_id != partnership_id or row.deleted_at is not None:
        raise NotFound("That note no longer exists (it may have been removed).")
    return row


def insert_ignoring_duplicate(session: Session, model, values: dict) -> int:
    """INSERT ... ON CONFLICT DO NOTHING on either database; the number of rows inserted (0 or 1)."""
    dialect = session.get_bind().dialect.name
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(model).values(**values).on_conflict_do_nothing()
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT.
    return len(session.execute(stmt.returning(model.id)).all())


def _participant(session: Session, workshop: Workshop, author: Author) -> WorkshopParticipant:
    """This person's row in the workshop, made the first time they take part (safe when two of
    their tabs do it at once)."""
    key = participant_key(author)
    insert_ignoring_duplicate(
        session,
        WorkshopParticipant,
        {
            "partnership_id": workshop.partnership_id,
            "workshop_id": workshop.id,
            "participant": key,
            "name": author.name[:120],
            "agency": author.agency[:200],
            "notes_added": 0,
            "votes_used": 0,
            "joined_at": utcnow(),
        },
    )
    return session.exec(
        select(WorkshopParticipant)
        .where(WorkshopParticipant.workshop_id == workshop.id, WorkshopParticipant.participant == key)
        .execution_options(populate_existing=True)
    ).one()


def _check_stage(workshop: Workshop, allowed: tuple[str, ...], doing: str) -> None:
    if workshop.stage not in allowed:
        wanted = " or ".join(STAGE_LABELS[s].split(". ", 1)[1].lower() for s in allowed)
        now = STAGE_LABELS.get(workshop.stage, workshop.stage).split(". ", 1)[-1].lower()
        raise InvalidInput(f"The workshop has moved on to {now}, so {doing} is closed (it is open during {wanted}). Nothing was saved.")


_VISIBLE = re.compile(r"[^\s\u200b-\u200f\u2060\ufeff]")


def _text(value, what: str, limit: int, *, required: bool = True, one_line: bool = False) -> str:
    text = clean_text(value or "").strip()
    if one_line:
        text = " ".join(text.split())
    if required and not _VISIBLE.search(text):  # spaces or zero-width characters only
        raise InvalidInput(f"{what} is empty. Write something first; nothing was saved.")
    check_length(text, limit, what)
    return text


# --- Setting up -----------------------------------------------------------------------------------


def create_workshop(
    engine: Engine,
    partnership_id: int,
    *,
    title: str,
    kind: str,
    author: Author,
    prompt: str = "",
    aim_id: int | None = None,
    outcome_id: int | None = None,
    anonymous: bool = False,
    votes_per_person: int = 3,
    held_on=None,
    session: Session | None = None,
) -> Workshop:
    """A new workshop at the ideas stage. ``kind`` is one of KINDS; outcomes need ``aim_id``, actions
    ``outcome_id``; custom needs ``prompt``. ``held_on`` (a day, UK or ISO) defaults to today."""
    if kind not in KINDS:
        raise InvalidInput(f"{kind!r} is not a kind of workshop. Choose one of: {', '.join(KINDS)}.")
    title = normalise_name(_text(title, "The workshop's title", TITLE_LIMIT, one_line=True))
    prompt = _text(prompt, "The question for the room", PROMPT_LIMIT, required=kind == "custom") or PROMPTS[kind]
    if not isinstance(votes_per_person, int) or isinstance(votes_per_person, bool) or not 1 <= votes_per_person <= MAX_VOTES:
        raise InvalidInput(f"Each person can have between 1 and {MAX_VOTES} votes; {votes_per_person!r} is not that. Nothing was saved.")
    day = parse_date(held_on, what="The workshop's date") if held_on not in (None, "") else date.today().isoformat()
    with write_session(engine, session=session) as session:
        if session.get(Partnership, partnership_id) is None:
            raise NotFound("That partnership no longer exists, so the workshop could not be set up.")
        if kind == "outcomes":
            aim = session.get(PlanAim, aim_id) if aim_id else None
            if aim is None or aim.partnership_id != partnership_id or aim.deleted_at is not None:
                raise InvalidInput("Choose the strategic aim whose intended outcomes the workshop is about. Nothing was saved.")
        else:
            aim_id = None
        if kind == "actions":
            outcome = session.get(PlanOutcome, outcome_id) if outcome_id else None
            if outcome is None or outcome.partnership_id != partnership_id or outcome.deleted_at is not None:
                raise InvalidInput("Choose the intended outcome whose actions the workshop is about. Nothing was saved.")
        else:
            outcome_id = None
        number = (session.exec(select(func.max(Workshop.number)).where(Workshop.partnership_id == partnership_id)).one() or 0) + 1
        workshop = Workshop(
            partnership_id=partnership_id,
            number=number,
            title=title,
            kind=kind,
            prompt=prompt,
            aim_id=aim_id,
            outcome_id=outcome_id,
            anonymous=bool(anonymous),
            votes_per_person=votes_per_person,
            held_on=day or "",
            updated_by_name=author.name,
        )
        session.add(workshop)
        session.flush()
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id="workshop",
            item_id=workshop.id,
            action="create",
            new_value=as_json({"title": title, "kind": kind, "prompt": prompt}),
        )
        record(session, author, "workshop_created", partnership_id=partnership_id, detail=f"workshop {number}: {title}")
        return workshop


def list_workshops(engine: Engine, partnership_id: int, *, author: Author, session: Session | None = None) -> list[Workshop]:
    """The partnership's workshops, newest first."""
    with read_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "read")
        return list(
            session.exec(
                select(Workshop)
                .where(Workshop.partnership_id == partnership_id, col(Workshop.deleted_at).is_(None))
                .order_by(col(Workshop.number).desc())
            ).all()
        )


def find_workshop(engine: Engine, partnership_id: int, ref, *, author: Author, session: Session | None = None) -> Workshop:
    """A workshop by its number (3) or its title (case and spaces ignored)."""
    workshops = list_workshops(engine, partnership_id, author=author, session=session)
    text = str(ref).strip()
    if text.isdigit():
        found = [w for w in workshops if w.number == int(text)]
    else:
        found = [w for w in workshops if name_key(w.title) == name_key(text)]
    if not found:
        names = "; ".join(f"{w.number}: {w.title}" for w in workshops[:10]) or "none yet"
        raise NotFound(f"This partnership has no workshop {text!r}. Its workshops: {names}.")
    return found[0]


# --- Ideas ---------------------------------------------------------------------------------------


def add_note(
    engine: Engine, partnership_id: int, workshop_id: int, text, *, author: Author, session: Session | None = None
) -> WorkshopNote:
    """One idea from one person. Refused with a message (and nothing stored) when empty, longer than
    NOTE_LIMIT, past NOTES_PER_PERSON for this person, or when the ideas stage has closed."""
    text = _text(text, "The note", NOTE_LIMIT)
    with write_session(engine, session=session) as session:
        require_contributor(session, author, partnership_id)
        workshop = _workshop(session, partnership_id, workshop_id)
        _check_stage(workshop, NOTE_STAGES, "adding notes")
        me = _participant(session, workshop, author)
        counted = cast(
            CursorResult[Any],
            session.execute(
                update(WorkshopParticipant)
                .where(col(WorkshopParticipant.id) == me.id, col(WorkshopParticipant.notes_added) < NOTES_PER_PERSON)
                .values(notes_added=WorkshopParticipant.notes_added + 1)
                .execution_options(synchronize_session=False)
            ),
        ).rowcount
        if counted != 1:
            raise InvalidInput(
                f"You have added {NOTES_PER_PERSON} notes, the most one person can add to a workshop, so this one was not added. "
                "Put more in one note, or ask the facilitator to group what is there."
            )
        now = utcnow()
        note = WorkshopNote(
            partnership_id=partnership_id,
            workshop_id=stored_id(workshop),
            text=text,
            participant=participant_key(author),
            author_name="" if workshop.anonymous else author.name,
            author_agency="" if workshop.anonymous else author.agency,
            created_at=now,
            updated_at=now,
            updated_by_name="" if workshop.anonymous else author.name,
        )
        session.add(note)
        session.flush()
        return note


def remove_note(
    engine: Engine, partnership_id: int, note_id: int, *, expected_version: int, author: Author, session: Session | None = None
) -> None:
    """Take a note off the board (its writer, or a facilitator); kept, restorable from the record."""
    with write_session(engine, session=session) as session:
        require_contributor(session, author, partnership_id)
        note = _note(session, partnership_id, note_id)
        workshop = _workshop(session, partnership_id, note.workshop_id)
        _check_stage(workshop, GROUPING_STAGES, "changing notes")
        _versioned(session, WorkshopNote, note, {"deleted_at": utcnow()}, expected_version, author, "note")
        record_revision(session, author, partnership_id=partnership_id, prompt_id="workshop.note", item_id=note.id, action="delete")


# --- Grouping ------------------------------------------------------------------------------------


def _edit_field(
    session: Session, partnership_id: int, model, row, field: str, value, expected_version: int, author: Author, what: str, prompt_id: str
) -> None:
    """One field changed, version-checked (``_versioned``), and kept in the history as an edit."""
    old = getattr(row, field)
    _versioned(session, model, row, {field: value}, expected_version, author, what)
    record_revision(
        session,
        author,
        partnership_id=partnership_id,
        prompt_id=prompt_id,
        item_id=row.id,
        field=field,
        action="edit",
        old_value=old,
        new_value=value,
    )


def _versioned(session: Session, model, row, values: dict, expected_version: int, author: Author, what: str) -> None:
    """``UPDATE ... WHERE id = ? AND version = ?``; a lost race raises Conflict saying where the row is now."""
    result = cast(
        CursorResult[Any],
        session.execute(
            update(model)
            .where(col(model.id) == row.id, col(model.version) == expected_version)
            .values(**values, version=expected_version + 1, updated_at=utcnow(), updated_by_name=author.name)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount == 1:
        for k, v in values.items():
            setattr(row, k, v)
        row.version = expected_version + 1
        return
    current = session.exec(select(model).where(col(model.id) == row.id).execution_options(populate_existing=True)).one()
    where = ""
    if model is WorkshopNote:
        theme = session.get(WorkshopTheme, current.theme_id) if current.theme_id else None
        where = f" It is now in '{shorten(theme.title, 60)}'." if theme else " It is now among the notes not yet grouped."
        if current.deleted_at is not None:
            where = " It has been taken off the board."
    raise Conflict(
        f"{current.updated_by_name or 'Someone'} changed this {what} while you were working on it, so your change was not made."
        f"{where} Nothing was lost: look again, then make your change if it is still wanted.",
        mine=values,
        theirs={k: getattr(current, k) for k in values},
        theirs_version=current.version,
        theirs_by=current.updated_by_name,
        theirs_at=current.updated_at,
    )


def create_theme(
    engine: Engine,
    partnership_id: int,
    workshop_id: int,
    title,
    *,
    notes: dict[int, int] | None = None,
    author: Author,
    session: Session | None = None,
) -> WorkshopTheme:
    """A new theme named ``title``, with ``notes`` (note id -> the version the facilitator saw) moved
    into it. All or nothing: a note someone else moved meanwhile raises Conflict and no theme is made."""
    title = _text(title, "The theme's name", THEME_LIMIT, one_line=True)
    with write_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "edit")
        workshop = _workshop(session, partnership_id, workshop_id)
        _check_stage(workshop, GROUPING_STAGES, "grouping")
        existing = session.exec(
            select(WorkshopTheme).where(WorkshopTheme.workshop_id == workshop.id, col(WorkshopTheme.deleted_at).is_(None))
        ).all()
        if any(name_key(t.title) == name_key(title) for t in existing):
            raise InvalidInput(f"There is already a theme called '{title}'. Move the notes into it, or choose another name.")
        theme = WorkshopTheme(
            partnership_id=partnership_id,
            workshop_id=stored_id(workshop),
            title=title,
            position=max((t.position for t in existing), default=0) + 1,
            updated_by_name=author.name,
        )
        session.add(theme)
        session.flush()
        record_revision(
            session, author, partnership_id=partnership_id, prompt_id="workshop.theme", item_id=theme.id, action="create", new_value=title
        )
        for note_id, version in (notes or {}).items():
            _move(session, partnership_id, workshop, note_id, theme.id, version, author)
        return theme


def _move(
    session: Session, partnership_id: int, workshop: Workshop, note_id: int, theme_id: int | None, version: int, author: Author
) -> WorkshopNote:
    note = _note(session, partnership_id, note_id)
    if note.workshop_id != workshop.id:
        raise NotFound("That note belongs to another workshop.")
    if theme_id is not None and _theme(session, partnership_id, theme_id).workshop_id != workshop.id:
        raise NotFound("That theme belongs to another workshop.")
    old = note.theme_id
    _versioned(session, WorkshopNote, note, {"theme_id": theme_id}, version, author, "note")
    record_revision(
        session,
        author,
        partnership_id=partnership_id,
        prompt_id="workshop.note",
        item_id=note.id,
        field="theme_id",
        action="edit",
        old_value=as_json(old),
        new_value=as_json(theme_id),
    )
    return note


def move_note(
    engine: Engine,
    partnership_id: int,
    note_id: int,
    theme_id: int | None,
    *,
    expected_version: int,
    author: Author,
    session: Session | None = None,
) -> WorkshopNote:
    """Put a note in a theme (None: back among the notes not yet grouped), if nobody has moved it since
    ``expected_version``; otherwise Conflict saying where it is now."""
    with write_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "edit")
        note = _note(session, partnership_id, note_id)
        workshop = _workshop(session, partnership_id, note.workshop_id)
        _check_stage(workshop, GROUPING_STAGES, "grouping")
        return _move(session, partnership_id, workshop, note_id, theme_id, expected_version, author)


def rename_theme(
    engine: Engine, partnership_id: int, theme_id: int, title, *, expected_version: int, author: Author, session: Session | None = None
) -> WorkshopTheme:
    title = _text(title, "The theme's name", THEME_LIMIT, one_line=True)
    with write_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "edit")
        theme = _theme(session, partnership_id, theme_id)
        workshop = _workshop(session, partnership_id, theme.workshop_id)
        _check_stage(workshop, ("ideas", "grouping", "voting", "result"), "renaming themes")
        others = session.exec(
            select(WorkshopTheme).where(
                WorkshopTheme.workshop_id == workshop.id, col(WorkshopTheme.deleted_at).is_(None), WorkshopTheme.id != theme_id
            )
        ).all()
        if any(name_key(t.title) == name_key(title) for t in others):
            raise InvalidInput(f"There is already a theme called '{title}'. Choose another name, or move the notes into that one.")
        _edit_field(session, partnership_id, WorkshopTheme, theme, "title", title, expected_version, author, "theme", "workshop.theme")
        return theme


def remove_theme(
    engine: Engine, partnership_id: int, theme_id: int, *, expected_version: int, author: Author, session: Session | None = None
) -> int:
    """Take a theme off the board while grouping; its notes go back among those not grouped (none is
    lost). Refused once it has votes. Returns how many notes went back."""
    with write_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "edit")
        theme = _theme(session, partnership_id, theme_id)
        workshop = _workshop(session, partnership_id, theme.workshop_id)
        _check_stage(workshop, GROUPING_STAGES, "changing the themes")
        if session.exec(select(func.count()).select_from(WorkshopVote).where(WorkshopVote.theme_id == theme.id)).one():
            raise InvalidInput("People have voted for this theme, so it stays. Rename it, or move its notes instead.")
        _versioned(session, WorkshopTheme, theme, {"deleted_at": utcnow()}, expected_version, author, "theme")
        moved = cast(
            CursorResult[Any],
            session.execute(
                update(WorkshopNote)
                .where(col(WorkshopNote.theme_id) == theme.id)
                .values(theme_id=None, version=WorkshopNote.version + 1, updated_at=utcnow(), updated_by_name=author.name)
                .execution_options(synchronize_session=False)
            ),
        ).rowcount
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id="workshop.theme",
            item_id=theme.id,
            action="delete",
            old_value=theme.title,
        )
        return moved


def agree_wording(
    engine: Engine,
    partnership_id: int,
    theme_id: int,
    text,
    *,
    included: bool = True,
    expected_version: int,
    author: Author,
    session: Session | None = None,
) -> WorkshopTheme:
    """The wording the room agreed for a theme (empty: its name is used), and whether it goes into the
    strategy at all."""
    text = _text(text, "The agreed wording", AGREED_LIMIT, required=False)
    with write_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "edit")
        theme = _theme(session, partnership_id, theme_id)
        workshop = _workshop(session, partnership_id, theme.workshop_id)
        _check_stage(workshop, ("result",), "agreeing the wording")
        old = as_json({"agreed_text": theme.agreed_text, "included": theme.included})
        _versioned(session, WorkshopTheme, theme, {"agreed_text": text, "included": bool(included)}, expected_version, author, "theme")
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id="workshop.theme",
            item_id=theme.id,
            field="agreed_text",
            action="edit",
            old_value=old,
            new_value=as_json({"agreed_text": text, "included": bool(included)}),
        )
        return theme


def agree_vision(
    engine: Engine, partnership_id: int, workshop_id: int, text, *, expected_version: int, author: Author, session: Session | None = None
) -> Workshop:
    """The whole wording the room agreed (a vision workshop agrees one statement from its themes)."""
    text = _text(text, "The agreed wording", AGREED_LIMIT)
    with write_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "edit")
        workshop = _workshop(session, partnership_id, workshop_id)
        _check_stage(workshop, ("result",), "agreeing the wording")
        _edit_field(session, partnership_id, Workshop, workshop, "agreed_text", text, expected_version, author, "workshop", "workshop")
        return workshop


def set_stage(
    engine: Engine,
    partnership_id: int,
    workshop_id: int,
    stage: str,
    *,
    expected_version: int,
    author: Author,
    session: Session | None = None,
) -> Workshop:
    """Move the workshop on (or back) a stage. Reaching the result reveals the votes. 'applied' is
    reached only through ``apply_result``."""
    if stage not in STAGES[:-1]:
        raise InvalidInput(f"{stage!r} is not a stage a facilitator can choose. Choose one of: {', '.join(STAGES[:-1])}.")
    with write_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "edit")
        workshop = _workshop(session, partnership_id, workshop_id)
        if workshop.stage == "applied":
            raise InvalidInput("This workshop's result is already in the strategy, so it cannot change stage. Set up a new workshop.")
        values: dict[str, Any] = {"stage": stage}
        if stage == "result":
            values["revealed"] = True
        old = workshop.stage
        _versioned(session, Workshop, workshop, values, expected_version, author, "workshop")
        record_revision(
            session, author, partnership_id=partnership_id, prompt_id="workshop", item_id=workshop.id, field="stage", action="edit",
            old_value=old, new_value=stage,
        )  # fmt: skip
        record(session, author, "workshop_stage", partnership_id=partnership_id, detail=f"workshop {workshop.number}: {old} -> {stage}")
        return workshop


def reveal_votes(engine: Engine, partnership_id: int, workshop_id: int, *, author: Author, session: Session | None = None) -> Workshop:
    """Show everyone how the votes fell (until now each person saw only their own)."""
    with write_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "edit")
        workshop = _workshop(session, partnership_id, workshop_id, lock=True)
        if not workshop.revealed:
            _versioned(session, Workshop, workshop, {"revealed": True}, workshop.version, author, "workshop")
            record(session, author, "workshop_stage", partnership_id=partnership_id, detail=f"workshop {workshop.number}: votes revealed")
        return workshop


# --- Voting --------------------------------------------------------------------------------------


def cast_vote(engine: Engine, partnership_id: int, theme_id: int, *, author: Author, session: Session | None = None) -> int:
    """Put one of this person's votes on a theme; returns the votes they have left. One vote per
    theme per person; refused past the allowance or outside the voting stage."""
    with write_session(engine, session=session) as session:
        require_contributor(session, author, partnership_id)
        theme = _theme(session, partnership_id, theme_id)
        workshop = _workshop(session, partnership_id, theme.workshop_id)
        if workshop.stage in ("ideas", "grouping"):
            raise InvalidInput("Voting has not opened yet; the facilitator opens it once the notes are grouped. Nothing was saved.")
        _check_stage(workshop, VOTE_STAGES, "voting")
        me = _participant(session, workshop, author)
        counted = cast(
            CursorResult[Any],
            session.execute(
                update(WorkshopParticipant)
                .where(col(WorkshopParticipant.id) == me.id, col(WorkshopParticipant.votes_used) < workshop.votes_per_person)
                .values(votes_used=WorkshopParticipant.votes_used + 1)
                .execution_options(synchronize_session=False)
            ),
        ).rowcount
        if counted != 1:
            raise InvalidInput(
                f"You have used all {workshop.votes_per_person} of your votes. Take one back from another theme to put it here. "
                "Nothing was changed."
            )
        inserted = insert_ignoring_duplicate(
            session,
            WorkshopVote,
            {
                "partnership_id": partnership_id,
                "workshop_id": workshop.id,
                "theme_id": theme.id,
                "participant": participant_key(author),
                "created_at": utcnow(),
            },
        )
        if inserted != 1:
            raise InvalidInput("You have already put a vote on this theme (one vote per theme each). Nothing was changed.")
        return workshop.votes_per_person - (me.votes_used + 1)


def withdraw_vote(engine: Engine, partnership_id: int, theme_id: int, *, author: Author, session: Session | None = None) -> int:
    """Take this person's vote back from a theme; returns the votes they have left."""
    with write_session(engine, session=session) as session:
        require_contributor(session, author, partnership_id)
        theme = _theme(session, partnership_id, theme_id)
        workshop = _workshop(session, partnership_id, theme.workshop_id)
        _check_stage(workshop, VOTE_STAGES, "voting")
        me = _participant(session, workshop, author)
        gone = cast(
            CursorResult[Any],
            session.execute(
                delete(WorkshopVote)
                .where(col(WorkshopVote.theme_id) == theme.id, col(WorkshopVote.participant) == participant_key(author))
                .execution_options(synchronize_session=False)
            ),
        ).rowcount
        if gone != 1:
            raise InvalidInput("You have no vote on this theme to take back. Nothing was changed.")
        session.execute(
            update(WorkshopParticipant)
            .where(col(WorkshopParticipant.id) == me.id)
            .values(votes_used=WorkshopParticipant.votes_used - 1)
            .execution_options(synchronize_session=False)
        )
        return workshop.votes_per_person - (me.votes_used - 1)


# --- What each person sees (the refresh) ----------------------------------------------------------


@dataclass(frozen=True)
class NoteView:
    id: int
    text: str
    #: "" when the workshop is anonymous.
    by: str
    theme_id: int | None
    version: int
    mine: bool


@dataclass(frozen=True)
class ThemeView:
    id: int
    title: str
    agreed_text: str
    included: bool
    version: int
    position: int
    notes: list[NoteView]
    #: None while the votes are secret.
    votes: int | None
    my_vote: bool

    @property
    def wording(self) -> str:
        return self.agreed_text or self.title


@dataclass(frozen=True)
class WorkshopView:
    workshop: Workshop
    #: facilitator (owners, editors, administrators: they run it and take part) | watcher
    role: str
    themes: list[ThemeView]
    loose: list[NoteView]
    participants: int
    notes: int
    votes_cast: int
    my_notes: int
    my_votes_used: int
    target: str = field(default="")

    @property
    def can_take_part(self) -> bool:
        return self.role == "facilitator"

    @property
    def votes_left(self) -> int:
        return max(0, self.workshop.votes_per_person - self.my_votes_used)

    @property
    def revealed(self) -> bool:
        return self.workshop.revealed

    def ranked(self) -> list[ThemeView]:
        """Themes by votes (most first), then in the facilitator's order; as placed while votes are secret."""
        if not self.revealed:
            return list(self.themes)
        return sorted(self.themes, key=lambda t: (-(t.votes or 0), t.position, t.id))


def workshop_view(engine: Engine, partnership_id: int, workshop_id: int, *, author: Author, session: Session | None = None) -> WorkshopView:
    """Everything one person's screen shows, read in one transaction; the membership is checked on
    every call, so someone removed from the partnership is refused at their next refresh."""
    me = participant_key(author)
    with read_session(engine, session=session) as session:
        role = _role(session, author, partnership_id)
        workshop = _workshop(session, partnership_id, workshop_id)
        themes = session.exec(
            select(WorkshopTheme)
            .where(WorkshopTheme.workshop_id == workshop.id, col(WorkshopTheme.deleted_at).is_(None))
            .order_by(col(WorkshopTheme.position), col(WorkshopTheme.id))
        ).all()
        notes = session.exec(
            select(WorkshopNote)
            .where(WorkshopNote.workshop_id == workshop.id, col(WorkshopNote.deleted_at).is_(None))
            .order_by(col(WorkshopNote.id))
        ).all()
        votes = session.exec(select(WorkshopVote.theme_id, WorkshopVote.participant).where(WorkshopVote.workshop_id == workshop.id)).all()
        people = session.exec(select(WorkshopParticipant).where(WorkshopParticipant.workshop_id == workshop.id)).all()
    counts: dict[int, int] = {}
    for theme_id, _who in votes:
        counts[theme_id] = counts.get(theme_id, 0) + 1
    mine = {theme_id for theme_id, who in votes if who == me}
    views = [
        NoteView(stored_id(n), n.text, "" if workshop.anonymous else _by(n), n.theme_id, n.version, n.participant == me) for n in notes
    ]
    theme_views = [
        ThemeView(
            stored_id(t),
            t.title,
            t.agreed_text,
            t.included,
            t.version,
            t.position,
            [n for n in views if n.theme_id == t.id],
            counts.get(stored_id(t), 0) if workshop.revealed else None,
            t.id in mine,
        )
        for t in themes
    ]
    grouped = {t.id for t in theme_views}
    own = next((p for p in people if p.participant == me), None)
    return WorkshopView(
        workshop=workshop,
        role=role,
        themes=theme_views,
        loose=[n for n in views if n.theme_id not in grouped],
        participants=len(people),
        notes=len(views),
        votes_cast=sum(counts.values()),
        my_notes=sum(1 for n in views if n.mine),
        my_votes_used=own.votes_used if own else 0,
        target=TARGETS.get(workshop.kind, TARGETS["custom"]),
    )


def _by(note: WorkshopNote) -> str:
    return note.author_name + (f" ({note.author_agency})" if note.author_agency else "")


# --- Into the strategy ---------------------------------------------------------------------------


def history_note(workshop: Workshop, participants: int) -> str:
    day = uk_date(date.fromisoformat(workshop.held_on)) if workshop.held_on else uk_date(workshop.created_at)
    return f"agreed at the workshop on {day} ({participants} participant{'s' if participants != 1 else ''})"


def target_stamp(engine: Engine, partnership_id: int, workshop: Workshop, *, session: Session | None = None) -> str:
    """What the place the result goes holds now, as a stamp the facilitator's screen keeps: the
    vision's version, the priorities' rows and versions. ``apply_result`` refuses if it has changed."""
    if workshop.kind == "vision":
        answer = get_answer(engine, partnership_id, "vision.statement", session=session)
        return f"vision:{answer.version if answer else 0}"
    if workshop.kind == "priorities":
        rows = list_rows(engine, partnership_id, "vision.priorities", session=session)
        return "priorities:" + ",".join(f"{r.id}.{r.version}" for r in rows)
    return ""


def agreed_items(view: WorkshopView) -> list[ThemeView]:
    """The themes going into the strategy, most votes first."""
    return [t for t in view.ranked() if t.included]


def apply_result(
    engine: Engine,
    partnership_id: int,
    workshop_id: int,
    *,
    expected_version: int,
    expected_target: str,
    author: Author,
    session: Session | None = None,
) -> str:
    """Write the agreed result where it belongs, in one transaction, through the ordinary operations;
    every revision carries the history note. Returns what was written, in words. Refused with a
    message (and nothing written) when the workshop changed since ``expected_version``, or the vision
    or priorities changed since ``expected_target`` (from ``target_stamp``)."""
    with write_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "edit")
        current = _workshop(session, partnership_id, workshop_id, lock=True)
        if current.stage == "applied":
            raise InvalidInput(
                f"This workshop's result went into the strategy already ({current.applied_summary}). Nothing was written again."
            )
        if current.version != expected_version:
            raise InvalidInput(
                f"{current.updated_by_name or 'Someone'} changed the workshop since you looked (its stage or wording). "
                "Look at the result again, then put it into the strategy."
            )
        if current.stage != "result":
            raise InvalidInput("Move the workshop to its result, and agree the wording, before putting it into the strategy.")
        view = workshop_view(engine, partnership_id, workshop_id, author=author, session=session)
        workshop = view.workshop
        items = agreed_items(view)
        if workshop.kind == "vision" and not (workshop.agreed_text or items):
            raise InvalidInput("Agree the wording of the vision first; nothing was written.")
        if workshop.kind not in ("vision", "forms", "custom") and not items:
            raise InvalidInput("No theme is marked to go into the strategy. Tick at least one; nothing was written.")
        note = history_note(workshop, view.participants)
        if target_stamp(engine, partnership_id, workshop, session=session) != expected_target:
            raise InvalidInput(
                f"Someone changed {TARGETS[workshop.kind].split(' (')[0]} since you looked. Look at what is there now, "
                "then put the workshop's result in again; nothing was written and nothing was lost."
            )
        with revision_note(note):
            summary = _write(engine, partnership_id, workshop, view, items, author, session, expected_target)
            _versioned(
                session,
                Workshop,
                current,
                {"stage": "applied", "applied_at": utcnow(), "applied_summary": summary},
                expected_version,
                author,
                "workshop",
            )
            record_revision(
                session, author, partnership_id=partnership_id, prompt_id="workshop", item_id=current.id, field="stage", action="edit",
                old_value="result", new_value="applied",
            )  # fmt: skip
        record(
            session,
            author,
            "workshop_applied",
            partnership_id=partnership_id,
            detail=f"workshop {workshop.number}: {summary}; {note}",
        )
        return summary


def _write(
    engine: Engine,
    partnership_id: int,
    workshop: Workshop,
    view: WorkshopView,
    items: list[ThemeView],
    author: Author,
    session: Session,
    stamp: str,
) -> str:
    kind = workshop.kind
    if kind == "vision":
        text = workshop.agreed_text or "\n\n".join(t.wording for t in items)
        version = int(stamp.split(":", 1)[1] or 0)
        save_answer(engine, partnership_id, "vision.statement", text, expected_version=version, author=author, session=session)
        return "the shared vision"
    if kind == "priorities":
        # A priority the list has already keeps its "why it matters here"; a new one says where it came from.
        why = {
            name_key(r.values.get("priority", "")): r.values.get("why", "")
            for r in list_rows(engine, partnership_id, "vision.priorities", session=session)
        }
        rows = [
            {
                "priority": " ".join(t.wording.split()),
                "why": why.get(name_key(t.wording))
                or f"Agreed at workshop {workshop.number}, '{workshop.title}'"
                + (f" ({t.votes} vote{'s' if t.votes != 1 else ''})" if t.votes is not None else ""),
            }
            for t in items
        ]
        add_rows(engine, partnership_id, "vision.priorities", rows, author=author, replace=True, session=session)
        return f"{len(rows)} strategic priorit{'ies' if len(rows) != 1 else 'y'}, most important first"
    if kind == "aims":
        for t in items:
            add_aim(engine, partnership_id, title=t.wording, author=author, session=session)
        return f"{len(items)} new strategic aim{'s' if len(items) != 1 else ''}"
    if kind == "outcomes":
        if workshop.aim_id is None:
            raise InvalidInput("The aim this workshop was about has been removed, so there is nowhere to put its outcomes.")
        for t in items:
            add_outcome(engine, partnership_id, aim_id=workshop.aim_id, title=t.wording, author=author, session=session)
        return f"{len(items)} new intended outcome{'s' if len(items) != 1 else ''}"
    if kind == "actions":
        if workshop.outcome_id is None:
            raise InvalidInput("The intended outcome this workshop was about has been removed, so there is nowhere to put its actions.")
        for t in items:
            create_action(
                engine,
                partnership_id,
                outcome_id=workshop.outcome_id,
                title=t.wording,
                author=author,
                origin=f"workshop {workshop.number}",
                session=session,
            )
        return f"{len(items)} new action{'s' if len(items) != 1 else ''}"
    return "recorded only (the workshop's record is its result)"
