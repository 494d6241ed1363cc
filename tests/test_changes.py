"""Speed without losing anything: the readiness and language checks (Home, Readiness, Finalise) are
made once and again as soon as anything they read has changed, on both databases; SQLite saves wait
for the writer's turn in the order they came."""

from __future__ import annotations

from strategy.answers.operations import get_answer, save_answer
from strategy.core.changes import change_stamp
from strategy.finalise.language import language_report
from strategy.finalise.readiness import readiness_report
from strategy.people.partnerships import update_partnership
from strategy.plan.operations import add_aim


def test_the_stamp_moves_on_every_kind_of_change_and_not_on_reading(engine, partnership, author):
    first = change_stamp(engine, partnership.id)
    readiness_report(engine, partnership.id)
    assert change_stamp(engine, partnership.id) == first  # reading changes nothing
    save_answer(engine, partnership.id, "vision.statement", "Children are safe.", expected_version=0, author=author)
    after_answer = change_stamp(engine, partnership.id)
    assert after_answer != first
    add_aim(engine, partnership.id, title="Children are protected", author=author)
    after_plan = change_stamp(engine, partnership.id)
    assert after_plan != after_answer
    update_partnership(engine, partnership.id, nation="wales", author=author)
    assert change_stamp(engine, partnership.id) != after_plan


def test_a_report_is_made_once_until_something_changes(engine, partnership, author):
    report = readiness_report(engine, partnership.id)
    assert readiness_report(engine, partnership.id) is report  # kept: Home costs nothing on a rerun
    save_answer(engine, partnership.id, "intro.purpose", "The CSA response in our area.", expected_version=0, author=author)
    again = readiness_report(engine, partnership.id)
    assert again is not report
    # What changed shows at once: the avoided abbreviation is now a finding.
    assert any("'CSA'" in f.message for c in again.criteria for f in c.findings)
    assert not any("'CSA'" in f.message for c in report.criteria for f in c.findings)


def test_the_language_check_sees_an_edit_at_once(engine, partnership, author):
    assert language_report(engine, partnership.id).terms == []
    save_answer(engine, partnership.id, "intro.purpose", "Every perpetrator will be found.", expected_version=0, author=author)
    found = language_report(engine, partnership.id).terms
    assert [t.found for t in found] == ["perpetrator"]
    current = get_answer(engine, partnership.id, "intro.purpose")
    save_answer(
        engine,
        partnership.id,
        "intro.purpose",
        "Every person who has sexually abused a child will be found.",
        expected_version=current.version,
        author=author,
    )
    assert language_report(engine, partnership.id).terms == []


def test_saves_waiting_for_sqlite_take_their_turn_in_the_order_they_came():
    import threading
    import time

    from strategy.core.db import FairLock

    lock, order = FairLock(), []
    lock.acquire()
    lock.acquire()  # the same thread again (a write inside a write): it already has its turn
    lock.release()

    def save(name: str) -> None:
        lock.acquire()
        order.append(name)
        lock.release()

    threads = []
    for name in "BCDEFG":
        thread = threading.Thread(target=save, args=(name,))
        thread.start()
        threads.append(thread)
        while len(lock._waiting) < len(threads):  # this one is queued before the next comes
            time.sleep(0.001)
    lock.release()
    for thread in threads:
        thread.join(5)
    assert order == list("BCDEFG")
