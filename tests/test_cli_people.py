"""The command line for accounts, backup and restore, run as a separate process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.test_cli import ROOT, one_line_error, run


def run_in(database_url: str, stdin: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "strategy", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def test_users_add_list_set_role_and_disable(tmp_path):
    url = f"sqlite:///{tmp_path / 'workbook.sqlite3'}"
    assert run(url, "create", "Harbourshire", "--nation", "england").returncode == 0
    added = run_in(
        url, "a long enough password\n", "users", "add", "Sam.Patel", "--name", "Sam Patel", "--agency", "Council", "--password-stdin"
    )
    assert (added.returncode, added.stdout.strip()) == (0, "Created account 'sam.patel'."), added.stderr
    assert (
        run_in(url, "", "users", "add", "rae", "--name", "Dr Rae Scrutton", "--email", "rae@scrutiny.org.uk", "--sso-only").returncode == 0
    )
    role = run(url, "users", "set-role", "rae", "harbourshire", "scrutineer")
    assert role.stdout.strip() == "'rae' is now scrutineer of 'Harbourshire'."
    listed = run(url, "users", "list").stdout.splitlines()
    assert listed[0].split("\t")[:3] == ["rae", "Dr Rae Scrutton", ""]
    assert listed[0].endswith("Harbourshire: scrutineer")
    assert listed[1].startswith("sam.patel\tSam Patel\tCouncil")
    assert run(url, "users", "disable", "rae").stdout.strip() == "'rae' is disabled."
    assert "disabled" in run(url, "users", "list").stdout.splitlines()[0]

    assert "at least 12 characters" in one_line_error(run_in(url, "short\n", "users", "add", "x1", "--name", "X", "--password-stdin"))
    assert "already exists" in one_line_error(run_in(url, "", "users", "add", "SAM.PATEL", "--name", "S", "--sso-only"))
    assert "No account is called 'nobody'" in one_line_error(run(url, "users", "disable", "nobody"))


def test_backup_and_restore_from_the_command_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'workbook.sqlite3'}"
    assert run(url, "demo").returncode == 0
    out = tmp_path / "demo.json"
    backed = run(url, "backup", "demo partnership", "--out", str(out))
    assert backed.returncode == 0, backed.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "csa-strategy-workbook-backup" and data["tables"]["answer"]

    refused = one_line_error(run(url, "restore", str(out)))
    assert "already exists, and a restore never overwrites one" in refused
    restored = run(url, "restore", str(out), "--as", "Demo copy")
    assert restored.stdout.strip() == "Restored 'Demo copy'."
    assert run(url, "list").stdout.splitlines() == ["Demo copy", "Demo partnership"]

    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert run(fresh, "restore", str(out)).returncode == 0
    again = tmp_path / "again.json"
    assert run(fresh, "backup", "Demo partnership", "--out", str(again)).returncode == 0
    first, second = (json.loads(p.read_text(encoding="utf-8")) for p in (out, again))
    first.pop("exported_at"), second.pop("exported_at")
    assert first == second

    (tmp_path / "notes.json").write_text("meeting notes", encoding="utf-8")
    assert "not a workbook backup" in one_line_error(run(url, "restore", str(tmp_path / "notes.json")))


def test_first_run_setup_code_unlock_and_the_administrator_from_the_command_line(tmp_path):
    from strategy.core.db import prepare_database
    from strategy.people.accounts import create_first_admin

    url = f"sqlite:///{tmp_path / 'workbook.sqlite3'}"
    made = run(url, "users", "setup-code")
    assert made.returncode == 0, made.stderr
    code = made.stdout.strip().split(": ")[1].split(" ")[0]
    assert len(code) == 23 and code.count("-") == 3
    # The code from the command line is the one the first-run page takes.
    admin = create_first_admin(prepare_database(url), username="sam", display_name="Sam", password="purple kettle harbour", setup_code=code)
    assert admin.is_admin
    assert "already been created" in one_line_error(run(url, "users", "setup-code"))
    assert run(url, "users", "unlock", "sam").stdout.strip() == "'sam' can sign in again at once, from anywhere."


def test_users_add_admin_works_on_a_fresh_server_without_a_setup_code(tmp_path):
    url = f"sqlite:///{tmp_path / 'workbook.sqlite3'}"
    added = run_in(url, "purple kettle harbour\n", "users", "add", "sam", "--name", "Sam Patel", "--admin", "--password-stdin")
    assert (added.returncode, added.stdout.strip()) == (0, "Created account 'sam' (administrator)."), added.stderr
    weak = run_in(url, "password1234\n", "users", "add", "jo", "--name", "Jo", "--password-stdin")
    assert "list of common and breached passwords" in one_line_error(weak)
