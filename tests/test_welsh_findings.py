"""The sentences the package builds for the Finalise pages, in Welsh (issue 20): the readiness check's
findings, the language check's findings and the Review page's "what changed" lines, for a person who
chose Cymraeg; the same sentences, character for character, in English for everyone else. The words
are the ``readiness.*``, ``language.*`` and ``review.change.*`` phrases of data/language/documents.yaml."""

from __future__ import annotations

import re

import pytest

from strategy.answers.operations import add_row, save_answer
from strategy.finalise.language import language_report
from strategy.finalise.readiness import readiness_report, welsh_of
from strategy.finalise.review import CURRENT, compare, freeze_version, label
from strategy.people.partnerships import create_partnership
from strategy.plan.operations import add_aim
from strategy.word.language import phrases
from tests.test_app import engine, url  # noqa: F401  (fixtures: the app's SQLite file, the demo's when asked)
from tests.test_welsh_publish import _in_welsh

OURS = ("readiness.", "language.", "review.change.", "review.field.")


def _english_fragments() -> set[str]:
    """The fixed English of our sentences: each template's text between its placeholders, four words or more."""
    out = set()
    for key, entry in phrases().items():
        if key.startswith(OURS):
            for part in re.split(r"\{\w+\}", entry["en"]):
                part = part.strip(" .,;:'\"()…")
                if len(part.split()) >= 4:
                    out.add(part)
    return out


def _findings(report) -> list:
    return [f for c in report.criteria for f in c.findings]


def _assert_welsh_report(engine, pid: int) -> None:  # noqa: F811
    english, welsh = readiness_report(engine, pid), readiness_report(engine, pid, language="cy")
    en, cy = _findings(english), _findings(welsh)
    assert len(en) == len(cy) and len(en) > 10
    assert [(f.criterion, f.level, f.chapter_id, f.prompt_id) for f in en] == [
        (f.criterion, f.level, f.chapter_id, f.prompt_id) for f in cy
    ]
    assert [c.id for c in english.criteria] == [c.id for c in welsh.criteria]
    assert [c.level for c in english.criteria] == [c.level for c in welsh.criteria]
    fragments = _english_fragments()
    for e, w in zip(en, cy, strict=True):
        assert w.message != e.message, e.message
        left = [f for f in fragments if f in w.message]
        assert not left, (w.message, left)
        assert "Guide §" not in w.message, w.message
    # Each person gets their own: the English report is still English after the Welsh was made.
    assert [f.message for f in _findings(readiness_report(engine, pid))] == [f.message for f in en]


def test_every_phrase_of_ours_has_english_and_welsh_with_the_same_placeholders():
    ours = {k: v for k, v in phrases().items() if k.startswith(OURS)}
    assert len(ours) > 150
    for key, entry in ours.items():
        assert entry["en"].strip() and entry["cy"].strip(), key
        assert sorted(re.findall(r"\{(\w+)\}", entry["en"])) == sorted(re.findall(r"\{(\w+)\}", entry["cy"])), key


def test_the_demos_readiness_findings_in_welsh(engine, sqlite_demo_id):  # noqa: F811
    _assert_welsh_report(engine, sqlite_demo_id)
    messages = [f.message for f in _findings(readiness_report(engine, sqlite_demo_id, language="cy"))]
    assert "Mae'r weledigaeth a rennir wedi'i hysgrifennu." in messages
    # People's own words (the members' names) stay as written in a Welsh sentence.
    assert any(m.startswith("Nid yw 4 o 12 aelod") and "Niamh Gallagher" in m for m in messages)


def test_a_new_partnership_in_wales_has_many_findings_all_in_welsh(engine):  # noqa: F811
    p = create_partnership(engine, name="Bwrdd y Fro", nation="wales", areas="Y Fro", period_start=2026, period_end=2029)
    _assert_welsh_report(engine, p.id)
    messages = [f.message for f in _findings(readiness_report(engine, p.id, language="cy"))]
    # The names in the guide's lists are in Welsh too.
    assert any("Awdurdod lleol" in m and "Heddlu" in m for m in messages)
    assert any("Camfanteisio'n rhywiol ar blant" in m for m in messages)
    assert any("Gweithio Gyda'n Gilydd i Ddiogelu Pobl" in m for m in messages)


def test_the_plans_and_the_guides_sentences_keep_peoples_words(engine, author):  # noqa: F811
    assert welsh_of("A1.O1.1 'Offer a course' has no lead agency.") == "Nid oes asiantaeth arweiniol gan A1.O1.1 'Offer a course'."
    assert welsh_of("Something nobody wrote a Welsh for.") == "Something nobody wrote a Welsh for."
    p = create_partnership(engine, name="Bwrdd y Fro", nation="wales", areas="Y Fro", period_start=2026, period_end=2029)
    aim = add_aim(engine, p.id, title="Recognise abuse earlier", author=author)
    assert aim.id
    add_row(engine, p.id, "vision.steering_group", {"name": "Cerys Owen", "agency_type": "police"}, author=author)
    _assert_welsh_report(engine, p.id)
    messages = [f.message for f in _findings(readiness_report(engine, p.id, language="cy"))]
    assert any("'Recognise abuse earlier'" in m and m.startswith("Nid oes canlyniad arfaethedig gan A1") for m in messages)


def test_the_language_check_in_welsh(engine, author):  # noqa: F811
    p = create_partnership(engine, name="Bwrdd y Fro", nation="wales", areas="Y Fro", period_start=2026, period_end=2029)
    save_answer(
        engine,
        p.id,
        "vision.statement",
        "Every perpetrator will be stopped. " + " ".join(["word"] * 45) + ".",
        expected_version=0,
        author=author,
    )
    english = language_report(engine, p.id)
    welsh = language_report(engine, p.id, language="cy")
    assert len(english.terms) == len(welsh.terms) == 1 and len(welsh.sentences) == 1
    term, term_en = welsh.terms[0], english.terms[0]
    assert term.text.chapter_title == "Gweledigaeth a rennir a llywodraethu"
    assert term_en.text.chapter_title == "Shared vision and governance"
    assert term.found == "perpetrator" and term.text.where != term_en.text.where
    assert term.why.startswith("Mae disgrifio'r hyn a wnaeth yr oedolyn")
    assert term.message.startswith("'perpetrator' (Gweledigaeth a rennir a llywodraethu, ") and "mae'n well gan y canllaw" in term.message
    assert term_en.message.startswith("'perpetrator' in Shared vision and governance, ")
    assert welsh.sentences[0].message.startswith("Brawddeg o ") and "Consider" not in welsh.sentences[0].message
    # The readiness check says the same in Welsh.
    clarity = next(c for c in readiness_report(engine, p.id, language="cy").criteria if c.id == "clarity")
    assert any(f.message == term.message for f in clarity.findings)
    assert any(f.message.startswith("Mae 1 frawddeg yn hwy na 40 gair") for f in clarity.findings)
    # The plan's pages and fields have their Welsh names too.
    add_aim(engine, p.id, title="Stop every perpetrator", author=author)
    plan_term = next(t for t in language_report(engine, p.id, language="cy").terms if t.text.prompt_id == "plan.aim")
    assert plan_term.text.chapter_title == "Damcaniaeth Newid" and plan_term.text.where == "nod A1, teitl"


def test_the_review_comparison_in_welsh(engine, author):  # noqa: F811
    p = create_partnership(engine, name="Bwrdd y Fro", nation="wales", areas="Y Fro", period_start=2026, period_end=2029)
    version = freeze_version(engine, p.id, author=author)
    save_answer(engine, p.id, "vision.statement", "Every child is safe.", expected_version=0, author=author)
    add_row(engine, p.id, "vision.priorities", {"priority": "Listen to children"}, author=author)
    add_aim(engine, p.id, title="Recognise abuse earlier", author=author)
    english = compare(engine, p.id, label(version.number), CURRENT)
    welsh = compare(engine, p.id, label(version.number), CURRENT, language="cy")
    assert [len(g.changes) for g in english] == [len(g.changes) for g in welsh]
    titles = [g.title for g in welsh]
    assert "Gweledigaeth a rennir a llywodraethu" in titles and "Damcaniaeth Newid, fframwaith gwerthuso a chynllun gweithredu" in titles
    lines = [line for g in welsh for line in g.changes]
    assert any(line.startswith("Atebwyd '") and '"Every child is safe."' in line for line in lines)
    assert "Ychwanegwyd nod A1: Recognise abuse earlier" in lines
    assert any("wedi'u hychwanegu neu eu newid (rhesi)" in line for line in lines)
    fragments = _english_fragments()
    for english_line, line in zip([x for g in english for x in g.changes], lines, strict=True):
        assert line != english_line and not [f for f in fragments if f in line]
    assert "Aim A1 added: Recognise abuse earlier" in [x for g in english for x in g.changes]


@pytest.mark.parametrize("language", ["cy", "en"])
def test_the_readiness_page_shows_the_findings_in_the_persons_language(engine, sqlite_demo_id, language):  # noqa: F811
    if language == "cy":
        at = _in_welsh(engine, sqlite_demo_id, "views/readiness.py")
    else:
        from tests.test_app import app, open_page

        at = open_page(app(sqlite_demo_id), "views/readiness.py")
    assert not at.exception, [e.value for e in at.exception]
    shown = "\n".join(str(m.value) for m in at.markdown).replace("\\", "")
    if language == "cy":
        assert "Nid yw 2 aelod yn gynrychiolwyr sefydlog a enwir" in shown
        assert "members are not named standing representatives" not in shown
    else:
        assert "2 members are not named standing representatives; consistent representation helps (Guide §3.2)." in shown


def test_home_names_the_criteria_and_their_results_in_welsh(engine, sqlite_demo_id):  # noqa: F811
    at = _in_welsh(engine, sqlite_demo_id, "views/home.py")
    assert not at.exception, [e.value for e in at.exception]
    shown = "\n".join(str(m.value) for m in at.markdown)
    assert "Eglurder" in shown or "eglurder" in shown.lower(), shown[-600:]
    assert "wedi'i gyflawni" in shown.lower()
    assert "Clarity:" not in shown and "partly met" not in shown
