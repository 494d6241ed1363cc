"""Saving answers and table rows: version-checked so nothing typed is lost, every change in the
history, bad input refused with a message and what was stored left as it was."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from strategy.answers.operations import (
    add_row,
    answer_history,
    delete_row,
    get_answer,
    list_rows,
    move_row,
    restore_answer,
    restore_row,
    save_answer,
    update_cell,
)
from strategy.core.db import read_session
from strategy.core.errors import Conflict, InvalidInput, NotFound
from strategy.core.models import Revision
from strategy.people.partnerships import create_partnership

PURPOSE = "intro.purpose"
MEMBERS = "vision.steering_group"
PRIORITIES = "vision.priorities"


def _stored(engine, pid, prompt_id=PURPOSE):
    a = get_answer(engine, pid, prompt_id)
    return (a.value, a.version) if a else None


def _revision_count(engine, pid) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(Revision).where(Revision.partnership_id == pid)).one()


def _item_revisions(engine, item_id) -> list[Revision]:
    with read_session(engine) as session:
        return list(session.exec(select(Revision).where(Revision.item_id == item_id).order_by(Revision.id)).all())


@pytest.fixture
def pid(partnership):
    return partnership.id


@pytest.fixture
def saved(engine, pid, author):
    """intro.purpose saved once by Sam: 'First draft', version 1."""
    save_answer(engine, pid, PURPOSE, "First draft", expected_version=0, author=author)
    return pid


# --- Saving and editing ------------------------------------------------------------------------


def test_first_save_then_edit(engine, pid, author, other_author):
    first = save_answer(engine, pid, PURPOSE, "First draft", expected_version=0, author=author)
    assert (first.value, first.version, first.by) == ("First draft", 1, "Sam Patel")
    second = save_answer(engine, pid, PURPOSE, "Second draft", expected_version=1, author=other_author)
    assert second.version == 2
    stored = get_answer(engine, pid, PURPOSE)
    assert (stored.value, stored.version, stored.updated_by_name, stored.updated_by_agency) == (
        "Second draft",
        2,
        "Jo Evans",
        "Harbourshire Police",
    )


def test_saving_the_same_text_again_changes_nothing(engine, saved, author):
    before = _revision_count(engine, saved)
    again = save_answer(engine, saved, PURPOSE, "First draft", expected_version=1, author=author)
    assert again.version == 1
    assert _revision_count(engine, saved) == before


def test_an_empty_first_save_stores_nothing(engine, pid, author):
    assert save_answer(engine, pid, PURPOSE, "", expected_version=0, author=author).version == 0
    assert get_answer(engine, pid, PURPOSE) is None
    assert _revision_count(engine, pid) == 0


def test_history_lists_old_new_and_author_newest_first(engine, pid, author, other_author):
    save_answer(engine, pid, PURPOSE, "One", expected_version=0, author=author)
    save_answer(engine, pid, PURPOSE, "Two", expected_version=1, author=other_author)
    save_answer(engine, pid, PURPOSE, "Three", expected_version=2, author=author)
    history = answer_history(engine, pid, PURPOSE)
    assert [(r.action, r.old_value, r.new_value, r.author_name) for r in history] == [
        ("edit", "Two", "Three", "Sam Patel"),
        ("edit", "One", "Two", "Jo Evans"),
        ("create", None, "One", "Sam Patel"),
    ]
    assert history[1].author_agency == "Harbourshire Police"
    assert answer_history(engine, pid, "intro.audience") == []


def test_history_of_one_partnership_is_not_mixed_with_anothers(engine, saved, author):
    other = create_partnership(engine, name="Vale Partnership", nation="wales")
    save_answer(engine, other.id, PURPOSE, "Theirs", expected_version=0, author=author)
    assert [r.new_value for r in answer_history(engine, saved, PURPOSE)] == ["First draft"]


# --- Two people, one answer --------------------------------------------------------------------


def test_second_save_on_a_stale_version_is_a_conflict_keeping_both_texts(engine, saved, author, other_author):
    # Both loaded version 1. Jo saves first; Sam's save must not overwrite Jo's.
    save_answer(engine, saved, PURPOSE, "Jo's draft", expected_version=1, author=other_author)
    with pytest.raises(Conflict) as info:
        save_answer(engine, saved, PURPOSE, "Sam's draft", expected_version=1, author=author)
    exc = info.value
    assert (exc.mine, exc.theirs, exc.theirs_version, exc.theirs_by) == ("Sam's draft", "Jo's draft", 2, "Jo Evans")
    assert exc.message.startswith("Jo Evans saved this answer while you were editing it.")
    assert "Both texts are kept" in exc.message
    assert _stored(engine, saved) == ("Jo's draft", 2)
    top = answer_history(engine, saved, PURPOSE)[0]
    assert (top.action, top.old_value, top.new_value, top.author_name) == ("conflict_copy", "Jo's draft", "Sam's draft", "Sam Patel")


def test_after_a_conflict_the_person_can_save_their_text_on_the_new_version(engine, saved, author, other_author):
    save_answer(engine, saved, PURPOSE, "Jo's draft", expected_version=1, author=other_author)
    with pytest.raises(Conflict) as info:
        save_answer(engine, saved, PURPOSE, "Sam's draft", expected_version=1, author=author)
    combined = info.value.theirs + "\n" + info.value.mine
    assert save_answer(engine, saved, PURPOSE, combined, expected_version=info.value.theirs_version, author=author).version == 3
    assert _stored(engine, saved) == ("Jo's draft\nSam's draft", 3)


def test_a_stale_save_of_the_text_already_stored_is_not_a_conflict(engine, saved, author, other_author):
    save_answer(engine, saved, PURPOSE, "Agreed text", expected_version=1, author=other_author)
    result = save_answer(engine, saved, PURPOSE, "Agreed text", expected_version=1, author=author)
    assert (result.value, result.version) == ("Agreed text", 2)
    assert [r.action for r in answer_history(engine, saved, PURPOSE)] == ["edit", "create"]


def test_two_first_saves_one_after_the_other(engine, pid, author, other_author):
    save_answer(engine, pid, PURPOSE, "Sam's first", expected_version=0, author=author)
    with pytest.raises(Conflict) as info:
        save_answer(engine, pid, PURPOSE, "Jo's first", expected_version=0, author=other_author)
    assert (info.value.mine, info.value.theirs) == ("Jo's first", "Sam's first")
    assert _stored(engine, pid) == ("Sam's first", 1)
    assert {(r.action, r.new_value) for r in answer_history(engine, pid, PURPOSE)} == {
        ("create", "Sam's first"),
        ("conflict_copy", "Jo's first"),
    }


def test_two_first_saves_at_the_same_moment(engine, pid, author, other_author):
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(who, text):
        barrier.wait()
        try:
            outcomes[text] = save_answer(engine, pid, PURPOSE, text, expected_version=0, author=who)
        except Exception as exc:  # noqa: BLE001 - the assertion below says which
            outcomes[text] = exc

    threads = [threading.Thread(target=save, args=a) for a in ((author, "Sam's first"), (other_author, "Jo's first"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kinds = sorted(type(o).__name__ for o in outcomes.values())
    assert kinds == ["Conflict", "Saved"], outcomes
    winner = next(t for t, o in outcomes.items() if not isinstance(o, Exception))
    loser = next(t for t, o in outcomes.items() if isinstance(o, Conflict))
    assert _stored(engine, pid) == (winner, 1)
    assert outcomes[loser].theirs == winner
    assert ("conflict_copy", loser) in {(r.action, r.new_value) for r in answer_history(engine, pid, PURPOSE)}


def test_two_first_saves_whose_inserts_collide(pg_engine, author, other_author, just_before):
    # Both found no answer; Jo's INSERT commits just before Sam's. Sam is told, Jo's text stays.
    pid = create_partnership(pg_engine, name="Harbourshire Partnership", nation="england").id
    fired = just_before(
        pg_engine, "INSERT INTO answer", lambda: save_answer(pg_engine, pid, PURPOSE, "Jo's first", expected_version=0, author=other_author)
    )
    with pytest.raises(Conflict) as info:
        save_answer(pg_engine, pid, PURPOSE, "Sam's first", expected_version=0, author=author)
    assert fired
    assert (info.value.mine, info.value.theirs, info.value.theirs_by) == ("Sam's first", "Jo's first", "Jo Evans")
    assert _stored(pg_engine, pid) == ("Jo's first", 1)
    assert ("conflict_copy", "Sam's first") in {(r.action, r.new_value) for r in answer_history(pg_engine, pid, PURPOSE)}


def test_an_edit_that_loses_the_race_shows_the_winners_text(pg_engine, author, other_author, just_before):
    # Sam read version 1 inside the save; Jo's edit commits before Sam's UPDATE runs.
    pid = create_partnership(pg_engine, name="Harbourshire Partnership", nation="england").id
    save_answer(pg_engine, pid, PURPOSE, "First draft", expected_version=0, author=author)
    fired = just_before(
        pg_engine, "UPDATE answer", lambda: save_answer(pg_engine, pid, PURPOSE, "Jo's edit", expected_version=1, author=other_author)
    )
    with pytest.raises(Conflict) as info:
        save_answer(pg_engine, pid, PURPOSE, "Sam's edit", expected_version=1, author=author)
    assert fired
    assert (info.value.theirs, info.value.theirs_version, info.value.theirs_by) == ("Jo's edit", 2, "Jo Evans")
    assert _stored(pg_engine, pid) == ("Jo's edit", 2)
    top = answer_history(pg_engine, pid, PURPOSE)[0]
    assert (top.action, top.old_value, top.new_value) == ("conflict_copy", "Jo's edit", "Sam's edit")


# --- Restoring an earlier text -----------------------------------------------------------------


def test_restore_brings_back_an_earlier_text_and_records_a_revert(engine, pid, author, other_author):
    save_answer(engine, pid, PURPOSE, "One", expected_version=0, author=author)
    save_answer(engine, pid, PURPOSE, "Two", expected_version=1, author=author)
    save_answer(engine, pid, PURPOSE, "Three", expected_version=2, author=author)
    first = next(r for r in answer_history(engine, pid, PURPOSE) if r.new_value == "One")
    restored = restore_answer(engine, pid, first.id, author=other_author)
    assert (restored.value, restored.version) == ("One", 4)
    assert _stored(engine, pid) == ("One", 4)
    top = answer_history(engine, pid, PURPOSE)[0]
    assert (top.action, top.old_value, top.new_value, top.author_name) == ("revert", "Three", "One", "Jo Evans")


def test_restore_can_bring_back_a_conflict_copy(engine, saved, author, other_author):
    save_answer(engine, saved, PURPOSE, "Jo's draft", expected_version=1, author=other_author)
    with pytest.raises(Conflict):
        save_answer(engine, saved, PURPOSE, "Sam's draft", expected_version=1, author=author)
    copy = answer_history(engine, saved, PURPOSE)[0]
    restore_answer(engine, saved, copy.id, author=author)
    assert _stored(engine, saved) == ("Sam's draft", 3)


def test_restore_of_another_partnerships_revision_is_refused(engine, saved, author):
    other = create_partnership(engine, name="Vale Partnership", nation="wales")
    save_answer(engine, other.id, PURPOSE, "Theirs", expected_version=0, author=author)
    foreign = answer_history(engine, other.id, PURPOSE)[0]
    with pytest.raises(NotFound, match="earlier version could not be found"):
        restore_answer(engine, saved, foreign.id, author=author)
    with pytest.raises(NotFound):
        restore_answer(engine, saved, 999_999, author=author)
    assert _stored(engine, saved) == ("First draft", 1)


# --- Text as people type and paste it ----------------------------------------------------------


def test_a_one_megabyte_paste_is_refused_and_the_answer_kept(engine, saved, author):
    before = _revision_count(engine, saved)
    with pytest.raises(InvalidInput) as info:
        save_answer(engine, saved, PURPOSE, "x" * 1_000_000, expected_version=1, author=author)
    assert "1,000,000 characters long" in info.value.message
    assert "the most it can hold is 100,000" in info.value.message
    assert "Nothing was saved" in info.value.message
    assert _stored(engine, saved) == ("First draft", 1)
    assert _revision_count(engine, saved) == before


def test_100000_characters_are_accepted_and_one_more_refused(engine, pid, author):
    text_ = ("Word " * 20_000)[:100_000]
    assert save_answer(engine, pid, PURPOSE, text_, expected_version=0, author=author).version == 1
    assert get_answer(engine, pid, PURPOSE).value == text_
    with pytest.raises(InvalidInput, match="100,001 characters long"):
        save_answer(engine, pid, PURPOSE, text_ + "!", expected_version=1, author=author)
    assert get_answer(engine, pid, PURPOSE).value == text_


def test_control_characters_are_removed_and_line_endings_made_uniform(engine, pid, author):
    raw = "A\x00B\x01C\x08D\x0bE\x0cF\x0eG\x1fH\x7fI\ufffeJ\uffffK\ud800L\r\nM\rN\nO\tP"
    result = save_answer(engine, pid, PURPOSE, raw, expected_version=0, author=author)
    clean = "ABCDEFGHIJKL\nM\nN\nO\tP"
    assert result.value == clean
    assert result.removed_characters == 11
    assert get_answer(engine, pid, PURPOSE).value == clean


KEPT_EXACTLY = {
    "emoji": "Family 👨‍👩‍👧‍👦, skin tones 👋🏽, flag 🏴󠁧󠁢󠁷󠁬󠁳󠁿",
    "welsh": "Ŵyr a ŷd: Bwrdd Diogelu Rhanbarthol Gogledd Cymru",
    "combining": "Cafe\u0301 and re\u0301sume\u0301",
    "arabic": "حماية الطفل",
    "hebrew": "הגנה על ילדים",
    "mixed-directions": "Board בית ספר 2026 مدرسة end",
    "rlo-override": "file\u202etxt.exe and \u202dLRO\u202c",
    "zero-width": "zero\u200bwidth\u200cjoin\u200dmark\ufeffbom",
    "nbsp": "non\u00a0breaking\u202fspaces",
    "word-punctuation": "“Curly” ‘quotes’ – en — em … ellipsis",
}


@pytest.mark.parametrize("value", KEPT_EXACTLY.values(), ids=KEPT_EXACTLY.keys())
def test_text_in_any_script_is_kept_exactly(engine, pid, author, value):
    result = save_answer(engine, pid, PURPOSE, value, expected_version=0, author=author)
    assert result.removed_characters == 0
    assert get_answer(engine, pid, PURPOSE).value == value
    assert answer_history(engine, pid, PURPOSE)[0].new_value == value


LITERAL = {
    "script": "<script>alert('x')</script>",
    "img-onerror": '<img src=x onerror="alert(1)">',
    "markdown": "# Heading\n\n[click](javascript:alert(1)) ![img](https://evil.example/x.png)\n\n| a | b |\n|---|---|",
    "sql": "'; DROP TABLE answer; --",
    "sql-union": "1' OR '1'='1' UNION SELECT * FROM partnership --",
    "formula": '=HYPERLINK("http://evil.example")\n+1\n-1\n@SUM(A1)',
    "xml": "& < > \" ' ]]> <![CDATA[x]]>",
}


@pytest.mark.parametrize("value", LITERAL.values(), ids=LITERAL.keys())
def test_markup_and_sql_looking_text_is_stored_literally(engine, pid, author, value):
    save_answer(engine, pid, PURPOSE, value, expected_version=0, author=author)
    assert get_answer(engine, pid, PURPOSE).value == value


def test_sql_looking_text_did_not_run(engine, pid, author):
    save_answer(engine, pid, PURPOSE, "x'); DELETE FROM partnership; --", expected_version=0, author=author)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from partnership")).scalar() == 1


# --- Choices -----------------------------------------------------------------------------------


def test_a_choice_is_stored_and_an_unknown_option_refused(engine, pid, author):
    save_answer(engine, pid, "intro.scope_ages", "all_age", expected_version=0, author=author)
    with pytest.raises(InvalidInput) as info:
        save_answer(engine, pid, "intro.scope_ages", "everyone", expected_version=1, author=author)
    assert info.value.message == "'everyone' is not one of the choices for 'Which ages does the strategy cover?'."
    assert _stored(engine, pid, "intro.scope_ages") == ("all_age", 1)


def test_multichoice_is_stored_in_the_lists_order(engine, pid, author):
    save_answer(engine, pid, "intro.scope_forms", ["online", "family_network"], expected_version=0, author=author)
    assert json.loads(get_answer(engine, pid, "intro.scope_forms").value) == ["family_network", "online"]


@pytest.mark.parametrize(
    "bad, shown",
    [
        (["online", "made_up"], "made_up"),
        ('["online", "made_up"]', "made_up"),
        ("online", "online"),  # a bare id, not a list
        ("[not json", "[not json"),
        ('{"a": 1}', "a"),
    ],
)
def test_multichoice_with_an_unknown_option_or_garbled_value_is_refused(engine, pid, author, bad, shown):
    save_answer(engine, pid, "intro.scope_forms", ["online"], expected_version=0, author=author)
    with pytest.raises(InvalidInput) as info:
        save_answer(engine, pid, "intro.scope_forms", bad, expected_version=1, author=author)
    assert shown in info.value.message
    assert "Which forms of child sexual abuse will the strategy cover?" in info.value.message
    assert _stored(engine, pid, "intro.scope_forms") == ('["online"]', 1)


def test_saving_a_table_or_unknown_question_as_a_single_answer_is_refused(engine, pid, author):
    with pytest.raises(InvalidInput, match="not a question with a single answer"):
        save_answer(engine, pid, MEMBERS, "text", expected_version=0, author=author)
    with pytest.raises(NotFound, match="no question 'intro.nope'"):
        save_answer(engine, pid, "intro.nope", "text", expected_version=0, author=author)
    assert _revision_count(engine, pid) == 0


# --- Partnerships that have gone -----------------------------------------------------------------


def test_saving_for_a_partnership_that_no_longer_exists_is_refused(engine, saved, author):
    with engine.begin() as conn:
        conn.execute(text("delete from partnership where id = :id"), {"id": saved})
    with pytest.raises(NotFound) as info:
        save_answer(engine, saved, PURPOSE, "Still typing", expected_version=1, author=author)
    assert info.value.message == "That partnership no longer exists, so this could not be saved."
    with pytest.raises(NotFound, match="no longer exists"):
        add_row(engine, saved, MEMBERS, {"name": "Alex Morgan"}, author=author)
    assert get_answer(engine, saved, PURPOSE) is None  # nothing re-created
    assert list_rows(engine, saved, MEMBERS) == []


# --- Table rows --------------------------------------------------------------------------------


@pytest.fixture
def member(engine, pid, author):
    return add_row(
        engine,
        pid,
        MEMBERS,
        {"name": "Alex Morgan", "agency": "Harbourshire Council", "agency_type": "local_authority", "authority_to_commit": True},
        author=author,
    )


def test_add_row_stores_every_column(engine, pid, member):
    rows = list_rows(engine, pid, MEMBERS)
    assert [r.id for r in rows] == [member.id]
    assert rows[0].values == {
        "name": "Alex Morgan",
        "agency": "Harbourshire Council",
        "agency_type": "local_authority",
        "role": "",
        "seniority": "",
        "authority_to_commit": True,
        "named_representative": None,
        "lived_experience": None,
        "change_management": None,
    }
    assert rows[0].updated_by == "Sam Patel"
    assert [r.action for r in _item_revisions(engine, member.id)] == ["create"]


@pytest.mark.parametrize(
    "values, message",
    [
        ({"name": "  "}, "'Name' cannot be empty."),
        ({"agency": "Police"}, "'Name' cannot be empty."),
        ({"name": "A", "colour": "red"}, "has no column colour"),
        ({"name": "A", "agency_type": "space_agency"}, "'space_agency' is not one of the choices for 'Kind of agency'."),
        ({"name": "A", "lived_experience": "yes"}, "'Brings the voice of victims/survivors' is yes or no."),
        ({"name": "N" * 301}, "'Name' is 301 characters long; the most it can hold is 300."),
    ],
)
def test_a_bad_row_is_refused_and_nothing_added(engine, pid, member, author, values, message):
    with pytest.raises(InvalidInput) as info:
        add_row(engine, pid, MEMBERS, values, author=author)
    assert message in info.value.message
    assert [r.values["name"] for r in list_rows(engine, pid, MEMBERS)] == ["Alex Morgan"]


def test_two_people_editing_different_cells_of_one_row_both_succeed(engine, pid, member, author, other_author):
    loaded_by_sam = loaded_by_jo = list_rows(engine, pid, MEMBERS)[0]
    update_cell(engine, pid, member.id, "role", "Chair", expected=loaded_by_sam.values["role"], author=author)
    update_cell(engine, pid, member.id, "lived_experience", True, expected=loaded_by_jo.values["lived_experience"], author=other_author)
    row = list_rows(engine, pid, MEMBERS)[0]
    assert (row.values["role"], row.values["lived_experience"], row.values["name"]) == ("Chair", True, "Alex Morgan")
    assert [r.action for r in _item_revisions(engine, member.id)] == ["create", "edit", "edit"]


def test_two_people_editing_the_same_cell_the_second_gets_a_conflict(engine, pid, member, author, other_author):
    update_cell(engine, pid, member.id, "role", "Chair", expected="", author=author)
    with pytest.raises(Conflict) as info:
        update_cell(engine, pid, member.id, "role", "Vice chair", expected="", author=other_author)
    assert (info.value.mine, info.value.theirs, info.value.theirs_by) == ("Vice chair", "Chair", "Sam Patel")
    assert "Sam Patel changed this while you were editing it" in info.value.message
    assert list_rows(engine, pid, MEMBERS)[0].values["role"] == "Chair"
    copy = _item_revisions(engine, member.id)[-1]
    assert (copy.action, copy.field, copy.author_name) == ("conflict_copy", "role", "Jo Evans")
    assert json.loads(copy.new_value) == "Vice chair"


def test_update_cell_refuses_bad_values_and_keeps_the_row(engine, pid, member, author):
    with pytest.raises(InvalidInput, match="'Name' cannot be empty"):
        update_cell(engine, pid, member.id, "name", "   ", expected="Alex Morgan", author=author)
    with pytest.raises(InvalidInput, match="has no column colour"):
        update_cell(engine, pid, member.id, "colour", "red", expected=None, author=author)
    assert list_rows(engine, pid, MEMBERS)[0].values["name"] == "Alex Morgan"


def test_delete_then_restore_a_row(engine, pid, member, author):
    second = add_row(engine, pid, MEMBERS, {"name": "Jo Evans"}, author=author)
    delete_row(engine, pid, member.id, author=author)
    assert [r.values["name"] for r in list_rows(engine, pid, MEMBERS)] == ["Jo Evans"]
    assert [r.id for r in list_rows(engine, pid, MEMBERS, deleted=True)] == [member.id]
    restore_row(engine, pid, member.id, author=author)
    rows = list_rows(engine, pid, MEMBERS)
    assert [r.id for r in rows] == [member.id, second.id]
    assert rows[0].values["agency"] == "Harbourshire Council"
    assert [r.action for r in _item_revisions(engine, member.id)] == ["create", "delete", "restore"]


def test_editing_a_row_someone_deleted_is_refused_and_not_re_created(engine, pid, member, author, other_author):
    delete_row(engine, pid, member.id, author=other_author)
    with pytest.raises(NotFound) as info:
        update_cell(engine, pid, member.id, "role", "Chair", expected="", author=author)
    assert info.value.message == ("Someone removed that row while you were editing it. Restore it below to edit it again.")
    assert list_rows(engine, pid, MEMBERS) == []
    assert list_rows(engine, pid, MEMBERS, deleted=True)[0].values["role"] == ""


def test_a_row_that_does_not_exist_or_belongs_elsewhere_is_not_found(engine, pid, member, author):
    other = create_partnership(engine, name="Vale Partnership", nation="wales")
    for call in (
        lambda: update_cell(engine, other.id, member.id, "role", "Chair", expected="", author=author),
        lambda: delete_row(engine, other.id, member.id, author=author),
        lambda: update_cell(engine, pid, 999_999, "role", "Chair", expected="", author=author),
    ):
        with pytest.raises(NotFound, match="removed by someone else"):
            call()
    assert list_rows(engine, pid, MEMBERS)[0].values["role"] == ""


def test_move_row_reorders_and_stops_at_the_ends(engine, pid, author):
    a, b, c = (add_row(engine, pid, PRIORITIES, {"priority": p}, author=author) for p in ("Recognise", "Respond", "Prevent"))

    def order():
        return [r.values["priority"] for r in list_rows(engine, pid, PRIORITIES)]

    move_row(engine, pid, c.id, -1, author=author)
    assert order() == ["Recognise", "Prevent", "Respond"]
    move_row(engine, pid, c.id, -1, author=author)
    assert order() == ["Prevent", "Recognise", "Respond"]
    move_row(engine, pid, c.id, -1, author=author)  # already first
    assert order() == ["Prevent", "Recognise", "Respond"]
    move_row(engine, pid, b.id, +1, author=author)  # already last
    assert order() == ["Prevent", "Recognise", "Respond"]
    delete_row(engine, pid, a.id, author=author)
    move_row(engine, pid, b.id, -1, author=author)  # the deleted row does not count
    assert order() == ["Respond", "Prevent"]
    assert [r.action for r in _item_revisions(engine, c.id)] == ["create", "reorder", "reorder"]
