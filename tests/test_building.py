"""Documents built in the background (``strategy.word.jobs``, shown by ``strategy.ui.building``): the
build runs in a worker, its steps are kept as it goes, a second request while it runs joins it, a
failure keeps the message saying why, and the page offers the result to a person who left it and
came back (a new session of the app, as after a page switch or a reload)."""

from __future__ import annotations

import io
import threading

import pytest
from docx import Document
from streamlit.testing.v1 import AppTest

from strategy.core.authors import Author
from strategy.core.dates import uk_time
from strategy.core.db import dispose_engine, prepare_database
from strategy.core.errors import InvalidInput
from strategy.people.partnerships import create_partnership
from strategy.ui.state import AUTHOR_KEY
from strategy.word.jobs import UNEXPECTED, Jobs
from strategy.word.toolkit import step


def _gated(result, gate: threading.Event, reached: threading.Event):
    def build():
        step("Writing section 1", 0.25)
        reached.set()
        assert gate.wait(30)
        step("Writing section 2", 0.75)
        return result

    return build


def test_a_build_runs_in_the_background_reporting_its_steps_then_gives_its_result():
    jobs = Jobs()
    gate, reached = threading.Event(), threading.Event()
    recorded = []
    job = jobs.start(("db", 1, "draft"), "the Word draft", _gated(b"PK-docx", gate, reached), done=recorded.append)
    assert reached.wait(30)
    # The request returned at once: the build is under way, at its first step.
    assert job.running and (job.step, job.fraction) == ("Writing section 1", 0.25) and job.result is None
    assert [j.what for j in jobs.running()] == ["the Word draft"]
    gate.set()
    assert job.wait(30)
    assert (job.state, job.result, job.fraction, job.error) == ("done", b"PK-docx", 1.0, "") and job.finished_at is not None
    assert recorded == [b"PK-docx"]  # recorded once, after it was built
    assert jobs.get(("db", 1, "draft")) is job and jobs.running() == []


def test_a_second_request_while_a_build_runs_joins_it_and_one_after_it_builds_again():
    jobs = Jobs()
    gate, reached = threading.Event(), threading.Event()
    calls = []

    def build():
        calls.append(1)
        return _gated(b"one", gate, reached)()

    first = jobs.start(("db", 1, "draft"), "the Word draft", build)
    assert reached.wait(30)
    second = jobs.start(("db", 1, "draft"), "the Word draft", build)
    assert second is first and first.requests == 2
    other = jobs.start(("db", 2, "draft"), "the Word draft", lambda: b"two")  # another partnership builds its own
    gate.set()
    assert first.wait(30) and other.wait(30)
    assert calls == [1] and (first.result, other.result) == (b"one", b"two")
    again = jobs.start(("db", 1, "draft"), "the Word draft", lambda: b"fresh")  # asked again once finished: built afresh
    assert again is not first and again.wait(30) and again.result == b"fresh"


def test_a_build_that_fails_keeps_the_message_saying_why():
    jobs = Jobs()

    def refused():
        step("Reading the plan", 0.1)
        raise InvalidInput("That partnership no longer exists.")

    job = jobs.start(("db", 1, "report"), "the report", refused)
    assert job.wait(30)
    assert (job.state, job.error, job.result) == ("failed", "That partnership no longer exists.", None)

    def broken():
        raise RuntimeError("disk on fire")

    crashed = jobs.start(("db", 1, "briefing"), "the briefing", broken)
    assert crashed.wait(30)
    assert (crashed.state, crashed.error) == ("failed", UNEXPECTED)  # no traceback shown to the person


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    yield url
    dispose_engine(url)


def _draft_app(url: str, pid: int) -> None:
    from strategy.core.db import prepare_database
    from strategy.core.models import Partnership
    from strategy.documents.draft import draft_filename, export_docx
    from strategy.ui.building import document_job

    engine = prepare_database(url)
    import streamlit as st
    from sqlmodel import Session

    with Session(engine) as session:
        partnership = session.get(Partnership, pid)
        assert partnership is not None
        name = draft_filename(partnership)
    data = document_job(
        engine, ("draft", pid), "the Word draft", lambda: export_docx(engine, pid, charts=False), button="Build the Word draft"
    )
    if data is not None:
        st.download_button("Download the Word draft", data=data, file_name=name)


def test_the_page_offers_the_document_to_a_person_who_left_while_it_built_and_came_back(url):
    from strategy.ui.building import job_key
    from strategy.word.jobs import JOBS

    engine = prepare_database(url)
    pid = create_partnership(engine, name="Harbourshire Partnership", nation="england").id
    at = AppTest.from_function(_draft_app, args=(url, pid), default_timeout=60)
    at.session_state[AUTHOR_KEY] = Author.make("Sam")
    at.run()
    assert [d for d in at.get("download_button")] == []
    next(b for b in at.button if b.label == "Build the Word draft").click().run()
    assert not at.exception, [e.value for e in at.exception]
    job = JOBS.get(job_key(engine, "draft", pid))
    assert job is not None
    assert job.wait(300)
    # Another session (the person went to another page, or reloaded, and came back): the draft is offered.
    back = AppTest.from_function(_draft_app, args=(url, pid), default_timeout=60)
    back.session_state[AUTHOR_KEY] = Author.make("Sam")
    back.run()
    assert not back.exception, [e.value for e in back.exception]
    assert [s.value for s in back.success] == [
        f"The Word draft is ready (built at {uk_time(job.finished_at)}; build it again for the latest answers)."
    ]
    assert [d.proto.label for d in back.get("download_button")] == ["Download the Word draft"]
    assert "Build the Word draft again" in [b.label for b in back.button]
    headings = [p.text for p in Document(io.BytesIO(job.result)).paragraphs if p.style.name == "Heading 1"]
    assert headings[0].endswith("Introduction")
