"""The Workshops page (AppTest): a facilitator sets a workshop up and a participant adds a note and
votes from the page; a scrutineer watches; the shared screen shows the board; a bad note is refused
with a message and nothing is lost."""

from __future__ import annotations

import tests.test_app as app_tests
from strategy.core.authors import Author
from strategy.people.partnerships import create_partnership
from strategy.workshops.operations import add_note, create_theme, create_workshop, set_stage, workshop_view
from tests.test_app import app, open_page

url, engine = app_tests.url, app_tests.engine  # the page tests' fixtures: a SQLite file per test

PAGE = "views/workshop.py"


def _partnership(engine):
    return create_partnership(engine, name="Harbourshire", nation="england").id


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_a_facilitator_sets_up_a_workshop_and_a_participant_adds_a_note(engine):
    pid = _partnership(engine)
    lead = Author.make("Fran Facilitator", "Council")
    at = open_page(app(pid, lead, role="owner"), PAGE)
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="workshop_new_kind").set_value("priorities").run()
    next(t for t in at.text_input if t.label == "Title").input("Priorities day")
    next(b for b in at.button if b.label == "Set up the workshop").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Workshop 1 is set up" in s.value for s in at.success)

    amy = Author.make("Amy Health", "NHS")
    part = open_page(app(pid, amy, role="editor"), PAGE)
    part.radio(key="workshop_mode").set_value("Take part").run()
    box = next(t for t in part.text_area if t.label == "Your idea")
    box.input("Children online need safer apps")
    next(b for b in part.button if b.label == "Add my note").click().run()
    assert not part.exception, [e.value for e in part.exception]
    assert any("Children online need safer apps" in m.value for m in part.markdown)

    # An empty note: a clear message, and the first note is still there.
    next(t for t in part.text_area if t.label == "Your idea").input("   ")
    next(b for b in part.button if b.label == "Add my note").click().run()
    assert any("The note is empty" in e.value for e in part.error)
    assert [n.text for n in workshop_view(engine, pid, _only(engine, pid), author=lead).loose] == ["Children online need safer apps"]


def _only(engine, pid):
    from strategy.workshops.operations import list_workshops

    return list_workshops(engine, pid, author=Author(name="Workbook"))[0].id


def test_a_participant_votes_from_the_page_and_a_scrutineer_only_watches(engine):
    pid = _partnership(engine)
    system = Author(name="Workbook")
    w = create_workshop(engine, pid, title="Aims", kind="aims", votes_per_person=1, author=system)
    note = add_note(engine, pid, w.id, "Believe children when telling", author=system)
    set_stage(engine, pid, w.id, "grouping", expected_version=1, author=system)
    create_theme(engine, pid, w.id, "Believed", notes={note.id: note.version}, author=system)
    set_stage(engine, pid, w.id, "voting", expected_version=2, author=system)

    part = app(pid, Author.make("Bo Police", "Police"), role="editor")
    open_page(part, PAGE)
    part.radio(key="workshop_mode").set_value("Take part").run()
    _button(part, "Vote for this").click().run()
    assert not part.exception, [e.value for e in part.exception]
    assert any("your vote" in m.value for m in part.markdown)
    assert _button(part, "Take back my vote")
    assert workshop_view(engine, pid, w.id, author=system).votes_cast == 1

    watcher = open_page(app(pid, Author.make("Sid Scrutineer", "Council"), role="scrutineer"), PAGE)
    assert not watcher.exception
    assert any("can see the workshop but not add notes or vote" in c.value for c in watcher.caption)
    assert not [b for b in watcher.button if b.label == "Vote for this"]
    watcher.radio(key="workshop_mode").set_value("Shared screen").run()
    assert any("Believed" in h.value for h in watcher.header)
    assert not watcher.exception


def test_the_shared_screen_shows_the_board_in_large_type(engine):
    pid = _partnership(engine)
    system = Author(name="Workbook")
    w = create_workshop(engine, pid, title="Vision", kind="vision", author=system)
    add_note(engine, pid, w.id, "**Every** child <b>heard</b>", author=system)
    at = app(pid, Author.make("Fran Facilitator", "Council"), role="owner")
    open_page(at, PAGE)
    at.radio(key="workshop_mode").set_value("Shared screen").run()
    assert not at.exception
    assert any("What will our area be like for children" in t.value for t in at.title)
    shown = [m.value for m in at.markdown if "child" in m.value]
    assert shown and all("\\*\\*Every\\*\\*" in v and "\\<b\\>" in v for v in shown)


def test_the_strategic_session_takes_a_private_rating_and_shows_the_spread(engine):
    from strategy.assessments import snapshot as sn
    from strategy.assessments.consensus import individual_ratings

    pid = _partnership(engine)
    sn.create_snapshot(engine, pid, title="Snapshot 2027", author=Author(name="Workbook"))
    at = open_page(app(pid, Author.make("Amy Health", "NHS"), role="editor"), "views/snapshot.py")
    assert not at.exception, [e.value for e in at.exception]
    _button(at, "3 · Good evidence").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("the room (1 rated)" in m.value and "3 Good evidence\\: 1" in m.value for m in at.markdown)
    assert _button(at, "✓ 3 · Good evidence")
    snap = sn.find_snapshot(engine, pid)
    kept = individual_ratings(engine, pid, snap.id, author=Author(name="Workbook"))
    assert [(r.name, r.evidence_rating) for r in kept] == [("Amy Health", 3)]
    assert sn.ratings(engine, snap.id) == {}  # the agreed rating is the group's, made separately


def test_a_facilitator_runs_every_stage_from_the_page_into_the_strategy(engine):
    from strategy.answers.operations import list_rows

    pid = _partnership(engine)
    system = Author(name="Workbook")
    w = create_workshop(engine, pid, title="Priorities", kind="priorities", held_on="14/03/2027", author=system)
    add_note(engine, pid, w.id, "Online abuse is rising", author=Author.make("Amy Health", "NHS"))
    add_note(engine, pid, w.id, "Families go unseen", author=Author.make("Bo Police", "Police"))
    at = open_page(app(pid, Author.make("Fran Facilitator", "Council"), role="owner"), PAGE)
    _button(at, "Move on to grouping").click().run()
    assert not at.exception, [e.value for e in at.exception]
    for text, name in (("Online abuse is rising", "Online"), ("Families go unseen", "Within families")):
        note_id = next(n.id for n in workshop_view(engine, pid, w.id, author=system).loose if n.text == text)
        next(m for m in at.multiselect if m.label == "Notes").set_value([note_id])
        next(t for t in at.text_input if t.label == "Name of the new theme").input(name)
        _button(at, "Make the theme").click().run()
        assert not at.exception, [e.value for e in at.exception]
    grouped = workshop_view(engine, pid, w.id, author=system).themes
    assert [(t.title, [n.text for n in t.notes]) for t in grouped] == [
        ("Online", ["Online abuse is rising"]),
        ("Within families", ["Families go unseen"]),
    ]
    _button(at, "Move on to voting").click().run()
    _button(at, "Reveal the votes").click().run()
    _button(at, "Move on to result").click().run()
    assert not at.exception, [e.value for e in at.exception]
    next(t for t in at.text_input if t.label.startswith("Online")).input("Keep children safe online")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    _button(at, "Put the result into the strategic priorities, most important first").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("The workshop's result is in the strategy" in s.value for s in at.success)
    assert [r.values["priority"] for r in list_rows(engine, pid, "vision.priorities")] == ["Keep children safe online", "Within families"]


def test_a_participant_removed_from_the_partnership_drops_out_at_the_next_refresh(engine):
    from strategy.people.accounts import set_member_role

    pid = _partnership(engine)
    system = Author(name="Workbook")
    create_workshop(engine, pid, title="Aims", kind="aims", author=system)
    at = app(pid, Author.make("Amy Health", "NHS"), role="editor")
    open_page(at, PAGE)
    at.radio(key="workshop_mode").set_value("Take part").run()
    assert any(t.label == "Your idea" for t in at.text_area)
    set_member_role(engine, pid, "amy.health.editor", None, author=system)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not any(t.label == "Your idea" for t in at.text_area)
    assert any("not a member of that partnership" in w.value for w in at.warning)
