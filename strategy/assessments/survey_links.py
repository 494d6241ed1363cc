"""Surveys answered in the browser through a link, without an account: the staff survey (Guide §6.1),
the snapshot's frontline and strategic professionals' surveys and a thematic audit's staff survey.

A facilitator (someone who may edit the partnership) opens a link for one survey: a long random token
(``secrets.token_urlsafe(32)``) that only they see, once; the database keeps only its SHA-256, compared in
constant time. The link works until its closing date (a UK day, inclusive) unless it is closed early; it
can be reopened. Anyone with it answers the same questions as the survey's import template (the
questions come from the same data) and submits.

Each response is written as one file of the template's layout would be (``strategy.tabular.formulas``
writes it, ``strategy.tabular.reading`` reads it back) and goes through the import's own preview and
store functions with ``replace=False``: it lands in the same tables, checked by the same rules, so
results, reports and documents count it as they count an imported row. Text that may identify a child
is refused until the person confirms it does not (``strategy.core.identifying``).

Rate limits are counted in the database (``SurveySubmission``), so every app process shares them: at
most ``survey_per_client_per_minute`` responses from one address (or browser session) and
``survey_per_minute`` for the survey as a whole. A refused response stores nothing and says when to try
again. The page (``strategy/ui/survey_views.py``), the command line (``survey-link``) and the tests call
the functions here."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache

import yaml
from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from strategy.answers.io import SCORE_COLUMNS, SURVEY, partnership_preview, template_headers
from strategy.answers.operations import add_rows
from strategy.assessments.audit import get_audit
from strategy.assessments.io import (
    AUDIT_COLUMNS,
    SNAPSHOT_COLUMNS,
    preview_audit_survey,
    preview_snapshot_survey,
    preview_strategic_survey,
    store_audit_survey,
    store_snapshot_survey,
    store_strategic_survey,
    strategic_columns,
)
from strategy.assessments.snapshot import domain_label, get_snapshot, snapshot_statements, strategic_about, strategic_questions
from strategy.core.access import require_role
from strategy.core.audit_log import record
from strategy.core.authors import Author
from strategy.core.dates import to_uk, uk_date
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput, NotFound
from strategy.core.identifying import identifying_warning
from strategy.core.interface import message_in
from strategy.core.models import Partnership, SurveyLink, SurveySubmission, stored_id, utcnow
from strategy.core.settings import DATA_DIR, Settings, get_settings
from strategy.core.text import clean_text
from strategy.guide.content import content
from strategy.tabular.formulas import csv_bytes
from strategy.tabular.reading import Preview

#: The surveys a link can be opened for, in the order the command line lists them.
KINDS = ("staff", "frontline", "strategic", "audit")
#: The query parameter the link carries: ``/?survey=TOKEN``.
LINK_PARAMETER = "survey"
#: Who the history says stored a response that came through a link (no account, no name).
AUTHOR = Author(name="Survey link")
#: The "file" a response is read as (the history says "1 frontline ratings from survey link").
SOURCE = "survey link"
#: How long a link stays open when no closing date is given, and the furthest ahead one may be.
DEFAULT_OPEN_DAYS = 28
MAX_OPEN_DAYS = 366
#: What the rate limits count back over, and how long a submission's record is kept.
WINDOW = timedelta(minutes=1)
KEEP = timedelta(hours=1)
#: A token of any other shape is not even looked up.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{30,100}$")
#: Free-text answers: a short answer (agency, role) and a comment.
SHORT_LIMIT, COMMENT_LIMIT = 200, 5000
#: The answer that leaves a rating blank.
NO_ANSWER = ""


class SurveyUnavailable(NotFound):
    """The link is wrong, unknown, closed or past its closing date: the message is all the page shows.
    ``message_cy`` is the same in Welsh; ``wales`` whether the link's partnership is in Wales (None: a
    link not recognised, whose partnership is unknown)."""

    def __init__(self, key: str, wales: bool | None = None, **values: object):
        super().__init__(say(key, "en", **values))
        self.message_cy = say(key, "cy", **values)
        self.wales = wales


class TooManyResponses(InvalidInput):
    """Refused by a rate limit; ``retry_after`` is the number of seconds to wait. Nothing was stored."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class NeedsConfirmation(InvalidInput):
    """Some text may identify a child: ``warnings`` are (question, why). Nothing was stored."""

    def __init__(self, warnings: list[tuple[str, str]], language: str = "en"):
        # In Welsh, the questions only: the reasons (strategy.core.identifying) are in English.
        lines = "; ".join(f"'{q}'" if language == "cy" else f"'{q}': {why}" for q, why in warnings)
        super().__init__(say("identifying", language, lines=lines))
        self.warnings = warnings


@dataclass(frozen=True)
class Question:
    """One question of a survey's form. ``id`` names the answer; ``kind`` is text, longtext, scale (one of
    ``options``, or no answer), yes_no or choice; ``options`` are (the value written to the survey's file,
    the words shown); ``group`` is a heading the question sits under (a snapshot's domain); ``own_text``: the label is the
    partnership's own words (a snapshot statement), the others are the product's data."""

    id: str
    label: str
    kind: str
    options: tuple[tuple[str, str], ...] = ()
    required: bool = False
    limit: int = SHORT_LIMIT
    group: str = ""
    #: The label is the partnership's own text (a snapshot statement), not the product's words.
    own_text: bool = False


@dataclass(frozen=True)
class SurveyForm:
    """What the public page shows for an open link."""

    link_id: int
    partnership_id: int
    partnership_name: str
    kind: str
    target_id: int
    title: str
    intro: str
    privacy: str
    closes_on: date
    questions: tuple[Question, ...] = field(default_factory=tuple)
    #: "en" or "cy": the language the words and questions are in.
    language: str = "en"
    #: The partnership is in Wales: the page offers Cymraeg and English (Welsh first).
    wales: bool = False


@dataclass(frozen=True)
class LinkStatus:
    """A survey's link as its facilitator sees it (never the token: only its holder has that)."""

    kind: str
    target_id: int
    closes_on: date
    closed_at: datetime | None
    responses: int
    created_at: datetime
    created_by_name: str
    today: date

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and self.today <= self.closes_on

    @property
    def state(self) -> str:
        """'Open until 12/03/2027', 'Closed early on 01/03/2027' or 'Closed on 12/03/2027 (its closing date)'."""
        if self.closed_at is not None:
            return f"Closed early on {uk_date(self.closed_at)}"
        if self.today > self.closes_on:
            return f"Closed on {uk_date(self.closes_on)} (its closing date)"
        return f"Open until {uk_date(self.closes_on)}"

    @property
    def count(self) -> str:
        return f"{self.responses:,} response{'' if self.responses == 1 else 's'} through the link"


# --- Words --------------------------------------------------------------------------------------


@cache
def _words() -> dict:
    return yaml.safe_load((DATA_DIR / "survey_links.yaml").read_text(encoding="utf-8"))


#: The languages a Welsh partnership's page is offered in, Welsh first.
LANGUAGES = ("cy", "en")


def _cy(language: str) -> bool:
    return language == "cy"


def say(key: str, language: str = "en", **values: object) -> str:
    """One of the page's fixed words (data/survey_links.yaml ``messages``) in English or Welsh."""
    entry = _words()["messages"][key]
    text = " ".join(str(entry["cy" if _cy(language) else "en"]).split())
    return text.format(**values) if values else text


def survey_title(kind: str, language: str = "en") -> str:
    words = _words()["kinds"][_kind(kind)]
    return str(words["title_cy"] if _cy(language) else words["title"])


def survey_name(kind: str) -> str:
    """How the facilitator's page and the command line name the survey ("the frontline survey")."""
    return str(_words()["kinds"][_kind(kind)]["facilitator"])


def privacy_line(language: str = "en") -> str:
    return " ".join(str(_words()["privacy_cy" if _cy(language) else "privacy"]).split())


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput(f"'{kind}' is not a survey a link can be opened for; they are: {', '.join(KINDS)}.")
    return kind


# --- Tokens and dates ---------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_path(token: str) -> str:
    """The link's path and query, to put after the workbook's address: ``/?survey=TOKEN``."""
    return f"/?{LINK_PARAMETER}={token}"


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def uk_today(now: datetime | None = None) -> date:
    return to_uk(now or utcnow()).date()


def _closing(closes_on: date | None, today: date) -> date:
    if closes_on is None:
        return today + timedelta(days=DEFAULT_OPEN_DAYS)
    if closes_on < today:
        raise InvalidInput(f"The closing date {uk_date(closes_on)} has passed. Choose today or a later day.")
    if closes_on > today + timedelta(days=MAX_OPEN_DAYS):
        raise InvalidInput(f"The closing date {uk_date(closes_on)} is more than a year away. Choose a day within the next year.")
    return closes_on


# --- The facilitator: opening, closing and reopening a link -------------------------------------


def _target(engine: Engine, partnership_id: int, kind: str, target_id: int | None, *, session: Session | None = None) -> int:
    """The snapshot or audit the survey belongs to (checked to exist, in this partnership); 0 for the staff survey."""
    _kind(kind)
    if kind == "staff":
        return 0
    if not target_id:
        raise InvalidInput(f"Say which {'audit' if kind == 'audit' else 'snapshot'} {survey_name(kind)} belongs to.")
    if kind == "audit":
        get_audit(engine, partnership_id, target_id, session=session)
    else:
        get_snapshot(engine, partnership_id, target_id, session=session)
    return target_id


def _find(session: Session, partnership_id: int, kind: str, target_id: int) -> SurveyLink | None:
    return session.exec(
        select(SurveyLink)
        .where(SurveyLink.partnership_id == partnership_id, SurveyLink.kind == kind, SurveyLink.target_id == target_id)
        .with_for_update()
    ).first()


def _status(link: SurveyLink, today: date) -> LinkStatus:
    return LinkStatus(
        kind=link.kind,
        target_id=link.target_id,
        closes_on=link.closes_on,
        closed_at=link.closed_at,
        responses=link.responses,
        created_at=link.created_at,
        created_by_name=link.created_by_name,
        today=today,
    )


def open_survey_link(
    engine: Engine,
    partnership_id: int,
    kind: str,
    target_id: int | None = None,
    *,
    author: Author,
    closes_on: date | None = None,
    now: datetime | None = None,
) -> str:
    """A new link for the survey, open until ``closes_on`` (four weeks from today without one): returns
    its token, which is shown to the facilitator now and never again. A link opened before for the same
    survey stops working (its responses stay, and its count carries on)."""
    now = now or utcnow()
    today = uk_today(now)
    closes = _closing(closes_on, today)
    token = secrets.token_urlsafe(32)
    # Two facilitators opening the first link at once (PostgreSQL): the second insert meets the unique
    # rule; tried again, it finds the first one's link and replaces it, as a later click would.
    for attempt in range(2):
        try:
            with write_session(engine) as session:
                require_role(session, author, partnership_id, "edit")
                target = _target(engine, partnership_id, kind, target_id, session=session)
                link = _find(session, partnership_id, kind, target)
                replaced = link is not None
                if link is None:
                    link = SurveyLink(
                        partnership_id=partnership_id, kind=kind, target_id=target, token_hash=token_hash(token), closes_on=closes
                    )
                link.token_hash = token_hash(token)
                link.closes_on, link.closed_at = closes, None
                link.created_at, link.created_by_name, link.updated_at = now, author.name[:120], now
                session.add(link)
                detail = f"{survey_title(kind)}: a {'new ' if replaced else ''}link, open until {uk_date(closes)}"
                record(
                    session,
                    author,
                    "survey_link",
                    partnership_id=partnership_id,
                    detail=detail + (" (the old link stopped working)" if replaced else ""),
                )
            break
        except IntegrityError:
            if attempt:
                raise
    return token


def set_survey_link(
    engine: Engine,
    partnership_id: int,
    kind: str,
    target_id: int | None = None,
    *,
    author: Author,
    closes_on: date | None = None,
    closed: bool | None = None,
    now: datetime | None = None,
) -> LinkStatus:
    """Change the link's closing date, close it early (``closed=True``) or reopen it (``closed=False``;
    a link past its closing date needs a new one). The same link carries on working when reopened."""
    now = now or utcnow()
    today = uk_today(now)
    with write_session(engine) as session:
        require_role(session, author, partnership_id, "edit")
        target = _target(engine, partnership_id, kind, target_id, session=session)
        link = _find(session, partnership_id, kind, target)
        if link is None:
            raise NotFound(f"{survey_name(kind).capitalize()} has no link yet. Open one first.")
        changes = []
        if closes_on is not None:
            link.closes_on = _closing(closes_on, today)
            changes.append(f"closing date {uk_date(link.closes_on)}")
        if closed is True and link.closed_at is None:
            link.closed_at = now
            changes.append("closed early")
        elif closed is False:
            if link.closes_on < today:
                raise InvalidInput(f"The link's closing date, {uk_date(link.closes_on)}, has passed. Give a new closing date to reopen it.")
            if link.closed_at is not None:
                link.closed_at = None
                changes.append("reopened")
        link.updated_at = now
        session.add(link)
        if changes:
            record(session, author, "survey_link", partnership_id=partnership_id, detail=f"{survey_title(kind)}: {', '.join(changes)}")
        return _status(link, today)


def survey_link_status(
    engine: Engine, partnership_id: int, kind: str, target_id: int | None = None, *, now: datetime | None = None
) -> LinkStatus | None:
    """The survey's link (its closing date, whether it is open, how many responses came through it), or None."""
    _kind(kind)
    with read_session(engine) as session:
        link = session.exec(
            select(SurveyLink).where(
                SurveyLink.partnership_id == partnership_id, SurveyLink.kind == kind, SurveyLink.target_id == (target_id or 0)
            )
        ).first()
        return None if link is None else _status(link, uk_today(now))


# --- The questions ------------------------------------------------------------------------------


def _scale_options(low: int, high: int) -> tuple[tuple[str, str], ...]:
    return tuple((str(n), str(n)) for n in range(low, high + 1))


def _item_label(item: dict, language: str) -> str:
    """A reference item's words in the language (its ``label_cy`` in Welsh, the English where it has none)."""
    return str(item.get("label_cy") or item["label"]) if _cy(language) else str(item["label"])


def _progress_options(language: str = "en") -> tuple[tuple[str, str], ...]:
    # The value stored is the scale's number in either language; only the words shown differ.
    items = content().reference("snapshot_progress_scale").items
    return tuple((str(i["id"]), f"{i['id']}: {_item_label(i, language)}") for i in items)


def _domain(domain_id: str, language: str) -> str:
    item = next((i for i in content().reference("snapshot_domains").items if i["id"] == domain_id), None)
    return domain_label(domain_id) if item is None else _item_label(item, language)


def _code_question_cy(kind: str, question_id: str, english: str, language: str) -> str:
    """A question whose English is in code: its Welsh from data/survey_links.yaml ``questions_cy``."""
    return str(_words()["questions_cy"][kind].get(question_id) or english) if _cy(language) else english


def _staff_questions(language: str = "en") -> tuple[Question, ...]:
    """The staff survey's columns (data/chapters.yaml, workforce.staff_survey; ``label_cy`` in Welsh)."""
    out = []
    for c in content().prompts[SURVEY].columns:
        label = c.label_cy if _cy(language) and c.label_cy else c.label
        if c.id in SCORE_COLUMNS:
            out.append(Question(c.id, label, "scale", _scale_options(int(c.min or 1), int(c.max or 5))))
        else:
            out.append(
                Question(
                    c.id, label, "longtext" if c.type == "longtext" else "text", required=c.required, limit=min(c.limit, COMMENT_LIMIT)
                )
            )
    return tuple(out)


def _frontline_questions(engine: Engine, partnership_id: int, snapshot_id: int, language: str = "en") -> tuple[Question, ...]:
    """Agency and role, each of the snapshot's statements on the progress scale, and a comment: the
    frontline template's columns, one rating per statement (as a form's grid question is imported). The
    statements are the partnership's own words, shown as written (a snapshot keeps no Welsh version)."""
    names = {c.id: _code_question_cy("frontline", c.id, c.names[0], language) for c in SNAPSHOT_COLUMNS}
    statements = [s for s in snapshot_statements(engine, partnership_id, snapshot_id) if s.retired_at is None]
    options = _progress_options(language)
    return (
        Question("agency", names["agency"], "text"),
        Question("role", names["role"], "text"),
        *(
            Question(f"statement:{s.code}", f"{s.code}. {s.text}", "scale", options, group=_domain(s.domain, language), own_text=True)
            for s in statements
        ),
        Question("comment", names["comment"], "longtext", limit=COMMENT_LIMIT),
    )


def _strategic_questions(language: str = "en") -> tuple[Question, ...]:
    about = strategic_about()
    if _cy(language):
        about |= dict((content().reference("snapshot_strategic_survey").model_extra or {}).get("about_cy", {}))
    items = {i["id"]: i for i in content().reference("snapshot_strategic_survey").items}
    options = _progress_options(language)
    return (
        Question("agency", about["agency"], "text"),
        Question("role", about["role"], "text"),
        *(
            Question(q.code, _item_label(items[q.code], language), "scale", options, group=_domain(q.domain, language))
            for q in strategic_questions()
        ),
        Question("comment", about["comment"], "longtext", limit=COMMENT_LIMIT),
    )


def _audit_questions(language: str = "en") -> tuple[Question, ...]:
    """The audit staff survey's columns (strategy.assessments.io.AUDIT_COLUMNS), the barriers from
    data/reference/audit_barriers.yaml. The values stored are the English answers in either language."""
    out = []
    barriers = tuple((i["label"], _item_label(i, language)) for i in content().reference("audit_barriers").items)
    yes_no = _words()["yes_no"]
    for c in AUDIT_COLUMNS:
        label = _code_question_cy("audit", c.id, c.names[0], language)
        if c.id.startswith("confidence_"):
            out.append(Question(c.id, label, "scale", _scale_options(1, 5)))
        elif c.id in ("aware_strategy", "used_toolkit"):
            out.append(Question(c.id, label, "yes_no", tuple((v, str(yes_no[v]["cy" if _cy(language) else "en"])) for v in ("Yes", "No"))))
        elif c.id == "barrier":
            out.append(Question(c.id, label, "choice", barriers))
        else:
            long = c.id == "comment"
            out.append(
                Question(c.id, label, "longtext" if long else "text", required=c.required, limit=COMMENT_LIMIT if long else SHORT_LIMIT)
            )
    return tuple(out)


def survey_questions(engine: Engine, partnership_id: int, kind: str, target_id: int = 0, language: str = "en") -> tuple[Question, ...]:
    """The questions of the survey, from the same data as its import template, in English or Welsh."""
    if _kind(kind) == "staff":
        return _staff_questions(language)
    if kind == "frontline":
        return _frontline_questions(engine, partnership_id, target_id, language)
    if kind == "strategic":
        return _strategic_questions(language)
    return _audit_questions(language)


# --- The public page: a link's form and a response ----------------------------------------------


def _open_link(session: Session, token: str, now: datetime, *, lock: bool = False) -> SurveyLink:
    """The link the token opens, or SurveyUnavailable with the message to show (and nothing else)."""
    token = (token or "").strip()
    if not _TOKEN_SHAPE.match(token):
        raise SurveyUnavailable("unknown")
    wanted = token_hash(token)
    q = select(SurveyLink).where(SurveyLink.token_hash == wanted)
    link = session.exec(q.with_for_update() if lock else q).first()
    if link is None or not hmac.compare_digest(link.token_hash, wanted):
        raise SurveyUnavailable("unknown")
    partnership = session.get(Partnership, link.partnership_id)
    wales = partnership is not None and partnership.nation == "wales"
    if link.closed_at is not None or partnership is None or partnership.archived:
        raise SurveyUnavailable("closed", wales)
    if uk_today(now) > link.closes_on:
        raise SurveyUnavailable("closed_on", wales, date=uk_date(link.closes_on))
    return link


def survey_form(engine: Engine, token: str, *, language: str = "en", now: datetime | None = None) -> SurveyForm:
    """What the page shows for this link: its survey's title, words, privacy line and questions. A wrong,
    unknown, closed or expired link raises SurveyUnavailable, whose message is all there is to show.
    ``language`` "cy" gives the Welsh, for a partnership in Wales only (England's page is in English)."""
    now = now or utcnow()
    with read_session(engine) as session:
        link = _open_link(session, token, now)
        partnership = session.get(Partnership, link.partnership_id)
        assert partnership is not None  # checked in _open_link
        name = partnership.name
        wales = partnership.nation == "wales"
    language = "cy" if wales and _cy(language) else "en"
    try:
        _target(engine, link.partnership_id, link.kind, link.target_id)
    except NotFound:
        raise SurveyUnavailable("removed", wales) from None
    words = _words()["kinds"][link.kind]
    cy = _cy(language)
    return SurveyForm(
        link_id=stored_id(link),
        partnership_id=link.partnership_id,
        partnership_name=name,
        kind=link.kind,
        target_id=link.target_id,
        title=str(words["title_cy" if cy else "title"]),
        intro=" ".join(str(words["intro_cy" if cy else "intro"]).split()),
        privacy=privacy_line(language),
        closes_on=link.closes_on,
        questions=survey_questions(engine, link.partnership_id, link.kind, link.target_id, language),
        language=language,
        wales=wales,
    )


def _answers(form: SurveyForm, answers: dict[str, str], confirmed: bool) -> dict[str, str]:
    """The answers, cleaned and checked against the questions; NeedsConfirmation for text that may
    identify a child (unless ``confirmed``)."""
    clean: dict[str, str] = {}
    warnings: list[tuple[str, str]] = []
    language = form.language
    for q in form.questions:
        raw = answers.get(q.id)
        value = clean_text(str(raw if raw is not None else "")).strip()
        if q.kind in ("text", "longtext"):
            if q.kind == "text":
                value = " ".join(value.split())
            if len(value) > q.limit:
                raise InvalidInput(say("too_long", language, question=q.label, length=f"{len(value):,}", most=f"{q.limit:,}"))
            why = identifying_warning(value) if value else None
            if why:
                warnings.append((q.label, why))
        elif value and value not in {v for v, _ in q.options}:
            raise InvalidInput(say("not_an_answer", language, value=value[:60], question=q.label))
        if q.required and not value:
            raise InvalidInput(say("needs_answer", language, question=q.label))
        clean[q.id] = value
    if not any(clean.get(q.id) for q in form.questions if q.kind not in ("text",)):
        raise InvalidInput(say("nothing_answered", language))
    if form.kind == "frontline" and not any(clean[q.id] for q in form.questions if q.id.startswith("statement:")):
        raise InvalidInput(say("no_rating", language))
    if warnings and not confirmed:
        raise NeedsConfirmation(warnings, language)
    return clean


def _as_file(form: SurveyForm, answers: dict[str, str]) -> bytes:
    """The response as the survey's import template would hold it (every cell guarded as an export is)."""
    if form.kind == "staff":
        headers = template_headers(SURVEY)
        return csv_bytes(headers, [[answers.get(c.id, "") for c in content().prompts[SURVEY].columns]])
    if form.kind == "frontline":
        names = [c.names[0] for c in SNAPSHOT_COLUMNS]  # Statement, Rating, Comment, Agency, Role
        rows: list[list[str]] = []
        for q in form.questions:
            if q.id.startswith("statement:") and answers[q.id]:
                # A comment on the whole response goes with its first rating, as a form's export is imported.
                rows.append([q.id.split(":", 1)[1], answers[q.id], "" if rows else answers["comment"], answers["agency"], answers["role"]])
        return csv_bytes(names, rows)
    if form.kind == "strategic":
        columns = strategic_columns()
        headers = [c.names[1] if c.id in ("agency", "role", "comment") else c.names[0] for c in columns]
        return csv_bytes(headers, [[answers.get(c.id, "") for c in columns]])
    return csv_bytes([c.names[0] for c in AUDIT_COLUMNS], [[answers.get(c.id, "") for c in AUDIT_COLUMNS]])


def _preview(engine: Engine, form: SurveyForm, data: bytes, confirmed: bool) -> Preview:
    pid, target = form.partnership_id, form.target_id
    if form.kind == "staff":
        preview = partnership_preview(engine, pid, data, SOURCE, SURVEY)
    elif form.kind == "frontline":
        preview = preview_snapshot_survey(engine, pid, target, data, SOURCE)
    elif form.kind == "strategic":
        preview = preview_strategic_survey(engine, pid, target, data, SOURCE, identifying_confirmed=confirmed)
    else:
        preview = preview_audit_survey(data, SOURCE)
    if preview.problem_count:
        # The import's own checks, in the page's language through the message catalogue (a response of the
        # page's own choices rarely meets them).
        problems = " ".join(message_in(p.message, form.language) for p in preview.problems[:3])
        raise InvalidInput(say("not_sent", form.language, problems=problems))
    return preview


def _store(engine: Engine, form: SurveyForm, preview: Preview, session: Session) -> int:
    pid, target = form.partnership_id, form.target_id
    if form.kind == "staff":
        return len(add_rows(engine, pid, SURVEY, preview.rows, author=AUTHOR, replace=False, session=session))
    if form.kind == "frontline":
        return store_snapshot_survey(engine, pid, target, preview, author=AUTHOR, replace=False, session=session)
    if form.kind == "strategic":
        return store_strategic_survey(engine, pid, target, preview, author=AUTHOR, replace=False, session=session)
    return store_audit_survey(engine, pid, target, preview, author=AUTHOR, replace=False, session=session)


def _client_hash(link_id: int, client: str) -> str:
    return hashlib.sha256(f"{link_id}\n{client}".encode()).hexdigest()


def _wait(session: Session, link_id: int, since: datetime, now: datetime, client_hash: str | None = None) -> int:
    q = select(func.min(SurveySubmission.submitted_at)).where(
        SurveySubmission.link_id == link_id, col(SurveySubmission.submitted_at) > since
    )
    if client_hash is not None:
        q = q.where(SurveySubmission.client_hash == client_hash)
    oldest = session.exec(q).first()
    if oldest is None:
        return 1
    return max(1, math.ceil((_aware(oldest) + WINDOW - now).total_seconds()))


def _count(session: Session, link_id: int, since: datetime, client_hash: str | None = None) -> int:
    q = (
        select(func.count())
        .select_from(SurveySubmission)
        .where(SurveySubmission.link_id == link_id, col(SurveySubmission.submitted_at) > since)
    )
    if client_hash is not None:
        q = q.where(SurveySubmission.client_hash == client_hash)
    return int(session.exec(q).one())


def _seconds(n: int, language: str = "en") -> str:
    return say("seconds_one" if n == 1 else "seconds_many", language, n=n)


def _check_rate(session: Session, link_id: int, client_key: str, now: datetime, settings: Settings, language: str = "en") -> None:
    """TooManyResponses when this client, or everyone, has sent the most a minute allows."""
    since = now - WINDOW
    if _count(session, link_id, since, client_key) >= settings.survey_per_client_per_minute:
        wait = _wait(session, link_id, since, now, client_key)
        raise TooManyResponses(
            say("too_many_client", language, most=settings.survey_per_client_per_minute, wait=_seconds(wait, language)), wait
        )
    if _count(session, link_id, since) >= settings.survey_per_minute:
        wait = _wait(session, link_id, since, now)
        raise TooManyResponses(say("too_many_all", language, most=settings.survey_per_minute, wait=_seconds(wait, language)), wait)


def submit_survey_response(
    engine: Engine,
    token: str,
    answers: dict[str, str],
    *,
    client: str,
    confirmed: bool = False,
    language: str = "en",
    now: datetime | None = None,
    settings: Settings | None = None,
) -> int:
    """Store one response through the link (``answers``: question id -> the value or text given), appended
    to what is there, in one transaction with the rate limits' count. ``client`` is where it comes from (an
    address, or a browser session's own key). Returns the number of rows stored (one per rating for the
    frontline survey, otherwise 1). Raises SurveyUnavailable, NeedsConfirmation, TooManyResponses or
    InvalidInput, storing nothing; their messages in ``language`` (Welsh for a partnership in Wales that
    chose it). What is stored is the same in either language: the same codes and numbers, text as typed."""
    now = now or utcnow()
    settings = settings or get_settings()
    form = survey_form(engine, token, language=language, now=now)
    clean = _answers(form, answers, confirmed)
    client_key = _client_hash(form.link_id, client or "unknown")
    with read_session(engine) as session:  # a flood is refused here, without taking the write lock
        _check_rate(session, form.link_id, client_key, now, settings, form.language)
    preview = _preview(engine, form, _as_file(form, clean), confirmed)
    with write_session(engine) as session:
        link = _open_link(session, token, now, lock=True)  # one response at a time per survey, in every process
        link_id = stored_id(link)
        session.execute(delete(SurveySubmission).where(col(SurveySubmission.submitted_at) < now - KEEP))
        _check_rate(session, link_id, client_key, now, settings, form.language)
        stored = _store(engine, form, preview, session)
        session.add(SurveySubmission(link_id=link_id, client_hash=client_key, submitted_at=now))
        link.responses += 1
        session.add(link)
    return stored
