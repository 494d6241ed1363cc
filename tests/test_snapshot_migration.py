"""Migration 0005 (snapshot and audit tables) on SQLite and PostgreSQL: a database at 0002 full of
rows keeps them all, the new tables work, and the migration goes down again cleanly."""

from alembic import command
from sqlalchemy import inspect, text
from strategy.assessments import snapshot as sn
from strategy.core.authors import Author
from strategy.core.db import _alembic_config, dispose_engine, get_engine, prepare_database

from tests.test_migrations import ROWS, _counts, _fill_at_0001

TABLES = {
    "snapshot",
    "snapshot_statement",
    "snapshot_rating",
    "snapshot_response",
    "thematic_audit",
    "audit_case",
    "audit_survey_response",
    "recommendation",
}


def test_0005_keeps_every_row_and_goes_down_cleanly(db_url):
    engine = get_engine(db_url)
    command.upgrade(_alembic_config(engine), "0001")
    _fill_at_0001(engine)
    command.upgrade(_alembic_config(engine), "0002")
    prepare_database(db_url)
    assert _counts(engine) == ROWS
    assert TABLES <= set(inspect(engine).get_table_names())
    snap = sn.create_snapshot(engine, 2, title="Snapshot 2026", author=Author.make("Sam"))
    assert len(sn.snapshot_statements(engine, 2, snap.id)) == 22
    with engine.begin() as conn:
        assert conn.execute(text("SELECT name FROM partnership WHERE id = 2")).scalar_one() == "Partnership 2 ŵ 🙂"
    command.downgrade(_alembic_config(engine), "0002")
    dispose_engine(db_url)
    engine = get_engine(db_url)
    assert not TABLES & set(inspect(engine).get_table_names())
    assert _counts(engine) == {**ROWS, "revision": ROWS["revision"] + 23}  # the statements' and snapshot's revisions
