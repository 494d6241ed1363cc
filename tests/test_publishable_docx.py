"""The Word draft as a publishable document (Guide §13): marking, status, document control, header and
footer, glossary; and the file opens in LibreOffice without repair (converted to PDF and read back)."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import datetime

import pytest
from docx import Document
from pypdf import PdfReader

from strategy.answers.operations import add_row, save_answer
from strategy.core.dates import UK
from strategy.documents.draft import export_docx
from tests.conftest import IN_CI

NOW = datetime(2026, 7, 1, 12, 30, tzinfo=UK)


def doc_of(engine, pid) -> Document:
    return Document(io.BytesIO(export_docx(engine, pid, now=NOW, charts=False)))


def control_table(doc) -> dict[str, str]:
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Version")
    return {r.cells[0].text: r.cells[1].text for r in table.rows}


def glossary(doc) -> dict[str, str]:
    table = next((t for t in doc.tables if t.rows[0].cells[0].text == "Acronym"), None)
    return {r.cells[0].text: r.cells[1].text for r in table.rows[1:]} if table else {}


def test_a_fresh_document_control_table_says_what_is_not_decided_yet(engine, partnership):
    control = control_table(doc_of(engine, partnership.id))
    assert control == {
        "Version": "Draft (workbook 0.1.0)",
        "Date of this version": "01/07/2026",
        "Author": "Harbourshire Partnership",
        "Status": "Draft for discussion",
        "Approved by": "Not yet approved",
        # Each statutory partner's endorsement (Guide §13.2): none is recorded as an agency yet.
        "Endorsement: Local authority (statutory partner)": "No agency of this kind is recorded yet",
        "Endorsement: Integrated care board (statutory partner)": "No agency of this kind is recorded yet",
        "Endorsement: Police (statutory partner)": "No agency of this kind is recorded yet",
        "Next review date": "Not set yet (Finalise chapter)",
        "Classification": "No marking",
    }


def test_the_finalise_chapter_fills_the_title_page_marking_and_control_table(engine, partnership, author):
    pid = partnership.id
    for prompt_id, value in [
        ("finalise.title", "Our strategy on child sexual abuse 2026 to 2029"),
        ("finalise.classification", "official"),
        ("finalise.version", "1.0"),
        ("finalise.status", "approved"),
        ("finalise.document_author", "Business manager"),
        ("finalise.approved_by", "The partnership executive"),
        ("finalise.approval_date", "12/03/2027"),
        ("finalise.next_review", "31/03/2028"),
    ]:
        save_answer(engine, pid, prompt_id, value, expected_version=0, author=author)
    doc = doc_of(engine, pid)
    first = [(p.style.name, p.text) for p in doc.paragraphs[:10]]
    assert first[0] == ("Workbook Marking", "OFFICIAL")
    assert ("Title", "Our strategy on child sexual abuse 2026 to 2029") in first
    assert ("Workbook Marking", "Status: Approved") in first
    # Approved: no DRAFT marking anywhere on the title page, in the header or the footer.
    assert not any(text == "DRAFT" or "DRAFT" in text for _, text in first)
    section = doc.sections[0]
    assert section.header.paragraphs[0].text == "OFFICIAL · Harbourshire Partnership"
    assert "DRAFT" not in section.footer.paragraphs[0].text
    assert [p.text for p in section.footer.paragraphs][-1] == "OFFICIAL"
    control = control_table(doc)
    assert [k for k in control if k.startswith("Endorsement: ")] == [
        "Endorsement: Local authority (statutory partner)",
        "Endorsement: Integrated care board (statutory partner)",
        "Endorsement: Police (statutory partner)",
    ]  # each statutory partner's endorsement: tests/test_chain.py
    assert {k: v for k, v in control.items() if not k.startswith("Endorsement: ")} == {
        "Version": "1.0",
        "Date of this version": "01/07/2026",
        "Author": "Business manager",
        "Status": "Approved",
        "Approved by": "The partnership executive, 12/03/2027",
        "Next review date": "31/03/2028",
        "Classification": "OFFICIAL",
    }
    props = doc.core_properties
    assert props.title == "Harbourshire Partnership: Our strategy on child sexual abuse 2026 to 2029"
    assert props.author == "Business manager" and props.category == "OFFICIAL" and "approved" in props.keywords


def test_a_consultation_draft_stays_marked_draft(engine, partnership, author):
    save_answer(engine, partnership.id, "finalise.status", "consultation", expected_version=0, author=author)
    doc = doc_of(engine, partnership.id)
    assert ("Workbook Marking", "DRAFT") in [(p.style.name, p.text) for p in doc.paragraphs[:5]]
    assert doc.sections[0].header.paragraphs[0].text.endswith("· DRAFT")
    assert control_table(doc)["Status"] == "Consultation draft"


def test_the_glossary_lists_the_acronyms_the_text_uses(engine, partnership, author):
    pid = partnership.id
    save_answer(
        engine,
        pid,
        "intro.purpose",
        "The sexual assault referral centre (SARC) and the MASH work with the HVP board and the QQX team.",
        expected_version=0,
        author=author,
    )
    add_row(engine, pid, "finalise.glossary", {"acronym": "HVP", "meaning": "Harbourshire and Vale Partnership"}, author=author)
    found = glossary(doc_of(engine, pid))
    assert found["SARC"] == "sexual assault referral centre"
    assert found["MASH"] == "multi-agency safeguarding hub"
    assert found["HVP"] == "Harbourshire and Vale Partnership"
    assert found["QQX"].startswith("Meaning not given yet")
    # The draft's own words count too: its gap notes name the MAPPA board.
    assert found["MAPPA"] == "multi-agency public protection arrangements"


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def soffice():
    path = _soffice()
    if path is None:
        if IN_CI:
            pytest.fail("LibreOffice is not installed in CI (scripts/test installs Debian's libreoffice-writer-nogui)")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    return path


def test_the_demo_draft_opens_in_libreoffice_and_reads_back_from_the_pdf(sqlite_engine, sqlite_demo_id, soffice, tmp_path):
    pid = sqlite_demo_id
    data = export_docx(sqlite_engine, pid, now=NOW, charts=False)
    source = tmp_path / "demo.docx"
    source.write_bytes(data)
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    pdf = tmp_path / "demo.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr or result.stdout
    reader = PdfReader(str(pdf))
    assert len(reader.pages) > 10
    text = "\n".join(page.extract_text() for page in reader.pages)
    words = " ".join(text.split())
    for expected in (
        "Document control",
        "1. Introduction",
        "4. Local and regional context",
        "11. Monitoring and evaluation",
        "Appendix A: The national review's recommendations",
        "Appendix B: Glossary",
        "multi-agency public protection arrangements",
        "Our strategy to prevent, identify and respond",
    ):
        assert expected in words, expected
    # Page numbers are filled in on every page: "Page 2 of N".
    assert f"Page 2 of {len(reader.pages)}" in words
    # The Word file itself reads back with the same headings.
    headings = [p.text for p in Document(io.BytesIO(data)).paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "1. Introduction" and headings[-3:] == [
        "Appendix B: Glossary",
        "Appendix C: The evidence in detail",
        "Appendix D: How the plan answers the evidence",
    ]


def _png(width=60, height=30) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 60, 113)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_logo_goes_on_the_title_page_with_alt_text(engine, partnership, author):
    save_answer(engine, partnership.id, "finalise.logo", _png(), expected_version=0, author=author)
    doc = doc_of(engine, partnership.id)
    first = doc.inline_shapes[0]
    assert first._inline.docPr.get("descr") == "Logo of Harbourshire Partnership"
    # It is the very first thing in the document, before the title.
    assert doc.paragraphs[0]._p.xpath(".//pic:pic") and doc.paragraphs[1].text in ("DRAFT", "Harbourshire Partnership")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"GIF89a" + b"\x00" * 20, "PNG or JPEG"),
        (b"%PDF-1.7 not a picture", "PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 + 1), "limit is 1 MB"),
        ("javascript:alert(1)", "PNG or JPEG"),
    ],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused_and_the_old_one_kept(engine, partnership, author, upload, message):
    from strategy.answers.operations import get_answer
    from strategy.core.errors import InvalidInput

    save_answer(engine, partnership.id, "finalise.logo", _png(), expected_version=0, author=author)
    before = get_answer(engine, partnership.id, "finalise.logo").value
    with pytest.raises(InvalidInput, match=message):
        save_answer(engine, partnership.id, "finalise.logo", upload, expected_version=1, author=author)
    assert get_answer(engine, partnership.id, "finalise.logo").value == before
    assert len(doc_of(engine, partnership.id).inline_shapes) == 1


def test_the_recommendations_appendix_lists_the_actions_that_answer_each(engine, partnership, author):
    from strategy.plan.operations import add_aim, add_outcome, create_action

    pid = partnership.id
    aim = add_aim(engine, pid, title="Recognise abuse earlier", author=author)
    outcome = add_outcome(engine, pid, aim_id=aim.id, title="More children identified", author=author)
    create_action(
        engine,
        pid,
        outcome_id=outcome.id,
        title="Train school staff",
        author=author,
        leads=["Harbourshire Council"],
        end_date="31/03/2027",
        recommendations=["rec2"],
        add_unknown_agencies=True,
    )
    doc = doc_of(engine, pid)
    paragraphs = [p.text for p in doc.paragraphs]
    start = paragraphs.index("Appendix A: The national review's recommendations")
    appendix = paragraphs[start : paragraphs.index("Appendix B: Glossary")]
    assert "Recommendation 2: Professional knowledge, skills and confidence" in appendix
    assert sum(p.startswith("No action in the plan answers recommendation") for p in appendix) == 5
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Code" and t.rows[0].cells[3].text == "Completion")
    assert [c.text for c in table.rows[1].cells] == ["A1.O1.1", "Train school staff", "Harbourshire Council", "31/03/2027"]
