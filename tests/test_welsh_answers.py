"""Welsh versions of answers and plan titles (issue 20), for partnerships in Wales: saved and version-checked
like the English, "possibly out of date" when the English changes, counted for Home and the chapters, listed
as advice by the readiness check; refused for England and for questions not answered in words."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlmodel import select

from strategy.answers.operations import add_row, answer_history, get_answer, list_rows, save_answer
from strategy.answers.welsh import (
    DONE,
    MISSING,
    OUT_OF_DATE,
    TITLE_LIMITS,
    WelshAnswer,
    out_of_date_words,
    restore_welsh_answer,
    save_welsh_answer,
    save_welsh_title,
    welsh_answer_history,
    welsh_answers,
    welsh_coverage,
    welsh_title_rows,
    welsh_titles,
)
from strategy.core.db import read_session
from strategy.core.errors import Conflict, InvalidInput, NotFound
from strategy.core.models import AnswerWelsh, TitleWelsh
from strategy.finalise.readiness import ADVICE, MET, readiness_report
from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P

PURPOSE, AUDIENCE = "intro.purpose", "intro.audience"


@pytest.fixture
def wales(engine):
    return create_partnership(engine, name="Bro Morgannwg", nation="wales", areas="Bro", period_start=2026, period_end=2029).id


def _welsh_rows(engine, pid) -> list[tuple[str, str, int]]:
    with read_session(engine) as session:
        return [(r.prompt_id, r.value, r.version) for r in session.exec(select(AnswerWelsh).where(AnswerWelsh.partnership_id == pid))]


# --- Answers ----------------------------------------------------------------------------------------


def test_a_welsh_answer_saves_beside_the_english_and_goes_out_of_date_when_the_english_changes(engine, wales, author, other_author):
    english = save_answer(engine, wales, PURPOSE, "Child sexual abuse happens here.", expected_version=0, author=author)
    saved = save_welsh_answer(
        engine, wales, PURPOSE, "Mae cam-drin plant yn rhywiol yn digwydd yma. ŵ ŷ", expected_version=0, author=other_author
    )
    assert (saved.value, saved.version, saved.by) == ("Mae cam-drin plant yn rhywiol yn digwydd yma. ŵ ŷ", 1, "Jo Evans")
    got = welsh_answers(engine, wales)[PURPOSE]
    assert isinstance(got, WelshAnswer)
    assert (got.value, got.version, got.saved_by, got.out_of_date) == (saved.value, 1, "Jo Evans", False)
    # The English answer is untouched by the Welsh.
    assert get_answer(engine, wales, PURPOSE).value == "Child sexual abuse happens here."

    changed = save_answer(
        engine, wales, PURPOSE, "Child sexual abuse happens here every day.", expected_version=english.version, author=author
    )
    got = welsh_answers(engine, wales)[PURPOSE]
    assert got.out_of_date and got.english_changed_at == changed.at
    assert out_of_date_words(got.english_changed_at).startswith("Possibly out of date: the English changed on ")

    # Saving the same Welsh again says it still matches (recorded as such): up to date, one version on.
    confirmed = save_welsh_answer(engine, wales, PURPOSE, got.value, expected_version=got.version, author=other_author, action="confirm")
    assert confirmed.version == 2 and not welsh_answers(engine, wales)[PURPOSE].out_of_date
    assert welsh_answer_history(engine, wales, PURPOSE)[0].action == "confirm"
    # Changing the English back or again marks it once more; a new Welsh text clears it.
    save_answer(engine, wales, PURPOSE, "Something else.", expected_version=changed.version, author=author)
    assert welsh_answers(engine, wales)[PURPOSE].out_of_date
    save_welsh_answer(engine, wales, PURPOSE, "Rhywbeth arall.", expected_version=2, author=other_author)
    assert not welsh_answers(engine, wales)[PURPOSE].out_of_date


def test_the_welsh_history_is_its_own_and_an_earlier_welsh_text_comes_back(engine, wales, author):
    save_answer(engine, wales, PURPOSE, "English", expected_version=0, author=author)
    first = save_welsh_answer(engine, wales, PURPOSE, "Drafft cyntaf", expected_version=0, author=author)
    save_welsh_answer(engine, wales, PURPOSE, "Ail ddrafft", expected_version=first.version, author=author)
    welsh_history = welsh_answer_history(engine, wales, PURPOSE)
    assert [r.new_value for r in welsh_history] == ["Ail ddrafft", "Drafft cyntaf"]
    assert [r.new_value for r in answer_history(engine, wales, PURPOSE)] == ["English"]  # no Welsh in the English history
    restore_welsh_answer(engine, wales, welsh_history[1].id, author=author)
    assert welsh_answers(engine, wales)[PURPOSE].value == "Drafft cyntaf"
    assert welsh_answer_history(engine, wales, PURPOSE)[0].action == "revert"
    # An English revision is not a Welsh one to restore.
    with pytest.raises(NotFound):
        restore_welsh_answer(engine, wales, answer_history(engine, wales, PURPOSE)[0].id, author=author)


def test_two_people_saving_the_same_welsh_answer_meet_a_conflict_and_nothing_is_lost(engine, wales, author, other_author):
    save_welsh_answer(engine, wales, AUDIENCE, "Testun Sam", expected_version=0, author=author)
    with pytest.raises(Conflict) as caught:
        save_welsh_answer(engine, wales, AUDIENCE, "Testun Jo", expected_version=0, author=other_author)
    exc = caught.value
    assert (exc.theirs, exc.mine, exc.theirs_by, exc.theirs_version) == ("Testun Sam", "Testun Jo", "Sam Patel", 1)
    assert "saved the Welsh of this answer while you were editing it" in exc.message
    assert welsh_answers(engine, wales)[AUDIENCE].value == "Testun Sam"
    copies = [r for r in welsh_answer_history(engine, wales, AUDIENCE) if r.action == "conflict_copy"]
    assert [c.new_value for c in copies] == ["Testun Jo"]
    # Choosing "mine" saves it over theirs with the version the conflict reported.
    save_welsh_answer(engine, wales, AUDIENCE, exc.mine, expected_version=exc.theirs_version, author=other_author)
    assert welsh_answers(engine, wales)[AUDIENCE].value == "Testun Jo"


def test_welsh_first_saves_at_the_same_moment_keep_both(engine, wales, author, other_author):
    results: list = []

    def save(who, text):
        try:
            results.append(save_welsh_answer(engine, wales, PURPOSE, text, expected_version=0, author=who))
        except Conflict as exc:
            results.append(exc)

    threads = [threading.Thread(target=save, args=(a, t)) for a, t in ((author, "Un"), (other_author, "Dau"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Saved"]
    kept = {r.new_value for r in welsh_answer_history(engine, wales, PURPOSE)}
    assert kept == {"Un", "Dau"}


def test_a_question_not_answered_in_words_has_no_welsh_version(engine, wales, author):
    for prompt_id in ("intro.scope_ages", "intro.scope_forms", "vision.priorities", "vision.steering_group"):
        with pytest.raises(InvalidInput, match="not answered in words, so it has no Welsh version"):
            save_welsh_answer(engine, wales, prompt_id, "Testun", expected_version=0, author=author)
    with pytest.raises(NotFound):
        save_welsh_answer(engine, wales, "intro.no_such_question", "Testun", expected_version=0, author=author)
    assert _welsh_rows(engine, wales) == []


def test_a_partnership_in_england_is_refused_a_welsh_version(engine, partnership, author):
    save_answer(engine, partnership.id, PURPOSE, "English", expected_version=0, author=author)
    with pytest.raises(InvalidInput, match="is a partnership in England, so its answers have no Welsh version"):
        save_welsh_answer(engine, partnership.id, PURPOSE, "Cymraeg", expected_version=0, author=author)
    assert _welsh_rows(engine, partnership.id) == []
    assert welsh_answers(engine, partnership.id) == {}
    with pytest.raises(InvalidInput, match="partnership in England"):
        save_welsh_title(
            engine,
            partnership.id,
            "aim",
            P.add_aim(engine, partnership.id, title="Aim", author=author).id,
            "Nod",
            expected_version=0,
            author=author,
        )


def test_welsh_text_is_cleaned_like_english_markup_kept_literally_and_too_long_refused(engine, wales, author):
    markup = "<script>alert(1)</script> [cliciwch](javascript:alert(1)) **trwm** & ]]> =SUM(A1)"
    saved = save_welsh_answer(engine, wales, PURPOSE, markup + "\x00\x07\r\nail linell", expected_version=0, author=author)
    assert saved.value == markup + "\nail linell" and saved.removed_characters == 2
    # A one-line question keeps one line, as in English.
    one_line = save_welsh_answer(engine, wales, "finalise.title", "Strategaeth\nCam-drin", expected_version=0, author=author)
    assert one_line.value == "Strategaeth Cam-drin"
    with pytest.raises(InvalidInput, match="the most it can hold is 100,000"):
        save_welsh_answer(engine, wales, PURPOSE, "ŵ" * 1_048_576, expected_version=saved.version, author=author)
    assert welsh_answers(engine, wales)[PURPOSE].value == saved.value  # nothing lost


def test_a_welsh_answer_saved_empty_is_missing_again(engine, wales, author):
    save_answer(engine, wales, PURPOSE, "English", expected_version=0, author=author)
    first = save_welsh_answer(engine, wales, PURPOSE, "Cymraeg", expected_version=0, author=author)
    save_welsh_answer(engine, wales, PURPOSE, "   ", expected_version=first.version, author=author)
    assert [g.key for g in welsh_coverage(engine, wales).missing] == [PURPOSE]


# --- Plan titles --------------------------------------------------------------------------------


@pytest.fixture
def plan(engine, wales, author):
    aim = P.add_aim(engine, wales, title="Recognise more children earlier", author=author)
    outcome = P.add_outcome(engine, wales, aim_id=aim.id, title="Practitioners recognise the signs", author=author)
    action = P.create_action(engine, wales, outcome_id=outcome.id, title="Adopt a template", author=author)
    priority = add_row(engine, wales, "vision.priorities", {"priority": "Recognise abuse earlier"}, author=author)
    return {"aim": aim, "outcome": outcome, "action": action, "priority": priority}


def test_welsh_titles_of_priorities_aims_outcomes_and_actions(engine, wales, author, plan):
    for kind, text in (
        ("priority", "Adnabod yn gynharach"),
        ("aim", "Adnabod mwy o blant"),
        ("outcome", "Mae ymarferwyr yn adnabod"),
        ("action", "Mabwysiadu templed"),
    ):
        saved = save_welsh_title(engine, wales, kind, plan[kind].id, f"  {text}\x00 ", expected_version=0, author=author)
        assert (saved.value, saved.version, saved.removed_characters) == (text, 1, 1)
    assert welsh_titles(engine, wales) == {
        ("priority", plan["priority"].id): "Adnabod yn gynharach",
        ("aim", plan["aim"].id): "Adnabod mwy o blant",
        ("outcome", plan["outcome"].id): "Mae ymarferwyr yn adnabod",
        ("action", plan["action"].id): "Mabwysiadu templed",
    }
    # The English title changes: the Welsh is possibly out of date, with the day it changed.
    P.update_aim(engine, wales, plan["aim"].id, expected_version=plan["aim"].version, author=author, title="Recognise every child earlier")
    rows = welsh_title_rows(engine, wales)
    assert rows[("aim", plan["aim"].id)].out_of_date and rows[("aim", plan["aim"].id)].english_changed_at is not None
    assert not rows[("outcome", plan["outcome"].id)].out_of_date
    again = save_welsh_title(engine, wales, "aim", plan["aim"].id, "Adnabod pob plentyn yn gynharach", expected_version=1, author=author)
    assert again.version == 2 and not welsh_title_rows(engine, wales)[("aim", plan["aim"].id)].out_of_date
    # A removed action's Welsh title goes with it, and comes back when the action is restored.
    P.delete(engine, wales, "action", plan["action"].id, author=author)
    assert ("action", plan["action"].id) not in welsh_titles(engine, wales)
    with pytest.raises(NotFound, match="no longer exists"):
        save_welsh_title(engine, wales, "action", plan["action"].id, "Newydd", expected_version=1, author=author)
    P.restore(engine, wales, "action", plan["action"].id, author=author)
    assert welsh_titles(engine, wales)[("action", plan["action"].id)] == "Mabwysiadu templed"


def test_two_people_saving_the_same_welsh_title_meet_a_conflict(engine, wales, author, other_author, plan):
    save_welsh_title(engine, wales, "aim", plan["aim"].id, "Un", expected_version=0, author=author)
    save_welsh_title(engine, wales, "aim", plan["aim"].id, "Dau", expected_version=1, author=author)
    with pytest.raises(Conflict) as caught:
        save_welsh_title(engine, wales, "aim", plan["aim"].id, "Tri", expected_version=1, author=other_author)
    assert (caught.value.theirs, caught.value.mine, caught.value.theirs_version) == ("Dau", "Tri", 2)
    assert welsh_titles(engine, wales)[("aim", plan["aim"].id)] == "Dau"
    with pytest.raises(Conflict):  # a first save meeting one already there
        save_welsh_title(engine, wales, "aim", plan["aim"].id, "Pedwar", expected_version=0, author=other_author)
    with read_session(engine) as session:
        assert len(session.exec(select(TitleWelsh)).all()) == 1


def test_bad_welsh_titles_are_refused_and_nothing_changes(engine, wales, author, plan, partnership):
    save_welsh_title(engine, wales, "aim", plan["aim"].id, "Nod", expected_version=0, author=author)
    with pytest.raises(InvalidInput, match="the most it can hold is 300"):
        save_welsh_title(engine, wales, "aim", plan["aim"].id, "n" * (TITLE_LIMITS["aim"] + 1), expected_version=1, author=author)
    with pytest.raises(InvalidInput, match="is not a kind of plan title"):
        save_welsh_title(engine, wales, "measure", plan["aim"].id, "Mesur", expected_version=0, author=author)
    # Another partnership's aim is not this one's.
    other = P.add_aim(engine, partnership.id, title="Elsewhere", author=author)
    with pytest.raises(NotFound):
        save_welsh_title(engine, wales, "aim", other.id, "Rhywle arall", expected_version=0, author=author)
    assert welsh_titles(engine, wales) == {("aim", plan["aim"].id): "Nod"}
    assert TITLE_LIMITS["aim"] == P.AIM_LIMIT and TITLE_LIMITS["action"] == TITLE_LIMITS["outcome"] == P.TEXT_LIMIT


# --- Coverage and the readiness check -----------------------------------------------------------


def test_coverage_counts_answers_and_titles_with_what_is_missing_or_out_of_date(engine, wales, author, plan):
    for prompt_id in (PURPOSE, AUDIENCE, "vision.statement"):
        save_answer(engine, wales, prompt_id, f"English {prompt_id}", expected_version=0, author=author)
    save_welsh_answer(engine, wales, PURPOSE, "Cymraeg", expected_version=0, author=author)
    save_welsh_answer(engine, wales, AUDIENCE, "Cymraeg", expected_version=0, author=author)
    save_answer(engine, wales, AUDIENCE, "English changed", expected_version=1, author=author)
    save_welsh_title(engine, wales, "aim", plan["aim"].id, "Nod", expected_version=0, author=author)
    coverage = welsh_coverage(engine, wales)
    assert (coverage.answers_welsh, coverage.answers_total, coverage.titles_welsh, coverage.titles_total) == (2, 3, 1, 4)
    assert coverage.summary() == "Welsh versions: 2 of 3 answers, 1 of 4 plan titles; 1 possibly out of date"
    assert {(g.key, g.state) for g in coverage.entries if g.state != DONE} == {
        ("vision.statement", MISSING),
        (AUDIENCE, OUT_OF_DATE),
        ("P1", MISSING),
        ("A1.O1", MISSING),
        ("A1.O1.1", MISSING),
    }
    intro = coverage.for_page("introduction")
    assert intro.summary() == "Welsh versions: 2 of 2 answers; 1 possibly out of date"
    assert coverage.for_page("theory_of_change").summary() == "Welsh versions: 1 of 2 plan titles"


def test_the_readiness_check_lists_the_welsh_as_advice_that_never_fails_a_criterion(engine, wales, author, plan):
    save_answer(engine, wales, PURPOSE, "English", expected_version=0, author=author)
    before = {c.id: c.level for c in readiness_report(engine, wales, today=date(2026, 6, 1)).criteria}
    report = readiness_report(engine, wales, today=date(2026, 6, 1))
    ready = next(c for c in report.criteria if c.id == "readiness")
    advice = ready.advice()
    assert advice and all(f.level == ADVICE for f in advice)
    assert advice[0].message.startswith("Welsh versions: 0 of 1 answer, 0 of 4 plan titles.")
    assert "you may publish in English first" in advice[0].message
    assert "No Welsh version yet of the answer 'Why does your partnership need this strategy?'." in [f.message for f in advice]
    assert "No Welsh version yet of the strategic aim A1 'Recognise more children earlier'." in [f.message for f in advice]
    assert not any(f.level == ADVICE for f in ready.to_fix())
    # Writing every Welsh version turns the advice into a met check; missing Welsh never lowered a criterion.
    save_welsh_answer(engine, wales, PURPOSE, "Cymraeg", expected_version=0, author=author)
    for kind in ("priority", "aim", "outcome", "action"):
        save_welsh_title(engine, wales, kind, plan[kind].id, "Teitl", expected_version=0, author=author)
    report = readiness_report(engine, wales, today=date(2026, 6, 1))
    ready = next(c for c in report.criteria if c.id == "readiness")
    assert not ready.advice()
    assert any(f.level == MET and f.message.startswith("Welsh versions: 1 of 1 answer, 4 of 4 plan titles") for f in ready.findings)
    after = {c.id: c.level for c in report.criteria}
    assert {k: v for k, v in after.items() if k != "readiness"} == {k: v for k, v in before.items() if k != "readiness"}
    assert (before["readiness"], after["readiness"]) in {("not_met", "partly"), ("partly", "partly"), ("met", "met")}
    # Out of date: advice again, saying when the English changed.
    save_answer(engine, wales, PURPOSE, "English changed", expected_version=1, author=author)
    ready = next(c for c in readiness_report(engine, wales, today=date(2026, 6, 1)).criteria if c.id == "readiness")
    assert any("is possibly out of date: the English changed on" in f.message for f in ready.advice())


def test_england_has_no_welsh_check_or_coverage(engine, partnership, author):
    save_answer(engine, partnership.id, PURPOSE, "English", expected_version=0, author=author)
    report = readiness_report(engine, partnership.id, today=date(2026, 6, 1))
    assert not any("Welsh" in f.message for c in report.criteria for f in c.findings)


# --- Backup and the demo ------------------------------------------------------------------------


def test_a_backup_carries_the_welsh_versions(engine, wales, author, plan):
    from strategy.core.authors import Author
    from strategy.people.backup import backup_partnership, restore_partnership
    from tests.people_support import member

    save_answer(engine, wales, PURPOSE, "English", expected_version=0, author=author)
    save_welsh_answer(engine, wales, PURPOSE, "Cymraeg ŵ", expected_version=0, author=author)
    save_welsh_title(engine, wales, "outcome", plan["outcome"].id, "Canlyniad", expected_version=0, author=author)
    admin = member(engine, None, None, "admin", is_admin=True)
    data = backup_partnership(engine, wales, author=admin)
    assert [r["value"] for r in data["tables"]["answer_welsh"]] == ["Cymraeg ŵ"]
    copy = restore_partnership(engine, data, new_name="Bro Morgannwg (copy)", author=admin)
    assert welsh_answers(engine, copy)[PURPOSE].value == "Cymraeg ŵ"
    outcome = next(iter(P.load_plan(engine, copy).all_outcomes()))
    assert welsh_titles(engine, copy) == {("outcome", outcome.id): "Canlyniad"}
    assert isinstance(admin, Author)


def test_the_welsh_demo_is_a_second_partnership_and_leaves_the_demo_alone(engine, demo_id):
    from strategy.demo.wales import WALES_DEMO_NAME, ensure_wales_demo
    from strategy.people.partnerships import get_partnership, list_partnerships

    before = {p.name for p in list_partnerships(engine)}
    demo_answers = {a: get_answer(engine, demo_id, a).value for a in (PURPOSE, AUDIENCE)}
    pid = ensure_wales_demo(engine)
    assert ensure_wales_demo(engine) == pid  # loading again changes nothing
    assert {p.name for p in list_partnerships(engine)} == before | {WALES_DEMO_NAME}
    assert get_partnership(engine, pid).nation == "wales"
    assert {a: get_answer(engine, demo_id, a).value for a in (PURPOSE, AUDIENCE)} == demo_answers
    coverage = welsh_coverage(engine, pid)
    assert coverage.summary() == "Welsh versions: 3 of 4 answers, 7 of 9 plan titles; 1 possibly out of date"
    assert welsh_answers(engine, pid)[PURPOSE].value.startswith("Mae cam-drin plant yn rhywiol yn digwydd ym Mro Taf")
    assert [g.key for g in coverage.out_of_date] == [AUDIENCE]
    assert len(list_rows(engine, pid, "vision.priorities")) == 3


def test_a_backup_with_an_over_long_welsh_answer_is_refused(engine, wales, author):
    from strategy.people.backup import backup_partnership, check_backup
    from tests.people_support import member

    save_welsh_answer(engine, wales, "finalise.title", "Teitl", expected_version=0, author=author)
    data = backup_partnership(engine, wales, author=member(engine, None, None, "admin", is_admin=True))
    data["tables"]["answer_welsh"][0]["value"] = "t" * 100_001
    with pytest.raises(InvalidInput, match="answer_welsh row 1, column 'value' is 100,001 characters long"):
        check_backup(data)


def test_a_scrutineer_or_viewer_cannot_write_welsh_and_nothing_changes(engine, wales, author, plan):
    from strategy.core.errors import NotAllowed
    from tests.people_support import member

    save_welsh_answer(engine, wales, PURPOSE, "Cymraeg", expected_version=0, author=author)
    save_welsh_title(engine, wales, "aim", plan["aim"].id, "Nod", expected_version=0, author=author)
    for role in ("scrutineer", "viewer"):
        who = member(engine, wales, role, f"rae-{role}")
        with pytest.raises(NotAllowed):
            save_welsh_answer(engine, wales, PURPOSE, "Newid", expected_version=1, author=who)
        with pytest.raises(NotAllowed):
            save_welsh_title(engine, wales, "aim", plan["aim"].id, "Newid", expected_version=1, author=who)
        with pytest.raises(NotAllowed):
            save_welsh_title(engine, wales, "outcome", plan["outcome"].id, "Newydd", expected_version=0, author=who)
    assert welsh_answers(engine, wales)[PURPOSE].value == "Cymraeg"
    assert welsh_titles(engine, wales) == {("aim", plan["aim"].id): "Nod"}
