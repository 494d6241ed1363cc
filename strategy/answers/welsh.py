"""Welsh versions of what a partnership in Wales writes (issue 20): each free-text answer and each plan
title can have a Welsh version beside the English, saved and version-checked the same way.

A Welsh answer is saved through the answers' own version-checked save (``save_text`` in
``strategy.answers.operations``, the one behind ``save_answer``), with the same cleaning, the same limits,
the same conflict copy in the history and the same ``Conflict``; its revisions carry ``field`` "cy".
A Welsh title is saved with ``strategy.core.revisions.update_checked``, as the workbook's record tables are.

Each Welsh text keeps the English it was written against (``english_text``): when the English has changed
since, the Welsh is "possibly out of date". Only partnerships in Wales have Welsh versions (the Welsh
Language Standards apply there); a save for one in England is refused."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from sqlmodel import col as sql_column

from strategy.answers.operations import (
    Saved,
    answer_history,
    answer_revision,
    normalise_value,
    save_text,
)
from strategy.core.authors import Author
from strategy.core.dates import to_uk, uk_long_date
from strategy.core.db import read_session, write_session
from strategy.core.errors import Conflict, InvalidInput, NotFound
from strategy.core.interface import ui_text
from strategy.core.models import (
    Answer,
    AnswerWelsh,
    Item,
    Partnership,
    PlanAction,
    PlanAim,
    PlanOutcome,
    Revision,
    TitleWelsh,
    stored_id,
    utcnow,
)
from strategy.core.revisions import record_revision, update_checked
from strategy.core.text import check_length, clean_text, removed_characters
from strategy.guide.content import Prompt, content

#: The ``field`` of a Welsh answer's revisions (the English answer's have none).
WELSH = "cy"
#: The nations whose partnerships write in Welsh as well as English.
WELSH_NATIONS = frozenset({"wales"})
#: The prompts whose answers have a Welsh version: the ones a person writes in words.
FREE_TEXT_TYPES = ("text", "longtext")
#: The strategic priorities (a table of the shared vision chapter) and the column holding each title.
PRIORITIES = "vision.priorities"
PRIORITY_COLUMN = "priority"
#: The kinds of plan title with a Welsh version, in the order the strategy presents them.
TITLE_KINDS = ("priority", "aim", "outcome", "action")
KIND_WORDS = {"priority": "strategic priority", "aim": "strategic aim", "outcome": "intended outcome", "action": "action"}
#: The longest Welsh title of each kind: the English title's own limit (strategy.plan.operations AIM_LIMIT,
#: TEXT_LIMIT; the priorities' column limit), so whatever fits in English fits in Welsh.
TITLE_LIMITS = {"aim": 300, "outcome": 5_000, "action": 5_000}
#: Revisions of Welsh titles: prompt_id "welsh.title", item_id the TitleWelsh row.
TITLE_REVISIONS = "welsh.title"
#: Where each kind of title is written (chapter or page id, as strategy.ui.pages names them).
TITLE_PAGES = {"priority": "shared_vision", "aim": "theory_of_change", "outcome": "theory_of_change", "action": "action_plan"}

_TARGET_COLUMN = {"priority": "item_id", "aim": "aim_id", "outcome": "outcome_id", "action": "action_id"}


def welsh_applies(nation: str) -> bool:
    """Whether a partnership in ``nation`` writes a Welsh version of its text."""
    return nation in WELSH_NATIONS


def out_of_date_words(english_changed_at: datetime | None) -> str:
    """ "Possibly out of date: the English changed on 12 March 2027." """
    if english_changed_at is None:
        return "Possibly out of date: the English changed after the Welsh was last saved."
    return f"Possibly out of date: the English changed on {uk_long_date(to_uk(english_changed_at).date())}."


# --- Answers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WelshAnswer:
    """The Welsh version of one answer. ``value`` may be "" (written, then cleared): treat that as missing."""

    value: str
    version: int
    saved_at: datetime
    saved_by: str
    #: True when the English answer has changed since the Welsh was last saved.
    out_of_date: bool
    saved_by_agency: str = ""
    saved_by_user_id: int | None = None
    #: When the English was last saved (set when ``out_of_date``): "the English changed on ...".
    english_changed_at: datetime | None = None


def _require_wales(session: Session, partnership_id: int) -> Partnership:
    partnership = session.get(Partnership, partnership_id)
    if partnership is None:
        raise NotFound("That partnership no longer exists, so this could not be saved.")
    if not welsh_applies(partnership.nation):
        raise InvalidInput(
            f"{partnership.name} is a partnership in England, so its answers have no Welsh version. "
            "Welsh versions are for partnerships in Wales: change the partnership's nation if it is in Wales. Nothing was saved."
        )
    return partnership


def free_text_prompt(prompt_id: str) -> Prompt:
    """The prompt, if its answer can have a Welsh version; InvalidInput (or NotFound) saying why not."""
    prompt = content().prompts.get(prompt_id)
    if prompt is None:
        raise NotFound(f"The workbook has no question {prompt_id!r}.")
    if prompt.type not in FREE_TEXT_TYPES:
        raise InvalidInput(
            f"'{prompt.label}' is not answered in words, so it has no Welsh version: only written answers have one. Nothing was saved."
        )
    return prompt


def save_welsh_answer(
    engine: Engine,
    partnership_id: int,
    prompt_id: str,
    value,
    *,
    expected_version: int,
    author: Author,
    action: str = "edit",
    session: Session | None = None,
) -> Saved:
    """Store the Welsh version of an answer if nobody has saved it since ``expected_version`` (0: never
    saved), with the English as it stands now (so a later change to the English shows the Welsh as
    possibly out of date). Saving the same Welsh again after the English changed records that it still
    matches (``action`` "confirm"). Raises ``Conflict`` as ``save_answer`` does, after keeping this text
    in the history; InvalidInput for a prompt not answered in words, or a partnership not in Wales."""
    prompt = free_text_prompt(prompt_id)
    stored = normalise_value(prompt, value)
    removed = removed_characters(str(value or ""), stored)

    def english_now(session: Session) -> dict[str, str]:
        _require_wales(session, partnership_id)
        english = session.exec(select(Answer).where(Answer.partnership_id == partnership_id, Answer.prompt_id == prompt_id)).first()
        return {"english_text": english.value if english else ""}

    return save_text(
        engine,
        AnswerWelsh,
        partnership_id,
        prompt_id,
        stored,
        removed,
        expected_version=expected_version,
        author=author,
        action=action,
        field=WELSH,
        extra=english_now,
        what="the Welsh of this answer",
        session=session,
    )


def welsh_answers(engine: Engine, partnership_id: int, *, session: Session | None = None) -> dict[str, WelshAnswer]:
    """Every Welsh answer of the partnership by prompt id, each saying whether it is possibly out of date."""
    with read_session(engine, session=session) as session:
        rows = session.exec(select(AnswerWelsh).where(AnswerWelsh.partnership_id == partnership_id)).all()
        english = {a.prompt_id: a for a in session.exec(select(Answer).where(Answer.partnership_id == partnership_id)).all()}
    out = {}
    for row in rows:
        now = english.get(row.prompt_id)
        stale = bool(row.value) and (now.value if now else "") != row.english_text
        out[row.prompt_id] = WelshAnswer(
            value=row.value,
            version=row.version,
            saved_at=row.updated_at,
            saved_by=row.updated_by_name,
            out_of_date=stale,
            saved_by_agency=row.updated_by_agency,
            saved_by_user_id=row.updated_by_user_id,
            english_changed_at=now.updated_at if stale and now else None,
        )
    return out


def welsh_answer_history(engine: Engine, partnership_id: int, prompt_id: str, *, session: Session | None = None) -> list[Revision]:
    """Every saved change to the Welsh version of an answer, newest first, including conflict copies."""
    return answer_history(engine, partnership_id, prompt_id, field=WELSH, session=session)


def restore_welsh_answer(engine: Engine, partnership_id: int, revision_id: int, *, author: Author, session: Session | None = None) -> Saved:
    """Make an earlier Welsh text the current Welsh version again; recorded as a revert."""
    rev = answer_revision(engine, partnership_id, revision_id, field=WELSH, session=session)
    current = welsh_answers(engine, partnership_id, session=session).get(rev.prompt_id)
    return save_welsh_answer(
        engine,
        partnership_id,
        rev.prompt_id,
        rev.new_value or "",
        expected_version=current.version if current else 0,
        author=author,
        action="revert",
        session=session,
    )


# --- Plan titles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WelshTitle:
    """The Welsh title of one priority, aim, outcome or action, beside its English."""

    kind: str
    id: int
    title: str
    version: int
    saved_at: datetime
    saved_by: str
    out_of_date: bool
    english: str
    english_changed_at: datetime | None = None


@dataclass(frozen=True)
class PlanTitle:
    """One live title of the plan (or a priority), in English, with its code (P1, A1, A1.O2, A1.O2.3)."""

    kind: str
    id: int
    code: str
    english: str
    changed_at: datetime


def plan_titles(engine: Engine, partnership_id: int, *, session: Session | None = None) -> list[PlanTitle]:
    """Every live priority, aim, outcome and action with its English title, in the strategy's order.
    Codes follow the plan's (strategy.plan.operations ``load_plan``): A1, A1.O2, A1.O2.3; priorities P1, P2."""
    with read_session(engine, session=session) as session:
        items = session.exec(
            select(Item)
            .where(Item.partnership_id == partnership_id, Item.prompt_id == PRIORITIES, sql_column(Item.deleted_at).is_(None))
            .order_by(sql_column(Item.position), sql_column(Item.id))
        ).all()
        aims = session.exec(
            select(PlanAim)
            .where(PlanAim.partnership_id == partnership_id, sql_column(PlanAim.deleted_at).is_(None))
            .order_by(sql_column(PlanAim.position), sql_column(PlanAim.id))
        ).all()
        outcomes = session.exec(
            select(PlanOutcome)
            .where(PlanOutcome.partnership_id == partnership_id, sql_column(PlanOutcome.deleted_at).is_(None))
            .order_by(sql_column(PlanOutcome.position), sql_column(PlanOutcome.id))
        ).all()
        actions = session.exec(
            select(PlanAction)
            .where(PlanAction.partnership_id == partnership_id, sql_column(PlanAction.deleted_at).is_(None))
            .order_by(sql_column(PlanAction.position), sql_column(PlanAction.id))
        ).all()
    out: list[PlanTitle] = []
    n = 0
    for item in items:
        text = str(json.loads(item.values_json or "{}").get(PRIORITY_COLUMN) or "")
        if text.strip():
            n += 1
            out.append(PlanTitle("priority", stored_id(item), f"P{n}", text, item.updated_at))
    for aim in aims:
        code = f"A{aim.seq}"
        out.append(PlanTitle("aim", stored_id(aim), code, aim.title, aim.updated_at))
        for o in (o for o in outcomes if o.aim_id == aim.id):
            ocode = f"{code}.O{o.seq}"
            out.append(PlanTitle("outcome", stored_id(o), ocode, o.title, o.updated_at))
            out += [PlanTitle("action", stored_id(x), f"{ocode}.{x.seq}", x.title, x.updated_at) for x in actions if x.outcome_id == o.id]
    return out


def _english_title(session: Session, partnership_id: int, kind: str, target_id: int) -> str:
    """The live English title, or NotFound (removed, or another partnership's)."""
    gone = NotFound(f"That {KIND_WORDS[kind]} no longer exists (someone may have removed it), so its Welsh title was not saved.")
    if kind == "priority":
        item = session.get(Item, target_id)
        if item is None or item.partnership_id != partnership_id or item.prompt_id != PRIORITIES or item.deleted_at is not None:
            raise gone
        return str(json.loads(item.values_json or "{}").get(PRIORITY_COLUMN) or "")
    row: PlanAim | PlanOutcome | PlanAction | None = (
        session.get(PlanAim, target_id)
        if kind == "aim"
        else session.get(PlanOutcome, target_id)
        if kind == "outcome"
        else session.get(PlanAction, target_id)
    )
    if row is None or row.partnership_id != partnership_id or row.deleted_at is not None:
        raise gone
    return row.title


def _title_limit(kind: str) -> int:
    if kind == "priority":
        column = next(c for c in content().prompts[PRIORITIES].columns if c.id == PRIORITY_COLUMN)
        return column.limit
    return TITLE_LIMITS[kind]


def _title_row(session: Session, kind: str, target_id: int, *, fresh: bool = False) -> TitleWelsh | None:
    query = select(TitleWelsh).where(TitleWelsh.kind == kind, getattr(TitleWelsh, _TARGET_COLUMN[kind]) == target_id)
    if fresh:
        query = query.execution_options(populate_existing=True)
    return session.exec(query).first()


def save_welsh_title(
    engine: Engine,
    partnership_id: int,
    kind: str,
    target_id: int,
    value,
    *,
    expected_version: int,
    author: Author,
    session: Session | None = None,
) -> Saved:
    """Store the Welsh title of a priority, aim, outcome or action (``kind``, ``target_id``) if nobody has
    saved it since ``expected_version`` (0: never saved), with the English title as it stands now.
    Raises ``Conflict`` (this text kept in the history first) when someone has; InvalidInput for a
    partnership not in Wales or a title too long; NotFound for one removed."""
    if kind not in TITLE_KINDS:
        raise InvalidInput(f"{kind!r} is not a kind of plan title; the kinds are {', '.join(TITLE_KINDS)}.")
    raw = clean_text("" if value is None else str(value))
    text = raw.strip()
    removed = removed_characters(str(value or ""), raw)
    check_length(text, _title_limit(kind), f"The Welsh {KIND_WORDS[kind]}")
    now = utcnow()
    conflict: Conflict | None = None
    caller_session = session
    try:
        with write_session(engine, session=caller_session) as session:
            _require_wales(session, partnership_id)
            english = _english_title(session, partnership_id, kind, target_id)
            row = _title_row(session, kind, target_id)
            if row is None and expected_version == 0:
                if not text:
                    return Saved("", 0, now, author.name, removed)
                row = TitleWelsh(
                    partnership_id=partnership_id,
                    kind=kind,
                    title=text,
                    english_text=english,
                    updated_at=now,
                    updated_by_name=author.name,
                    **{_TARGET_COLUMN[kind]: target_id},
                )
                session.add(row)
                session.flush()
                record_revision(
                    session,
                    author,
                    partnership_id=partnership_id,
                    prompt_id=TITLE_REVISIONS,
                    item_id=row.id,
                    field=kind,
                    action="create",
                    new_value=text,
                    created_at=now,
                )
                return Saved(text, 1, now, author.name, removed)
            if row is None:
                raise NotFound(f"The Welsh title of that {KIND_WORDS[kind]} is no longer stored, so it was not saved. Type it again.")
            found = update_checked(
                session,
                TitleWelsh,
                row,
                {"title": text, "english_text": english},
                expected_version=expected_version,
                author=author,
                prompt_id=TITLE_REVISIONS,
                what=f"Welsh {KIND_WORDS[kind]}",
            )
            if found is None:
                session.add(row)
                return Saved(row.title, row.version, row.updated_at, row.updated_by_name, removed)
            theirs = _title_row(session, kind, target_id, fresh=True)
            conflict = Conflict(
                found.message,
                mine=text,
                theirs=theirs.title if theirs else "",
                theirs_version=found.theirs_version,
                theirs_by=found.theirs_by,
                theirs_at=found.theirs_at,
            )
    except IntegrityError:
        if caller_session is not None:
            raise
        # Two first saves at once: the other won. Keep this text in the history, then say so.
        with read_session(engine) as session:
            theirs = _title_row(session, kind, target_id)
        with write_session(engine) as session:
            record_revision(
                session,
                author,
                partnership_id=partnership_id,
                prompt_id=TITLE_REVISIONS,
                item_id=theirs.id if theirs else None,
                field=kind,
                action="conflict_copy",
                old_value=theirs.title if theirs else "",
                new_value=text,
                created_at=now,
            )
        conflict = Conflict(
            f"{theirs.updated_by_name if theirs else 'Someone'} saved this Welsh {KIND_WORDS[kind]} while you were working on it. "
            "Both are kept: check theirs, then save yours again if it should replace it.",
            mine=text,
            theirs=theirs.title if theirs else "",
            theirs_version=theirs.version if theirs else 0,
            theirs_by=theirs.updated_by_name if theirs else "",
            theirs_at=theirs.updated_at if theirs else None,
        )
    raise conflict


def welsh_title_rows(engine: Engine, partnership_id: int, *, session: Session | None = None) -> dict[tuple[str, int], WelshTitle]:
    """The Welsh title of every live priority, aim, outcome and action that has one stored (even ""),
    with its version and whether the English has changed since, by (kind, id)."""
    with read_session(engine, session=session) as session:
        live = {(t.kind, t.id): t for t in plan_titles(engine, partnership_id, session=session)}
        rows = session.exec(select(TitleWelsh).where(TitleWelsh.partnership_id == partnership_id)).all()
    out = {}
    for row in rows:
        target = getattr(row, _TARGET_COLUMN.get(row.kind, "item_id"))
        english = live.get((row.kind, target))
        if english is None:
            continue  # its priority, aim, outcome or action is removed
        stale = bool(row.title) and english.english != row.english_text
        out[(row.kind, target)] = WelshTitle(
            kind=row.kind,
            id=target,
            title=row.title,
            version=row.version,
            saved_at=row.updated_at,
            saved_by=row.updated_by_name,
            out_of_date=stale,
            english=english.english,
            english_changed_at=english.changed_at if stale else None,
        )
    return out


def welsh_titles(engine: Engine, partnership_id: int, *, session: Session | None = None) -> dict[tuple[str, int], str]:
    """The Welsh title of each live priority, aim, outcome and action that has one, by (kind, id);
    kind is "priority" (id: the priority's row), "aim", "outcome" or "action" (id: the plan row)."""
    return {key: t.title for key, t in welsh_title_rows(engine, partnership_id, session=session).items() if t.title}


# --- How much has a Welsh version ---------------------------------------------------------------

DONE, MISSING, OUT_OF_DATE = "done", "missing", "out_of_date"


@dataclass(frozen=True)
class WelshGap:
    """One answer or title that should have a Welsh version, and whether it has one: ``state`` is "done",
    "missing" or "out_of_date" (the English changed after the Welsh was last saved)."""

    kind: str  # "answer" or a title kind (priority, aim, outcome, action)
    key: str  # the prompt id, or the title's code (P1, A1.O2)
    label: str  # the question, or the English title
    page: str  # the chapter or page where it is written (strategy.ui.pages ids)
    state: str
    #: When the English last changed (for one out of date).
    english_changed_at: datetime | None = None
    target_id: int | None = None


@dataclass(frozen=True)
class WelshCoverage:
    """How much of what the partnership has written in English has a Welsh version."""

    entries: list[WelshGap] = field(default_factory=list)

    def _count(self, answers: bool, state: str | None = None) -> int:
        return sum((e.kind == "answer") == answers and (state is None or e.state == state) for e in self.entries)

    @property
    def answers_total(self) -> int:
        return self._count(True)

    @property
    def answers_welsh(self) -> int:
        """Answers with a Welsh version (up to date or not)."""
        return self.answers_total - self._count(True, MISSING)

    @property
    def titles_total(self) -> int:
        return self._count(False)

    @property
    def titles_welsh(self) -> int:
        return self.titles_total - self._count(False, MISSING)

    @property
    def missing(self) -> list[WelshGap]:
        return [e for e in self.entries if e.state == MISSING]

    @property
    def out_of_date(self) -> list[WelshGap]:
        return [e for e in self.entries if e.state == OUT_OF_DATE]

    @property
    def complete(self) -> bool:
        return all(e.state == DONE for e in self.entries)

    def for_page(self, *pages: str) -> WelshCoverage:
        """The same figures for one chapter or page (or several)."""
        return WelshCoverage([e for e in self.entries if e.page in pages])

    def summary(self) -> str:
        """ "Welsh versions: 34 of 52 answers, 10 of 14 plan titles; 3 possibly out of date"."""
        parts = []
        if self.answers_total or not self.titles_total:
            parts.append(f"{self.answers_welsh} of {self.answers_total} answer{'s' if self.answers_total != 1 else ''}")
        if self.titles_total:
            parts.append(f"{self.titles_welsh} of {self.titles_total} plan title{'s' if self.titles_total != 1 else ''}")
        text = "Welsh versions: " + ", ".join(parts)
        if self.out_of_date:
            text += f"; {len(self.out_of_date)} possibly out of date"
        return text


def gap_label(gap: WelshGap, language: str = "en", nation: str = "wales") -> str:
    """What an entry is, as the screens list it: in English ``gap.label``; in Welsh an answer's question
    in Welsh after its chapter's Welsh title, a title's kind in Welsh with its code and the English title
    as the partnership wrote it (data/language/interface_sentences.yaml)."""
    if language == "en":
        return gap.label
    c = content()
    if gap.kind == "answer":
        prompt = c.prompts.get(gap.key)
        if prompt is None:
            return gap.label
        chapter = next((x for x in c.chapters if x.id == gap.page), None)
        question = c.label_in(prompt, nation, language)
        where = (chapter.title_cy or chapter.title) if chapter else ""
        return f"{where}: {question}" if where else question
    return ui_text(f"sentences.welsh.kind.{gap.kind}", language, code=gap.key, title=gap.label)


def welsh_coverage(engine: Engine, partnership_id: int, *, session: Session | None = None) -> WelshCoverage:
    """Every written free-text answer and every live plan title, each with whether its Welsh version is
    there, missing or possibly out of date. Answers not yet written in English are not counted."""
    c = content()
    with read_session(engine, session=session) as session:
        english = {a.prompt_id: a for a in session.exec(select(Answer).where(Answer.partnership_id == partnership_id)).all()}
        welsh = welsh_answers(engine, partnership_id, session=session)
        titles = plan_titles(engine, partnership_id, session=session)
        welsh_rows = welsh_title_rows(engine, partnership_id, session=session)
    entries: list[WelshGap] = []
    for chapter in c.chapters:
        for prompt in chapter.prompts:
            answer = english.get(prompt.id)
            if prompt.type not in FREE_TEXT_TYPES or answer is None or not answer.value.strip():
                continue
            cy = welsh.get(prompt.id)
            state = MISSING if cy is None or not cy.value.strip() else OUT_OF_DATE if cy.out_of_date else DONE
            entries.append(WelshGap("answer", prompt.id, prompt.label, chapter.id, state, cy.english_changed_at if cy else None))
    for t in titles:
        if not t.english.strip():
            continue
        row = welsh_rows.get((t.kind, t.id))
        state = MISSING if row is None or not row.title.strip() else OUT_OF_DATE if row.out_of_date else DONE
        entries.append(WelshGap(t.kind, t.code, t.english, TITLE_PAGES[t.kind], state, row.english_changed_at if row else None, t.id))
    return WelshCoverage(entries)
