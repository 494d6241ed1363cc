"""Thematic multi-agency audits (Guide §15.2): the theme and period, the parts the audit drew on,
the audited cases (no identifying details: a reference the partnership chooses, the agencies
involved, a grade, strengths and learning), a staff survey, practice strengths, learning,
recommendations and the text of the briefing partnerships publish."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from strategy.core import palette
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput, NotFound
from strategy.core.identifying import reference_warning
from strategy.core.models import AuditCase, AuditSurveyResponse, ThematicAudit, stored_id
from strategy.core.revisions import created, ensure_partnership, load, set_removed, update_checked
from strategy.core.text import chart_escape, check_length, clean_text, normalise_name
from strategy.core.values import parse_date
from strategy.guide.content import content
from strategy.word.language import Both, phrase

THEME_LIMIT = 200
PERIOD_LIMIT = 60
REFERENCE_LIMIT = 40
AGENCIES_LIMIT = 500
TEXT_LIMIT = 20_000
#: The briefing's texts, in the order the briefing shows them. Lists are one item per line.
TEXT_FIELDS = {
    "one_thing": "If you do one thing",
    "leaders": "Key messages for strategic leaders and managers",
    "practitioners": "Key messages for practitioners",
    "data_review": "What the data review found",
    "case_reviews": "Learning from case reviews",
    "strengths": "Multi-agency practice strengths",
    "learning": "Learning identified",
    "findings": "Additional findings",
    "resources": "Resources to support practice",
}
GRADE_ORDER = ("outstanding", "good", "requires_improvement", "inadequate")
#: Marks a keyword argument not given (None is a value: it clears a date).
UNCHANGED: Any = object()


class IdentifyingReference(InvalidInput):
    """A case reference that looks as if it could identify a child; saving it needs confirming."""


@dataclass(frozen=True)
class AuditView:
    audit: ThematicAudit
    parts: list[str]
    texts: dict[str, str]


def parts_list() -> list[dict]:
    return list(content().reference("audit_parts").items)


def grades() -> list[dict]:
    return list(content().reference("audit_grades").items)


def grade_label(grade_id: str) -> str:
    return next((g["label"] for g in grades() if g["id"] == grade_id), grade_id or "Not graded")


def barrier_label(barrier_id: str) -> str:
    return next((b["label"] for b in content().reference("audit_barriers").items if b["id"] == barrier_id), barrier_id)


# --- Case references ----------------------------------------------------------------------------

# reference_warning lives in strategy.core.identifying, beside the check of longer text.


def _reference(reference: str, confirmed: bool) -> str:
    ref = normalise_name(reference)
    if not ref:
        raise InvalidInput("Give the case a reference the partnership chooses, such as 'Case 1' or 'A3'.")
    check_length(ref, REFERENCE_LIMIT, "The case reference")
    why = reference_warning(ref)
    if why and not confirmed:
        raise IdentifyingReference(
            f"The case reference '{ref}' may identify a child: {why}. This workbook is not a case record. "
            "Use a reference such as 'Case 1', or confirm that this reference cannot identify anyone."
        )
    return ref


# --- Audits -------------------------------------------------------------------------------------


def _parts(parts) -> list[str]:
    valid = [p["id"] for p in parts_list()]
    parts = list(parts or [])
    unknown = [p for p in parts if p not in valid]
    if unknown:
        raise InvalidInput(f"{', '.join(map(str, unknown))} is not a part of an audit: use {', '.join(valid)}.")
    return [p for p in valid if p in parts]


def _texts(texts: dict) -> dict[str, str]:
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise InvalidInput(f"An audit has no field {', '.join(sorted(unknown))}.")
    out = {}
    for key, value in texts.items():
        text = clean_text(value or "").strip()
        check_length(text, TEXT_LIMIT, f"'{TEXT_FIELDS[key]}'")
        out[key] = text
    return out


def _theme(theme: str) -> str:
    theme = normalise_name(theme)
    if not theme:
        raise InvalidInput("Give the audit a theme, such as 'The multi-agency response to child sexual abuse'.")
    check_length(theme, THEME_LIMIT, "The theme")
    return theme


def _period(period: str) -> str:
    period = normalise_name(period or "")
    check_length(period, PERIOD_LIMIT, "The period")
    return period


def create_audit(
    engine: Engine,
    partnership_id: int,
    *,
    theme: str,
    author: Author,
    period: str = "",
    parts=(),
    texts: dict | None = None,
    held_on=None,
    session: Session | None = None,
) -> ThematicAudit:
    theme, period, parts, texts = _theme(theme), _period(period), _parts(parts), _texts(texts or {})
    held = parse_date(held_on, what="The date of the audit")
    with write_session(engine, session=session) as session:
        ensure_partnership(session, partnership_id)
        audit = ThematicAudit(
            partnership_id=partnership_id,
            theme=theme,
            period=period,
            parts_json=json.dumps(parts),
            fields_json=json.dumps(texts, ensure_ascii=False),
            held_on=held,
            updated_by_name=author.name,
        )
        session.add(audit)
        created(session, audit, author=author, prompt_id="audit")
        return audit


def list_audits(engine: Engine, partnership_id: int, *, deleted: bool = False, session: Session | None = None) -> list[ThematicAudit]:
    with read_session(engine, session=session) as session:
        q = select(ThematicAudit).where(ThematicAudit.partnership_id == partnership_id)
        q = q.where(col(ThematicAudit.deleted_at).is_not(None) if deleted else col(ThematicAudit.deleted_at).is_(None))
        return list(session.exec(q.order_by(col(ThematicAudit.id))).all())


def view(audit: ThematicAudit) -> AuditView:
    return AuditView(audit, json.loads(audit.parts_json or "[]"), json.loads(audit.fields_json or "{}"))


def get_audit(engine: Engine, partnership_id: int, audit_id: int, *, session: Session | None = None) -> ThematicAudit:
    with read_session(engine, session=session) as session:
        return load(session, ThematicAudit, audit_id, partnership_id, "audit")


def find_audit(engine: Engine, partnership_id: int, name: str) -> ThematicAudit:
    """An audit by its theme (ignoring case) or its number in the list."""
    audits = list_audits(engine, partnership_id)
    if not audits:
        raise NotFound("This partnership has no thematic audit yet. Add one on the Thematic audits page.")
    key = normalise_name(name).casefold()
    for n, a in enumerate(audits, start=1):
        if key in (a.theme.casefold(), str(n), str(a.id)):
            return a
    raise NotFound(f"There is no audit '{name}'. The audits are: {'; '.join(a.theme for a in audits)}.")


def update_audit(
    engine: Engine,
    partnership_id: int,
    audit_id: int,
    *,
    expected_version: int,
    author: Author,
    theme: str | None = None,
    period: str | None = None,
    parts=None,
    texts: dict | None = None,
    held_on=UNCHANGED,
    session: Session | None = None,
) -> ThematicAudit:
    """Change the audit's details or briefing texts (only those given), version-checked. ``held_on``
    (the audit's date, day first) can be cleared with None."""
    held = None if held_on is UNCHANGED else parse_date(held_on, what="The date of the audit")
    with write_session(engine, session=session) as session:
        audit = load(session, ThematicAudit, audit_id, partnership_id, "audit", lock=True)
        values: dict[str, str | None] = {}
        if theme is not None:
            values["theme"] = _theme(theme)
        if period is not None:
            values["period"] = _period(period)
        if parts is not None:
            values["parts_json"] = json.dumps(_parts(parts))
        if texts is not None:
            merged = {**json.loads(audit.fields_json or "{}"), **_texts(texts)}
            values["fields_json"] = json.dumps(merged, ensure_ascii=False)
        if held_on is not UNCHANGED:
            values["held_on"] = held
        conflict = update_checked(
            session, ThematicAudit, audit, values, expected_version=expected_version, author=author, prompt_id="audit", what="audit"
        )
    if conflict:
        raise conflict
    return audit


def remove_audit(
    engine: Engine, partnership_id: int, audit_id: int, *, author: Author, restore: bool = False, session: Session | None = None
) -> ThematicAudit:
    with write_session(engine, session=session) as session:
        audit = load(session, ThematicAudit, audit_id, partnership_id, "audit", live=False)
        set_removed(session, audit, not restore, author=author, prompt_id="audit")
        return audit


# --- Audited cases ------------------------------------------------------------------------------


def factors_list() -> list[dict]:
    """The listed factors (data/reference/audit_factors.yaml)."""
    return list(content().reference("audit_factors").items)


def audit_factors(audit: ThematicAudit) -> dict[str, str]:
    """Every factor this audit counts, id to label: the listed ones, then the partnership's own."""
    own = json.loads(audit.factors_json or "[]")
    return {**{f["id"]: f["label"] for f in factors_list()}, **{f["id"]: f["label"] for f in own}}


def case_factors(case: AuditCase) -> list[str]:
    return list(json.loads(case.factors_json or "[]"))


def _factors(audit: ThematicAudit, factors) -> str:
    known = audit_factors(audit)
    chosen = list(dict.fromkeys(factors or []))
    unknown = [f for f in chosen if f not in known]
    if unknown:
        raise InvalidInput(
            f"{', '.join(map(str, unknown))} is not a factor this audit counts. Add it as the partnership's own factor first."
        )
    return json.dumps([f for f in known if f in chosen])


def _case_values(reference, agencies, grade, strengths, learning, confirmed) -> dict:
    values = {"reference": _reference(reference, confirmed)}
    values["agencies"] = normalise_name(agencies or "")
    check_length(values["agencies"], AGENCIES_LIMIT, "The agencies involved")
    if grade not in ("", None) and grade not in GRADE_ORDER:
        raise InvalidInput(f"{grade!r} is not a grade: use {', '.join(grade_label(g) for g in GRADE_ORDER)}.")
    values["grade"] = grade or ""
    for key, text in (("strengths", strengths), ("learning", learning)):
        values[key] = clean_text(text or "").strip()
        check_length(values[key], TEXT_LIMIT, f"The case's {key}")
    return values


def add_case(
    engine: Engine,
    partnership_id: int,
    audit_id: int,
    *,
    reference: str,
    author: Author,
    agencies: str = "",
    grade: str = "",
    strengths: str = "",
    learning: str = "",
    confirmed: bool = False,
    factors=(),
    session: Session | None = None,
) -> AuditCase:
    """Record one audited case. A reference that looks identifying raises IdentifyingReference
    unless ``confirmed``; a reference already used in the audit is refused. ``factors``: the ids of
    the factors present (listed or the audit's own)."""
    values = _case_values(reference, agencies, grade, strengths, learning, confirmed)
    with write_session(engine, session=session) as session:
        audit = load(session, ThematicAudit, audit_id, partnership_id, "audit")
        _unique_reference(session, audit_id, values["reference"], None)
        values["factors_json"] = _factors(audit, factors)
        case = AuditCase(partnership_id=partnership_id, audit_id=audit_id, updated_by_name=author.name, **values)
        session.add(case)
        created(session, case, author=author, prompt_id="audit.case")
        return case


def _unique_reference(session, audit_id: int, reference: str, case_id: int | None) -> None:
    same = session.exec(select(AuditCase).where(AuditCase.audit_id == audit_id, col(AuditCase.deleted_at).is_(None))).all()
    if any(c.reference.casefold() == reference.casefold() and c.id != case_id for c in same):
        raise InvalidInput(f"This audit already has a case '{reference}'. Give each case its own reference.")


def update_case(
    engine: Engine,
    partnership_id: int,
    case_id: int,
    *,
    expected_version: int,
    author: Author,
    reference: str,
    agencies: str = "",
    grade: str = "",
    strengths: str = "",
    learning: str = "",
    confirmed: bool = False,
    factors=None,
    session: Session | None = None,
) -> AuditCase:
    """Change a case, version-checked; ``factors`` None leaves its factors as they are."""
    values = _case_values(reference, agencies, grade, strengths, learning, confirmed)
    with write_session(engine, session=session) as session:
        case = load(session, AuditCase, case_id, partnership_id, "case", lock=True)
        _unique_reference(session, case.audit_id, values["reference"], case.id)
        if factors is not None:
            values["factors_json"] = _factors(load(session, ThematicAudit, case.audit_id, partnership_id, "audit"), factors)
        conflict = update_checked(
            session, AuditCase, case, values, expected_version=expected_version, author=author, prompt_id="audit.case", what="case"
        )
    if conflict:
        raise conflict
    return case


def remove_case(
    engine: Engine, partnership_id: int, case_id: int, *, author: Author, restore: bool = False, session: Session | None = None
) -> AuditCase:
    with write_session(engine, session=session) as session:
        case = load(session, AuditCase, case_id, partnership_id, "case", live=False)
        set_removed(session, case, not restore, author=author, prompt_id="audit.case")
        return case


def list_cases(engine: Engine, audit_id: int, *, deleted: bool = False, session: Session | None = None) -> list[AuditCase]:
    with read_session(engine, session=session) as session:
        q = select(AuditCase).where(AuditCase.audit_id == audit_id)
        q = q.where(col(AuditCase.deleted_at).is_not(None) if deleted else col(AuditCase.deleted_at).is_(None))
        return list(session.exec(q.order_by(col(AuditCase.id))).all())


def grade_table(cases: list[AuditCase]) -> pd.DataFrame:
    counts = {g: sum(1 for c in cases if c.grade == g) for g in GRADE_ORDER}
    ungraded = sum(1 for c in cases if not c.grade)
    rows = [{"Grade": grade_label(g), "Cases": n} for g, n in counts.items()]
    if ungraded:
        rows.append({"Grade": "Not graded", "Cases": ungraded})
    return pd.DataFrame(rows)


def grade_figure(table: pd.DataFrame) -> go.Figure:
    colours = {g["label"]: g.get("colour", palette.GREY) for g in grades()}
    fig = go.Figure(
        go.Bar(
            x=table["Grade"],
            y=table["Cases"],
            text=table["Cases"],
            textposition="outside",
            marker_color=[colours.get(g, palette.GREY) for g in table["Grade"]],
        )
    )
    fig.update_layout(title="Audited cases by grade", yaxis={"title": "Cases", "dtick": 1}, plot_bgcolor="white")
    return fig


# --- The staff survey ---------------------------------------------------------------------------


def survey_responses(engine: Engine, audit_id: int, *, session: Session | None = None) -> list[AuditSurveyResponse]:
    with read_session(engine, session=session) as session:
        return list(
            session.exec(
                select(AuditSurveyResponse)
                .where(AuditSurveyResponse.audit_id == audit_id, col(AuditSurveyResponse.deleted_at).is_(None))
                .order_by(col(AuditSurveyResponse.id))
            ).all()
        )


@dataclass(frozen=True)
class SurveySummary:
    responses: int
    aware: int
    aware_answered: int
    used: int
    used_answered_aware: int
    confidence: pd.DataFrame
    barriers: pd.DataFrame

    @property
    def aware_percent(self) -> int | None:
        return round(100 * self.aware / self.aware_answered) if self.aware_answered else None

    @property
    def used_percent_of_aware(self) -> int | None:
        return round(100 * self.used / self.used_answered_aware) if self.used_answered_aware else None


def survey_summary(rows: list[AuditSurveyResponse]) -> SurveySummary:
    """Awareness and use of the strategy and toolkit, confidence by agency, and what stops use."""
    frame = pd.DataFrame(
        [{"agency": r.agency, "identify": r.confidence_identify, "respond": r.confidence_respond} for r in rows],
        columns=["agency", "identify", "respond"],
    )
    confidence = pd.DataFrame(columns=["Agency", "Responses", "Identifying (average of 5)", "Responding (average of 5)"])
    if not frame.empty:
        grouped = frame.groupby("agency", sort=True)
        confidence = pd.DataFrame(
            {
                "Agency": list(grouped.groups),
                "Responses": grouped.size().tolist(),
                "Identifying (average of 5)": [round(float(v), 1) if pd.notna(v) else None for v in grouped["identify"].mean().tolist()],
                "Responding (average of 5)": [round(float(v), 1) if pd.notna(v) else None for v in grouped["respond"].mean().tolist()],
            }
        )
    counts: dict[str, int] = {}
    for r in rows:
        if r.barrier:
            counts[r.barrier] = counts.get(r.barrier, 0) + 1
    barriers = pd.DataFrame(
        [{"What stops use": barrier_label(b), "Responses": n} for b, n in sorted(counts.items(), key=lambda kv: -kv[1])],
        columns=["What stops use", "Responses"],
    )
    aware_rows = [r for r in rows if r.aware_strategy is not None]
    aware = [r for r in aware_rows if r.aware_strategy]
    used_rows = [r for r in aware if r.used_toolkit is not None]
    return SurveySummary(
        len(rows), len(aware), len(aware_rows), sum(1 for r in used_rows if r.used_toolkit), len(used_rows), confidence, barriers
    )


def confidence_figure(summary: SurveySummary) -> go.Figure:
    t = summary.confidence
    fig = go.Figure()
    fig.add_bar(
        name="Identifying",
        x=t["Agency"].map(chart_escape),
        y=t["Identifying (average of 5)"],
        marker_color=palette.NAVY,
        text=t["Identifying (average of 5)"],
        textposition="outside",
    )
    fig.add_bar(
        name="Responding",
        x=t["Agency"].map(chart_escape),
        y=t["Responding (average of 5)"],
        marker_color=palette.AMBER,
        text=t["Responding (average of 5)"],
        textposition="outside",
    )
    fig.update_layout(
        barmode="group",
        title="Confidence in identifying and responding, by agency",
        yaxis={"range": [0, 5.5], "title": "Average (1 to 5)"},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def barrier_figure(summary: SurveySummary) -> go.Figure:
    t = summary.barriers
    fig = go.Figure(
        go.Bar(
            x=t["Responses"],
            y=t["What stops use"].map(chart_escape),
            orientation="h",
            marker_color=palette.NAVY,
            text=t["Responses"],
            textposition="outside",
        )
    )
    fig.update_layout(
        title="What stops practitioners using the strategy and toolkit",
        plot_bgcolor="white",
        yaxis={"autorange": "reversed"},
        xaxis={"title": "Responses", "dtick": 1},
        margin={"l": 320},
    )
    return fig


def awareness_sentence(summary: SurveySummary, language: str = "en", overrides: Mapping[str, str] | None = None) -> str:
    """The staff survey in a few sentences, in ``language`` (the documents' phrases)."""
    if not summary.responses:
        return ""
    parts = [phrase("assess.survey_answered", language, overrides, count=summary.responses)]
    if summary.aware_percent is not None:
        if summary.used_percent_of_aware is not None:
            parts.append(phrase("assess.aware_used", language, overrides, aware=summary.aware_percent, used=summary.used_percent_of_aware))
        else:
            parts.append(phrase("assess.aware", language, overrides, aware=summary.aware_percent))
    if not summary.barriers.empty:
        top = summary.barriers.iloc[0]
        found = next((b["id"] for b in content().reference("audit_barriers").items if b["label"] == top["What stops use"]), None)
        english = str(top["What stops use"])
        barrier = Both(english, content().list_label("audit_barriers", found, None, "cy") if found is not None else english)
        parts.append(phrase("assess.top_barrier", language, overrides, barrier=barrier, count=top["Responses"]))
    return " ".join(parts)


def latest_summary(engine: Engine, partnership_id: int, language: str = "en", overrides: Mapping[str, str] | None = None) -> list[str]:
    """A few sentences on the latest thematic audit for the Context chapter and the Word draft, in
    ``language`` ("en", "cy" or "bilingual"; ``overrides``: the partnership's corrections of the Welsh)."""
    if language == "bilingual":  # each sentence in Welsh, then in English
        both = zip(latest_summary(engine, partnership_id, "cy", overrides), latest_summary(engine, partnership_id), strict=True)
        return [f"{welsh}\n{english}" for welsh, english in both]
    audits = list_audits(engine, partnership_id)
    if not audits:
        return []
    audit = audits[-1]
    cases = list_cases(engine, stored_id(audit))
    key = "assess.audit_one" if len(cases) == 1 else "assess.audit_many"
    period = f" ({audit.period})" if audit.period else ""
    line = phrase(key, language, overrides, theme=audit.theme, period=period, count=len(cases))
    if cases:
        counts = [(g, sum(1 for c in cases if c.grade == g)) for g in GRADE_ORDER]
        counts.append(("", sum(1 for c in cases if not c.grade)))

        def grade_words(lang: str) -> str:
            def name(grade: str) -> str:
                if not grade:
                    return phrase("assess.not_graded", lang, overrides)
                return content().list_label("audit_grades", grade, None, lang) if lang == "cy" else grade_label(grade)

            return ", ".join(f"{name(g).lower()} {n}" for g, n in counts if n)

        line += phrase("assess.audit_grades", language, overrides, grades=grade_words(language))
    lines = [line]
    sentence = awareness_sentence(survey_summary(survey_responses(engine, stored_id(audit))), language, overrides)
    if sentence:
        lines.append(sentence)
    return lines
