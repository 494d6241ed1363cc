"""The Finalise page through AppTest: the document's details, the language check and the acronyms."""

from __future__ import annotations

from strategy.answers.operations import list_rows, save_answer
from strategy.core.authors import Author
from strategy.finalise.language import language_report
from strategy.finalise.review import label, list_versions
from strategy.people.partnerships import create_partnership
from tests.test_app import app, engine, open_page, url  # noqa: F401  (fixtures)


def test_the_language_check_names_the_place_and_a_quoted_title_can_be_left_alone(engine):  # noqa: F811
    p = create_partnership(engine, name="Vale Partnership", nation="wales")
    author = Author.make("Sam")
    save_answer(
        engine,
        p.id,
        "vision.statement",
        "We will manage the Sex Offender Management Unit's caseload and every perpetrator.",
        expected_version=0,
        author=author,
    )
    at = open_page(app(p.id, author), "views/finalise.py")
    assert not at.exception
    warning = next(w.value for w in at.warning if "use a term the guide steers away from" in w.value)
    assert warning.startswith("2 places")
    frame = next(d.value for d in at.dataframe if "Written" in d.value.columns)
    assert list(frame["Written"]) == ["Sex Offender", "perpetrator"]
    assert set(frame["Use instead"]) == {"the person who has sexually abused the child"}
    # The first finding is part of a unit's name: mark the phrase as a title to leave alone.
    box = next(t for t in at.text_input if t.label == "The title exactly as written" and t.key.endswith("|0"))
    box.set_value("Sex Offender Management Unit").run()
    next(b for b in at.button if b.label == "Leave this phrase alone" and b.key.endswith("|0|go")).click().run()
    assert not at.exception
    assert [r.values["phrase"] for r in list_rows(engine, p.id, "finalise.language_exempt")] == ["Sex Offender Management Unit"]
    assert [f.found for f in language_report(engine, p.id).terms] == ["perpetrator"]
    assert any(w.value.startswith("1 place ") for w in at.warning)


def test_a_partnership_with_clean_language_is_told_so(engine):  # noqa: F811
    p = create_partnership(engine, name="Clean Partnership", nation="england")
    save_answer(
        engine,
        p.id,
        "vision.statement",
        "Every child who has been sexually abused is heard when they tell.",
        expected_version=0,
        author=Author.make("Sam"),
    )
    at = open_page(app(p.id, Author.make("Sam")), "views/finalise.py")
    assert not at.exception
    assert any("none uses a term the guide steers away from" in s.value for s in at.success)
    assert any(i.value == "Your text uses no acronyms yet." for i in at.info)


def test_the_review_page_freezes_a_version_and_shows_what_changed(engine, sqlite_demo_id):  # noqa: F811
    demo = sqlite_demo_id
    at = open_page(app(demo), "views/review.py")
    assert not at.exception
    freeze = next(b for b in at.button if b.label == "Freeze the current text as v0.1")
    freeze.click().run()
    assert not at.exception
    assert [label(v.number) for v in list_versions(engine, demo)] == ["v0.1"]
    assert any("Nothing changed between v0.1 and the current text." in s.value for s in at.success)
