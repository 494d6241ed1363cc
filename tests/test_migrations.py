"""Every migration keeps every row: a database at an older schema, full of realistic rows,
upgraded by starting the workbook (SQLite and PostgreSQL)."""

import json

from alembic import command
from sqlalchemy import text
from strategy.core.db import _alembic_config, current_revision, get_engine, head_revision, prepare_database

ROWS = {"partnership": 3, "answer": 30, "item": 60, "revision": 90}


def _fill_at_0001(engine) -> None:
    with engine.begin() as conn:
        for p in range(1, 4):
            conn.execute(
                text(
                    "INSERT INTO partnership (id, name, name_key, nation, areas, archived, created_at, updated_at) "
                    "VALUES (:id, :name, :key, :nation, 'Harbourshire', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"id": p, "name": f"Partnership {p} ŵ 🙂", "key": f"partnership {p} ŵ 🙂", "nation": "wales" if p == 2 else "england"},
            )
            for a in range(10):
                conn.execute(
                    text(
                        "INSERT INTO answer (partnership_id, prompt_id, value, version, updated_at, updated_by_name, "
                        "updated_by_agency) VALUES (:p, :prompt, :v, 3, CURRENT_TIMESTAMP, 'Sam', 'Council')"
                    ),
                    {"p": p, "prompt": f"intro.prompt_{a}", "v": f"Answer {a} <script>x</script> ‘quoted’\nline two"},
                )
            for i in range(20):
                conn.execute(
                    text(
                        "INSERT INTO item (partnership_id, prompt_id, position, values_json, version, created_at, updated_at, "
                        "updated_by_name, updated_by_agency) VALUES (:p, 'vision.steering_group', :pos, :v, 1, "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'Sam', 'Council')"
                    ),
                    {"p": p, "pos": i, "v": json.dumps({"name": f"Member {i}", "lived_experience": i % 3 == 0})},
                )
            for r in range(30):
                conn.execute(
                    text(
                        "INSERT INTO revision (partnership_id, prompt_id, action, old_value, new_value, created_at, "
                        "author_name, author_agency) VALUES (:p, 'intro.purpose', 'edit', :o, :n, CURRENT_TIMESTAMP, 'Sam', '')"
                    ),
                    {"p": p, "o": f"old {r}", "n": f"new {r}"},
                )


def _counts(engine) -> dict:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ROWS}


def test_upgrading_from_the_first_schema_keeps_every_row(db_url):
    engine = get_engine(db_url)
    command.upgrade(_alembic_config(engine), "0001")
    _fill_at_0001(engine)
    assert _counts(engine) == ROWS

    prepare_database(db_url)  # what the app and the CLI do on start

    assert current_revision(engine) == head_revision()
    assert _counts(engine) == ROWS
    with engine.connect() as conn:
        value = conn.execute(text("SELECT value FROM answer WHERE prompt_id = 'intro.prompt_3' AND partnership_id = 2")).scalar_one()
        members = conn.execute(text("SELECT values_json, row_key FROM item WHERE partnership_id = 3 ORDER BY position")).all()
    assert value == "Answer 3 <script>x</script> ‘quoted’\nline two"
    assert json.loads(members[0][0]) == {"name": "Member 0", "lived_experience": True}
    assert all(row_key is None for _, row_key in members)


def test_upgrading_from_0002_to_the_plan_keeps_every_row_and_the_plan_works(db_url):
    """0003 adds the plan's tables beside a database full of answers, rows and history."""
    from strategy.core.authors import Author

    from strategy.plan import operations as P

    engine = get_engine(db_url)
    command.upgrade(_alembic_config(engine), "0002")
    _fill_at_0001(engine)
    prepare_database(db_url)
    assert current_revision(engine) == head_revision() and _counts(engine) == ROWS
    author = Author.make("Sam")
    aim = P.add_aim(engine, 2, title="Aim ŵ 🙂", author=author)
    outcome = P.add_outcome(engine, 2, aim_id=aim.id, title="Outcome", author=author)
    P.create_action(engine, 2, outcome_id=outcome.id, title="Action", author=author, leads=[], start_date="01/04/2026")
    assert P.load_plan(engine, 2).code("action", 1) == "A1.O1.1"
    with engine.begin() as conn:  # removing a partnership takes its plan with it
        conn.execute(text("DELETE FROM revision WHERE partnership_id = 2"))
        conn.execute(text("DELETE FROM item WHERE partnership_id = 2"))
        conn.execute(text("DELETE FROM answer WHERE partnership_id = 2"))
        conn.execute(text("DELETE FROM partnership WHERE id = 2"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM plan_action")).scalar_one() == 0
    command.downgrade(_alembic_config(engine), "0002")
    assert _counts(engine) == {"partnership": 2, "answer": 20, "item": 40, "revision": 60}
