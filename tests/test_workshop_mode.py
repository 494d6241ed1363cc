"""Workshop mode (issue 18): a steering group's notes, themes, votes and agreed result, on SQLite and
PostgreSQL. Bad input gets a clear message and loses nothing; roles are read on every call."""

from __future__ import annotations

import threading

import pytest

from strategy.answers.operations import answer_history, get_answer, list_rows
from strategy.core.audit_log import audit_log
from strategy.core.authors import Author
from strategy.core.errors import Conflict, InvalidInput, NotAllowed
from strategy.people.accounts import set_member_role
from strategy.plan.operations import add_aim, load_plan
from strategy.workshops.operations import (
    NOTE_LIMIT,
    NOTES_PER_PERSON,
    add_note,
    agree_vision,
    agree_wording,
    apply_result,
    cast_vote,
    create_theme,
    create_workshop,
    find_workshop,
    move_note,
    rename_theme,
    reveal_votes,
    set_stage,
    target_stamp,
    withdraw_vote,
    workshop_view,
)
from tests.people_support import member

SYSTEM = Author(name="Workbook")


@pytest.fixture
def room(engine, partnership):
    """A facilitator (owner), two participants (editors) and a scrutineer, in one partnership."""
    pid = partnership.id
    return {
        "pid": pid,
        "lead": member(engine, pid, "owner", "fran", name="Fran Facilitator"),
        "amy": member(engine, pid, "editor", "amy", name="Amy Health", agency="Harbourshire NHS"),
        "bo": member(engine, pid, "editor", "bo", name="Bo Police", agency="Harbourshire Police"),
        "sid": member(engine, pid, "scrutineer", "sid", name="Sid Scrutineer"),
    }


def _version(engine, pid, wid, who):
    return workshop_view(engine, pid, wid, author=who).workshop.version


def _to(engine, pid, wid, stage, who):
    return set_stage(engine, pid, wid, stage, expected_version=_version(engine, pid, wid, who), author=who)


def test_a_priorities_workshop_from_notes_to_the_strategy(engine, room):
    pid, lead, amy, bo = room["pid"], room["lead"], room["amy"], room["bo"]
    w = create_workshop(engine, pid, title="Priorities day", kind="priorities", held_on="14/03/2027", votes_per_person=2, author=lead)
    n1 = add_note(engine, pid, w.id, "Children online: apps and games", author=amy)
    n2 = add_note(engine, pid, w.id, "Online grooming reports are rising", author=bo)
    n3 = add_note(engine, pid, w.id, "Abuse within families goes unseen", author=amy)
    _to(engine, pid, w.id, "grouping", lead)
    online = create_theme(engine, pid, w.id, "Online abuse", notes={n1.id: n1.version, n2.id: n2.version}, author=lead)
    family = create_theme(engine, pid, w.id, "Within the family", notes={n3.id: n3.version}, author=lead)
    seen = workshop_view(engine, pid, w.id, author=amy)
    assert [t.title for t in seen.themes] == ["Online abuse", "Within the family"] and seen.loose == []
    assert [n.text for n in seen.themes[0].notes] == ["Children online: apps and games", "Online grooming reports are rising"]
    assert seen.themes[0].notes[1].by == "Bo Police (Harbourshire Police)"

    _to(engine, pid, w.id, "voting", lead)
    assert cast_vote(engine, pid, online.id, author=amy) == 1
    cast_vote(engine, pid, online.id, author=bo)
    cast_vote(engine, pid, family.id, author=bo)
    secret = workshop_view(engine, pid, w.id, author=amy)
    assert [t.votes for t in secret.themes] == [None, None]  # secret until revealed
    assert secret.votes_cast == 3 and secret.votes_left == 1 and secret.themes[0].my_vote
    reveal_votes(engine, pid, w.id, author=lead)
    assert [(t.title, t.votes) for t in workshop_view(engine, pid, w.id, author=amy).ranked()] == [
        ("Online abuse", 2),
        ("Within the family", 1),
    ]

    _to(engine, pid, w.id, "result", lead)
    view = workshop_view(engine, pid, w.id, author=lead)
    agree_wording(engine, pid, online.id, "Keep children safe online", expected_version=view.themes[0].version, author=lead)
    view = workshop_view(engine, pid, w.id, author=lead)
    summary = apply_result(
        engine,
        pid,
        w.id,
        expected_version=view.workshop.version,
        expected_target=target_stamp(engine, pid, view.workshop),
        author=lead,
    )
    assert summary.startswith("2 strategic priorities")
    rows = list_rows(engine, pid, "vision.priorities")
    assert [r.values["priority"] for r in rows] == ["Keep children safe online", "Within the family"]
    events = audit_log(engine, pid, author=lead)
    noted = [e for e in events if "agreed at the workshop on 14/03/2027 (2 participants)" in e.detail]
    assert {e.action for e in noted} >= {"import", "workshop_applied"}
    assert any(e.action == "workshop_applied" for e in events)
    assert workshop_view(engine, pid, w.id, author=amy).workshop.stage == "applied"
    with pytest.raises(InvalidInput, match="already"):
        apply_result(engine, pid, w.id, expected_version=view.workshop.version, expected_target="", author=lead)
    assert len(list_rows(engine, pid, "vision.priorities")) == 2


def test_a_vision_workshop_writes_the_vision_with_its_history_note(engine, room):
    pid, lead, amy = room["pid"], room["lead"], room["amy"]
    w = create_workshop(engine, pid, title="Vision", kind="vision", held_on="2027-03-14", author=lead)
    add_note(engine, pid, w.id, "Every child is heard", author=amy)
    _to(engine, pid, w.id, "result", lead)
    agree_vision(
        engine, pid, w.id, "Every child in Harbourshire is heard and safe.", expected_version=_version(engine, pid, w.id, lead), author=lead
    )
    view = workshop_view(engine, pid, w.id, author=lead)
    stamp = target_stamp(engine, pid, view.workshop)
    apply_result(engine, pid, w.id, expected_version=view.workshop.version, expected_target=stamp, author=lead)
    assert get_answer(engine, pid, "vision.statement").value == "Every child in Harbourshire is heard and safe."
    assert answer_history(engine, pid, "vision.statement")[0].note == "agreed at the workshop on 14/03/2027 (1 participant)"


def test_the_vision_changed_meanwhile_is_refused_and_nothing_is_lost(engine, room):
    from strategy.answers.operations import save_answer

    pid, lead, amy = room["pid"], room["lead"], room["amy"]
    w = create_workshop(engine, pid, title="Vision", kind="vision", author=lead)
    _to(engine, pid, w.id, "result", lead)
    agree_vision(engine, pid, w.id, "Our agreed vision", expected_version=_version(engine, pid, w.id, lead), author=lead)
    view = workshop_view(engine, pid, w.id, author=lead)
    stamp = target_stamp(engine, pid, view.workshop)
    save_answer(engine, pid, "vision.statement", "Amy's words typed meanwhile", expected_version=0, author=amy)
    with pytest.raises(InvalidInput, match="changed the shared vision since you looked"):
        apply_result(engine, pid, w.id, expected_version=view.workshop.version, expected_target=stamp, author=lead)
    assert get_answer(engine, pid, "vision.statement").value == "Amy's words typed meanwhile"
    assert workshop_view(engine, pid, w.id, author=lead).workshop.agreed_text == "Our agreed vision"


def test_aims_outcomes_and_actions_go_into_the_plan(engine, room):
    pid, lead, amy = room["pid"], room["lead"], room["amy"]
    aim = add_aim(engine, pid, title="Prevent abuse before it happens", author=lead)
    for kind, extra, wording in [
        ("outcomes", {"aim_id": aim.id}, "Parents know the signs"),
        ("aims", {}, "Children are believed when telling"),
    ]:
        w = create_workshop(engine, pid, title=f"{kind} workshop", kind=kind, author=lead, **extra)
        n = add_note(engine, pid, w.id, wording, author=amy)
        _to(engine, pid, w.id, "grouping", lead)
        create_theme(engine, pid, w.id, wording, notes={n.id: n.version}, author=lead)
        _to(engine, pid, w.id, "result", lead)
        view = workshop_view(engine, pid, w.id, author=lead)
        apply_result(engine, pid, w.id, expected_version=view.workshop.version, expected_target="", author=lead)
    plan = load_plan(engine, pid)
    assert [a.title for a in plan.aims] == ["Prevent abuse before it happens", "Children are believed when telling"]
    assert [o.title for o in plan.all_outcomes()] == ["Parents know the signs"]
    outcome = plan.all_outcomes()[0]
    w = create_workshop(engine, pid, title="Actions", kind="actions", outcome_id=outcome.id, author=lead)
    n = add_note(engine, pid, w.id, "Run sessions for parents in schools", author=amy)
    _to(engine, pid, w.id, "grouping", lead)
    create_theme(engine, pid, w.id, "Sessions for parents", notes={n.id: n.version}, author=lead)
    _to(engine, pid, w.id, "result", lead)
    view = workshop_view(engine, pid, w.id, author=lead)
    apply_result(engine, pid, w.id, expected_version=view.workshop.version, expected_target="", author=lead)
    actions = load_plan(engine, pid).all_actions()
    assert [(a.title, a.origin) for a in actions] == [("Sessions for parents", f"workshop {w.number}")]
    assert find_workshop(engine, pid, "ACTIONS", author=amy).id == w.id
    assert find_workshop(engine, pid, str(w.number), author=amy).id == w.id


# --- Bad input ------------------------------------------------------------------------------------


@pytest.fixture
def open_workshop(engine, room):
    w = create_workshop(
        engine, room["pid"], title="Ideas", kind="custom", prompt="What gets in the way?", votes_per_person=2, author=room["lead"]
    )
    return w


def _notes(engine, room, wid):
    return [n.text for n in workshop_view(engine, room["pid"], wid, author=room["lead"]).loose]


@pytest.mark.parametrize("text", ["", "   \n\t ", "\u200b"])
def test_an_empty_note_is_refused(engine, room, open_workshop, text):
    add_note(engine, room["pid"], open_workshop.id, "kept", author=room["amy"])
    with pytest.raises(InvalidInput, match="The note is empty"):
        add_note(engine, room["pid"], open_workshop.id, text, author=room["amy"])
    assert _notes(engine, room, open_workshop.id) == ["kept"]


def test_a_note_of_ten_thousand_characters_is_refused_with_the_limit(engine, room, open_workshop):
    add_note(engine, room["pid"], open_workshop.id, "x" * NOTE_LIMIT, author=room["amy"])  # the longest allowed
    with pytest.raises(InvalidInput, match="10,000 characters long; the most it can hold is 1,000"):
        add_note(engine, room["pid"], open_workshop.id, "y" * 10_000, author=room["amy"])
    assert _notes(engine, room, open_workshop.id) == ["x" * NOTE_LIMIT]


def test_five_hundred_notes_from_one_person_stop_at_the_limit_and_others_still_add(engine, room, open_workshop):
    pid, wid = room["pid"], open_workshop.id
    refused = 0
    for i in range(500):
        try:
            add_note(engine, pid, wid, f"note {i}", author=room["amy"])
        except InvalidInput as exc:
            refused += 1
            assert f"You have added {NOTES_PER_PERSON} notes" in exc.message
    assert refused == 500 - NOTES_PER_PERSON
    add_note(engine, pid, wid, "Bo's note", author=room["bo"])
    notes = _notes(engine, room, wid)
    assert notes[:NOTES_PER_PERSON] == [f"note {i}" for i in range(NOTES_PER_PERSON)] and notes[-1] == "Bo's note"


def _voting(engine, room, wid, themes=3):
    pid, lead = room["pid"], room["lead"]
    _to(engine, pid, wid, "grouping", lead)
    made = [create_theme(engine, pid, wid, f"Theme {i}", author=lead) for i in range(themes)]
    _to(engine, pid, wid, "voting", lead)
    return made


def test_votes_beyond_the_allowance_and_twice_on_one_theme_are_refused(engine, room, open_workshop):
    pid, wid, amy = room["pid"], open_workshop.id, room["amy"]
    t = _voting(engine, room, wid)
    cast_vote(engine, pid, t[0].id, author=amy)
    with pytest.raises(InvalidInput, match="already put a vote on this theme"):
        cast_vote(engine, pid, t[0].id, author=amy)
    cast_vote(engine, pid, t[1].id, author=amy)
    with pytest.raises(InvalidInput, match="used all 2 of your votes"):
        cast_vote(engine, pid, t[2].id, author=amy)
    assert withdraw_vote(engine, pid, t[0].id, author=amy) == 1
    cast_vote(engine, pid, t[2].id, author=amy)
    reveal_votes(engine, pid, wid, author=room["lead"])
    assert [x.votes for x in workshop_view(engine, pid, wid, author=amy).themes] == [0, 1, 1]


def test_a_vote_after_voting_closed_is_refused_and_the_votes_stand(engine, room, open_workshop):
    pid, wid, amy = room["pid"], open_workshop.id, room["amy"]
    t = _voting(engine, room, wid)
    cast_vote(engine, pid, t[0].id, author=amy)
    _to(engine, pid, wid, "result", room["lead"])
    with pytest.raises(InvalidInput, match="moved on to result, so voting is closed"):
        cast_vote(engine, pid, t[1].id, author=room["bo"])
    with pytest.raises(InvalidInput, match="voting is closed"):
        withdraw_vote(engine, pid, t[0].id, author=amy)
    assert [x.votes for x in workshop_view(engine, pid, wid, author=amy).themes] == [1, 0, 0]


def test_two_facilitators_moving_the_same_note_get_a_clear_message(engine, room, open_workshop):
    pid, wid, lead = room["pid"], open_workshop.id, room["lead"]
    co = member(engine, pid, "editor", "cora", name="Cora Cofacilitator")
    note = add_note(engine, pid, wid, "Schools need support", author=room["amy"])
    _to(engine, pid, wid, "grouping", lead)
    a = create_theme(engine, pid, wid, "Education", author=lead)
    b = create_theme(engine, pid, wid, "Support", author=co)
    seen = note.version  # both facilitators see the note at this version
    move_note(engine, pid, note.id, a.id, expected_version=seen, author=lead)
    with pytest.raises(Conflict, match="Fran Facilitator changed this note .* It is now in 'Education'"):
        move_note(engine, pid, note.id, b.id, expected_version=seen, author=co)
    view = workshop_view(engine, pid, wid, author=lead)
    assert [n.text for n in view.themes[0].notes] == ["Schools need support"] and view.themes[1].notes == []
    with pytest.raises(Conflict):
        rename_theme(engine, pid, a.id, "Schools", expected_version=a.version + 5, author=co)
    rename_theme(engine, pid, a.id, "Schools", expected_version=a.version, author=co)
    assert workshop_view(engine, pid, wid, author=lead).themes[0].title == "Schools"


def test_a_note_after_the_ideas_stage_is_refused(engine, room, open_workshop):
    _to(engine, room["pid"], open_workshop.id, "grouping", room["lead"])
    with pytest.raises(InvalidInput, match="adding notes is closed"):
        add_note(engine, room["pid"], open_workshop.id, "late idea", author=room["amy"])


def test_scrutineers_watch_but_cannot_add_or_vote_and_a_removed_member_drops_out(engine, room, open_workshop):
    pid, wid, sid, amy = room["pid"], open_workshop.id, room["sid"], room["amy"]
    assert workshop_view(engine, pid, wid, author=sid).role == "watcher"
    with pytest.raises(InvalidInput, match="can watch the workshop but not add notes or vote"):
        add_note(engine, pid, wid, "a scrutineer's idea", author=sid)
    with pytest.raises(NotAllowed):
        create_theme(engine, pid, wid, "Scrutiny", author=sid)
    add_note(engine, pid, wid, "Amy's note", author=amy)
    set_member_role(engine, pid, "amy", None, author=SYSTEM)
    with pytest.raises(NotAllowed, match="not a member"):
        workshop_view(engine, pid, wid, author=amy)
    with pytest.raises(NotAllowed, match="no longer a member"):
        add_note(engine, pid, wid, "after removal", author=amy)
    assert _notes(engine, room, wid) == ["Amy's note"]


def test_an_anonymous_workshop_shows_no_names(engine, room):
    pid = room["pid"]
    w = create_workshop(engine, pid, title="Anonymous", kind="forms", anonymous=True, author=room["lead"])
    add_note(engine, pid, w.id, "Harmful sexual behaviour in schools", author=room["amy"])
    view = workshop_view(engine, pid, w.id, author=room["bo"])
    assert view.loose[0].by == "" and not view.loose[0].mine
    assert workshop_view(engine, pid, w.id, author=room["amy"]).loose[0].mine


def test_bad_workshop_settings_are_refused(engine, room):
    pid, lead = room["pid"], room["lead"]
    with pytest.raises(InvalidInput, match="not a kind of workshop"):
        create_workshop(engine, pid, title="X", kind="party", author=lead)
    with pytest.raises(InvalidInput, match="between 1 and 20 votes"):
        create_workshop(engine, pid, title="X", kind="aims", votes_per_person=0, author=lead)
    with pytest.raises(InvalidInput, match="Choose the strategic aim"):
        create_workshop(engine, pid, title="X", kind="outcomes", author=lead)
    with pytest.raises(InvalidInput, match="question for the room is empty"):
        create_workshop(engine, pid, title="X", kind="custom", author=lead)


def test_a_room_adding_notes_and_voting_at_once_loses_nothing(engine, room):
    """Twelve people, counts only (thirty, and the timings, come from benchmarks/bench_workshop_live.py)."""
    from benchmarks.bench_workshop_live import run_live

    result = run_live(engine, people=12, notes=4)
    assert result.errors == []
    assert result.notes_lost == 0 and result.votes_lost == 0 and result.votes_double_counted == 0


def test_a_thread_race_on_one_persons_last_vote_counts_it_once(engine, room, open_workshop):
    pid, wid, amy = room["pid"], open_workshop.id, room["amy"]
    t = _voting(engine, room, wid, themes=4)
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def vote(theme_id):
        start.wait()
        try:
            cast_vote(engine, pid, theme_id, author=amy)
            outcomes.append("ok")
        except InvalidInput:
            outcomes.append("refused")

    threads = [threading.Thread(target=vote, args=(x.id,)) for x in t]
    [th.start() for th in threads]
    [th.join() for th in threads]
    assert sorted(outcomes) == ["ok", "ok", "refused", "refused"]
    reveal_votes(engine, pid, wid, author=room["lead"])
    view = workshop_view(engine, pid, wid, author=amy)
    assert sum(x.votes or 0 for x in view.themes) == 2 and view.votes_left == 0


# --- The record ------------------------------------------------------------------------------------


def _finished(engine, room):
    pid, lead, amy, bo = room["pid"], room["lead"], room["amy"], room["bo"]
    w = create_workshop(engine, pid, title="Record", kind="aims", held_on="14/03/2027", author=lead)
    a = add_note(engine, pid, w.id, '=HYPERLINK("http://evil.example")', author=amy)
    b = add_note(engine, pid, w.id, "<script>alert(1)</script> & ‘quotes’ ŵ 🙂", author=bo)
    add_note(engine, pid, w.id, "Left ungrouped", author=bo)
    _to(engine, pid, w.id, "grouping", lead)
    theme = create_theme(engine, pid, w.id, "Safer online", notes={a.id: a.version, b.id: b.version}, author=lead)
    _to(engine, pid, w.id, "voting", lead)
    cast_vote(engine, pid, theme.id, author=amy)
    _to(engine, pid, w.id, "result", lead)
    return w


def test_the_record_as_csv_is_one_row_per_note_and_cannot_run_formulas(engine, room):
    import csv
    import io

    from strategy.tabular.formulas import unneutralise
    from strategy.workshops.io import CSV_HEADERS, workshop_csv

    w = _finished(engine, room)
    data = workshop_csv(engine, room["pid"], w.id, author=room["sid"])  # a scrutineer may read the record
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == CSV_HEADERS and len(rows) == 4
    assert rows[1][:5] == ["1: Record", "Safer online", '\'=HYPERLINK("http://evil.example")', "Amy Health (Harbourshire NHS)", "1"]
    assert unneutralise(rows[1][2]) == '=HYPERLINK("http://evil.example")'
    assert rows[2][2] == "<script>alert(1)</script> & ‘quotes’ ŵ 🙂"
    assert rows[3][1] == "(not grouped)"
    assert any(e.detail == "workshop 1 record (CSV)" for e in audit_log(engine, room["pid"], author=room["lead"]) if e.action == "export")


def test_the_record_as_a_word_appendix_reads_back(engine, room):
    import io

    from docx import Document

    from strategy.workshops.io import workshop_docx

    w = _finished(engine, room)
    doc = Document(io.BytesIO(workshop_docx(engine, room["pid"], w.id, author=room["lead"])))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Appendix: workshop 1, Record" in text and "<script>alert(1)</script> & ‘quotes’ ŵ 🙂 (Bo Police (Harbourshire Police))" in text
    assert [c.text for c in doc.tables[0].rows[1].cells] == ["Safer online", "1", "2", "Safer online", "yes"]
    assert any(e.detail == "workshop 1 record (Word)" for e in audit_log(engine, room["pid"], author=room["lead"]))


def test_workshop_export_from_the_command_line(sqlite_engine, tmp_path):
    import subprocess
    import sys

    from tests.conftest import new_partnership

    p = new_partnership(sqlite_engine)
    w = create_workshop(sqlite_engine, p.id, title="Priorities, March", kind="priorities", author=SYSTEM)
    add_note(sqlite_engine, p.id, w.id, "Online abuse", author=SYSTEM)
    env = {"DATABASE_URL": sqlite_engine.url.render_as_string(hide_password=False)}
    import os

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "strategy", "workshop-export", *args],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = run("Harbourshire Partnership", "priorities, MARCH", "--out", str(tmp_path / "w.csv"))
    assert done.returncode == 0, done.stderr
    assert "Online abuse" in (tmp_path / "w.csv").read_text(encoding="utf-8-sig")
    done = run("Harbourshire Partnership", "1", "--out", str(tmp_path / "w.docx"))
    assert done.returncode == 0 and (tmp_path / "w.docx").stat().st_size > 1000
    wrong = run("Harbourshire Partnership", "7", "--out", str(tmp_path / "x.csv"))
    assert wrong.returncode == 1 and wrong.stderr.startswith("error: This partnership has no workshop '7'")


def test_the_demo_has_a_finished_workshop_that_produced_its_priorities(engine, demo_id):
    from strategy.demo import load_demo_data

    (w,) = [w for w in list_workshops_for(engine, demo_id)]
    view = workshop_view(engine, demo_id, w.id, author=SYSTEM)
    assert view.workshop.stage == "applied" and view.participants == 11 and view.revealed
    wanted = [r["priority"] for r in load_demo_data()["items"]["vision.priorities"]]
    assert [t.wording for t in view.ranked()] == wanted
    assert [r.values["priority"] for r in list_rows(engine, demo_id, "vision.priorities")] == wanted
    events = audit_log(engine, demo_id, author=SYSTEM, limit=5000)
    assert any("agreed at the workshop on 22/01/2026 (11 participants)" in e.detail for e in events if e.action == "import")


def list_workshops_for(engine, pid):
    from strategy.workshops.operations import list_workshops

    return list_workshops(engine, pid, author=SYSTEM)


# --- Consensus ratings in the snapshot's strategic session ------------------------------------------


def test_each_person_rates_privately_the_spread_shows_and_the_agreed_rating_keeps_them(engine, room):
    from strategy.assessments import snapshot as sn
    from strategy.assessments.consensus import individual_ratings, rate_privately, spread

    pid, lead, amy, bo, sid = room["pid"], room["lead"], room["amy"], room["bo"], room["sid"]
    snap = sn.create_snapshot(engine, pid, title="Snapshot 2027", author=lead)
    statement = sn.list_statements(engine, pid)[0]
    rate_privately(engine, pid, snap.id, statement.id, evidence_rating=2, progress_rating=1, author=amy)
    rate_privately(engine, pid, snap.id, statement.id, evidence_rating=3, author=bo)
    rate_privately(engine, pid, snap.id, statement.id, evidence_rating=2, author=bo)  # changes her mind: one row still
    room_now = spread(engine, pid, snap.id, statement.id, author=amy)
    assert room_now.people == 2 and room_now.evidence == {2: 2} and room_now.progress == {1: 1}
    assert (room_now.my_evidence, room_now.my_progress) == (2, 1)
    assert "2 " in room_now.line("evidence") and ": 2" in room_now.line("evidence")
    with pytest.raises(InvalidInput, match="can see the room's ratings but not rate"):
        rate_privately(engine, pid, snap.id, statement.id, evidence_rating=4, author=sid)
    with pytest.raises(InvalidInput, match="not on the evidence scale"):
        rate_privately(engine, pid, snap.id, statement.id, evidence_rating=9, author=amy)
    sn.rate_statement(engine, pid, snap.id, statement.id, expected_version=0, evidence_rating=2, progress_rating=1, author=lead)
    assert sn.ratings(engine, snap.id)[statement.id].evidence_rating == 2
    kept = individual_ratings(engine, pid, snap.id, author=lead)
    assert [(r.name, r.evidence_rating, r.progress_rating) for r in kept] == [("Amy Health", 2, 1), ("Bo Police", 2, None)]


def test_a_room_rating_at_once_loses_no_private_rating(engine, room):
    from strategy.assessments import snapshot as sn
    from strategy.assessments.consensus import rate_privately, spread

    pid = room["pid"]
    snap = sn.create_snapshot(engine, pid, title="Snapshot 2027", author=room["lead"])
    statement = sn.list_statements(engine, pid)[0]
    people = [member(engine, pid, "editor", f"rater{n}", name=f"Rater {n}") for n in range(10)]
    start = threading.Barrier(len(people))
    errors = []

    def rate(n):
        start.wait()
        try:
            rate_privately(engine, pid, snap.id, statement.id, evidence_rating=1 + n % 4, progress_rating=1 + n % 2, author=people[n])
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(repr(exc))

    threads = [threading.Thread(target=rate, args=(n,)) for n in range(len(people))]
    [th.start() for th in threads]
    [th.join() for th in threads]
    assert errors == []
    room_now = spread(engine, pid, snap.id, statement.id, author=room["lead"])
    assert room_now.people == 10 and room_now.evidence == {1: 3, 2: 3, 3: 2, 4: 2} and room_now.progress == {1: 5, 2: 5}


def test_taking_a_theme_off_the_board_puts_its_notes_back(engine, room, open_workshop):
    from strategy.workshops.operations import remove_theme

    pid, wid, lead = room["pid"], open_workshop.id, room["lead"]
    note = add_note(engine, pid, wid, "Schools need support", author=room["amy"])
    _to(engine, pid, wid, "grouping", lead)
    theme = create_theme(engine, pid, wid, "Education", notes={note.id: note.version}, author=lead)
    with pytest.raises(Conflict):
        remove_theme(engine, pid, theme.id, expected_version=theme.version + 1, author=lead)
    assert remove_theme(engine, pid, theme.id, expected_version=theme.version, author=lead) == 1
    view = workshop_view(engine, pid, wid, author=lead)
    assert view.themes == [] and [n.text for n in view.loose] == ["Schools need support"]
    voted = create_theme(engine, pid, wid, "Voted", author=lead)
    _to(engine, pid, wid, "voting", lead)
    cast_vote(engine, pid, voted.id, author=room["amy"])
    _to(engine, pid, wid, "grouping", lead)
    with pytest.raises(InvalidInput, match="People have voted for this theme"):
        remove_theme(engine, pid, voted.id, expected_version=voted.version, author=lead)
