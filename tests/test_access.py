"""Roles enforced in ``strategy``: every write function refuses a scrutineer and a viewer (and
someone removed from the partnership), and nothing stored changes. Beyond hiding buttons."""

from __future__ import annotations

import pytest
from strategy.answers.comments import add_comment, set_resolved
from strategy.answers.io import import_figures
from strategy.answers.operations import (
    add_row,
    add_rows,
    delete_row,
    move_row,
    restore_answer,
    restore_row,
    save_answer,
    set_grid_cell,
    update_cell,
)
from strategy.core.access import can, role_in, visible_partnership_ids
from strategy.core.authors import Author
from strategy.core.errors import NotAllowed
from strategy.people.accounts import set_disabled, set_member_role
from strategy.people.backup import backup_partnership
from strategy.people.partnerships import create_partnership, rename_partnership, set_archived, update_partnership

from tests.people_support import member, snapshot

SYSTEM = Author(name="Workbook")
FIGURES_CSV = b"Figure,Detail,Year,Value,Source\nChild population (under 18),Aged 0 to 17,2024,61250,ONS\n"


@pytest.fixture
def world(engine):
    """A partnership with an answer, two rows, a grid row and a comment, and one member per role."""
    p = create_partnership(engine, name="Harbourshire", nation="england")
    saved = save_answer(engine, p.id, "intro.purpose", "Our purpose", expected_version=0, author=SYSTEM)
    rows = add_rows(
        engine,
        p.id,
        "vision.steering_group",
        [{"name": "Chair", "agency": "Council"}, {"name": "Vice chair", "agency": "Police"}],
        author=SYSTEM,
    )
    delete_row(engine, p.id, rows[1].id, author=SYSTEM)
    set_grid_cell(engine, p.id, "context.forms", "online", "coverage", "partly", expected=None, author=SYSTEM)
    comment = add_comment(engine, p.id, target_kind="prompt", target_key="intro.purpose", text="Is this agreed?", author=SYSTEM)
    people = {role: member(engine, p.id, role, role) for role in ("owner", "editor", "scrutineer", "viewer")}
    people["outsider"] = member(engine, None, None, "outsider")
    return {"p": p, "saved": saved, "rows": rows, "comment": comment, **people}


def _revision_id(engine, pid):
    from strategy.answers.operations import answer_history

    return answer_history(engine, pid, "intro.purpose")[0].id


#: Every write operation in strategy, called as ``op(engine, world, author)``.
WRITES = {
    "save_answer": lambda e, w, a: save_answer(e, w["p"].id, "intro.purpose", "Changed", expected_version=w["saved"].version, author=a),
    "save_answer_first_time": lambda e, w, a: save_answer(e, w["p"].id, "intro.audience", "New", expected_version=0, author=a),
    "restore_answer": lambda e, w, a: (
        save_answer(e, w["p"].id, "intro.purpose", "Second", expected_version=1, author=SYSTEM),
        restore_answer(e, w["p"].id, _revision_id(e, w["p"].id) - 1, author=a),
    ),
    "add_row": lambda e, w, a: add_row(e, w["p"].id, "vision.steering_group", {"name": "New member"}, author=a),
    "add_rows": lambda e, w, a: add_rows(e, w["p"].id, "vision.steering_group", [{"name": "A"}, {"name": "B"}], author=a),
    "update_cell": lambda e, w, a: update_cell(e, w["p"].id, w["rows"][0].id, "name", "Renamed", expected="Chair", author=a),
    "delete_row": lambda e, w, a: delete_row(e, w["p"].id, w["rows"][0].id, author=a),
    "restore_row": lambda e, w, a: restore_row(e, w["p"].id, w["rows"][1].id, author=a),
    "move_row": lambda e, w, a: (
        restore_row(e, w["p"].id, w["rows"][1].id, author=SYSTEM),
        move_row(e, w["p"].id, w["rows"][0].id, 1, author=a),
    ),
    "set_grid_cell": lambda e, w, a: set_grid_cell(
        e, w["p"].id, "context.forms", "family_network", "coverage", "covered", expected=None, author=a
    ),
    "set_grid_cell_existing_row": lambda e, w, a: set_grid_cell(
        e, w["p"].id, "context.forms", "online", "coverage", "covered", expected="partly", author=a
    ),
    "import_figures": lambda e, w, a: import_figures(e, w["p"].id, FIGURES_CSV, "figures.csv", author=a),
    "update_partnership": lambda e, w, a: update_partnership(e, w["p"].id, areas="Somewhere else", author=a),
    "rename_partnership": lambda e, w, a: rename_partnership(e, w["p"].id, "New name", author=a),
    "set_archived": lambda e, w, a: set_archived(e, w["p"].id, True, author=a),
    "set_member_role": lambda e, w, a: set_member_role(e, w["p"].id, "outsider", "editor", author=a),
    "remove_member": lambda e, w, a: set_member_role(e, w["p"].id, "editor", None, author=a),
    "resolve_comment": lambda e, w, a: set_resolved(e, w["p"].id, w["comment"].id, author=a),
    "backup": lambda e, w, a: backup_partnership(e, w["p"].id, author=a),
}
#: Comment writes: scrutineers may, viewers may not.
COMMENTS = {
    "add_comment": lambda e, w, a: add_comment(e, w["p"].id, target_kind="prompt", target_key="intro.purpose", text="A question", author=a),
    "reply": lambda e, w, a: add_comment(
        e, w["p"].id, target_kind="prompt", target_key="intro.purpose", text="A reply", parent_id=w["comment"].id, author=a
    ),
}


def _prepared(engine, world, name):
    """Operations that need a setup write do it first, so the snapshot is taken after it."""
    if name == "restore_answer":
        save_answer(engine, world["p"].id, "intro.purpose", "Second", expected_version=1, author=SYSTEM)
        from strategy.answers.operations import answer_history

        first = answer_history(engine, world["p"].id, "intro.purpose")[-1].id
        return lambda e, w, a: restore_answer(e, w["p"].id, first, author=a)
    if name == "move_row":
        restore_row(engine, world["p"].id, world["rows"][1].id, author=SYSTEM)
        return lambda e, w, a: move_row(e, w["p"].id, w["rows"][0].id, 1, author=a)
    return WRITES[name]


@pytest.mark.parametrize("operation", sorted(WRITES))
def test_every_write_refuses_a_scrutineer_a_viewer_and_a_non_member_and_changes_nothing(engine, world, operation):
    op = _prepared(engine, world, operation)
    before = snapshot(engine)
    for role in ("scrutineer", "viewer", "outsider"):
        with pytest.raises(NotAllowed) as refused:
            op(engine, world, world[role])
        assert refused.value.message, role  # a plain sentence, shown as it is
        assert snapshot(engine) == before, f"{operation} by a {role} changed what was stored"


@pytest.mark.parametrize("operation", sorted(WRITES))
def test_every_write_is_allowed_for_an_owner(engine, world, operation):
    op = _prepared(engine, world, operation)
    op(engine, world, world["owner"])


@pytest.mark.parametrize(
    "operation",
    sorted(set(WRITES) - {"update_partnership", "rename_partnership", "set_archived", "set_member_role", "remove_member", "backup"}),
)
def test_editors_write_content_but_do_not_manage(engine, world, operation):
    _prepared(engine, world, operation)(engine, world, world["editor"])


@pytest.mark.parametrize("operation", ["update_partnership", "set_member_role", "backup"])
def test_editors_cannot_manage_the_partnership(engine, world, operation):
    before = snapshot(engine)
    with pytest.raises(NotAllowed, match="Only the partnership's owners"):
        WRITES[operation](engine, world, world["editor"])
    assert snapshot(engine) == before


@pytest.mark.parametrize("operation", sorted(COMMENTS))
def test_scrutineers_comment_and_viewers_cannot(engine, world, operation):
    COMMENTS[operation](engine, world, world["scrutineer"])
    before = snapshot(engine)
    with pytest.raises(NotAllowed, match="can read but not comment"):
        COMMENTS[operation](engine, world, world["viewer"])
    assert snapshot(engine) == before


def test_the_scrutineer_message_says_what_their_role_allows(engine, world):
    with pytest.raises(NotAllowed, match=r"\(scrutineer\) can read and comment but not change anything"):
        WRITES["save_answer"](engine, world, world["scrutineer"])


def test_someone_removed_loses_access_at_the_next_write(engine, world):
    WRITES["save_answer"](engine, world, world["editor"])
    set_member_role(engine, world["p"].id, "editor", None, author=world["owner"])
    with pytest.raises(NotAllowed, match="no longer a member"):
        save_answer(engine, world["p"].id, "intro.purpose", "Again", expected_version=2, author=world["editor"])
    assert world["p"].id not in visible_partnership_ids(engine, world["editor"])


def test_a_disabled_account_is_refused_at_once(engine, world):
    set_disabled(engine, "editor", True, author=SYSTEM)
    with pytest.raises(NotAllowed, match="disabled"):
        WRITES["add_row"](engine, world, world["editor"])
    assert role_in(engine, world["editor"], world["p"].id) is None


def test_roles_and_what_each_may_do(engine, world):
    pid = world["p"].id
    assert [role_in(engine, world[r], pid) for r in ("owner", "editor", "scrutineer", "viewer", "outsider")] == [
        "owner",
        "editor",
        "scrutineer",
        "viewer",
        None,
    ]
    assert can(engine, world["scrutineer"], pid, "read") and can(engine, world["scrutineer"], pid, "comment")
    assert not can(engine, world["scrutineer"], pid, "edit")
    assert visible_partnership_ids(engine, world["outsider"]) == set()
    assert visible_partnership_ids(engine, SYSTEM) is None  # the command line sees everything


def test_an_administrator_can_do_everything(engine, world):
    admin = member(engine, None, None, "admin", is_admin=True)
    WRITES["update_partnership"](engine, world, admin)
    WRITES["save_answer"](engine, world, admin)


def test_the_creator_of_a_partnership_becomes_its_owner(engine):
    person = member(engine, None, None, "starter")
    p = create_partnership(engine, name="Vale", nation="wales", author=person)
    assert role_in(engine, person, p.id) == "owner"


def test_the_last_owner_cannot_be_removed(engine, world):
    from strategy.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="only owner"):
        set_member_role(engine, world["p"].id, "owner", "editor", author=world["owner"])
