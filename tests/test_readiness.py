"""The readiness check (Guide §13.1): each check with a case that passes and one that fails, the way
criteria add up, the demo, and `python -m strategy check`."""

from __future__ import annotations

import json
from datetime import date

import pytest

from strategy.answers.operations import add_row, get_answer, grid_rows, save_answer, set_grid_cell
from strategy.cli import main
from strategy.finalise.readiness import MET, NOT_MET, PARTLY, CriterionResult, Finding, readiness_report

TODAY = date(2026, 11, 23)


def report(engine, pid):
    return {c.id: c for c in readiness_report(engine, pid, today=TODAY).criteria}


def finding(engine, pid, criterion: str, prompt_id: str) -> list[Finding]:
    return [f for f in report(engine, pid)[criterion].findings if f.prompt_id == prompt_id]


def levels(engine, pid, criterion: str, prompt_id: str) -> list[str]:
    return [f.level for f in finding(engine, pid, criterion, prompt_id)]


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ({MET}, MET),
        ({MET, PARTLY}, PARTLY),
        ({MET, NOT_MET}, PARTLY),
        ({PARTLY}, PARTLY),
        ({NOT_MET}, NOT_MET),
        ({NOT_MET, PARTLY}, PARTLY),
    ],
)
def test_a_criterion_is_met_only_when_every_finding_is(found, expected):
    result = CriterionResult("x", "X", "?", [Finding("x", level, "m") for level in sorted(found)])
    assert result.level == expected


def test_a_fresh_partnership_meets_no_criterion_that_needs_content(engine, partnership):
    result = report(engine, partnership.id)
    assert list(result) == ["clarity", "coverage", "deliverability", "consistency", "readiness"]
    for criterion in ("coverage", "consistency", "readiness"):
        assert result[criterion].level == NOT_MET, criterion
    # Every finding to act on points at a chapter and question to put it right.
    for criterion in result.values():
        for f in criterion.to_fix():
            assert f.chapter_id and f.prompt_id, f.message


def test_the_demo_passes_except_for_what_it_deliberately_leaves(engine, demo_id):
    pid = demo_id
    result = report(engine, pid)
    to_fix = {c: [f.message for f in r.to_fix()] for c, r in result.items()}
    assert result["consistency"].level == MET
    # Left on purpose: online abuse only partly covered, four members who cannot commit their agency,
    # two deputies, and long sentences in a long draft.
    assert any("online contexts" in m for m in to_fix["coverage"]) and len(to_fix["coverage"]) == 1
    assert all("members" in m for m in to_fix["readiness"])
    assert all("over 40 words" in m for m in to_fix["clarity"])


def test_language_terms_fail_clarity_and_point_at_the_answer(engine, partnership, author):
    pid = partnership.id
    assert levels(engine, pid, "clarity", "finalise.language_exempt") == [MET]
    save_answer(engine, pid, "vision.statement", "Every perpetrator will be stopped.", expected_version=0, author=author)
    found = finding(engine, pid, "clarity", "vision.statement")
    assert [f.level for f in found] == [NOT_MET] and found[0].chapter_id == "shared_vision"
    assert "'perpetrator'" in found[0].message


def test_unexplained_acronyms_partly_meet_clarity_until_explained(engine, partnership, author):
    pid = partnership.id
    save_answer(engine, pid, "intro.purpose", "The QQX panel meets monthly.", expected_version=0, author=author)
    assert levels(engine, pid, "clarity", "finalise.glossary") == [PARTLY]
    add_row(engine, pid, "finalise.glossary", {"acronym": "QQX", "meaning": "Quality and quarterly exchange"}, author=author)
    assert levels(engine, pid, "clarity", "finalise.glossary") == [MET]


def test_long_sentences_partly_meet_clarity(engine, partnership, author):
    pid = partnership.id
    save_answer(engine, pid, "intro.audience", "Short and plain.", expected_version=0, author=author)
    assert all(f.level == MET for f in report(engine, pid)["clarity"].findings)
    save_answer(engine, pid, "intro.audience", " ".join(["word"] * 50) + ".", expected_version=1, author=author)
    assert levels(engine, pid, "clarity", "intro.audience") == [PARTLY]


def test_the_scope_must_name_all_six_forms(engine, partnership, author):
    pid = partnership.id
    from strategy.guide.content import content

    forms = [i["id"] for i in content().reference("forms_of_abuse").items]
    save_answer(engine, pid, "intro.scope_forms", json.dumps(forms[:5]), expected_version=0, author=author)
    assert levels(engine, pid, "coverage", "intro.scope_forms") == [NOT_MET]
    save_answer(engine, pid, "intro.scope_forms", json.dumps(forms), expected_version=1, author=author)
    assert levels(engine, pid, "coverage", "intro.scope_forms") == [MET]


def test_forms_must_be_covered_and_groups_considered(engine, demo_id):
    pid = demo_id
    assert levels(engine, pid, "coverage", "context.forms") == [NOT_MET]
    stored = grid_rows(engine, pid, "context.forms")["online"].values["coverage"]
    set_grid_cell(engine, pid, "context.forms", "online", "coverage", "covered", expected=stored, author=_author())
    assert levels(engine, pid, "coverage", "context.forms") == [MET]
    assert levels(engine, pid, "coverage", "context.groups") == [MET]


def test_local_evidence_is_looked_for(engine, partnership, author):
    pid = partnership.id
    assert levels(engine, pid, "coverage", "context.figures") == [NOT_MET]
    add_row(
        engine,
        pid,
        "context.figures",
        {"indicator": "child_population", "period": "2024", "value": "98000", "source": "ONS mid-year estimates"},
        author=author,
    )
    assert levels(engine, pid, "coverage", "context.figures") == [MET]


def test_vision_priorities_and_contributions_for_consistency(engine, partnership, author):
    pid = partnership.id
    assert levels(engine, pid, "consistency", "vision.priorities") == [NOT_MET]
    assert levels(engine, pid, "consistency", "vision.contributions") == [NOT_MET]
    add_row(engine, pid, "vision.priorities", {"priority": "Recognise abuse earlier"}, author=author)
    assert levels(engine, pid, "consistency", "vision.priorities") == [MET]


def test_governance_and_steering_group_for_readiness(engine, partnership, author):
    pid = partnership.id
    assert levels(engine, pid, "readiness", "governance.scrutiny") == [NOT_MET]
    assert levels(engine, pid, "readiness", "vision.steering_group") == [NOT_MET]
    save_answer(engine, pid, "governance.scrutiny", "The independent scrutineer reports yearly.", expected_version=0, author=author)
    assert levels(engine, pid, "readiness", "governance.scrutiny") == [MET]


@pytest.mark.parametrize(
    ("review", "level", "words"),
    [
        (None, NOT_MET, "No review date"),
        ("2026-10-01", NOT_MET, "has passed"),
        ("2028-06-30", PARTLY, "more than a year away"),
        ("2027-09-30", MET, "30/09/2027"),
    ],
)
def test_a_review_date_within_the_year_is_needed(engine, partnership, author, review, level, words):
    pid = partnership.id
    if review:
        save_answer(engine, pid, "finalise.next_review", review, expected_version=0, author=author)
    found = finding(engine, pid, "readiness", "finalise.next_review")
    assert [f.level for f in found] == [level] and words in found[0].message


def test_check_on_the_command_line_prints_json_with_one_entry_per_criterion(sqlite_engine, sqlite_demo_id, monkeypatch, capsys):
    url = str(sqlite_engine.url)
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["check", "Demo partnership", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in data["criteria"]] == ["clarity", "coverage", "deliverability", "consistency", "readiness"]
    assert all(c["status"] in (MET, PARTLY, NOT_MET) and c["findings"] for c in data["criteria"] if c["id"] != "deliverability")
    assert main(["check", "Demo partnership"]) == 0
    assert "Coverage: Partly met" in capsys.readouterr().out
    assert main(["check", "No such partnership"]) == 1
    assert get_answer(sqlite_engine, 1, "finalise.next_review") is not None  # the check wrote nothing


def _author():
    from strategy.core.authors import Author

    return Author.make("Sam")


# --- The plan's checks: deliverability, the core components, the recommendations ---------------------


def _plan_with_one_action(engine, pid, author, **action):
    from strategy.plan.operations import add_aim, add_outcome, create_action

    aim = add_aim(engine, pid, title="Recognise abuse earlier", author=author)
    outcome = add_outcome(engine, pid, aim_id=aim.id, title="More children are identified", author=author)
    return outcome, create_action(
        engine, pid, outcome_id=outcome.id, title="Train school staff", author=author, add_unknown_agencies=True, **action
    )


def test_no_plan_fails_deliverability_and_points_at_the_theory_of_change(engine, partnership):
    found = report(engine, partnership.id)["deliverability"]
    assert found.level == NOT_MET
    assert [(f.chapter_id, f.prompt_id) for f in found.findings] == [("theory_of_change", "plan.aims")]


def test_an_action_with_no_lead_or_dates_and_an_outcome_with_no_measure_fail_deliverability(engine, partnership, author):
    pid = partnership.id
    _plan_with_one_action(engine, pid, author)
    result = report(engine, pid)["deliverability"]
    to_fix = {f.prompt_id: f for f in result.to_fix()}
    assert set(to_fix) == {"plan.no_lead", "plan.no_dates", "plan.no_measure"}
    assert to_fix["plan.no_lead"].chapter_id == "action_plan" and "A1.O1.1" in to_fix["plan.no_lead"].message
    assert to_fix["plan.no_measure"].chapter_id == "evaluation"
    assert result.level == PARTLY  # aims have outcomes and outcomes have actions


def test_a_complete_action_and_a_measure_meet_deliverability(engine, partnership, author):
    from strategy.plan.operations import add_measure

    pid = partnership.id
    outcome, _ = _plan_with_one_action(
        engine,
        pid,
        author,
        leads=["Harbourshire Council"],
        start_date="01/04/2026",
        end_date="31/03/2027",
        component="identification",
        recommendations=["rec2"],
    )
    add_measure(engine, pid, outcome_id=outcome.id, indicator="Children on plans for sexual abuse", author=author)
    assert report(engine, pid)["deliverability"].level == MET


def test_core_components_without_actions_fail_coverage(engine, partnership, author):
    pid = partnership.id
    _plan_with_one_action(engine, pid, author, component="identification")
    found = {f.prompt_id: f.level for f in report(engine, pid)["coverage"].findings if f.prompt_id.startswith("plan.component")}
    assert found == {
        "plan.component.prevention": NOT_MET,
        "plan.component.identification": MET,
        "plan.component.response": NOT_MET,
        "plan.component.workforce": NOT_MET,
    }


def test_unanswered_recommendations_fail_consistency(engine, partnership, author):
    pid = partnership.id
    _plan_with_one_action(engine, pid, author, recommendations=["rec1", "rec2", "rec3", "rec4", "rec5"])
    unanswered = [f for f in report(engine, pid)["consistency"].to_fix() if f.prompt_id == "plan.rec_unanswered"]
    assert len(unanswered) == 1 and "recommendation 6" in unanswered[0].message


def test_the_language_check_reads_the_plan(engine, partnership, author):
    from strategy.finalise.language import language_report

    pid = partnership.id
    _plan_with_one_action(engine, pid, author, partners="Schools; the perpetrator programme")
    found = [(f.found, f.text.chapter_title, f.text.where) for f in language_report(engine, pid).terms]
    assert found == [("perpetrator", "Action plan", "action A1.O1.1, partners")]
