"""The Word draft: real .docx bytes, re-opened with python-docx and read back."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime

import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import text

from strategy.answers.operations import add_row, save_answer
from strategy.core.dates import UK
from strategy.core.db import dispose_engine, prepare_database
from strategy.core.errors import NotFound
from strategy.core.settings import DATA_DIR
from strategy.demo import load_demo_data
from strategy.documents.draft import draft_filename, export_docx
from strategy.people.partnerships import create_partnership, get_partnership

NOW = datetime(2026, 7, 1, 12, 30, tzinfo=UK)  # British Summer Time: 11:30 UTC
TEMPLATE = yaml.safe_load((DATA_DIR / "reference" / "template_sections.yaml").read_text(encoding="utf-8"))["items"]
HEADINGS = [f"{s['number']}. {s['label']}" for s in TEMPLATE]
ILLEGAL_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
APPENDICES = ["Appendix A: The national review's recommendations", "Appendix B: Glossary"]


def open_docx(data: bytes):
    assert data[:2] == b"PK"
    return Document(io.BytesIO(data))


def sections(doc) -> dict[str, list]:
    """Paragraphs under each Heading 1, by heading text."""
    out: dict[str, list] = {}
    current = None
    for p in doc.paragraphs:
        if p.style.name == "Heading 1":
            current = out.setdefault(p.text, [])
        elif current is not None:
            current.append(p)
    return out


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
    props = doc.core_properties
    parts.extend([props.title or "", props.author or "", props.subject or ""])
    return "\n".join(parts)


def table_with_header(doc, first_header: str):
    for table in doc.tables:
        if table.rows[0].cells[0].text == first_header:
            return table
    raise AssertionError(f"no table headed {first_header!r}")


# --- A partnership with nothing written ------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh_doc(tmp_path_factory):
    """Read-only checks share one export (SQLite; the database-dependent cases below use both)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fresh') / 'workbook.sqlite3'}"
    try:
        engine = prepare_database(url)
        p = create_partnership(
            engine, name="Harbourshire Partnership", nation="england", areas="Harbourshire", period_start=2026, period_end=2029
        )
        return open_docx(export_docx(engine, p.id, now=NOW))
    finally:
        dispose_engine(url)


def test_fresh_export_has_the_eleven_template_headings_in_order(fresh_doc):
    assert len(HEADINGS) == 11
    # The eleven template sections, then the appendices.
    assert [p.text for p in fresh_doc.paragraphs if p.style.name == "Heading 1"] == HEADINGS + APPENDICES


def test_every_section_of_a_fresh_export_says_what_is_not_written_yet(fresh_doc):
    by_section = sections(fresh_doc)
    assert list(by_section) == HEADINGS + APPENDICES
    for heading, paragraphs in list(by_section.items())[:11]:
        gaps = [p for p in paragraphs if p.text.startswith("Not written yet") and p.style.name == "Workbook Gap"]
        assert gaps, f"section {heading!r} has no 'Not written yet' note"
    later = by_section["6. Prevention and disruption of child sexual abuse"][0].text
    assert "'Prevention and disruption' chapter" in later and "(Guide §8)" in later


def test_contents_field_updates_when_word_opens_the_document(fresh_doc):
    instructions = [el.text for el in fresh_doc.element.body.iter(qn("w:instrText"))]
    assert any("TOC" in i for i in instructions)
    update = fresh_doc.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"


def test_document_properties_name_the_partnership(fresh_doc):
    props = fresh_doc.core_properties
    assert props.title == "Harbourshire Partnership: child sexual abuse strategy (draft)"
    assert props.subject == "Strategy for preventing, identifying and responding to child sexual abuse"
    assert props.author == "Harbourshire Partnership"
    assert props.language == "en-GB"


def test_created_time_is_stored_in_utc(fresh_doc):
    # Word shows the core property "created" converted from UTC: 12:30 in July in the UK is 11:30 UTC.
    created = fresh_doc.core_properties.created
    created = created.replace(tzinfo=UTC) if created.tzinfo is None else created
    assert created == NOW.astimezone(UTC)


def test_title_page_and_footer(fresh_doc):
    texts = [(p.style.name, p.text) for p in fresh_doc.paragraphs[:10]]
    # The strategy's title is the large heading; the partnership's name sits under it.
    title = next(i for i, (style, _) in enumerate(texts) if style == "Title")
    assert texts[title] == ("Title", "Strategy for preventing, identifying and responding to child sexual abuse")
    assert texts[title + 1] == ("Subtitle", "Harbourshire Partnership")
    assert ("Normal", "Strategy period: 2026 to 2029") in texts
    assert ("Normal", "Date: 1 July 2026") in texts
    assert ("Workbook Marking", "DRAFT") in texts
    # The footer carries page numbers as fields Word and LibreOffice fill in: "Page 3 of 40".
    footer = fresh_doc.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("Harbourshire Partnership · Child sexual abuse strategy · DRAFT · Page ")
    fields = [el.text.strip() for el in footer._p.iter(qn("w:instrText"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert fresh_doc.sections[0].header.paragraphs[0].text == "Harbourshire Partnership · DRAFT"


def test_england_draft_quotes_the_statutory_definition_with_its_source(fresh_doc):
    intro = sections(fresh_doc)["1. Introduction"]
    quotes = [p.text for p in intro if p.style.name == "Quote"]
    assert len(quotes) == 1 and quotes[0].startswith("...forcing or enticing a child")
    assert "Source: Department for Education, 2023:162" in [p.text for p in intro]


def test_wales_draft_does_not_present_the_guidance_note_as_a_quoted_definition(engine):
    p = create_partnership(engine, name="Gogledd Cymru Board", nation="wales")
    intro = sections(open_docx(export_docx(engine, p.id, now=NOW)))["1. Introduction"]
    assert [q.text for q in intro if q.style.name == "Quote"] == []
    note = [q for q in intro if "Wales uses a definition of child sexual abuse" in q.text]
    assert len(note) == 1 and note[0].style.name == "Workbook Gap"


def test_a_partial_scope_is_flagged_against_the_guide(engine, partnership, author):
    save_answer(engine, partnership.id, "intro.scope_forms", ["online", "exploitation"], expected_version=0, author=author)
    doc = open_docx(export_docx(engine, partnership.id, now=NOW))
    intro = sections(doc)["1. Introduction"]
    bullets = [p.text for p in intro if p.style.name == "List Bullet"]
    assert len(bullets) == 2 and any("online" in b.lower() for b in bullets)
    assert any("names 2 of the 6 forms" in p.text and p.style.name == "Workbook Gap" for p in intro)


def test_exporting_a_partnership_that_does_not_exist_is_refused(engine):
    with pytest.raises(NotFound, match="no longer exists"):
        export_docx(engine, 424242)


def test_draft_filename_is_safe_whatever_the_name(engine):
    p = create_partnership(engine, name="<script>Ŵyr / Vale  & Co</script>", nation="wales")
    name = draft_filename(get_partnership(engine, p.id), NOW)
    assert re.fullmatch(r"[\w-]+-strategy-draft-2026-07-01\.docx", name)
    assert "/" not in name and "<" not in name and "--" not in name
    odd = create_partnership(engine, name="!!!", nation="wales")
    assert draft_filename(get_partnership(engine, odd.id), NOW) == "partnership-strategy-draft-2026-07-01.docx"


# --- The demo, fully written -------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_doc(db_templates):
    """The demo's Word draft with its charts, exported once per test process (tests/db_support.py)."""
    return open_docx(db_templates.demo_docx(NOW))


def test_demo_export_contains_the_vision(demo_doc):
    vision = load_demo_data()["answers"]["vision.statement"].strip().split("\n")
    paragraphs = [p.text for p in sections(demo_doc)["2. Shared vision and strategic priorities"]]
    assert vision[0] in paragraphs and vision[-1] in paragraphs


def test_demo_priorities_are_listed_in_order(demo_doc):
    wanted = [r["priority"] for r in load_demo_data()["items"]["vision.priorities"]]
    numbered = [p.text for p in demo_doc.paragraphs if p.style.name == "List Number"]
    assert len(numbered) == len(wanted)
    for line, priority in zip(numbered, wanted, strict=True):
        assert line.startswith(priority + ": ")


def test_demo_steering_group_table_has_a_repeating_header_and_every_member(demo_doc):
    members = load_demo_data()["items"]["vision.steering_group"]
    table = table_with_header(demo_doc, "Name")
    assert [c.text for c in table.rows[0].cells] == [
        "Name",
        "Agency or organisation",
        "Role",
        "Level",
        "Can commit their agency to actions",
        "Brings the voice of victims/survivors",
    ]
    header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert header is not None and header.get(qn("w:val")) == "true"
    assert all(row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    assert len(table.rows) == len(members) + 1
    first = [c.text for c in table.rows[1].cells]
    assert first == [members[0]["name"], members[0]["agency"], members[0]["role"], "Executive or strategic lead", "Yes", "No"]


def test_demo_contributions_show_kinds_of_agency_by_label(demo_doc):
    table = table_with_header(demo_doc, "Agency or organisation")
    assert table.rows[0].cells[1].text == "Kind of agency"
    kinds = {row.cells[1].text for row in table.rows[1:]}
    assert {"Local authority", "Integrated care board", "Police"} <= kinds
    assert "local_authority" not in kinds


# --- Whatever is in the database, the export works ---------------------------------------------


def test_export_survives_any_text_even_written_straight_into_the_database(engine, partnership, author):
    hostile = "Ŵyr ŷd 👩🏽‍💻 🏴󠁧󠁢󠁷󠁬󠁳󠁿 حماية הגנה \u202eevil\u202c zero\u200bwidth & < > \" ' ]]> <script>x</script> =SUM(A1)"
    controls = "\x01\x02\x08\x0b\x0c\x0e\x1f\ufffe\uffff"
    if engine.dialect.name == "sqlite":
        controls = "\x00" + controls  # PostgreSQL text cannot hold NUL at all
    raw = f"Start{controls}{hostile}\r\nSecond line\rThird"
    pid = partnership.id
    save_answer(engine, pid, "intro.purpose", "placeholder", expected_version=0, author=author)
    save_answer(engine, pid, "vision.statement", "placeholder", expected_version=0, author=author)
    member = add_row(engine, pid, "vision.steering_group", {"name": "placeholder"}, author=author)
    priority = add_row(engine, pid, "vision.priorities", {"priority": "placeholder"}, author=author)
    # Straight into the database, past clean_text: an old row, an import, a hand edit.
    with engine.begin() as conn:
        conn.execute(text("update answer set value = :v where partnership_id = :p"), {"v": raw, "p": pid})
        conn.execute(
            text("update partnership set name = :n, areas = :a where id = :p"),
            {"n": f"Board{controls} {hostile}", "a": f"Board{controls} {hostile}", "p": pid},
        )
        conn.execute(
            text("update item set values_json = :v where id = :i"),
            {"v": json.dumps({"name": raw, "role": raw, "lived_experience": True}, ensure_ascii=False), "i": member.id},
        )
        conn.execute(
            text("update item set values_json = :v where id = :i"),
            {"v": json.dumps({"priority": raw, "why": raw}, ensure_ascii=False), "i": priority.id},
        )

    doc = open_docx(export_docx(engine, pid, now=NOW))
    everything = all_text(doc)
    assert not ILLEGAL_IN_XML.search(everything)
    assert "Start" + hostile in everything  # the controls are gone, everything else is exactly as typed
    assert "Second line" in everything and "Third" in everything
    assert f"Board {hostile}" in [p.text for p in doc.paragraphs if p.style.name == "Subtitle"]
    assert doc.core_properties.title.startswith(f"Board {hostile}")
    intro = [p.text for p in sections(doc)["1. Introduction"]]
    assert "Start" + hostile in intro and "Second line" in intro and "Third" in intro
    members = table_with_header(doc, "Name")
    assert members.rows[1].cells[0].text.startswith("Start" + hostile)
    assert members.rows[1].cells[5].text == "Yes"
    numbered = [p.text for p in doc.paragraphs if p.style.name == "List Number"]
    assert len(numbered) == 1 and numbered[0].startswith("Start" + hostile)
