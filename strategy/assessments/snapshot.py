"""The system-wide snapshot: a partnership's statements across five domains, a facilitated
strategic session that agrees a rating of the evidence and of progress for each, a frontline
survey of the same statements, domain scores with a RAG rating, and comparison over time.

The starter statements and the rating scales are data (data/reference/snapshot_*.yaml). A
partnership works on its own copy of the statements, made the first time it needs them: it can
edit, add and retire statements; a retired statement stays readable in the snapshots that rated it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from strategy.core import palette
from strategy.core.authors import Author
from strategy.core.dates import uk_long_date
from strategy.core.db import read_session, write_session
from strategy.core.errors import Conflict, InvalidInput, NotFound
from strategy.core.models import Snapshot, SnapshotRating, SnapshotResponse, SnapshotStatement, SnapshotStrategicResponse, stored_id
from strategy.core.revisions import created, ensure_partnership, load, set_removed, update_checked
from strategy.core.text import check_length, clean_text, normalise_name
from strategy.core.values import parse_date
from strategy.guide.content import content
from strategy.word.language import Both, phrase, welsh_date

STATEMENT_LIMIT = 600
NOTE_LIMIT = 5000
TITLE_LIMIT = 200
#: The fields the strategic group writes for each statement.
TEXT_FIELDS = {"evidence": "Evidence", "strengths": "Strengths", "development": "Areas for development"}
#: A domain whose strategic and frontline averages differ by this much (or more) is flagged.
GAP_FLAG = 0.75
RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green", "": "Not rated"}
RAG_COLOURS = {"red": palette.RED, "amber": palette.AMBER, "green": palette.DARK_GREEN, "": palette.GREY}
STRATEGIC_COLOUR, FRONTLINE_COLOUR = palette.NAVY, palette.AMBER  # colour-blind-safe pair
#: The columns of ``survey_comparison``: the two surveys' answers side by side, by domain.
STRATEGIC_SURVEY_AVERAGE, STRATEGIC_SURVEY_COUNT = "Strategic survey (average of 4)", "Strategic survey answers"
FRONTLINE_SURVEY_AVERAGE, FRONTLINE_SURVEY_COUNT = "Frontline survey (average of 4)", "Frontline survey answers"
SURVEY_DIFFERENCE = "Difference (strategic minus frontline)"


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: str
    colour: str
    rag: str
    descriptor: str


@dataclass(frozen=True)
class Domain:
    id: str
    label: str
    covers: str
    prefix: str


_PREFIX = {"awareness": "AW", "prevention": "PR", "initial_response": "IR", "assessment": "AS", "recovery": "RS"}


def scale(kind: str) -> list[ScalePoint]:
    """The evidence or progress scale, 1 to 4, with each point's word, colour and descriptor."""
    ref = content().reference(f"snapshot_{kind}_scale")
    return [ScalePoint(int(i["id"]), i["label"], i["colour"], i["rag"], i["descriptor"]) for i in ref.items]


def scale_label(kind: str, value: int | None) -> str:
    if value is None:
        return "Not rated"
    return next((p.label for p in scale(kind) if p.value == value), str(value))


def domains() -> list[Domain]:
    return [
        Domain(i["id"], i["label"], i.get("covers", ""), _PREFIX.get(i["id"], i["id"][:2].upper()))
        for i in content().reference("snapshot_domains").items
    ]


def domain_label(domain_id: str) -> str:
    return next((d.label for d in domains() if d.id == domain_id), domain_id)


@dataclass(frozen=True)
class SurveyQuestion:
    """A question of the strategic professionals' survey, answered on the progress scale."""

    code: str
    domain: str
    text: str
    guide: str


def strategic_questions() -> list[SurveyQuestion]:
    """The strategic professionals' survey's questions, in order (data/reference/snapshot_strategic_survey.yaml)."""
    return [
        SurveyQuestion(i["id"], i["domain"], i["label"], i.get("guide", "")) for i in content().reference("snapshot_strategic_survey").items
    ]


def strategic_about() -> dict[str, str]:
    """The survey's questions about the respondent (agency, role) and its closing free-text question."""
    return dict((content().reference("snapshot_strategic_survey").model_extra or {}).get("about", {}))


def rag_for(mean: float | None) -> str:
    """RAG from the mean of the agreed progress ratings: under 2 red, 2 up to 3 amber, 3 or more green."""
    if mean is None or pd.isna(mean):
        return ""
    return "red" if mean < 2 else "amber" if mean < 3 else "green"


# --- Statements ---------------------------------------------------------------------------------


def _statement_text(text: str) -> str:
    text = clean_text(text or "").replace("\n", " ").strip()
    if not text:
        raise InvalidInput("A statement cannot be empty: write what a well-working system does.")
    check_length(text, STATEMENT_LIMIT, "The statement")
    return text


def _check_domain(domain: str) -> str:
    if domain not in {d.id for d in domains()}:
        raise InvalidInput(f"{domain!r} is not one of the five domains: {', '.join(d.id for d in domains())}.")
    return domain


def list_statements(
    engine: Engine, partnership_id: int, *, retired: bool = False, session: Session | None = None
) -> list[SnapshotStatement]:
    """The partnership's statements in domain order (live ones; with ``retired=True`` all of them)."""
    order = {d.id: n for n, d in enumerate(domains())}
    with read_session(engine, session=session) as session:
        q = select(SnapshotStatement).where(SnapshotStatement.partnership_id == partnership_id)
        if not retired:
            q = q.where(col(SnapshotStatement.retired_at).is_(None))
        rows = list(session.exec(q).all())
    return sorted(rows, key=lambda s: (order.get(s.domain, 99), s.position, s.id))


def ensure_statements(engine: Engine, partnership_id: int, *, author: Author, session: Session | None = None) -> list[SnapshotStatement]:
    """The partnership's statements, copying the starter set the first time (recorded as created)."""
    with write_session(engine, session=session) as session:
        ensure_partnership(session, partnership_id)
        count = session.exec(
            select(func.count()).select_from(SnapshotStatement).where(SnapshotStatement.partnership_id == partnership_id)
        ).one()
        if not count:
            for position, item in enumerate(content().reference("snapshot_statements").items, start=1):
                row = SnapshotStatement(
                    partnership_id=partnership_id,
                    code=item["id"],
                    domain=item["domain"],
                    text=item["label"],
                    guide=item.get("guide", ""),
                    position=position,
                    updated_by_name=author.name,
                )
                session.add(row)
                created(session, row, author=author, prompt_id="snapshot.statement")
    return list_statements(engine, partnership_id)


def add_statement(
    engine: Engine, partnership_id: int, *, domain: str, text: str, author: Author, guide: str = "", session: Session | None = None
) -> SnapshotStatement:
    """Add a statement of the partnership's own; its code is the domain's letters and the next number."""
    domain, text = _check_domain(domain), _statement_text(text)
    guide = normalise_name(guide)[:40]
    ensure_statements(engine, partnership_id, author=author)
    prefix = next(d.prefix for d in domains() if d.id == domain)
    with write_session(engine, session=session) as session:
        rows = session.exec(select(SnapshotStatement).where(SnapshotStatement.partnership_id == partnership_id)).all()
        numbers = [int(m.group(1)) for r in rows if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", r.code))]
        position = max((r.position for r in rows), default=0) + 1
        row = SnapshotStatement(
            partnership_id=partnership_id,
            code=f"{prefix}{max(numbers, default=0) + 1}",
            domain=domain,
            text=text,
            guide=guide,
            position=position,
            updated_by_name=author.name,
        )
        session.add(row)
        created(session, row, author=author, prompt_id="snapshot.statement")
        return row


def edit_statement(
    engine: Engine,
    partnership_id: int,
    statement_id: int,
    *,
    text: str,
    expected_version: int,
    author: Author,
    domain: str | None = None,
    session: Session | None = None,
) -> SnapshotStatement:
    values = {"text": _statement_text(text)}
    if domain is not None:
        values["domain"] = _check_domain(domain)
    with write_session(engine, session=session) as session:
        row = load(session, SnapshotStatement, statement_id, partnership_id, "statement", lock=True)
        if row.retired_at is not None:
            raise NotFound("That statement has been retired. Bring it back to edit it.")
        conflict = update_checked(
            session,
            SnapshotStatement,
            row,
            values,
            expected_version=expected_version,
            author=author,
            prompt_id="snapshot.statement",
            what="statement",
        )
    if conflict:
        raise conflict
    return row


def retire_statement(
    engine: Engine, partnership_id: int, statement_id: int, *, author: Author, restore: bool = False, session: Session | None = None
) -> SnapshotStatement:
    """Retire a statement (new snapshots leave it out; old ones still show it), or bring it back."""
    with write_session(engine, session=session) as session:
        row = load(session, SnapshotStatement, statement_id, partnership_id, "statement", lock=True)
        set_removed(session, row, not restore, author=author, prompt_id="snapshot.statement", column="retired_at")
        return row


def find_statement(statements: list[SnapshotStatement], value: str) -> SnapshotStatement | None:
    """A statement by its code (``AW1``) or its exact text, ignoring case and spaces."""
    key = re.sub(r"\s+", " ", str(value or "")).strip().casefold()
    for s in statements:
        if key in (s.code.casefold(), re.sub(r"\s+", " ", s.text).strip().casefold()):
            return s
    return None


# --- Snapshots ----------------------------------------------------------------------------------


def create_snapshot(
    engine: Engine, partnership_id: int, *, title: str, author: Author, held_on=None, notes: str = "", session: Session | None = None
) -> Snapshot:
    title = normalise_name(title)
    if not title:
        raise InvalidInput("Give the snapshot a title, such as 'Snapshot 2026'.")
    check_length(title, TITLE_LIMIT, "The title")
    day = parse_date(held_on, what="The date of the strategic session") or ""
    notes = clean_text(notes or "").strip()
    check_length(notes, NOTE_LIMIT, "The notes")
    ensure_statements(engine, partnership_id, author=author)
    with write_session(engine, session=session) as session:
        ensure_partnership(session, partnership_id)
        taken = [
            s.title.casefold()
            for s in session.exec(
                select(Snapshot).where(Snapshot.partnership_id == partnership_id, col(Snapshot.deleted_at).is_(None))
            ).all()
        ]
        if title.casefold() in taken:
            raise InvalidInput(f"There is already a snapshot called '{title}'. Choose another title.")
        snap = Snapshot(partnership_id=partnership_id, title=title, held_on=day, notes=notes, updated_by_name=author.name)
        session.add(snap)
        created(session, snap, author=author, prompt_id="snapshot")
        return snap


def list_snapshots(engine: Engine, partnership_id: int, *, deleted: bool = False, session: Session | None = None) -> list[Snapshot]:
    """Snapshots, oldest first (by session date, then when created)."""
    with read_session(engine, session=session) as session:
        q = select(Snapshot).where(Snapshot.partnership_id == partnership_id)
        q = q.where(col(Snapshot.deleted_at).is_not(None) if deleted else col(Snapshot.deleted_at).is_(None))
        rows = list(session.exec(q).all())
    return sorted(rows, key=lambda s: (s.held_on or "9999", s.id))


def get_snapshot(engine: Engine, partnership_id: int, snapshot_id: int, *, session: Session | None = None) -> Snapshot:
    with read_session(engine, session=session) as session:
        return load(session, Snapshot, snapshot_id, partnership_id, "snapshot")


def find_snapshot(engine: Engine, partnership_id: int, title: str | None = None) -> Snapshot:
    """A snapshot by title (ignoring case), or the latest when no title is given."""
    snaps = list_snapshots(engine, partnership_id)
    if not snaps:
        raise NotFound("This partnership has no snapshot yet. Start one on the Snapshot page.")
    if not title:
        return snaps[-1]
    for s in snaps:
        if s.title.casefold() == normalise_name(title).casefold():
            return s
    raise NotFound(f"There is no snapshot called '{title}'. The snapshots are: {', '.join(s.title for s in snaps)}.")


def update_snapshot(
    engine: Engine,
    partnership_id: int,
    snapshot_id: int,
    *,
    expected_version: int,
    author: Author,
    title: str | None = None,
    held_on=None,
    notes: str | None = None,
    session: Session | None = None,
) -> Snapshot:
    values = {}
    if title is not None:
        values["title"] = normalise_name(title)
        if not values["title"]:
            raise InvalidInput("The snapshot's title cannot be empty.")
        check_length(values["title"], TITLE_LIMIT, "The title")
    if held_on is not None:
        values["held_on"] = parse_date(held_on, what="The date of the strategic session") or ""
    if notes is not None:
        values["notes"] = clean_text(notes).strip()
        check_length(values["notes"], NOTE_LIMIT, "The notes")
    with write_session(engine, session=session) as session:
        snap = load(session, Snapshot, snapshot_id, partnership_id, "snapshot", lock=True)
        conflict = update_checked(
            session, Snapshot, snap, values, expected_version=expected_version, author=author, prompt_id="snapshot", what="snapshot"
        )
    if conflict:
        raise conflict
    return snap


def remove_snapshot(
    engine: Engine, partnership_id: int, snapshot_id: int, *, author: Author, restore: bool = False, session: Session | None = None
) -> Snapshot:
    """Remove a snapshot with its ratings, survey and recommendations (all kept: restore brings them back)."""
    with write_session(engine, session=session) as session:
        snap = load(session, Snapshot, snapshot_id, partnership_id, "snapshot", live=False)
        set_removed(session, snap, not restore, author=author, prompt_id="snapshot")
        return snap


# --- Ratings ------------------------------------------------------------------------------------


def snapshot_statements(
    engine: Engine, partnership_id: int, snapshot_id: int, *, session: Session | None = None
) -> list[SnapshotStatement]:
    """The statements a snapshot covers: every live one, and retired ones it rated or surveyed."""
    with read_session(engine, session=session) as session:
        used = set(session.exec(select(SnapshotRating.statement_id).where(SnapshotRating.snapshot_id == snapshot_id)).all())
        used |= set(
            session.exec(
                select(SnapshotResponse.statement_id).where(
                    SnapshotResponse.snapshot_id == snapshot_id, col(SnapshotResponse.deleted_at).is_(None)
                )
            ).all()
        )
    return [s for s in list_statements(engine, partnership_id, retired=True) if s.retired_at is None or s.id in used]


def ratings(engine: Engine, snapshot_id: int, *, session: Session | None = None) -> dict[int, SnapshotRating]:
    """The agreed ratings in a snapshot, by statement id."""
    with read_session(engine, session=session) as session:
        rows = session.exec(select(SnapshotRating).where(SnapshotRating.snapshot_id == snapshot_id)).all()
        return {r.statement_id: r for r in rows}


_UNSET = object()


def _rating_value(kind: str, value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    valid = [p.value for p in scale(kind)]
    if number not in valid or (isinstance(value, float) and not value.is_integer()) or isinstance(value, bool):
        words = ", ".join(f"{p.value} {p.label}" for p in scale(kind))
        raise InvalidInput(f"{value!r} is not on the {kind} scale: use {words}.")
    return number


def rate_statement(
    engine: Engine,
    partnership_id: int,
    snapshot_id: int,
    statement_id: int,
    *,
    expected_version: int,
    author: Author,
    evidence_rating=_UNSET,
    progress_rating=_UNSET,
    evidence=_UNSET,
    strengths=_UNSET,
    development=_UNSET,
    session: Session | None = None,
) -> SnapshotRating:
    """Record the group's agreed view of one statement (only the fields given change).

    ``expected_version`` is the version the person loaded (0 when nothing was recorded yet); if
    someone has recorded a change since, nothing is overwritten: Conflict shows both."""
    values: dict = {}
    if evidence_rating is not _UNSET:
        values["evidence_rating"] = _rating_value("evidence", evidence_rating)
    if progress_rating is not _UNSET:
        values["progress_rating"] = _rating_value("progress", progress_rating)
    for name, value in (("evidence", evidence), ("strengths", strengths), ("development", development)):
        if value is not _UNSET:
            text = clean_text(value or "").strip()
            check_length(text, NOTE_LIMIT, f"'{TEXT_FIELDS[name]}'")
            values[name] = text
    conflict: Conflict | None = None
    with write_session(engine, session=session) as session:
        snap = load(session, Snapshot, snapshot_id, partnership_id, "snapshot")
        statement = load(session, SnapshotStatement, statement_id, partnership_id, "statement")
        row = session.exec(
            select(SnapshotRating)
            .where(SnapshotRating.snapshot_id == snap.id, SnapshotRating.statement_id == statement.id)
            .with_for_update()
        ).first()
        if row is None and expected_version == 0:
            if statement.retired_at is not None:
                raise NotFound("That statement has been retired, so it cannot be rated in this snapshot.")
            row = SnapshotRating(
                partnership_id=partnership_id, snapshot_id=snap.id, statement_id=statement.id, updated_by_name=author.name, **values
            )
            session.add(row)
            created(session, row, author=author, prompt_id="snapshot.rating")
            return row
        if row is None:
            raise NotFound("That rating no longer exists. Reload the page and rate the statement again.")
        conflict = update_checked(
            session,
            SnapshotRating,
            row,
            values,
            expected_version=expected_version,
            author=author,
            prompt_id="snapshot.rating",
            what="rating",
        )
    if conflict:
        raise conflict
    return row


# --- Results ------------------------------------------------------------------------------------


def responses(engine: Engine, snapshot_id: int, *, session: Session | None = None) -> list[SnapshotResponse]:
    with read_session(engine, session=session) as session:
        return list(
            session.exec(
                select(SnapshotResponse)
                .where(SnapshotResponse.snapshot_id == snapshot_id, col(SnapshotResponse.deleted_at).is_(None))
                .order_by(col(SnapshotResponse.id))
            ).all()
        )


def _response_ratings(engine: Engine, snapshot_id: int) -> list[tuple[int, int | None]]:
    """(statement id, rating) of each frontline response, as ``responses`` lists them: two columns
    read, not a thousand whole rows (the Word draft reads them for each snapshot summary)."""
    with read_session(engine) as session:
        return [
            (statement_id, rating)
            for statement_id, rating in session.exec(
                select(SnapshotResponse.statement_id, SnapshotResponse.rating)
                .where(SnapshotResponse.snapshot_id == snapshot_id, col(SnapshotResponse.deleted_at).is_(None))
                .order_by(col(SnapshotResponse.id))
            ).all()
        ]


def statement_table(engine: Engine, partnership_id: int, snapshot_id: int) -> pd.DataFrame:
    """One row per statement: the agreed ratings and notes, and the frontline average and count."""
    rated = ratings(engine, snapshot_id)
    front = pd.DataFrame(
        [{"statement_id": statement_id, "rating": rating} for statement_id, rating in _response_ratings(engine, snapshot_id)],
        columns=["statement_id", "rating"],
    )
    rows = []
    for s in snapshot_statements(engine, partnership_id, snapshot_id):
        r = rated.get(stored_id(s))
        mine = front[front.statement_id == s.id]["rating"].dropna()
        rows.append(
            {
                "statement_id": s.id,
                "Code": s.code,
                "Domain": domain_label(s.domain),
                "domain": s.domain,
                "Statement": s.text,
                "Retired": s.retired_at is not None,
                "evidence_rating": r.evidence_rating if r else None,
                "progress_rating": r.progress_rating if r else None,
                "Evidence rating": scale_label("evidence", r.evidence_rating if r else None),
                "Progress rating": scale_label("progress", r.progress_rating if r else None),
                "Evidence": r.evidence if r else "",
                "Strengths": r.strengths if r else "",
                "Areas for development": r.development if r else "",
                "Frontline average": round(float(mine.mean()), 2) if len(mine) else None,
                "Frontline ratings": int(len(mine)),
            }
        )
    return pd.DataFrame(rows)


def strategic_responses(engine: Engine, snapshot_id: int, *, session: Session | None = None) -> list[SnapshotStrategicResponse]:
    """The strategic professionals' survey responses imported into a snapshot (the live import)."""
    with read_session(engine, session=session) as session:
        return list(
            session.exec(
                select(SnapshotStrategicResponse)
                .where(SnapshotStrategicResponse.snapshot_id == snapshot_id, col(SnapshotStrategicResponse.deleted_at).is_(None))
                .order_by(col(SnapshotStrategicResponse.id))
            ).all()
        )


def strategic_answers(response: SnapshotStrategicResponse) -> dict[str, int | None]:
    """One response's ratings, question code -> 1 to 4 (None where left blank or 'don't know')."""
    try:
        data = json.loads(response.answers or "{}")
    except ValueError:
        return {}
    return {str(k): (int(v) if isinstance(v, int) else None) for k, v in data.items()} if isinstance(data, dict) else {}


def strategic_question_table(engine: Engine, snapshot_id: int) -> pd.DataFrame:
    """One row per question of the strategic survey: its domain, the average rating and how many answered."""
    answered = [strategic_answers(r) for r in strategic_responses(engine, snapshot_id)]
    rows = []
    for q in strategic_questions():
        values = [a[q.code] for a in answered if a.get(q.code) is not None]
        rows.append(
            {
                "Code": q.code,
                "Domain": domain_label(q.domain),
                "domain": q.domain,
                "Question": q.text,
                "Average (of 4)": round(sum(values) / len(values), 2) if values else None,  # type: ignore[arg-type]
                "Answers": len(values),
            }
        )
    return pd.DataFrame(rows)


def survey_comparison(engine: Engine, partnership_id: int, snapshot_id: int) -> pd.DataFrame:
    """By domain, the two surveys' answers side by side: the strategic professionals' average rating
    (every answer to the domain's questions) and how many answers, the frontline practitioners' average
    rating (every rating of the domain's statements) and how many, and the difference. Both on the
    progress scale, 1 to 4; the chart (``survey_figure``) draws these same figures."""
    questions = strategic_question_table(engine, snapshot_id)
    front = statement_table(engine, partnership_id, snapshot_id)
    out = []
    for d in domains():
        q = questions[questions.domain == d.id]
        s_n = int(q["Answers"].sum()) if not q.empty else 0
        s_mean = round(float((q["Average (of 4)"].fillna(0) * q["Answers"]).sum() / s_n), 2) if s_n else None
        f = front[front.domain == d.id] if not front.empty else front
        f_n = int(f["Frontline ratings"].sum()) if not f.empty else 0
        f_mean = round(float((f["Frontline average"].fillna(0) * f["Frontline ratings"]).sum() / f_n), 2) if f_n else None
        out.append(
            {
                "Domain": d.label,
                STRATEGIC_SURVEY_AVERAGE: s_mean,
                STRATEGIC_SURVEY_COUNT: s_n,
                FRONTLINE_SURVEY_AVERAGE: f_mean,
                FRONTLINE_SURVEY_COUNT: f_n,
                SURVEY_DIFFERENCE: round(s_mean - f_mean, 2) if s_mean is not None and f_mean is not None else None,
            }
        )
    return pd.DataFrame(out)


def survey_gap_findings(frame: pd.DataFrame) -> list[str]:
    """Plain sentences for each domain where the two surveys' averages differ by GAP_FLAG or more."""
    findings = []
    for _, row in frame.iterrows():
        gap = row[SURVEY_DIFFERENCE]
        if gap is None or pd.isna(gap) or abs(gap) < GAP_FLAG:
            continue
        higher, lower = (
            ("strategic professionals", "frontline practitioners") if gap > 0 else ("frontline practitioners", "strategic professionals")
        )
        findings.append(
            f"{row['Domain']}: in the surveys, {higher} answer higher than {lower} do "
            f"({row[STRATEGIC_SURVEY_AVERAGE]} against {row[FRONTLINE_SURVEY_AVERAGE]} out of 4)."
        )
    return findings


def survey_figure(frame: pd.DataFrame, title: str) -> go.Figure:
    """The strategic and frontline surveys' averages by domain, side by side (the figures of ``survey_comparison``)."""
    fig = go.Figure()
    for name, column, colour in (
        ("Strategic professionals' survey", STRATEGIC_SURVEY_AVERAGE, STRATEGIC_COLOUR),
        ("Frontline practitioners' survey", FRONTLINE_SURVEY_AVERAGE, FRONTLINE_COLOUR),
    ):
        fig.add_bar(name=name, x=frame["Domain"], y=frame[column], marker_color=colour, text=frame[column], textposition="outside")
    fig.update_layout(
        barmode="group",
        title=title,
        yaxis={"range": [0, 4.4], "title": "Average rating (1 to 4)"},
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 60, "b": 40},
        plot_bgcolor="white",
    )
    return fig


def domain_scores(engine: Engine, partnership_id: int, snapshot_id: int) -> pd.DataFrame:
    """By domain: statements, how many rated, the average agreed evidence and progress ratings,
    the score (per cent of the most the ratings could be), the RAG, the frontline average and the
    gap between the strategic and frontline views of progress."""
    table = statement_table(engine, partnership_id, snapshot_id)
    out = []
    for d in domains():
        part = table[table.domain == d.id] if not table.empty else table
        progress = part["progress_rating"].dropna() if not part.empty else pd.Series(dtype=float)
        evidence = part["evidence_rating"].dropna() if not part.empty else pd.Series(dtype=float)
        front_n = int(part["Frontline ratings"].sum()) if not part.empty else 0
        front_mean = None
        if front_n:
            weighted = (part["Frontline average"].fillna(0) * part["Frontline ratings"]).sum()
            front_mean = round(float(weighted / front_n), 2)
        p_mean = round(float(progress.mean()), 2) if len(progress) else None
        e_mean = round(float(evidence.mean()), 2) if len(evidence) else None
        both = list(progress) + list(evidence)
        score = round(100 * sum(both) / (4 * len(both))) if both else None
        gap = round(p_mean - front_mean, 2) if p_mean is not None and front_mean is not None else None
        out.append(
            {
                "domain": d.id,
                "Domain": d.label,
                "Statements": int(len(part)),
                "Rated": int(len(progress)),
                "Evidence (average of 4)": e_mean,
                "Progress (average of 4)": p_mean,
                "Score (%)": score,
                "rag": rag_for(p_mean),
                "RAG": RAG_LABELS[rag_for(p_mean)],
                "Frontline (average of 4)": front_mean,
                "Frontline ratings": front_n,
                "Gap (strategic minus frontline)": gap,
            }
        )
    return pd.DataFrame(out)


def gap_findings(scores: pd.DataFrame, language: str = "en", overrides: Mapping[str, str] | None = None) -> list[str]:
    """Plain sentences for each domain where the strategic and frontline views differ by GAP_FLAG or more,
    in ``language`` (the documents' phrases; the English is the one the workbook always printed)."""
    findings = []
    for _, row in scores.iterrows():
        gap = row["Gap (strategic minus frontline)"]
        if gap is None or pd.isna(gap) or abs(gap) < GAP_FLAG:
            continue
        leaders, frontline = "assess.strategic_leaders", "assess.frontline_practitioners"
        higher, lower = (leaders, frontline) if gap > 0 else (frontline, leaders)
        findings.append(
            phrase(
                "assess.snapshot_gap",
                language,
                overrides,
                domain=_domain_name(row, language),
                higher=Both(phrase(higher), phrase(higher, "cy", overrides)),
                lower=Both(phrase(lower), phrase(lower, "cy", overrides)),
                strategic=row["Progress (average of 4)"],
                frontline=row["Frontline (average of 4)"],
            )
        )
    return findings


def _domain_name(row, language: str) -> Both | str:
    """A domain's name for a sentence in ``language`` (its Welsh from snapshot_domains' label_cy)."""
    if language == "en":
        return str(row["Domain"])
    return Both(str(row["Domain"]), content().list_label("snapshot_domains", row["domain"], None, "cy"))


def comparison_figure(scores: pd.DataFrame, title: str) -> go.Figure:
    """Strategic and frontline averages by domain, side by side (the same figures as domain_scores)."""
    fig = go.Figure()
    fig.add_bar(
        name="Strategic (agreed progress)",
        x=scores["Domain"],
        y=scores["Progress (average of 4)"],
        marker_color=STRATEGIC_COLOUR,
        text=scores["Progress (average of 4)"],
        textposition="outside",
    )
    fig.add_bar(
        name="Frontline survey",
        x=scores["Domain"],
        y=scores["Frontline (average of 4)"],
        marker_color=FRONTLINE_COLOUR,
        text=scores["Frontline (average of 4)"],
        textposition="outside",
    )
    fig.update_layout(
        barmode="group",
        title=title,
        yaxis={"range": [0, 4.4], "title": "Average rating (1 to 4)"},
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 60, "b": 40},
        plot_bgcolor="white",
    )
    return fig


def compare_snapshots(engine: Engine, partnership_id: int, snapshot_ids: list[int] | None = None) -> pd.DataFrame:
    """Average agreed progress by domain (rows) in each snapshot (columns, oldest first)."""
    snaps = list_snapshots(engine, partnership_id)
    if snapshot_ids is not None:
        snaps = [s for s in snaps if s.id in snapshot_ids]
    frame = pd.DataFrame({"Domain": [d.label for d in domains()]})
    for s in snaps:
        scores = domain_scores(engine, partnership_id, stored_id(s))
        frame[s.title] = scores["Progress (average of 4)"].tolist()
    return frame


def trend_figure(frame: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for column in frame.columns[1:]:
        fig.add_bar(name=str(column), x=frame["Domain"], y=frame[column], text=frame[column], textposition="outside")
    fig.update_layout(
        barmode="group",
        title="Agreed progress by domain, snapshot by snapshot",
        yaxis={"range": [0, 4.4], "title": "Average progress (1 to 4)"},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def latest_summary(engine: Engine, partnership_id: int, language: str = "en", overrides: Mapping[str, str] | None = None) -> list[str]:
    """A few sentences on the latest snapshot for the Context chapter and the Word draft (empty if none),
    in ``language`` ("en", "cy" or "bilingual"; ``overrides``: the partnership's corrections of the Welsh)."""
    snaps = [s for s in list_snapshots(engine, partnership_id) if ratings(engine, stored_id(s))]
    if not snaps:
        return []
    snap = snaps[-1]
    scores = domain_scores(engine, partnership_id, stored_id(snap))
    rated = [r for _, r in scores.iterrows() if r["rag"]]
    english = "; ".join(f"{r['Domain']} {r['RAG'].lower()}" for r in rated)
    welsh = "; ".join(
        f"{content().list_label('snapshot_domains', r['domain'], None, 'cy')} {phrase('report.value.' + r['rag'], 'cy', overrides).lower()}"
        for r in rated
    )
    when: Both | str = ""
    if snap.held_on:  # a sentence: the date in words
        held = date.fromisoformat(snap.held_on)
        when = Both(f" ({uk_long_date(held)})", f" ({welsh_date(held)})")
    lines = [phrase("assess.snapshot", language, overrides, title=snap.title, when=when, ratings=Both(english, welsh))]
    lines += gap_findings(scores, language, overrides)
    return lines
