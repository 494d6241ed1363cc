"""The delivery pages as a person uses them (AppTest), the progress-report command, and the migration."""

from __future__ import annotations

import io
import json

import pytest
from alembic import command
from docx import Document
from sqlalchemy import text

from strategy.core.db import _alembic_config, current_revision, get_engine, head_revision, prepare_database
from strategy.delivery import operations as D
from strategy.people.partnerships import create_partnership
from tests.test_cli import one_line_error, run
from tests.test_plan_app import page, said

DELIVERY_PAGES = [
    "views/implementation.py",
    "views/progress_updates.py",
    "views/indicators.py",
    "views/feedback_review.py",
    "views/scrutiny.py",
]


@pytest.fixture
def url(tmp_path, monkeypatch, db_templates, request):
    """Each test its own SQLite file, copied from a migrated template (the app's engine is cached per
    URL); a copy of the demo's database when the test asks for ``sqlite_demo_id``."""
    from strategy.core.db import dispose_engine

    url = db_templates.sqlite(tmp_path / "delivery.sqlite3", demo="sqlite_demo_id" in request.fixturenames)
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    dispose_engine(url)


@pytest.fixture
def engine(url):
    return prepare_database(url)


@pytest.mark.parametrize("path", DELIVERY_PAGES)
def test_every_delivery_page_runs_on_a_fresh_partnership(engine, path):
    pid = create_partnership(engine, name="Harbourshire", nation="wales").id
    at = page(pid, path)
    assert not at.error


@pytest.fixture
def demo(engine, sqlite_demo_id):
    """The demo partnership: asking for it makes ``url`` a copy of the demo's database."""
    return sqlite_demo_id


def test_the_demo_has_a_year_of_delivery(engine, demo):
    d = D.load_delivery(engine, demo)
    dates = sorted(u.reported_on for u in d.updates)
    assert dates[0] <= "2025-12-31" and dates[-1] >= "2026-11-01"
    actions = D.action_status_table(d)
    assert int(actions["Overdue"].sum()) == 1
    assert {"On track", "At risk", "Off track", "Complete", "Deferred"} <= set(actions["Status"])
    quarterly = D.readings_table(d, d.plan.all_measures()[0].id)
    assert len(quarterly) == 4
    assert len(D.feedback_table(d)) == 2 and len(D.reviews_table(d)) == 1
    from strategy.documents.draft import export_docx

    draft = Document(io.BytesIO(export_docx(engine, demo, charts=False)))
    assert any("progress update at least every 90 days" in p.text for p in draft.paragraphs)


def test_an_update_is_saved_from_the_page_and_a_bad_one_keeps_what_was_typed(engine, demo):
    at = page(demo, "views/progress_updates.py")
    action_id = at.selectbox(key="delivery|action").value
    at.selectbox(key="delivery|status").set_value("complete")
    at.text_area(key="delivery|note").input("Signed off by the board")
    at.button[[b.label for b in at.button].index("Save the update")].click().run()
    assert "An action marked Complete needs the date it was completed" in " ".join(said(at.error))
    assert at.text_area(key="delivery|note").value == "Signed off by the board"
    assert all(u.note != "Signed off by the board" for u in D.list_updates(engine, demo))

    at.text_input(key="delivery|completed").input("20/11/2026")
    at.button[[b.label for b in at.button].index("Save the update")].click().run()
    assert not at.exception and not at.error
    latest = D.list_updates(engine, demo, action_id)[0]
    assert (latest.status, latest.completed_on, latest.note, latest.author_name) == (
        "complete",
        "2026-11-20",
        "Signed off by the board",
        "Sam Patel",
    )
    assert at.text_area(key="delivery|note").value == ""  # saved, so the form is ready for the next one
    assert any("Saved the update" in s for s in said(at.success))


def test_a_reading_is_refused_with_a_message_then_added(engine, demo):
    at = page(demo, "views/indicators.py")
    measure = D.load_delivery(engine, demo).plan.all_measures()[0]
    assert not [t for t in at.text_input if t.key == f"delivery|value|{measure.id}"]  # drawn when opened
    at.session_state[f"delivery|open|{measure.id}"] = True
    at.run()
    at.text_input(key=f"delivery|period|{measure.id}").input("Q3 2026/27")
    at.text_input(key=f"delivery|value|{measure.id}").input("lots")
    form_button = next(b for b in at.button if b.label == "Add the reading")
    form_button.click().run()
    assert "'lots' is not a number" in " ".join(said(at.error))
    assert at.text_input(key=f"delivery|value|{measure.id}").value == "lots"
    at.text_input(key=f"delivery|value|{measure.id}").input("481")
    next(b for b in at.button if b.label == "Add the reading").click().run()
    assert not at.error
    assert [r.value for r in D.list_readings(engine, demo) if r.measure_id == measure.id][-1] == "481"
    assert at.text_input(key=f"delivery|value|{measure.id}").value == ""


def test_the_dashboard_filters_shows_tables_and_gives_the_report(engine, demo):
    at = page(demo, "views/scrutiny.py")
    assert not at.error
    headers = [h.value for h in at.header]
    for title in (
        "Actions by status",
        "Overdue actions",
        "Due for an update",
        "Indicators off track",
        "Feedback",
        "Annual reviews",
        "Indicators",
        "Progress report",
    ):
        assert title in headers
    total = at.metric[0].value
    at.multiselect(key="delivery|f-status").set_value(["Complete"]).run()
    # 17 planned actions and the 3 the demo's snapshot and audit recommendations became.
    assert at.metric[0].value == "3" and total == "20"
    at.text_input(key="delivery|since").input("31/02/2026").run()
    assert "not a real date" in " ".join(said(at.error))
    at.text_input(key="delivery|since").input("01/10/2026").run()
    # The report draws a chart per indicator, a browser process each: minutes on a loaded two-core machine
    # before the charts are cached. The limit guards against a hang; it does not time the report.
    next(b for b in at.button if b.label == "Prepare the progress report").click().run()
    _finish_builds(at, 300)
    assert not at.exception
    assert at.get("download_button")


def test_progress_report_command(tmp_path, engine, url, demo):
    out = tmp_path / "report.docx"
    done = run(url, "progress-report", "Demo partnership", "--out", str(out), "--since", "01/10/2026", "--no-charts")
    assert done.returncode == 0, done.stderr
    doc = Document(io.BytesIO(out.read_bytes()))
    assert len(doc.inline_shapes) == 0  # --no-charts: no pictures (the in-process tests draw them)
    text = [p.text for p in doc.paragraphs]
    assert "Updates since the last report" in text and any("Updates since 1 October 2026" in t for t in text)
    dates = [
        row.cells[0].text
        for t in doc.tables
        for row in t.rows[1:]
        if t.rows[0].cells[0].text == "Date" and t.rows[0].cells[1].text == "Code"
    ]
    assert dates and all(d[-4:] == "2026" and d[3:5] in ("10", "11") for d in dates)
    assert "not a real date" in one_line_error(run(url, "progress-report", "Demo partnership", "--out", str(out), "--since", "31/02/2026"))


def test_upgrading_from_the_plan_to_delivery_keeps_every_row(db_url):
    from strategy.core.authors import Author
    from strategy.plan import operations as P

    engine = get_engine(db_url)
    command.upgrade(_alembic_config(engine), "0003")
    author = Author.make("Sam")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO partnership (id, name, name_key, nation, areas, archived, created_at, updated_at) "
                "VALUES (1, 'P ŵ', 'p ŵ', 'england', '', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    prepare_database(db_url)
    assert current_revision(engine) == head_revision()
    aim = P.add_aim(engine, 1, title="Aim", author=author)
    outcome = P.add_outcome(engine, 1, aim_id=aim.id, title="Outcome", author=author)
    x = P.create_action(engine, 1, outcome_id=outcome.id, title="Action", author=author, leads=[])
    D.add_update(engine, 1, x.id, status="on_track", note=json.dumps({"ok": True}), author=author)
    assert D.list_updates(engine, 1)[0].note == '{"ok": true}'
    with engine.begin() as conn:  # removing a partnership takes its delivery with it
        conn.execute(text("DELETE FROM partnership WHERE id = 1"))
        assert conn.execute(text("SELECT count(*) FROM plan_update")).scalar_one() == 0


def _finish_builds(at, timeout: float = 400):
    """The documents building in the background finished, and the page run again to offer them."""
    from strategy.word.jobs import JOBS

    for job in JOBS.running():
        assert job.wait(timeout), f"{job.what} was still building"
    return at.run()
