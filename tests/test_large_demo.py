"""The Large demo partnership: built by the CLI at a large partnership's size through the pages' own
functions, loaded again without adding anything, and every page costing the same number of database
statements there as on the demo (nothing read per row)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import event, func
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from strategy.answers.comments import threads
from strategy.answers.operations import list_rows
from strategy.cli import main
from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database, read_session
from strategy.core.models import Revision
from strategy.delivery import operations as D
from strategy.demo import ensure_demo
from strategy.demo.large import NAME, ensure_large_demo
from strategy.finalise.review import freeze_version, list_versions
from strategy.people.partnerships import find_partnership
from strategy.plan.operations import load_plan
from strategy.ui.state import PARTNERSHIP_KEY
from tests.people_support import sign_in_as
from tests.test_app import APP

#: On one xdist worker: the large partnership (about half a minute to build) is then built once a run.
pytestmark = pytest.mark.xdist_group("large-demo")

#: The pages whose cost could grow with a partnership's size (tables, charts, checks, histories).
PAGES = [
    "views/home.py",
    "views/readiness.py",
    "views/finalise.py",
    "views/theory_of_change.py",
    "views/evaluation.py",
    "views/action_plan.py",
    "views/progress_updates.py",
    "views/indicators.py",
    "views/scrutiny.py",
    "views/review.py",
    "views/workforce.py",
    "views/current_response.py",
    "views/shared_vision.py",
    "views/audit_log.py",
]


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('large') / 'large.sqlite3'}"
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        assert main(["demo", "--large"]) in (0, None)
        engine = prepare_database(url)
        demo = ensure_demo(engine)
        # Like the large partnership, a version frozen: the Review page then compares on both.
        freeze_version(engine, demo, author=Author.make("Demo author", "Partnership business unit"))
        yield engine, find_partnership(engine, NAME).id, demo
    finally:
        if before is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = before
        dispose_engine(url)


def test_the_large_demo_has_a_large_partnerships_size(large):
    engine, pid, _demo = large
    plan = load_plan(engine, pid)
    assert (len(plan.aims), len(plan.all_outcomes()), len(plan.all_measures())) == (12, 48, 60)
    # 400 actions of its own, and those the demo's snapshot and audit recommendations became.
    assert len([x for x in plan.all_actions() if "recommendation" not in x.origin]) == 400
    assert len(D.list_updates(engine, pid)) == 2000
    assert len(D.list_readings(engine, pid)) == 60 * 5
    assert len(list_rows(engine, pid, "vision.steering_group")) == 40
    assert len(list_rows(engine, pid, "workforce.staff_survey")) == 1000
    assert sum(1 + len(t.replies) for t in threads(engine, pid)) == 300
    assert len(list_versions(engine, pid)) == 20
    assert len(list_rows(engine, pid, "context.figures")) > 0  # the demo's written chapters too


def test_loading_it_again_adds_nothing(large):
    engine, pid, _demo = large

    def revisions() -> int:
        with read_session(engine) as session:
            return session.exec(select(func.count()).select_from(Revision).where(Revision.partnership_id == pid)).one()

    before = revisions()
    assert ensure_large_demo(engine) == pid
    assert revisions() == before


def _statements(engine, partnership_id: int, page: str) -> int:
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state[PARTNERSHIP_KEY] = str(partnership_id)
    sign_in_as(at, url=str(engine.url))
    at.run()
    counted = []

    def seen(*_args) -> None:
        counted.append(1)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        at.switch_page(page).run()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert not at.exception, [e.value for e in at.exception]
    return len(counted)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_reads_the_large_partnership_with_as_many_statements_as_the_demo(large, page):
    engine, pid, demo = large
    assert _statements(engine, pid, page) == _statements(engine, demo, page)
