"""Starting the next strategy period (Guide §15.4): everything carried forward, the old period archived
and unchanged, owners only, bad years refused with nothing changed."""

from __future__ import annotations

import pytest

from strategy.answers.operations import get_answers, list_rows
from strategy.cli import main
from strategy.core.errors import InvalidInput, NotAllowed
from strategy.people.partnerships import get_partnership
from strategy.people.periods import start_next_period
from strategy.plan.operations import load_plan
from tests.people_support import member, snapshot


def test_the_next_period_carries_everything_forward_and_archives_the_old(engine, demo_id):
    pid = demo_id
    before_answers = {k: a.value for k, a in get_answers(engine, pid).items()}
    new_id = start_next_period(engine, pid, start=2029, end=2032, author=None)
    new, old = get_partnership(engine, new_id), get_partnership(engine, pid)
    assert new.name == "Demo partnership (2029 to 2032)" and (new.period_start, new.period_end) == (2029, 2032)
    assert old.archived and not new.archived and (old.period_start, old.period_end) == (2026, 2029)
    assert {k: a.value for k, a in get_answers(engine, new_id).items()} == before_answers
    assert [r.values for r in list_rows(engine, new_id, "vision.priorities")] == [
        r.values for r in list_rows(engine, pid, "vision.priorities")
    ]
    old_plan, new_plan = load_plan(engine, pid), load_plan(engine, new_id)
    assert [(old_plan.code("action", x.id), x.title) for x in old_plan.all_actions()] == [
        (new_plan.code("action", x.id), x.title) for x in new_plan.all_actions()
    ]
    # The old period is still there to read, exactly as it was.
    assert {k: a.value for k, a in get_answers(engine, pid).items()} == before_answers


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("", "2032", "first and last year"),
        ("2032", "2029", "ends \\(2029\\) before it starts"),
        ("2025", "2028", "must start after this one began"),
        ("twenty", "2032", "year such as 2026"),
    ],
)
def test_bad_years_are_refused_and_nothing_changes(engine, demo_id, start, end, message):
    pid = demo_id
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match=message):
        start_next_period(engine, pid, start=start, end=end, author=None)
    assert snapshot(engine) == before


def test_only_owners_start_the_next_period(engine, partnership):
    editor = member(engine, partnership.id, "editor", "editor")
    before = snapshot(engine)
    with pytest.raises(NotAllowed):
        start_next_period(engine, partnership.id, start=2029, end=2032, author=editor)
    assert snapshot(engine) == before
    owner = member(engine, partnership.id, "owner", "owner")
    new_id = start_next_period(engine, partnership.id, start=2029, end=2032, author=owner)
    assert get_partnership(engine, new_id).name == "Harbourshire Partnership (2029 to 2032)"


def test_a_taken_name_is_refused_and_the_old_period_is_not_archived(engine, partnership):
    from strategy.people.partnerships import create_partnership

    create_partnership(engine, name="Harbourshire Partnership (2029 to 2032)", nation="england")
    with pytest.raises(InvalidInput, match="already exists"):
        start_next_period(engine, partnership.id, start=2029, end=2032, author=None)
    assert not get_partnership(engine, partnership.id).archived


def test_next_period_on_the_command_line(sqlite_engine, sqlite_demo_id, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", str(sqlite_engine.url))
    assert main(["next-period", "Demo partnership", "--start", "2029", "--end", "2032", "--as", "Demo 2029"]) == 0
    assert "Started 'Demo 2029'; 'Demo partnership' is archived and stays readable." in capsys.readouterr().out
