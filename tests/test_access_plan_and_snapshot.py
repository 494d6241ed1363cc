"""Roles enforced on the plan, the snapshot, the thematic audit and their recommendations: every write
refuses a scrutineer, a viewer and a non-member, changes nothing, and is allowed for an editor."""

from __future__ import annotations

import pytest
from strategy.assessments import audit as au
from strategy.assessments import snapshot as sn
from strategy.assessments.io import import_audit_survey, import_snapshot_survey
from strategy.assessments.recommendations import (
    add_recommendation,
    recommendation_to_action,
    remove_recommendation,
    update_recommendation,
)
from strategy.core.authors import Author
from strategy.core.errors import NotAllowed
from strategy.core.settings import DATA_DIR
from strategy.people.partnerships import create_partnership
from strategy.plan.io import commit_import, preview_import

from strategy.plan import operations as P
from tests.people_support import member, snapshot

SYSTEM = Author(name="Workbook")
SNAPSHOT_CSV = (DATA_DIR / "templates" / "snapshot_survey_template.csv").read_bytes()
PLAN_CSV = (
    b"Strategic aim,Intended outcome,Action,Lead/responsible agency,Commencement,Completion\n"
    b"Keep children safe online,Parents know where to get help,Run sessions for parents,Harbourshire Council,"
    b"01/04/2026,31/03/2027\n"
)
AUDIT_CSV = (DATA_DIR / "templates" / "audit_staff_survey_template.csv").read_bytes()


@pytest.fixture
def world(engine):
    p = create_partnership(engine, name="Harbourshire", nation="england")
    P.add_agency(engine, p.id, "Harbourshire Council", author=SYSTEM)
    aim = P.add_aim(engine, p.id, title="Recognise abuse earlier", author=SYSTEM)
    other_aim = P.add_aim(engine, p.id, title="Support children to recover", author=SYSTEM)
    outcome = P.add_outcome(engine, p.id, aim_id=aim.id, title="More children identified", author=SYSTEM)
    other_outcome = P.add_outcome(engine, p.id, aim_id=other_aim.id, title="Shorter waits", author=SYSTEM)
    action = P.create_action(engine, p.id, outcome_id=outcome.id, title="Train staff", author=SYSTEM)
    measure = P.add_measure(engine, p.id, outcome_id=outcome.id, indicator="Children on plans", author=SYSTEM)
    statements = sn.ensure_statements(engine, p.id, author=SYSTEM)
    snap = sn.create_snapshot(engine, p.id, title="Snapshot 2026", author=SYSTEM)
    audit = au.create_audit(engine, p.id, theme="Sexual abuse in families", author=SYSTEM)
    case = au.add_case(engine, p.id, audit.id, reference="Case 1", author=SYSTEM)
    rec = add_recommendation(engine, p.id, text="Cut waits for therapy.", snapshot_id=snap.id, author=SYSTEM)
    people = {role: member(engine, p.id, role, role) for role in ("editor", "scrutineer", "viewer")}
    people["outsider"] = member(engine, None, None, "outsider")
    return {
        "p": p.id,
        "aim": aim,
        "outcome": outcome,
        "other_outcome": other_outcome,
        "action": action,
        "measure": measure,
        "statement": statements[0],
        "snap": snap,
        "audit": audit,
        "case": case,
        "rec": rec,
        **people,
    }


WRITES = {
    "add_agency": lambda e, w, a: P.add_agency(e, w["p"], "Harbourshire Police", author=a),
    "add_aim": lambda e, w, a: P.add_aim(e, w["p"], title="A third aim", author=a),
    "add_outcome": lambda e, w, a: P.add_outcome(e, w["p"], aim_id=w["aim"].id, title="Another outcome", author=a),
    "create_action": lambda e, w, a: P.create_action(e, w["p"], outcome_id=w["outcome"].id, title="Another", author=a),
    "add_measure": lambda e, w, a: P.add_measure(e, w["p"], outcome_id=w["outcome"].id, indicator="Waits", author=a),
    "update_aim": lambda e, w, a: P.update_aim(e, w["p"], w["aim"].id, expected_version=w["aim"].version, author=a, title="Renamed aim"),
    "update_action": lambda e, w, a: P.update_action(
        e, w["p"], w["action"].id, expected_version=w["action"].version, author=a, title="Renamed action"
    ),
    "update_measure": lambda e, w, a: P.update_measure(
        e, w["p"], w["measure"].id, expected_version=w["measure"].version, author=a, collator="Performance analyst"
    ),
    "move_outcome": lambda e, w, a: P.move_outcome(e, w["p"], w["outcome"].id, to_aim_id=w["other_outcome"].aim_id, author=a),
    "move_action": lambda e, w, a: P.move_action(e, w["p"], w["action"].id, to_outcome_id=w["other_outcome"].id, author=a),
    "reorder_aims": lambda e, w, a: P.move(e, w["p"], "aim", w["aim"].id, 1, author=a),
    "delete_aim": lambda e, w, a: P.delete(e, w["p"], "aim", w["aim"].id, author=a),
    "import_actions": lambda e, w, a: commit_import(e, w["p"], preview_import(e, w["p"], PLAN_CSV, "plan.csv"), author=a),
    "add_statement": lambda e, w, a: sn.add_statement(e, w["p"], domain="awareness", text="A statement", author=a),
    "retire_statement": lambda e, w, a: sn.retire_statement(e, w["p"], w["statement"].id, author=a),
    "create_snapshot": lambda e, w, a: sn.create_snapshot(e, w["p"], title="Snapshot 2027", author=a),
    "update_snapshot": lambda e, w, a: sn.update_snapshot(
        e, w["p"], w["snap"].id, expected_version=w["snap"].version, author=a, title="Renamed"
    ),
    "rate_statement": lambda e, w, a: sn.rate_statement(
        e, w["p"], w["snap"].id, w["statement"].id, expected_version=0, author=a, progress_rating=2
    ),
    "import_snapshot_survey": lambda e, w, a: import_snapshot_survey(e, w["p"], w["snap"].id, SNAPSHOT_CSV, "survey.csv", author=a),
    "create_audit": lambda e, w, a: au.create_audit(e, w["p"], theme="Another theme", author=a),
    "update_audit": lambda e, w, a: au.update_audit(e, w["p"], w["audit"].id, expected_version=w["audit"].version, author=a, period="2026"),
    "add_case": lambda e, w, a: au.add_case(e, w["p"], w["audit"].id, reference="Case 2", author=a),
    "update_case": lambda e, w, a: au.update_case(
        e, w["p"], w["case"].id, expected_version=w["case"].version, author=a, reference="Case 1", grade="good"
    ),
    "remove_case": lambda e, w, a: au.remove_case(e, w["p"], w["case"].id, author=a),
    "import_audit_survey": lambda e, w, a: import_audit_survey(e, w["p"], w["audit"].id, AUDIT_CSV, "survey.csv", author=a),
    "add_recommendation": lambda e, w, a: add_recommendation(e, w["p"], text="Another", snapshot_id=w["snap"].id, author=a),
    "update_recommendation": lambda e, w, a: update_recommendation(
        e, w["p"], w["rec"].id, expected_version=w["rec"].version, author=a, status="done"
    ),
    "remove_recommendation": lambda e, w, a: remove_recommendation(e, w["p"], w["rec"].id, author=a),
    "recommendation_to_action": lambda e, w, a: recommendation_to_action(e, w["p"], w["rec"].id, outcome_id=w["outcome"].id, author=a),
}


@pytest.mark.parametrize("operation", sorted(WRITES))
def test_every_plan_and_snapshot_write_refuses_those_who_may_not_write(engine, world, operation):
    before = snapshot(engine)
    for role in ("scrutineer", "viewer", "outsider"):
        with pytest.raises(NotAllowed) as refused:
            WRITES[operation](engine, world, world[role])
        assert refused.value.message, role
        assert snapshot(engine) == before, f"{operation} by a {role} changed what was stored"


@pytest.mark.parametrize("operation", sorted(WRITES))
def test_every_plan_and_snapshot_write_is_allowed_for_an_editor(engine, world, operation):
    before = snapshot(engine)
    WRITES[operation](engine, world, world["editor"])
    assert snapshot(engine) != before, f"{operation} by an editor stored nothing"
