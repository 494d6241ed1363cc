"""How far each chapter has got, and what to do next."""

from __future__ import annotations

from strategy.answers.operations import add_row, delete_row, save_answer
from strategy.answers.progress import chapter_progress, next_step
from strategy.guide.content import content


def _answerable(chapter_id):
    return [p.id for p in content().chapter(chapter_id).prompts if p.counted]


def _by_chapter(engine, pid):
    return {cp.chapter.id: cp for cp in chapter_progress(engine, pid)}


def test_a_fresh_partnership_has_nothing_answered_and_starts_at_the_first_question(engine, partnership):
    progress = chapter_progress(engine, partnership.id)
    assert [cp.chapter.id for cp in progress] == [c.id for c in content().chapters]
    for cp in progress:
        assert cp.answered == 0
        assert cp.total == len(_answerable(cp.chapter.id)) > 0
        assert cp.first_unanswered.id == _answerable(cp.chapter.id)[0]
        assert cp.fraction == 0 and not cp.done
    assert next_step(progress).chapter.id == "introduction"


def test_reference_lists_are_not_counted_as_questions(engine, partnership):
    intro = _by_chapter(engine, partnership.id)["introduction"]
    all_prompts = content().chapter("introduction").prompts
    assert any(p.type == "reference" for p in all_prompts)
    assert intro.total == len([p for p in all_prompts if p.type != "reference" and not p.optional])
    assert any(p.optional for p in all_prompts)  # "What did the last strategy achieve?" is not counted either


def test_answering_moves_the_first_unanswered_on(engine, partnership, author):
    save_answer(engine, partnership.id, "intro.purpose", "Because", expected_version=0, author=author)
    intro = _by_chapter(engine, partnership.id)["introduction"]
    assert intro.answered == 1
    assert intro.first_unanswered.id == "intro.audience"
    assert intro.fraction == 1 / intro.total


def test_blank_answers_and_empty_lists_do_not_count(engine, partnership, author):
    save_answer(engine, partnership.id, "intro.purpose", "  \n\t ", expected_version=0, author=author)
    save_answer(engine, partnership.id, "intro.scope_forms", [], expected_version=0, author=author)
    assert _by_chapter(engine, partnership.id)["introduction"].answered == 0


def test_a_table_counts_while_it_has_a_live_row(engine, partnership, author):
    row = add_row(engine, partnership.id, "vision.priorities", {"priority": "Recognise abuse earlier"}, author=author)
    assert _by_chapter(engine, partnership.id)["shared_vision"].answered == 1
    delete_row(engine, partnership.id, row.id, author=author)
    vision = _by_chapter(engine, partnership.id)["shared_vision"]
    assert vision.answered == 0
    assert vision.first_unanswered.id == "vision.statement"


def test_a_finished_chapter_sends_you_to_the_next(engine, partnership, author):
    for prompt_id in _answerable("introduction"):
        prompt = content().prompts[prompt_id]
        value = {"choice": "children", "multichoice": ["online"]}.get(prompt.type, f"Answer to {prompt_id}")
        save_answer(engine, partnership.id, prompt_id, value, expected_version=0, author=author)
    progress = chapter_progress(engine, partnership.id)
    intro = progress[0]
    assert intro.done and intro.fraction == 1.0 and intro.first_unanswered is None
    assert next_step(progress).chapter.id == "shared_vision"


def test_answers_of_another_partnership_do_not_count(engine, partnership, author):
    from strategy.people.partnerships import create_partnership

    other = create_partnership(engine, name="Vale Partnership", nation="wales")
    save_answer(engine, other.id, "intro.purpose", "Theirs", expected_version=0, author=author)
    assert _by_chapter(engine, partnership.id)["introduction"].answered == 0
