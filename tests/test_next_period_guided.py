"""Starting the next strategy period as a guided step (issue 19, Guide §15.4): the new period has its
own years, title and no sign-off or review date; completed actions are summarised, not copied; each
measure's latest reading becomes its dated baseline; unfinished actions start again with a note of
where they came from; all in one transaction, with a stored link both ways. And the rates per 10,000
children in the Word draft's section 4."""

from __future__ import annotations

import io

import pytest
from docx import Document
from streamlit.testing.v1 import AppTest

from strategy.answers.operations import add_row, delete_row, get_answer, get_answers, list_rows, save_answer
from strategy.chain import next_period as NP
from strategy.chain.next_period import Carry, carry_forward, preview
from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database
from strategy.core.errors import InvalidInput, NotAllowed
from strategy.core.models import stored_id
from strategy.delivery.operations import latest_updates, list_readings, list_updates
from strategy.documents.draft import export_docx
from strategy.evidence import analysis as ev
from strategy.people.partnerships import create_partnership, get_partnership, list_partnerships
from strategy.people.periods import period_link
from strategy.plan.operations import load_plan
from strategy.ui.state import PARTNERSHIP_KEY
from tests.people_support import member, sign_in_as, snapshot
from tests.test_app import APP


def _set(engine, pid, prompt_id, value, author):
    current = get_answer(engine, pid, prompt_id)
    save_answer(engine, pid, prompt_id, value, expected_version=current.version if current else 0, author=author)


def _done(engine, pid) -> list[str]:
    plan = load_plan(engine, pid)
    latest = latest_updates(list_updates(engine, pid))
    return [plan.code("action", x.id) for x in plan.all_actions() if (latest[x.id].status if x.id in latest else x.status) == "complete"]


# --- The operation ----------------------------------------------------------------------------------


def test_the_new_period_has_its_own_years_title_and_dates_and_only_what_continues(engine, demo_id, author):
    _set(engine, demo_id, "finalise.title", "Harbourshire strategy 2026 to 2029", author)
    _set(engine, demo_id, "finalise.next_review", "2028-03-31", author)
    done = _done(engine, demo_id)
    old_readings = list_readings(engine, demo_id)
    old_plan = load_plan(engine, demo_id)
    assert done and old_readings

    result = carry_forward(engine, demo_id, start=2029, end=2032, author=author)
    new_id = result.partnership_id
    new = get_partnership(engine, new_id)
    assert (new.period_start, new.period_end) == (2029, 2032) and "2029 to 2032" in new.name
    answers = {k: a.value for k, a in get_answers(engine, new_id).items()}
    assert answers["finalise.title"] == "Harbourshire strategy 2029 to 2032"
    assert not answers.get("finalise.next_review") and answers["finalise.status"] == "draft"
    # Completed actions are not live actions: they are in the record only.
    plan = load_plan(engine, new_id)
    live = {plan.code("action", x.id) for x in plan.all_actions()}
    assert not set(done) & live
    before, after = period_link(engine, new_id)
    assert after is None and before is not None and before.previous_id == demo_id
    assert all(code in before.carried for code in result.actions_completed)
    assert "Completed in the last period (not copied)" in before.carried
    assert period_link(engine, demo_id)[1].next_id == new_id
    # Old readings are the baseline only: none live, the latest of each is the dated baseline.
    assert list_readings(engine, new_id) == [] and list_readings(engine, demo_id) == old_readings
    for code in result.new_baselines:
        m = next(x for x in plan.all_measures() if plan.code("measure", x.id) == code)
        old_m = next(x for x in old_plan.all_measures() if old_plan.code("measure", x.id) == code)
        last = [r for r in old_readings if r.measure_id == old_m.id][-1]
        assert m.baseline_value == f"{last.value} ({last.period})" and m.baseline_date == last.period_start
    # Unfinished actions start again, saying where they came from; their history comes with them.
    latest = latest_updates(list_updates(engine, new_id))
    assert result.actions_carried
    for action in plan.all_actions():
        u = latest[action.id]
        assert u.status == "not_started"
        assert u.note.startswith("Carried forward from Demo partnership (2026 to 2029), where it was ")
    # The old period is unchanged apart from being archived.
    assert get_partnership(engine, demo_id).archived
    assert _done(engine, demo_id) == done


def test_a_failure_halfway_leaves_no_new_partnership_behind(engine, demo_id, author, monkeypatch):
    before = snapshot(engine)
    names = [p.name for p in list_partnerships(engine, include_archived=True)]

    def broken(*args, **kwargs):
        raise InvalidInput("The disk is full (a test).")

    monkeypatch.setattr(NP, "update_measure", broken)  # after the copy, the archiving and the link
    with pytest.raises(InvalidInput, match="disk is full"):
        carry_forward(engine, demo_id, start=2029, end=2032, author=author)
    assert [p.name for p in list_partnerships(engine, include_archived=True)] == names
    assert not get_partnership(engine, demo_id).archived and period_link(engine, demo_id) == (None, None)
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2028", "2031", "overlaps this one \\(2026 to 2029\\): start it in 2029 or later"),
        ("2025", "2028", "must start after this one began"),
        ("2032", "2030", "ends \\(2030\\) before it starts"),
        ("", "", "first and last year"),
    ],
)
def test_years_overlapping_or_before_the_current_period_are_refused(engine, demo_id, author, start, end, message):
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match=message):
        carry_forward(engine, demo_id, start=start, end=end, author=author)
    assert snapshot(engine) == before


def test_starting_twice_is_refused_and_the_link_stays(engine, demo_id, author):
    first = carry_forward(engine, demo_id, start=2029, end=2032, author=author)
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="already continued by 'Demo partnership \\(2029 to 2032\\)'"):
        carry_forward(engine, demo_id, start=2032, end=2035, author=author, name="Another")
    assert snapshot(engine) == before
    assert period_link(engine, demo_id)[1].next_id == first.partnership_id


def test_a_name_already_taken_is_refused(engine, demo_id, author):
    create_partnership(engine, name="Demo partnership (2029 to 2032)", nation="england")
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="already exists"):
        carry_forward(engine, demo_id, start=2029, end=2032, author=author)
    assert snapshot(engine) == before and not get_partnership(engine, demo_id).archived


def test_a_scrutineer_cannot_start_the_next_period(engine, demo_id):
    scrutineer = member(engine, demo_id, "scrutineer", "rae")
    before = snapshot(engine)
    with pytest.raises(NotAllowed):
        carry_forward(engine, demo_id, start=2029, end=2032, author=scrutineer)
    assert snapshot(engine) == before


def test_what_to_carry_is_chosen_and_previewed(engine, demo_id, author):
    choice = Carry(actions=False, measures=False, steering_group=False, vision=False)
    shown = preview(engine, demo_id, carry=choice)
    assert any("The steering group's members." == x for x in shown.not_carried)
    assert any("you chose not to carry actions" in x for x in shown.not_carried)
    assert not any(x.startswith(("Action", "Measure")) for x in shown.carried)
    assert snapshot(engine) == snapshot(engine)  # the preview writes nothing
    everything = preview(engine, demo_id)
    assert any("its status starts again as Not started" in x for x in everything.carried)
    assert any("its latest reading" in x for x in everything.carried)
    assert any("summarised in 'What the last strategy achieved'" in x for x in everything.not_carried)

    assert list_rows(engine, demo_id, "vision.steering_group")
    result = carry_forward(engine, demo_id, start=2029, end=2032, author=author, carry=choice)
    new_id = result.partnership_id
    plan = load_plan(engine, new_id)
    assert plan.all_actions() == [] and plan.all_measures() == [] and plan.aims
    assert list_rows(engine, new_id, "vision.steering_group") == []
    assert not get_answers(engine, new_id)["vision.statement"].value
    assert get_answers(engine, demo_id)["vision.statement"].value  # the old period keeps its vision
    assert "The steering group was not carried." in period_link(engine, new_id)[0].carried


# --- The page -----------------------------------------------------------------------------------------


@pytest.fixture
def url(tmp_path, monkeypatch, db_templates):
    url = db_templates.sqlite(tmp_path / "period.sqlite3", demo=True)
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    dispose_engine(url)


def _page(pid: int, role: str, name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state[PARTNERSHIP_KEY] = str(pid)
    sign_in_as(at, Author.make(name), role=role, partnership_id=pid)
    at.run()
    at.switch_page("views/partnerships.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _read(elements) -> str:
    """What the person reads (markdown escapes taken out)."""
    return " ".join(e.value.replace("\\", "") for e in elements)


def _demo(url) -> int:
    engine = prepare_database(url)
    return next(stored_id(p) for p in list_partnerships(engine) if p.name == "Demo partnership")


def test_an_owner_previews_and_starts_the_next_period_on_the_page(url):
    engine = prepare_database(url)
    pid = _demo(url)
    at = _page(pid, "owner", "Olu Owner")
    assert [b.label for b in at.button if b.label == "Start the next period"]
    text = _read(at.markdown)
    assert "its status starts again as Not started" in text and "The steering group" in text
    next(c for c in at.checkbox if c.label.startswith("The steering group")).uncheck().run()
    assert "The steering group's members." in _read(at.expander[1].markdown)
    # Overlapping years: refused with a message, nothing started.
    next(t for t in at.text_input if t.label == "First year of the next period").input("2028").run()
    next(b for b in at.button if b.label == "Start the next period").click().run()
    assert "overlaps this one (2026 to 2029)" in _read(at.error)
    assert period_link(engine, pid) == (None, None)
    next(t for t in at.text_input if t.label == "First year of the next period").input("2029").run()
    next(b for b in at.button if b.label == "Start the next period").click().run()
    assert not at.exception, [e.value for e in at.exception]
    _, after = period_link(engine, pid)
    assert after is not None and at.session_state[PARTNERSHIP_KEY] == str(after.next_id)
    assert "Continues Demo partnership (2026 to 2029)." in _read(at.info)
    assert "The next period is ready" in _read(at.success)
    assert list_rows(engine, after.next_id, "vision.steering_group") == []
    at.switch_page("views/home.py").run()
    assert "Continues Demo partnership (2026 to 2029)." in _read(at.info)


def test_a_scrutineer_never_sees_the_form_and_the_old_period_says_who_continues_it(url):
    engine = prepare_database(url)
    pid = _demo(url)
    at = _page(pid, "scrutineer", "Rae Scrutton")
    assert not [b for b in at.button if b.label == "Start the next period"]
    assert not [c for c in at.checkbox if c.label.startswith("Unfinished actions")]
    result = carry_forward(engine, pid, start=2029, end=2032, author=Author.make("Olu"))
    at = _page(pid, "scrutineer", "Rae Scrutton")
    assert f"Continued by {get_partnership(engine, result.partnership_id).name}." in _read(at.info)


# --- Rates per 10,000 children in the draft ------------------------------------------------------------


def _rates_table(doc):
    return next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:4] == ["Measure", "Year", "Number", "Per 10,000 children"])


def test_the_draft_shows_rates_per_10000_children_beside_england(engine, demo_id, author):
    rows = list_rows(engine, demo_id, "response.identification_figures")
    population = ev.child_population(list_rows(engine, demo_id, "context.figures"))
    table = ev.rates_table(rows, population, "england")
    first = table[table["Per 10,000 children"].notna()].iloc[0]
    measure = next(r.values["measure"] for r in rows if ev._measure_labels("england").get(r.values.get("measure")) == first["Measure"])
    add_row(
        engine,
        demo_id,
        "response.identification_figures",
        {"measure": measure, "detail": "England", "period": first["Year"], "value": "21.4", "source": "DfE"},
        author=author,
    )
    doc = Document(io.BytesIO(export_docx(engine, demo_id, charts=False)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.endswith("Per 10,000 children") for h in headings)
    found = _rates_table(doc)
    body = [[c.text for c in r.cells] for r in found.rows[1:]]
    mine = next(r for r in body if r[0] == first["Measure"] and r[1] == first["Year"] and r[4] == "England")
    assert mine[3] == f"{first['Per 10,000 children']:.1f}" and mine[5] == "21.4"
    assert any("Worked out from the child population" in p.text for p in doc.paragraphs)


def test_without_a_child_population_the_draft_says_what_to_add(engine, demo_id, author):
    for row in list_rows(engine, demo_id, "context.figures"):
        if row.values.get("indicator") == "child_population":
            delete_row(engine, demo_id, row.id, author=author)
    doc = Document(io.BytesIO(export_docx(engine, demo_id, charts=False)))
    assert any("Add the child population (children aged 0 to 17" in p.text for p in doc.paragraphs)
    assert not any([c.text for c in t.rows[0].cells][:4] == ["Measure", "Year", "Number", "Per 10,000 children"] for t in doc.tables)


def test_the_plain_copy_is_linked_too_and_cannot_be_repeated(engine, demo_id):
    from strategy.people.periods import start_next_period

    new_id = start_next_period(engine, demo_id, start=2029, end=2032, author=None)
    before, _ = period_link(engine, new_id)
    assert before is not None and before.previous_id == demo_id and "copied as it stood" in before.carried
    with pytest.raises(InvalidInput, match="already continued by"):
        start_next_period(engine, demo_id, start=2032, end=2035, author=None, name="Later")


def test_two_owners_starting_at_once_the_second_is_refused(engine, demo_id, author, monkeypatch):
    """The second owner's check ran before the first one's link was stored (simulated): the unique link
    refuses it, with a message, and leaves nothing of it behind."""
    from strategy.people import periods

    first = carry_forward(engine, demo_id, start=2029, end=2032, author=author)
    before = snapshot(engine)
    monkeypatch.setattr(periods, "period_link", lambda *a, **k: (None, None))
    with pytest.raises(InvalidInput, match="Someone else started the next period"):
        carry_forward(engine, demo_id, start=2029, end=2032, author=author, name="Demo, second try")
    monkeypatch.undo()
    assert snapshot(engine) == before and period_link(engine, demo_id)[1].next_id == first.partnership_id


def test_a_draft_in_wales_sets_its_rates_beside_wales_and_the_region(engine, author):
    p = create_partnership(engine, name="Cwm Partnership", nation="wales")
    measure = next(iter(ev._measure_labels("wales")))
    add_row(engine, p.id, "context.figures", {"indicator": "child_population", "period": "2024", "value": "50000"}, author=author)
    for detail, value in (("", "120"), ("Wales", "30.5"), ("Region", "27.0")):
        add_row(
            engine,
            p.id,
            "response.identification_figures",
            {"measure": measure, "detail": detail, "period": "2024/25", "value": value},
            author=author,
        )
    doc = Document(io.BytesIO(export_docx(engine, p.id, charts=False)))
    body = [[c.text for c in r.cells] for r in _rates_table(doc).rows[1:]]
    assert sorted((r[4], r[5]) for r in body) == [("Region", "27"), ("Wales", "30.5")]
    assert all(r[3] == "24.0" and r[2] == "120" for r in body)  # 120 / 50,000 children x 10,000
    assert not any("No comparator recorded yet" in para.text for para in doc.paragraphs)
