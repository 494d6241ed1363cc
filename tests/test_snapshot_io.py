"""Importing the snapshot's frontline survey and an audit's staff survey: the same reader, encodings
and limits as every import, row-and-column messages, and nothing stored on any problem."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select
from strategy.assessments import audit as au
from strategy.assessments import snapshot as sn
from strategy.assessments.io import (
    TEMPLATE_FILES,
    import_audit_survey,
    import_snapshot_survey,
    preview_snapshot_survey,
)
from strategy.core.db import read_session
from strategy.core.errors import InvalidInput
from strategy.core.models import SnapshotResponse
from strategy.tabular.reading import ImportRefused

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def snap(engine, partnership, author):
    return sn.create_snapshot(engine, partnership.id, title="Snapshot 2026", author=author)


@pytest.fixture
def audit(engine, partnership, author):
    return au.create_audit(engine, partnership.id, theme="Child sexual abuse in the family", author=author)


def _import(engine, partnership, snap, author, data: bytes, name="survey.csv", **kw):
    return import_snapshot_survey(engine, partnership.id, snap.id, data, name, author=author, **kw)


def test_the_templates_match_the_copies_and_import_cleanly(engine, partnership, author, snap, audit):
    for name, make in TEMPLATE_FILES.items():
        assert (ROOT / "data" / "templates" / name).read_bytes() == make()
        assert make().startswith(codecs.BOM_UTF8)
    assert _import(engine, partnership, snap, author, TEMPLATE_FILES["snapshot_survey_template.csv"]()) == 2
    assert (
        import_audit_survey(engine, partnership.id, audit.id, TEMPLATE_FILES["audit_staff_survey_template.csv"](), "a.csv", author=author)
        == 2
    )


def test_codes_words_and_windows_1252_semicolons_are_read(engine, partnership, author, snap):
    data = (
        "Statement;Rating;Comment;Agency;Email\r\n"
        "aw1;Embedded;“Good” lessons £5;Education;x@example.org\r\n"
        "IR2;3 - Good progress;;Health;\r\n"
        "RS1;N/A;Waits are long;Health;\r\n"
    ).encode("cp1252")
    preview = preview_snapshot_survey(engine, partnership.id, snap.id, data, "survey.csv")
    assert "Windows-1252" in preview.read_as and "semicolon" in preview.read_as
    assert [i.column for i in preview.ignored] == ["Email"]
    assert _import(engine, partnership, snap, author, data) == 3
    stored = sn.responses(engine, snap.id)
    assert [r.rating for r in stored] == [4, 3, None]
    assert stored[0].comment == "“Good” lessons £5"
    assert all("example.org" not in (r.comment + r.agency) for r in stored)


def test_an_xlsx_is_read_even_when_named_csv(engine, partnership, author, snap):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Statement", "Rating", "Comment"])
    ws.append(["PR1", 2, "Clubs are not reached"])
    buf = io.BytesIO()
    wb.save(buf)
    assert _import(engine, partnership, snap, author, buf.getvalue(), "survey.csv") == 1


@pytest.mark.parametrize("rating", ["0", "5", "2.5", "1,5", "Quite good", "NaN"])
def test_a_rating_outside_the_scale_is_refused_naming_row_and_column(engine, partnership, author, snap, rating):
    _import(engine, partnership, snap, author, b"Statement,Rating\nAW1,2\n")
    data = f'Statement,Rating\nAW2,3\nAW3,"{rating}"\n'.encode()
    with pytest.raises(ImportRefused) as exc:
        _import(engine, partnership, snap, author, data)
    assert "Row 3, column 'Rating'" in exc.value.message and "not a rating on the scale" in exc.value.message
    assert [r.rating for r in sn.responses(engine, snap.id)] == [2]  # unchanged


def test_a_statement_that_does_not_exist_is_refused_and_the_codes_are_listed(engine, partnership, author, snap):
    with pytest.raises(ImportRefused) as exc:
        _import(engine, partnership, snap, author, b"Statement,Rating\nAW1,2\nXX9,3\n,2\n")
    message = exc.value.message
    assert "Row 3, column 'Statement': There is no statement 'XX9'" in message and "AW1, AW2" in message
    assert "Row 4" in message and exc.value.problem_count == 2
    assert sn.responses(engine, snap.id) == []


def test_a_retired_statement_is_refused(engine, partnership, author, snap):
    first = sn.list_statements(engine, partnership.id)[0]
    later = sn.create_snapshot(engine, partnership.id, title="Later", author=author)
    sn.retire_statement(engine, partnership.id, first.id, author=author)
    with pytest.raises(ImportRefused, match="no statement 'AW1'"):
        import_snapshot_survey(engine, partnership.id, later.id, b"Statement,Rating\nAW1,2\n", "s.csv", author=author)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "is empty (0 bytes)"),
        (b"Statement,Rating\n", "has column names but no rows"),
        (b"%PDF-1.4 binary", "not a CSV or Excel file"),
        (b'Statement,Rating\nAW1,"2\n', "quote mark"),
        (b"Statement,Rating,Rating\nAW1,2,3\n", "appears twice"),
        (b"Rating,Comment\n2,hello\n", "no 'Statement' column"),
        (b"Statement,Ratng\nAW1,2\n", "did you mean 'Rating'"),
        (b"Statement,Rating\nAW1,2,extra\n", "more cells than there are column names"),
        (b"Statement,Rating\nAW1,\n", "neither a rating nor a comment"),
    ],
)
def test_malformed_files_are_refused_and_nothing_is_stored(engine, partnership, author, snap, data, message):
    _import(engine, partnership, snap, author, b"Statement,Rating\nAW1,1\n")
    with pytest.raises(InvalidInput) as exc:
        _import(engine, partnership, snap, author, data)
    assert message in exc.value.message
    assert [(r.rating) for r in sn.responses(engine, snap.id)] == [1]


def test_replace_and_append(engine, partnership, author, snap):
    _import(engine, partnership, snap, author, b"Statement,Rating\nAW1,1\nAW2,2\n")
    _import(engine, partnership, snap, author, b"Statement,Rating\nAW3,3\n", replace=False)
    assert [r.rating for r in sn.responses(engine, snap.id)] == [1, 2, 3]
    _import(engine, partnership, snap, author, b"Statement,Rating\nAW4,4\n")
    assert [r.rating for r in sn.responses(engine, snap.id)] == [4]
    with read_session(engine) as session:  # the replaced ratings are kept, marked as removed
        kept = session.exec(select(SnapshotResponse).where(SnapshotResponse.deleted_at != None)).all()  # noqa: E711
    assert sorted(r.rating for r in kept) == [1, 2, 3]


def test_frontline_and_strategic_views_are_compared_by_domain(engine, partnership, author, snap):
    for s in sn.snapshot_statements(engine, partnership.id, snap.id):
        sn.rate_statement(engine, partnership.id, snap.id, s.id, expected_version=0, author=author, progress_rating=4)
    _import(engine, partnership, snap, author, b"Statement,Rating\nAW1,1\nAW2,2\nIR1,4\n")
    scores = sn.domain_scores(engine, partnership.id, snap.id).set_index("domain")
    assert scores.loc["awareness", "Frontline (average of 4)"] == 1.5
    assert scores.loc["awareness", "Gap (strategic minus frontline)"] == 2.5
    assert scores.loc["initial_response", "Gap (strategic minus frontline)"] == 0
    findings = sn.gap_findings(scores.reset_index())
    assert len(findings) == 1 and findings[0].startswith("Awareness: strategic leaders rate progress higher")
    fig = sn.comparison_figure(scores.reset_index(), "t")
    assert list(fig.data[1].y)[0] == 1.5


def test_audit_survey_checks_scores_yes_no_and_barriers(engine, partnership, author, audit):
    good = (
        b"Agency,Role,Confidence identifying,Confidence responding,Aware of strategy,Used toolkit,What stops use,"
        b"Full name\n"
        b"Police,DC,Very confident,4,Yes,No,have not had a case where it seemed relevant,Jo Bloggs\n"
        b"Health,Nurse,2,,No,,Did not know it existed,\n"
        b"Health,GP,3,3,Yes,Yes,,\n"
    )
    assert import_audit_survey(engine, partnership.id, audit.id, good, "s.csv", author=author) == 3
    summary = au.survey_summary(au.survey_responses(engine, audit.id))
    assert (summary.aware_percent, summary.used_percent_of_aware) == (67, 50)
    assert summary.barriers["Responses"].tolist() == [1, 1]
    assert summary.confidence.set_index("Agency").loc["Police", "Identifying (average of 5)"] == 5
    assert "67% knew about the strategy" in au.awareness_sentence(summary)
    assert all("Bloggs" not in r.comment + r.role for r in au.survey_responses(engine, audit.id))
    for bad, message in [
        (b"Agency,Aware of strategy\nPolice,Maybe\n", "Row 2, column 'Aware of strategy': 'Maybe' is not yes or no"),
        (b"Agency,Confidence identifying\nPolice,6\n", "Row 2, column 'Confidence identifying'"),
        (b"Agency,What stops use\nPolice,Too busy\n", "not one of the answers"),
        (b"Agency,Role\n,Nurse\n", "The agency is empty"),
    ]:
        with pytest.raises(ImportRefused) as exc:
            import_audit_survey(engine, partnership.id, audit.id, bad, "s.csv", author=author)
        assert message in exc.value.message
    assert len(au.survey_responses(engine, audit.id)) == 3
