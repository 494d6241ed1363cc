"""Hardening a security reviewer checks: no tracebacks for people (a reference to quote, the details in
the server's log), Streamlit's own table download off, the SQLite file private to the server's user."""

from __future__ import annotations

import re
import stat
import tomllib

from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

import tests.test_app as app_tests
from strategy.core.db import dispose_engine, prepare_database
from strategy.ui.state import PARTNERSHIP_KEY
from tests.people_support import sign_in_as
from tests.test_app import APP, ROOT

url, engine = app_tests.url, app_tests.engine


def test_streamlit_is_configured_to_show_no_error_details_and_no_table_download():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # Each option exists in the Streamlit this workbook runs on (an unknown one would be ignored).
    for section, values in settings.items():
        for key in values:
            assert f"{section}.{key}" in streamlit_config._config_options_template, f"{section}.{key} is not a Streamlit option"
    assert settings["client"]["showErrorDetails"] == "none"
    assert settings["client"]["disableDataExport"] is True
    assert settings["client"]["showErrorLinks"] is False
    assert settings["server"]["enableXsrfProtection"] is True


def test_a_fault_in_a_page_shows_a_reference_and_logs_the_details(engine, sqlite_demo_id, monkeypatch, capfd):
    from strategy.people import accounts

    def broken(*args, **kwargs):
        raise RuntimeError("boom in /srv/secret/path/models.py")

    monkeypatch.setattr(accounts, "list_members", broken)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[PARTNERSHIP_KEY] = str(sqlite_demo_id)
    sign_in_as(at)
    at.run()
    at.switch_page("views/members.py").run()
    assert not at.exception, "a traceback reached the page"
    shown = " ".join(e.value for e in at.error)
    found = re.search(r"reference ([0-9A-F]{8})", shown)
    assert found, shown
    assert "/srv/secret" not in shown and "RuntimeError" not in shown
    log = capfd.readouterr().err
    assert f"Error {found.group(1)}" in log and "boom in /srv/secret/path/models.py" in log and "Traceback" in log


def test_a_new_sqlite_database_is_readable_by_the_servers_user_only(tmp_path):
    path = tmp_path / "workbook.sqlite3"
    new = f"sqlite:///{path}"
    try:
        prepare_database(new)
    finally:
        dispose_engine(new)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_older_database_readable_by_everyone_is_made_private(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = f"sqlite:///{path}"
    try:
        prepare_database(old)
    finally:
        dispose_engine(old)
    path.chmod(0o644)
    try:
        prepare_database(old)
    finally:
        dispose_engine(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
