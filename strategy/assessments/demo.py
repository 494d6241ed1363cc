"""The demo partnership's snapshot (strategic ratings for every statement, a frontline survey) and
thematic audit (ten cases, a staff survey, briefing texts, recommendations), from
data/demo_snapshot.yaml and the two CSV files beside it. Loading again changes nothing: each part
is written only where it differs from the file."""

from __future__ import annotations

import yaml
from sqlalchemy.engine import Engine

from strategy.assessments import audit as au
from strategy.assessments import snapshot as sn
from strategy.assessments.io import import_audit_survey, import_snapshot_survey, preview_audit_survey, preview_snapshot_survey
from strategy.assessments.recommendations import (
    add_recommendation,
    list_recommendations,
    recommendation_to_action,
    remove_recommendation,
)
from strategy.core.authors import Author
from strategy.core.errors import NotFound
from strategy.core.models import stored_id
from strategy.core.settings import DATA_DIR
from strategy.plan.operations import load_plan

DEMO_FILE = DATA_DIR / "demo_snapshot.yaml"
SNAPSHOT_SURVEY = DATA_DIR / "demo_snapshot_survey.csv"
AUDIT_SURVEY = DATA_DIR / "demo_audit_survey.csv"


def load() -> dict:
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))


def ensure_snapshot_demo(engine: Engine, partnership_id: int, author: Author) -> None:
    data = load()
    _snapshot(engine, partnership_id, data["snapshot"], author)
    _audit(engine, partnership_id, data["audit"], author)


def _recommendations(engine: Engine, pid: int, wanted: list[dict], author: Author, **owner) -> None:
    current = list_recommendations(engine, pid, **owner)
    if [(r.text, r.domain) for r in current] != [(w["text"], w.get("domain", "")) for w in wanted]:
        for r in current:
            remove_recommendation(engine, pid, stored_id(r), author=author)
        for w in wanted:
            add_recommendation(engine, pid, text=w["text"], domain=w.get("domain", ""), author=author, **owner)
        current = list_recommendations(engine, pid, **owner)
    # Those with an `outcome` are already actions in the demo's plan (Guide §12: findings become actions).
    plan = load_plan(engine, pid)
    outcomes = {plan.code("outcome", o.id): stored_id(o) for o in plan.all_outcomes()}
    live_actions = {x.id for x in plan.all_actions()}
    for rec, w in zip(current, wanted, strict=True):
        if w.get("outcome") in outcomes and rec.action_id not in live_actions:
            recommendation_to_action(engine, pid, stored_id(rec), outcome_id=outcomes[w["outcome"]], author=author, **w.get("action", {}))


def _snapshot(engine: Engine, pid: int, spec: dict, author: Author) -> None:
    try:
        snap = sn.find_snapshot(engine, pid, spec["title"])
    except NotFound:
        snap = sn.create_snapshot(engine, pid, title=spec["title"], held_on=spec["held_on"], notes=spec.get("notes", ""), author=author)
    snap_id = stored_id(snap)
    statements = {s.code: s for s in sn.list_statements(engine, pid)}
    stored = sn.ratings(engine, snap_id)
    for code, (evidence_rating, progress_rating, evidence, strengths, development) in spec["ratings"].items():
        statement = statements[code]
        wanted = {
            "evidence_rating": evidence_rating,
            "progress_rating": progress_rating,
            "evidence": evidence,
            "strengths": strengths,
            "development": development,
        }
        current = stored.get(stored_id(statement))
        if current is None or any(getattr(current, k) != v for k, v in wanted.items()):
            sn.rate_statement(
                engine, pid, snap_id, stored_id(statement), expected_version=current.version if current else 0, author=author, **wanted
            )
    data = SNAPSHOT_SURVEY.read_bytes()
    wanted_rows = preview_snapshot_survey(engine, pid, snap_id, data, SNAPSHOT_SURVEY.name).rows
    have = [
        {"statement_id": r.statement_id, "rating": r.rating, "comment": r.comment, "agency": r.agency, "role": r.role}
        for r in sn.responses(engine, snap_id)
    ]
    if have != wanted_rows:
        import_snapshot_survey(engine, pid, snap_id, data, SNAPSHOT_SURVEY.name, author=author)
    _recommendations(engine, pid, spec.get("recommendations", []), author, snapshot_id=snap_id)


def _audit(engine: Engine, pid: int, spec: dict, author: Author) -> None:
    audit = next((a for a in au.list_audits(engine, pid) if a.theme == spec["theme"]), None)
    if audit is None:
        audit = au.create_audit(
            engine, pid, theme=spec["theme"], period=spec.get("period", ""), parts=spec["parts"], texts=spec["texts"], author=author
        )
    else:
        v = au.view(audit)
        texts = {k: t.strip() for k, t in spec["texts"].items()}
        if (audit.period, v.parts, v.texts) != (spec.get("period", ""), spec["parts"], texts):
            au.update_audit(
                engine,
                pid,
                stored_id(audit),
                expected_version=audit.version,
                author=author,
                period=spec.get("period", ""),
                parts=spec["parts"],
                texts=spec["texts"],
            )
    audit_id = stored_id(audit)
    cases = au.list_cases(engine, audit_id)
    wanted = [dict(zip(("reference", "agencies", "grade", "strengths", "learning"), c, strict=True)) for c in spec["cases"]]
    if [{k: getattr(c, k) for k in wanted[0]} for c in cases] != wanted:
        for c in cases:
            au.remove_case(engine, pid, stored_id(c), author=author)
        for w in wanted:
            au.add_case(engine, pid, audit_id, author=author, **w)
    data = AUDIT_SURVEY.read_bytes()
    wanted_rows = preview_audit_survey(data, AUDIT_SURVEY.name).rows
    have = [{k: getattr(r, k) for k in wanted_rows[0]} for r in au.survey_responses(engine, audit_id)]
    if have != wanted_rows:
        import_audit_survey(engine, pid, audit_id, data, AUDIT_SURVEY.name, author=author)
    _recommendations(
        engine, pid, [r if isinstance(r, dict) else {"text": r} for r in spec.get("recommendations", [])], author, audit_id=audit_id
    )
