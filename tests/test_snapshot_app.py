"""The snapshot, snapshot results and thematic audit pages through AppTest: a fresh partnership,
the demo, the strategic session's quick rating, the case reference warning, and the Context page's
summary."""

from __future__ import annotations

import pytest

from strategy.assessments import audit as au
from strategy.assessments import snapshot as sn
from strategy.core.authors import Author
from strategy.people.partnerships import create_partnership
from tests.test_app import app, engine, open_page, url  # noqa: F401  (fixtures)

SAM = Author.make("Sam Patel", "Harbourshire Council")
PAGES = ["views/snapshot.py", "views/snapshot_results.py", "views/audits.py"]


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


@pytest.mark.parametrize("page", PAGES)
def test_each_page_runs_on_a_fresh_partnership(engine, page):  # noqa: F811
    p = create_partnership(engine, name="Harbourshire", nation="england")
    at = open_page(app(p.id, SAM), page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("page", PAGES)
def test_each_page_runs_on_the_demo_for_a_reader_who_has_not_given_a_name(engine, sqlite_demo_id, page):  # noqa: F811
    at = open_page(app(sqlite_demo_id), page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_the_strategic_session_rates_one_statement_at_a_time(engine):  # noqa: F811
    p = create_partnership(engine, name="Harbourshire", nation="england")
    at = open_page(app(p.id, SAM), "views/snapshot.py")
    next(t for t in at.text_input if t.label == "Title").input("Snapshot 2026")
    _button(at, "Start the snapshot").click().run()
    assert not at.exception
    snap = sn.find_snapshot(engine, p.id)
    assert any("Statement 1 of 22" in (getattr(b, "text", "") or "") for b in at.get("progress"))
    _button(at, ":green[●] 3 · Good evidence").click().run()
    _button(at, ":orange[●] 2 · Early progress").click().run()
    first = sn.list_statements(engine, p.id)[0]
    stored = sn.ratings(engine, snap.id)[first.id]
    assert (stored.evidence_rating, stored.progress_rating, stored.updated_by_name) == (3, 2, "Sam Patel")
    note = next(t for t in at.text_area if t.label == "Strengths")
    note.input("Lessons on consent in most schools <script>").run()
    assert sn.ratings(engine, snap.id)[first.id].strengths == "Lessons on consent in most schools <script>"
    _button(at, "Next →").click().run()
    assert any("AW2" in c.value for c in at.caption)
    _button(at, "← Previous").click().run()
    assert any("AW1" in c.value for c in at.caption)


def test_someone_elses_rating_is_not_overwritten_silently(engine):  # noqa: F811
    p = create_partnership(engine, name="Harbourshire", nation="england")
    snap = sn.create_snapshot(engine, p.id, title="Snapshot 2026", author=SAM)
    at = open_page(app(p.id, SAM), "views/snapshot.py")
    first = sn.list_statements(engine, p.id)[0]
    sn.rate_statement(engine, p.id, snap.id, first.id, expected_version=0, author=Author.make("Jo Evans"), progress_rating=4)
    _button(at, ":red[●] 1 · Not started").click().run()
    assert sn.ratings(engine, snap.id)[first.id].progress_rating == 4
    assert any("Jo Evans" in e.value for e in at.error) or any("no longer" in e.value for e in at.error)


def test_an_identifying_case_reference_is_warned_about_and_can_be_confirmed(engine):  # noqa: F811
    p = create_partnership(engine, name="Harbourshire", nation="england")
    audit = au.create_audit(engine, p.id, theme="Family environment", author=SAM)
    at = open_page(app(p.id, SAM), "views/audits.py")
    reference = next(t for t in at.text_input if t.label == "Case reference")
    reference.input("Jane Doe")
    _button(at, "Add the case").click().run()
    assert any("may identify a child" in w.value for w in at.warning)
    assert au.list_cases(engine, audit.id) == []
    next(t for t in at.text_input if t.label == "Case reference").input("Case 1")
    _button(at, "Add the case").click().run()
    assert [c.reference for c in au.list_cases(engine, audit.id)] == ["Case 1"]


def test_the_context_page_shows_what_the_self_assessment_found(engine, sqlite_demo_id):  # noqa: F811
    demo = sqlite_demo_id
    at = open_page(app(demo, SAM), "views/context.py")
    texts = [t.value for t in at.text]
    assert any(t.startswith("System-wide snapshot 'Snapshot 2026'") for t in texts)
    assert any(t.startswith("Thematic audit '") for t in texts)


def test_the_results_page_builds_the_report(engine, sqlite_demo_id):  # noqa: F811
    demo = sqlite_demo_id
    at = open_page(app(demo, SAM), "views/snapshot_results.py")
    _button(at, "Build the Word report").click().run()
    _finish_builds(at, 300)  # built in the background; charts drawn by a browser; guards a hang, times nothing
    assert not at.exception
    assert any(d.label == "Download the snapshot report" for d in at.get("download_button"))
    # The same report as a tagged PDF, as the draft offers it.
    _button(at, "Make a PDF").click().run()
    _finish_builds(at, 300)
    assert not at.exception
    assert any(d.label == "Download as PDF" for d in at.get("download_button"))


def test_a_note_left_by_clicking_a_rating_saves_both_without_a_conflict(engine):  # noqa: F811
    p = create_partnership(engine, name="Harbourshire", nation="england")
    snap = sn.create_snapshot(engine, p.id, title="Snapshot 2026", author=SAM)
    at = open_page(app(p.id, SAM), "views/snapshot.py")
    next(t for t in at.text_area if t.label == "Evidence").input("Audit of 41 schools")
    _button(at, ":blue[●] 4 · Embedded").click().run()
    assert not at.error, [e.value for e in at.error]
    stored = sn.ratings(engine, snap.id)[sn.list_statements(engine, p.id)[0].id]
    assert (stored.evidence, stored.progress_rating) == ("Audit of 41 schools", 4)


def test_a_snapshot_and_an_audit_can_be_removed_and_brought_back_from_their_pages(engine):  # noqa: F811
    p = create_partnership(engine, name="Harbourshire", nation="england")
    snap = sn.create_snapshot(engine, p.id, title="Snapshot 2026", author=SAM)
    audit = au.create_audit(engine, p.id, theme="Family environment", author=SAM)
    at = open_page(app(p.id, SAM), "views/snapshot_results.py")
    next(t for t in at.text_input if t.label.startswith("Date of the strategic session")).input("19/03/2026")
    _button(at, "Save").click().run()
    assert sn.get_snapshot(engine, p.id, snap.id).held_on == "2026-03-19"
    _button(at, "Remove this snapshot").click().run()
    assert sn.list_snapshots(engine, p.id) == []
    _button(at, "Bring back Snapshot 2026").click().run()
    assert [s.id for s in sn.list_snapshots(engine, p.id)] == [snap.id]

    at = open_page(app(p.id, SAM), "views/audits.py")
    _button(at, "Remove this audit").click().run()
    assert au.list_audits(engine, p.id) == []
    _button(at, "Bring back Family environment").click().run()
    assert [a.id for a in au.list_audits(engine, p.id)] == [audit.id]


def _finish_builds(at, timeout: float = 400):
    """The documents building in the background finished, and the page run again to offer them."""
    from strategy.word.jobs import JOBS

    for job in JOBS.running():
        assert job.wait(timeout), f"{job.what} was still building"
    return at.run()
