"""Shared fixtures: a database of its own for every test, on SQLite and on PostgreSQL.

PostgreSQL is the server on 127.0.0.1:5432 (database ``test``, user ``postgres``), or
TEST_POSTGRES_URL. Outside CI a missing server skips the PostgreSQL half; in CI (CI=true) it fails,
so nothing is skipped there.

``engine`` (and ``sqlite_engine``, ``pg_engine``, ``demo_engine``) is a copy of a template migrated
once per test process (tests/db_support.py): a copied file on SQLite, a database made with
``CREATE DATABASE ... TEMPLATE`` on PostgreSQL, dropped afterwards. ``db_url`` and ``postgres_url``
stay fresh and empty (a new file; a new schema) for the tests of migrations and of first starts."""

from __future__ import annotations

import os
import threading
import uuid

import pytest
from sqlalchemy import create_engine, text

from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database
from tests.db_support import Templates

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
    _require_postgres(postgres_reason)
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


def _require_postgres(postgres_reason) -> None:
    if postgres_reason:
        if IN_CI:
            pytest.fail(f"PostgreSQL is not reachable in CI: {postgres_reason}")
        pytest.skip(f"PostgreSQL not reachable: {postgres_reason}")


@pytest.fixture(scope="session")
def db_templates(tmp_path_factory):
    """This process's migrated templates (and the demo's), made on first use."""
    templates = Templates(tmp_path_factory.mktemp("db-templates"), POSTGRES_URL)
    yield templates
    templates.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_kind(request):
    """Runs the test once per kind of database (``db_url``, ``engine``, ``demo_engine`` follow it)."""
    if request.param == "postgresql":
        _require_postgres(request.getfixturevalue("postgres_reason"))
    return request.param


@pytest.fixture
def db_url(db_kind, request, tmp_path):
    """The URL of a fresh, empty workbook database (nothing migrated), once per kind of database."""
    if db_kind == "sqlite":
        url = sqlite_url(tmp_path)
        yield url
        dispose_engine(url)
    else:
        yield request.getfixturevalue("postgres_url")


def _copy(db_templates, kind: str, tmp_path, *, demo: bool = False):
    """The URL of a migrated copy (with the demo if asked), and what removes it afterwards."""
    if kind == "sqlite":
        url = db_templates.sqlite(tmp_path / ("demo.sqlite3" if demo else "workbook.sqlite3"), demo=demo)
        return url, lambda: dispose_engine(url)
    url = db_templates.postgres(demo=demo)
    return url, lambda: db_templates.drop_postgres(url)


@pytest.fixture
def engine_url(db_kind, db_templates, tmp_path, request):
    """The URL of a workbook database of the test's own, migrated and empty, once per kind; when the
    test asks for ``demo_id`` too, a copy of a database holding the demo partnership instead
    (``ensure_demo`` run once per process, on a template). The test may change its copy."""
    if "db_url" in request.fixturenames:
        pytest.fail(
            "db_url is a fresh, unmigrated database, not engine's: a test that needs engine's URL asks for engine_url", pytrace=False
        )
    url, remove = _copy(db_templates, db_kind, tmp_path, demo="demo_id" in request.fixturenames)
    yield url
    remove()


@pytest.fixture
def engine(engine_url):
    return prepare_database(engine_url)


@pytest.fixture
def demo_id(db_kind, db_templates):
    """The demo partnership's id (what ``ensure_demo`` returned on the template). Asking for it makes
    ``engine`` a copy of the demo's database."""
    return db_templates.demo_id(db_kind)


@pytest.fixture
def sqlite_engine(db_templates, tmp_path, request):
    """SQLite only: a migrated database of the test's own; with ``sqlite_demo_id``, the demo's."""
    url, remove = _copy(db_templates, "sqlite", tmp_path, demo="sqlite_demo_id" in request.fixturenames)
    yield prepare_database(url)
    remove()


@pytest.fixture
def sqlite_demo_id(db_templates):
    """The demo partnership's id; asking for it makes ``sqlite_engine`` a copy of the demo's database."""
    return db_templates.demo_id("sqlite")


@pytest.fixture
def author():
    return Author.make("Sam Patel", "Harbourshire Council")


@pytest.fixture
def other_author():
    return Author.make("Jo Evans", "Harbourshire Police")


def new_partnership(engine):
    """What the ``partnership`` fixture makes, for a test that wants it beside the demo."""
    from strategy.people.partnerships import create_partnership

    return create_partnership(
        engine, name="Harbourshire Partnership", nation="england", areas="Harbourshire", period_start=2026, period_end=2029
    )


@pytest.fixture
def partnership(engine):
    """An English partnership with nothing written yet, on each kind of database."""
    return new_partnership(engine)


@pytest.fixture
def pg_engine(postgres_reason, db_templates, tmp_path, request):
    """PostgreSQL only (for races that SQLite's BEGIN IMMEDIATE rules out by serialising writers): a
    migrated database of the test's own; with ``pg_demo_id``, a copy of the demo's."""
    _require_postgres(postgres_reason)
    url, remove = _copy(db_templates, "postgresql", tmp_path, demo="pg_demo_id" in request.fixturenames)
    yield prepare_database(url)
    remove()


@pytest.fixture
def pg_demo_id(postgres_reason, db_templates):
    """The demo partnership's id; asking for it makes ``pg_engine`` a copy of the demo's database."""
    _require_postgres(postgres_reason)
    return db_templates.demo_id("postgresql")


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


@pytest.fixture(scope="session", autouse=True)
def charts_drawn_once(tmp_path_factory):
    """Each distinct chart is drawn once per test run: a chart (Kaleido and Chromium, a second or so
    each) is remembered by its drawing request in a folder every xdist worker shares, so the many
    exports of the same demo draw its charts once. Only pictures really drawn are remembered, and
    only with the real drawing script: tests that break or hang the drawing (monkeypatching
    ``_RENDER_SCRIPT``) still do."""
    import hashlib
    from concurrent.futures import Future

    from strategy.word import toolkit

    draw = toolkit.ChartDrawer.draw
    script = toolkit._RENDER_SCRIPT
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "charts-drawn"
    shared.mkdir(exist_ok=True)

    def remembered(self, spec: str) -> Future:
        if toolkit._RENDER_SCRIPT != script:
            return draw(self, spec)
        path = shared / f"{hashlib.sha256(spec.encode()).hexdigest()}.png"
        if path.exists():
            done: Future = Future()
            done.set_result(path.read_bytes())
            return done
        future = draw(self, spec)

        def keep(drawn: Future) -> None:
            png = drawn.result()
            if png is not None:
                part = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
                part.write_bytes(png)
                os.replace(part, path)  # whole or not at all, for the other workers

        future.add_done_callback(keep)
        return future

    warm = toolkit.ChartDrawer.warm

    def warm_if_drawing(self) -> None:
        if toolkit._RENDER_SCRIPT != script:  # a test of the drawing itself: start it as the product does
            warm(self)  # (with the real script, pictures remembered need no browser; one not yet drawn starts it)

    toolkit.ChartDrawer.draw = remembered
    toolkit.ChartDrawer.warm = warm_if_drawing
    yield
    toolkit.ChartDrawer.draw = draw
    toolkit.ChartDrawer.warm = warm


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashes():
    """argon2id at its lowest cost in the test process: the suite makes and signs in to accounts over
    a thousand times, at about 0.2 s a hash at the real cost. Hashes stay argon2id and carry their own
    parameters, so verifying works the same; the servers and commands the tests start as processes of
    their own use the real cost. Yields the real hasher, which test_accounts checks."""
    from argon2 import PasswordHasher

    from strategy.people import accounts

    real = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield real
    accounts._hasher = real
