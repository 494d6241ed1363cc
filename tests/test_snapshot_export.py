"""The snapshot report and the audit briefing in Word, the demo's snapshot and audit, the Word
draft's self-assessment sub-section, and the three commands."""

from __future__ import annotations

import io

import pytest
from docx import Document

from strategy.assessments import audit as au
from strategy.assessments import snapshot as sn
from strategy.assessments.recommendations import add_recommendation, list_recommendations
from strategy.documents.audit_briefing import build_audit_briefing
from strategy.documents.draft import export_docx
from strategy.documents.snapshot_report import build_snapshot_report
from tests.test_cli import one_line_error, run
from tests.test_snapshot import _rate_all


def _text(data: bytes) -> tuple[Document, str]:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return doc, "\n".join(parts)


def _headings(doc, level: int) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


@pytest.fixture
def demo(demo_id):
    """The demo partnership: asking for it makes ``engine`` a copy of the demo's database (conftest.py)."""
    return demo_id


def test_the_demo_has_a_full_snapshot_survey_and_an_audit_with_ten_cases(engine, demo):
    snap = sn.find_snapshot(engine, demo)
    statements = sn.snapshot_statements(engine, demo, snap.id)
    rated = sn.ratings(engine, snap.id)
    assert len(statements) == 22 and all(rated[s.id].progress_rating and rated[s.id].evidence_rating for s in statements)
    assert len(sn.responses(engine, snap.id)) > 400
    audit = au.list_audits(engine, demo)[0]
    assert len(au.list_cases(engine, audit.id)) == 10
    assert au.survey_summary(au.survey_responses(engine, audit.id)).responses == 40
    assert len(list_recommendations(engine, demo, snapshot_id=snap.id)) == 5
    assert len(list_recommendations(engine, demo, audit_id=audit.id)) == 4


def test_the_snapshot_report_reads_as_a_finished_document(engine, demo):
    snap = sn.find_snapshot(engine, demo)
    doc, text = _text(build_snapshot_report(engine, demo, snap.id, charts=False))
    assert _headings(doc, 1) == [
        "About this snapshot",
        "Summary by domain",
        "Strengths",
        "Areas for development",
        "Strategic and frontline views",
        "The strategic and frontline surveys",
        "Domain by domain",
        "Recommendations",
    ]
    assert "6 strategic professionals answered the strategic professionals' survey" in text
    assert [h for h in _headings(doc, 2) if h in {d.label for d in sn.domains()}] == [d.label for d in sn.domains()]
    assert "Not rated yet" not in text and "Not written yet" not in text
    assert "Recovery support: red" in text
    assert "Strategic session: 19 March 2026" in text  # prose gives dates in words
    assert "Commission therapeutic support" in text and "(status: open)" in text
    assert "frontline practitioners" in text.lower()
    header = doc.tables[1].rows[0]._tr
    assert header.xpath("./w:trPr/w:tblHeader")  # the header row repeats on each page
    assert "CSA" not in text


def test_the_snapshot_report_compares_with_the_last_snapshot(engine, demo, author):
    later = sn.create_snapshot(engine, demo, title="Snapshot 2027", held_on="2027-03-18", author=author)
    _rate_all(engine, demo, later.id, author, lambda s: 3)
    doc, text = _text(build_snapshot_report(engine, demo, later.id, charts=False))
    assert "Change since the last snapshot" in _headings(doc, 1)
    assert "Snapshot 2026" in text and "No frontline survey yet" in text


def test_an_empty_snapshot_still_makes_a_report_that_says_what_is_missing(engine, partnership, author):
    snap = sn.create_snapshot(engine, partnership.id, title="First <b>&</b> snapshot", author=author)
    add_recommendation(engine, partnership.id, snapshot_id=snap.id, text="=cmd|' /C calc'!A0 \x01", author=author)
    doc, text = _text(build_snapshot_report(engine, partnership.id, snap.id, charts=False))
    assert "Not rated yet" in text and "First <b>&</b> snapshot" in text and "=cmd|' /C calc'!A0" in text


def test_the_audit_briefing_has_the_shape_partnerships_publish(engine, demo):
    audit = au.list_audits(engine, demo)[0]
    doc, text = _text(build_audit_briefing(engine, demo, audit.id, charts=False))
    assert _headings(doc, 1) == [
        "If you do one thing",
        "Key messages",
        "What the audit did",
        "What practitioners told us",
        "The audited cases",
        "Multi-agency practice strengths",
        "Learning identified",
        "Additional findings",
        "Recommendations",
        "Resources to support practice",
    ]
    assert _headings(doc, 2)[:2] == ["For strategic leaders and managers", "For practitioners"]
    assert "Not written yet" not in text
    assert "10 children's cases were audited" in text and "40 practitioners answered the staff survey" in text
    assert "Develop e-learning on the signs and indicators template" in text
    assert "monitored by the partnership's scrutiny arrangements" in text
    assert [p.style.name for p in doc.paragraphs if p.text.startswith("Develop e-learning on the signs")] == ["List Number"]


def test_the_word_draft_summarises_the_self_assessment_in_section_4(engine, demo, partnership):
    _, text = _text(export_docx(engine, demo, charts=False))
    assert "What our self-assessment found" in text
    assert "System-wide snapshot 'Snapshot 2026' (19 March 2026): Awareness" in text  # a sentence: the date in words
    assert "Thematic audit 'The multi-agency response to child sexual abuse in the family environment'" in text
    _, empty = _text(export_docx(engine, partnership.id, charts=False))
    assert "Not written yet: a system-wide snapshot or a thematic multi-agency audit" in empty


def test_the_commands_import_a_survey_and_write_both_documents(tmp_path, db_templates):
    # A copy of the demo's database: the demo command itself is tested in test_cli.
    url = db_templates.sqlite(tmp_path / "workbook.sqlite3", demo=True)
    survey = tmp_path / "survey.csv"
    survey.write_text("Statement,Rating,Comment\nAW1,Embedded,Clear lessons\nIR1,1,\n", encoding="utf-8")
    done = run(url, "import-snapshot-survey", "Demo partnership", str(survey), "--append")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Imported 2 frontline ratings into 'Snapshot 2026' for 'Demo partnership'."
    out = tmp_path / "report.docx"
    done = run(url, "snapshot-report", "Demo partnership", "--out", str(out), "--no-charts")
    assert done.returncode == 0, done.stderr
    assert "Clear lessons" in _text(out.read_bytes())[1]
    assert len(Document(io.BytesIO(out.read_bytes())).inline_shapes) == 0
    brief = tmp_path / "briefing.docx"
    done = run(url, "audit-briefing", "Demo partnership", "1", "--out", str(brief), "--no-charts")
    assert done.returncode == 0, done.stderr
    assert "If you do one thing" in _text(brief.read_bytes())[1]

    bad = tmp_path / "bad.csv"
    bad.write_text("Statement,Rating\nAW1,9\n", encoding="utf-8")
    assert "Row 2, column 'Rating'" in one_line_error(run(url, "import-snapshot-survey", "Demo partnership", str(bad)))
    assert "no snapshot called" in one_line_error(run(url, "snapshot-report", "Demo partnership", "--snapshot", "Nope", "--out", str(out)))
    assert "no audit 'Neglect'" in one_line_error(run(url, "audit-briefing", "Demo partnership", "Neglect", "--out", str(brief)))
    assert "does not exist" in one_line_error(
        run(url, "audit-briefing", "Demo partnership", "1", "--out", str(tmp_path / "missing" / "b.docx"))
    )
