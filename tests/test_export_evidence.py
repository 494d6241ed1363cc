"""Sections 4 and 9 of the Word draft: the evidence from Context, Current response and Workforce,
read back from real .docx files."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from datetime import datetime

import pytest
from docx.oxml.ns import qn
from sqlalchemy import text
from test_evidence import fill_evidence
from test_export_docx import ILLEGAL_IN_XML, all_text, open_docx, sections

import strategy.word.toolkit as export
from strategy.answers.operations import add_row, save_answer, set_grid_cell
from strategy.core.dates import UK
from strategy.demo import load_demo_data
from strategy.documents.draft import export_docx

NOW = datetime(2026, 7, 1, 12, 30, tzinfo=UK)
S4 = "4. Local and regional context"
S9 = "9. Workforce development"
CAN_DRAW = importlib.util.find_spec("kaleido") is not None and any(
    shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome", "chrome")
)


def texts(paragraphs) -> list[str]:
    return [p.text for p in paragraphs]


def table_headed(doc, *headers: str):
    for table in doc.tables:
        if [c.text for c in table.rows[0].cells][: len(headers)] == list(headers):
            return table
    raise AssertionError(f"no table headed {headers!r}")


def column(table, header: str) -> list[str]:
    index = [c.text for c in table.rows[0].cells].index(header)
    return [row.cells[index].text for row in table.rows[1:]]


def repeats_header(table) -> bool:
    mark = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
    return mark is not None and mark.get(qn("w:val")) == "true"


# --- The demo partnership, fully written ---------------------------------------------------------


@pytest.fixture(scope="module")
def demo(db_templates):
    """The demo's Word draft with its charts, exported once per test process (tests/db_support.py)."""
    return open_docx(db_templates.demo_docx(NOW))


def test_demo_section_4_has_the_quotable_sentence_and_the_method(demo):
    s4 = sections(demo)[S4]
    key = [p for p in s4 if p.style.name == "Workbook Key Finding"]
    assert [p.text for p in key] == ["For every child identified, about 14 more are not."]
    lines = texts(s4)
    assert any(t.startswith("How this is worked out: a national estimate") for t in lines)
    assert "Child population used: 142,600, the child population entered under Identification." in lines


def test_demo_local_figures_keep_published_codes_as_written_with_a_note(demo):
    figures = table_headed(demo, "Figure", "Detail (age band, group or name)", "Year", "Value", "Source")
    wanted = load_demo_data()["items"]["context.figures"]
    assert len(figures.rows) == len(wanted) + 1 and repeats_header(figures)
    values = column(figures, "Value")
    assert "c" in values and ":" in values and "0" not in values
    # The table and its note are in the evidence appendix; section 4 says where.
    notes = [p.text for p in sections(demo)["Appendix C: The evidence in detail"] if p.style.name == "Caption"]
    assert any(n.startswith("Figures are shown as published. c means the figure was suppressed") for n in notes)
    assert any(re.fullmatch(r"The full table is in Appendix C, table C\d+: Local figures\.", t) for t in texts(sections(demo)[S4]))


def test_demo_identification_table_runs_from_the_oldest_year(demo):
    table = table_headed(demo, "Measure", "2019/20")
    assert [c.text for c in table.rows[0].cells] == ["Measure", "2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    assessments = next(r for r in table.rows if r.cells[0].text.startswith("Assessments"))
    assert [c.text for c in assessments.cells[1:]] == ["301", "268", "322", "356", "388"]


def test_demo_support_matrix_is_in_words_with_its_gaps(demo):
    matrix = table_headed(demo, "Group affected", "Safety and a statutory safeguarding response")
    assert len(matrix.rows) == 10 and len(matrix.columns) == 9 and repeats_header(matrix)
    words = {c.text for row in matrix.rows[1:] for c in row.cells[1:]}
    assert {"Available", "Partly available", "None", "Not recorded"} <= words
    lines = texts(sections(demo)[S4])
    assert "Groups with no support of these kinds:" in lines
    assert any(t.startswith("Children who have been sexually abused: therapeutic support") and "31 weeks" in t for t in lines)


def test_demo_workforce_findings_reach_sections_4_and_9(demo):
    s4, s9 = texts(sections(demo)[S4]), sections(demo)[S9]
    assert "GP practices: Recognising and responding to child sexual abuse (9%)" in s4
    attendance = table_headed(demo, "Agency", "Staff who should attend")
    assert repeats_header(attendance)
    reflection = [p.text for p in sections(demo)[S4] if p.style.name == "Intense Quote"]
    assert len(reflection) == 1 and "what does this mean for us?" in reflection[0]
    assert "What the workforce audit found" in texts(s9)
    bullets = [p.text for p in s9 if p.style.name == "List Bullet"]
    assert any(b.startswith("40 staff answered the survey.") for b in bullets)
    assert any("GP practices: Recognising and responding to child sexual abuse (9%)" in b for b in bullets)
    # The planned development follows the findings (Workforce development chapter, Guide §11).
    assert "Planned workforce development" in texts(s9)
    assert not [p for p in s9 if "Workforce development', Guide §11" in p.text]


def test_demo_case_reviews_show_dates_day_first(demo):
    reviews = table_headed(demo, "Title", "Date", "Source")
    first = load_demo_data()["items"]["response.case_reviews"][0]
    row = next(r for r in reviews.rows if r.cells[0].text == first["title"])
    year, month, day = first["date"].split("-")
    assert row.cells[1].text == f"{day}/{month}/{year}"


@pytest.mark.skipif(not CAN_DRAW, reason="needs Kaleido and a local Chromium to draw charts")
def test_demo_iceberg_is_a_picture_with_alt_text(demo):
    pictures = [p for p in demo.inline_shapes if "iceberg" in p._inline.docPr.get("descr", "")]
    assert len(pictures) == 1  # (the plan's chain and timeline are pictures too, in sections 5 and 10)
    described = pictures[0]._inline.docPr.get("descr")
    assert described.startswith("Chart: the tip of the iceberg. 388 children identified")
    assert "For every child identified, about 14 more are not." in described


# --- A partnership's own figures, on both databases --------------------------------------------


def test_section_4_from_a_partnerships_answers(engine, partnership, author):
    fill_evidence(engine, partnership.id, author)
    doc = open_docx(export_docx(engine, partnership.id, now=NOW, charts=False))
    s4 = sections(doc)[S4]
    lines = texts(s4)
    assert "For every child identified, about 9 more are not." in lines
    forms = table_headed(doc, "Form of child sexual abuse", "Covered by the strategy")
    assert column(forms, "Covered by the strategy").count("Named and covered") == 5
    assert any(t.startswith("Not yet fully covered: Harmful sexual behaviour by siblings.") for t in lines)
    identification = table_headed(doc, "Measure", "2019/20")
    plans = next(r for r in identification.rows if r.cells[0].text.startswith("Children starting"))
    assert [c.text for c in plans.cells[1:]] == ["40", "45", "c", "50", "52"]
    assert column(table_headed(doc, "Figure", "Detail (age band, group or name)"), "Value") == ["62000", "18000", "c", ":"]
    assert "Adults who were sexually abused in childhood: therapeutic support and counselling: a typical wait of 38 weeks" in lines
    assert column(table_headed(doc, "Title", "Date"), "Date") == ["31/03/2025"]
    assert "Chart not available" not in all_text(doc)  # no chart asked for: no note either
    reflection = [p.text for p in s4 if p.style.name == "Intense Quote"]
    assert len(reflection) == 1


def test_a_chart_that_cannot_be_drawn_leaves_a_note_and_the_export_succeeds(engine, partnership, author, monkeypatch):
    fill_evidence(engine, partnership.id, author)
    monkeypatch.setattr(export, "_RENDER_SCRIPT", "import sys; sys.exit(3)")  # the drawing process fails
    doc = open_docx(export_docx(engine, partnership.id, now=NOW))
    assert len(doc.inline_shapes) == 0
    lines = texts(sections(doc)[S4])
    assert any(t.startswith("Chart not available") for t in lines)
    assert "For every child identified, about 9 more are not." in lines


def test_a_chart_that_hangs_is_abandoned_after_the_time_limit(engine, partnership, author, monkeypatch):
    fill_evidence(engine, partnership.id, author)
    monkeypatch.setattr(export, "_RENDER_SCRIPT", "import time; time.sleep(60)")
    monkeypatch.setattr(export, "CHART_TIMEOUT_SECONDS", 0.5)
    started = datetime.now()
    doc = open_docx(export_docx(engine, partnership.id, now=NOW))
    assert (datetime.now() - started).total_seconds() < 30
    assert any(t.startswith("Chart not available") for t in texts(sections(doc)[S4]))


@pytest.mark.skipif(not CAN_DRAW, reason="needs Kaleido and a local Chromium to draw charts")
def test_every_chart_of_a_document_is_drawn_by_one_process(sqlite_engine, sqlite_demo_id, monkeypatch):
    # The drawing process, which reads no database: on SQLite only (PostgreSQL's demo exports elsewhere).
    engine, demo_id = sqlite_engine, sqlite_demo_id
    # A script that differs from the real one by a comment: drawn afresh, not from the suite's cache.
    monkeypatch.setattr(export, "_RENDER_SCRIPT", export._RENDER_SCRIPT + "# drawn afresh\n")
    export.shared_drawer().close()  # none running from an earlier test
    started = []
    popen = export.subprocess.Popen

    def counting(args, **kwargs):
        started.append(args)
        return popen(args, **kwargs)

    monkeypatch.setattr(export.subprocess, "Popen", counting)
    doc = open_docx(export_docx(engine, demo_id, now=NOW))
    assert len(doc.inline_shapes) >= 3  # the iceberg, the chain of aims and the timeline at least
    assert "Chart not available" not in all_text(doc)
    assert len(started) == 1
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    for shape in doc.inline_shapes:  # each picture keeps its alt text and sits above its caption
        assert shape._inline.docPr.get("descr")
        assert shape._inline.docPr.get("title") in captions


@pytest.mark.skipif(not CAN_DRAW, reason="needs Kaleido and a local Chromium to draw charts")
def test_a_document_built_again_draws_only_charts_whose_figures_changed(sqlite_engine, sqlite_demo_id, monkeypatch):
    # The drawing process, which reads no database: on SQLite only (PostgreSQL's demo exports elsewhere).
    engine, demo_id = sqlite_engine, sqlite_demo_id
    monkeypatch.setattr(export, "_RENDER_SCRIPT", export._RENDER_SCRIPT + "# drawn afresh, remembered\n")
    drawer = export.shared_drawer()
    drawer.forget()
    sent: list[int] = []
    batch = export.ChartDrawer._draw_batch

    def counting(self, jobs):
        sent.append(sum(1 for spec, _ in jobs if spec))
        return batch(self, jobs)

    monkeypatch.setattr(export.ChartDrawer, "_draw_batch", counting)
    first = open_docx(export_docx(engine, demo_id, now=NOW))
    drawn_first = sum(sent)
    assert drawn_first >= 3
    sent.clear()
    again = open_docx(export_docx(engine, demo_id, now=NOW))
    assert sum(sent) == 0  # the same figures: the same pictures, from memory
    assert len(again.inline_shapes) == len(first.inline_shapes)
    pictures = lambda doc: [doc.part.related_parts[s._inline.graphic.graphicData.pic.blipFill.blip.embed].blob for s in doc.inline_shapes]  # noqa: E731
    assert pictures(again) == pictures(first)


@pytest.mark.skipif(not CAN_DRAW, reason="needs Kaleido and a local Chromium to draw charts")
def test_a_chart_drawn_after_others_in_one_process_is_the_picture_a_fresh_process_draws(monkeypatch):
    # The drawing process keeps its browser tabs between charts (no reload after each): nothing of an
    # earlier chart may show in a later one.
    import plotly.graph_objects as go

    monkeypatch.setattr(export, "_RENDER_SCRIPT", export._RENDER_SCRIPT + "# drawn afresh, tabs kept\n")
    figures = [
        go.Figure(go.Bar(x=["A", "B", "C"], y=[3, 1, 2], text=[3, 1, 2])).update_layout(title="First"),
        go.Figure(go.Scatter(x=[1, 2, 3, 4], y=[4, 2, 5, 1], mode="lines+markers")).update_layout(title="Second", height=400),
        go.Figure(go.Bar(y=["Long label one", "Two"], x=[5, 7], orientation="h")).update_layout(title="Third"),
    ]
    specs = [export.chart_spec(f, height=380) for f in figures]
    several, fresh = export.ChartDrawer(), export.ChartDrawer()
    try:
        drawn = [several.draw(spec).result(timeout=120) for spec in specs]
        alone = fresh.draw(specs[2]).result(timeout=120)
    finally:
        several.close()
        fresh.close()
    assert all(png and png.startswith(b"\x89PNG") for png in drawn)
    assert len({drawn[0], drawn[1], drawn[2]}) == 3
    assert drawn[2] == alone


# --- Nothing written yet --------------------------------------------------------------------------


def test_a_fresh_partnerships_section_4_says_what_is_missing(engine, partnership):
    doc = open_docx(export_docx(engine, partnership.id, now=NOW))
    gaps = [p.text for p in sections(doc)[S4] if p.style.name == "Workbook Gap"]
    for what in (
        "how the strategy names and covers each form",
        "which groups affected",
        "the local figures",
        "the yearly figures for children identified",
        "the support matrix",
        "which disruption measures",
        "the local case reviews",
        "the training audit",
        "training attendance by agency",
        "the staff survey results",
        "the audit of resources",
    ):
        assert any(g.startswith("Not written yet: " + what) for g in gaps), what
    estimate = next(g for g in gaps if "local prevalence estimate" in g)
    assert "the child population" in estimate and "a yearly figure for children identified" in estimate
    # No evidence tables or charts: only the document-control table and the glossary.
    assert {t.rows[0].cells[0].text for t in doc.tables} <= {"Version", "Acronym"} and len(doc.inline_shapes) == 0
    s9 = [p for p in sections(doc)[S9] if p.style.name == "Workbook Gap"]
    assert any("the staff survey results" in p.text for p in s9)
    assert any(
        p.text.startswith("Not written yet: how the partnership will build practitioners' knowledge")
        and "(workbook chapter 'Workforce development', Guide §11)" in p.text
        for p in s9
    )


# --- Whatever people typed, the export works --------------------------------------------------------


def test_hostile_text_in_the_evidence_still_exports(engine, partnership, author):
    hostile = "<script>alert('x')</script> & Ŵyr 👩🏽‍💻 حماية"
    controls = "\x01\x08\x0b\x1f\ufffe"
    pid = partnership.id
    fill_evidence(engine, pid, author)
    save_answer(engine, pid, "workforce.survey_reflection", f"Reflection {hostile}", expected_version=0, author=author)
    set_grid_cell(
        engine, pid, "response.support_matrix", "children_abused|therapeutic", "gaps", f"Gap {hostile}", expected=None, author=author
    )
    survey = add_row(engine, pid, "workforce.staff_survey", {"agency": "placeholder", "confidence": 4}, author=author)
    figure = add_row(engine, pid, "context.figures", {"indicator": "other", "value": "5"}, author=author)
    # Straight into the database, past the cleaning on save: an old row, a hand edit.
    with engine.begin() as conn:
        conn.execute(
            text("update answer set value = :v where partnership_id = :p and prompt_id = :q"),
            {"v": f"Reflection{controls} {hostile}", "p": pid, "q": "workforce.survey_reflection"},
        )
        conn.execute(
            text("update item set values_json = :v where id = :i"),
            {"v": json.dumps({"agency": f"Agency{controls} {hostile}", "confidence": 4}), "i": survey.id},
        )
        conn.execute(
            text("update item set values_json = :v where id = :i"),
            {
                "v": json.dumps(
                    {"indicator": "other", "detail": f"Detail{controls} {hostile}", "value": "5", "source": f"Source{controls} {hostile}"}
                ),
                "i": figure.id,
            },
        )
    doc = open_docx(export_docx(engine, pid, now=NOW, charts=False))
    everything = all_text(doc)
    assert not ILLEGAL_IN_XML.search(everything)
    for written in (f"Reflection {hostile}", f"Agency {hostile}", f"Detail {hostile}", f"Source {hostile}"):
        assert written in everything, written
    assert any(f"Gap {hostile}" in t for t in texts(sections(doc)[S4]))


def test_building_the_draft_tells_each_step_in_order(engine, demo_id):
    heard: list[tuple[str, float]] = []
    with export.reporting_progress(lambda step, fraction: heard.append((step, fraction))):
        export_docx(engine, demo_id, now=NOW, charts=False)
    steps = [s for s, _ in heard]
    assert steps[0] == "Reading the partnership's answers and plan"
    assert "Writing section 4: Local and regional context" in steps
    assert steps[-2:] == ["Saving the document", "Done"]
    fractions = [f for _, f in heard]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    heard.clear()
    export_docx(engine, demo_id, now=NOW, charts=False)  # nobody listening: nothing heard, nothing breaks
    assert heard == []


@pytest.mark.skipif(not CAN_DRAW, reason="needs Kaleido and a local Chromium to draw charts")
def test_the_next_document_draws_with_the_process_already_running(sqlite_engine, sqlite_demo_id, monkeypatch):
    # The drawing process, which reads no database: on SQLite only (PostgreSQL's demo exports elsewhere).
    engine, demo_id = sqlite_engine, sqlite_demo_id
    monkeypatch.setattr(export, "_RENDER_SCRIPT", export._RENDER_SCRIPT + "# drawn afresh, kept\n")
    export.shared_drawer().close()
    started = []
    popen = export.subprocess.Popen
    monkeypatch.setattr(export.subprocess, "Popen", lambda args, **kwargs: started.append(args) or popen(args, **kwargs))
    first = open_docx(export_docx(engine, demo_id, now=NOW))
    second = open_docx(export_docx(engine, demo_id, now=NOW))
    assert len(first.inline_shapes) == len(second.inline_shapes) >= 3
    assert len(started) == 1  # no second browser for the second document
    export.shared_drawer().close()  # and it stops when asked (at the latest when the server stops)
    assert export.shared_drawer()._proc is None
