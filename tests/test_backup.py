"""Backup and restore: a whole partnership to a versioned JSON file and back, exactly."""

from __future__ import annotations

import json

import pytest

from strategy.answers.comments import add_comment, set_resolved
from strategy.answers.operations import add_row, delete_row
from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database
from strategy.core.errors import InvalidInput
from strategy.people.backup import FORMAT_VERSION, backup_json, backup_partnership, partnership_tables, read_backup, restore_partnership
from strategy.people.partnerships import find_partnership, list_partnerships
from tests.people_support import snapshot

SYSTEM = Author(name="Workbook")


def _content(backup: dict) -> dict:
    return {k: v for k, v in backup.items() if k != "exported_at"}


@pytest.fixture
def demo(engine, demo_id):
    pid = demo_id
    rows = add_row(engine, pid, "vision.steering_group", {"name": "Removed member"}, author=SYSTEM)
    delete_row(engine, pid, rows.id, author=SYSTEM)
    first = add_comment(engine, pid, target_kind="item", target_key=rows.id, text="Why was this removed? <b>", author=SYSTEM)
    add_comment(engine, pid, target_kind="item", target_key=rows.id, text="Left the area", parent_id=first.id, author=SYSTEM)
    set_resolved(engine, pid, first.id, author=SYSTEM)
    return pid


@pytest.fixture
def fresh(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    yield prepare_database(url)
    dispose_engine(url)


def test_backup_restore_into_a_fresh_database_and_backup_again_is_the_same(engine, demo, fresh):
    first = backup_partnership(engine, demo)
    assert first["format_version"] == FORMAT_VERSION
    assert {"answer", "item", "revision", "comment"} <= set(first["tables"])
    assert len(first["tables"]["revision"]) > 50
    new_id = restore_partnership(fresh, json.loads(json.dumps(first)))
    again = backup_partnership(fresh, new_id)
    assert _content(again) == _content(first)
    # The comment on a removed row still points at that row after the ids changed.
    item_comment = next(c for c in again["tables"]["comment"] if c["parent_id"] is None and c["target_kind"] == "item")
    assert any(i["id"] == int(item_comment["target_key"]) and i["deleted_at"] for i in again["tables"]["item"])


def test_sqlite_to_postgresql_round_trip(sqlite_engine, sqlite_demo_id, postgres_url):
    pid = sqlite_demo_id
    first = backup_partnership(sqlite_engine, pid)
    pg = prepare_database(postgres_url)
    new_id = restore_partnership(pg, first)
    assert _content(backup_partnership(pg, new_id)) == _content(first)


def test_a_restore_never_overwrites_an_existing_partnership(engine, demo):
    data = backup_partnership(engine, demo)
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="already exists, and a restore never overwrites one"):
        restore_partnership(engine, data)
    assert snapshot(engine) == before
    copy = restore_partnership(engine, data, new_name="Demo partnership (restored)")
    assert find_partnership(engine, "demo partnership (RESTORED)").id == copy
    assert len(list_partnerships(engine)) == 2


def test_every_table_with_a_partnership_id_is_backed_up_except_memberships_the_audit_log_and_survey_links():
    from sqlmodel import SQLModel

    with_pid = {t.name for t in SQLModel.metadata.sorted_tables if "partnership_id" in t.c}
    assert {t.name for t in partnership_tables()} == with_pid - {"membership", "auditevent", "survey_link"}


@pytest.mark.parametrize(
    "text, message",
    [
        (b"", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b'{"format": "something else"}', "not the workbook's"),
        (
            json.dumps({"format": "csa-strategy-workbook-backup", "format_version": 99, "partnership": {}, "tables": {}}).encode(),
            "format version 99",
        ),
        (
            json.dumps(
                {"format": "csa-strategy-workbook-backup", "format_version": 1, "partnership": {"name": "X"}, "tables": {"spaceship": []}}
            ).encode(),
            "does not know",
        ),
    ],
)
def test_a_file_that_is_not_a_backup_is_refused(text, message):
    with pytest.raises(InvalidInput, match=message):
        read_backup(text)


def test_a_damaged_row_restores_nothing(engine, demo, fresh):
    data = backup_partnership(engine, demo)
    data["tables"]["revision"][5]["created_at"] = "31/02/2026"
    with pytest.raises(InvalidInput, match="revision row 6, column .created_at. should be a date"):
        restore_partnership(fresh, data)
    assert list_partnerships(fresh) == []


def test_backup_json_is_readable_text(engine, demo):
    text = backup_json(engine, demo)
    assert "Why was this removed? <b>" in text  # as typed, not escaped away
    assert read_backup(text.encode())["partnership"]["name"] == "Demo partnership"


def test_restores_refused_or_not_are_recorded_in_the_audit_log(engine, demo):
    from strategy.core.audit_log import sign_in_events
    from strategy.core.authors import Author
    from strategy.core.errors import NotAllowed
    from tests.people_support import member

    data = backup_partnership(engine, demo)
    viewer = member(engine, demo, "viewer", "vera")
    with pytest.raises(NotAllowed, match="Only an administrator"):
        restore_partnership(engine, data, new_name="Copy", author=viewer)
    bad = json.loads(json.dumps(data))
    bad["tables"]["answer"][0]["value"] = "\x00"
    with pytest.raises(InvalidInput, match="control character"):
        restore_partnership(engine, bad, new_name="Copy", author=Author(name="Workbook"))
    refused = [e for e in sign_in_events(engine) if e.action == "restore_refused"]
    assert [e.actor for e in refused] == ["Workbook", "Vera (Harbourshire Council)"]
    assert "control character" in refused[0].detail and "Only an administrator" in refused[1].detail
    restore_partnership(engine, data, new_name="Copy", author=Author(name="Workbook"))
