"""Documents a council would publish (issue 16): every Word document the workbook writes re-opened
and read back (A4 in every section, the marking once, the title page, a contents list that is filled,
the house style and brand, tables across the full width, one date style, typed lists as real lists,
properties and language, alt text), and the demo's draft rendered to a tagged PDF by LibreOffice and
read page by page (page count, tagging, A4, contents page numbers, no word broken inside a cell)."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from strategy.answers.operations import save_answer
from strategy.assessments import audit as au
from strategy.assessments import snapshot as sn
from strategy.core.dates import UK
from strategy.core.db import dispose_engine, prepare_database
from strategy.core.settings import DATA_DIR
from strategy.documents.audit_briefing import build_audit_briefing
from strategy.documents.draft import export_docx
from strategy.documents.on_a_page import build_on_a_page
from strategy.documents.progress_report import export_progress_report
from strategy.documents.snapshot_report import build_snapshot_report
from strategy.guide.content import content
from strategy.word import pdf as word_pdf
from strategy.word.style import ACCENTS, FONTS, TABLE_STYLE, TOC_STYLES, column_widths, contrast_ratio, section_of, text_width
from tests.conftest import IN_CI
from tests.people_support import sign_in_as

NOW = datetime(2026, 7, 1, 12, 30, tzinfo=UK)
ROOT = Path(__file__).resolve().parent.parent
A4 = {(Mm(210), Mm(297)), (Mm(297), Mm(210))}
TOLERANCE = Mm(1)
SHORT_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")
WORD = re.compile(r"[A-Za-z](?:[A-Za-z'’-]*[A-Za-z])?")
#: On one xdist worker: the demo's five documents and its PDF (module fixtures) are then made once a run.
pytestmark = pytest.mark.xdist_group("house-style")


@pytest.fixture(scope="module")
def demo(tmp_path_factory, db_templates):
    """The demo partnership in a database of this module's own (the documents only read it): a copy of
    this process's demo template (tests/db_support.py)."""
    url = db_templates.sqlite(tmp_path_factory.mktemp("house") / "demo.sqlite3", demo=True)
    engine = prepare_database(url)
    pid = db_templates.demo_id("sqlite")
    yield engine, pid
    dispose_engine(url)


@pytest.fixture(scope="module")
def documents(demo) -> dict[str, bytes]:
    engine, pid = demo
    snapshot = sn.list_snapshots(engine, pid)[0]
    audit = au.list_audits(engine, pid)[0]
    return {
        "draft": export_docx(engine, pid, now=NOW, charts=False),
        "progress report": export_progress_report(engine, pid, charts=False),
        "snapshot report": build_snapshot_report(engine, pid, snapshot.id, now=NOW, charts=False),
        "audit briefing": build_audit_briefing(engine, pid, audit.id, now=NOW, charts=False),
        "strategy on a page": build_on_a_page(engine, pid, now=NOW),
    }


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def draft(documents):
    return open_docx(documents["draft"])


def _near(a, b) -> bool:
    return abs(int(a) - int(b)) <= TOLERANCE


def _a4(section) -> bool:
    return any(_near(section.page_width, w) and _near(section.page_height, h) for w, h in A4)


# --- Pages, marking, title page -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["draft", "progress report", "snapshot report", "audit briefing", "strategy on a page"])
def test_every_section_of_every_document_is_a4(documents, name):
    doc = open_docx(documents[name])
    assert all(_a4(section) for section in doc.sections), [(s.page_width, s.page_height) for s in doc.sections]


def test_the_marking_is_in_one_header_and_one_footer_shared_by_every_section(draft):
    # The demo is marked OFFICIAL and is a draft; the later (landscape) sections share the first's header and footer.
    first, *later = draft.sections
    assert all(s.header.is_linked_to_previous and s.footer.is_linked_to_previous for s in later)
    assert [p.text for p in first.header.paragraphs] == ["OFFICIAL · Demo partnership · DRAFT"]
    footer = [p.text for p in first.footer.paragraphs]
    assert sum(text.count("OFFICIAL") for text in footer) == 1 and footer[-1] == "OFFICIAL"


@pytest.mark.parametrize("name", ["progress report", "snapshot report", "audit briefing", "strategy on a page"])
def test_every_other_document_carries_the_marking_once_at_the_top_and_once_at_the_foot(documents, name):
    doc = open_docx(documents[name])
    first, *later = doc.sections
    assert all(s.header.is_linked_to_previous and s.footer.is_linked_to_previous for s in later)
    header = [p.text for p in first.header.paragraphs]
    footer = [p.text for p in first.footer.paragraphs]
    assert header == ["OFFICIAL · Demo partnership"]
    assert sum(t.count("OFFICIAL") for t in footer) == 1 and footer[-1] == "OFFICIAL"
    assert doc.core_properties.category == "OFFICIAL"


def test_a_document_without_a_marking_prints_none(engine, partnership):
    doc = open_docx(export_progress_report(engine, partnership.id, charts=False))
    section = doc.sections[0]
    assert "OFFICIAL" not in " ".join(p.text for p in (*section.header.paragraphs, *section.footer.paragraphs))


def test_the_title_page_leads_with_the_strategys_title_then_the_partnership(draft):
    first = [(p.style.name, p.text) for p in draft.paragraphs[:12] if p.text]
    titles = [text for style, text in first if style == "Title"]
    assert titles == ["Our strategy to prevent, identify and respond to child sexual abuse 2026 to 2029"]
    after = first[[style for style, _ in first].index("Title") + 1]
    assert after == ("Subtitle", "Demo partnership")


@pytest.mark.parametrize("name", ["draft", "progress report", "snapshot report", "audit briefing", "strategy on a page"])
def test_headings_never_skip_a_level(documents, name):
    """A screen reader's list of headings makes sense: no Heading 3 straight under a Heading 1."""
    previous = 0
    for p in open_docx(documents[name]).paragraphs:
        if p.style.name.startswith("Heading "):
            level = int(p.style.name.split()[1])
            assert level <= previous + 1, (name, p.text)
            previous = level
        elif p.style.name == "Title":
            previous = 0


# --- Contents and numbered headings -----------------------------------------------------------------


def _contents(doc) -> list[str]:
    return [p.text.split("\t")[0] for p in doc.paragraphs if p.style.name in TOC_STYLES]


def test_the_contents_list_holds_the_headings_and_stays_a_word_field(draft):
    entries = _contents(draft)
    headings = [p.text for p in draft.paragraphs if p.style.name == "Heading 1"]
    # Every section and appendix heading is listed, in order, before anyone updates a field.
    assert [p.text.split("\t")[0] for p in draft.paragraphs if p.style.name == TOC_STYLES[0]] == headings
    assert entries[1] == "1.1 Purpose of the strategy"  # second-level headings carry their number 1.1
    assert "11. Monitoring and evaluation" in entries
    assert any(re.fullmatch(r"Table C\d+: Resources to support practice", e) for e in entries)
    assert entries[-1] == "Thematic audit: learning identified (Guide §15.3)"  # Appendix D's last group
    # Word can still update it: the TOC field is there, and each entry points at its heading's bookmark.
    instructions = " ".join(el.text for el in draft.element.body.iter(qn("w:instrText")))
    assert 'TOC \\o "1-2"' in instructions
    bookmarks = {el.get(qn("w:name")) for el in draft.element.body.iter(qn("w:bookmarkStart"))}
    pagerefs = re.findall(r"PAGEREF (_Toc\d+)", instructions)
    assert len(pagerefs) == len(entries) and set(pagerefs) <= bookmarks


@pytest.mark.parametrize("name", ["progress report", "snapshot report"])
def test_the_reports_contents_lists_hold_their_headings(documents, name):
    """The longer reports open with a contents list too, filled before anyone presses anything; the
    briefing (a few pages read in order) and the strategy on a page have none."""
    doc = open_docx(documents[name])
    headings = [p.text for p in doc.paragraphs if p.style.name in ("Heading 1", "Heading 2") and p.text.strip()]
    assert headings and _contents(doc) == headings
    instructions = " ".join(el.text for el in doc.element.body.iter(qn("w:instrText")))
    bookmarks = {el.get(qn("w:name")) for el in doc.element.body.iter(qn("w:bookmarkStart"))}
    assert 'TOC \\o "1-2"' in instructions and set(re.findall(r"PAGEREF (_Toc\d+)", instructions)) <= bookmarks
    for short in ("audit briefing", "strategy on a page"):
        assert _contents(open_docx(documents[short])) == []


def test_second_level_headings_are_numbered_with_words_own_numbering(draft):
    headings = [p for p in draft.paragraphs if p.style.name == "Heading 2"]
    purpose = next(p for p in headings if p.text == "Purpose of the strategy")
    assert purpose._p.pPr.numPr is not None and purpose._p.pPr.numPr.ilvl.val == 1
    glossary_part = [p for p in draft.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    appendix = glossary_part[[p.text for p in glossary_part].index("Appendix A: The national review's recommendations") + 1]
    assert appendix._p.pPr.numPr is None  # the appendices are not numbered


def test_section_4_keeps_the_summaries_and_the_detailed_tables_go_to_appendix_c(draft):
    body = list(draft.element.body.iterchildren())
    heading_1 = [p for p in draft.paragraphs if p.style.name == "Heading 1"]
    names = [p.text for p in heading_1]
    assert names[-4:] == [
        "Appendix A: The national review's recommendations",
        "Appendix B: Glossary",
        "Appendix C: The evidence in detail",
        "Appendix D: How the plan answers the evidence",
    ]
    start, end = (
        body.index(heading_1[names.index(n)]._p) for n in ("4. Local and regional context", "5. Strategic aims and intended outcomes")
    )
    in_section_4 = [t for t in draft.tables if start < body.index(t._tbl) < end]
    assert len(in_section_4) <= 3  # the forms, the groups and the yearly figures beside their chart
    pointers = [p.text for p in draft.paragraphs if p.text.startswith("The full table is in Appendix C, table C")]
    tables = [p.text for p in draft.paragraphs if p.style.name == "Heading 2" and p.text.startswith("Table C")]
    assert len(pointers) == len(tables) >= 8
    for pointer, heading in zip(pointers, tables, strict=True):  # each pointer names the table it points to
        assert pointer.removeprefix("The full table is in Appendix C, table ").rstrip(".") == heading.removeprefix("Table ")
    assert any(re.fullmatch(r"Table C\d+: The support matrix: what support exists for each group affected", t) for t in tables)


# --- House style, brand, tables ----------------------------------------------------------------------


def test_every_table_uses_the_house_style_across_the_full_text_width(documents):
    for name, data in documents.items():
        doc = open_docx(data)
        body = doc.element.body
        for table in doc.tables:
            section = Section(section_of(table._tbl, body), doc.part)
            grid = sum(int(col.w) for col in table._tbl.tblGrid.findall(qn("w:gridCol")))
            assert abs(grid - int(text_width(section))) <= Mm(1), (name, table.rows[0].cells[0].text)
            assert table.style.name == TABLE_STYLE, name


def test_header_rows_are_shaded_in_the_accent_colour_and_repeat(draft):
    action = next(t for t in draft.tables if t.rows[0].cells[1].text == "Action")
    header = action.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    fills = {tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) for tc in header._tr.tc_lst}
    assert fills == {ACCENTS["navy"]}
    assert all(p.style.name == "Workbook Table Header" for c in header.cells for p in c.paragraphs)


def test_columns_are_never_narrower_than_their_longest_word_when_the_page_allows():
    rows = [["Agency", "Practitioners trained", "Notes"], ["Police", "Practitioners", "A long note " * 20]]
    widths = column_widths(rows, 1, int(Mm(170)))
    assert sum(widths) == int(Mm(170))
    # "Practitioners" (13 letters at 9.5 pt) needs about 2.8 cm with the cell's margins; the note takes the rest.
    assert widths[1] >= Mm(27) and widths[2] > widths[1]


def test_a_table_too_wide_for_a_portrait_page_gets_a_landscape_page_of_its_own(draft):
    matrix = next(t for t in draft.tables if t.rows[0].cells[0].text == "Group affected" and len(t.columns) > 6)  # the support matrix
    section = Section(section_of(matrix._tbl, draft.element.body), draft.part)
    assert section.page_width > section.page_height
    # Its heading moved with it, so the heading and the table are on the same page.
    previous = matrix._tbl.getprevious()
    assert previous.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")).startswith("Heading")


def test_the_accent_colours_on_offer_are_readable_both_ways():
    prompt = content().prompts["finalise.accent"]
    assert [o.id for o in prompt.options] == list(ACCENTS)
    for colour in ACCENTS.values():
        assert contrast_ratio(colour, "FFFFFF") >= 4.5, colour  # white header text on it, and it on white paper
    assert [o.id for o in content().prompts["finalise.font"].options] == list(FONTS)


def test_the_partnerships_accent_and_font_reach_headings_tables_and_text(engine, partnership, author):
    save_answer(engine, partnership.id, "finalise.accent", "teal", expected_version=0, author=author)
    save_answer(engine, partnership.id, "finalise.font", "verdana", expected_version=0, author=author)
    doc = open_docx(export_docx(engine, partnership.id, now=NOW, charts=False))
    assert str(doc.styles["Heading 1"].font.color.rgb) == ACCENTS["teal"]
    fonts = doc.styles.element.find(qn("w:docDefaults")).find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts.get(qn("w:ascii")) == "Verdana"
    glossary = next(t for t in doc.tables if t.rows[0].cells[0].text == "Acronym")
    assert glossary.rows[0]._tr.tc_lst[0].tcPr.find(qn("w:shd")).get(qn("w:fill")) == ACCENTS["teal"]
    report = open_docx(export_progress_report(engine, partnership.id, charts=False))
    assert str(report.styles["Heading 1"].font.color.rgb) == ACCENTS["teal"]


# --- Dates, lists, properties, pictures --------------------------------------------------------------


@pytest.mark.parametrize("name", ["draft", "progress report", "snapshot report", "audit briefing", "strategy on a page"])
def test_prose_gives_dates_in_words_and_tables_give_them_as_numbers(documents, name):
    doc = open_docx(documents[name])
    prose = [p.text for p in doc.paragraphs if SHORT_DATE.search(p.text)]
    prose += [p.text for s in doc.sections for p in (*s.header.paragraphs, *s.footer.paragraphs) if SHORT_DATE.search(p.text)]
    assert prose == []
    odd = [c for c in _dated_cells(doc) if not re.fullmatch(r"\d{2}/\d{2}/\d{4}( to \d{2}/\d{2}/\d{4})?( \([^)]*\))?", c)]
    assert odd == [], name  # a table gives a date one way: 31/03/2027
    # The document control table and the action plan give dates day first as numbers.
    if name == "draft":
        cells = [c.text for t in doc.tables for c in t._cells]
        assert "01/07/2026" in cells and any(re.fullmatch(r"\d{2}/\d{2}/\d{4} to \d{2}/\d{2}/\d{4}", c) for c in cells)


def _dated_cells(doc) -> list[str]:
    """Table cells holding nothing but a date in some style (31/03/2027, 31 March 2027, 2027-03-31)."""
    long = re.compile(
        r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}|\d{4}-\d{2}-\d{2}"
    )
    return [c.text for t in doc.tables for c in t._cells if SHORT_DATE.fullmatch(c.text.split(" to ")[0]) or long.fullmatch(c.text)]


def test_lines_typed_as_lists_become_real_lists_and_each_numbered_list_counts_from_one(engine, partnership, author):
    save_answer(
        engine,
        partnership.id,
        "intro.purpose",
        "Why now:\n- the national review\n* a local case review\n\n1. Recognise abuse\n2) Respond well\nAfter the list.",
        expected_version=0,
        author=author,
    )
    save_answer(engine, partnership.id, "intro.audience", "1. Leaders\n2. Practitioners", expected_version=0, author=author)
    doc = open_docx(export_docx(engine, partnership.id, now=NOW, charts=False))
    styled = [(p.style.name, p.text) for p in doc.paragraphs]
    start = styled.index(("Normal", "Why now:"))
    assert styled[start : start + 6] == [
        ("Normal", "Why now:"),
        ("List Bullet", "the national review"),
        ("List Bullet", "a local case review"),
        ("List Number", "Recognise abuse"),
        ("List Number", "Respond well"),
        ("Normal", "After the list."),
    ]
    firsts = [p for p in doc.paragraphs if p.text in ("Recognise abuse", "Leaders")]
    numbering = doc.part.numbering_part.element
    ids = [p._p.pPr.numPr.numId.val for p in firsts]
    assert ids[0] != ids[1]  # two lists, two numberings
    for num_id in ids:  # each starts again at 1
        num = numbering.xpath(f"./w:num[@w:numId='{num_id}']")[0]
        assert num.xpath("./w:lvlOverride/w:startOverride/@w:val") == ["1"]


@pytest.mark.parametrize("name", ["draft", "progress report", "snapshot report", "audit briefing", "strategy on a page"])
def test_every_document_names_its_title_author_and_language(documents, name):
    doc = open_docx(documents[name])
    props = doc.core_properties
    assert props.title.startswith("Demo partnership: ")
    assert props.author and "python-docx" not in props.author and "python-docx" not in (props.last_modified_by or "")
    assert props.language == "en-GB"
    lang = doc.styles.element.find(qn("w:docDefaults")).find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-GB"  # the text itself, for spelling and screen readers


def test_the_progress_report_is_landscape_and_its_status_table_agrees_with_the_chart(documents):
    from strategy.delivery import operations as D

    doc = open_docx(documents["progress report"])
    assert all(s.page_width > s.page_height for s in doc.sections)
    status = next(t for t in doc.tables if t.rows[0].cells[0].text == "Status")
    assert [r.cells[0].text for r in status.rows[1:]] == [s["label"] for s in D.statuses()]
    assert "Deferred" in [r.cells[0].text for r in status.rows[1:]]
    assert doc.core_properties.author == "Demo partnership"


def test_every_picture_has_alt_text(engine, partnership, author):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), (0, 60, 113)).save(buffer, format="PNG")
    save_answer(engine, partnership.id, "finalise.logo", buffer.getvalue(), expected_version=0, author=author)
    snapshot = sn.create_snapshot(engine, partnership.id, title="Snapshot 2026", author=author)
    audit = au.create_audit(engine, partnership.id, theme="Harmful sexual behaviour", author=author)
    for data in (
        export_docx(engine, partnership.id, now=NOW, charts=False),
        export_progress_report(engine, partnership.id, charts=False),
        build_snapshot_report(engine, partnership.id, snapshot.id, now=NOW, charts=False),
        build_audit_briefing(engine, partnership.id, audit.id, now=NOW, charts=False),
    ):
        doc = open_docx(data)
        assert doc.inline_shapes, "the logo is on the cover"
        assert all(shape._inline.docPr.get("descr") for shape in doc.inline_shapes)
    page = open_docx(build_on_a_page(engine, partnership.id, now=NOW))  # one page of text: no logo, so no picture to describe
    assert all(shape._inline.docPr.get("descr") for shape in page.inline_shapes)


def test_every_chart_in_every_document_has_alt_text(demo):
    """The demo's documents with their charts drawn: each picture says what it shows."""
    engine, pid = demo
    snapshot = sn.list_snapshots(engine, pid)[0]
    audit = au.list_audits(engine, pid)[0]
    for name, data in (
        ("draft", export_docx(engine, pid, now=NOW)),
        ("progress report", export_progress_report(engine, pid)),
        ("snapshot report", build_snapshot_report(engine, pid, snapshot.id, now=NOW)),
        ("audit briefing", build_audit_briefing(engine, pid, audit.id, now=NOW)),
    ):
        shapes = open_docx(data).inline_shapes
        assert shapes, f"the {name} has charts"
        described = [shape._inline.docPr.get("descr") or "" for shape in shapes]
        assert all(len(d) > 10 for d in described), (name, described)


# --- The demo's figures agree ---------------------------------------------------------------------------


def test_the_demos_introduction_quotes_only_years_its_figures_table_has():
    demo_data = yaml.safe_load((DATA_DIR / "demo.yaml").read_text(encoding="utf-8"))
    text = demo_data["answers"]["intro.purpose"]
    years = set(re.findall(r"\b(20\d\d/\d\d)\b", text))
    figures = {row["period"] for row in demo_data["items"]["response.identification_figures"]}
    assert years and years <= figures
    quoted = {
        int(n.replace(",", "")) for n in re.findall(r"(?<![/\d,])(?:\d{1,3}(?:,\d{3})+|\d{2,4})\b(?!/)", text) if not n.startswith("20")
    }
    table = {int(row["value"]) for row in demo_data["items"]["response.identification_figures"] if row["period"] in years}
    assert quoted <= table, quoted - table


# --- PDF through LibreOffice ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def soffice():
    if word_pdf.libreoffice() is None:
        if IN_CI:
            pytest.fail("LibreOffice is not installed in CI (scripts/test installs Debian's libreoffice-writer-nogui)")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")


@pytest.fixture(scope="module")
def demo_pdf(documents, soffice) -> bytes:
    return word_pdf.to_pdf(documents["draft"])


def test_the_demo_draft_becomes_a_tagged_a4_pdf_of_a_publishable_length(demo_pdf):
    assert demo_pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(demo_pdf))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root  # tagged, for screen readers
    assert 35 <= len(reader.pages) <= 70, len(reader.pages)  # was 91 US Letter pages before the house style
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert {round(width), round(height)} == {595, 842}, (width, height)  # A4 in points


def test_the_pdf_has_the_marking_once_at_the_top_and_once_at_the_foot_of_each_page(demo_pdf):
    reader = PdfReader(io.BytesIO(demo_pdf))
    for number, page in enumerate(reader.pages[2:], start=3):  # after the cover and document control, which name it
        lines = (page.extract_text() or "").split("\n")
        assert sum(line.count("OFFICIAL") for line in lines) == 2, number
        assert lines[0] == "OFFICIAL · Demo partnership · DRAFT" and lines[-1] == "OFFICIAL", number


def test_the_pdfs_contents_list_gives_the_page_of_every_heading(demo_pdf):
    reader = PdfReader(io.BytesIO(demo_pdf))
    pages = [page.extract_text() or "" for page in reader.pages]
    contents = [line for text in pages[2:6] for line in text.split("\n") if "....." in line]
    assert len(contents) > 40
    numbers = [int(m.group(1)) for m in (re.search(r"\.{3,}\s*(\d+)$", line) for line in contents) if m]
    assert len(numbers) == len(contents), [line for line in contents if not re.search(r"\d$", line)][:5]
    assert numbers == sorted(numbers)
    # "4. Local and regional context" is on the page the contents list says.
    entry = next(line for line in contents if line.startswith("4. Local and regional context"))
    page = int(re.search(r"(\d+)$", entry).group(1))
    assert "4. Local and regional context" in pages[page - 1]


def test_no_word_is_broken_inside_a_table_cell(draft, demo_pdf):
    cell_words = {w for t in draft.tables for c in t._cells for w in WORD.findall(c.text)}
    document_words = cell_words | {w for p in draft.paragraphs for w in WORD.findall(p.text)}
    broken = []
    for number, page in enumerate(PdfReader(io.BytesIO(demo_pdf)).pages, start=1):
        lines = [line for line in (page.extract_text() or "").split("\n") if line.strip()]
        for upper, lower in zip(lines, lines[1:], strict=False):
            left, right = WORD.findall(upper.split()[-1]), WORD.findall(lower.split()[0])
            if left and right and left[-1] + right[0] in cell_words and left[-1] not in document_words:
                broken.append((number, left[-1], right[0]))
    assert broken == []


def test_the_strategy_on_a_page_is_one_landscape_page_with_the_vision_priorities_and_aims(documents, soffice):
    pdf = word_pdf.to_pdf(documents["strategy on a page"])
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    text = " ".join((page.extract_text() or "").split())
    for expected in (
        "Our vision",
        "Every child in Harbourshire",
        "Our priorities",
        "1. Recognise more children",
        "A1 ",
        "A4 ",
        "Headline measures",
    ):
        assert expected in text, expected
    png = word_pdf.to_png(documents["strategy on a page"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_a_fresh_partnerships_page_says_what_is_missing_and_hostile_text_stays_text(engine, partnership, author):
    hostile = "<script>alert(1)</script> & \u202e\x07 ]]>"
    save_answer(engine, partnership.id, "vision.statement", f"Vision {hostile} " + "long words " * 400, expected_version=0, author=author)
    doc = open_docx(build_on_a_page(engine, partnership.id, now=NOW))
    texts = [p.text for p in doc.paragraphs]
    vision = next(t for t in texts if t.startswith("Vision <script>"))
    assert len(vision) <= 400 and vision.endswith("…")  # cut at a word to fit the page; the draft has it all
    gaps = [p.text for p in doc.paragraphs if p.style.name == "Workbook Gap"]
    assert [g.split(" (")[0] for g in gaps] == [
        "Not written yet: the strategic priorities",
        "Not written yet: the strategic aims and their outcomes",
    ]
    assert (
        doc.core_properties.title
        == "Harbourshire Partnership: Strategy for preventing, identifying and responding to child sexual abuse on a page"
    )


def test_without_libreoffice_the_pdf_is_refused_with_what_to_install(monkeypatch):
    monkeypatch.setattr(word_pdf, "libreoffice", lambda: None)
    with pytest.raises(word_pdf.PdfUnavailable, match="apt-get install libreoffice-writer-nogui"):
        word_pdf.to_pdf(b"PK not used")


def test_export_docx_pdf_from_the_command_line(demo, tmp_path, soffice):
    engine, pid = demo
    url = str(engine.url)
    out = tmp_path / "draft.pdf"
    env = {**os.environ, "DATABASE_URL": url}
    run = subprocess.run(
        [sys.executable, "-m", "strategy", "export-docx", "Demo partnership", "--out", str(out), "--pdf", "--no-charts"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert run.returncode == 0, run.stderr
    assert out.read_bytes().startswith(b"%PDF") and "Wrote" in run.stdout
    # Without LibreOffice on the PATH: one line that says what to install, and nothing written.
    missing = tmp_path / "missing.pdf"
    bare = {**env, "PATH": str(Path(sys.executable).parent)}
    refused = subprocess.run(
        [sys.executable, "-m", "strategy", "export-docx", "Demo partnership", "--out", str(missing), "--pdf", "--no-charts"],
        cwd=ROOT,
        env=bare,
        capture_output=True,
        text=True,
        timeout=200,
    )
    assert refused.returncode == 1 and "LibreOffice" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert not missing.exists()
    # The strategy on a page as a picture.
    picture = tmp_path / "page.png"
    made = subprocess.run(
        [sys.executable, "-m", "strategy", "on-a-page", "Demo partnership", "--out", str(picture), "--png"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert made.returncode == 0, made.stderr
    assert picture.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("name", ["progress report", "snapshot report", "audit briefing"])
def test_the_other_documents_render_to_tagged_a4_pdfs_with_no_word_broken_in_a_cell(documents, soffice, name):
    doc = open_docx(documents[name])
    pdf = word_pdf.to_pdf(documents[name])
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert all({round(float(p.mediabox.width)), round(float(p.mediabox.height))} == {595, 842} for p in reader.pages)
    cell_words = {w for t in doc.tables for c in t._cells for w in WORD.findall(c.text)}
    document_words = cell_words | {w for p in doc.paragraphs for w in WORD.findall(p.text)}
    broken = []
    for number, page in enumerate(reader.pages, start=1):
        lines = [line for line in (page.extract_text() or "").split("\n") if line.strip()]
        for upper, lower in zip(lines, lines[1:], strict=False):
            left, right = WORD.findall(upper.split()[-1]), WORD.findall(lower.split()[0])
            if left and right and left[-1] + right[0] in cell_words and left[-1] not in document_words:
                broken.append((number, left[-1], right[0]))
    assert broken == [], name
    # The marking once at the top and once at the foot of every page.
    for number, page in enumerate(reader.pages, start=1):
        lines = [line for line in (page.extract_text() or "").split("\n") if line.strip()]
        assert lines[0] == "OFFICIAL · Demo partnership" and lines[-1] == "OFFICIAL", (name, number)


@pytest.mark.parametrize(
    "command",
    [["progress-report", "Demo partnership"], ["snapshot-report", "Demo partnership"], ["audit-briefing", "Demo partnership", "1"]],
)
def test_the_other_documents_as_tagged_pdfs_from_the_command_line(demo, tmp_path, soffice, command):
    engine, _pid = demo
    out = tmp_path / "document.pdf"
    run = subprocess.run(
        [sys.executable, "-m", "strategy", *command, "--out", str(out), "--pdf", "--no-charts"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": str(engine.url)},
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert run.returncode == 0, run.stderr
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root  # tagged, for screen readers
    assert {round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height))} == {595, 842}


# --- The page ---------------------------------------------------------------------------------------------


def test_the_draft_page_offers_the_pdf(documents, tmp_path, monkeypatch, db_templates, sqlite_demo_id, soffice):
    from strategy.core.authors import Author
    from strategy.ui.state import PARTNERSHIP_KEY

    url = db_templates.sqlite(tmp_path / "app.sqlite3", demo=True)
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state[PARTNERSHIP_KEY] = str(sqlite_demo_id)
        sign_in_as(at, Author.make("Sam"), partnership_id=sqlite_demo_id)
        at.run()
        at.session_state["draft_docx"] = (sqlite_demo_id, documents["draft"], "demo-strategy-draft.docx")
        at.switch_page("views/draft.py").run()
        next(b for b in at.button if b.label == "Make a PDF").click().run()
        _finish_builds(at)
        assert not at.exception
        assert "Download as PDF" in [d.proto.label for d in at.get("download_button")]
        from strategy.core.db import get_engine
        from strategy.ui.building import job_key
        from strategy.word.jobs import JOBS

        made = [
            JOBS.get(job_key(get_engine(url), "draft", sqlite_demo_id, "pdf", d))
            for d in (hashlib.sha256(documents["draft"]).hexdigest()[:16],)
        ]
        assert made[0] is not None and made[0].result.startswith(b"%PDF")
        # The strategy on a page, built on the same page: Word, and the picture shown and offered.
        next(b for b in at.button if b.label == "Build the strategy on a page").click().run()
        _finish_builds(at)
        assert not at.exception
        labels = [d.proto.label for d in at.get("download_button")]
        assert "Download the strategy on a page (Word)" in labels and "Download the strategy on a page (PNG picture)" in labels
    finally:
        dispose_engine(url)


def test_the_draft_page_says_what_to_install_when_libreoffice_is_missing(documents, tmp_path, monkeypatch, db_templates, sqlite_demo_id):
    from strategy.core.authors import Author
    from strategy.ui.state import PARTNERSHIP_KEY

    monkeypatch.setattr(word_pdf, "libreoffice", lambda: None)
    url = db_templates.sqlite(tmp_path / "app.sqlite3", demo=True)
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state[PARTNERSHIP_KEY] = str(sqlite_demo_id)
        sign_in_as(at, Author.make("Sam"), partnership_id=sqlite_demo_id)
        at.run()
        at.session_state["draft_docx"] = (sqlite_demo_id, documents["draft"], "demo-strategy-draft.docx")
        at.switch_page("views/draft.py").run()
        assert not at.exception
        assert "Make a PDF" not in [b.label for b in at.button]
        assert any("apt-get install libreoffice-writer-nogui" in i.value for i in at.info)
        assert "Download the Word draft" in [d.proto.label for d in at.get("download_button")]  # the Word file is still there
    finally:
        dispose_engine(url)


def _finish_builds(at, timeout: float = 400):
    """The documents building in the background finished, and the page run again to offer them."""
    from strategy.word.jobs import JOBS

    for job in JOBS.running():
        assert job.wait(timeout), f"{job.what} was still building"
    return at.run()
