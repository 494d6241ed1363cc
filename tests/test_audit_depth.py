"""An audit in depth (issue 21; Guide §15.2): criteria tied to the plan's outcomes with how many cases
met them, factors ticked per case and counted across cases, a count recorded as a measure's reading,
and recommendations with an owner, a due date and each agency's response; the briefing read back
with python-docx; the tracker as CSV; the bad inputs; and the migration on a database full of rows.
On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest
from alembic import command
from docx import Document
from sqlalchemy import inspect
from sqlmodel import Session, select

from strategy.assessments import audit as au
from strategy.assessments import audit_depth as depth
from strategy.assessments.recommendations import (
    add_recommendation,
    list_recommendations,
    list_responses,
    remove_recommendation,
    save_response,
    update_recommendation,
)
from strategy.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from strategy.core.models import Revision
from strategy.delivery.operations import list_readings
from strategy.documents.audit_briefing import build_audit_briefing
from strategy.plan import operations as P
from strategy.tabular.formulas import unneutralise
from tests.people_support import member

TODAY = date(2026, 12, 5)


@pytest.fixture
def world(engine, partnership, author):
    """A partnership with an aim, an outcome, two measures (one counted 'n of m', one in per cent),
    two agencies, and an audit dated 31/03/2026 with three cases."""
    pid = partnership.id
    aim = P.add_aim(engine, pid, title="Children are heard", author=author)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Practitioners talk with children", author=author)
    counted = P.add_measure(
        engine,
        pid,
        outcome_id=outcome.id,
        indicator="Audited cases where the child's views are recorded",
        baseline_value="3 of 20",
        target_value="15 of 20",
        author=author,
    )
    share = P.add_measure(
        engine, pid, outcome_id=outcome.id, indicator="Share of cases with domestic abuse", baseline_value="40%", author=author
    )
    for name in ("Harbourshire Police", "Harbourshire County Council"):
        P.add_agency(engine, pid, name, author=author)
    audit = au.create_audit(engine, pid, theme="Child sexual abuse in the family", held_on="31/03/2026", author=author)
    for n, factors in enumerate((["domestic_abuse", "send"], ["domestic_abuse"], []), start=1):
        au.add_case(engine, pid, audit.id, reference=f"Case {n}", factors=factors, author=author)
    return {"pid": pid, "outcome": outcome, "counted": counted, "share": share, "audit": audit}


def _revisions(engine, prompt_id: str) -> list[Revision]:
    with Session(engine) as s:
        return list(s.exec(select(Revision).where(Revision.prompt_id == prompt_id)).all())


# --- Criteria -----------------------------------------------------------------------------------


def test_a_criterion_is_tied_to_an_outcome_and_counts_the_cases_that_met_it(engine, world, author):
    pid, audit = world["pid"], world["audit"]
    c = depth.add_criterion(
        engine, pid, audit.id, text="The child's views were recorded", outcome_id=world["outcome"].id, met=2, audited=3, author=author
    )
    depth.add_criterion(engine, pid, audit.id, text="Not counted yet", author=author)
    table = depth.criteria_table(engine, pid, depth.list_criteria(engine, audit.id))
    first = table.iloc[0]
    assert first["Intended outcome"] == "A1.O1 Practitioners talk with children"
    assert (first["Cases that met it"], first["Cases audited"], first["Per cent"]) == (2, 3, 67)
    assert pd.isna(table.iloc[1]["Per cent"])
    fig = depth.criteria_figure(table)
    assert list(fig.data[0].text) == ["2 of 3"]  # the uncounted criterion is not drawn as zero
    updated = depth.update_criterion(engine, pid, c.id, expected_version=c.version, author=author, met=3, audited=3)
    assert (updated.met, updated.version) == (3, 2)


@pytest.mark.parametrize(
    "met, audited, words",
    [
        (12, 10, "met in 12 cases but only 10 were audited"),
        (3, None, "how many cases were audited"),
        (-1, 10, "cannot be less than 0"),
        ("1,5", 10, "Use a point for decimals"),
        ("nan", 10, "should be a number"),
        (2.5, 10, "whole number"),
    ],
)
def test_impossible_counts_are_refused_and_nothing_changes(engine, world, author, met, audited, words):
    pid, audit = world["pid"], world["audit"]
    c = depth.add_criterion(engine, pid, audit.id, text="Views recorded", met=1, audited=3, author=author)
    with pytest.raises(InvalidInput, match=words):
        depth.update_criterion(engine, pid, c.id, expected_version=c.version, author=author, met=met, audited=audited)
    with pytest.raises(InvalidInput, match=words):
        depth.add_criterion(engine, pid, audit.id, text="Another", met=met, audited=audited, author=author)
    [kept] = depth.list_criteria(engine, audit.id)
    assert (kept.met, kept.audited, kept.version) == (1, 3, 1)


def test_a_criterion_tied_to_an_outcome_removed_since_says_so(engine, world, author):
    pid, audit, outcome = world["pid"], world["audit"], world["outcome"]
    c = depth.add_criterion(engine, pid, audit.id, text="Views recorded", outcome_id=outcome.id, author=author)
    P.delete(engine, pid, "outcome", outcome.id, author=author)
    table = depth.criteria_table(engine, pid, [c])
    assert table.iloc[0]["Intended outcome"] == "(that outcome has been removed from the plan)"
    with pytest.raises(NotFound, match="removed from the plan"):
        depth.add_criterion(engine, pid, audit.id, text="Another", outcome_id=outcome.id, author=author)
    assert len(depth.list_criteria(engine, audit.id)) == 1


def test_two_people_changing_one_criterion_both_are_kept(engine, world, author, other_author):
    pid, audit = world["pid"], world["audit"]
    c = depth.add_criterion(engine, pid, audit.id, text="Views recorded", author=author)
    depth.update_criterion(engine, pid, c.id, expected_version=1, author=author, text="The child's views were recorded")
    with pytest.raises(Conflict) as exc:
        depth.update_criterion(engine, pid, c.id, expected_version=1, author=other_author, text="Views in the child's words")
    assert exc.value.theirs == {"text": "The child's views were recorded"}
    assert depth.list_criteria(engine, audit.id)[0].text == "The child's views were recorded"
    assert any("Views in the child's words" in (r.new_value or "") for r in _revisions(engine, "audit.criterion"))


# --- Factors ------------------------------------------------------------------------------------


def test_factors_are_ticked_per_case_and_counted_across_cases(engine, world, author):
    pid, audit = world["pid"], world["audit"]
    own = depth.add_own_factor(engine, pid, audit.id, label="Parent in prison", expected_version=audit.version, author=author)
    audit = au.get_audit(engine, pid, audit.id)
    case = au.list_cases(engine, audit.id)[2]
    au.update_case(engine, pid, case.id, expected_version=case.version, author=author, reference=case.reference, factors=[own, "neglect"])
    table = depth.factor_table(audit, au.list_cases(engine, audit.id)).set_index("Factor")
    assert table.loc["Domestic abuse", "Cases"] == 2 and table.loc["Domestic abuse", "Per cent"] == 67
    assert table.loc["Special educational needs or disability", "Cases"] == 1
    assert table.loc["Parent in prison", "Cases"] == 1 and table.loc["Other harm: neglect", "Cases"] == 1
    assert table.loc["Language barriers", "Cases"] == 0
    assert set(table["Cases audited"]) == {3}
    fig = depth.factor_figure(table.reset_index())
    assert list(fig.data[0].y)[0] == "Domestic abuse" and list(fig.data[0].text)[0] == "2 of 3"


def test_factor_bad_inputs(engine, world, author):
    pid, audit = world["pid"], world["audit"]
    with pytest.raises(InvalidInput, match="not a factor this audit counts"):
        au.add_case(engine, pid, audit.id, reference="Case 9", factors=["witchcraft"], author=author)
    assert len(au.list_cases(engine, audit.id)) == 3
    with pytest.raises(InvalidInput, match="already counts 'Domestic abuse'"):
        depth.add_own_factor(engine, pid, audit.id, label="  domestic\u00a0ABUSE ", expected_version=audit.version, author=author)
    with pytest.raises(InvalidInput, match="Name the factor"):
        depth.add_own_factor(engine, pid, audit.id, label=" \u200b ", expected_version=audit.version, author=author)
    own = depth.add_own_factor(engine, pid, audit.id, label="Parent in prison", expected_version=audit.version, author=author)
    audit = au.get_audit(engine, pid, audit.id)
    first = au.list_cases(engine, audit.id)[0]
    au.update_case(engine, pid, first.id, expected_version=first.version, author=author, reference="Case 1", factors=[own])
    with pytest.raises(InvalidInput, match=r"ticked on 1 case \(Case 1\)"):
        depth.remove_own_factor(engine, pid, audit.id, own, expected_version=audit.version, author=author)
    with pytest.raises(InvalidInput, match="listed ones stay"):
        depth.remove_own_factor(engine, pid, audit.id, "domestic_abuse", expected_version=audit.version, author=author)
    assert "Parent in prison" in au.audit_factors(au.get_audit(engine, pid, audit.id)).values()


def test_no_cases_count_nothing(engine, partnership, author):
    audit = au.create_audit(engine, partnership.id, theme="Empty", author=author)
    assert depth.factor_table(audit, []).empty


# --- A count as a measure's reading -------------------------------------------------------------


def test_a_criterion_count_becomes_the_measures_reading_for_the_audits_year(engine, world, author):
    pid, audit = world["pid"], world["audit"]
    c = depth.add_criterion(engine, pid, audit.id, text="The child's views were recorded", met=2, audited=3, author=author)
    reading = depth.record_audit_reading(
        engine, pid, audit.id, measure_id=world["counted"].id, count=f"criterion:{c.id}", author=author, today=TODAY
    )
    assert (reading.period, reading.value) == ("2025/26", "2 of 3")  # 31/03/2026 is in 2025/26, in the measure's style
    assert reading.source == "Thematic audit: Child sexual abuse in the family"
    assert reading.note == (
        "From the thematic audit 'Child sexual abuse in the family' (31/03/2026): criterion: The child's views were recorded, "
        "2 of 3 cases audited."
    )
    share = depth.record_audit_reading(
        engine, pid, audit.id, measure_id=world["share"].id, count="factor:domestic_abuse", period="Q4 2025/26", author=author, today=TODAY
    )
    assert (share.period, share.value) == ("Q4 2025/26", "67%")
    assert [r.value for r in list_readings(engine, pid)] == ["2 of 3", "67%"]


def test_reading_bad_inputs_store_nothing(engine, world, author, partnership):
    pid, audit = world["pid"], world["audit"]
    counted = world["counted"]
    empty = au.create_audit(engine, pid, theme="No cases yet", held_on="01/04/2026", author=author)
    with pytest.raises(InvalidInput, match="no cases recorded"):
        depth.record_audit_reading(engine, pid, empty.id, measure_id=counted.id, count="factor:domestic_abuse", author=author, today=TODAY)
    uncounted = depth.add_criterion(engine, pid, audit.id, text="Views recorded", author=author)
    with pytest.raises(InvalidInput, match="no count yet"):
        depth.record_audit_reading(engine, pid, audit.id, measure_id=counted.id, count=f"criterion:{uncounted.id}", author=author)
    undated = au.create_audit(engine, pid, theme="Undated", author=author)
    au.add_case(engine, pid, undated.id, reference="Case 1", factors=["neglect"], author=author)
    with pytest.raises(InvalidInput, match="Give the audit's date"):
        depth.record_audit_reading(engine, pid, undated.id, measure_id=counted.id, count="factor:neglect", author=author)
    P.delete(engine, pid, "measure", counted.id, author=author)
    with pytest.raises(NotFound, match="measure has been removed"):
        depth.record_audit_reading(engine, pid, audit.id, measure_id=counted.id, count="factor:domestic_abuse", author=author, today=TODAY)
    with pytest.raises(NotFound, match="no longer in this audit"):
        depth.record_audit_reading(engine, pid, audit.id, measure_id=world["share"].id, count="factor:gone", author=author)
    depth.record_audit_reading(engine, pid, audit.id, measure_id=world["share"].id, count="factor:send", author=author, today=TODAY)
    with pytest.raises(InvalidInput, match="already a reading for 2025/26"):
        depth.record_audit_reading(
            engine, pid, audit.id, measure_id=world["share"].id, count="factor:domestic_abuse", author=author, today=TODAY
        )
    assert [r.value for r in list_readings(engine, pid)] == ["33%"]


# --- Recommendations: owner, due date, each agency's response -------------------------------------


@pytest.fixture
def rec(engine, world, author):
    return add_recommendation(engine, world["pid"], audit_id=world["audit"].id, text="Train school staff", author=author)


def test_a_recommendation_has_an_owner_a_due_date_and_each_agencys_response(engine, world, rec, author):
    pid = world["pid"]
    saved = update_recommendation(
        engine, pid, rec.id, expected_version=rec.version, author=author, owner="harbourshire  police", due_date="31/03/2027"
    )
    assert (saved.owner, saved.due_date) == ("Harbourshire Police", "2027-03-31")  # the agency as listed
    first = save_response(
        engine,
        pid,
        rec.id,
        agency="Harbourshire Police",
        text="Training booked for May.",
        responded_on="14/10/2026",
        responded_by="Detective Inspector",
        author=author,
    )
    save_response(engine, pid, rec.id, agency="Harbourshire County Council", text="Module written.", author=author)
    changed = save_response(
        engine, pid, rec.id, agency="Harbourshire Police", text="Training held.", expected_version=first.version, author=author
    )
    assert changed.version == 2
    [police, council] = list_responses(engine, pid)[rec.id]
    assert (police.agency, police.text, council.agency) == ("Harbourshire Police", "Training held.", "Harbourshire County Council")
    cleared = update_recommendation(engine, pid, rec.id, expected_version=saved.version, author=author, due_date=None)
    assert cleared.due_date is None and cleared.owner == "Harbourshire Police"


def test_recommendation_bad_inputs_store_nothing(engine, world, rec, author):
    pid = world["pid"]
    with pytest.raises(InvalidInput, match="'Acme Ltd' is not one of the partnership's agencies"):
        update_recommendation(engine, pid, rec.id, expected_version=rec.version, author=author, owner="Acme Ltd")
    with pytest.raises(InvalidInput, match="not a real date"):
        update_recommendation(engine, pid, rec.id, expected_version=rec.version, author=author, due_date="31/02/2027")
    with pytest.raises(InvalidInput, match="two-digit year"):
        update_recommendation(engine, pid, rec.id, expected_version=rec.version, author=author, due_date="01/04/27")
    with pytest.raises(InvalidInput, match="'Acme Ltd' is not one of the partnership's agencies"):
        save_response(engine, pid, rec.id, agency="Acme Ltd", text="We did it.", author=author)
    with pytest.raises(InvalidInput, match="The response is empty"):
        save_response(engine, pid, rec.id, agency="Harbourshire Police", text=" \n ", author=author)
    stored = list_recommendations(engine, pid, audit_id=world["audit"].id)[0]
    assert (stored.owner, stored.due_date, stored.version) == ("", None, 1)
    assert list_responses(engine, pid) == {}
    remove_recommendation(engine, pid, rec.id, author=author)
    with pytest.raises(NotFound, match="removed that recommendation"):
        save_response(engine, pid, rec.id, agency="Harbourshire Police", text="Late.", author=author)


def test_two_people_editing_one_recommendation_nothing_is_lost(engine, world, rec, author, other_author):
    pid = world["pid"]
    update_recommendation(engine, pid, rec.id, expected_version=1, author=author, owner="Harbourshire Police", due_date="31/03/2027")
    with pytest.raises(Conflict) as exc:
        update_recommendation(engine, pid, rec.id, expected_version=1, author=other_author, owner="Harbourshire County Council")
    assert exc.value.theirs == {"owner": "Harbourshire Police"} and exc.value.theirs_by == "Sam Patel"
    assert list_recommendations(engine, pid)[0].owner == "Harbourshire Police"
    copies = [r for r in _revisions(engine, "recommendation") if r.action == "conflict_copy"]
    assert copies and "Harbourshire County Council" in copies[0].new_value
    # Two people recording the same agency's first response: the second is told, theirs kept in the history.
    save_response(engine, pid, rec.id, agency="Harbourshire Police", text="Booked.", author=author)
    with pytest.raises(Conflict):
        save_response(engine, pid, rec.id, agency="Harbourshire Police", text="Not yet booked.", author=other_author)
    assert list_responses(engine, pid)[rec.id][0].text == "Booked."
    assert any("Not yet booked." in (r.new_value or "") for r in _revisions(engine, "recommendation.response"))


def test_a_scrutineer_reads_but_cannot_change_owner_or_responses(engine, world, rec):
    pid = world["pid"]
    scrutineer = member(engine, pid, "scrutineer", "scrutineer")
    with pytest.raises(NotAllowed):
        update_recommendation(engine, pid, rec.id, expected_version=rec.version, author=scrutineer, owner="Harbourshire Police")
    with pytest.raises(NotAllowed):
        save_response(engine, pid, rec.id, agency="Harbourshire Police", text="Done.", author=scrutineer)
    with pytest.raises(NotAllowed):
        depth.add_criterion(engine, pid, world["audit"].id, text="Views recorded", author=scrutineer)
    assert list_responses(engine, pid) == {} and depth.list_criteria(engine, world["audit"].id) == []


# --- The briefing and the tracker ----------------------------------------------------------------


def _doc(data: bytes):
    doc = Document(io.BytesIO(data))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    return doc, text


def test_the_briefing_shows_criteria_factors_owners_and_responses(engine, demo_id):
    audit = au.list_audits(engine, demo_id)[0]
    doc, text = _doc(build_audit_briefing(engine, demo_id, audit.id, charts=False))
    headings2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert "What good looks like: the audit's criteria" in headings2
    assert "Factors present across the cases" in headings2 and "What each agency reported back" in headings2
    criteria = next(t for t in doc.tables if t.rows[0].cells[0].text == "Criterion")
    rows = [[c.text for c in r.cells] for r in criteria.rows[1:]]
    assert rows[0] == [
        "The child's views and wishes were recorded in the child's own words",
        "A2.O1 Practitioners open a door to communication with children when there are concerns",
        "7 of 10",
        "70%",
    ]
    factors = next(t for t in doc.tables if t.rows[0].cells[0].text == "Factor")
    counted = {r.cells[0].text: r.cells[1].text for r in factors.rows[1:]}
    assert counted["Domestic abuse"] == "5 of 10" and counted["Online abuse as part of the harm"] == "2 of 10"
    cases = next(t for t in doc.tables if t.rows[0].cells[0].text == "Case")
    assert cases.rows[0].cells[3].text == "Factors present" and cases.rows[1].cells[3].text == "Domestic abuse"
    assert "owner: Harbourshire County Council; due: 31 March 2027; status: accepted" in text
    responses = [t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["Agency", "Response", "Date", "By"]]
    assert [r.cells[0].text for r in responses[0].rows[1:]] == ["Harbourshire County Council", "Harbourshire Police"]
    assert "Head of Safeguarding Learning" in text and "14/10/2026" in text
    assert "No response from any agency yet." in text  # the third recommendation


def test_markup_and_formulas_stay_text_in_the_briefing_and_the_tracker(engine, world, rec, author):
    pid, audit = world["pid"], world["audit"]
    nasty = '=HYPERLINK("http://x","y") <script>alert(1)</script> & ]]> \x01\u202e'
    depth.add_criterion(engine, pid, audit.id, text=nasty, met=1, audited=3, author=author)
    depth.add_own_factor(engine, pid, audit.id, label="<b>+SUM(A1)</b>", expected_version=audit.version, author=author)
    save_response(engine, pid, rec.id, agency="Harbourshire Police", text="@cmd|' /C calc'!A0", responded_by="-2+3", author=author)
    _, text = _doc(build_audit_briefing(engine, pid, audit.id, charts=False))
    assert '=HYPERLINK("http://x","y") <script>alert(1)</script> & ]]>' in text and "\x01" not in text
    assert "@cmd|' /C calc'!A0" in text
    rows = list(csv.reader(io.StringIO(depth.tracker_csv(engine, pid, audit.id).decode("utf-8-sig"))))
    assert rows[0] == ["Recommendation", "Owner", "Due", "Status", "Agency", "Response", "Date of the response", "Given by"]
    assert rows[1][5] != "@cmd|' /C calc'!A0" and unneutralise(rows[1][5]) == "@cmd|' /C calc'!A0"
    assert unneutralise(rows[1][7]) == "-2+3"


def test_the_scrutineers_dashboard_shows_owner_due_date_and_who_has_responded(engine, demo_id, author):
    from strategy.answers.comments import add_comment
    from strategy.assessments.scrutiny import open_comments, open_recommendations
    from strategy.delivery import operations as D

    audit = au.list_audits(engine, demo_id)[0]
    first = list_recommendations(engine, demo_id, audit_id=audit.id)[0]
    add_comment(engine, demo_id, target_kind="item", target_key=f"recommendation:{first.id}", text="When?", author=author)
    d = D.load_delivery(engine, demo_id, today=TODAY)
    table = open_recommendations(d).set_index("Recommendation")
    row = table.loc[first.text]
    assert (row["Owner"], row["Due"], row["Responses from"]) == (
        "Harbourshire County Council",
        "31/03/2027",
        "Harbourshire County Council; Harbourshire Police",
    )
    assert "Relaunch the information-sharing advice" not in " ".join(table.index)  # done: not open
    about = set(open_comments(d)["About"])
    assert f"Recommendation: {first.origin}" in about


def test_the_audits_date_is_read_day_first_and_a_wrong_one_changes_nothing(engine, world, author):
    pid, audit = world["pid"], world["audit"]
    for wrong, words in (("31/02/2026", "not a real date"), ("2026-13-01", "not a real date"), ("March 2026", "not a date")):
        with pytest.raises(InvalidInput, match=words):
            au.update_audit(engine, pid, audit.id, expected_version=audit.version, author=author, held_on=wrong)
    kept = au.get_audit(engine, pid, audit.id)
    assert (kept.held_on, kept.version) == ("2026-03-31", 1)
    assert depth.default_period(kept) == "2025/26"
    moved = au.update_audit(engine, pid, audit.id, expected_version=1, author=author, held_on="01/04/2026")
    assert depth.default_period(moved) == "2026/27"


def test_peoples_words_are_escaped_in_the_charts(engine, world, author):
    pid, audit = world["pid"], world["audit"]
    depth.add_own_factor(engine, pid, audit.id, label="<a href='x'>Parent</a> & carer", expected_version=audit.version, author=author)
    depth.add_criterion(engine, pid, audit.id, text="<img src=x onerror=alert(1)>", met=1, audited=3, author=author)
    audit = au.get_audit(engine, pid, audit.id)
    factors = depth.factor_figure(depth.factor_table(audit, au.list_cases(engine, audit.id)))
    assert "&lt;a href='x'&gt;Parent&lt;/a&gt; &amp; carer" in list(factors.data[0].y)
    criteria = depth.criteria_figure(depth.criteria_table(engine, pid, depth.list_criteria(engine, audit.id)))
    assert list(criteria.data[0].y) == ["&lt;img src=x onerror=alert(1)&gt;"]


# --- The migration --------------------------------------------------------------------------------


def test_0016_keeps_every_row_and_goes_down_cleanly(db_url):
    from sqlalchemy import text

    from strategy.core.authors import Author
    from strategy.core.db import _alembic_config, dispose_engine, get_engine, prepare_database
    from tests.test_migrations import ROWS, _counts, _fill_at_0001

    engine = get_engine(db_url)
    command.upgrade(_alembic_config(engine), "0001")
    _fill_at_0001(engine)
    command.upgrade(_alembic_config(engine), "0013")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO thematic_audit (id, partnership_id, theme, period, parts_json, fields_json, version, created_at, "
                "updated_at, updated_by_name) VALUES (1, 2, 'Family ŵ', '2025/26', '[]', '{}', 4, CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP, 'Sam')"
            )
        )
        for n in range(1, 6):
            conn.execute(
                text(
                    "INSERT INTO audit_case (partnership_id, audit_id, reference, agencies, grade, strengths, learning, version, "
                    "updated_at, updated_by_name) VALUES (2, 1, :ref, 'Police', 'good', 'Clear', 'Slow', 2, CURRENT_TIMESTAMP, 'Sam')"
                ),
                {"ref": f"Case {n}"},
            )
        conn.execute(
            text(
                "INSERT INTO recommendation (partnership_id, audit_id, position, text, domain, status, origin, version, updated_at, "
                "updated_by_name) VALUES (2, 1, 1, 'Train staff <b>', '', 'accepted', 'Thematic audit', 3, CURRENT_TIMESTAMP, 'Sam')"
            )
        )
    prepare_database(db_url)
    assert _counts(engine) == ROWS
    cases = au.list_cases(engine, 1)
    assert [(c.reference, c.grade, c.version, au.case_factors(c)) for c in cases][0] == ("Case 1", "good", 2, [])
    assert len(cases) == 5
    [rec] = list_recommendations(engine, 2)
    assert (rec.text, rec.status, rec.version, rec.owner, rec.due_date) == ("Train staff <b>", "accepted", 3, "", None)
    audit = au.get_audit(engine, 2, 1)
    assert (audit.theme, audit.version, audit.held_on, au.audit_factors(audit)["send"]) == (
        "Family ŵ",
        4,
        None,
        "Special educational needs or disability",
    )
    depth.add_criterion(engine, 2, 1, text="Views recorded", met=1, audited=5, author=Author.make("Sam"))
    command.downgrade(_alembic_config(engine), "0013")
    dispose_engine(db_url)
    engine = get_engine(db_url)
    assert not {"audit_criterion", "recommendation_response"} & set(inspect(engine).get_table_names())
    assert "held_on" not in {c["name"] for c in inspect(engine).get_columns("thematic_audit")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_case")).scalar_one() == 5
        assert conn.execute(text("SELECT text FROM recommendation")).scalar_one() == "Train staff <b>"
