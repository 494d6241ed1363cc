"""The chain from evidence to plan (issue 19): each partner's endorsement, suggestions drawn from the
evidence, links to priorities, evidence and recorded figures, and the chain read both ways. On SQLite
and PostgreSQL, with the demo partnership's real evidence."""

from __future__ import annotations

import pytest

from strategy.answers.operations import add_row, delete_row, get_answer, list_rows, save_answer
from strategy.chain.links import baseline_from_figure, baselines, coverage, link_priority, recorded_figures, trace
from strategy.chain.suggestions import accept_suggestion, dismiss_suggestion, suggestions, suggestions_json
from strategy.core.errors import InvalidInput, NotFound
from strategy.core.models import stored_id
from strategy.delivery.operations import add_reading, add_update
from strategy.finalise.endorsement import list_endorsements, record_endorsement
from strategy.finalise.readiness import NOT_MET, readiness_report
from strategy.plan.operations import add_measure, add_outcome, create_action, load_plan
from tests.people_support import snapshot

STATUTORY = (
    "Harbourshire County Council",
    "Vale of Ashby Council",
    "NHS Harbourshire and Ashby Integrated Care Board",
    "Harbourshire Police",
)


def _endorsement_finding(engine, pid):
    report = readiness_report(engine, pid)
    return next(f for c in report.criteria for f in c.findings if f.prompt_id == "finalise.endorsement")


def _set_status(engine, pid, status, author):
    current = get_answer(engine, pid, "finalise.status")
    save_answer(engine, pid, "finalise.status", status, expected_version=current.version if current else 0, author=author)


# --- Endorsement by each partner (Guide §13.2) ----------------------------------------------------


def test_every_statutory_partner_is_listed_and_approved_without_them_is_not_ready(engine, demo_id, author):
    found = list_endorsements(engine, demo_id)
    assert [line.agency for line in found.lines if line.statutory] == list(STATUTORY)
    assert all(line.given for line in found.lines if line.statutory) and found.complete  # the demo's partners have endorsed
    _set_status(engine, demo_id, "approved", author)
    assert _endorsement_finding(engine, demo_id).level == "met"

    police = next(line for line in found.lines if line.agency == "Harbourshire Police")
    record_endorsement(engine, demo_id, agency="harbourshire  police", decision="not yet", expected_version=police.version, author=author)
    finding = _endorsement_finding(engine, demo_id)
    assert finding.level == NOT_MET and "Harbourshire Police" in finding.message and "approved" in finding.message
    assert "Vale of Ashby" not in finding.message
    _set_status(engine, demo_id, "for_approval", author)
    assert _endorsement_finding(engine, demo_id).level == "partly"  # a draft: still to come, not yet wrong

    police = next(line for line in list_endorsements(engine, demo_id).lines if line.agency == "Harbourshire Police")
    record_endorsement(
        engine,
        demo_id,
        agency="Harbourshire Police",
        decision="Endorsed with comments",
        name="Chief Constable",
        role="Chief officer of police",
        endorsed_on="04/03/2026",
        comments="Asks for a yearly report on online abuse.",
        expected_version=police.version,
        author=author,
    )
    assert _endorsement_finding(engine, demo_id).level == "met"
    police = next(line for line in list_endorsements(engine, demo_id).lines if line.agency == "Harbourshire Police")
    assert (police.decision_words, police.endorsed_on, police.comments) == (
        "Endorsed with comments",
        "2026-03-04",
        "Asks for a yearly report on online abuse.",
    )


def test_a_fresh_partnership_with_no_endorsement_is_not_ready(engine, partnership):
    finding = _endorsement_finding(engine, partnership.id)
    assert finding.level == NOT_MET and "Police (no agency of this kind is recorded)" in finding.message


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"agency": "Harbourshire Fire Service", "decision": "endorsed", "name": "A", "endorsed_on": "01/03/2026"},
            "not one of the partnership's agencies",
        ),
        ({"agency": "Harbourshire Police", "decision": "endorsed", "name": "", "endorsed_on": "01/03/2026"}, "needs who endorsed it"),
        ({"agency": "Harbourshire Police", "decision": "with_comments", "name": "A", "endorsed_on": "01/03/2026"}, "needs the comments"),
        ({"agency": "Harbourshire Police", "decision": "endorsed", "name": "A", "endorsed_on": "31/02/2026"}, "date"),
        ({"agency": "Harbourshire Police", "decision": "maybe"}, "is not one of"),
    ],
)
def test_bad_endorsements_are_refused_and_nothing_is_saved(engine, demo_id, author, fields, message):
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match=message):
        record_endorsement(engine, demo_id, author=author, **fields)
    assert snapshot(engine) == before


def test_a_second_person_changing_an_endorsement_meanwhile_is_a_conflict(engine, demo_id, author, other_author):
    from strategy.core.errors import Conflict

    v = next(x for x in list_endorsements(engine, demo_id).lines if x.agency == "Harbourshire Police").version
    record_endorsement(
        engine,
        demo_id,
        agency="Harbourshire Police",
        decision="endorsed",
        name="B",
        endorsed_on="02/03/2026",
        expected_version=v,
        author=other_author,
    )
    with pytest.raises(Conflict):  # loaded before the other person's change
        record_endorsement(engine, demo_id, agency="Harbourshire Police", decision="not_yet", expected_version=v, author=author)
    police = next(x for x in list_endorsements(engine, demo_id).lines if x.agency == "Harbourshire Police")
    assert (police.decision, police.name) == ("endorsed", "B")


# --- Suggestions from the evidence --------------------------------------------------------------


def test_the_evidence_suggests_aims_outcomes_and_measures_with_where_they_came_from(engine, demo_id):
    found = {s.key: s for s in suggestions(engine, demo_id)}
    kinds = {s.finding.kind for s in found.values()}
    assert {"iceberg", "support_none", "support_wait", "form", "attendance", "snapshot_red", "audit_learning"} <= kinds
    iceberg = found["iceberg#aim"]
    assert iceberg.status == "open" and "identified" in iceberg.finding.text and "§5.1" in iceberg.finding.heading
    wait = next(s for s in found.values() if s.finding.kind == "support_wait")
    assert wait.kind == "measure" and wait.fields["baseline_value"].endswith("weeks")
    listed = suggestions_json(engine, demo_id)
    assert {d["key"] for d in listed} == set(found) and all(d["evidence"] for d in listed)


def test_accepting_makes_a_real_aim_linked_to_its_evidence_and_never_twice(engine, demo_id, author):
    before = len(load_plan(engine, demo_id).aims)
    decision = accept_suggestion(engine, demo_id, "iceberg#aim", author=author, text="Find more of the children who are abused, sooner")
    plan = load_plan(engine, demo_id)
    assert len(plan.aims) == before + 1
    aim = plan.aims[-1]
    assert aim.id == decision.aim_id and aim.title == "Find more of the children who are abused, sooner"
    assert "From the evidence" in aim.rationale
    answered = next(a for a in coverage(engine, demo_id).items if a.heading.startswith("Identification"))
    assert answered.answered_by and answered.answered_by[0].startswith(plan.code("aim", aim.id))

    state = snapshot(engine)
    with pytest.raises(InvalidInput, match="already accepted.*Nothing was created twice"):
        accept_suggestion(engine, demo_id, "iceberg#aim", author=author)
    assert snapshot(engine) == state
    assert next(s for s in suggestions(engine, demo_id) if s.key == "iceberg#aim").status == "accepted"


def test_an_outcome_needs_its_aim_and_a_measure_its_outcome(engine, demo_id, author):
    outcome_key = next(s.key for s in suggestions(engine, demo_id) if s.kind == "outcome")
    measure_key = next(s.key for s in suggestions(engine, demo_id) if s.finding.kind == "support_wait")
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="Choose the strategic aim"):
        accept_suggestion(engine, demo_id, outcome_key, author=author)
    assert snapshot(engine) == before
    plan = load_plan(engine, demo_id)
    aim = plan.aims[0]
    d = accept_suggestion(engine, demo_id, outcome_key, author=author, aim_id=stored_id(aim))
    d2 = accept_suggestion(engine, demo_id, measure_key, author=author, outcome_id=d.outcome_id)
    plan = load_plan(engine, demo_id)
    measure = next(m for m in plan.all_measures() if m.id == d2.measure_id)
    assert measure.baseline_value.endswith("weeks") and measure.target_value == "18 weeks or less"
    assert plan.outcome(d.outcome_id).aim_id == aim.id


def test_dismissing_keeps_the_reason_and_needs_one(engine, demo_id, author):
    key = next(s.key for s in suggestions(engine, demo_id) if s.finding.kind == "snapshot_red")
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="Say why"):
        dismiss_suggestion(engine, demo_id, key, reason="   ", author=author)
    assert snapshot(engine) == before
    dismiss_suggestion(engine, demo_id, key, reason="Covered by the recovery aim already agreed <b>", author=author)
    shown = next(d for d in suggestions_json(engine, demo_id) if d["key"] == key)
    assert shown["status"] == "dismissed" and shown["reason"] == "Covered by the recovery aim already agreed <b>"
    with pytest.raises(InvalidInput, match="already dismissed"):
        accept_suggestion(engine, demo_id, key, author=author)


def test_a_suggestion_whose_evidence_was_removed_meanwhile_creates_nothing(engine, demo_id, author):
    rows = list_rows(engine, demo_id, "workforce.attendance")
    key = next(s.key for s in suggestions(engine, demo_id) if s.finding.kind == "attendance")
    for r in rows:  # the training records are removed while the person reads the suggestion
        delete_row(engine, demo_id, r.id, author=author)
    assert key not in {s.key for s in suggestions(engine, demo_id)}  # the findings kept until a change are read again
    before = snapshot(engine)
    outcome = load_plan(engine, demo_id).all_outcomes()[0]
    with pytest.raises(NotFound, match="changed or been removed.*Nothing was created"):
        accept_suggestion(engine, demo_id, key, author=author, outcome_id=stored_id(outcome))
    assert snapshot(engine) == before


# --- Links: priorities and baselines from recorded figures --------------------------------------


def test_a_baseline_comes_from_a_recorded_figure_and_a_newer_figure_is_noticed(engine, demo_id, author):
    plan = load_plan(engine, demo_id)
    outcome = plan.all_outcomes()[0]
    measure = add_measure(engine, demo_id, outcome_id=stored_id(outcome), indicator="Looked-after children", author=author)
    figures = recorded_figures(engine, demo_id)
    number = next(f for f in figures if f.what.startswith("Looked-after children (Both") and not f.is_code)
    code = next(f for f in figures if f.is_code)

    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="not a number.*never counted"):
        baseline_from_figure(engine, demo_id, measure_id=stored_id(measure), figure_id=code.item_id, author=author)
    assert snapshot(engine) == before

    baseline_from_figure(engine, demo_id, measure_id=stored_id(measure), figure_id=number.item_id, author=author)
    stored = next(m for m in load_plan(engine, demo_id).all_measures() if m.id == measure.id)
    assert stored.baseline_value == f"{number.value} ({number.period})"
    b = baselines(engine, demo_id)[stored_id(measure)]
    assert b.newer is None and number.source in b.words()

    add_row(
        engine,
        demo_id,
        "context.figures",
        {"indicator": "looked_after", "detail": "Both councils, at 31 March", "period": "2025", "value": "c", "source": "DfE 2025"},
        author=author,
    )
    assert "as c, which is not counted" in baselines(engine, demo_id)[stored_id(measure)].words()
    add_row(
        engine,
        demo_id,
        "context.figures",
        {"indicator": "looked_after", "detail": "Both councils, at 31 March", "period": "2026", "value": "1180", "source": "DfE 2026"},
        author=author,
    )
    assert "A newer figure is recorded: 2026, 1180" in baselines(engine, demo_id)[stored_id(measure)].words()


def test_the_chain_reads_back_to_the_evidence_and_forward_to_updates(engine, demo_id, author):
    d = accept_suggestion(engine, demo_id, "iceberg#aim", author=author)
    priority = list_rows(engine, demo_id, "vision.priorities")[0]
    link_priority(engine, demo_id, aim_id=d.aim_id, priority_id=priority.id, author=author)
    link_priority(engine, demo_id, aim_id=d.aim_id, priority_id=priority.id, author=author)  # twice: still one link
    outcome = add_outcome(engine, demo_id, aim_id=d.aim_id, title="Professionals recognise signs earlier", author=author)
    action = create_action(engine, demo_id, outcome_id=stored_id(outcome), title="Run a signs and indicators campaign", author=author)
    add_update(engine, demo_id, stored_id(action), status="on_track", note="Launched in schools", reported_on="01/04/2026", author=author)
    t = trace(engine, demo_id, "action", stored_id(action))
    kinds = [s.kind for s in t.back]
    assert kinds[:2] == ["outcome", "aim"] and kinds.count("priority") == 1 and "evidence" in kinds
    assert any("identified" in s.text for s in t.back if s.kind == "evidence")
    assert [s.kind for s in t.forward] == ["update"] and "Launched in schools" in t.forward[0].text

    measure = add_measure(engine, demo_id, outcome_id=stored_id(outcome), indicator="Children identified", author=author)
    add_reading(engine, demo_id, stored_id(measure), period="2025", value="300", author=author)
    assert [s.text for s in trace(engine, demo_id, "measure", stored_id(measure)).forward] == ["300"]

    cov = coverage(engine, demo_id)
    assert any(a.kind == "priority" and a.answered_by for a in cov.items)
    assert cov.unanswered and all(not a.answered_by for a in cov.unanswered)


# --- The Word draft: endorsements in the document-control table, and the chain's appendix ----------


def test_the_word_draft_lists_endorsements_and_how_the_plan_answers_the_evidence(engine, demo_id, author):
    import io

    from docx import Document

    from strategy.documents.draft import export_docx

    record_endorsement(
        engine,
        demo_id,
        agency="Harbourshire Police",
        decision="endorsed",
        name="Chief Constable",
        role="Chief officer",
        endorsed_on="04/03/2026",
        expected_version=next(x for x in list_endorsements(engine, demo_id).lines if x.agency == "Harbourshire Police").version,
        author=author,
    )
    accept_suggestion(engine, demo_id, "iceberg#aim", author=author)
    doc = Document(io.BytesIO(export_docx(engine, demo_id, charts=False)))
    control = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert control["Endorsement: Harbourshire Police (Police, statutory partner)"] == "Endorsed: Chief Constable, Chief officer, 04/03/2026"
    assert control["Endorsement: Vale of Ashby Council (Local authority, statutory partner)"] == (
        "Endorsed: Tom Hughes, Director of Children's Services, 03/03/2026"
    )
    assert control["Endorsement: Probation Service, Harbourshire delivery unit"] == "Not yet endorsed"
    appendices = [p.text for p in doc.paragraphs if p.style.name == "Heading 1" and "Appendix" in p.text]
    assert [a.split(":")[0].split()[-1] for a in appendices] == ["A", "B", "C", "D"]
    assert appendices[-1].endswith("How the plan answers the evidence")
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert any(c.startswith("A") and "More of the children who are sexually abused are identified" in c for c in cells)
    assert "Nothing in the plan yet" in cells


# --- The command line -----------------------------------------------------------------------------


def test_suggest_endorse_and_chain_on_the_command_line(sqlite_engine, sqlite_demo_id, monkeypatch, capsys):
    import json

    from strategy.cli import main

    monkeypatch.setenv("DATABASE_URL", str(sqlite_engine.url))
    assert main(["suggest", "Demo partnership", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert any(d["key"] == "iceberg#aim" and d["status"] == "open" and d["evidence"] for d in listed)
    assert main(["suggest", "Demo partnership", "--accept", "iceberg#aim"]) == 0
    assert main(["suggest", "Demo partnership", "--accept", "iceberg#aim"]) == 1
    assert "Nothing was created twice" in capsys.readouterr().err
    assert main(["suggest", "Demo partnership", "--json"]) == 0
    accepted = next(d for d in json.loads(capsys.readouterr().out) if d["key"] == "iceberg#aim")
    assert accepted["status"] == "accepted" and "strategic aim" in accepted["became"]

    assert main(["endorse", "Demo partnership", "--agency", "Harbourshire Fire Service", "--by-name", "A", "--date", "01/03/2026"]) == 1
    assert "not one of the partnership's agencies" in capsys.readouterr().err
    assert (
        main(["endorse", "Demo partnership", "--agency", "Harbourshire Police", "--by-name", "A Chief", "--date", "01/03/2026", "--json"])
        == 0
    )
    out = capsys.readouterr().out
    data = json.loads(out[out.index("{") :])
    police = next(x for x in data["endorsements"] if x["agency"] == "Harbourshire Police")
    assert (police["endorsed_by"], police["date"], police["decision"]) == ("A Chief", "01/03/2026", "Endorsed") and not data[
        "statutory_awaited"
    ]

    assert main(["chain", "Demo partnership", "--json"]) == 0
    cov = json.loads(capsys.readouterr().out)
    assert cov["unanswered"] > 0 and any(i["answered_by"] for i in cov["items"])
    assert main(["chain", "Demo partnership", "--code", "A1.O1.1"]) == 0
    assert "back: aim A1" in capsys.readouterr().out


# --- The next period, carried forward properly --------------------------------------------------


def test_the_next_period_keeps_what_continues_summarises_what_is_done_and_resets_the_document(engine, demo_id, author):
    from strategy.answers.operations import get_answers
    from strategy.chain.next_period import carry_forward
    from strategy.delivery.operations import latest_updates, list_readings, list_updates
    from strategy.people.partnerships import get_partnership

    old_plan = load_plan(engine, demo_id)
    old_latest = latest_updates(list_updates(engine, demo_id))
    done = [
        old_plan.code("action", x.id)
        for x in old_plan.all_actions()
        if (old_latest[x.id].status if x.id in old_latest else x.status) == "complete"
    ]
    assert done, "the demo has completed actions"
    old_readings = list_readings(engine, demo_id)
    save_answer(
        engine,
        demo_id,
        "finalise.title",
        "Our strategy 2026 to 2029",
        expected_version=get_answer(engine, demo_id, "finalise.title").version if get_answer(engine, demo_id, "finalise.title") else 0,
        author=author,
    )
    kept = [old_plan.code("aim", a.id) for a in old_plan.aims[:-1]]
    result = carry_forward(engine, demo_id, start=2029, end=2032, author=author, keep_aims=kept)

    new_id = result.partnership_id
    new_plan = load_plan(engine, new_id)
    assert [new_plan.code("aim", a.id) for a in new_plan.aims] == kept
    assert not set(done) & {new_plan.code("action", x.id) for x in new_plan.all_actions()}
    assert set(result.actions_completed) <= set(done) and result.actions_completed
    # Unfinished actions keep their history of updates.
    carried = new_plan.all_actions()[0]
    assert list_updates(engine, new_id, carried.id) or not [
        u for u in list_updates(engine, demo_id) if old_plan.code("action", u.action_id) == new_plan.code("action", carried.id)
    ]
    # Each measure's latest reading is the new baseline; the old readings stay with the old period.
    assert list_readings(engine, new_id) == [] and list_readings(engine, demo_id) == old_readings
    m = next(m for m in new_plan.all_measures() if new_plan.code("measure", m.id) in result.new_baselines)
    old_m = next(x for x in old_plan.all_measures() if old_plan.code("measure", x.id) == new_plan.code("measure", m.id))
    last = [r for r in old_readings if r.measure_id == old_m.id][-1]
    assert m.baseline_value == f"{last.value} ({last.period})" and m.baseline_date == last.period_start
    answers = {k: a.value for k, a in get_answers(engine, new_id).items()}
    assert answers["finalise.title"] == "Our strategy 2029 to 2032"
    assert answers["finalise.status"] == "draft" and answers["finalise.version"] == "0.1" and not answers.get("finalise.next_review")
    assert answers["intro.last_strategy"].startswith("The last strategy (2026 to 2029)") and done[0] in answers["intro.last_strategy"]
    assert all(not line.given for line in list_endorsements(engine, new_id).lines)
    # The old period is archived, readable and unchanged.
    assert get_partnership(engine, demo_id).archived and len(load_plan(engine, demo_id).all_actions()) == len(old_plan.all_actions())
    assert list_endorsements(engine, demo_id).complete


def test_an_unknown_aim_to_keep_changes_nothing(engine, demo_id, author):
    from strategy.chain.next_period import carry_forward

    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="No strategic aim has the code A99"):
        carry_forward(engine, demo_id, start=2029, end=2032, author=author, keep_aims=["A1", "A99"])
    assert snapshot(engine) == before


# --- Rates per 10,000 children, beside a comparator ------------------------------------------------


def test_identification_per_10000_children_beside_england_and_codes_never_a_rate(engine, demo_id, author):
    from strategy.evidence import analysis as ev

    rows = list_rows(engine, demo_id, "response.identification_figures")
    population = ev.child_population(list_rows(engine, demo_id, "context.figures"))
    assert population is not None and population.value == 142600
    before = ev.rates_table(rows, population, "england")
    counted = before[before["Per 10,000 children"].notna()].iloc[0]
    first = next(r for r in rows if ev._measure_labels("england").get(r.values.get("measure")) == counted["Measure"])
    measure, period = first.values["measure"], counted["Year"]
    add_row(
        engine,
        demo_id,
        "response.identification_figures",
        {"measure": measure, "detail": "England", "period": period, "value": "21.4", "source": "DfE"},
        author=author,
    )
    add_row(engine, demo_id, "response.identification_figures", {"measure": measure, "period": "2009/10", "value": "c"}, author=author)
    table = ev.rates_table(list_rows(engine, demo_id, "response.identification_figures"), population, "england")
    mine = table[(table["Year"] == period) & (table["Comparator"] == "England")]
    assert len(mine) == 1 and mine.iloc[0]["Comparator per 10,000"] == "21.4"
    number = ev.statistic_value(mine.iloc[0]["Number"].replace(",", ""))
    assert mine.iloc[0]["Per 10,000 children"] == round(number / 142600 * 10_000, 1)
    coded = table[(table["Year"] == "2009/10") & (table["Measure"] == counted["Measure"])]
    assert list(coded["Number"]) == ["c"] and coded["Per 10,000 children"].isna().all()
    assert ev.rates_table(rows, None, "england").empty
