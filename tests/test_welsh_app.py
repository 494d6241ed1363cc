"""The Welsh versions on the pages (issue 20), through Streamlit's AppTest: a partnership in Wales writes the
Welsh of each answer beside the English and of each plan title in a table, sees how much has a Welsh
version, and what is possibly out of date; a partnership in England sees nothing new."""

from __future__ import annotations

import pytest
import streamlit as st

from strategy.answers.operations import add_row, get_answer, save_answer
from strategy.answers.welsh import save_welsh_answer, save_welsh_title, welsh_answers, welsh_titles
from strategy.core.authors import Author
from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P
from strategy.ui.state import AUTHOR_KEY
from tests.test_app import app, engine, open_page, text_area, url  # noqa: F401  (fixtures)

SAM = Author.make("Sam Patel", "Bro Council")
PURPOSE_LABEL = "Why does your partnership need this strategy?"
WELSH_PURPOSE = PURPOSE_LABEL + " (Cymraeg)"


@pytest.fixture
def wales(engine):  # noqa: F811
    return create_partnership(engine, name="Bro Morgannwg", nation="wales").id


def said(elements) -> list[str]:
    return [e.value.replace("\\", "") for e in elements]


def test_a_partnership_in_wales_writes_the_welsh_beside_the_english(engine, wales):  # noqa: F811
    at = open_page(app(wales, SAM), "views/introduction.py")
    assert not at.exception
    text_area(at, PURPOSE_LABEL).input("Because it matters").run()
    text_area(at, WELSH_PURPOSE).input("Oherwydd ei fod yn bwysig <b>ŵ</b>").run()
    assert not at.exception
    assert get_answer(engine, wales, "intro.purpose").value == "Because it matters"
    stored = welsh_answers(engine, wales)["intro.purpose"]
    assert (stored.value, stored.saved_by) == ("Oherwydd ei fod yn bwysig <b>ŵ</b>", "Sam Patel")
    assert text_area(at, PURPOSE_LABEL).value == "Because it matters"  # the English is not touched
    # The chapter says how much has a Welsh version.
    at.switch_page("views/shared_vision.py").run()
    at.switch_page("views/introduction.py").run()
    assert any(s.startswith("Welsh versions: 1 of 1 answer") for s in said(at.success) + said(at.info))
    assert text_area(at, WELSH_PURPOSE).value == "Oherwydd ei fod yn bwysig <b>ŵ</b>"


def test_a_changed_english_shows_the_welsh_as_possibly_out_of_date_until_confirmed(engine, wales):  # noqa: F811
    english = save_answer(engine, wales, "intro.purpose", "First", expected_version=0, author=SAM)
    save_welsh_answer(engine, wales, "intro.purpose", "Cyntaf", expected_version=0, author=SAM)
    save_answer(engine, wales, "intro.purpose", "First, changed", expected_version=english.version, author=SAM)
    at = open_page(app(wales, SAM), "views/introduction.py")
    assert any(w.startswith("Possibly out of date: the English changed on ") for w in said(at.warning))
    assert any("1 possibly out of date" in s for s in said(at.info))
    next(b for b in at.button if b.label == "The Welsh still matches the English").click().run()
    assert not at.exception
    assert not welsh_answers(engine, wales)["intro.purpose"].out_of_date
    assert not any(w.startswith("Possibly out of date") for w in said(at.warning))


def test_two_people_saving_the_same_welsh_answer_see_both_texts(engine, wales):  # noqa: F811
    a = open_page(app(wales, Author.make("Ann", "Police")), "views/introduction.py")
    b = open_page(app(wales, Author.make("Ben", "Health")), "views/introduction.py")
    text_area(a, WELSH_PURPOSE).input("Testun Ann").run()
    text_area(b, WELSH_PURPOSE).input("Testun Ben").run()
    assert welsh_answers(engine, wales)["intro.purpose"].value == "Testun Ann"
    assert any("saved the Welsh of this answer while you were editing it" in w for w in said(b.warning))
    assert {"Testun Ann", "Testun Ben"} <= {t.value for t in b.text}
    next(x for x in b.button if x.label == "Keep both, one after the other").click().run()
    assert welsh_answers(engine, wales)["intro.purpose"].value == "Testun Ann\n\nTestun Ben"
    assert get_answer(engine, wales, "intro.purpose") is None  # the English was never written


def test_too_long_welsh_is_refused_with_the_message_and_nothing_is_lost(engine, wales):  # noqa: F811
    save_welsh_answer(engine, wales, "intro.purpose", "Y testun o'r blaen", expected_version=0, author=SAM)
    at = open_page(app(wales, SAM), "views/introduction.py")
    text_area(at, WELSH_PURPOSE).input("ŵ" * 1_048_576).run()
    assert any("the most it can hold is 100,000" in e.value for e in at.error)
    assert welsh_answers(engine, wales)["intro.purpose"].value == "Y testun o'r blaen"


def test_a_partnership_in_england_sees_nothing_new(engine):  # noqa: F811
    p = create_partnership(engine, name="Harbourshire", nation="england")
    save_answer(engine, p.id, "intro.purpose", "English", expected_version=0, author=SAM)
    at = open_page(app(p.id, SAM), "views/introduction.py")
    assert not at.exception
    assert not any("Cymraeg" in t.label for t in [*at.text_area, *at.text_input])
    assert not any("Welsh" in s for s in said(at.info) + said(at.success))
    at.switch_page("views/home.py").run()
    assert not any("Welsh versions" in s for s in said(at.info) + said(at.success))
    P.add_aim(engine, p.id, title="Aim", author=SAM)
    at.switch_page("views/theory_of_change.py").run()
    assert not any("Cymraeg" in s.value for s in at.subheader)


def test_home_and_the_plan_pages_show_the_welsh_titles_in_wales(engine, wales):  # noqa: F811
    aim = P.add_aim(engine, wales, title="Recognise more children earlier", author=SAM)
    outcome = P.add_outcome(engine, wales, aim_id=aim.id, title="Practitioners recognise the signs", author=SAM)
    P.create_action(engine, wales, outcome_id=outcome.id, title="Adopt a template", author=SAM)
    save_welsh_title(engine, wales, "aim", aim.id, "Adnabod mwy o blant", expected_version=0, author=SAM)
    at = open_page(app(wales, SAM), "views/home.py")
    assert not at.exception
    assert any(s.startswith("Welsh versions: 1 of 3 plan titles") for s in said(at.info))
    at.switch_page("views/theory_of_change.py").run()
    assert not at.exception
    assert any(s.value == "Welsh titles (Cymraeg) of the strategic aims and intended outcomes" for s in at.subheader)
    assert any(s.startswith("Welsh versions: 1 of 2 plan titles") for s in said(at.info))
    at.switch_page("views/action_plan.py").run()
    assert not at.exception
    assert any(s.value == "Welsh titles (Cymraeg) of the actions" for s in at.subheader)


def test_a_welsh_title_typed_in_the_table_saves_and_a_conflict_keeps_both(engine, wales):  # noqa: F811
    from strategy.ui import welsh_views

    aim = P.add_aim(engine, wales, title="Recognise more children earlier", author=SAM)
    priority = add_row(engine, wales, "vision.priorities", {"priority": "Recognise abuse earlier"}, author=SAM)
    rows = [
        {"kind": "priority", "id": priority.id, "version": 0, "Code": "P1"},
        {"kind": "aim", "id": aim.id, "version": 0, "Code": "A1"},
    ]
    st.session_state[AUTHOR_KEY] = SAM
    st.session_state["ed"] = {"edited_rows": {0: {"Cymraeg": "Adnabod yn gynharach <i>ŵ</i>"}, 1: {"Cymraeg": "Nod"}}}
    welsh_views._changed(engine, wales, "g", "ed", rows)
    assert welsh_titles(engine, wales) == {("priority", priority.id): "Adnabod yn gynharach <i>ŵ</i>", ("aim", aim.id): "Nod"}
    # Someone else's save in between: theirs stays, mine is offered with "Use mine instead".
    save_welsh_title(engine, wales, "aim", aim.id, "Nod arall", expected_version=1, author=Author.make("Jo"))
    rows[1]["version"] = 1
    st.session_state["ed"] = {"edited_rows": {1: {"Cymraeg": "Fy nod i"}}}
    welsh_views._changed(engine, wales, "g", "ed", rows)
    ((row, exc),) = st.session_state[welsh_views._k("conflicts", wales, "g")]
    assert (exc.theirs, exc.mine) == ("Nod arall", "Fy nod i")
    assert welsh_titles(engine, wales)[("aim", aim.id)] == "Nod arall"
    welsh_views._use_mine(engine, wales, "g", row, exc)
    assert welsh_titles(engine, wales)[("aim", aim.id)] == "Fy nod i"


def test_home_opens_the_welsh_demo_in_one_click(engine):  # noqa: F811
    from strategy.people.partnerships import list_partnerships

    at = app().run()
    next(b for b in at.button if b.label == "Open the Welsh demo (Bro Taf, in Wales)").click().run()
    assert not at.exception
    assert "Bro Taf Demo Partnership" in [s.value for s in at.header]
    assert [p.name for p in list_partnerships(engine)] == ["Bro Taf Demo Partnership"]
    assert any(s.startswith("Welsh versions: 3 of 4 answers, 7 of 9 plan titles; 1 possibly out of date") for s in said(at.info))
    at.switch_page("views/introduction.py").run()
    assert not at.exception
    assert text_area(at, WELSH_PURPOSE).value.startswith("Mae cam-drin plant yn rhywiol yn digwydd ym Mro Taf")


def test_a_scrutineer_in_wales_reads_the_welsh_as_text(engine, wales):  # noqa: F811
    save_answer(engine, wales, "intro.purpose", "Because <b>it</b> matters", expected_version=0, author=SAM)
    save_welsh_answer(engine, wales, "intro.purpose", "Oherwydd <b>ei fod</b> yn bwysig", expected_version=0, author=SAM)
    at = open_page(app(wales, Author.make("Rae Scrutton"), role="scrutineer"), "views/introduction.py")
    assert not at.exception
    assert all(t.label == "Add a comment" for t in at.text_area)
    assert {"Because <b>it</b> matters", "Oherwydd <b>ei fod</b> yn bwysig"} <= {t.value for t in at.text}


def test_the_readiness_page_gives_the_welsh_as_advice(engine, wales):  # noqa: F811
    save_answer(engine, wales, "intro.purpose", "English", expected_version=0, author=SAM)
    at = open_page(app(wales, SAM), "views/readiness.py")
    assert not at.exception
    advice = next(e for e in at.expander if e.label.startswith("Advice (2)"))
    assert any("No Welsh version yet of the answer 'Why does your partnership need this strategy?'." in m for m in said(advice.markdown))
