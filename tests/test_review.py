"""Review (Guide §13.2): frozen numbered versions, what changed between them, comments on a section and
a criterion, the Word document of a version and the review copy, on the page and the command line."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from docx import Document

from strategy.answers.comments import add_comment, set_resolved
from strategy.answers.operations import add_row, get_answer, save_answer
from strategy.cli import main
from strategy.core.dates import UK
from strategy.core.errors import InvalidInput, NotAllowed, NotFound
from strategy.documents.draft import version_docx
from strategy.finalise.review import (
    CURRENT,
    add_section_comment,
    compare,
    find_version,
    freeze_version,
    label,
    list_versions,
    open_comments_by_section,
)
from strategy.plan.operations import add_aim, add_outcome, create_action
from tests.people_support import member, snapshot

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UK)


def texts(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_versions_are_numbered_in_turn_and_keep_their_note(engine, partnership, author):
    first = freeze_version(engine, partnership.id, author=author, note="For the steering group")
    second = freeze_version(engine, partnership.id, author=author)
    assert (label(first.number), label(second.number)) == ("v0.1", "v0.2")
    assert [label(v.number) for v in list_versions(engine, partnership.id)] == ["v0.2", "v0.1"]
    assert find_version(engine, partnership.id, "v0.1").note == "For the steering group"
    assert find_version(engine, partnership.id, "2").id == second.id
    with pytest.raises(NotFound, match="no draft version 'v0.9'.*v0.2, v0.1"):
        find_version(engine, partnership.id, "v0.9")


def test_a_scrutineer_cannot_freeze_a_version_and_nothing_changes(engine, partnership):
    scrutineer = member(engine, partnership.id, "scrutineer", "scrutineer")
    before = snapshot(engine)
    with pytest.raises(NotAllowed):
        freeze_version(engine, partnership.id, author=scrutineer)
    assert snapshot(engine) == before


def test_what_changed_is_listed_chapter_by_chapter(engine, partnership, author):
    pid = partnership.id
    save_answer(engine, pid, "vision.statement", "Every child is safe.", expected_version=0, author=author)
    aim = add_aim(engine, pid, title="Recognise abuse earlier", author=author)
    outcome = add_outcome(engine, pid, aim_id=aim.id, title="More children identified", author=author)
    freeze_version(engine, pid, author=author)
    assert compare(engine, pid, "v0.1") == []  # nothing changed since
    save_answer(engine, pid, "vision.statement", "Every child is safe and heard.", expected_version=1, author=author)
    save_answer(engine, pid, "intro.purpose", "Because children are not yet found.", expected_version=0, author=author)
    add_row(engine, pid, "vision.priorities", {"priority": "Recognise abuse earlier"}, author=author)
    create_action(engine, pid, outcome_id=outcome.id, title="Train school staff", author=author)
    changes = {g.title: g.changes for g in compare(engine, pid, "v0.1", CURRENT)}
    assert list(changes) == ["Introduction", "Shared vision and governance", "Theory of Change, evaluation framework and action plan"]
    assert changes["Introduction"] == ["'Why does your partnership need this strategy?' answered: \"Because children are not yet found.\""]
    vision = changes["Shared vision and governance"]
    assert any('changed: "Every child is safe." became "Every child is safe and heard."' in c for c in vision)
    assert any(c.startswith("'What are the partnership's strategic priorities") or "1 added" in c for c in vision)
    assert changes["Theory of Change, evaluation framework and action plan"] == ["Action A1.O1.1 added: Train school staff"]
    # Two frozen versions compare the same way.
    freeze_version(engine, pid, author=author)
    assert [g.title for g in compare(engine, pid, "v0.1", "v0.2")] == list(changes)


def test_a_frozen_version_keeps_its_text_while_editing_goes_on(engine, partnership, author):
    pid = partnership.id
    save_answer(engine, pid, "vision.statement", "The first vision.", expected_version=0, author=author)
    freeze_version(engine, pid, author=author)
    save_answer(engine, pid, "vision.statement", "The second vision.", expected_version=1, author=author)
    frozen = texts(version_docx(engine, pid, "v0.1", now=NOW, charts=False))
    current = texts(version_docx(engine, pid, CURRENT, now=NOW, charts=False))
    assert "The first vision." in frozen and "The second vision." not in frozen
    assert "The second vision." in current
    assert "Version: v0.1 (frozen for review)" in frozen
    # Exporting a version changes nothing stored.
    assert get_answer(engine, pid, "vision.statement").value == "The second vision."


def test_section_comments_take_an_optional_criterion_and_are_checked(engine, partnership, author):
    pid = partnership.id
    add_section_comment(engine, pid, section_id="s4", text="Where do the figures come from?", author=author)
    add_section_comment(engine, pid, section_id="s10", criterion="deliverability", text="Who leads A1.O1.1?", author=author)
    with pytest.raises(InvalidInput, match="no template section 's12'"):
        add_section_comment(engine, pid, section_id="s12", text="x", author=author)
    with pytest.raises(InvalidInput, match="not one of the five criteria"):
        add_section_comment(engine, pid, section_id="s4", criterion="speed", text="x", author=author)
    with pytest.raises(InvalidInput, match="empty"):
        add_section_comment(engine, pid, section_id="s4", text="   ", author=author)
    found = open_comments_by_section(engine, pid)
    assert [(about, c.text) for about, c in found["s4"]] == [("This section", "Where do the figures come from?")]
    assert [about for about, _ in found["s10"]] == ["This section, criterion: Deliverability"]


def test_the_review_copy_lists_open_comments_under_their_sections(engine, partnership, author):
    pid = partnership.id
    add_section_comment(engine, pid, section_id="s2", criterion="clarity", text="Is the vision plain enough?", author=author)
    on_question = add_comment(
        engine,
        pid,
        target_kind="prompt",
        target_key="context.figures",
        chapter_id="context",
        text="Which year is the population from?",
        author=author,
    )
    resolved = add_section_comment(engine, pid, section_id="s2", text="Typo in the title.", author=author)
    set_resolved(engine, pid, resolved.id, author=author)
    paragraphs = texts(version_docx(engine, pid, CURRENT, review_copy=True, now=NOW, charts=False))
    assert paragraphs[0].startswith("REVIEW COPY") or "REVIEW COPY: open comments are listed at the end of each section" in paragraphs
    listed = [p for p in paragraphs if "(Sam Patel, Harbourshire Council, 23/11/2026)" in p or "Sam Patel" in p]
    assert any(p.startswith("This section, criterion: Clarity: Is the vision plain enough?") for p in listed)
    assert any(p.startswith(f"Context: What are the key figures about children in your area?: {on_question.text}") for p in listed)
    assert not any("Typo in the title." in p for p in paragraphs)  # resolved: not listed
    assert paragraphs.count("Open comments from reviewers") == 11
    # An ordinary draft has no comments in it.
    assert "Open comments from reviewers" not in texts(version_docx(engine, pid, CURRENT, now=NOW, charts=False))


def test_freeze_and_export_a_version_on_the_command_line(sqlite_engine, monkeypatch, capsys, tmp_path):
    from strategy.people.partnerships import create_partnership

    monkeypatch.setenv("DATABASE_URL", str(sqlite_engine.url))
    create_partnership(sqlite_engine, name="Vale Board", nation="wales")
    assert main(["freeze", "Vale Board", "--note", "for the board"]) == 0
    assert "Froze draft version v0.1 of 'Vale Board'." in capsys.readouterr().out
    out = tmp_path / "v01.docx"
    assert main(["export-docx", "Vale Board", "--out", str(out), "--version", "v0.1", "--review-copy"]) == 0
    paragraphs = texts(out.read_bytes())
    assert "Version: v0.1 (frozen for review)" in paragraphs and "Open comments from reviewers" in paragraphs
    assert main(["export-docx", "Vale Board", "--out", str(tmp_path / "x.docx"), "--version", "v0.5"]) == 1
    assert "no draft version 'v0.5'" in capsys.readouterr().err
    assert not (tmp_path / "x.docx").exists()


def test_a_welsh_review_copy_says_what_each_comment_is_about_in_welsh(engine, partnership, author):
    pid = partnership.id
    add_section_comment(engine, pid, section_id="s2", criterion="clarity", text="Is the vision plain enough?", author=author)
    add_comment(engine, pid, target_kind="prompt", target_key="context.figures", chapter_id="context", text="Which year?", author=author)
    found = open_comments_by_section(engine, pid, language="cy")
    assert [about for about, _ in found["s2"]] == ["Yr adran hon, maen prawf: Eglurder"]
    assert [about for about, _ in found["s4"]] == ["Cyd-destun: Beth yw'r ffigurau allweddol am blant yn eich ardal?"]
    paragraphs = texts(version_docx(engine, pid, CURRENT, review_copy=True, now=NOW, charts=False, language="cy"))
    assert any(p.startswith("Yr adran hon, maen prawf: Eglurder: Is the vision plain enough?") for p in paragraphs)
    assert not any(p.startswith(("This section", "Context:")) for p in paragraphs)
    both = open_comments_by_section(engine, pid, language="bilingual")
    assert [about for about, _ in both["s2"]] == ["Yr adran hon, maen prawf: Eglurder / This section, criterion: Clarity"]
