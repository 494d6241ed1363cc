"""Storage: the database is created once, reopened safely, and every way it can be unusable
(vanished, emptied, not a database, read-only, from a newer version, someone else's) is a clear
StorageError that leaves what is stored untouched."""

from __future__ import annotations

import os
import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, func, text
from sqlmodel import select

from strategy.answers.operations import get_answer, get_answers, save_answer
from strategy.core.db import (
    dispose_engine,
    get_engine,
    head_revision,
    prepare_database,
    read_session,
)
from strategy.core.errors import Conflict, StorageError
from strategy.core.models import Revision
from strategy.people.partnerships import create_partnership, list_partnerships

LONGTEXT_PROMPTS = ["intro.purpose", "intro.audience", "intro.scope_notes", "intro.national_picture", "intro.legislation"]


def _url(path) -> str:
    return f"sqlite:///{path}"


def _names_in_file(path) -> list[str]:
    """Read the file with the plain sqlite3 module: what is really stored, whatever the workbook says."""
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("select name from partnership order by name")]
    finally:
        conn.close()


@pytest.fixture
def used_database(tmp_path):
    """A SQLite workbook that has been used (one partnership), with its engine closed again."""
    path = tmp_path / "workbook.sqlite3"
    url = _url(path)
    create_partnership(prepare_database(url), name="Harbourshire Partnership", nation="england")
    dispose_engine(url)
    yield path, url
    dispose_engine(url)


def _remove_database_files(path) -> None:
    for suffix in ("", "-wal", "-shm"):
        p = path.with_name(path.name + suffix)
        if p.exists():
            p.unlink()


# --- Creating and reopening --------------------------------------------------------------------


def test_first_start_creates_the_database_and_its_marker(tmp_path):
    path = tmp_path / "workbook.sqlite3"
    url = _url(path)
    assert not path.exists()
    try:
        engine = prepare_database(url)
        assert path.exists()
        assert path.with_name("workbook.sqlite3.created").exists()
        with engine.connect() as conn:
            assert conn.execute(text("select version_num from alembic_version")).scalar() == head_revision()
        assert list_partnerships(engine) == []
    finally:
        dispose_engine(url)


def test_reopening_keeps_what_was_stored(used_database):
    path, url = used_database
    assert [p.name for p in list_partnerships(prepare_database(url))] == ["Harbourshire Partnership"]


def test_missing_folder_is_refused_and_not_created(tmp_path):
    path = tmp_path / "no-such-folder" / "workbook.sqlite3"
    with pytest.raises(StorageError) as info:
        prepare_database(_url(path))
    assert "does not exist" in info.value.message
    assert str(path.parent) in info.value.message
    assert not path.parent.exists()


# --- The database has gone, or is not what it was ----------------------------------------------


def test_database_vanished_after_first_use_is_loud_and_not_recreated_empty(used_database):
    path, url = used_database
    _remove_database_files(path)
    with pytest.raises(StorageError) as info:
        prepare_database(url)
    message = info.value.message
    assert "was in use before but is missing now" in message
    assert str(path) in message and "backup" in message
    assert not path.exists(), "an empty database was created where the real one vanished"
    # Asking again gives the same answer (nothing was half-created by the first attempt).
    with pytest.raises(StorageError):
        prepare_database(url)
    assert not path.exists()


def test_database_emptied_after_first_use_is_loud_not_a_fresh_workbook(used_database):
    # A 0-byte file (a failed copy, a truncating restore) opens as a valid, empty SQLite database.
    path, url = used_database
    _remove_database_files(path)
    path.write_bytes(b"")
    with pytest.raises(StorageError) as info:
        prepare_database(url)
    assert "was in use before" in info.value.message
    assert str(path) in info.value.message
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    finally:
        conn.close()
    assert tables == [], "the emptied file was turned into a new, empty workbook"
    with pytest.raises(StorageError):  # and it stays loud on the next start
        prepare_database(url)


def test_deleting_the_marker_starts_a_new_workbook_on_purpose(used_database):
    path, url = used_database
    _remove_database_files(path)
    path.with_name(path.name + ".created").unlink()
    assert list_partnerships(prepare_database(url)) == []
    assert path.exists()


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "workbook.sqlite3"
    junk = os.urandom(8192)
    path.write_bytes(junk)
    url = _url(path)
    try:
        with pytest.raises(StorageError) as info:
            prepare_database(url)
    finally:
        dispose_engine(url)
    assert "not a workbook database" in info.value.message
    assert str(path) in info.value.message
    assert path.read_bytes() == junk


def test_a_truncated_database_is_refused_and_left_alone(used_database):
    path, url = used_database
    damaged = path.read_bytes()[:1500]
    path.write_bytes(damaged)
    with pytest.raises(StorageError) as info:
        prepare_database(url)
    assert "not a workbook database" in info.value.message
    assert path.read_bytes() == damaged


def test_a_read_only_database_file_opens_for_reading_and_refuses_saves(used_database, monkeypatch, capsys):
    path, url = used_database
    path.chmod(0o444)
    try:
        if os.access(path, os.W_OK):
            # Running as root: permission bits do not stop root, so os.access still says
            # "writable". Simulate what an ordinary account sees for this one file.
            real_access = os.access

            def access(p, mode, *args, **kwargs):
                if os.fspath(p) == os.fspath(path) and mode & os.W_OK:
                    return False
                return real_access(p, mode, *args, **kwargs)

            monkeypatch.setattr("strategy.core.db.os.access", access)
        engine = prepare_database(url)  # an archived copy can still be read and listed (issue 17)
        assert [p.name for p in list_partnerships(engine)] == ["Harbourshire Partnership"]
        with pytest.raises(StorageError) as info:
            create_partnership(engine, name="Vale Partnership", nation="wales")
        assert "read-only" in info.value.message
        assert "write access" in info.value.message
        dispose_engine(url)
        monkeypatch.setenv("DATABASE_URL", url)
        from strategy.cli import main

        main(["list"])  # the command line lists it too
        assert "Harbourshire Partnership" in capsys.readouterr().out
    finally:
        dispose_engine(url)
        path.chmod(0o644)
    assert _names_in_file(path) == ["Harbourshire Partnership"]


def test_a_save_to_a_database_that_became_read_only_says_so_and_stores_nothing(used_database):
    # SQLite's own read-only mode refuses writes even to root, so this is the real error path.
    path, _ = used_database
    ro_url = f"sqlite:///file:{path}?mode=ro&uri=true"
    engine = get_engine(ro_url)
    try:
        assert [p.name for p in list_partnerships(engine)] == ["Harbourshire Partnership"]  # reading still works
        with pytest.raises(StorageError) as info:
            create_partnership(engine, name="Vale Partnership", nation="wales")
        assert "read-only" in info.value.message
    finally:
        dispose_engine(ro_url)
    assert _names_in_file(path) == ["Harbourshire Partnership"]


def test_a_database_from_a_newer_version_is_refused_and_not_changed(db_url):
    engine = prepare_database(db_url)
    create_partnership(engine, name="Harbourshire Partnership", nation="england")
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '9999_from_the_future'"))
    dispose_engine(db_url)

    with pytest.raises(StorageError) as info:
        prepare_database(db_url)
    assert "newer version of the workbook" in info.value.message
    assert "9999_from_the_future" in info.value.message
    assert "has not been changed" in info.value.message

    check = create_engine(db_url)
    try:
        with check.connect() as conn:
            assert conn.execute(text("select version_num from alembic_version")).scalar() == "9999_from_the_future"
            assert conn.execute(text("select name from partnership")).scalars().all() == ["Harbourshire Partnership"]
    finally:
        check.dispose()


def test_a_database_holding_someone_elses_tables_is_refused_and_not_changed(db_url):
    other = create_engine(db_url)
    try:
        with other.begin() as conn:
            conn.execute(text("create table invoices (id integer primary key, total integer)"))
            conn.execute(text("insert into invoices (id, total) values (1, 250)"))
        with pytest.raises(StorageError) as info:
            prepare_database(db_url)
        assert "tables that are not the workbook's" in info.value.message
        with other.connect() as conn:
            assert conn.execute(text("select total from invoices")).scalar() == 250
            assert (
                conn.execute(
                    text(
                        "select count(*) from information_schema.tables where table_name = 'partnership' "
                        "and table_schema = current_schema()"
                        if other.dialect.name == "postgresql"
                        else "select count(*) from sqlite_master where name = 'partnership'"
                    )
                ).scalar()
                == 0
            )
    finally:
        other.dispose()


# --- SQLite connection settings ----------------------------------------------------------------


def test_sqlite_connections_enforce_foreign_keys_and_wait_for_other_writers(sqlite_engine):
    engine = get_engine(str(sqlite_engine.url))
    assert engine is sqlite_engine
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_removing_a_partnership_removes_its_answers_nothing_orphaned(engine, author):
    # ON DELETE CASCADE only works on SQLite with foreign_keys on.
    p = create_partnership(engine, name="Harbourshire Partnership", nation="england")
    keep = create_partnership(engine, name="Vale Partnership", nation="wales")
    save_answer(engine, p.id, "intro.purpose", "Why", expected_version=0, author=author)
    save_answer(engine, keep.id, "intro.purpose", "Ours", expected_version=0, author=author)
    with engine.begin() as conn:
        conn.execute(text("delete from partnership where id = :id"), {"id": p.id})
    assert get_answers(engine, p.id) == {}
    with read_session(engine) as session:
        assert session.exec(select(func.count()).select_from(Revision).where(Revision.partnership_id == p.id)).one() == 0
    assert get_answer(engine, keep.id, "intro.purpose").value == "Ours"


# --- Several people saving at once -------------------------------------------------------------

THREADS, SAVES = 8, 25


def _run_threads(work) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def run(n):
        try:
            barrier.wait()
            work(n)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_eight_people_saving_different_answers_at_once_all_succeed(engine, author):
    partnerships = [create_partnership(engine, name=f"Partnership {n}", nation="england").id for n in range(THREADS)]

    def work(n):
        versions = dict.fromkeys(LONGTEXT_PROMPTS, 0)
        for i in range(SAVES):
            prompt_id = LONGTEXT_PROMPTS[i % len(LONGTEXT_PROMPTS)]
            saved = save_answer(
                engine, partnerships[n], prompt_id, f"writer {n} save {i}", expected_version=versions[prompt_id], author=author
            )
            versions[prompt_id] = saved.version

    assert _run_threads(work) == []
    with read_session(engine) as session:
        assert session.exec(select(func.count()).select_from(Revision)).one() == THREADS * SAVES
    per_prompt = SAVES // len(LONGTEXT_PROMPTS)
    for n, pid in enumerate(partnerships):
        answers = get_answers(engine, pid)
        assert set(answers) == set(LONGTEXT_PROMPTS)
        last = SAVES - len(LONGTEXT_PROMPTS)
        for k, prompt_id in enumerate(LONGTEXT_PROMPTS):
            assert answers[prompt_id].version == per_prompt
            assert answers[prompt_id].value == f"writer {n} save {last + k}"


def test_eight_people_saving_the_same_answer_at_once_lose_no_text(engine, author):
    pid = create_partnership(engine, name="Harbourshire Partnership", nation="england").id
    attempted: set[str] = set()
    lock = threading.Lock()

    def work(n):
        for i in range(SAVES // 5):
            current = get_answer(engine, pid, "intro.purpose")
            mine = f"writer {n} attempt {i}"
            with lock:
                attempted.add(mine)
            try:
                save_answer(engine, pid, "intro.purpose", mine, expected_version=current.version if current else 0, author=author)
            except Conflict as exc:
                assert exc.mine == mine and exc.theirs != mine

    assert _run_threads(work) == []
    with read_session(engine) as session:
        kept = {r.new_value for r in session.exec(select(Revision).where(Revision.partnership_id == pid)).all()}
    assert attempted <= kept, f"lost: {sorted(attempted - kept)[:3]}"
    final = get_answer(engine, pid, "intro.purpose")
    assert final.value in attempted
