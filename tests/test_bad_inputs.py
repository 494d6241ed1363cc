"""Bad input across accounts, roles, comments and backups (../shared/BAD_INPUTS.md): each case names
the input, the message a person sees, and proves that nothing stored changed (the audit log,
which records refused sign-ins, aside)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest

from strategy.answers.comments import add_comment
from strategy.answers.operations import add_row, delete_row, save_answer, update_cell
from strategy.core.authors import Author
from strategy.core.errors import InvalidInput, NotAllowed, NotFound, WorkbookError
from strategy.core.models import utcnow
from strategy.core.settings import Settings
from strategy.people.accounts import (
    change_password,
    create_account,
    create_first_admin,
    set_disabled,
    set_member_role,
    set_password,
    sign_in,
    unlock_sign_in,
)
from strategy.people.backup import backup_partnership, read_backup, restore_partnership
from strategy.people.partnerships import create_partnership
from tests.people_support import PASSWORD, first_admin, member, snapshot

SYSTEM = Author(name="Workbook")
SETTINGS = Settings(database_url="", sign_in_attempts=3, sign_in_delay_seconds=30)


@pytest.fixture
def w(engine):
    """A partnership with an answer, a row, a comment, an administrator and one member per role."""
    admin = first_admin(engine, username="admin", display_name="Ada Admin", password=PASSWORD)
    p = create_partnership(engine, name="Harbourshire Partnership", nation="england")
    other = create_partnership(engine, name="Vale", nation="wales")
    save_answer(engine, p.id, "intro.purpose", "Our purpose", expected_version=0, author=SYSTEM)
    row = add_row(engine, p.id, "vision.steering_group", {"name": "Chair"}, author=SYSTEM)
    comment = add_comment(engine, p.id, target_kind="prompt", target_key="intro.purpose", text="Agreed?", author=SYSTEM)
    elsewhere = add_comment(engine, other.id, target_kind="prompt", target_key="intro.purpose", text="Hm", author=SYSTEM)
    roles = {r: member(engine, p.id, r, r) for r in ("owner", "editor", "scrutineer", "viewer")}
    return {
        "engine": engine,
        "p": p,
        "row": row,
        "comment": comment,
        "elsewhere": elsewhere,
        "backup": backup_partnership(engine, p.id),
        "admin": admin,
        **roles,
    }


def _account(w, **changes):
    fields = dict(username="new.person", display_name="New Person", agency="Council", password=PASSWORD, author=SYSTEM)
    fields.update(changes)
    return create_account(w["engine"], **fields)


def _comment(w, text, **changes):
    fields = dict(target_kind="prompt", target_key="intro.purpose", text=text, author=SYSTEM)
    fields.update(changes)
    return add_comment(w["engine"], w["p"].id, **fields)


def _backup_bytes(w, mutate) -> bytes:
    data = json.loads(json.dumps(w["backup"]))
    mutate(data)
    return json.dumps(data).encode()


def _xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    return buf.getvalue()


def _locked_out(w):
    now = utcnow()
    for _ in range(3):
        with pytest.raises(NotAllowed):
            sign_in(w["engine"], "admin", "wrong password", now=now, settings=SETTINGS)
    return sign_in(w["engine"], "admin", PASSWORD, now=now + timedelta(seconds=5), settings=SETTINGS)


def _unknown_locked_out(w):
    now = utcnow()
    for _ in range(3):
        with pytest.raises(NotAllowed, match="do not match"):
            sign_in(w["engine"], "ghost", "wrong password", now=now, settings=SETTINGS)
    return sign_in(w["engine"], "ghost", PASSWORD, now=now + timedelta(seconds=5), settings=SETTINGS)


def _nested(depth: int) -> bytes:
    return ('{"format": "csa-strategy-workbook-backup", "format_version": 1, "x": ' + "[" * depth + "]" * depth + "}").encode()


def _restore(w, mutate, author=None):
    return restore_partnership(w["engine"], read_backup(_backup_bytes(w, mutate)), new_name="Copy", author=author or SYSTEM)


def _deep_list(depth: int) -> list:
    out: list = []
    for _ in range(depth):
        out = [out]
    return out


def _restore_dict(w, mutate):
    data = json.loads(json.dumps(w["backup"]))
    mutate(data)
    return restore_partnership(w["engine"], data, new_name="Copy", author=SYSTEM)


def _edit_deleted_row(w):
    delete_row(w["engine"], w["p"].id, w["row"].id, author=SYSTEM)
    before = snapshot(w["engine"])
    try:
        update_cell(w["engine"], w["p"].id, w["row"].id, "name", "Renamed", expected="Chair", author=w["editor"])
    finally:
        assert snapshot(w["engine"]) == before


CASES = {
    # Accounts: text
    "username empty": (lambda w: _account(w, username=""), InvalidInput, "cannot be empty or contain spaces"),
    "username only spaces": (lambda w: _account(w, username="   "), InvalidInput, "cannot be empty"),
    "username with an emoji": (lambda w: _account(w, username="sam🙂patel"), InvalidInput, "letters, digits"),
    "username 121 characters": (lambda w: _account(w, username="a" * 121), InvalidInput, "2 to 120"),
    "username <script>": (lambda w: _account(w, username="<script>alert(1)</script>"), InvalidInput, "letters, digits"),
    "username differing only in case and spaces": (lambda w: _account(w, username=" EDITOR "), InvalidInput, "'editor' already exists"),
    "name whitespace only": (lambda w: _account(w, display_name=" \u00a0 \t"), InvalidInput, "Please give your name"),
    "name 121 characters": (lambda w: _account(w, display_name="N" * 121), InvalidInput, "longer than 120"),
    "agency 201 characters": (lambda w: _account(w, agency="A" * 201), InvalidInput, "longer than 200"),
    "password 9 characters": (lambda w: _account(w, password="123456789"), InvalidInput, "at least 12"),
    "password 11 characters": (lambda w: _account(w, password="purplekettl"), InvalidInput, "at least 12"),
    "password 'password12'": (lambda w: _account(w, password="password12"), InvalidInput, "at least 12"),
    "password of ten spaces": (lambda w: _account(w, password=" " * 10), InvalidInput, "at least 12"),
    "password of twelve spaces": (lambda w: _account(w, password=" " * 12), InvalidInput, "list of common and breached"),
    "password on the deny list": (lambda w: _account(w, password="password1234"), InvalidInput, "list of common and breached"),
    "password a listed one with digits": (lambda w: _account(w, password="Sunshine2026!"), InvalidInput, "list of common and breached"),
    "password the username": (lambda w: _account(w, password="new.person2026"), InvalidInput, "list of common and breached"),
    "password with a control character": (lambda w: _account(w, password="good password\x07x"), InvalidInput, "control character"),
    "administrator resetting to a common password": (
        lambda w: set_password(w["engine"], "viewer", "qwertyuiop123", author=SYSTEM),
        InvalidInput,
        "list of common and breached",
    ),
    "changing your own password to a common one": (
        lambda w: change_password(w["engine"], w["admin"].id, PASSWORD, "iloveyouiloveyou", author=SYSTEM),
        InvalidInput,
        "list of common and breached",
    ),
    "password 1 MB paste": (lambda w: _account(w, password="p" * 1_048_576), InvalidInput, "longer than 1,000"),
    "password with a NUL character": (lambda w: _account(w, password="good password\x00"), InvalidInput, "control character"),
    "email without @": (lambda w: _account(w, email="sam.patel.gov.uk"), InvalidInput, "is not an email address"),
    "second first administrator": (
        lambda w: create_first_admin(w["engine"], username="mallory", display_name="M", password=PASSWORD, setup_code=""),
        NotAllowed,
        "already been created",
    ),
    # Signing in
    "sign-in with SQL-looking username": (
        lambda w: sign_in(w["engine"], "' OR 1=1 --", PASSWORD, settings=SETTINGS),
        NotAllowed,
        "do not match an account",
    ),
    "sign-in with an empty password": (
        lambda w: sign_in(w["engine"], "admin", "", settings=SETTINGS),
        NotAllowed,
        "do not match an account",
    ),
    "right password during the wait after 3 failures": (_locked_out, NotAllowed, "Too many failed sign-ins"),
    "unknown username after 3 failures": (_unknown_locked_out, NotAllowed, "Too many failed sign-ins"),
    "unknown username": (
        lambda w: sign_in(w["engine"], "no.such.person", PASSWORD, settings=SETTINGS),
        NotAllowed,
        "do not match an account",
    ),
    "sign-in with a 1 MB username": (
        lambda w: sign_in(w["engine"], "a" * 1_048_576, PASSWORD, settings=SETTINGS),
        NotAllowed,
        "do not match",
    ),
    "viewer unlocking a username": (
        lambda w: unlock_sign_in(w["engine"], "admin", author=w["viewer"]),
        NotAllowed,
        "Only an administrator",
    ),
    "owner resetting someone's password": (
        lambda w: set_password(w["engine"], "viewer", "purple kettle harbour", author=w["owner"]),
        NotAllowed,
        "Only an administrator",
    ),
    # Roles
    "role 'boss'": (lambda w: set_member_role(w["engine"], w["p"].id, "viewer", "boss", author=SYSTEM), InvalidInput, "not a role"),
    "role for an unknown account": (
        lambda w: set_member_role(w["engine"], w["p"].id, "nobody", "editor", author=SYSTEM),
        NotFound,
        "No account is called 'nobody'",
    ),
    "removing the only owner": (
        lambda w: set_member_role(w["engine"], w["p"].id, "owner", None, author=w["owner"]),
        InvalidInput,
        "only owner",
    ),
    "disabling the only administrator": (
        lambda w: set_disabled(w["engine"], "admin", True, author=SYSTEM),
        InvalidInput,
        "only administrator left",
    ),
    "scrutineer saving an answer": (
        lambda w: save_answer(w["engine"], w["p"].id, "intro.purpose", "Mine", expected_version=1, author=w["scrutineer"]),
        NotAllowed,
        "can read and comment but not change",
    ),
    "viewer commenting": (lambda w: _comment(w, "A view", author=w["viewer"]), NotAllowed, "can read but not comment"),
    "editor changing a role": (
        lambda w: set_member_role(w["engine"], w["p"].id, "viewer", "owner", author=w["editor"]),
        NotAllowed,
        "Only the partnership's owners",
    ),
    "editing a row someone has just deleted": (_edit_deleted_row, NotFound, "removed that row"),
    # Comments
    "comment empty": (lambda w: _comment(w, ""), InvalidInput, "The comment is empty"),
    "comment of spaces and newlines": (lambda w: _comment(w, " \r\n \u200b"), InvalidInput, "The comment is empty"),
    "comment of 5,001 characters": (lambda w: _comment(w, "x" * 5001), InvalidInput, "the most it can hold is 5,000"),
    "comment 1 MB paste": (lambda w: _comment(w, "x" * 1_048_576), InvalidInput, "the most it can hold is 5,000"),
    "reply to another partnership's comment": (
        lambda w: _comment(w, "Reply", parent_id=w["elsewhere"].id),
        NotFound,
        "replying to could not be found",
    ),
    "comment on a 'child' target": (lambda w: _comment(w, "x", target_kind="child"), InvalidInput, "can be on a prompt"),
    # Backup files
    "backup file 0 bytes": (lambda w: read_backup(b""), InvalidInput, "not valid JSON"),
    "backup file binary": (lambda w: read_backup(bytes(range(256))), InvalidInput, "not UTF-8"),
    "backup file an .xlsx renamed .json": (lambda w: read_backup(_xlsx_bytes()), InvalidInput, "not a workbook backup"),
    "backup file truncated": (lambda w: read_backup(json.dumps(w["backup"]).encode()[:500]), InvalidInput, "not valid JSON"),
    "backup from a newer version": (
        lambda w: read_backup(_backup_bytes(w, lambda d: d.update(format_version=2))),
        InvalidInput,
        "format version 2",
    ),
    "backup with a date 31/02/2026": (
        lambda w: _restore(w, lambda d: d["tables"]["answer"][0].update(updated_at="31/02/2026")),
        InvalidInput,
        "answer row 1, column 'updated_at' should be a date",
    ),
    "backup nested 100,000 deep": (lambda w: read_backup(_nested(100_000)), InvalidInput, "nested far deeper"),
    "backup row nested inside a value": (
        lambda w: _restore(w, lambda d: d["tables"]["answer"][0].update(value={"a": [[[[]]]]})),
        InvalidInput,
        "column 'value' should be text, not dict",
    ),
    "backup answer a number instead of text": (
        lambda w: _restore(w, lambda d: d["tables"]["answer"][0].update(value=42)),
        InvalidInput,
        "should be text, not int",
    ),
    "backup version as text": (
        lambda w: _restore(w, lambda d: d["tables"]["answer"][0].update(version="1")),
        InvalidInput,
        "column 'version' should be a number",
    ),
    "backup answer 2 MB": (
        lambda w: _restore(w, lambda d: d["tables"]["answer"][0].update(value="x" * 2_000_000)),
        InvalidInput,
        "the most it can hold is",
    ),
    "backup answer with a NUL character": (
        lambda w: _restore(w, lambda d: d["tables"]["answer"][0].update(value="Our\x00purpose")),
        InvalidInput,
        "invisible control character",
    ),
    "backup author name with a right-to-left override": (
        lambda w: _restore(w, lambda d: d["tables"]["answer"][0].update(updated_by_name="Ada \u202enimdA")),
        InvalidInput,
        "direction override",
    ),
    "backup partnership name with a right-to-left override": (
        lambda w: restore_partnership(
            w["engine"], read_backup(_backup_bytes(w, lambda d: d["partnership"].update(name="Vale \u202ecopy")))
        ),
        InvalidInput,
        "direction override",
    ),
    "backup nation 'scotland'": (
        lambda w: _restore(w, lambda d: d["partnership"].update(nation="scotland")),
        InvalidInput,
        "England or Wales",
    ),
    "backup comment replying to an unknown id": (
        lambda w: _restore(w, lambda d: d["tables"]["comment"][0].update(parent_id=999)),
        InvalidInput,
        "names comment 999, which is not in the backup",
    ),
    "backup row without an id": (
        lambda w: _restore(w, lambda d: d["tables"]["item"][0].pop("id")),
        InvalidInput,
        "item row 1 has no id",
    ),
    "backup two rows with the same id": (
        lambda w: _restore(w, lambda d: d["tables"]["answer"].append(dict(d["tables"]["answer"][0], prompt_id="intro.scope"))),
        InvalidInput,
        "same id as another row",
    ),
    "backup row with an unknown column": (
        lambda w: _restore(w, lambda d: d["tables"]["answer"][0].update(is_admin=True)),
        InvalidInput,
        "column this workbook does not know",
    ),
    "backup row naming another partnership": (
        lambda w: _restore(w, lambda d: d["tables"]["answer"][0].update(partnership_id=2)),
        InvalidInput,
        "column this workbook does not know",
    ),
    "backup as a dict straight to restore, unchecked by read_backup": (
        lambda w: _restore_dict(w, lambda d: d["tables"]["answer"][0].update(value="\x00")),
        InvalidInput,
        "invisible control character",
    ),
    "backup dict nested 100,000 deep straight to restore": (
        lambda w: _restore_dict(w, lambda d: d["tables"]["answer"][0].update(value=_deep_list(100_000))),
        InvalidInput,
        "nested far too deeply",
    ),
    "restore by an owner (not an administrator)": (
        lambda w: restore_partnership(w["engine"], w["backup"], new_name="Copy", author=w["owner"]),
        NotAllowed,
        "Only an administrator",
    ),
    "restore by a viewer": (
        lambda w: restore_partnership(w["engine"], w["backup"], new_name="Copy", author=w["viewer"]),
        NotAllowed,
        "Only an administrator",
    ),
    "restore onto the same name in capitals": (
        lambda w: restore_partnership(
            w["engine"], read_backup(_backup_bytes(w, lambda d: d["partnership"].update(name="HARBOURSHIRE  partnership")))
        ),
        InvalidInput,
        "a restore never overwrites one",
    ),
    "restore as a name of only spaces": (
        lambda w: restore_partnership(w["engine"], w["backup"], new_name="   "),
        InvalidInput,
        "cannot be empty or only spaces",
    ),
    "restore as a 121-character name": (
        lambda w: restore_partnership(w["engine"], w["backup"], new_name="R" * 121),
        InvalidInput,
        "keep it to 120",
    ),
    "restore by a disabled account": (
        lambda w: (
            set_disabled(w["engine"], "viewer", True, author=SYSTEM),
            restore_partnership(w["engine"], w["backup"], new_name="Copy", author=w["viewer"]),
        ),
        NotAllowed,
        "disabled",
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_is_refused_with_a_message_and_nothing_changes(w, case):
    run, kind, message = CASES[case]
    engine = w["engine"]
    before = snapshot(engine)
    with pytest.raises(kind, match=message) as refused:
        run(w)
    assert isinstance(refused.value, WorkbookError)
    after = snapshot(engine)
    if case in ("restore by a disabled account", "editing a row someone has just deleted"):
        # The setup step (disabling, deleting) is the only change; the refused operation added nothing.
        assert {k: v for k, v in after.items() if k not in ("account", "item", "revision")} == {
            k: v for k, v in before.items() if k not in ("account", "item", "revision")
        }
    elif case.startswith(("right password during", "sign-in with", "unknown username")):
        # Only the counts of failed sign-ins move (that is what imposes the wait).
        assert {k: v for k, v in after.items() if k != "sign_in_throttle"} == {k: v for k, v in before.items() if k != "sign_in_throttle"}
    else:
        assert after == before


def test_there_are_at_least_70_named_cases():
    assert len(CASES) >= 70
