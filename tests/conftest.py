"""Shared fixtures: a fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL is the server on 127.0.0.1:5432 (database ``test``, user ``postgres``), or
TEST_POSTGRES_URL. Each test gets its own schema, dropped afterwards. Outside CI a missing server
skips the PostgreSQL half; in CI (CI=true) it fails, so nothing is skipped there."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _postgres_available() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return str(exc).splitlines()[0]


@pytest.fixture(scope="session")
def postgres_reason():
    return _postgres_available()


def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'workbook.sqlite3'}"


@pytest.fixture
def postgres_url(postgres_reason):
    """A PostgreSQL URL whose search_path is a fresh schema of its own."""
    if postgres_reason:
        if IN_CI:
            pytest.fail(f"PostgreSQL is not reachable in CI: {postgres_reason}")
        pytest.skip(f"PostgreSQL not reachable: {postgres_reason}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    yield url
    dispose_engine(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The URL of a fresh, empty workbook database, once per kind of database."""
    if request.param == "sqlite":
        url = sqlite_url(tmp_path)
        yield url
        dispose_engine(url)
    else:
        yield request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(db_url):
    return prepare_database(db_url)


@pytest.fixture
def sqlite_engine(tmp_path):
    url = sqlite_url(tmp_path)
    yield prepare_database(url)
    dispose_engine(url)


@pytest.fixture
def author():
    return Author.make("Sam Patel", "Harbourshire Council")


@pytest.fixture
def other_author():
    return Author.make("Jo Evans", "Harbourshire Police")


@pytest.fixture
def partnership(engine):
    """An English partnership with nothing written yet, on each kind of database."""
    from strategy.people.partnerships import create_partnership

    return create_partnership(
        engine, name="Harbourshire Partnership", nation="england", areas="Harbourshire", period_start=2026, period_end=2029
    )


@pytest.fixture
def pg_engine(postgres_url):
    """PostgreSQL only: for races that SQLite's BEGIN IMMEDIATE rules out by serialising writers."""
    return prepare_database(postgres_url)


@pytest.fixture
def just_before():
    """``just_before(engine, "INSERT INTO answer", action)`` runs ``action()`` once, on another
    connection, at the moment this engine is about to send a matching statement: a race made
    deterministic. Removed after the test."""
    from sqlalchemy import event

    listeners = []

    def install(engine, statement_start: str, action):
        fired = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if not fired and statement.lstrip().upper().startswith(statement_start.upper()):
                fired.append(True)
                action()

        event.listen(engine, "before_cursor_execute", before)
        listeners.append((engine, before))
        return fired

    yield install
    for engine, fn in listeners:
        event.remove(engine, "before_cursor_execute", fn)
