"""The system-wide snapshot (statements, ratings, scores, comparison) and recommendations, on SQLite
and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import select
from strategy.assessments import snapshot as sn
from strategy.assessments.recommendations import (
    add_recommendation,
    list_recommendations,
    recommendation_to_action,
    remove_recommendation,
    update_recommendation,
)
from strategy.core.db import read_session
from strategy.core.errors import Conflict, InvalidInput, NotFound
from strategy.core.models import Revision, SnapshotRating
from strategy.guide.content import content


@pytest.fixture
def snap(engine, partnership, author):
    return sn.create_snapshot(engine, partnership.id, title="Snapshot 2026", held_on="19/03/2026", author=author)


def _revisions(engine, prompt_id):
    with read_session(engine) as session:
        return list(session.exec(select(Revision).where(Revision.prompt_id == prompt_id)).all())


def test_starter_statements_cover_five_domains_in_the_products_words_and_cite_the_guide():
    items = content().reference("snapshot_statements").items
    assert 20 <= len(items) <= 24
    assert {i["domain"] for i in items} == {d.id for d in sn.domains()}
    assert all(i["guide"].startswith("§") for i in items)
    assert not any("CSA" in i["label"] for i in items)
    for kind in ("evidence", "progress"):
        points = sn.scale(kind)
        assert [p.value for p in points] == [1, 2, 3, 4]
        assert all(p.label and p.colour.startswith("#") and p.descriptor for p in points)


def test_a_new_snapshot_copies_the_starter_statements_once(engine, partnership, author, snap):
    statements = sn.list_statements(engine, partnership.id)
    assert len(statements) == 22 and statements[0].code == "AW1"
    assert sn.find_snapshot(engine, partnership.id).title == "Snapshot 2026"
    sn.create_snapshot(engine, partnership.id, title="Snapshot 2027", author=author)
    assert len(sn.list_statements(engine, partnership.id)) == 22


def test_rating_a_statement_saves_and_records_a_revision(engine, partnership, author, snap):
    statement = sn.list_statements(engine, partnership.id)[0]
    sn.rate_statement(
        engine, partnership.id, snap.id, statement.id, expected_version=0, author=author, evidence_rating=3, progress_rating="2"
    )
    stored = sn.ratings(engine, snap.id)[statement.id]
    assert (stored.evidence_rating, stored.progress_rating, stored.version) == (3, 2, 1)
    sn.rate_statement(
        engine,
        partnership.id,
        snap.id,
        statement.id,
        expected_version=1,
        author=author,
        strengths="Schools teach consent 🙂 <script>x</script>",
    )
    stored = sn.ratings(engine, snap.id)[statement.id]
    assert stored.strengths == "Schools teach consent 🙂 <script>x</script>" and stored.version == 2
    assert [r.action for r in _revisions(engine, "snapshot.rating")] == ["create", "edit"]


def test_a_second_rating_from_an_old_version_is_a_conflict_and_keeps_both(engine, partnership, author, other_author, snap):
    statement = sn.list_statements(engine, partnership.id)[0]
    sn.rate_statement(engine, partnership.id, snap.id, statement.id, expected_version=0, author=author, progress_rating=2)
    sn.rate_statement(engine, partnership.id, snap.id, statement.id, expected_version=1, author=other_author, progress_rating=3)
    with pytest.raises(Conflict) as exc:
        sn.rate_statement(engine, partnership.id, snap.id, statement.id, expected_version=1, author=author, progress_rating=1)
    assert exc.value.theirs == {"progress_rating": 3} and exc.value.mine == {"progress_rating": 1}
    assert sn.ratings(engine, snap.id)[statement.id].progress_rating == 3
    assert [r.action for r in _revisions(engine, "snapshot.rating")][-1] == "conflict_copy"


@pytest.mark.parametrize("bad", [0, 5, "7", "high", 2.5, True])
def test_a_rating_outside_the_scale_is_refused_and_nothing_changes(engine, partnership, author, snap, bad):
    statement = sn.list_statements(engine, partnership.id)[0]
    with pytest.raises(InvalidInput, match="not on the progress scale"):
        sn.rate_statement(engine, partnership.id, snap.id, statement.id, expected_version=0, author=author, progress_rating=bad)
    assert sn.ratings(engine, snap.id) == {}


def test_statements_can_be_edited_added_and_retired_and_old_snapshots_still_show_them(engine, partnership, author, snap):
    first = sn.list_statements(engine, partnership.id)[0]
    sn.rate_statement(engine, partnership.id, snap.id, first.id, expected_version=0, author=author, progress_rating=4)
    edited = sn.edit_statement(engine, partnership.id, first.id, text="Children know who to tell.", expected_version=1, author=author)
    assert edited.version == 2
    with pytest.raises(Conflict):
        sn.edit_statement(engine, partnership.id, first.id, text="Another wording", expected_version=1, author=author)
    added = sn.add_statement(engine, partnership.id, domain="awareness", text="Faith groups know the signs.", author=author)
    assert added.code == "AW5"
    with pytest.raises(InvalidInput, match="five domains"):
        sn.add_statement(engine, partnership.id, domain="elsewhere", text="x", author=author)
    with pytest.raises(InvalidInput, match="cannot be empty"):
        sn.add_statement(engine, partnership.id, domain="awareness", text="   ", author=author)
    sn.retire_statement(engine, partnership.id, first.id, author=author)
    assert first.id not in [s.id for s in sn.list_statements(engine, partnership.id)]
    assert first.id in [s.id for s in sn.snapshot_statements(engine, partnership.id, snap.id)]
    later = sn.create_snapshot(engine, partnership.id, title="Snapshot 2027", author=author)
    assert first.id not in [s.id for s in sn.snapshot_statements(engine, partnership.id, later.id)]
    with pytest.raises(NotFound, match="retired"):
        sn.rate_statement(engine, partnership.id, later.id, first.id, expected_version=0, author=author, progress_rating=2)
    sn.retire_statement(engine, partnership.id, first.id, author=author, restore=True)
    assert first.id in [s.id for s in sn.list_statements(engine, partnership.id)]


def test_snapshot_titles_and_dates_are_checked(engine, partnership, author, snap):
    with pytest.raises(InvalidInput, match="already a snapshot"):
        sn.create_snapshot(engine, partnership.id, title=" snapshot  2026 ", author=author)
    with pytest.raises(InvalidInput):
        sn.create_snapshot(engine, partnership.id, title="Snapshot bad date", held_on="31/02/2026", author=author)
    with pytest.raises(InvalidInput, match="title"):
        sn.create_snapshot(engine, partnership.id, title="  ", author=author)
    assert [s.title for s in sn.list_snapshots(engine, partnership.id)] == ["Snapshot 2026"]
    with pytest.raises(NotFound, match="no snapshot called"):
        sn.find_snapshot(engine, partnership.id, "Snapshot 1999")


def _rate_all(engine, pid, snap_id, author, progress):
    for s in sn.snapshot_statements(engine, pid, snap_id):
        sn.rate_statement(engine, pid, snap_id, s.id, expected_version=0, author=author, evidence_rating=2, progress_rating=progress(s))


def test_domain_scores_give_rag_and_compare_snapshots(engine, partnership, author, snap):
    _rate_all(engine, partnership.id, snap.id, author, lambda s: {"awareness": 4, "prevention": 1, "initial_response": 2}.get(s.domain, 3))
    scores = sn.domain_scores(engine, partnership.id, snap.id).set_index("domain")
    assert scores.loc["awareness", "RAG"] == "Green" and scores.loc["prevention", "RAG"] == "Red"
    assert scores.loc["initial_response", "RAG"] == "Amber"
    assert scores.loc["awareness", "Score (%)"] == 75  # (4 + 2) / 8
    assert scores.loc["awareness", "Rated"] == 4
    lines = sn.latest_summary(engine, partnership.id)
    assert "Awareness green" in lines[0] and "Prevention red" in lines[0]
    later = sn.create_snapshot(engine, partnership.id, title="Snapshot 2027", held_on="2027-03-01", author=author)
    _rate_all(engine, partnership.id, later.id, author, lambda s: 3)
    frame = sn.compare_snapshots(engine, partnership.id)
    assert list(frame.columns) == ["Domain", "Snapshot 2026", "Snapshot 2027"]
    assert frame.loc[frame.Domain == "Prevention", "Snapshot 2027"].item() == 3.0
    fig = sn.trend_figure(frame)
    assert len(fig.data) == 2


def test_removing_a_snapshot_keeps_it_restorable(engine, partnership, author, snap):
    sn.remove_snapshot(engine, partnership.id, snap.id, author=author)
    assert sn.list_snapshots(engine, partnership.id) == []
    with pytest.raises(NotFound):
        sn.get_snapshot(engine, partnership.id, snap.id)
    sn.remove_snapshot(engine, partnership.id, snap.id, author=author, restore=True)
    assert [s.id for s in sn.list_snapshots(engine, partnership.id)] == [snap.id]


def test_recommendations_have_an_origin_a_status_and_soft_delete(engine, partnership, author, snap):
    first = add_recommendation(engine, partnership.id, snapshot_id=snap.id, text="Cut waits for therapy.", author=author)
    second = add_recommendation(engine, partnership.id, snapshot_id=snap.id, text='=HYPERLINK("x")', author=author)
    assert first.origin == "Snapshot 2026, recommendation 1" and second.origin.endswith("recommendation 2")
    assert first.status == "open" and first.action_id is None
    update_recommendation(engine, partnership.id, first.id, expected_version=first.version, status="done", author=author)
    with pytest.raises(Conflict):
        update_recommendation(engine, partnership.id, first.id, expected_version=first.version, status="accepted", author=author)
    with pytest.raises(InvalidInput, match="not a status"):
        update_recommendation(engine, partnership.id, first.id, expected_version=first.version + 1, status="finished", author=author)
    with pytest.raises(InvalidInput, match="cannot be empty"):
        add_recommendation(engine, partnership.id, snapshot_id=snap.id, text=" \n ", author=author)
    remove_recommendation(engine, partnership.id, second.id, author=author)
    assert [r.status for r in list_recommendations(engine, partnership.id, snapshot_id=snap.id)] == ["done"]
    remove_recommendation(engine, partnership.id, second.id, author=author, restore=True)
    assert len(list_recommendations(engine, partnership.id, snapshot_id=snap.id)) == 2


def test_a_recommendation_becomes_an_action_in_one_step(engine, partnership, author, snap):
    from strategy.plan.operations import add_aim, add_outcome, load_plan

    rec = add_recommendation(engine, partnership.id, snapshot_id=snap.id, text="Cut waits for therapy.", author=author)
    aim = add_aim(engine, partnership.id, title="Children recover", author=author)
    outcome = add_outcome(engine, partnership.id, aim_id=aim.id, title="Shorter waits", author=author)
    action_id = recommendation_to_action(engine, partnership.id, rec.id, outcome_id=outcome.id, author=author)
    stored = list_recommendations(engine, partnership.id, snapshot_id=snap.id)[0]
    assert stored.action_id == action_id and stored.status == "accepted"
    # The action is in the plan under the outcome, with where it came from.
    plan = load_plan(engine, partnership.id)
    [action] = plan.actions[outcome.id]
    assert (action.id, action.title, action.origin) == (action_id, "Cut waits for therapy.", "Snapshot 2026, recommendation 1")
    assert plan.code("action", action.id) == "A1.O1.1"
    with pytest.raises(InvalidInput, match="already an action"):
        recommendation_to_action(engine, partnership.id, rec.id, outcome_id=outcome.id, author=author)
    assert len(load_plan(engine, partnership.id).all_actions()) == 1


def test_a_recommendation_cannot_become_an_action_under_a_missing_outcome(engine, partnership, author, snap):
    rec = add_recommendation(engine, partnership.id, snapshot_id=snap.id, text="Cut waits.", author=author)
    with pytest.raises(NotFound):
        recommendation_to_action(engine, partnership.id, rec.id, outcome_id=999, author=author)
    stored = list_recommendations(engine, partnership.id, snapshot_id=snap.id)[0]
    assert (stored.action_id, stored.status) == (None, "open")


def test_deleting_the_partnership_removes_its_snapshot_rows(engine, partnership, author, snap):
    statement = sn.list_statements(engine, partnership.id)[0]
    sn.rate_statement(engine, partnership.id, snap.id, statement.id, expected_version=0, author=author, progress_rating=2)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM partnership WHERE id = :id"), {"id": partnership.id})
    with read_session(engine) as session:
        assert session.exec(select(SnapshotRating)).all() == []
