"""The workshop, involvement, "From evidence to plan" pages and the facilitator's survey-link panel in
Welsh for a person who chose Cymraeg, English unchanged for one who did not; and the survey link's public
page keeping what was typed when its "Cymraeg / English" choice is switched."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from strategy.answers.io import SURVEY
from strategy.answers.operations import list_rows
from strategy.assessments import survey_links as sl
from strategy.core.authors import Author
from strategy.core.models import stored_id
from strategy.people.partnerships import create_partnership
from tests.people_support import member
from tests.test_app import APP, engine, url  # noqa: F401  (fixtures)
from tests.welsh_support import app_in_language, opened, page_words

AUTHOR = Author.make("Sam Patel", "Cyngor Sir")


# --- The public survey page: what was typed survives a change of language -----------------------


def _public(token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[sl.LINK_PARAMETER] = token
    return at.run()


def _key(at: AppTest, question: str) -> str:
    return next(w.key for w in [*at.text_input, *at.text_area] if w.key and w.key.endswith("|" + question))


def _radio(at: AppTest, question: str):
    return next(r for r in at.radio if r.key and r.key.endswith("|" + question))


def test_typed_answers_survive_a_change_of_language_and_are_sent(engine):  # noqa: F811
    member(engine, None, None, "alex.admin", is_admin=True)
    pid = stored_id(create_partnership(engine, name="Partneriaeth Glannau", nation="wales"))
    token = sl.open_survey_link(engine, pid, "staff", author=AUTHOR)
    at = _public(token)
    assert not at.exception
    at.text_input(key=_key(at, "agency")).input("Heddlu")
    at.text_input(key=_key(at, "role")).input("Ditectif gwnstabl")
    _radio(at, "confidence").set_value("4")
    at.text_area(key=_key(at, "comment")).input("Mwy o hyfforddiant.")
    at.run()

    next(r for r in at.radio if r.key == "survey_language").set_value("en").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Staff survey on child sexual abuse"]
    assert at.text_input(key=_key(at, "agency")).value == "Heddlu"
    assert at.text_input(key=_key(at, "role")).value == "Ditectif gwnstabl"
    assert _radio(at, "confidence").value == "4"
    assert at.text_area(key=_key(at, "comment")).value == "Mwy o hyfforddiant."

    next(r for r in at.radio if r.key == "survey_language").set_value("cy").run()  # and back again
    assert at.text_input(key=_key(at, "agency")).value == "Heddlu"
    assert _radio(at, "confidence").value == "4"
    at.text_input(key=_key(at, "role")).input("Rhingyll")  # changed after the switch
    next(r for r in at.radio if r.key == "survey_language").set_value("en").run()
    at.button(key=next(b.key for b in at.button if b.label == "Send my answers")).click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Thank you: your answers were sent."]
    (row,) = list_rows(engine, pid, SURVEY)
    assert row.values["agency"] == "Heddlu" and row.values["role"] == "Rhingyll"
    assert row.values["confidence"] == 4 and row.values["comment"] == "Mwy o hyfforddiant."


# --- The pages for a person who chose Cymraeg, and for one who did not ---------------------------


def _person(engine, pid: int, name: str, *, welsh: bool) -> AppTest:  # noqa: F811
    return app_in_language(engine, pid, Author.make(name, "Heddlu"), language="cy" if welsh else "en", role="editor")


_open = opened


_shown = page_words


def test_the_workshop_page_in_welsh_and_in_english(engine, sqlite_demo_id):  # noqa: F811
    cy = _open(_person(engine, sqlite_demo_id, "Ann Jones", welsh=True), "views/workshop.py")
    assert cy.title[0].value == "Gweithdai"
    assert "Canllaw Rhan A: gweithdai'r grŵp llywio" in _shown(cy)
    mode = cy.radio(key="workshop_mode")
    assert mode.options == ["Cymryd rhan", "Sgrin a rennir", "Hwyluso"] and mode.value == "Facilitate"
    shown = _shown(cy)
    assert "Trefnu gweithdy" in shown and "Set up a workshop" not in shown
    assert "Y cofnod fel CSV" in [b.label for b in cy.get("download_button")]
    mode.set_value("Shared screen").run()
    assert not cy.exception
    assert [m.label for m in cy.metric][:2] == ["Cam", "Yn cymryd rhan"]
    assert cy.metric[0].value.replace("\\", "") == "5. Yn y strategaeth"
    mode.set_value("Take part").run()
    assert not cy.exception and "pleidlais" in _shown(cy)

    en = _open(_person(engine, sqlite_demo_id, "Ben Evans", welsh=False), "views/workshop.py")
    assert en.title[0].value == "Workshops"
    assert en.radio(key="workshop_mode").options == ["Take part", "Shared screen", "Facilitate"]
    assert "Set up a workshop" in _shown(en) and "Trefnu gweithdy" not in _shown(en)
    en.radio(key="workshop_mode").set_value("Shared screen").run()
    assert [m.label for m in en.metric][:2] == ["Stage", "Taking part"] and en.metric[0].value.replace("\\", "") == "5. In the strategy"


def test_the_involvement_page_in_welsh_and_in_english(engine, sqlite_demo_id):  # noqa: F811
    cy = _open(_person(engine, sqlite_demo_id, "Ann Jones", welsh=True), "views/involvement.py")
    assert cy.title[0].value == "Cyfranogiad: dywedoch chi, gwnaethom ni"
    heads = [h.value for h in cy.subheader]
    assert "04/02/2026 · Plant a phobl ifanc" in heads and "Dywedoch chi, gwnaethom ni" in heads
    shown = _shown(cy)
    assert "Y cofnod" in shown and "Beth newidiodd o'i herwydd" in shown and "Tynnu'r ymgysylltiad hwn" in shown
    assert "Cofnodi ymgysylltiad" in shown and "What was heard" not in shown
    frames = [list(d.value.columns) for d in cy.dataframe]
    assert ["Lleisiau pwy", "Ymgysylltiadau", "Newidiadau yn y cynllun"] in frames
    assert ["Pryd a gyda phwy", "Dywedoch chi", "Gwnaethom ni"] in frames

    en = _open(_person(engine, sqlite_demo_id, "Ben Evans", welsh=False), "views/involvement.py")
    assert en.title[0].value == "Involvement: you said, we did"
    assert "04/02/2026 · Children and young people" in [h.value for h in en.subheader]
    assert ["When and with whom", "You said", "We did"] in [list(d.value.columns) for d in en.dataframe]
    assert "Record an engagement" in _shown(en) and "Cofnodi" not in _shown(en)


def test_the_chain_page_in_welsh_and_in_english(engine, sqlite_demo_id):  # noqa: F811
    cy = _open(_person(engine, sqlite_demo_id, "Ann Jones", welsh=True), "views/chain.py")
    assert cy.title[0].value == "O'r dystiolaeth i'r cynllun"
    heads = [h.value for h in cy.header]
    assert heads == [
        "Awgrymiadau o'r dystiolaeth",
        "Sut mae'r cynllun yn ateb y dystiolaeth",
        "Cysylltiadau",
        "Y gadwyn drwy un cam gweithredu neu fesur",
    ]
    columns = [c for d in cy.dataframe for c in d.value.columns]
    assert {"Penderfyniad", "Beth mae'n ei ddangos", "Cam", "Cod"} <= set(columns)
    assert "Cam gweithredu neu fesur" in [s.label for s in cy.selectbox]

    en = _open(_person(engine, sqlite_demo_id, "Ben Evans", welsh=False), "views/chain.py")
    assert [h.value for h in en.header] == [
        "Suggestions from the evidence",
        "How the plan answers the evidence",
        "Links",
        "The chain through one action or measure",
    ]
    assert {"Decision", "What it shows", "Step", "Code"} <= {c for d in en.dataframe for c in d.value.columns}


def test_the_facilitators_survey_link_panel_in_welsh(engine):  # noqa: F811
    pid = stored_id(create_partnership(engine, name="Partneriaeth Glannau", nation="wales"))
    at = _open(_person(engine, pid, "Ann Jones", welsh=True), "views/workforce.py")
    assert "Ateb yn y porwr: dolen arolwg" in [e.label for e in at.expander]
    assert "Dim dolen eto." in [x.value for x in at.text]
    assert any(c.value.startswith("Rhannwch ddolen i yr arolwg staff") for c in at.caption)
    at.button(key=next(b.key for b in at.button if b.label == "Agor dolen")).click().run()
    assert not at.exception
    token = next(c.value for c in at.code if "?survey=" in c.value).split("?survey=", 1)[1]
    sl.submit_survey_response(engine, token, {"agency": "Heddlu", "confidence": "3"}, client="a")
    at.run()
    assert any(x.value.startswith("Ar agor tan ") and x.value.endswith(". 1 ymateb drwy'r ddolen.") for x in at.text)
    assert "Cau'r ddolen nawr" in [b.label for b in at.button]
