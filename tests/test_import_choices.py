"""The choices a file asks of the person, on the page, from the command line and in a saved mapping:
a council plan's leads written as job titles or people mapped to agencies, its "Q3 2025" (no
financial year) asked about rather than guessed, and survey answers on another scale than the
workbook's mapped onto it with the mapping shown first. Files are built in the shapes councils and
Microsoft Forms / SmartSurvey write them; every test checks the values STORED against the file."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from strategy.answers.io import SURVEY, import_survey, preview_survey, saved_options
from strategy.answers.operations import list_rows
from strategy.assessments import snapshot as sn
from strategy.assessments.io import import_snapshot_survey, preview_snapshot_survey
from strategy.cli import main
from strategy.core.db import dispose_engine, prepare_database
from strategy.core.errors import InvalidInput
from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P
from strategy.plan.io import PLAN_IMPORT, commit_import, preview_import
from strategy.tabular.reading import ImportOptions, ImportRefused
from strategy.ui.state import AUTHOR_KEY


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def council_plan(year: int = 2025) -> bytes:
    """A council's plan: a cover sheet, a title above the header, a RAG column, leads written as job
    titles and people, and quarters written without their financial year (next year's actions say their year)."""
    again = "" if year == 2025 else f" in {year}"
    return xlsx(
        {
            "Cover": [["Harbourshire Safeguarding Children Partnership"], ["Child sexual abuse action plan"]],
            f"Plan {year}": [
                [f"Child sexual abuse action plan {year}-{year + 2}"],
                ["Last updated 01/09/2025"],
                [],
                ["Ref", "Priority", "Outcome", "Action", "Lead", "Timescale", "RAG"],
                ["1.1", "Prevention", "Children know where to get help", "Deliver RSE lessons" + again, "Education", f"Q3 {year}", "G"],
                ["1.2", None, None, "Brief every school" + again, "Head of Safeguarding", f"Q4 {year}", "Amber"],
                [
                    "1.3",
                    None,
                    "Staff recognise the signs",
                    "Train front-door staff" + again,
                    "Dr Patel; Police",
                    f"Q1 {year + 1}",
                    "Complete",
                ],
            ],
        }
    )


@pytest.fixture
def harbourshire(engine, author):
    pid = create_partnership(engine, name="Harbourshire Partnership", nation="england", period_start=2025, period_end=2028).id
    P.add_agency(engine, pid, "Harbourshire Council children's services", author=author)
    P.add_agency(engine, pid, "Police", author=author)
    return pid


def test_a_quarter_without_its_financial_year_is_asked_not_guessed_then_read_as_chosen(engine, harbourshire, author):
    refused = preview_import(engine, harbourshire, council_plan(), "plan.xlsx")
    assert refused.ambiguous_quarters and refused.base.problem_count == 3
    grouped = " ".join(refused.base.grouped())
    assert "'Q3 2025' could be a calendar quarter (July to September 2025)" in grouped
    assert "Write 'Q3 2025/26' for the financial quarter" in grouped and "--quarters financial" in grouped
    with pytest.raises(ImportRefused):
        commit_import(engine, harbourshire, refused, author=author)
    assert P.load_plan(engine, harbourshire).all_actions() == []  # nothing stored

    financial = preview_import(engine, harbourshire, council_plan(), "plan.xlsx", ImportOptions(quarters="financial"))
    assert financial.problems == []
    assert [(a["title"], a["start_date"], a["end_date"]) for a in financial.actions] == [
        ("Deliver RSE lessons", "2025-10-01", "2025-12-31"),  # Q3 of 2025/26
        ("Brief every school", "2026-01-01", "2026-03-31"),
        ("Train front-door staff", "2026-04-01", "2026-06-30"),
    ]
    calendar = preview_import(engine, harbourshire, council_plan(), "plan.xlsx", ImportOptions(quarters="calendar"))
    assert [(a["start_date"], a["end_date"]) for a in calendar.actions][0] == ("2025-07-01", "2025-09-30")


def test_leads_written_as_job_titles_or_people_are_mapped_to_agencies_and_the_mapping_is_saved(engine, harbourshire, author):
    first = preview_import(engine, harbourshire, council_plan(), "plan.xlsx", ImportOptions(quarters="financial"))
    assert first.person_leads == ["Head of Safeguarding", "Dr Patel"]
    assert any(n.startswith("These leads look like job titles or people") and "--lead" in n for n in first.base.notes)
    options = ImportOptions(
        quarters="financial",
        leads={"Head of Safeguarding": "Harbourshire Council children's services", "dr patel": "Harbourshire Health Trust"},
    )
    preview = preview_import(engine, harbourshire, council_plan(), "plan.xlsx", options)
    assert preview.problems == []
    assert (
        "Leads read as agencies, as chosen: 'Dr Patel' → Harbourshire Health Trust; "
        "'Head of Safeguarding' → Harbourshire Council children's services." in preview.base.notes
    )
    assert not any(n.startswith("These leads look like") for n in preview.base.notes)
    assert preview.new_agencies == ["Education", "Harbourshire Health Trust"]  # never "Dr Patel" or a job title
    assert commit_import(engine, harbourshire, preview, author=author) == 3
    plan = P.load_plan(engine, harbourshire)
    stored = {x.title: (P.leads(x), x.status, x.end_date) for x in plan.all_actions()}
    assert stored == {
        "Deliver RSE lessons": (["Education"], "in_progress", "2025-12-31"),
        "Brief every school": (["Harbourshire Council children's services"], "in_progress", "2026-03-31"),
        "Train front-door staff": (["Harbourshire Health Trust", "Police"], "complete", "2026-06-30"),
    }
    assert "Dr Patel" not in P.agencies(engine, harbourshire) and "Head of Safeguarding" not in P.agencies(engine, harbourshire)
    # The choices are kept for the partnership and offered for next year's file of the same shape.
    saved, name = saved_options(engine, harbourshire, PLAN_IMPORT, preview.base.headers) or (None, "")
    assert saved is not None and name == "plan.xlsx" and saved.quarters == "financial"
    assert saved.leads["Head of Safeguarding"] == "Harbourshire Council children's services"
    next_year = preview_import(engine, harbourshire, council_plan(2026), "plan 2026.xlsx")
    assert next_year.problems == [] and next_year.base.notes[0].startswith("Using the choices saved when 'plan.xlsx' was imported")
    assert [a["leads"] for a in next_year.actions] == [
        ["Education"],
        ["Harbourshire Council children's services"],
        ["Harbourshire Health Trust", "Police"],
    ]
    assert next_year.actions[0]["end_date"] == "2026-12-31"


def test_the_cli_refuses_q3_2025_with_what_to_write_and_takes_leads_and_quarters(
    engine_url, engine, harbourshire, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("DATABASE_URL", engine_url)
    path = tmp_path / "plan.xlsx"
    path.write_bytes(council_plan())
    assert main(["import-actions", "Harbourshire Partnership", str(path), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "'Q3 2025/26'" in err and "--quarters" in err
    assert P.load_plan(engine, harbourshire).all_actions() == []
    mapping = tmp_path / "mapping.json"
    args = ["import-actions", "Harbourshire Partnership", str(path), "--yes", "--quarters", "financial"]
    args += ["--lead", "Head of Safeguarding=Police", "--lead", "Dr Patel=Harbourshire Health Trust", "--save-mapping", str(mapping)]
    assert main(args) == 0
    assert "Imported 3 actions" in capsys.readouterr().out
    saved = json.loads(mapping.read_text())
    assert saved["quarters"] == "financial" and saved["leads"] == {
        "Head of Safeguarding": "Police",
        "Dr Patel": "Harbourshire Health Trust",
    }
    stored = {x.title: P.leads(x) for x in P.load_plan(engine, harbourshire).all_actions()}
    assert stored["Brief every school"] == ["Police"] and stored["Train front-door staff"] == ["Harbourshire Health Trust", "Police"]
    # The mapping file alone gives the same choices (into another partnership).
    other = create_partnership(engine, name="Other Partnership", nation="england").id
    assert main(["import-actions", "Other Partnership", str(path), "--yes", "--mapping", str(mapping)]) == 0
    assert {x.title: P.leads(x) for x in P.load_plan(engine, other).all_actions()} == stored


def test_a_mapping_file_with_an_unknown_way_of_reading_quarters_is_refused():
    with pytest.raises(InvalidInput, match="'quarters' should be one of: financial, calendar"):
        ImportOptions.from_json('{"quarters": "academic"}')
    options = ImportOptions(leads={"Head of X": "Police"}, answers={"10": "5"}, quarters="calendar")
    assert ImportOptions.from_json(options.to_json()) == options


# --- Answers on another scale --------------------------------------------------------------------

FORMS_HEADERS = [
    "ID",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Which agency or agencies do you work for?",
    "How confident do you feel identifying and responding to child sexual abuse? (0-10)",
    "How would you rate your knowledge of the signs and indicators of child sexual abuse?",
]


def ten_point_survey() -> bytes:
    """A Forms export whose confidence question was a 1-10 rating and knowledge a satisfaction-style scale."""
    rows = [
        FORMS_HEADERS,
        [1, "01/10/2025 09:00", "01/10/2025 09:05", "jo@example.org", "Jo Bloggs", "Education;", 10, "Very good"],
        [2, "01/10/2025 10:00", "01/10/2025 10:04", "sam@example.org", "Sam Patel", "Police;", 5, "Fair"],
        [3, "02/10/2025 11:00", "02/10/2025 11:09", "anonymous", "", "Health;", 1, "Poor"],
        [4, "02/10/2025 12:00", "02/10/2025 12:09", "anonymous", "", "Health;", 7, "Good"],
    ]
    return xlsx({"Form1": rows})


def test_survey_answers_on_another_scale_are_shown_mapped_and_imported_only_once_confirmed(engine, author):
    pid = create_partnership(engine, name="Harbourshire Partnership", nation="england").id
    data = ten_point_survey()
    preview = preview_survey(data, "survey.xlsx")
    assert preview.suggested_answers == {
        "1": "1",
        "Poor": "2",
        "5": "3",
        "Fair": "3",
        "7": "4",
        "Good": "4",
        "10": "5",
        "Very good": "5",
    }
    message = next(p.message for p in preview.problems if p.row == 1)
    assert "on another scale than the workbook's 1 to 5" in message and "'10' → 5" in message and "--answer '10=5'" in message
    with pytest.raises(ImportRefused):
        import_survey(engine, pid, data, "survey.xlsx", author=author)
    assert list_rows(engine, pid, SURVEY) == []
    # Confirmed (the page's "Use this mapping", or --answer flags), the answers are stored on the workbook's scale.
    options = ImportOptions(answers=preview.suggested_answers)
    confirmed = preview_survey(data, "survey.xlsx", options)
    assert confirmed.problems == []
    assert any(n.startswith("Answers on another scale are read on the workbook's 1 to 5, as chosen: '1' → 1;") for n in confirmed.notes)
    assert import_survey(engine, pid, data, "survey.xlsx", author=author, options=options) == 4
    stored = [(r.values["agency"], r.values["confidence"], r.values["knowledge"]) for r in list_rows(engine, pid, SURVEY)]
    assert stored == [("Education", 5, 5), ("Police", 3, 3), ("Health", 1, 2), ("Health", 4, 4)]
    everything = json.dumps([r.values for r in list_rows(engine, pid, SURVEY)])
    assert "Jo Bloggs" not in everything and "jo@example.org" not in everything
    # The mapping is kept with the import's choices, and used for next year's file of the same shape.
    saved = saved_options(engine, pid, SURVEY, confirmed.headers)
    assert saved is not None and saved[0].answers["10"] == "5"
    assert import_survey(engine, pid, data, "survey 2026.xlsx", author=author) == 4


def test_a_persons_own_answer_mapping_is_checked_against_the_scale(engine):
    data = ten_point_survey()
    preview = preview_survey(data, "survey.xlsx", ImportOptions(answers={"10": "6", "Very good": "five"}))
    messages = [p.message for p in preview.problems if p.row == 1]
    assert any("The score for '10'" in m and "5" in m for m in messages)
    assert any("The score for 'Very good'" in m for m in messages)


def test_the_cli_takes_answer_flags(engine_url, engine, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", engine_url)
    pid = create_partnership(engine, name="Harbourshire Partnership", nation="england").id
    path = tmp_path / "survey.xlsx"
    path.write_bytes(ten_point_survey())
    assert main(["import-survey", "Harbourshire Partnership", str(path)]) == 1
    assert "--answer '10=5'" in capsys.readouterr().err
    flags = [x for w, v in preview_survey(path.read_bytes(), "s.xlsx").suggested_answers.items() for x in ("--answer", f"{w}={v}")]
    assert main(["import-survey", "Harbourshire Partnership", str(path), *flags]) == 0
    assert [r.values["confidence"] for r in list_rows(engine, pid, SURVEY)] == [5, 3, 1, 4]


def test_a_snapshot_survey_answered_agree_to_disagree_is_mapped_onto_the_progress_scale(engine, partnership, author):
    snap = sn.create_snapshot(engine, partnership.id, title="Snapshot 2026", author=author)
    statements = {s.code: s for s in sn.snapshot_statements(engine, partnership.id, snap.id)}
    rows = [["Statement", "Rating", "Agency"]]
    rows += [["AW1", "Strongly agree", "Education"], ["AW1", "Disagree", "Police"], ["IR2", "Strongly disagree", "Health"]]
    rows += [["IR2", "Agree", "Health"]]
    data = xlsx({"SmartSurvey export": rows})
    preview = preview_snapshot_survey(engine, partnership.id, snap.id, data, "snapshot.xlsx")
    assert preview.suggested_answers == {"Strongly disagree": "1", "Disagree": "2", "Agree": "3", "Strongly agree": "4"}
    assert "on another scale than the workbook's 1 to 4" in preview.problems[0].message
    options = ImportOptions(answers=preview.suggested_answers)
    assert import_snapshot_survey(engine, partnership.id, snap.id, data, "snapshot.xlsx", author=author, options=options) == 4
    stored = [(r.statement_id, r.rating, r.agency) for r in sn.responses(engine, snap.id)]
    aw1, ir2 = statements["AW1"].id, statements["IR2"].id
    assert stored == [(aw1, 4, "Education"), (aw1, 2, "Police"), (ir2, 1, "Health"), (ir2, 3, "Health")]


# --- On the page -----------------------------------------------------------------------------------


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    yield url
    dispose_engine(url)


def _plan_app(url: str, pid: int, data: bytes, filename: str) -> None:
    import streamlit as st

    from strategy.core.db import prepare_database
    from strategy.ui.plan_views import preview_and_import

    engine = prepare_database(url)
    if st.session_state.get("plan|uploads", 0):
        st.success(st.session_state["plan|import|done|" + str(pid)])
        return
    preview_and_import(engine, pid, data, filename)


def _survey_app(url: str, pid: int, owner: int, data: bytes, filename: str) -> None:
    import streamlit as st

    from strategy.assessments.io import import_snapshot_survey, preview_snapshot_survey
    from strategy.core.db import prepare_database
    from strategy.ui.snapshot_views import k, preview_and_import
    from strategy.ui.state import current_author

    engine = prepare_database(url)
    key = k("snapshot-survey", pid, owner)
    if st.session_state.get(k(key, "gen"), 0):
        st.success(st.session_state[k(key, "done")])
        return
    preview_and_import(
        key,
        data,
        filename,
        preview=lambda d, n, o: preview_snapshot_survey(engine, pid, owner, d, n, o),
        run=lambda d, n, r, o: import_snapshot_survey(engine, pid, owner, d, n, author=current_author(), replace=r, options=o),
        what="frontline ratings",
        existing=0,
    )


def _run(app, args, author) -> AppTest:
    at = AppTest.from_function(app, args=args, default_timeout=30)
    at.session_state[AUTHOR_KEY] = author
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _button(at: AppTest, start: str):
    return next((b for b in at.button if b.label.startswith(start)), None)


def test_the_plan_panel_offers_the_sheet_the_quarters_and_an_agency_for_each_person_lead(url, author):
    engine = prepare_database(url)
    pid = create_partnership(engine, name="Harbourshire Partnership", nation="england").id
    P.add_agency(engine, pid, "Police", author=author)
    at = _run(_plan_app, (url, pid, council_plan(), "plan.xlsx"), author)
    assert _button(at, "Import these") is None  # "Q3 2025" must be asked about first
    assert [s.label for s in at.selectbox][0] == "Sheet" and at.selectbox[0].value == "Plan 2025"  # the cover passed over
    quarters = next(r for r in at.radio if r.label.startswith("How does the file write its quarters?"))
    quarters.set_value("financial").run()
    leads = {s.label: s for s in at.selectbox if s.label != "Sheet"}
    assert list(leads) == ["Head of Safeguarding", "Dr Patel"]
    leads["Head of Safeguarding"].set_value("Police").run()
    assert any("'Head of Safeguarding' → Police" in t.value for t in at.text)
    _button(at, "Import these").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == ["Imported 3 actions from plan.xlsx."]
    stored = {x.title: (P.leads(x), x.end_date) for x in P.load_plan(engine, pid).all_actions()}
    assert stored["Brief every school"] == (["Police"], "2026-03-31")
    assert stored["Train front-door staff"] == (["Dr Patel", "Police"], "2026-06-30")  # kept as written when not mapped


def test_the_survey_panel_shows_the_suggested_mapping_and_uses_it_when_asked(url, author):
    engine = prepare_database(url)
    pid = create_partnership(engine, name="Harbourshire Partnership", nation="england").id
    snap = sn.create_snapshot(engine, pid, title="Snapshot 2026", author=author)
    data = b"Statement,Rating\r\nAW1,Strongly agree\r\nIR2,Disagree\r\n"
    at = _run(_survey_app, (url, pid, snap.id, data, "survey.csv"), author)
    assert _button(at, "Import ") is None
    shown = next(d.value for d in at.dataframe if list(d.value.columns) == ["Answer in the file", "Score in the workbook"])
    assert dict(zip(shown["Answer in the file"], shown["Score in the workbook"], strict=True)) == {"Disagree": "2", "Strongly agree": "4"}
    _button(at, "Use this mapping").click().run()
    assert not at.exception, [e.value for e in at.exception]
    _button(at, "Import 2 rows").click().run()
    assert [s.value for s in at.success] == ["Imported 2 frontline ratings."]
    assert [r.rating for r in sn.responses(engine, snap.id)] == [4, 2]


def test_a_smartsurvey_export_on_a_seven_point_agree_scale_is_mapped_with_its_two_header_rows(engine, author):
    import csv

    pid = create_partnership(engine, name="Harbourshire Partnership", nation="england").id
    first = ["UserNo", "Name", "Email", "IP Address", "Started", "Ended", "Which organisation do you work for?"]
    first += ["I feel confident identifying and responding to child sexual abuse"]
    second = ["", "", "", "", "", "", "Response", "Response"]
    rows = [
        [101, "", "", "192.0.2.10", "01/10/2025 09:00", "01/10/2025 09:07", "Health", "Somewhat agree"],
        [102, "Alex Smith", "alex@example.org", "198.51.100.7", "01/10/2025 09:10", "01/10/2025 09:12", "Police", "Strongly agree"],
        [103, "", "", "203.0.113.5", "01/10/2025 09:20", "01/10/2025 09:22", "Education", "Somewhat disagree"],
    ]
    out = io.StringIO()
    csv.writer(out).writerows([first, second, *rows])
    data = out.getvalue().encode("utf-8")
    preview = preview_survey(data, "smartsurvey.csv")
    # "Strongly agree" is on the workbook's own scale; the seven-point scale's middle words are not.
    assert preview.suggested_answers == {"Somewhat disagree": "2", "Somewhat agree": "4"}
    options = ImportOptions(answers=preview.suggested_answers)
    assert import_survey(engine, pid, data, "smartsurvey.csv", author=author, options=options) == 3
    values = [r.values for r in list_rows(engine, pid, SURVEY)]
    assert [(v["agency"], v["confidence"]) for v in values] == [("Health", 4), ("Police", 5), ("Education", 2)]
    assert not any(s in json.dumps(values) for s in ("192.0.2.10", "alex@example.org", "Alex Smith"))
