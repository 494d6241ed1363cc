"""One engine per process and URL; the schema upgraded by Alembic on start; SQLite tuned for
several writers at once (ENGINEERING.md: busy timeout, BEGIN IMMEDIATE, foreign keys on)."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
from sqlmodel import Session, create_engine

from strategy.core.errors import StorageError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000

_engines: dict[str, Engine] = {}
#: SQLite takes one writer at a time; writers in this process queue here, in turn, instead of
#: polling SQLite's busy handler (which, with 30 writers, let a few wait past the busy timeout).
_sqlite_write_locks: dict[str, FairLock] = {}
_prepared: set[str] = set()
_lock = threading.Lock()


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another database or an in-memory one."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _marker(path: Path) -> Path:
    # Written next to the database the first time it is created, so a vanished file is noticed.
    return path.with_name(path.name + ".created")


def _build_engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            # The driver must not open transactions itself: we emit BEGIN (IMMEDIATE) below.
            dbapi_connection.isolation_level = None
            cur = dbapi_connection.cursor()
            cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys = ON")
            try:
                cur.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError:
                pass  # read-only file: reads still work; writes are refused with a message
            # In WAL mode, NORMAL syncs at checkpoints rather than on every commit: a crash or restart
            # of the app (or the server process) loses nothing committed, and the database cannot be
            # corrupted; only a power cut can lose the last moments of saves. It takes a save from
            # ~13 ms to ~5 ms, so thirty people saving at a workshop do not queue behind the disk.
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            # A write transaction takes the write lock at once, so read-then-write never
            # fails with "database is locked" halfway (it waits for the busy timeout instead).
            if conn.get_execution_options().get("sqlite_write"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine
    # A workshop is many sessions in one server process: enough connections that 30 people saving
    # at once wait for each other's row locks, not for the pool (benchmarks/bench_workshop.py).
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=40, pool_timeout=60)


class FairLock:
    """A re-entrant lock taken in the order asked for. SQLite has one writer at a time, so saves
    queue here; ``threading.RLock`` wakes waiters in no set order, and at a workshop of thirty some
    saves waited many turns (p95 ten times the median). First come, first served keeps the wait of
    each save to the queue ahead of it."""

    def __init__(self) -> None:
        self._turns = threading.Condition(threading.Lock())
        self._waiting: deque[object] = deque()
        self._owner: int | None = None
        self._depth = 0

    def acquire(self) -> None:
        me = threading.get_ident()
        with self._turns:
            if self._owner == me:
                self._depth += 1
                return
            ticket = object()
            self._waiting.append(ticket)
            while self._owner is not None or self._waiting[0] is not ticket:
                self._turns.wait()
            self._waiting.popleft()
            self._owner, self._depth = me, 1

    def release(self) -> None:
        with self._turns:
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._turns.notify_all()


def get_engine(url: str) -> Engine:
    """The process's engine for this URL (created once)."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = _build_engine(url)
        return engine


def dispose_engine(url: str) -> None:
    with _lock:
        engine = _engines.pop(url, None)
        _prepared.discard(url)
    if engine is not None:
        engine.dispose()


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    if head is None:
        raise RuntimeError(f"No database migrations were found in {MIGRATIONS_DIR}.")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return make_url(url).render_as_string(hide_password=True)


def _open_read_only(url: str, path: Path) -> Engine:
    """A database file this account may read but not write (an archived copy, a file kept read-only on
    purpose): opened in SQLite's read-only mode, so everything can be read and listed and any save is
    refused with a message. Refused at once when its schema would need upgrading (that is a write)."""
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    engine = _build_engine(read_only)
    try:
        current = current_revision(engine)
    except (DatabaseError, OperationalError) as exc:
        engine.dispose()
        raise _storage_error(url, exc) from exc
    if current != ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head():
        engine.dispose()
        raise StorageError(
            f"The database {path} is read-only, and this version of the workbook needs to update it before it can be "
            "used. Ask whoever runs the workbook to give it write access; nothing has been changed."
        )
    with _lock:
        _engines[url] = engine
        _prepared.add(url)
    return engine


def prepare_database(url: str) -> Engine:
    """Check the database is usable and bring its schema up to date. Raises StorageError with a
    message that says what to do; never creates an empty database where one has vanished."""
    if url in _prepared:
        return get_engine(url)
    path = sqlite_path(url)
    if path is not None:
        if not path.exists():
            if _marker(path).exists():
                raise StorageError(
                    f"The workbook's database {path} was in use before but is missing now. "
                    "Restore it from your backup or point DATABASE_URL at where it is. "
                    f"To start again with an empty workbook on purpose, delete {_marker(path)}."
                )
            if not path.parent.exists():
                raise StorageError(f"The folder for the database, {path.parent}, does not exist. Create it or change DATABASE_URL.")
            _create_private(path)
        elif path.is_dir():
            raise StorageError(f"{path} is a folder, not a database file. Change DATABASE_URL.")
        elif not os.access(path, os.W_OK):
            return _open_read_only(url, path)
    engine = get_engine(url)
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    try:
        current = current_revision(engine)
    except (DatabaseError, OperationalError) as exc:
        raise _storage_error(url, exc) from exc
    if current is not None and not _known_revision(script, current):
        raise StorageError(
            f"This database ({describe_url(url)}) was written by a newer version of the workbook "
            f"(schema {current}). Update the workbook before opening it; it has not been changed."
        )
    if current is None and path is not None and _marker(path).exists():
        raise StorageError(
            f"The workbook's database {path} was in use before but is empty now (it may have been "
            "overwritten or truncated). Restore it from your backup or point DATABASE_URL at where it is. "
            f"To start again with an empty workbook on purpose, delete {_marker(path)}."
        )
    if current is None and _has_foreign_tables(engine):
        raise StorageError(
            f"{describe_url(url)} holds tables that are not the workbook's. Point DATABASE_URL at an empty database or the workbook's own."
        )
    if current != script.get_current_head():
        try:
            command.upgrade(_alembic_config(engine), "head")
        except (DatabaseError, OperationalError) as exc:
            raise _storage_error(url, exc) from exc
    if path is not None and not _marker(path).exists():
        _marker(path).write_text("This file marks that the workbook database next to it has been created.\n")
    if path is not None:
        _keep_private(path)
    _prepared.add(url)
    return engine


def _create_private(path: Path) -> None:
    """A new SQLite file readable by the server's user only (it holds password hashes); SQLite gives
    its -wal and -shm files the same permissions."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise StorageError(f"The database {path} could not be created ({exc.strerror}). Check the folder's permissions.") from exc


def _keep_private(path: Path) -> None:
    """Take away other users' access to a database (and its -wal/-shm files) that we own, as a file made
    by an older version may have it."""
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if each.exists() and each.stat().st_uid == os.getuid() and each.stat().st_mode & 0o077:
                each.chmod(each.stat().st_mode & 0o700)
        except OSError:
            pass  # someone else's file: the server's operator decides


def _known_revision(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown revision
        return False


def _has_foreign_tables(engine: Engine) -> bool:
    names = set(inspect(engine).get_table_names())
    return bool(names - {"alembic_version"})


def _storage_error(url: str, exc: Exception) -> StorageError:
    text = str(getattr(exc, "orig", exc)).lower()
    where = describe_url(url)
    if "not a database" in text or "malformed" in text:
        return StorageError(
            f"{where} is not a workbook database (it may be damaged or another kind of file). "
            "Restore it from a backup or change DATABASE_URL."
        )
    if "readonly" in text or "read-only" in text:
        return StorageError(
            f"The database {where} is read-only, so nothing could be saved. Ask whoever runs the workbook to give it write access."
        )
    if "locked" in text:
        return StorageError("The database is busy with another save. Please try again in a moment; nothing was lost.")
    if "connection" in text or "could not connect" in text or "server" in text:
        return StorageError(f"The database at {where} cannot be reached. Check it is running; nothing typed here was saved yet.")
    return StorageError(f"The database {where} could not be used: {getattr(exc, 'orig', exc)}")


@contextmanager
def read_session(engine: Engine, *, session: Session | None = None) -> Iterator[Session]:
    """A session for reading; inside a caller's transaction (``session``) it is that session."""
    if session is not None:
        yield session
        return
    try:
        with Session(engine, expire_on_commit=False) as fresh:
            yield fresh
    except (DatabaseError, OperationalError) as exc:
        raise _storage_error(str(engine.url.render_as_string(hide_password=False)), exc) from exc


@contextmanager
def write_session(engine: Engine, *, session: Session | None = None) -> Iterator[Session]:
    """One transaction that commits on success and leaves nothing behind on any error.

    Given ``session`` (a caller's transaction, from an outer ``write_session``), it joins that
    transaction instead: nothing is committed here, so several writes succeed or fail together."""
    if session is not None:
        yield session
        return
    sqlite = engine.dialect.name == "sqlite"
    bind = engine.execution_options(sqlite_write=True) if sqlite else engine
    queue = _sqlite_write_locks.setdefault(str(engine.url), FairLock()) if sqlite else None
    try:
        if queue is not None:
            queue.acquire()
        with Session(bind, expire_on_commit=False) as fresh:
            with fresh.begin():
                yield fresh
    except IntegrityError:
        raise  # a duplicate or a lost race: the caller knows what it means and says so
    except (DatabaseError, OperationalError) as exc:
        raise _storage_error(str(engine.url.render_as_string(hide_password=False)), exc) from exc
    finally:
        if queue is not None:
            queue.release()
