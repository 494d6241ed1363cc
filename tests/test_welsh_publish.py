"""The publishing and delivery pages in Welsh (issue 20): Finalise, Readiness check, Review, Word draft,
Implementation, Progress updates, Indicators, Feedback and review and the Scrutineer's dashboard, on the
demo partnership, for a person who chose Cymraeg; the same pages unchanged in English for someone who
did not. The words are in data/language/interface_publish.yaml."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from strategy.core.authors import Author
from strategy.core.interface import interface_strings
from strategy.demo.wales import ensure_wales_demo
from tests.test_app import APP, app, engine, open_page, url  # noqa: F401  (fixtures)
from tests.welsh_support import page_in_language, page_words, table_columns

CERYS = Author.make("Cerys Owen", "Bro Health Board")

PAGES = [
    "views/finalise.py",
    "views/readiness.py",
    "views/review.py",
    "views/draft.py",
    "views/implementation.py",
    "views/progress_updates.py",
    "views/indicators.py",
    "views/feedback_review.py",
    "views/scrutiny.py",
]


def _in_welsh(engine, partnership_id: int, page: str) -> AppTest:  # noqa: F811
    """The page for a person who chose Cymraeg (kept on their account, as the sidebar's choice keeps it)."""
    return page_in_language(engine, partnership_id, page, CERYS, role="editor")


_words = page_words


def _columns(at: AppTest) -> set[str]:
    return set(table_columns(at))


def test_the_publish_file_is_marked_for_review_and_its_keys_are_its_own():
    from strategy.core.interface import INTERFACE_FILE

    text = (INTERFACE_FILE.parent / "interface_publish.yaml").read_text(encoding="utf-8")
    assert "FOR REVIEW BY A WELSH SPEAKER" in text and "id: interface_publish" in text
    ours = [k for k in interface_strings() if k.startswith("publish.")]
    assert len(ours) > 300 and all(interface_strings()[k]["cy"].strip() for k in ours)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_welsh_on_the_demo(engine, sqlite_demo_id, page):  # noqa: F811
    at = _in_welsh(engine, sqlite_demo_id, page)
    assert not at.exception, [e.value for e in at.exception]


def test_the_scrutineers_dashboard_in_welsh(engine, sqlite_demo_id):  # noqa: F811
    at = _in_welsh(engine, sqlite_demo_id, "views/scrutiny.py")
    words = _words(at)
    assert at.title[0].value == "Dangosfwrdd y craffwr"
    for welsh in (
        "Camau gweithredu yn ôl statws",
        "Dadansoddi yn ôl",
        "Camau gweithredu hwyr",
        "Adroddiad cynnydd",
        "Paratoi'r adroddiad cynnydd",
    ):
        assert welsh in words, welsh
    assert "Actions by status" not in words and "Where delivery stands" not in words
    assert {"Cod", "Cam gweithredu", "Statws"} <= _columns(at)
    assert {m.label for m in at.metric} == {"Camau gweithredu", "Yn hwyr", "Angen diweddariad", "Dangosyddion oddi ar y trywydd"}
    statuses = {v for frame in at.dataframe if "Statws" in frame.value.columns for v in frame.value["Statws"]}
    assert "Ar y trywydd iawn" in statuses and "On track" not in statuses  # the fixed words; stored as they were


def test_the_progress_updates_and_indicators_in_welsh(engine, sqlite_demo_id):  # noqa: F811
    at = _in_welsh(engine, sqlite_demo_id, "views/progress_updates.py")
    words = _words(at)
    assert at.title[0].value == "Diweddariadau cynnydd"
    assert "Rhoi diweddariad" in words and "Cadw'r diweddariad" in words and "Hanes" in words
    assert {"Dyddiad", "Nodyn cynnydd", "Gan"} <= _columns(at)

    at = _in_welsh(engine, sqlite_demo_id, "views/indicators.py")
    assert at.title[0].value == "Dangosyddion"
    assert {"Dangosydd", "Llinell sylfaen", "Targed", "Cyfeiriad teithio", "Barn"} <= _columns(at)
    assert any(c.value.startswith("Oddi ar y trywydd: mae'r darlleniad diweddaraf") for c in at.caption)


def test_the_readiness_check_review_and_word_draft_in_welsh(engine, sqlite_demo_id):  # noqa: F811
    at = _in_welsh(engine, sqlite_demo_id, "views/readiness.py")
    assert at.title[0].value == "Gwirio parodrwydd"
    assert {"Maen prawf", "Canlyniad", "Canfyddiadau i weithredu arnynt"} <= _columns(at)
    assert any(h.value.startswith(("✅ Eglurder", "🟠 Eglurder", "❌ Eglurder")) for h in at.header)

    at = _in_welsh(engine, sqlite_demo_id, "views/review.py")
    words = _words(at)
    assert at.title[0].value == "Adolygu"
    assert "Fersiynau drafft" in words and "Sylwadau ar y drafft" in words and "Creu'r ddogfen" in words

    at = _in_welsh(engine, sqlite_demo_id, "views/draft.py")
    words = _words(at)
    assert "Creu'r drafft Word" in words and "Y strategaeth ar dudalen" in words
    assert {"Pennod", "Wedi'u hateb", "Canran"} <= _columns(at)


def test_the_finalise_chapters_checks_in_welsh(engine, sqlite_demo_id):  # noqa: F811
    at = _in_welsh(engine, sqlite_demo_id, "views/finalise.py")
    words = _words(at)
    for welsh in ("Gwirio iaith", "Acronymau yn eich testun", "Cymeradwyaeth gan bob partner", "Cadw'r gymeradwyaeth hon"):
        assert welsh in words, welsh


def test_the_welsh_demo_in_welsh_the_documents_language_and_the_welsh_versions(engine):  # noqa: F811
    pid = ensure_wales_demo(engine)
    at = _in_welsh(engine, pid, "views/draft.py")
    assert not at.exception
    choice = next(r for r in at.radio if r.label == "Iaith y dogfennau")
    assert choice.value == "en"
    assert "Dwyieithog (Cymraeg yn gyntaf, yna Saesneg)" in _words(at) or choice.options == [
        "Saesneg",
        "Cymraeg",
        "Dwyieithog (Cymraeg yn gyntaf, yna Saesneg)",
    ]
    assert any(e.label.startswith("Geiriad Cymraeg y dogfennau") for e in at.expander)

    at = _in_welsh(engine, pid, "views/action_plan.py")
    assert not at.exception
    words = _words(at)
    assert "Teitlau Cymraeg y camau gweithredu" in words
    assert any(s.startswith("Fersiynau Cymraeg: 2 o 2 teitl cynllun") for s in _words(at).splitlines())

    at = _in_welsh(engine, pid, "views/home.py")  # how much has a Welsh version, with what may be out of date
    assert "Fersiynau Cymraeg: 3 o 4 ateb, 7 o 9 teitl cynllun; 1 o bosibl wedi dyddio." in _words(at).splitlines()


def test_english_is_unchanged_for_someone_who_did_not_choose(engine, sqlite_demo_id):  # noqa: F811
    at = open_page(app(sqlite_demo_id, Author.make("Ben Evans", "Police"), role="editor"), "views/scrutiny.py")
    assert not at.exception
    words = _words(at)
    assert at.title[0].value == "Scrutineer's dashboard"
    assert "Actions by status" in words and "Overdue actions" in words and "Prepare the progress report" in words
    assert {"Code", "Action", "Status"} <= _columns(at)
    at = open_page(app(sqlite_demo_id, Author.make("Ben Evans", "Police"), role="editor"), "views/readiness.py")
    assert {"Criterion", "Result", "Findings to act on", "Checks met"} <= _columns(at)
    at.switch_page("views/draft.py").run()
    assert "Build the Word draft" in [b.label for b in at.button]
