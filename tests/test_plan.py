"""The plan (Guide §7, §12): aims -> outcomes -> actions and measures, on SQLite and PostgreSQL.
Codes stay stable, removal says what goes with it and can be undone, nothing is orphaned, every
change is version-checked and recorded, and bad input is refused with stored data unchanged."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from strategy.answers.operations import add_row
from strategy.core.db import read_session
from strategy.core.errors import Conflict, InvalidInput, NotFound
from strategy.core.models import PlanAction, Revision
from strategy.plan import operations as P


@pytest.fixture
def chain(engine, partnership, author):
    """Two aims; the first with two outcomes; three actions under the first outcome; one measure."""
    pid = partnership.id
    P.add_agency(engine, pid, "Harbourshire Police", author=author)
    P.add_agency(engine, pid, "Harbourshire Council", author=author)
    a1 = P.add_aim(engine, pid, title="Recognise more children, earlier", author=author)
    a2 = P.add_aim(engine, pid, title="A confident workforce", author=author)
    o1 = P.add_outcome(engine, pid, aim_id=a1.id, title="Practitioners recognise signs", author=author)
    o2 = P.add_outcome(engine, pid, aim_id=a1.id, title="Schools are in the pathway", author=author)
    actions = [
        P.create_action(
            engine,
            pid,
            outcome_id=o1.id,
            title=f"Action {i}",
            author=author,
            leads=["Harbourshire Police"],
            start_date="01/04/2026",
            end_date="31/03/2027",
        )
        for i in range(1, 4)
    ]
    measure = P.add_measure(
        engine,
        pid,
        outcome_id=o1.id,
        indicator="Children assessed",
        author=author,
        baseline_value="412",
        baseline_date="31/03/2025",
        target_value="600",
        target_date="31/03/2029",
        frequency="quarterly",
    )
    return {"pid": pid, "a1": a1, "a2": a2, "o1": o1, "o2": o2, "actions": actions, "measure": measure}


def codes(engine, pid):
    plan = P.load_plan(engine, pid)
    return {(kind, row_id): code for (kind, row_id), code in plan.codes.items()}


def test_codes_follow_the_chain_and_stay_put_when_others_change(engine, chain, author):
    pid, o1 = chain["pid"], chain["o1"]
    plan = P.load_plan(engine, pid)
    assert [plan.code("action", x.id) for x in chain["actions"]] == ["A1.O1.1", "A1.O1.2", "A1.O1.3"]
    assert plan.code("outcome", chain["o2"].id) == "A1.O2" and plan.code("aim", chain["a2"].id) == "A2"
    assert plan.code("measure", chain["measure"].id) == "A1.O1.M1"
    P.delete(engine, pid, "action", chain["actions"][1].id, author=author)
    new = P.create_action(engine, pid, outcome_id=o1.id, title="Action 4", author=author)
    P.move(engine, pid, "aim", chain["a2"].id, -1, author=author)
    plan = P.load_plan(engine, pid)
    assert plan.code("action", chain["actions"][2].id) == "A1.O1.3"
    assert plan.code("action", new.id) == "A1.O1.4"  # number 2 is never reused
    assert [a.title for a in plan.aims] == ["A confident workforce", "Recognise more children, earlier"]
    assert plan.code("aim", chain["a1"].id) == "A1"  # reordering changes order, not codes


def test_moving_an_outcome_takes_its_actions_and_gives_it_the_new_aims_code(engine, chain, author):
    pid = chain["pid"]
    P.move_outcome(engine, pid, chain["o1"].id, to_aim_id=chain["a2"].id, author=author)
    plan = P.load_plan(engine, pid)
    assert plan.code("outcome", chain["o1"].id) == "A2.O1"
    assert [plan.code("action", x.id) for x in plan.actions[chain["o1"].id]] == ["A2.O1.1", "A2.O1.2", "A2.O1.3"]
    assert plan.code("outcome", chain["o2"].id) == "A1.O2"  # the others keep theirs
    with read_session(engine) as session:
        moved = session.exec(select(Revision).where(Revision.prompt_id == "plan.outcome", Revision.action == "move")).one()
    assert (moved.old_value, moved.new_value) == ("A1.O1", "A2.O1")


def test_removing_an_aim_says_what_goes_with_it_and_undo_brings_all_back(engine, chain, author):
    pid, a1 = chain["pid"], chain["a1"]
    assert P.deletion_impact(engine, pid, "aim", a1.id) == "2 outcomes, 3 actions and 1 measure"
    before = codes(engine, pid)
    assert P.delete(engine, pid, "aim", a1.id, author=author) == "2 outcomes, 3 actions and 1 measure"
    plan = P.load_plan(engine, pid)
    assert [a.title for a in plan.aims] == ["A confident workforce"] and plan.all_actions() == []
    assert [(r.kind, r.title) for r in P.removed(engine, pid)] == [("aim", "Recognise more children, earlier")]
    assert P.restore(engine, pid, "aim", a1.id, author=author) == "2 outcomes, 3 actions and 1 measure"
    assert codes(engine, pid) == before


def test_an_action_removed_on_its_own_stays_removed_when_its_aim_comes_back(engine, chain, author):
    pid = chain["pid"]
    P.delete(engine, pid, "action", chain["actions"][0].id, author=author)
    P.delete(engine, pid, "aim", chain["a1"].id, author=author)
    with pytest.raises(InvalidInput, match="Restore the strategic aim first"):
        P.restore(engine, pid, "outcome", chain["o1"].id, author=author)
    P.restore(engine, pid, "aim", chain["a1"].id, author=author)
    plan = P.load_plan(engine, pid)
    assert [x.title for x in plan.actions[chain["o1"].id]] == ["Action 2", "Action 3"]
    assert [(r.kind, r.title) for r in P.removed(engine, pid)] == [("action", "Action 1")]


def test_nothing_can_be_added_under_a_removed_outcome(engine, chain, author):
    pid = chain["pid"]
    P.delete(engine, pid, "outcome", chain["o2"].id, author=author)
    with pytest.raises(NotFound, match="removed that intended outcome"):
        P.create_action(engine, pid, outcome_id=chain["o2"].id, title="Orphan", author=author)
    with pytest.raises(NotFound, match="removed that intended outcome"):
        P.update_outcome(engine, pid, chain["o2"].id, expected_version=chain["o2"].version + 1, author=author, title="x")


@pytest.mark.parametrize(
    "title, message",
    [
        ("", "The aim's name is empty"),
        ("   \u00a0 ", "The aim's name is empty"),
        ("recognise MORE children,\u00a0 earlier", "already a strategic aim called 'Recognise more children, earlier' (A1)"),
        ("x" * 301, "the most it can hold is 300"),
    ],
)
def test_empty_and_duplicate_aim_names_are_refused(engine, chain, author, title, message):
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        P.add_aim(engine, chain["pid"], title=title, author=author)
    assert len(P.load_plan(engine, chain["pid"]).aims) == 2


def test_renaming_an_aim_to_another_aims_name_is_refused(engine, chain, author):
    a2 = chain["a2"]
    with pytest.raises(InvalidInput, match="already a strategic aim"):
        P.update_aim(engine, chain["pid"], a2.id, expected_version=a2.version, author=author, title=" RECOGNISE more children, earlier ")
    assert P.load_plan(engine, chain["pid"]).aims[1].title == "A confident workforce"


def test_a_second_edit_from_an_old_version_is_a_conflict_and_both_are_kept(engine, chain, author, other_author):
    pid, x = chain["pid"], chain["actions"][0]
    P.update_action(engine, pid, x.id, expected_version=x.version, author=author, status="in_progress")
    with pytest.raises(Conflict) as caught:
        P.update_action(engine, pid, x.id, expected_version=x.version, author=other_author, status="complete")
    assert "Sam Patel changed this action" in caught.value.message
    with read_session(engine) as session:
        stored = session.get(PlanAction, x.id)
        kept = session.exec(select(Revision).where(Revision.item_id == x.id, Revision.action == "conflict_copy")).one()
    assert stored.status == "in_progress" and stored.version == x.version + 1
    assert json.loads(kept.new_value) == {"status": "complete"} and kept.author_name == "Jo Evans"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"start_date": "31/02/2026"}, "not a real date"),
        ({"end_date": "2026-13-01"}, "not a real date"),
        ({"start_date": "01/01/1900"}, "between 2000 and 2099"),
        ({"end_date": "01/01/2100"}, "between 2000 and 2099"),
        ({"start_date": "01/04/2027", "end_date": "31/03/2027"}, "completion date 31/03/2027 is before the commencement date 01/04/2027"),
        ({"end_date": "01/01/2026"}, "completion date 01/01/2026 is before the commencement date 01/04/2026"),
        ({"title": "  "}, "The action is empty"),
        ({"component": "astrology"}, "The core component 'astrology' is not one of"),
        ({"recommendations": [7]}, "'7' is not one of the six"),
        ({"status": "finished-ish"}, "The status 'finished-ish' is not one of"),
    ],
)
def test_bad_action_fields_are_refused_and_nothing_changes(engine, chain, author, fields, message):
    pid, x = chain["pid"], chain["actions"][0]
    with pytest.raises(InvalidInput, match=message):
        P.update_action(engine, pid, x.id, expected_version=x.version, author=author, **fields)
    with read_session(engine) as session:
        stored = session.get(PlanAction, x.id)
    assert (stored.title, stored.start_date, stored.end_date, stored.version) == ("Action 1", "2026-04-01", "2027-03-31", x.version)


def test_a_lead_who_is_not_yet_an_agency_is_offered_for_adding(engine, chain, author):
    pid, o1 = chain["pid"], chain["o1"]
    with pytest.raises(P.UnknownAgency) as caught:
        P.create_action(engine, pid, outcome_id=o1.id, title="New thing", author=author, leads=["Harbour Light", "harbourshire  POLICE"])
    assert caught.value.names == ["Harbour Light"]
    assert "'Harbour Light' is not yet one of the partnership's agencies" in caught.value.message
    assert len(P.load_plan(engine, pid).actions[o1.id]) == 3
    P.add_agency(engine, pid, "Harbour Light", author=author)
    made = P.create_action(engine, pid, outcome_id=o1.id, title="New thing", author=author, leads=["Harbour Light", "harbourshire  POLICE"])
    assert P.leads(made) == ["Harbour Light", "Harbourshire Police"]  # as the partnership spells them


def test_the_partnerships_agencies_come_from_the_shared_vision_and_the_plan(engine, partnership, author):
    add_row(engine, partnership.id, "vision.contributions", {"agency": "Harbourshire Council"}, author=author)
    add_row(engine, partnership.id, "vision.steering_group", {"name": "Chair", "agency": "harbourshire  council"}, author=author)
    add_row(engine, partnership.id, "vision.steering_group", {"name": "Member", "agency": "Harbour ICB"}, author=author)
    P.add_agency(engine, partnership.id, "Harbour Light", author=author)
    assert P.agencies(engine, partnership.id) == ["Harbourshire Council", "Harbour ICB", "Harbour Light"]
    assert P.add_agency(engine, partnership.id, "HARBOUR light", author=author) == "Harbour Light"
    assert len(P.agencies(engine, partnership.id)) == 3


def test_checks_name_every_gap(engine, chain, author):
    pid = chain["pid"]
    x = chain["actions"][0]
    P.update_action(engine, pid, x.id, expected_version=x.version, author=author, leads=[], start_date="", end_date="")
    found = {(f.kind, f.code) for f in P.plan_checks(P.load_plan(engine, pid))}
    assert ("no_outcome", "A2") in found
    assert ("no_action", "A1.O2") in found and ("no_measure", "A1.O2") in found
    assert ("no_lead", "A1.O1.1") in found and ("no_dates", "A1.O1.1") in found
    assert {("rec_unanswered", f"R{n}") for n in range(1, 7)} <= found
    assert ("no_measure", "A1.O1") not in found and ("no_lead", "A1.O1.2") not in found


def test_create_action_is_the_one_way_in_for_other_features(engine, chain, author):
    made = P.create_action(
        engine,
        chain["pid"],
        outcome_id=chain["o2"].id,
        title="Audit recommendation 5 as an action",
        author=author,
        origin="audit recommendation 5",
        recommendations=["rec5", 2],
        component="identification",
        leads="Harbourshire Council",
        when_text="2026/27",
        stage="high",
    )
    plan = P.load_plan(engine, chain["pid"])
    assert plan.code("action", made.id) == "A1.O2.1"
    assert (made.origin, P.recommendations(made), P.leads(made)) == ("audit recommendation 5", ["rec2", "rec5"], ["Harbourshire Council"])
    with read_session(engine) as session:
        rev = session.exec(select(Revision).where(Revision.prompt_id == "plan.action", Revision.item_id == made.id)).one()
    assert (rev.action, rev.author_name) == ("create", "Sam Patel")


def test_a_300_row_paste_is_stored_in_one_go_or_not_at_all(engine, chain, author):
    pid, o2 = chain["pid"], chain["o2"]
    specs = [
        {
            "outcome_id": o2.id,
            "title": f"Pasted action {i} ‘quoted’ 🙂",
            "leads": ["Harbourshire Police"],
            "start_date": "01/04/2026",
            "end_date": "31/03/2027",
        }
        for i in range(300)
    ]
    bad = [dict(s) for s in specs]
    bad[150]["end_date"] = "31/02/2027"
    bad[299]["title"] = ""
    refused = r"None of the 300 new actions was added: row 151: .*not a real date.*row 300: The action is empty"
    with pytest.raises(InvalidInput, match=refused):
        P.create_actions(engine, pid, bad, author=author)
    assert P.load_plan(engine, pid).actions.get(o2.id) is None
    made = P.create_actions(engine, pid, specs, author=author)
    plan = P.load_plan(engine, pid)
    assert len(made) == 300 and plan.code("action", made[-1].id) == "A1.O2.300"


def test_measures_are_checked_like_actions(engine, chain, author):
    pid, m = chain["pid"], chain["measure"]
    with pytest.raises(InvalidInput, match="target date 01/01/2025 is before the baseline date 31/03/2025"):
        P.update_measure(engine, pid, m.id, expected_version=m.version, author=author, target_date="01/01/2025")
    with pytest.raises(InvalidInput, match="The data that shows the outcome is empty"):
        P.add_measure(engine, pid, outcome_id=chain["o2"].id, indicator=" ", author=author)
    assert [o.title for o in P.outcomes_without_measure(P.load_plan(engine, pid))] == ["Schools are in the pathway"]


def test_an_aim_cannot_have_the_same_outcome_twice(engine, chain, author):
    pid, a1, a2 = chain["pid"], chain["a1"], chain["a2"]
    with pytest.raises(InvalidInput, match="already has the intended outcome 'Practitioners recognise signs'"):
        P.add_outcome(engine, pid, aim_id=a1.id, title=" practitioners  RECOGNISE signs", author=author)
    twin = P.add_outcome(engine, pid, aim_id=a2.id, title="Practitioners recognise signs", author=author)
    with pytest.raises(InvalidInput, match="already has the intended outcome"):
        P.move_outcome(engine, pid, twin.id, to_aim_id=a1.id, author=author)
    assert len(P.load_plan(engine, pid).outcomes[a1.id]) == 2


def test_moving_an_action_to_another_outcome_gives_it_that_outcomes_next_code(engine, chain, author):
    pid, x = chain["pid"], chain["actions"][0]
    P.move_action(engine, pid, x.id, to_outcome_id=chain["o2"].id, author=author)
    plan = P.load_plan(engine, pid)
    assert plan.code("action", x.id) == "A1.O2.1"
    assert [plan.code("action", a.id) for a in plan.actions[chain["o1"].id]] == ["A1.O1.2", "A1.O1.3"]
    P.delete(engine, pid, "outcome", chain["o2"].id, author=author)
    with pytest.raises(NotFound):
        P.move_action(engine, pid, chain["actions"][1].id, to_outcome_id=chain["o2"].id, author=author)


def test_the_impact_read_from_the_loaded_plan_is_the_databases(engine, demo_id):
    # The Theory of Change lists what goes with every row from the plan it loaded (no query per row).
    plan = P.load_plan(engine, demo_id)
    rows = [("aim", a.id) for a in plan.aims] + [("outcome", o.id) for o in plan.all_outcomes()]
    rows += [("measure", m.id) for m in plan.all_measures()]
    assert any(plan.removal_impact(kind, row_id) for kind, row_id in rows)
    for kind, row_id in rows:
        assert plan.removal_impact(kind, row_id) == P.deletion_impact(engine, demo_id, kind, row_id)
