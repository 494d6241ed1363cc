"""The snapshot, snapshot results and thematic audit pages in Welsh (issue 20): a person who chose Cymraeg
reads the pages' words, their tables' column names and their charts' words in Welsh on the demo
partnership; someone who did not choose sees the English as it always was. What people wrote (a
snapshot's title, an audit's theme, a case reference) is never translated."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from strategy.core.authors import Author
from strategy.core.interface import interface_strings
from tests.test_app import APP, engine, url  # noqa: F401  (fixtures)
from tests.welsh_support import page_in_language, table_columns

CY = Author.make("Cerys Jones", "Harbourshire Council")
EN = Author.make("Sam Patel", "Harbourshire Council")


def _open(engine, partnership_id: int, person: Author, page: str, *, welsh: bool) -> AppTest:  # noqa: F811
    return page_in_language(engine, partnership_id, page, person, language="cy" if welsh else "en")


def _texts(at: AppTest) -> list[str]:
    return [
        *(e.value for e in at.header),
        *(e.value for e in at.markdown),
        *(e.value for e in at.caption),
        *(e.label for e in at.expander),
        *(e.label for e in at.button),
        *(e.label for e in at.selectbox),
        *(e.label for e in at.text_area),
        *(e.label for e in at.text_input),
    ]


_columns = table_columns


def _chart_words(at: AppTest) -> str:
    charts = at.get("plotly_chart")
    return " ".join(json.dumps(json.loads(c.proto.spec)["layout"].get("title", {})) for c in charts) + " ".join(
        json.dumps([trace.get("name") for trace in json.loads(c.proto.spec)["data"]]) for c in charts
    )


def test_the_words_are_in_both_languages_and_marked_for_review():
    from strategy.core.interface import INTERFACE_FILE

    head = (INTERFACE_FILE.parent / "interface_assess.yaml").read_text(encoding="utf-8")[:800]
    assert "FOR REVIEW BY A WELSH SPEAKER" in head
    mine = {k: v for k, v in interface_strings().items() if k.startswith("assess.")}
    assert len(mine) > 200
    assert all(v["cy"].strip() and v["en"].strip() for v in mine.values())


def test_the_snapshot_page_in_welsh_and_in_english(engine, sqlite_demo_id):  # noqa: F811
    cy = _open(engine, sqlite_demo_id, CY, "views/snapshot.py", welsh=True)
    assert cy.title[0].value == "Cipolwg ar y system gyfan"
    words = _texts(cy)
    assert "### Pa mor gryf yw'r dystiolaeth?" in words
    assert "Mynd i'r datganiad" in words
    assert "Y graddfeydd sgorio" in words
    assert "Nesaf →" in words and "Next →" not in words
    assert {"Tystiolaeth", "Cryfderau", "Meysydd i'w datblygu"} <= set(words)
    assert any("Wedi'i gytuno: " in m.value or "Heb sgôr eto" in m.value for m in cy.markdown)  # the badges

    en = _open(engine, sqlite_demo_id, EN, "views/snapshot.py", welsh=False)
    assert en.title[0].value == "System-wide snapshot"
    words = _texts(en)
    assert "### How strong is the evidence?" in words and "Next →" in words
    assert {"Evidence", "Strengths", "Areas for development"} <= set(words)


def test_the_results_page_in_welsh_tables_and_charts_included(engine, sqlite_demo_id):  # noqa: F811
    cy = _open(engine, sqlite_demo_id, CY, "views/snapshot_results.py", welsh=True)
    assert cy.title[0].value == "Canlyniadau'r cipolwg"
    assert {"Sgoriau'r parthau a RAG", "Safbwyntiau strategol a rheng flaen", "Argymhellion"} <= {h.value for h in cy.header}
    columns = _columns(cy)
    assert "Parth" in columns and "Cynnydd (cyfartaledd allan o 4)" in columns and "Domain" not in columns
    assert any(str(v).startswith(("Ymwybyddiaeth", "Atal")) for frame in cy.dataframe for v in frame.value.iloc[:, 0])
    charts = _chart_words(cy)
    assert "Safbwyntiau strategol a rheng flaen ar y cynnydd, fesul parth" in charts
    assert "Strategol (cynnydd y cytunwyd arno)" in charts and "Strategic (agreed progress)" not in charts

    en = _open(engine, sqlite_demo_id, EN, "views/snapshot_results.py", welsh=False)
    assert "Domain scores and RAG" in {h.value for h in en.header}
    assert "Domain" in _columns(en) and "Parth" not in _columns(en)
    assert "Strategic and frontline views of progress, by domain" in _chart_words(en)


def test_the_audits_page_in_welsh_and_what_people_wrote_as_written(engine, sqlite_demo_id):  # noqa: F811
    from strategy.assessments import audit as au

    theme = au.list_audits(engine, sqlite_demo_id)[-1].theme
    cy = _open(engine, sqlite_demo_id, CY, "views/audits.py", welsh=True)
    assert cy.title[0].value == "Archwiliadau thematig"
    headers = {h.value for h in cy.header}
    assert {"Achosion a archwiliwyd", "Arolwg staff", "Y briff", "Sut mae arfer da yn edrych: meini prawf"} <= headers
    words = _texts(cy)
    assert "Os gwnewch chi un peth" in words and "Thema, cyfnod a rhannau" in words
    picker = next(s for s in cy.selectbox if s.label == "Archwiliad")
    assert theme in picker.options  # the audit's theme as it was written
    assert "Ffactorau a oedd yn bresennol ar draws yr achosion a archwiliwyd" in _chart_words(cy)
    assert "Maen prawf" in _columns(cy) and "Criterion" not in _columns(cy)

    en = _open(engine, sqlite_demo_id, EN, "views/audits.py", welsh=False)
    assert en.title[0].value == "Thematic audits"
    assert {"Audited cases", "Staff survey", "The briefing"} <= {h.value for h in en.header}
    assert "If you do one thing" in _texts(en)


@pytest.mark.parametrize("page", ["views/snapshot.py", "views/snapshot_results.py", "views/audits.py"])
def test_each_page_runs_in_welsh_on_a_fresh_partnership(engine, page):  # noqa: F811
    from strategy.people.partnerships import create_partnership

    p = create_partnership(engine, name="Bro Morgannwg", nation="wales")
    at = _open(engine, p.id, CY, page, welsh=True)
    assert not at.error, [e.value for e in at.error]
    assert any(i.value.startswith("Dim ") for i in at.info)
