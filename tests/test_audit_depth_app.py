"""The thematic audits page in depth (issue 21) through AppTest: criteria refused and added, a case's
factors saved from its form and counted, a count recorded as a measure's reading, a scrutineer reading
owners and responses and commenting, and two people recording the same agency's response."""

from __future__ import annotations

from datetime import date

from strategy.answers.comments import threads
from strategy.assessments import audit as au
from strategy.assessments import audit_depth as depth
from strategy.assessments.recommendations import add_recommendation, list_recommendations, list_responses, save_response
from strategy.core.authors import Author
from strategy.delivery.operations import list_readings
from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P
from tests.test_app import app, engine, open_page, url  # noqa: F401  (fixtures)

SAM = Author.make("Sam Patel", "Harbourshire Council")
JO = Author.make("Jo Evans", "Harbourshire Police")
PAGE = "views/audits.py"


def _button(at, label: str, n: int = 0):
    return [b for b in at.button if b.label == label][n]


def _audit_with_cases(engine, cases: int = 3):  # noqa: F811
    p = create_partnership(engine, name="Harbourshire", nation="england")
    audit = au.create_audit(engine, p.id, theme="Family environment", held_on="31/03/2026", author=SAM)
    for n in range(1, cases + 1):
        au.add_case(engine, p.id, audit.id, reference=f"Case {n}", author=SAM)
    return p.id, audit


def test_a_criterion_met_by_more_cases_than_were_audited_is_refused_then_added(engine):  # noqa: F811
    pid, audit = _audit_with_cases(engine)
    at = open_page(app(pid, SAM), PAGE)
    assert any("must not be a name" in c.value and "case number from an agency" in c.value for c in at.caption)
    next(t for t in at.text_area if t.label == "What good looks like").input("The child's views were recorded <b>")
    next(n for n in at.number_input if n.label == "Cases that met it").set_value(5)
    assert next(n for n in at.number_input if n.label == "Cases audited").value == 3  # the cases recorded
    _button(at, "Add the criterion").click().run()
    assert any("met in 5 cases but only 3 were audited" in e.value for e in at.error)
    assert depth.list_criteria(engine, audit.id) == []
    next(t for t in at.text_area if t.label == "What good looks like").input("The child's views were recorded <b>")
    next(n for n in at.number_input if n.label == "Cases that met it").set_value(2)
    _button(at, "Add the criterion").click().run()
    [c] = depth.list_criteria(engine, audit.id)
    assert (c.text, c.met, c.audited) == ("The child's views were recorded <b>", 2, 3)
    table = next(d.value for d in at.dataframe if "Criterion" in d.value.columns)
    assert list(table["Criterion"]) == ["The child's views were recorded <b>"] and list(table["Per cent"]) == [67]


def test_a_cases_factors_are_saved_from_its_form_and_counted(engine):  # noqa: F811
    pid, audit = _audit_with_cases(engine, cases=2)
    at = open_page(app(pid, SAM), PAGE)
    next(m for m in at.multiselect if m.label == "Factors present").set_value(["domestic_abuse", "language_barriers"])
    _button(at, "Save the case").click().run()
    assert not at.error, [e.value for e in at.error]
    first = au.list_cases(engine, audit.id)[0]
    assert au.case_factors(first) == ["domestic_abuse", "language_barriers"]
    counted = {
        r["Factor"]: r["Cases"]
        for _, r in depth.factor_table(au.get_audit(engine, pid, audit.id), au.list_cases(engine, audit.id)).iterrows()
    }
    assert counted["Domestic abuse"] == 1 and counted["Language barriers"] == 1
    shown = [d.value for d in at.dataframe]
    assert any("Factor" in f.columns and f.set_index("Factor").loc["Domestic abuse", "Cases"] == 1 for f in shown)


def test_a_count_becomes_a_measures_reading_from_the_page(engine):  # noqa: F811
    pid, audit = _audit_with_cases(engine)
    aim = P.add_aim(engine, pid, title="Children are heard", author=SAM)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Practitioners talk with children", author=SAM)
    measure = P.add_measure(engine, pid, outcome_id=outcome.id, indicator="Views recorded", baseline_value="3 of 20", author=SAM)
    c = depth.add_criterion(engine, pid, audit.id, text="Views recorded", outcome_id=outcome.id, met=2, audited=3, author=SAM)
    at = open_page(app(pid, SAM), PAGE)
    next(s for s in at.selectbox if s.label == "Count").set_value(f"criterion:{c.id}")
    next(s for s in at.selectbox if s.label == "Measure").set_value(measure.id)
    assert next(t for t in at.text_input if t.label == "Period of the reading").value == "2025/26"
    _button(at, "Record the reading").click().run()
    assert any("Recorded 2 of 3 for 2025/26" in s.value for s in at.success)
    [reading] = list_readings(engine, pid)
    assert reading.value == "2 of 3" and reading.note.startswith("From the thematic audit 'Family environment' (31/03/2026)")
    _button(at, "Record the reading").click().run()  # the same period again: refused, nothing added
    assert any("already a reading for 2025/26" in e.value for e in at.error)
    assert len(list_readings(engine, pid)) == 1


def test_a_scrutineer_reads_owners_and_responses_and_comments_but_changes_nothing(engine, sqlite_demo_id):  # noqa: F811
    demo = sqlite_demo_id
    at = open_page(app(demo, Author.make("Rae Scrutton", "Independent scrutiny"), role="scrutineer"), PAGE)
    assert not at.exception, [e.value for e in at.exception]
    markdown = " ".join(m.value for m in at.markdown)
    assert "**Owner:** Harbourshire County Council" in markdown and "**Due:** 31/03/2027" in markdown
    texts = [t.value for t in at.text]
    assert "The e-learning module is written and in testing with two teams; it goes live in January." in texts
    labels = {b.label for b in at.button}
    for writing in ("Save the response", "Save the owner and due date", "Add the criterion", "Save the case", "Record the reading"):
        assert writing not in labels
    criteria = next(d.value for d in at.dataframe if "Criterion" in d.value.columns)
    assert len(criteria) == 6
    audit = au.list_audits(engine, demo)[0]
    first = list_recommendations(engine, demo, audit_id=audit.id)[0]
    next(t for t in at.text_area if t.label == "Add a comment").input("When will the police figures be in?")
    _button(at, "Add comment").click().run()
    [thread] = threads(engine, demo, "item", f"recommendation:{first.id}")
    assert thread.comment.text == "When will the police figures be in?" and thread.comment.author_name == "Rae Scrutton"


def test_two_people_recording_one_agencys_response_nothing_is_lost(engine):  # noqa: F811
    pid, audit = _audit_with_cases(engine, cases=0)
    P.add_agency(engine, pid, "Harbourshire Police", author=SAM)
    rec = add_recommendation(engine, pid, audit_id=audit.id, text="Train school staff", author=SAM)
    at = open_page(app(pid, SAM), PAGE)
    save_response(engine, pid, rec.id, agency="Harbourshire Police", text="Booked for May.", author=JO)  # meanwhile
    next(s for s in at.selectbox if s.label == "Agency").set_value("Harbourshire Police")
    next(t for t in at.text_area if t.label == "Response").input("Not booked yet.")
    next(d for d in at.date_input if d.label == "Date of the response").set_value(date(2026, 10, 14))
    _button(at, "Save the response").click().run()
    assert any("Jo Evans changed this response from Harbourshire Police" in e.value for e in at.error), [e.value for e in at.error]
    [kept] = list_responses(engine, pid)[rec.id]
    assert kept.text == "Booked for May."
    assert next(t for t in at.text_area if t.label == "Response").value == "Not booked yet."  # still there to save again
    _button(at, "Save the response").click().run()  # having seen theirs: saved over it, theirs kept in the history
    assert list_responses(engine, pid)[rec.id][0].text == "Not booked yet."
    # The owner and due date, from their own form.
    next(s for s in at.selectbox if s.label == "Owning agency").set_value("Harbourshire Police")
    next(d for d in at.date_input if d.label == "Due").set_value(date(2027, 3, 31))
    _button(at, "Save the owner and due date").click().run()
    stored = list_recommendations(engine, pid)[0]
    assert (stored.owner, stored.due_date) == ("Harbourshire Police", "2027-03-31")


def test_a_case_changed_meanwhile_is_a_conflict_not_overwritten(engine):  # noqa: F811
    pid, audit = _audit_with_cases(engine, cases=1)
    at = open_page(app(pid, SAM), PAGE)
    case = au.list_cases(engine, audit.id)[0]
    au.update_case(engine, pid, case.id, expected_version=case.version, author=JO, reference="Case 1", factors=["neglect"])
    next(m for m in at.multiselect if m.label == "Factors present").set_value(["domestic_abuse"])
    _button(at, "Save the case").click().run()
    assert any("Jo Evans changed this case" in e.value for e in at.error), [e.value for e in at.error]
    assert au.case_factors(au.list_cases(engine, audit.id)[0]) == ["neglect"]


def test_two_people_changing_one_recommendations_owner_the_second_is_told(engine):  # noqa: F811
    from strategy.assessments.recommendations import update_recommendation

    pid, audit = _audit_with_cases(engine, cases=0)
    for name in ("Harbourshire Police", "Harbourshire County Council"):
        P.add_agency(engine, pid, name, author=SAM)
    rec = add_recommendation(engine, pid, audit_id=audit.id, text="Train school staff", author=SAM)
    at = open_page(app(pid, SAM), PAGE)
    update_recommendation(engine, pid, rec.id, expected_version=1, author=JO, owner="Harbourshire Police")  # meanwhile
    next(s for s in at.selectbox if s.label == "Owning agency").set_value("Harbourshire County Council")
    _button(at, "Save the owner and due date").click().run()
    assert any("Jo Evans changed this recommendation" in e.value and "Harbourshire Police" in e.value for e in at.error)
    assert list_recommendations(engine, pid)[0].owner == "Harbourshire Police"
    assert next(s for s in at.selectbox if s.label == "Owning agency").value == "Harbourshire County Council"  # kept to save again


def test_the_audits_details_changed_meanwhile_are_a_conflict_and_what_was_typed_stays(engine):  # noqa: F811
    """The details form was keyed by the audit's version: after someone else's save it came back empty
    and this person's submit was dropped without a word."""
    pid, audit = _audit_with_cases(engine, cases=0)
    at = open_page(app(pid, SAM), PAGE)
    au.update_audit(engine, pid, audit.id, expected_version=audit.version, author=JO, theme="Online harm")  # meanwhile

    def theme():  # the details form's (the new-audit form above has a Theme too)
        return next(t for t in at.text_input if t.label == "Theme" and (t.key or "").endswith("|theme"))

    theme().input("Harmful sexual behaviour in schools")
    _button(at, "Save").click().run()
    assert any("Jo Evans changed this audit" in e.value for e in at.error), [e.value for e in at.error]
    assert au.list_audits(engine, pid)[0].theme == "Online harm"
    assert theme().value == "Harmful sexual behaviour in schools"
    _button(at, "Save").click().run()  # having seen theirs: saved over it, theirs kept in the history
    assert au.list_audits(engine, pid)[0].theme == "Harmful sexual behaviour in schools"
