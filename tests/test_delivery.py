"""Delivery (Guide §15.1) on SQLite and PostgreSQL: progress updates, readings, direction of travel, the
off-track rule, the dashboard's tables, and every bad input with its message and nothing stored."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from sqlalchemy import func
from sqlmodel import select

from strategy.answers.operations import save_answer
from strategy.core.authors import Author
from strategy.core.db import read_session
from strategy.core.errors import InvalidInput, NotFound
from strategy.core.models import MeasureReading, PlanAction, PlanUpdate, Revision
from strategy.delivery import operations as D
from strategy.documents.progress_report import export_progress_report
from strategy.features import SCRUTINY_SECTIONS
from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P

TODAY = date(2026, 11, 23)
SAM = Author.make("Sam Patel", "Harbourshire Council")


@pytest.fixture
def setup(engine):
    pid = create_partnership(engine, name="Harbourshire", nation="england").id
    aim = P.add_aim(engine, pid, title="Recognise more children", author=SAM)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="Practitioners recognise signs", author=SAM)
    late = P.create_action(
        engine,
        pid,
        outcome_id=outcome.id,
        title="Publish expectations",
        author=SAM,
        leads=[],
        start_date="01/04/2026",
        end_date="30/09/2026",
        component="identification",
    )
    later = P.create_action(
        engine, pid, outcome_id=outcome.id, title="Audit the template", author=SAM, leads=[], start_date="01/01/2027", end_date="31/03/2027"
    )
    numeric = P.add_measure(
        engine,
        pid,
        outcome_id=outcome.id,
        indicator="Referrals from schools",
        author=SAM,
        baseline_value="96",
        baseline_date="31/03/2025",
        target_value="150",
        target_date="31/03/2028",
    )
    words = P.add_measure(
        engine,
        pid,
        outcome_id=outcome.id,
        indicator="What children tell us",
        author=SAM,
        baseline_value="Not asked",
        target_value="Asked every year",
    )
    return {"pid": pid, "late": late, "later": later, "numeric": numeric, "words": words}


def counts(engine):
    with read_session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(PlanUpdate)).one(),
            session.exec(select(func.count()).select_from(MeasureReading)).one(),
            session.exec(select(func.count()).select_from(Revision)).one(),
        )


def action(engine, action_id):
    with read_session(engine) as session:
        return session.get(PlanAction, action_id)


# --- Progress updates ---------------------------------------------------------------------------


def test_an_update_sets_the_status_and_the_latest_update_wins(engine, setup):
    pid, x = setup["pid"], setup["late"]
    D.add_update(engine, pid, x.id, status="on_track", note="Draft written", reported_on="30/06/2026", author=SAM, today=TODAY)
    D.add_update(engine, pid, x.id, status="At risk", note="Health wants more time", reported_on="15/08/2026", author=SAM, today=TODAY)
    assert action(engine, x.id).status == "in_progress" and action(engine, x.id).version == x.version + 1
    # an update about an earlier day, written later, does not become the current status
    D.add_update(engine, pid, x.id, status="off_track", note="Back-dated note", reported_on="01/07/2026", author=SAM, today=TODAY)
    d = D.load_delivery(engine, pid, today=TODAY)
    table = D.action_status_table(d).set_index("Code")
    assert table.loc["A1.O1.1", "Status"] == "At risk"
    assert table.loc["A1.O1.1", "Overdue"]  # past 30/09/2026 and not complete
    assert table.loc["A1.O1.1", "Due for an update"]  # last update 100 days ago; the interval is 90
    assert list(D.updates_table(d)["Status"]) == ["At risk", "Off track", "On track"]
    with read_session(engine) as session:
        fields = session.exec(select(Revision.prompt_id, Revision.field).where(Revision.prompt_id.like("delivery%"))).all()
    assert len(fields) == 3


def test_due_for_an_update_follows_the_partnerships_interval_and_skips_actions_not_yet_started(engine, setup):
    pid, x = setup["pid"], setup["late"]
    D.add_update(engine, pid, x.id, status="on_track", reported_on="15/08/2026", author=SAM, today=TODAY)
    assert D.update_interval(engine, pid) == 90
    table = D.action_status_table(D.load_delivery(engine, pid, today=TODAY)).set_index("Code")
    assert table.loc["A1.O1.1", "Due for an update"]  # 100 days > 90
    assert not table.loc["A1.O1.2", "Due for an update"]  # starts in 2027
    save_answer(engine, pid, D.INTERVAL_PROMPT, "120", expected_version=0, author=SAM)
    table = D.action_status_table(D.load_delivery(engine, pid, today=TODAY)).set_index("Code")
    assert not table.loc["A1.O1.1", "Due for an update"]


def test_complete_with_its_date_is_neither_overdue_nor_due(engine, setup):
    pid, x = setup["pid"], setup["late"]
    D.add_update(engine, pid, x.id, status="complete", completed_on="20/09/2026", reported_on="20/09/2026", author=SAM, today=TODAY)
    assert action(engine, x.id).status == "complete"
    row = D.action_status_table(D.load_delivery(engine, pid, today=TODAY)).set_index("Code").loc["A1.O1.1"]
    assert (row["Status"], row["Completed on"], row["Overdue"], row["Due for an update"]) == ("Complete", "20/09/2026", False, False)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"status": "complete"}, "needs the date it was completed"),
        ({"status": "complete", "completed_on": "31/02/2026"}, "not a real date"),
        ({"status": "on_track", "completed_on": "01/09/2026"}, "only goes with the status Complete"),
        ({"status": "finished"}, "'finished' is not a progress status"),
        ({"status": "on_track", "reported_on": "01/12/2026"}, "01/12/2026 is in the future"),
        ({"status": "complete", "completed_on": "01/01/2027"}, "01/01/2027 is in the future"),
        ({"status": "on_track", "note": "x" * 20_001}, "the most it can hold is 20,000"),
    ],
)
def test_bad_updates_are_refused_and_nothing_is_stored(engine, setup, fields, message):
    before, status = counts(engine), action(engine, setup["late"].id).status
    with pytest.raises(InvalidInput, match=message):
        D.add_update(engine, setup["pid"], setup["late"].id, author=SAM, today=TODAY, **fields)
    assert counts(engine) == before and action(engine, setup["late"].id).status == status


def test_an_update_on_a_removed_action_is_refused_and_says_how_to_bring_it_back(engine, setup):
    pid = setup["pid"]
    P.delete(engine, pid, "action", setup["late"].id, author=SAM)
    before = counts(engine)
    with pytest.raises(NotFound, match="removed the action 'Publish expectations'.*Restore the action"):
        D.add_update(engine, pid, setup["late"].id, status="on_track", author=SAM, today=TODAY)
    assert counts(engine) == before
    with pytest.raises(NotFound, match="no longer exists"):
        D.add_update(engine, pid, 999_999, status="on_track", author=SAM, today=TODAY)


def test_typed_text_is_kept_as_written(engine, setup):
    note = "<script>alert(1)</script> =SUM(A1) ‘curly’ ŵ 🙂"
    D.add_update(engine, setup["pid"], setup["late"].id, status="on_track", note=note + "\x00", author=SAM, today=TODAY)
    assert D.list_updates(engine, setup["pid"])[0].note == note


# --- Readings -----------------------------------------------------------------------------------


def test_readings_direction_of_travel_and_the_off_track_rule(engine, setup):
    pid, m = setup["pid"], setup["numeric"]
    for period, value in (("Q3 2025/26", "98"), ("Q4 2025/26", "c"), ("q1 2026-27", "101"), ("Q2 2026/27", "94")):
        D.add_reading(engine, pid, m.id, period=period, value=value, author=SAM, today=TODAY)
    d = D.load_delivery(engine, pid, today=TODAY)
    row = D.indicator_table(d).set_index("Code").loc["A1.O1.M1"]
    assert (row["Latest"], row["Direction of travel"], row["Judgement"]) == ("94 (Q2 2026/27)", "Worsening", "Off track")
    table = D.readings_table(d, m.id)
    assert list(table["Period"]) == ["Q3 2025/26", "Q4 2025/26", "Q1 2026/27", "Q2 2026/27"]
    assert table["Counted as"].isna().tolist() == [False, True, False, False]  # the code is a gap, never zero
    assert list(D.INDICATORS_OFF_TRACK.rows(d)["Code"]) == ["A1.O1.M1"]


def test_a_target_below_the_baseline_makes_a_fall_an_improvement(engine, setup):
    pid = setup["pid"]
    outcome = P.load_plan(engine, pid).all_outcomes()[0]
    m = P.add_measure(
        engine,
        pid,
        outcome_id=outcome.id,
        indicator="Weeks waiting for therapy",
        author=SAM,
        baseline_value="20",
        baseline_date="31/03/2025",
        target_value="6",
        target_date="31/03/2027",
    )
    D.add_reading(engine, pid, m.id, period="2024/25", value="20", author=SAM, today=TODAY)
    D.add_reading(engine, pid, m.id, period="2025/26", value="11", author=SAM, today=TODAY)
    j = D.judge(m, D.list_readings(engine, pid))
    assert (j.direction, j.verdict) == ("Improving", "On track")


@pytest.mark.parametrize(
    "period, value, message",
    [
        ("Q4 2026/27", "12", "Q4 2026/27 has not started yet"),
        ("2030", "12", "2030 has not started yet"),
        ("Summer", "12", "'Summer' is not a year"),
        ("", "12", "The period is empty"),
        ("Q2 2025/27", "12", "two years in a row"),
        ("2025/26", "twelve", "'twelve' is not a number.*c \\(suppressed\\)"),
        ("2025/26", "1,5", "'1,5' is not a number"),
        ("2025/26", "-4", "cannot be less than 0"),
        ("2025/26", "", "The value is empty"),
    ],
)
def test_bad_readings_are_refused_and_nothing_is_stored(engine, setup, period, value, message):
    before = counts(engine)
    with pytest.raises(InvalidInput, match=message):
        D.add_reading(engine, setup["pid"], setup["numeric"].id, period=period, value=value, author=SAM, today=TODAY)
    assert counts(engine) == before


def test_a_second_reading_for_the_same_period_is_refused_until_the_first_is_removed(engine, setup):
    pid, m = setup["pid"], setup["numeric"]
    first = D.add_reading(engine, pid, m.id, period="2025/26", value="98", author=SAM, today=TODAY)
    before = counts(engine)
    with pytest.raises(InvalidInput, match="already a reading for 2025/26 \\(98, from Sam Patel\\)"):
        D.add_reading(engine, pid, m.id, period="2025-2026", value="99", author=SAM, today=TODAY)
    assert counts(engine) == before
    D.delete_reading(engine, pid, first.id, author=SAM)
    D.add_reading(engine, pid, m.id, period="2025/26", value="99", author=SAM, today=TODAY)
    with pytest.raises(InvalidInput, match="reading for 2025/26 again"):
        D.restore_reading(engine, pid, first.id, author=SAM)
    assert [r.value for r in D.list_readings(engine, pid)] == ["99"]
    assert [r.value for r in D.list_readings(engine, pid, removed=True)] == ["98"]


def test_codes_are_kept_and_words_are_allowed_for_a_measure_in_words(engine, setup):
    pid = setup["pid"]
    for code in ("c", "Z", ":"):
        D.add_reading(
            engine, pid, setup["numeric"].id, period={"c": "2023", "Z": "2024", ":": "2025"}[code], value=code, author=SAM, today=TODAY
        )
    D.add_reading(engine, pid, setup["words"].id, period="2025/26", value="Asked in two of four schools", author=SAM, today=TODAY)
    values = [r.value for r in D.list_readings(engine, pid)]
    assert values == ["c", "z", ":", "Asked in two of four schools"]
    j = D.judge(setup["numeric"], D.list_readings(engine, pid)[:3])
    assert j.verdict == "Not judged"  # codes are never counted as zero


def test_a_reading_for_a_removed_measure_is_refused(engine, setup):
    P.delete(engine, setup["pid"], "measure", setup["numeric"].id, author=SAM)
    before = counts(engine)
    with pytest.raises(NotFound, match="removed from the evaluation framework"):
        D.add_reading(engine, setup["pid"], setup["numeric"].id, period="2025", value="3", author=SAM, today=TODAY)
    assert counts(engine) == before


# --- Dashboard and report ----------------------------------------------------------------------


def test_filters_and_breakdowns_count_every_status(engine, setup):
    pid = setup["pid"]
    D.add_update(engine, pid, setup["late"].id, status="at_risk", author=SAM, today=TODAY)
    d = D.load_delivery(engine, pid, today=TODAY, filters=D.Filters(components=["identification"]))
    actions = D.action_status_table(d)
    assert list(actions["Code"]) == ["A1.O1.1"]
    counts_ = D.status_counts(actions).set_index("Status")["Actions"].to_dict()
    assert counts_ == {"Not started": 0, "On track": 0, "At risk": 1, "Off track": 0, "Complete": 0, "Deferred": 0}
    by_aim = D.status_counts(D.action_status_table(D.load_delivery(engine, pid, today=TODAY)), "Strategic aim")
    assert by_aim.iloc[0][["At risk", "Not started", "Total"]].tolist() == [1, 1, 2]


def test_a_listed_section_reaches_the_report_in_its_place(engine, setup):
    import pandas as pd

    section = D.Section(
        "extra_test",
        "Open audit recommendations",
        "From the audits.",
        lambda d: pd.DataFrame({"Recommendation": ["Check the template & <pathway>"]}),
    )
    keys = [s.key for s in SCRUTINY_SECTIONS]
    listed = list(SCRUTINY_SECTIONS)
    listed.insert(keys.index("at_risk") + 1, section)
    doc = Document(io.BytesIO(export_progress_report(engine, setup["pid"], today=TODAY, charts=False, sections=listed)))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert "Open audit recommendations" in headings
    assert headings.index("Open audit recommendations") == headings.index("What is at risk") + 1
    assert any(c.text == "Check the template & <pathway>" for t in doc.tables for c in t._cells)
    # Without it, the report is as before: nothing lingers from one call to the next.
    plain = Document(io.BytesIO(export_progress_report(engine, setup["pid"], today=TODAY, charts=False)))
    assert "Open audit recommendations" not in [p.text for p in plain.paragraphs]


def test_the_report_on_a_fresh_partnership_says_what_is_missing(engine):
    pid = create_partnership(engine, name="Empty", nation="wales").id
    doc = Document(io.BytesIO(export_progress_report(engine, pid, charts=False)))
    text = [p.text for p in doc.paragraphs]
    assert any("The plan has no actions yet" in t for t in text)
    assert "No feedback recorded yet." in text


def test_the_report_charts_each_aims_measures_together_with_every_measures_table(engine, demo_id):
    d = D.load_delivery(engine, demo_id)
    measured = [r for r in D.indicator_table(d).itertuples() if not D.readings_table(d, r._11).empty]
    aims = sorted({str(r.Code).split(".")[0] for r in measured})
    doc = Document(io.BytesIO(export_progress_report(engine, demo_id)))
    pictures = [shape._inline.docPr.get("descr") for shape in doc.inline_shapes]
    measure_pictures = [p for p in pictures if p.startswith("Line charts, one for each measure of aim")]
    assert len(measure_pictures) == len(aims)  # one picture per aim, not one per measure
    for row in measured:  # every measure is named in its aim's picture and keeps its own table
        assert sum(str(row.Code) in p for p in measure_pictures) == 1
        assert f"{row.Code} {row.Indicator}" in [p.text for p in doc.paragraphs if p.style.name == "Heading 3"]
