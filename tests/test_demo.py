"""The fictional demo partnership: complete, and loading it again changes nothing."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy import func
from sqlmodel import select

from strategy.answers.operations import all_rows, get_answers, save_answer
from strategy.answers.progress import chapter_progress, next_step
from strategy.core.authors import Author
from strategy.core.db import read_session
from strategy.core.models import Item, Revision
from strategy.demo import ensure_demo, load_demo_data
from strategy.documents.draft import export_docx
from strategy.guide.content import content
from strategy.people.partnerships import get_partnership, list_partnerships, set_archived


def snapshot(engine, pid):
    with read_session(engine) as session:
        revisions = session.exec(select(func.count()).select_from(Revision)).one()
        items = session.exec(select(func.count()).select_from(Item)).one()
    answers = {k: (a.value, a.version, a.updated_at) for k, a in get_answers(engine, pid).items()}
    rows = {k: [(r.id, r.values, r.version) for r in v] for k, v in all_rows(engine, pid).items()}
    p = get_partnership(engine, pid)
    return revisions, items, answers, rows, (p.name, p.nation, p.areas, p.period_start, p.period_end, p.archived)


def test_demo_data_only_names_questions_and_options_the_workbook_has():
    data = load_demo_data()
    prompts = content().prompts
    assert set(data["answers"]) <= set(prompts)
    assert set(data["items"]) <= set(prompts)
    assert all(prompts[i].type == "table" for i in data["items"])


def test_loading_the_demo_twice_changes_nothing(engine, demo_id):
    pid = demo_id  # the template's ensure_demo on an empty database, copied (tests/db_support.py)
    first = snapshot(engine, pid)
    assert first[0] > 0 and first[1] > 0
    assert ensure_demo(engine) == pid
    assert snapshot(engine, pid) == first
    assert [p.name for p in list_partnerships(engine)] == ["Demo partnership"]


def test_every_question_of_the_demo_is_answered(engine, demo_id):
    pid = demo_id
    progress = chapter_progress(engine, pid)
    unanswered = [(cp.chapter.id, cp.first_unanswered.id) for cp in progress if not cp.done]
    assert unanswered == []
    assert next_step(progress) is None
    assert sum(cp.total for cp in progress) == len([p for p in content().prompts.values() if p.counted])


def test_loading_the_demo_again_puts_back_what_was_changed(engine, demo_id):
    pid = demo_id
    original = get_answers(engine, pid)["vision.statement"]
    someone = Author.make("Curious visitor")
    save_answer(engine, pid, "vision.statement", "Scribbled over", expected_version=original.version, author=someone)
    set_archived(engine, pid, True)
    assert ensure_demo(engine) == pid
    assert get_answers(engine, pid)["vision.statement"].value == original.value
    assert get_partnership(engine, pid).archived is False
    with read_session(engine) as session:  # the scribble stays in the history
        kept = session.exec(select(Revision.new_value).where(Revision.partnership_id == pid)).all()
    assert "Scribbled over" in kept


def test_demo_export_contains_the_partnership_name(engine, demo_id):
    pid = demo_id
    doc = Document(io.BytesIO(export_docx(engine, pid)))
    assert "Demo partnership" in [p.text for p in doc.paragraphs if p.style.name == "Subtitle"]
    assert doc.core_properties.title.startswith("Demo partnership")
    assert "Covering: Harbourshire and the Vale of Ashby" in [p.text for p in doc.paragraphs]
