"""Migrated template databases, built once per test process (each xdist worker has its own) and
copied for every test that wants a workbook database: a file copy on SQLite, ``CREATE DATABASE ...
TEMPLATE`` on PostgreSQL. A second template holds the demo partnership (``ensure_demo`` run once).

Tests that need a database nobody has migrated yet (migrations, refusals of foreign or damaged
databases) keep using ``db_url`` / ``postgres_url``, which stay fresh and empty."""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from strategy.core.db import dispose_engine, prepare_database

#: Every PostgreSQL database these tests make starts so, then a short hash of the host and the pid
#: of the test process: leftovers of a crashed run are recognised as ours and dropped.
PREFIX = "wbt_"
_HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]
#: DROP DATABASE waits for a checkpoint (about 3 s each on a busy two-core machine, one after another);
#: drops sent together on connections of their own share one, so a test process drops up to this many
#: at once. Sent one at a time, a run's 400-odd copies per process fell minutes behind the tests.
DROPS_AT_ONCE = 8


def _sqlite_files(path: Path) -> list[Path]:
    """The database file and what prepare_database looks for beside it (the marker; a WAL if one is left)."""
    names = [path.name, path.name + ".created", path.name + "-wal"]
    return [path.with_name(n) for n in names if path.with_name(n).exists()]


def copy_sqlite(source: Path, dest: Path) -> str:
    """Copy a closed SQLite workbook (and its marker) to ``dest``; returns the copy's URL."""
    for f in _sqlite_files(source):
        shutil.copyfile(f, dest.with_name(dest.name + f.name[len(source.name) :]))
    return f"sqlite:///{dest}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Templates:
    """One per test process: templates are made on first use, so a process that only runs SQLite
    tests never touches PostgreSQL."""

    def __init__(self, folder: Path, postgres_url: str):
        self.folder = folder
        self.postgres_url = postgres_url
        self._sqlite: dict[bool, Path] = {}
        self._pg: dict[bool, str] = {}
        self.demo_ids: dict[tuple[str, bool], int] = {}
        self._docx: dict[object, bytes] = {}
        self._once: dict[object, object] = {}
        self._admin = None
        self._tag = f"{PREFIX}{_HOST}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self._count = 0
        #: Databases to drop, dropped by a thread of their own (several at once, see DROPS_AT_ONCE):
        #: DROP DATABASE waits for a checkpoint, which on a busy server takes seconds that no test needs
        #: to wait for.
        self._to_drop: queue.Queue[str | None] = queue.Queue()
        self._dropper: threading.Thread | None = None

    # --- SQLite -------------------------------------------------------------------------------------

    def _sqlite_template(self, demo: bool) -> Path:
        if demo not in self._sqlite:
            folder = self.folder / ("sqlite-demo" if demo else "sqlite")
            folder.mkdir()
            path = folder / "workbook.sqlite3"
            url = copy_sqlite(self._sqlite_template(False), path) if demo else f"sqlite:///{path}"
            try:
                engine = prepare_database(url)
                if demo:
                    from strategy.demo import ensure_demo

                    self.demo_ids[("sqlite", True)] = ensure_demo(engine)
            finally:
                dispose_engine(url)  # the last connection closing folds the WAL back into the file
            self._sqlite[demo] = path
        return self._sqlite[demo]

    def sqlite(self, dest: Path, *, demo: bool = False) -> str:
        """A migrated workbook (with the demo partnership if ``demo``) at ``dest``; its URL."""
        return copy_sqlite(self._sqlite_template(demo), dest)

    def demo_id(self, kind: str) -> int:
        if kind == "sqlite":
            self._sqlite_template(True)
        else:
            self._pg_template(True)
        return self.demo_ids[(kind, True)]

    def once(self, key, make):
        """``make()``'s result, made the first time ``key`` is asked for in this process: one expensive
        export shared by tests that only read it."""
        if key not in self._once:
            self._once[key] = make()
        return self._once[key]

    def demo_docx(self, now) -> bytes:
        """The demo's Word draft, charts drawn, as ``export_docx(engine, demo, now=now)`` makes it on a
        copy of the demo's SQLite database; exported once per ``now`` (several modules read the same one)."""
        if now not in self._docx:
            from strategy.documents.draft import export_docx

            url = self.sqlite(self.folder / f"docx-{len(self._docx)}.sqlite3", demo=True)
            try:
                self._docx[now] = export_docx(prepare_database(url), self.demo_id("sqlite"), now=now)
            finally:
                dispose_engine(url)
        return self._docx[now]

    # --- PostgreSQL ---------------------------------------------------------------------------------

    def _url_of(self, database: str) -> str:
        return make_url(self.postgres_url).set(database=database).render_as_string(hide_password=False)

    def admin(self):
        if self._admin is None:
            self._admin = create_engine(self.postgres_url, isolation_level="AUTOCOMMIT")
            self._drop_leftovers()
        return self._admin

    def _drop_leftovers(self) -> None:
        """Drop databases of earlier runs on this host whose test process has gone (crashed or killed)."""
        with self._admin.connect() as conn:
            names = conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :p"), {"p": f"{PREFIX}{_HOST}_%"}).scalars().all()
        gone = [n for n in names if len(parts := n.split("_")) >= 3 and parts[2].isdigit() and not _pid_alive(int(parts[2]))]
        self._drop_together(gone)

    def _drop(self, name: str) -> None:
        try:
            with self.admin().connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        except Exception:  # noqa: BLE001 - another process may be dropping it too; a leftover goes next run
            pass

    def _drop_together(self, names: list[str]) -> None:
        """Drop ``names``, up to DROPS_AT_ONCE at a time, so that they wait for the same checkpoints."""
        if names:
            with ThreadPoolExecutor(max_workers=min(DROPS_AT_ONCE, len(names)), thread_name_prefix="drop") as pool:
                list(pool.map(self._drop, names))

    def _create(self, template: str | None) -> str:
        self._count += 1
        name = f"{self._tag}_{self._count}"
        with self.admin().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
            # A test database is thrown away after the test: its commits need not wait for the disk.
            conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        return name

    def _pg_template(self, demo: bool) -> str:
        if demo not in self._pg:
            name = self._create(self._pg_template(False) if demo else None)
            url = self._url_of(name)
            try:
                engine = prepare_database(url)
                if demo:
                    from strategy.demo import ensure_demo

                    self.demo_ids[("postgresql", True)] = ensure_demo(engine)
            finally:
                dispose_engine(url)  # CREATE DATABASE ... TEMPLATE needs nobody connected to the template
            self._pg[demo] = name
        return self._pg[demo]

    def postgres(self, *, demo: bool = False) -> str:
        """The URL of a new database copied from the migrated template (with the demo if ``demo``)."""
        return self._url_of(self._create(self._pg_template(demo)))

    def drop_postgres(self, url: str) -> None:
        """Close this process's connections to a copy now; drop the database in the background."""
        dispose_engine(url)
        name = make_url(url).database
        assert name.startswith(self._tag)
        if self._dropper is None:
            self._dropper = threading.Thread(target=self._drop_queued, name="drop test databases", daemon=True)
            self._dropper.start()
        self._to_drop.put(name)

    def _drop_queued(self) -> None:
        """Wait for a name, then drop it with everything queued meanwhile, together; until ``None``."""
        finished = False
        while not finished:
            names = [self._to_drop.get()]
            while True:
                try:
                    names.append(self._to_drop.get_nowait())
                except queue.Empty:
                    break
            finished = None in names
            self._drop_together([n for n in names if n is not None])

    def close(self) -> None:
        if self._dropper is not None:
            self._to_drop.put(None)
            self._dropper.join()
            self._dropper = None
        if self._admin is None:
            return
        self._drop_together(list(self._pg.values()))
        self._admin.dispose()
        self._admin = None
