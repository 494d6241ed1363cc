"""The thematic audit's staff survey and the audit log from the command line: a Microsoft Forms export
as people download it (personal columns first, full question texts), the numbers stored as in the file,
and the audit log written as CSV and Excel with every change in it."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook

from strategy.assessments.audit import list_audits, survey_responses
from strategy.core.db import dispose_engine, prepare_database
from strategy.people.partnerships import find_partnership
from tests.test_cli import one_line_error, run

# A Microsoft Forms export: its own columns first (never imported), then one column per question.
FORMS_HEADER = [
    "ID",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Agency or organisation",
    "Job role",
    "Confidence identifying child sexual abuse",
    "Confidence responding to child sexual abuse",
    "Aware of the strategy and toolkit",
    "Have you used the toolkit",
    "What stops you using the toolkit",
    "Any other comments",
]
FORMS_ROWS = [
    [1, "3/4/25 9:01:12", "3/4/25 9:06:40", "anonymous", "", "Health", "School nurse", 4, 3, "Yes", "No", "", "Useful."],
    [
        2,
        "3/4/25 9:10:02",
        "3/4/25 9:12:45",
        "jo.bloggs@example.org",
        "Jo Bloggs",
        "Police",
        "Detective constable",
        2,
        2,
        "No",
        "No",
        "",
        "",
    ],
    [
        3,
        "3/4/25 9:15:30",
        "3/4/25 9:20:11",
        "anonymous",
        "",
        "Education",
        "Designated safeguarding lead",
        5,
        4,
        "Yes",
        "Yes",
        "",
        '=HYPERLINK("x")',
    ],
]


def _forms_xlsx(path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(FORMS_HEADER)
    for row in FORMS_ROWS:
        sheet.append(row)
    book.save(path)


def test_an_audit_staff_survey_from_forms_imports_its_numbers_and_never_a_name_or_email(tmp_path, db_templates):
    url = db_templates.sqlite(tmp_path / "cli-audit.sqlite3", demo=True)
    try:
        engine = prepare_database(url)
        pid = find_partnership(engine, "Demo partnership").id
        audit = list_audits(engine, pid)[0]
        path = tmp_path / "Audit staff survey(1-3).xlsx"
        _forms_xlsx(path)
        result = run(url, "import-audit-survey", "Demo partnership", "1", str(path))
        assert result.returncode == 0, result.stderr
        assert "Imported 3 staff survey responses" in result.stdout
        stored = sorted(survey_responses(engine, audit.id), key=lambda r: r.agency)
        assert [(r.agency, r.role, r.confidence_identify, r.confidence_respond, r.aware_strategy, r.used_toolkit) for r in stored] == [
            ("Education", "Designated safeguarding lead", 5, 4, True, True),
            ("Health", "School nurse", 4, 3, True, False),
            ("Police", "Detective constable", 2, 2, False, False),
        ]
        everything = repr([r.model_dump() for r in stored])
        assert "Jo Bloggs" not in everything and "jo.bloggs@example.org" not in everything

        # The audit log, as CSV and as Excel: the import is in it, newest first.
        out_csv = tmp_path / "log.csv"
        result = run(url, "audit-log", "Demo partnership", "--out", str(out_csv))
        assert result.returncode == 0, result.stderr
        rows = list(csv.reader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
        assert rows[0] == ["When", "Who", "Did", "Detail"]
        assert any("audit.survey" in row[3] and row[1] == "Command line import" for row in rows[1:])
        assert len(rows) > 10  # the demo's history is there too
        out_xlsx = tmp_path / "log.xlsx"
        assert run(url, "audit-log", "Demo partnership", "--out", str(out_xlsx)).returncode == 0
        sheet = load_workbook(out_xlsx).active
        assert [c.value for c in sheet[1]] == ["When", "Who", "Did", "Detail"]
        assert sheet.max_row >= len(rows) - 1  # the Excel file has the same events (plus its own export event)
    finally:
        dispose_engine(url)


def test_bad_audit_log_and_audit_survey_requests_are_one_line_messages(tmp_path, db_templates):
    url = db_templates.sqlite(tmp_path / "cli-audit-bad.sqlite3", demo=True)
    try:
        assert "ending .csv or .xlsx" in one_line_error(run(url, "audit-log", "Demo partnership", "--out", str(tmp_path / "log.txt")))
        path = tmp_path / "survey.xlsx"
        _forms_xlsx(path)
        assert "There is no audit 'Nonsense'" in one_line_error(run(url, "import-audit-survey", "Demo partnership", "Nonsense", str(path)))
    finally:
        dispose_engine(url)
