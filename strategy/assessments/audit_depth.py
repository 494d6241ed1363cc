"""An audit in depth (Guide §15.2, the thematic audit; issue 21): criteria of what good looks like,
each optionally tied to one of the plan's intended outcomes, with how many of the cases audited met
it; the factors present in each audited case counted across the cases (the listed ones and the
partnership's own); and a count from the case audit recorded as a measure's reading in one step.

Nothing here holds a detail of a case: a case is known by the reference the partnership chose, and
a factor is a tick."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from strategy.assessments import audit as au
from strategy.assessments.recommendations import STATUSES, list_recommendations, list_responses
from strategy.core import palette
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput, NotFound
from strategy.core.models import AuditCase, AuditCriterion, MeasureReading, PlanMeasure, PlanOutcome, ThematicAudit, stored_id
from strategy.core.revisions import created, load, set_removed, update_checked
from strategy.core.text import chart_escape, check_length, clean_text, name_key, normalise_name, shorten
from strategy.core.values import parse_number, uk_day
from strategy.delivery.operations import add_reading, figure
from strategy.plan.operations import load_plan
from strategy.tabular.formulas import csv_bytes

CRITERION_LIMIT = 1000
FACTOR_LIMIT = 120
#: The most cases one audit can count (a sample, not a caseload).
CASES_LIMIT = 10_000
PROMPT_CRITERION = "audit.criterion"
UNCHANGED = au.UNCHANGED
_INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]")


def _blank(text: str) -> bool:
    """Nothing visible: empty, spaces, or only zero-width characters."""
    return not _INVISIBLE.sub("", text)


# --- Criteria -----------------------------------------------------------------------------------


def _criterion_text(text) -> str:
    clean = clean_text(text or "").strip()
    if _blank(clean):
        raise InvalidInput("Say what good looks like, such as 'The child's views were recorded'.")
    check_length(clean, CRITERION_LIMIT, "The criterion")
    return clean


def _count(value, what: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = parse_number(value, what=what, minimum=0, maximum=CASES_LIMIT)
    if number is None:
        return None
    if number != int(number):
        raise InvalidInput(f"{what} is {value}: a number of cases is a whole number. Nothing was saved.")
    return int(number)


def _counts(met, audited) -> tuple[int | None, int | None]:
    """The number of cases that met a criterion and of how many: both or neither, met never above audited."""
    m = _count(met, "The number of cases that met it")
    n = _count(audited, "The number of cases audited")
    if m is not None and n is None:
        raise InvalidInput("Say how many cases were audited as well as how many met the criterion. Nothing was saved.")
    if m is not None and n is not None and m > n:
        raise InvalidInput(
            f"The criterion is met in {m} cases but only {n} were audited: the number met cannot be more than "
            "the cases audited. Nothing was saved."
        )
    return m, n


def _outcome(session: Session, partnership_id: int, outcome_id) -> int | None:
    if outcome_id in (None, ""):
        return None
    outcome = session.get(PlanOutcome, int(outcome_id))
    if outcome is None or outcome.partnership_id != partnership_id or outcome.deleted_at is not None:
        raise NotFound("That intended outcome has been removed from the plan, so the criterion cannot be tied to it. Nothing was saved.")
    return stored_id(outcome)


def add_criterion(
    engine: Engine,
    partnership_id: int,
    audit_id: int,
    *,
    text: str,
    author: Author,
    outcome_id: int | None = None,
    met=None,
    audited=None,
    session: Session | None = None,
) -> AuditCriterion:
    """Add what good looks like to an audit, optionally tied to an intended outcome, with how many
    of the cases audited met it (``met`` of ``audited``; both or neither)."""
    clean = _criterion_text(text)
    m, n = _counts(met, audited)
    with write_session(engine, session=session) as session:
        load(session, ThematicAudit, audit_id, partnership_id, "audit")
        last = session.exec(select(func.max(AuditCriterion.position)).where(AuditCriterion.audit_id == audit_id)).one() or 0
        row = AuditCriterion(
            partnership_id=partnership_id,
            audit_id=audit_id,
            position=last + 1,
            text=clean,
            outcome_id=_outcome(session, partnership_id, outcome_id),
            met=m,
            audited=n,
            updated_by_name=author.name,
        )
        session.add(row)
        created(session, row, author=author, prompt_id=PROMPT_CRITERION)
        return row


def update_criterion(
    engine: Engine,
    partnership_id: int,
    criterion_id: int,
    *,
    expected_version: int,
    author: Author,
    text=UNCHANGED,
    outcome_id=UNCHANGED,
    met=UNCHANGED,
    audited=UNCHANGED,
    session: Session | None = None,
) -> AuditCriterion:
    """Change a criterion (only what is given), version-checked. ``met`` and ``audited`` go together."""
    values: dict = {}
    if text is not UNCHANGED:
        values["text"] = _criterion_text(text)
    if (met is UNCHANGED) != (audited is UNCHANGED):
        raise InvalidInput("Give how many cases met the criterion and how many were audited together.")
    if met is not UNCHANGED:
        values["met"], values["audited"] = _counts(met, audited)
    with write_session(engine, session=session) as session:
        row = load(session, AuditCriterion, criterion_id, partnership_id, "criterion", lock=True)
        if outcome_id is not UNCHANGED:
            values["outcome_id"] = _outcome(session, partnership_id, outcome_id)
        conflict = update_checked(
            session,
            AuditCriterion,
            row,
            values,
            expected_version=expected_version,
            author=author,
            prompt_id=PROMPT_CRITERION,
            what="criterion",
        )
    if conflict:
        raise conflict
    return row


def remove_criterion(
    engine: Engine, partnership_id: int, criterion_id: int, *, author: Author, restore: bool = False, session: Session | None = None
) -> AuditCriterion:
    with write_session(engine, session=session) as session:
        row = load(session, AuditCriterion, criterion_id, partnership_id, "criterion", live=False)
        set_removed(session, row, not restore, author=author, prompt_id=PROMPT_CRITERION)
        return row


def list_criteria(engine: Engine, audit_id: int, *, deleted: bool = False, session: Session | None = None) -> list[AuditCriterion]:
    with read_session(engine, session=session) as session:
        q = select(AuditCriterion).where(AuditCriterion.audit_id == audit_id)
        q = q.where(col(AuditCriterion.deleted_at).is_not(None) if deleted else col(AuditCriterion.deleted_at).is_(None))
        return list(session.exec(q.order_by(col(AuditCriterion.position), col(AuditCriterion.id))).all())


def outcome_choices(engine: Engine, partnership_id: int) -> dict[int, str]:
    """The plan's intended outcomes a criterion can be tied to: id to 'A1.O2 title'."""
    plan = load_plan(engine, partnership_id)
    return {stored_id(o): f"{plan.code('outcome', stored_id(o))} {o.title}" for o in plan.all_outcomes()}


def _percent(met: int | None, of: int | None) -> int | None:
    return round(100 * met / of) if met is not None and of else None


CRITERIA_COLUMNS = ["Criterion", "Intended outcome", "Cases that met it", "Cases audited", "Per cent"]


def criteria_table(engine: Engine, partnership_id: int, criteria: list[AuditCriterion]) -> pd.DataFrame:
    """Each criterion, the outcome it is tied to (or that the outcome has gone), and how many cases met it."""
    outcomes = outcome_choices(engine, partnership_id)
    rows = []
    for c in criteria:
        if c.outcome_id is None:
            outcome = ""
        else:
            outcome = outcomes.get(c.outcome_id, "(that outcome has been removed from the plan)")
        rows.append(
            {
                "Criterion": c.text,
                "Intended outcome": outcome,
                "Cases that met it": c.met,
                "Cases audited": c.audited,
                "Per cent": _percent(c.met, c.audited),
            }
        )
    return pd.DataFrame(rows, columns=CRITERIA_COLUMNS)


def criteria_figure(table: pd.DataFrame) -> go.Figure:
    """Horizontal bars: the share of cases audited that met each criterion, labelled 'n of m'."""
    counted = table[table["Cases audited"].notna()]
    fig = go.Figure(
        go.Bar(
            x=counted["Per cent"],
            y=[chart_escape(shorten(t, 70)) for t in counted["Criterion"]],
            orientation="h",
            marker_color=palette.NAVY,
            text=[f"{int(m)} of {int(n)}" for m, n in zip(counted["Cases that met it"], counted["Cases audited"], strict=True)],
            textposition="outside",
        )
    )
    fig.update_layout(
        title="Cases audited that met each criterion",
        plot_bgcolor="white",
        xaxis={"title": "Per cent of cases audited", "range": [0, 115]},
        yaxis={"autorange": "reversed"},
        margin={"l": 360},
    )
    return fig


# --- Factors counted across cases ---------------------------------------------------------------


def add_own_factor(
    engine: Engine,
    partnership_id: int,
    audit_id: int,
    *,
    label: str,
    expected_version: int,
    author: Author,
    session: Session | None = None,
) -> str:
    """Add a factor of the partnership's own to one audit (version-checked on the audit); returns its id."""
    clean = normalise_name(clean_text(label or ""))
    if _blank(clean):
        raise InvalidInput("Name the factor, such as 'Parent in prison'. Nothing was saved.")
    check_length(clean, FACTOR_LIMIT, "The factor's name")
    with write_session(engine, session=session) as session:
        audit = load(session, ThematicAudit, audit_id, partnership_id, "audit", lock=True)
        known = au.audit_factors(audit)
        same = next((v for v in known.values() if name_key(v) == name_key(clean)), None)
        if same is not None:
            raise InvalidInput(f"This audit already counts '{same}'. Nothing was added.")
        own = json.loads(audit.factors_json or "[]")
        numbers = [int(f["id"][3:]) for f in own if re.fullmatch(r"own\d+", f["id"])]
        factor_id = f"own{max(numbers, default=0) + 1}"
        values = {"factors_json": json.dumps([*own, {"id": factor_id, "label": clean}], ensure_ascii=False)}
        conflict = update_checked(
            session, ThematicAudit, audit, values, expected_version=expected_version, author=author, prompt_id="audit", what="audit"
        )
    if conflict:
        raise conflict
    return factor_id


def remove_own_factor(
    engine: Engine,
    partnership_id: int,
    audit_id: int,
    factor_id: str,
    *,
    expected_version: int,
    author: Author,
    session: Session | None = None,
) -> None:
    """Remove one of the partnership's own factors; refused while a case still has it ticked."""
    with write_session(engine, session=session) as session:
        audit = load(session, ThematicAudit, audit_id, partnership_id, "audit", lock=True)
        own = json.loads(audit.factors_json or "[]")
        if factor_id not in {f["id"] for f in own}:
            raise InvalidInput("Only a factor the partnership added can be removed; the listed ones stay.")
        cases = session.exec(select(AuditCase).where(AuditCase.audit_id == audit_id, col(AuditCase.deleted_at).is_(None))).all()
        ticked = [c.reference for c in cases if factor_id in au.case_factors(c)]
        if ticked:
            raise InvalidInput(
                f"'{au.audit_factors(audit)[factor_id]}' is ticked on {len(ticked)} case{'s' if len(ticked) != 1 else ''} "
                f"({', '.join(ticked)}). Untick it there first. Nothing was removed."
            )
        values = {"factors_json": json.dumps([f for f in own if f["id"] != factor_id], ensure_ascii=False)}
        conflict = update_checked(
            session, ThematicAudit, audit, values, expected_version=expected_version, author=author, prompt_id="audit", what="audit"
        )
    if conflict:
        raise conflict


FACTOR_COLUMNS = ["Factor", "Cases", "Cases audited", "Per cent"]


def factor_table(audit: ThematicAudit, cases: list[AuditCase]) -> pd.DataFrame:
    """How many of the audited cases had each factor present (every factor, zero included).
    No cases: no rows, since a count from no cases says nothing."""
    if not cases:
        return pd.DataFrame([], columns=FACTOR_COLUMNS)
    ticks = [set(au.case_factors(c)) for c in cases]
    rows = []
    for factor_id, label in au.audit_factors(audit).items():
        n = sum(1 for t in ticks if factor_id in t)
        rows.append({"Factor": label, "Cases": n, "Cases audited": len(cases), "Per cent": _percent(n, len(cases))})
    return pd.DataFrame(rows, columns=FACTOR_COLUMNS)


def factor_figure(table: pd.DataFrame) -> go.Figure:
    """Horizontal bars: the number of audited cases with each factor, most first."""
    t = table.sort_values("Cases", ascending=False, kind="stable")
    fig = go.Figure(
        go.Bar(
            x=t["Cases"],
            y=[chart_escape(v) for v in t["Factor"]],
            orientation="h",
            marker_color=palette.AMBER,
            text=[f"{n} of {m}" for n, m in zip(t["Cases"], t["Cases audited"], strict=True)],
            textposition="outside",
        )
    )
    fig.update_layout(
        title="Factors present across the audited cases",
        plot_bgcolor="white",
        xaxis={"title": "Cases", "dtick": 1},
        yaxis={"autorange": "reversed"},
        margin={"l": 320},
    )
    return fig


# --- A count from the case audit as a measure's reading -----------------------------------------


@dataclass(frozen=True)
class AuditCount:
    """One count an audit offers as a reading: ``key`` 'criterion:<id>' or 'factor:<id>'."""

    key: str
    label: str
    met: int | None
    of: int | None


def audit_counts(engine: Engine, partnership_id: int, audit_id: int, *, session: Session | None = None) -> list[AuditCount]:
    """Every criterion's and factor's count in one audit, as offered for a measure's reading."""
    with read_session(engine, session=session) as session:
        audit = load(session, ThematicAudit, audit_id, partnership_id, "audit")
        criteria = list_criteria(engine, audit_id, session=session)
        cases = au.list_cases(engine, audit_id, session=session)
    counts = [AuditCount(f"criterion:{c.id}", f"Criterion: {c.text}", c.met, c.audited) for c in criteria]
    ticks = [set(au.case_factors(c)) for c in cases]
    for factor_id, label in au.audit_factors(audit).items():
        counts.append(AuditCount(f"factor:{factor_id}", f"Factor: {label}", sum(1 for t in ticks if factor_id in t), len(cases)))
    return counts


def financial_year(day: date) -> str:
    """The financial year a day falls in: 31/03/2026 -> 2025/26, 01/04/2026 -> 2026/27."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def default_period(audit: ThematicAudit) -> str:
    """The period a reading from this audit is for by default: the financial year of its date."""
    return financial_year(date.fromisoformat(audit.held_on)) if audit.held_on else ""


def _reading_value(measure: PlanMeasure, met: int, of: int) -> str:
    """The count in the measure's own style: a per cent where its baseline or target is one, 'n of m'
    where they count out of a number, otherwise the number."""
    styles = f"{measure.baseline_value} {measure.target_value}"
    if "%" in styles or "per cent" in styles.lower():
        return f"{round(100 * met / of)}%"
    if re.search(r"\d\s+of\s+\d", styles) or figure(measure.baseline_value) is None and figure(measure.target_value) is None:
        return f"{met} of {of}"
    return str(met)


def record_audit_reading(
    engine: Engine,
    partnership_id: int,
    audit_id: int,
    *,
    measure_id: int,
    count: str,
    author: Author,
    period: str | None = None,
    today: date | None = None,
    session: Session | None = None,
) -> MeasureReading:
    """Record one criterion's or factor's count from the audit (``count``: a key of ``audit_counts``)
    as the measure's reading for the audit's period (by default the financial year of the audit's
    date), through the one way readings are added; its source and note say where it came from.
    Refused, with nothing stored, for a count from no cases, a criterion not yet counted, a measure
    removed since, or a period that already has a reading."""
    with write_session(engine, session=session) as tx:
        audit = load(tx, ThematicAudit, audit_id, partnership_id, "audit")
        chosen = next((c for c in audit_counts(engine, partnership_id, audit_id, session=tx) if c.key == count), None)
        if chosen is None:
            raise NotFound("That criterion or factor is no longer in this audit (someone may have removed it). Nothing was saved.")
        if not chosen.of:
            raise InvalidInput(
                "This audit has no cases recorded, so there is no count to record as a reading. Add the audited cases first. Nothing was saved."
                if count.startswith("factor:")
                else "This criterion has no count yet: say how many cases were audited and how many met it first. Nothing was saved."
            )
        assert chosen.met is not None  # counted: met and of go together
        label = (period or "").strip() or default_period(audit)
        if not label:
            raise InvalidInput(
                "Give the audit's date (under 'Theme, period and parts') or the period the reading is for, "
                "such as 2025/26. Nothing was saved."
            )
        measure = tx.get(PlanMeasure, measure_id)
        if measure is None or measure.partnership_id != partnership_id or measure.deleted_at is not None:
            raise NotFound(
                "That measure has been removed from the evaluation framework, so the reading was not saved. "
                "Restore the measure on the Evaluation framework page first."
            )
        when = f" ({uk_day(audit.held_on)})" if audit.held_on else ""
        note = (
            f"From the thematic audit '{audit.theme}'{when}: {chosen.label[0].lower()}{chosen.label[1:]}, "
            f"{chosen.met} of {chosen.of} cases audited."
        )
        return add_reading(
            engine,
            partnership_id,
            measure_id,
            period=label,
            value=_reading_value(measure, chosen.met, chosen.of),
            source=f"Thematic audit: {audit.theme}",
            note=note,
            author=author,
            today=today,
            session=tx,
        )


def measure_choices(engine: Engine, partnership_id: int) -> dict[int, str]:
    """The live measures a count can feed: id to 'A1.O2 indicator'."""
    plan = load_plan(engine, partnership_id)
    choices: dict[int, str] = {}
    for outcome in plan.all_outcomes():
        for m in plan.measures.get(stored_id(outcome), []):
            choices[stored_id(m)] = f"{plan.code('outcome', stored_id(outcome))} {m.indicator}"
    return choices


# --- The recommendations tracker as a file --------------------------------------------------------

TRACKER_COLUMNS = ["Recommendation", "Owner", "Due", "Status", "Agency", "Response", "Date of the response", "Given by"]


def tracker_rows(engine: Engine, partnership_id: int, audit_id: int) -> list[list[str]]:
    """One row per agency's response (a recommendation with none has one row with the response blank),
    for the report back to the independent chair and scrutineer."""
    recs = list_recommendations(engine, partnership_id, audit_id=audit_id)
    responses = list_responses(engine, partnership_id, [stored_id(r) for r in recs])
    rows = []
    for n, r in enumerate(recs, start=1):
        head = [f"{n}. {r.text}", r.owner, uk_day(r.due_date), STATUSES.get(r.status, r.status)]
        given = responses.get(stored_id(r), [])
        if not given:
            rows.append([*head, "", "", "", ""])
        rows += [[*head, x.agency, x.text, uk_day(x.responded_on), x.responded_by] for x in given]
    return rows


def tracker_csv(engine: Engine, partnership_id: int, audit_id: int) -> bytes:
    """The tracker as CSV; every cell guarded so that none runs as a formula in a spreadsheet."""
    return csv_bytes(TRACKER_COLUMNS, tracker_rows(engine, partnership_id, audit_id))
