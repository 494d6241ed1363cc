"""The snapshot's strategic professionals' survey (issue 21): its questions as data, the template,
the import of a Microsoft Forms export as downloaded (ID, times, email and name never read), its
results beside the frontline survey's by domain (table and chart with the same figures), the report
read back with python-docx, the command line, the demo, and the bad inputs: a frontline file given
as the strategic one, missing columns, a response that may identify a child, formula text, an empty
file, a workbook of two sheets, and importing twice."""

from __future__ import annotations

import codecs
import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from strategy.assessments import snapshot as sn
from strategy.assessments.io import (
    TEMPLATE_FILES,
    import_snapshot_survey,
    import_strategic_survey,
    preview_strategic_survey,
    strategic_columns,
    strategic_survey_csv,
    strategic_template_csv,
)
from strategy.core.errors import InvalidInput
from strategy.core.models import stored_id
from strategy.documents.snapshot_report import build_snapshot_report
from strategy.guide.content import content
from strategy.tabular.reading import ImportOptions, ImportRefused

ROOT = Path(__file__).resolve().parent.parent
FORMS = ["ID", "Start time", "Completion time", "Email", "Name"]


@pytest.fixture
def snap(engine, partnership, author):
    return sn.create_snapshot(engine, partnership.id, title="Snapshot 2026", author=author)


def _headers() -> list[str]:
    """The answer columns as Microsoft Forms heads them: each question's text."""
    return [c.names[1] if c.id in ("agency", "role", "comment") else c.names[0] for c in strategic_columns()]


def forms_csv(responses: list[tuple[str, str, list, str]], *, headers: list[str] | None = None) -> bytes:
    """A CSV laid out as Microsoft Forms exports it: ID, times, email, name, then one column per question."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FORMS + (headers or _headers()))
    for n, (agency, role, answers, comment) in enumerate(responses, start=1):
        writer.writerow(
            [
                n,
                "14/03/2026 09:00:00",
                "14/03/2026 09:12:30",
                f"leader{n}@example.org",
                f"Leader Number{n}",
                agency,
                role,
                *answers,
                comment,
            ]
        )
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


#: Two answers per domain (the questions' order); "Good progress" is 3, "Embedded" 4.
RESPONSES = [
    ("Police", "Detective chief inspector", ["Good progress", "2", "4", "Embedded", "1", "2", "3", "3", "2", "2"], ""),
    ("Health", "Designated nurse", ["1", "2", "Good progress", "3", "Early progress", "4", "2", "", "1", "Don't know"], "Waits are long."),
]


def test_the_questions_are_data_cover_every_domain_and_cite_the_guide():
    questions = sn.strategic_questions()
    assert len(questions) == 10
    assert {q.domain for q in questions} == {d.id for d in sn.domains()}
    assert all(q.guide.startswith("§") for q in questions)
    assert content().reference("snapshot_strategic_survey").title == "Strategic professionals' survey"


def test_the_template_matches_its_copy_and_imports(engine, partnership, author, snap):
    assert (ROOT / "data" / "templates" / "snapshot_strategic_survey_template.csv").read_bytes() == strategic_template_csv()
    assert TEMPLATE_FILES["snapshot_strategic_survey_template.csv"] is strategic_template_csv
    assert import_strategic_survey(engine, partnership.id, snap.id, strategic_template_csv(), "t.csv", author=author) == 2


def test_a_forms_export_is_imported_without_names_or_emails_and_the_numbers_are_right(engine, partnership, author, snap):
    preview = preview_strategic_survey(engine, partnership.id, snap.id, forms_csv(RESPONSES), "Strategic survey.csv")
    assert preview.ok and preview.ready == 2
    ignored = dict(preview.ignored)
    assert ignored["Name"] == ignored["Email"] == "identifies a person: not read and not stored"
    for column in ("ID", "Start time", "Completion time"):
        assert ignored[column] == "added by the form, not an answer"
    assert import_strategic_survey(engine, partnership.id, snap.id, forms_csv(RESPONSES), "Strategic survey.csv", author=author) == 2
    stored = sn.strategic_responses(engine, snap.id)
    assert [(r.agency, r.role, r.comment) for r in stored] == [
        ("Police", "Detective chief inspector", ""),
        ("Health", "Designated nurse", "Waits are long."),
    ]
    assert sn.strategic_answers(stored[1])["SL8"] is None and sn.strategic_answers(stored[1])["SL10"] is None
    everything = " ".join(f"{r.agency} {r.role} {r.comment} {r.answers}" for r in stored)
    assert "example.org" not in everything and "Leader Number" not in everything

    frame = sn.survey_comparison(engine, partnership.id, snap.id).set_index("Domain")
    # Awareness: 3, 2, 1, 2 -> 2.0 of 4 answers; prevention: 4, 4, 3, 3 -> 3.5; recovery: 2, 2, 1 -> 1.67 of 3.
    assert frame.loc["Awareness", sn.STRATEGIC_SURVEY_AVERAGE] == 2.0
    assert frame.loc["Awareness", sn.STRATEGIC_SURVEY_COUNT] == 4
    assert frame.loc["Prevention", sn.STRATEGIC_SURVEY_AVERAGE] == 3.5
    assert frame.loc["Protection: assessment", sn.STRATEGIC_SURVEY_COUNT] == 3
    assert frame.loc["Recovery support", sn.STRATEGIC_SURVEY_AVERAGE] == 1.67
    assert frame.loc["Awareness", sn.FRONTLINE_SURVEY_COUNT] == 0 and frame.loc["Awareness", sn.SURVEY_DIFFERENCE] is None

    # The frontline survey beside it: awareness rated 4 and 3 by practitioners -> 3.5, a difference of -1.5.
    import_snapshot_survey(engine, partnership.id, snap.id, b"Statement,Rating\nAW1,4\nAW2,3\n", "f.csv", author=author)
    frame = sn.survey_comparison(engine, partnership.id, snap.id).set_index("Domain")
    assert frame.loc["Awareness", sn.FRONTLINE_SURVEY_AVERAGE] == 3.5
    assert frame.loc["Awareness", sn.SURVEY_DIFFERENCE] == -1.5
    figure = sn.survey_figure(frame.reset_index(), "t")
    assert list(figure.data[0].y) == list(frame[sn.STRATEGIC_SURVEY_AVERAGE])
    assert list(figure.data[1].y)[0] == 3.5


def test_the_report_has_the_two_surveys_side_by_side(engine, partnership, author, snap):
    import_strategic_survey(engine, partnership.id, snap.id, forms_csv(RESPONSES), "s.csv", author=author)
    import_snapshot_survey(engine, partnership.id, snap.id, b"Statement,Rating\nAW1,4\nAW2,3\n", "f.csv", author=author)
    doc = Document(io.BytesIO(build_snapshot_report(engine, partnership.id, snap.id, charts=False)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "The strategic and frontline surveys" in headings
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Domain" and "Strategic survey" in t.rows[0].cells[1].text)
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert rows["Awareness"] == ["Awareness", "2 (4)", "3.5 (2)", "-1.5"]
    assert rows["Prevention"][2] == "–"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2 strategic professionals answered" in text
    assert "“Waits are long.” (Designated nurse, Health)" in text
    assert (
        "Awareness: in the surveys, frontline practitioners answer higher than strategic professionals do (2.0 against 3.5 out of 4)."
        in text
    )


def test_a_frontline_export_given_as_the_strategic_survey_is_refused_saying_which(engine, partnership, author, snap):
    statements = sn.list_statements(engine, partnership.id)
    frontline = ("ID,Email,Name,Agency," + ",".join(f'"{s.text}"' for s in statements[:4]) + "\n1,a@b.org,A B,Police,2,3,1,4\n").encode()
    import_strategic_survey(engine, partnership.id, snap.id, strategic_template_csv(), "t.csv", author=author)
    with pytest.raises(InvalidInput, match="looks like the frontline practitioners' survey.*statements \\(AW1, AW2, AW3, AW4\\)"):
        import_strategic_survey(engine, partnership.id, snap.id, frontline, "frontline.csv", author=author)
    with pytest.raises(InvalidInput, match="frontline template's 'Statement' and 'Rating'"):
        import_strategic_survey(engine, partnership.id, snap.id, TEMPLATE_FILES["snapshot_survey_template.csv"](), "f.csv", author=author)
    assert len(sn.strategic_responses(engine, snap.id)) == 2  # what was there is unchanged


def test_a_strategic_file_given_as_the_frontline_survey_is_refused_saying_which(engine, partnership, author, snap):
    import_snapshot_survey(engine, partnership.id, snap.id, b"Statement,Rating\nAW1,4\n", "f.csv", author=author)
    with pytest.raises(InvalidInput, match="looks like the strategic professionals' survey.*\\(SL1, SL2, SL3, SL4, SL5\\)"):
        import_snapshot_survey(engine, partnership.id, snap.id, forms_csv(RESPONSES), "s.csv", author=author)
    assert [r.rating for r in sn.responses(engine, snap.id)] == [4]


def test_missing_columns(engine, partnership, author, snap):
    with pytest.raises(ImportRefused, match="none of the strategic survey's questions"):
        import_strategic_survey(
            engine, partnership.id, snap.id, b"ID,Email,Agency,Role\n1,x@y.org,Police,Inspector\n", "s.csv", author=author
        )
    # Some questions missing: read, with a note naming them.
    headers = _headers()
    kept = [h for h in headers if h != sn.strategic_questions()[0].text]
    data = forms_csv([("Police", "Inspector", ["2"] * 9, "")], headers=kept)
    preview = preview_strategic_survey(engine, partnership.id, snap.id, data, "s.csv")
    assert preview.ok
    assert any("no column for SL1" in n for n in preview.notes)
    assert sn.strategic_responses(engine, snap.id) == []


def test_a_response_that_may_identify_a_child_is_refused_until_taken_out(engine, partnership, author, snap):
    import_strategic_survey(engine, partnership.id, snap.id, forms_csv(RESPONSES), "s.csv", author=author)
    bad = forms_csv([("Police", "Inspector", ["2"] * 10, "We failed Jamie, 12, at the first referral.")])
    with pytest.raises(ImportRefused) as refused:
        import_strategic_survey(engine, partnership.id, snap.id, bad, "s.csv", author=author)
    problem = refused.value.problems[0]
    assert problem.row == 2 and sn.strategic_about()["comment"].startswith(problem.column.rstrip("…"))
    assert "may identify a child: it looks like a child's name with their age" in problem.message
    assert len(sn.strategic_responses(engine, snap.id)) == 2


def test_formula_text_is_stored_as_text_and_written_to_the_report_as_text(engine, partnership, author, snap):
    data = forms_csv([("=cmd|' /C calc'!A0", "+Manager", ["2"] * 10, '=HYPERLINK("http://x","y")')])
    import_strategic_survey(engine, partnership.id, snap.id, data, "s.csv", author=author)
    r = sn.strategic_responses(engine, snap.id)[0]
    assert (r.agency, r.role, r.comment) == ("=cmd|' /C calc'!A0", "+Manager", '=HYPERLINK("http://x","y")')
    doc = Document(io.BytesIO(build_snapshot_report(engine, partnership.id, snap.id, charts=False)))
    assert any('=HYPERLINK("http://x","y")' in p.text for p in doc.paragraphs)
    exported = strategic_survey_csv(engine, partnership.id, snap.id)
    cells = next(csv.reader(io.StringIO(exported.decode("utf-8-sig").splitlines()[1])))
    assert cells[0] == "'=cmd|' /C calc'!A0" and cells[1] == "'+Manager" and cells[-1] == '\'=HYPERLINK("http://x","y")'
    # The export imports back to the same text and answers.
    import_strategic_survey(engine, partnership.id, snap.id, exported, "export.csv", author=author)
    again = sn.strategic_responses(engine, snap.id)[0]
    assert (again.agency, again.role, again.comment, again.answers) == (r.agency, r.role, r.comment, r.answers)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "is empty \\(0 bytes\\)"), (codecs.BOM_UTF8 + ",".join(FORMS).encode(), "has nothing in it|no rows")],
)
def test_an_empty_file_is_refused(engine, partnership, author, snap, data, message):
    with pytest.raises(InvalidInput, match=message):
        import_strategic_survey(engine, partnership.id, snap.id, data, "s.csv", author=author)
    assert sn.strategic_responses(engine, snap.id) == []


def test_a_workbook_of_two_sheets_is_read_from_the_sheet_chosen(engine, partnership, author, snap):
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Summary"
    first.append(["Question", "Average"])
    first.append(["SL1", 2.5])
    second = book.create_sheet("Sheet1")
    second.append(FORMS + _headers())
    for n, (agency, role, answers, comment) in enumerate(RESPONSES, start=1):
        second.append([n, "", "", "anonymous", "", agency, role, *answers, comment])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    preview = preview_strategic_survey(engine, partnership.id, snap.id, data, "Forms.xlsx")
    assert preview.sheets == ["Summary", "Sheet1"] and not preview.ok  # the first sheet is a table, not the survey
    chosen = preview_strategic_survey(engine, partnership.id, snap.id, data, "Forms.xlsx", ImportOptions(sheet="Sheet1"))
    assert chosen.ok and chosen.sheet == "Sheet1" and chosen.ready == 2
    assert (
        import_strategic_survey(engine, partnership.id, snap.id, data, "Forms.xlsx", author=author, options=ImportOptions(sheet="2")) == 2
    )


def test_importing_twice_replaces_unless_added_to(engine, partnership, author, snap):
    import_strategic_survey(engine, partnership.id, snap.id, forms_csv(RESPONSES), "s.csv", author=author)
    import_strategic_survey(engine, partnership.id, snap.id, forms_csv(RESPONSES[:1]), "s.csv", author=author)
    assert [r.agency for r in sn.strategic_responses(engine, snap.id)] == ["Police"]
    import_strategic_survey(engine, partnership.id, snap.id, forms_csv(RESPONSES[1:]), "s.csv", author=author, replace=False)
    assert [r.agency for r in sn.strategic_responses(engine, snap.id)] == ["Police", "Health"]


def test_a_rating_off_the_scale_names_row_and_column(engine, partnership, author, snap):
    bad = forms_csv([("Police", "Inspector", ["2"] * 9 + ["Brilliant"], "")])
    with pytest.raises(ImportRefused) as refused:
        import_strategic_survey(engine, partnership.id, snap.id, bad, "s.csv", author=author)
    problem = refused.value.problems[0]
    assert problem.row == 2 and sn.strategic_questions()[-1].text.startswith(problem.column.rstrip("…"))
    assert "'Brilliant' is not a rating on the scale" in problem.message


def test_the_demo_snapshot_has_the_strategic_survey_and_reloading_changes_nothing(engine, demo_id, author):
    from strategy.assessments.demo import ensure_snapshot_demo

    snap = sn.list_snapshots(engine, demo_id)[-1]
    before = sn.strategic_responses(engine, stored_id(snap))
    assert len(before) == 6
    assert all(r.agency and "anonymous" not in f"{r.agency}{r.role}{r.comment}" for r in before)
    frame = sn.survey_comparison(engine, demo_id, stored_id(snap))
    assert frame[sn.STRATEGIC_SURVEY_COUNT].gt(0).all() and frame[sn.FRONTLINE_SURVEY_COUNT].gt(0).all()
    ensure_snapshot_demo(engine, demo_id, author)
    assert [r.id for r in sn.strategic_responses(engine, stored_id(snap))] == [r.id for r in before]


def test_the_command_line_imports_the_strategic_survey(engine_url, engine, partnership, author, snap, tmp_path):
    path = tmp_path / "Strategic survey.csv"
    path.write_bytes(forms_csv(RESPONSES))
    env = {"DATABASE_URL": engine_url}
    run = subprocess.run(
        [sys.executable, "-m", "strategy", "import-strategic-survey", partnership.name, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**__import__("os").environ, **env},
    )
    assert run.returncode == 0, run.stderr
    assert f"Imported 2 strategic survey responses into 'Snapshot 2026' for '{partnership.name}'." in run.stdout
    assert len(sn.strategic_responses(engine, snap.id)) == 2
