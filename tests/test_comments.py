"""Comments: anyone with the comment right adds and replies, editors resolve, nothing is deleted."""

import pytest

from strategy.answers.comments import add_comment, open_counts, set_resolved, threads
from strategy.answers.operations import add_row
from strategy.core.authors import Author
from strategy.core.errors import InvalidInput, NotAllowed
from strategy.people.partnerships import create_partnership
from tests.people_support import member, snapshot


@pytest.fixture
def pid(engine):
    return create_partnership(engine, name="Harbourshire", nation="england").id


def test_a_scrutineer_comments_an_editor_replies_and_resolves(engine, pid):
    scrutineer = member(engine, pid, "scrutineer", "scrutineer", name="Dr Rae Scrutton")
    editor = member(engine, pid, "editor", "editor")
    first = add_comment(
        engine,
        pid,
        chapter_id="introduction",
        target_kind="prompt",
        target_key="intro.purpose",
        text="Where does <b>this</b> figure come from?",
        author=scrutineer,
    )
    add_comment(engine, pid, target_kind="prompt", target_key="intro.purpose", text="From the JSNA.", parent_id=first.id, author=editor)
    assert open_counts(engine, pid)[("prompt", "intro.purpose")] == 1
    with pytest.raises(NotAllowed):
        set_resolved(engine, pid, first.id, author=scrutineer)
    set_resolved(engine, pid, first.id, author=editor)
    assert sum(open_counts(engine, pid).values()) == 0
    [thread] = threads(engine, pid, "prompt", "intro.purpose")
    assert thread.comment.text == "Where does <b>this</b> figure come from?"  # stored as typed
    assert thread.comment.author_name == "Dr Rae Scrutton"
    assert thread.comment.resolved_by_name == "Editor"
    assert [r.text for r in thread.replies] == ["From the JSNA."]
    set_resolved(engine, pid, first.id, False, author=editor)
    assert open_counts(engine, pid)[("prompt", "intro.purpose")] == 1


def test_comments_on_rows_sections_and_criteria(engine, pid):
    row = add_row(engine, pid, "vision.steering_group", {"name": "Chair"}, author=Author(name="Workbook"))
    for kind, key in [("item", row.id), ("section", "7"), ("criterion", "priorities_smart")]:
        add_comment(engine, pid, target_kind=kind, target_key=key, text="Check this", author=Author(name="Workbook"))
    assert set(open_counts(engine, pid)) == {("item", str(row.id)), ("section", "7"), ("criterion", "priorities_smart")}


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "The comment is empty"),
        ("   \n\t ", "The comment is empty"),
        ("x" * 5001, "the most it can hold is 5,000"),
    ],
)
def test_bad_comments_are_refused_and_nothing_is_stored(engine, pid, text, message):
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match=message):
        add_comment(engine, pid, target_kind="prompt", target_key="intro.purpose", text=text, author=Author(name="W"))
    assert snapshot(engine) == before


def test_an_unknown_target_kind_is_refused(engine, pid):
    with pytest.raises(InvalidInput, match="can be on a prompt"):
        add_comment(engine, pid, target_kind="child", target_key="1", text="x", author=Author(name="W"))


def test_the_demo_has_a_scrutineers_comments_once(engine, demo_id):
    from strategy.demo import ensure_demo

    pid = demo_id  # ensure_demo run once on the template this copy was made from
    assert ensure_demo(engine) == pid
    all_threads = threads(engine, pid)
    assert len(all_threads) == 2
    assert sum(open_counts(engine, pid).values()) == 1
    assert all_threads[0].replies and all_threads[0].comment.resolved_by_name == "Demo author"
