"""The survey link's public page in Welsh for a partnership in Wales (issues 20 and 21): it opens in
Cymraeg with the choice "Cymraeg / English" at the top, switching to English works, a response sent in
Welsh lands exactly as one sent in English, England's page has no Welsh, and every Welsh word of the
page's data has its English beside it with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from strategy.answers.io import SURVEY
from strategy.answers.operations import list_rows
from strategy.assessments import survey_links as sl
from strategy.assessments.audit import create_audit
from strategy.assessments.io import AUDIT_COLUMNS, SNAPSHOT_COLUMNS
from strategy.core.authors import Author
from strategy.core.db import prepare_database
from strategy.core.models import stored_id
from strategy.core.settings import DATA_DIR
from strategy.guide.content import content
from strategy.people.partnerships import create_partnership
from tests.people_support import member
from tests.test_app import APP, url  # noqa: F401  (fixture: the app's SQLite file)

AUTHOR = Author(name="Sam Patel", agency="Cyngor Sir")


@pytest.fixture
def engine(url):  # noqa: F811
    engine = prepare_database(url)
    member(engine, None, None, "alex.admin", is_admin=True)
    return engine


def _partnership(engine, nation: str) -> int:
    name = "Partneriaeth Glannau" if nation == "wales" else "Harbourshire Partnership"
    return stored_id(create_partnership(engine, name=name, nation=nation))


def _public(token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[sl.LINK_PARAMETER] = token
    return at.run()


def _texts(at: AppTest) -> str:
    return "\n".join(
        [e.value for e in at.title]
        + [e.value for e in at.header]
        + [e.value for e in at.markdown]
        + [e.value for e in at.info]
        + [r.label for r in at.radio]
        + [w.label for w in [*at.text_input, *at.text_area, *at.button]]
    )


def _key(at: AppTest, question: str) -> str:
    return next(w.key for w in [*at.text_input, *at.text_area] if w.key and w.key.endswith("|" + question))


def _answer(at: AppTest, send: str) -> AppTest:
    at.text_input(key=_key(at, "agency")).input("Heddlu")
    at.text_input(key=_key(at, "role")).input("Ditectif gwnstabl")
    next(r for r in at.radio if r.key and r.key.endswith("|confidence")).set_value("4")
    next(r for r in at.radio if r.key and r.key.endswith("|talking")).set_value("dont-know")
    at.text_area(key=_key(at, "comment")).input("Mwy o hyfforddiant, os gwelwch yn dda.")
    return at.button(key=next(b.key for b in at.button if b.label == send)).click().run()


def test_a_wales_link_opens_in_welsh_and_switches_to_english(engine):
    pid = _partnership(engine, "wales")
    token = sl.open_survey_link(engine, pid, "staff", author=AUTHOR)
    at = _public(token)
    assert not at.exception
    choice = next(r for r in at.radio if r.key == "survey_language")
    assert choice.label == "Cymraeg / English" and choice.options == ["Cymraeg", "English"] and choice.value == "cy"
    assert [t.value for t in at.title] == ["Arolwg staff ar gam-drin plant yn rhywiol"]
    shown = _texts(at)
    assert "Nid oes gofyn am enwau na chyfeiriadau e-bost" in shown  # the privacy line
    assert "Hyder wrth nodi ac ymateb (1-5)" in shown and "Asiantaeth (gofynnol)" in shown
    assert "Anfon fy atebion" in shown and "Send my answers" not in shown
    assert "Ddim yn gwybod" in next(r for r in at.radio if r.key.endswith("|confidence")).options

    choice.set_value("en").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Staff survey on child sexual abuse"]
    shown = _texts(at)
    assert "No names or email addresses" in shown and "Agency (required)" in shown and "Send my answers" in shown
    assert "Anfon fy atebion" not in shown
    assert next(r for r in at.radio if r.key == "survey_language").label == "Cymraeg / English"  # still there


def test_a_response_sent_in_welsh_lands_as_one_sent_in_english(engine):
    pid = _partnership(engine, "wales")
    token = sl.open_survey_link(engine, pid, "staff", author=AUTHOR)
    at = _answer(_public(token), "Anfon fy atebion")
    assert not at.exception
    assert [s.value for s in at.success] == ["Diolch: mae eich atebion wedi'u hanfon."]
    at = _public(token)
    next(r for r in at.radio if r.key == "survey_language").set_value("en").run()
    at = _answer(at, "Send my answers")
    assert [s.value for s in at.success] == ["Thank you: your answers were sent."]
    welsh, english = (row.values for row in list_rows(engine, pid, SURVEY))
    assert welsh == english
    assert welsh["confidence"] == 4 and welsh["talking"] is None and welsh["comment"] == "Mwy o hyfforddiant, os gwelwch yn dda."


def test_an_england_link_shows_no_welsh(engine):
    pid = _partnership(engine, "england")
    token = sl.open_survey_link(engine, pid, "staff", author=AUTHOR)
    at = _public(token)
    assert not at.exception
    assert not any(r.key == "survey_language" for r in at.radio)
    shown = _texts(at)
    assert "Staff survey on child sexual abuse" in shown and "Cymraeg" not in shown and "Anfon" not in shown
    assert sl.survey_form(engine, token, language="cy").language == "en"  # asking for Welsh changes nothing


def test_messages_in_welsh_closed_rate_limited_and_identifying(engine, monkeypatch):
    pid = _partnership(engine, "wales")
    token = sl.open_survey_link(engine, pid, "staff", author=AUTHOR)
    with pytest.raises(sl.NeedsConfirmation) as caught:
        sl.submit_survey_response(engine, token, {"agency": "Heddlu", "comment": "Jamie, 12, told a teacher."}, client="a", language="cy")
    assert caught.value.message.startswith("Gall rhywfaint o'r hyn a ysgrifennoch adnabod plentyn")
    monkeypatch.setenv("WORKBOOK_SURVEY_PER_CLIENT", "1")
    sl.submit_survey_response(engine, token, {"agency": "Heddlu", "confidence": "3"}, client="a", language="cy")
    with pytest.raises(sl.TooManyResponses) as refused:
        sl.submit_survey_response(engine, token, {"agency": "Heddlu", "confidence": "3"}, client="a", language="cy")
    assert re.search(r"anfonwch nhw eto ymhen \d+ eiliad\.$", refused.value.message)
    sl.set_survey_link(engine, pid, "staff", author=AUTHOR, closed=True)
    at = _public(token)
    assert [i.value for i in at.info] == [sl.say("closed", "cy"), sl.say("closed", "en")]  # Welsh first


def test_the_audit_and_strategic_surveys_in_welsh_store_the_same_values(engine):
    pid = _partnership(engine, "wales")
    audit = stored_id(create_audit(engine, pid, theme="Cam-drin o fewn y teulu", author=AUTHOR))
    token = sl.open_survey_link(engine, pid, "audit", audit, author=AUTHOR)
    form = sl.survey_form(engine, token, language="cy")
    questions = {q.id: q for q in form.questions}
    assert questions["aware_strategy"].options == (("Yes", "Ydw"), ("No", "Nac ydw"))
    assert questions["barrier"].options[1] == ("Did not know it existed", "Doeddwn i ddim yn gwybod ei fod yn bodoli")
    answers = {"agency": "Iechyd", "aware_strategy": "Yes", "barrier": "Did not know it existed", "confidence_identify": "2"}
    assert sl.submit_survey_response(engine, token, answers, client="a", language="cy") == 1
    assert sl.submit_survey_response(engine, token, answers, client="b", language="en") == 1

    from strategy.assessments import snapshot as sn

    snap = stored_id(sn.create_snapshot(engine, pid, title="Cipolwg 2026", author=AUTHOR))
    token = sl.open_survey_link(engine, pid, "strategic", snap, author=AUTHOR)
    welsh = sl.survey_form(engine, token, language="cy").questions
    english = sl.survey_form(engine, token).questions
    assert [q.id for q in welsh] == [q.id for q in english]
    assert [v for v, _ in welsh[2].options] == [v for v, _ in english[2].options] == ["1", "2", "3", "4"]
    assert welsh[2].options[0] == ("1", "1: Heb ddechrau") and welsh[2].group == "Ymwybyddiaeth"
    assert welsh[2].label.startswith("Mae arweinwyr fy sefydliad")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_welsh_word_has_its_english_with_the_same_placeholders():
    words = yaml.safe_load((DATA_DIR / "survey_links.yaml").read_text(encoding="utf-8"))
    for key, entry in words["messages"].items():
        assert set(entry) == {"en", "cy"} and entry["en"].strip() and entry["cy"].strip(), key
        assert _placeholders(entry["en"]) == _placeholders(entry["cy"]), key
    for kind in sl.KINDS:
        for field in ("title", "intro"):
            assert words["kinds"][kind][field] and words["kinds"][kind][field + "_cy"], (kind, field)
    assert words["privacy"] and words["privacy_cy"]
    assert set(words["questions_cy"]["audit"]) == {c.id for c in AUDIT_COLUMNS}
    assert set(words["questions_cy"]["frontline"]) <= {c.id for c in SNAPSHOT_COLUMNS}
    assert set(words["yes_no"]) == {"Yes", "No"}
    for name in ("snapshot_strategic_survey", "snapshot_progress_scale", "snapshot_domains", "audit_barriers"):
        for item in content().reference(name).items:
            assert item["label"] and item.get("label_cy"), (name, item["id"])
    about = content().reference("snapshot_strategic_survey").model_extra or {}
    assert set(about["about_cy"]) == set(about["about"])
    for column in content().prompts[SURVEY].columns:
        assert column.label and column.label_cy, column.id


def test_in_welsh_the_warning_and_its_confirmation_are_welsh_and_a_closed_link_says_so_in_welsh(engine):
    pid = _partnership(engine, "wales")
    token = sl.open_survey_link(engine, pid, "staff", author=AUTHOR)
    at = _public(token)
    at.text_input(key=_key(at, "agency")).input("Heddlu")
    at.text_area(key=_key(at, "comment")).input("Jamie, 12, told a teacher.")
    at = at.button(key=next(b.key for b in at.button if b.label == "Anfon fy atebion")).click().run()
    assert [w.value.startswith("Gall rhywfaint") for w in at.warning] == [True]
    assert [c.label for c in at.checkbox] == [sl.say("confirm", "cy")]
    assert list_rows(engine, pid, SURVEY) == []
    sl.set_survey_link(engine, pid, "staff", author=AUTHOR, closed=True)
    at.checkbox(key=at.checkbox[0].key).check()
    at = at.button(key=next(b.key for b in at.button if b.label == "Anfon fy atebion")).click().run()
    assert [i.value for i in at.info] == [sl.say("closed", "cy"), sl.say("closed", "en")] and not at.text_input
    assert list_rows(engine, pid, SURVEY) == []
