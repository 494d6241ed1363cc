"""Section 4 of the draft and the documents' charts in Welsh (issue 20): the evidence sentences, headings
and table headers from data/language/documents.yaml, and the words drawn into the charts (titles, axis
titles, legend, labels) from the same file. Real .docx bytes read back; the charts' figures as sent to
the drawing process."""

from __future__ import annotations

import io
import re
from concurrent.futures import Future

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from sqlalchemy import text

from strategy.demo.wales import ensure_wales_demo
from strategy.documents.draft import export_docx
from strategy.documents.progress_report import export_progress_report
from strategy.evidence import analysis as ev
from strategy.plan import charts as plan_chart
from strategy.plan.operations import load_plan
from strategy.word import toolkit
from strategy.word.language import chart_words, figure_in_language, phrases

#: Section 4's headings in a Welsh draft, in order (levels 2 and 3), whatever has been written.
WELSH_SECTION_4 = [
    "Ffurfiau ar gam-drin plant yn rhywiol",
    "Pwy sy'n cael eu heffeithio",
    "Pwy sy'n byw yma",
    "Sut mae plant yn cael eu nodi nawr",
    "Y maint amcangyfrifedig o'i gymharu â'r plant a nodwyd",
    "Cymorth i bob grŵp yr effeithir arno",
    "Atal ac amharu",
    "Adolygiadau achos a digwyddiadau difrifol",
    "Y gweithlu: hyfforddiant, gwybodaeth a hyder",
    "Hyfforddiant sydd ar gael",
    "Presenoldeb fesul asiantaeth",
    "Arolwg staff",
    "Adnoddau i gefnogi ymarfer",
    "Beth a ganfu ein hunanasesiad",
]


def _english_fragments() -> list[str]:
    """Every fixed piece of English that section 4 and its appendix print (the evidence phrases split
    at their {placeholders}), long enough not to be a word a name could hold."""
    out = []
    for key, entry in phrases().items():
        if key.startswith(("evidence.", "chain.", "answer.response.commissioning")) and not key.startswith("evidence.nation"):
            out += [part.strip() for part in re.split(r"\{\w+\}", entry["en"]) if len(part.strip()) >= 12]
    return out


def _section_4(data: bytes) -> tuple[list[tuple[str, str]], list[str]]:
    """Section 4 and the evidence appendix: (style, text) of each paragraph, and every table's headers
    (the rows below hold what the partnership recorded, in its own words)."""
    doc = Document(io.BytesIO(data))
    paragraphs, cells, inside = [], [], False
    for element in doc.element.body.iterchildren():
        if element.tag.endswith("}p"):
            p = Paragraph(element, doc)
            if p.style.name == "Heading 1":
                # Section 4, the evidence appendix and the appendix on how the plan answers the evidence.
                inside = p.text.startswith("4.") or (p.text.startswith("Atodiad") and "dystiolaeth" in p.text)
            if inside:
                paragraphs.append((p.style.name, p.text))
        elif element.tag.endswith("}tbl") and inside:
            cells += [c.text for c in Table(element, doc).rows[0].cells]
    return paragraphs, cells


def _no_english_left(paragraphs, cells) -> None:
    printed = "\n".join([t for _, t in paragraphs] + cells)
    left = [fragment for fragment in _english_fragments() if fragment in printed]
    assert left == [], left


def _headings(paragraphs) -> list[str]:
    return [t for style, t in paragraphs if style in ("Heading 2", "Heading 3")]


def test_the_welsh_demo_draft_has_no_english_fixed_sentence_in_section_4(engine):
    """``demo --wales``: the Bro Taf Demo Partnership, on both databases."""
    paragraphs, cells = _section_4(export_docx(engine, ensure_wales_demo(engine), charts=False, language="cy"))
    assert paragraphs[0] == ("Heading 1", "4. Cyd-destun lleol a rhanbarthol")
    assert [h for h in _headings(paragraphs) if h in WELSH_SECTION_4] == WELSH_SECTION_4
    _no_english_left(paragraphs, cells)
    gaps = [t for style, t in paragraphs if style == "Workbook Gap"]
    assert gaps and all(t.startswith(("Heb ei", "Nid yw")) for t in gaps), gaps  # "Not written yet" in Welsh
    assert "Heb ei ysgrifennu eto: y ffigurau blynyddol ar gyfer y plant a nodwyd (pennod 'Yr ymateb presennol'" in "\n".join(gaps)
    printed = [t for _, t in paragraphs]
    assert "Atodiad C: Sut mae'r cynllun yn ateb y dystiolaeth" in printed
    assert "Blaenoriaeth strategol (Canllaw §3.1)" in printed
    assert {"Beth mae'n ei ddangos", "Wedi'i ateb yn y cynllun gan"} <= set(cells)


def _in_wales(engine, pid: int) -> None:
    """The full demo (every part of the evidence written) as a partnership in Wales."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE partnership SET nation = 'wales' WHERE id = :p"), {"p": pid})


def test_a_welsh_draft_of_written_evidence_has_section_4_in_welsh_and_the_english_one_is_unchanged(sqlite_engine, sqlite_demo_id):
    engine, pid = sqlite_engine, sqlite_demo_id
    english_before, _ = _section_4(export_docx(engine, pid, charts=False))
    _in_wales(engine, pid)
    paragraphs, cells = _section_4(export_docx(engine, pid, charts=False, language="cy"))
    assert _headings(paragraphs)[:4] == [
        "Ffurfiau ar gam-drin plant yn rhywiol",
        "Lle mae'r ffurfiau'n gorgyffwrdd",
        "Pwy sy'n cael eu heffeithio",
        "Pwy sy'n byw yma",
    ]
    assert [h for h in _headings(paragraphs) if h in WELSH_SECTION_4] == WELSH_SECTION_4
    _no_english_left(paragraphs, cells)
    printed = [t for _, t in paragraphs]
    assert "Atodiad C: Y dystiolaeth yn fanwl" in printed
    assert any(t.startswith("Am bob plentyn a nodir, mae tua ") for t in printed)  # the estimate's sentence
    assert any(t.startswith("Sut y cyfrifir hyn:") for t in printed)
    assert any(t.startswith("Atebodd 40 aelod o staff yr arolwg.") for t in printed)
    assert any(t.startswith("Tabl C1: ") for t in printed)
    for header in ("Ffurf ar gam-drin plant yn rhywiol", "Grŵp yr effeithir arno", "Mesur", "Fesul 10,000 o blant", "Asiantaeth"):
        assert header in cells, header
    assert "Staff who should attend" not in cells and "Per 10,000 children" not in cells
    # The partnership's own words are never translated: with no Welsh version, they are marked.
    assert "[Testun Cymraeg ar goll: What do these figures mean for the strategy?]" in printed
    # The English draft of the same evidence kept its English (nothing of it went through Welsh).
    english = "\n".join(t for _, t in english_before)
    assert "This section sets out the evidence" in english and "Cyd-destun" not in english
    assert "For every child identified, about" in english


def test_a_bilingual_section_4_has_both_languages_welsh_first(sqlite_engine, sqlite_demo_id):
    engine, pid = sqlite_engine, sqlite_demo_id
    _in_wales(engine, pid)
    paragraphs, cells = _section_4(export_docx(engine, pid, charts=False, language="bilingual"))
    assert "Ffurfiau ar gam-drin plant yn rhywiol / Forms of child sexual abuse" in _headings(paragraphs)
    intro = paragraphs[1][1]
    assert intro.index("Mae'r adran hon") < intro.index("This section sets out")
    assert "Mesur / Measure" in cells


# --- Charts ---------------------------------------------------------------------------------------


def test_chart_words_in_welsh_keep_the_charts_values_and_leave_peoples_words_alone():
    assert chart_words("Children", "cy") == "Plant"
    assert chart_words("Identified: 1,234", "cy") == "Wedi'u nodi: 1,234"
    assert chart_words("Estimated not identified: about 5,300", "bilingual") == (
        "Amcangyfrif heb eu nodi: tua 5,300 / Estimated not identified: about 5,300"
    )
    assert chart_words("A1.O2 Children tell sooner  ⚠ no action", "cy") == "A1.O2 Children tell sooner  ⚠ dim cam gweithredu"
    assert chart_words("On track", "cy") == "Ar y trywydd iawn"
    for own in ("Harbourshire Police", "2023/24", "<b>Children</b>", ""):
        assert chart_words(own, "cy") == own
    assert chart_words("Children", "en") == "Children"


def test_the_iceberg_and_the_chain_drawn_in_welsh(sqlite_engine, sqlite_demo_id):
    engine, pid = sqlite_engine, sqlite_demo_id
    p = ev.prevalence(engine, pid)
    figure = figure_in_language(ev.iceberg_figure(p, "Bro Taf"), "cy")
    layout = figure["layout"]
    assert layout["title"]["text"].startswith("Blaen y mynydd iâ: Bro Taf<br><sup>")
    assert layout["yaxis"]["title"]["text"] == "Plant"
    assert [t["name"] for t in figure["data"]] == ["Wedi'u nodi", "Amcangyfrif, heb eu nodi"]
    assert layout["annotations"][0]["text"].startswith("Llinell y dŵr")
    assert "Identified" not in str(figure["data"][0]["text"])
    chain = figure_in_language(plan_chart.chain_figure(load_plan(engine, pid)), "cy")
    assert chain["layout"]["xaxis"]["ticktext"] == ["Nodau strategol", "Canlyniadau arfaethedig", "Camau gweithredu"]
    assert {t.get("name") for t in chain["data"]} >= {"Nodau", "Canlyniadau", "Camau gweithredu"}


@pytest.fixture
def drawn(monkeypatch):
    """The figures a document sends to be drawn (the drawing itself skipped: no browser needed)."""
    sent: list[dict] = []

    def draw(self, spec: str) -> Future:
        import json

        sent.append(json.loads(spec)["figure"])
        done: Future = Future()
        done.set_result(None)
        return done

    monkeypatch.setattr(toolkit.ChartDrawer, "draw", draw)
    monkeypatch.setattr(toolkit.ChartDrawer, "warm", lambda self: None)
    return sent


def _drawn_words(figure: dict) -> str:
    return str(figure.get("layout", {})) + str([{k: t.get(k) for k in ("name", "text", "x")} for t in figure.get("data", [])])


def test_the_welsh_draft_and_progress_report_draw_their_charts_in_welsh(sqlite_engine, sqlite_demo_id, drawn):
    engine, pid = sqlite_engine, sqlite_demo_id
    _in_wales(engine, pid)
    export_docx(engine, pid, language="cy")
    words = "\n".join(_drawn_words(f) for f in drawn)
    assert "Blaen y mynydd iâ" in words and "The tip of the iceberg" not in words
    assert "Nodau strategol" in words and "Strategic aims" not in words
    assert "Waterline" not in words and "Estimated, not identified" not in words
    drawn.clear()
    export_progress_report(engine, pid, language="cy")
    words = "\n".join(_drawn_words(f) for f in drawn)
    assert "Camau gweithredu" in words and "'Actions'" not in words
    assert "Ar y trywydd iawn" in words and "'On track'" not in words
    drawn.clear()
    export_docx(engine, pid)  # English: the charts as they always were
    words = "\n".join(_drawn_words(f) for f in drawn)
    assert "The tip of the iceberg" in words and "Blaen y mynydd iâ" not in words
