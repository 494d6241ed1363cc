"""The demo partnership's snapshot (strategic ratings for every statement, a frontline survey and a
strategic professionals' survey) and
thematic audit (ten cases, a staff survey, briefing texts, recommendations), from
data/demo_snapshot.yaml and the two CSV files beside it. Loading again changes nothing: each part
is written only where it differs from the file."""

from __future__ import annotations

import yaml
from sqlalchemy.engine import Engine

from strategy.assessments import audit as au
from strategy.assessments import audit_depth as depth
from strategy.assessments import snapshot as sn
from strategy.assessments.io import (
    import_audit_survey,
    import_snapshot_survey,
    import_strategic_survey,
    preview_audit_survey,
    preview_snapshot_survey,
    preview_strategic_survey,
)
from strategy.assessments.recommendations import (
    add_recommendation,
    list_recommendations,
    list_responses,
    recommendation_to_action,
    remove_recommendation,
    save_response,
    update_recommendation,
)
from strategy.core.authors import Author
from strategy.core.errors import NotFound
from strategy.core.models import stored_id
from strategy.core.settings import DATA_DIR
from strategy.core.values import parse_date
from strategy.plan.operations import load_plan

DEMO_FILE = DATA_DIR / "demo_snapshot.yaml"
SNAPSHOT_SURVEY = DATA_DIR / "demo_snapshot_survey.csv"
#: The strategic professionals' survey, as Microsoft Forms exports it (ID, times, email and name columns included).
STRATEGIC_SURVEY = DATA_DIR / "demo_snapshot_strategic_survey.csv"
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
    data = STRATEGIC_SURVEY.read_bytes()
    wanted_strategic: list[dict[str, object]] = [
        {
            "agency": r["agency"],
            "role": r["role"],
            "comment": r["comment"],
            "answers": {k: v for k, v in r.items() if k not in ("agency", "role", "comment")},
        }
        for r in preview_strategic_survey(engine, pid, snap_id, data, STRATEGIC_SURVEY.name).rows
    ]
    have_strategic: list[dict[str, object]] = [
        {"agency": r.agency, "role": r.role, "comment": r.comment, "answers": sn.strategic_answers(r)}
        for r in sn.strategic_responses(engine, snap_id)
    ]
    if have_strategic != wanted_strategic:
        import_strategic_survey(engine, pid, snap_id, data, STRATEGIC_SURVEY.name, author=author)
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
    wanted_recs = [r if isinstance(r, dict) else {"text": r} for r in spec.get("recommendations", [])]
    _recommendations(engine, pid, wanted_recs, author, audit_id=audit_id)
    _audit_depth(engine, pid, audit_id, spec, wanted_recs, author)


def _audit_depth(engine: Engine, pid: int, audit_id: int, spec: dict, wanted_recs: list[dict], author: Author) -> None:
    """The audit's date, criteria, the partnership's own factors, each case's factors, and each
    recommendation's owner, due date, status and responses (issue 21); written only where they differ."""
    audit = au.get_audit(engine, pid, audit_id)
    held = parse_date(spec.get("held_on"))
    if audit.held_on != held:
        audit = au.update_audit(engine, pid, audit_id, expected_version=audit.version, author=author, held_on=held)
    own = set(au.audit_factors(audit).values())
    for label in spec.get("own_factors", []):
        if label not in own:
            depth.add_own_factor(engine, pid, audit_id, label=label, expected_version=audit.version, author=author)
            audit = au.get_audit(engine, pid, audit_id)
    plan = load_plan(engine, pid)
    outcomes = {plan.code("outcome", o.id): stored_id(o) for o in plan.all_outcomes()}
    wanted = [(c["text"], outcomes.get(c.get("outcome", "")), c.get("met"), c.get("audited")) for c in spec.get("criteria", [])]
    have = depth.list_criteria(engine, audit_id)
    if [(c.text, c.outcome_id, c.met, c.audited) for c in have] != wanted:
        for c in have:
            depth.remove_criterion(engine, pid, stored_id(c), author=author)
        for text, outcome_id, met, audited in wanted:
            depth.add_criterion(engine, pid, audit_id, text=text, outcome_id=outcome_id, met=met, audited=audited, author=author)
    ticks = spec.get("case_factors", {})
    for case in au.list_cases(engine, audit_id):
        factors = ticks.get(case.reference, [])
        if au.case_factors(case) != [f for f in au.audit_factors(audit) if f in factors]:
            au.update_case(
                engine,
                pid,
                stored_id(case),
                expected_version=case.version,
                author=author,
                reference=case.reference,
                agencies=case.agencies,
                grade=case.grade,
                strengths=case.strengths,
                learning=case.learning,
                factors=factors,
            )
    recs = list_recommendations(engine, pid, audit_id=audit_id)
    responses = list_responses(engine, pid, [stored_id(r) for r in recs])
    for rec, w in zip(recs, wanted_recs, strict=True):
        due = parse_date(w.get("due"))
        status = w.get("status", rec.status)
        if (rec.owner, rec.due_date, rec.status) != (w.get("owner", ""), due, status):
            update_recommendation(
                engine,
                pid,
                stored_id(rec),
                expected_version=rec.version,
                author=author,
                owner=w.get("owner", ""),
                due_date=due,
                status=status,
            )
        given = {(x.agency, x.text, x.responded_on, x.responded_by): x for x in responses.get(stored_id(rec), [])}
        by_agency = {x.agency: x for x in given.values()}
        for r in w.get("responses", []):
            key = (r["agency"], r["text"], parse_date(r.get("date")), r.get("by", ""))
            if key not in given:
                current = by_agency.get(r["agency"])
                save_response(
                    engine,
                    pid,
                    stored_id(rec),
                    agency=r["agency"],
                    text=r["text"],
                    responded_on=r.get("date"),
                    responded_by=r.get("by", ""),
                    expected_version=current.version if current else 0,
                    author=author,
                )
