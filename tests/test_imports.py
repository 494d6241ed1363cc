"""Importing the staff survey and figures from CSV and Excel files: every kind of file people have,
every bad file refused with a message naming the row and column, and nothing stored on a failure
(counted before and after, on SQLite and PostgreSQL)."""

from __future__ import annotations

import codecs
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import event, text

import strategy.answers.io as imports
import strategy.tabular.reading as reading
from strategy.answers.io import (
    FIGURES,
    FORM_METADATA,
    IDENTIFYING,
    LIKERT_WORDS,
    MEASURES,
    NO_SCORE_WORDS,
    SURVEY,
    figures_template_csv,
    header_aliases,
    import_figures,
    import_survey,
    preview_figures,
    preview_survey,
    survey_template_csv,
)
from strategy.answers.operations import add_rows, list_rows
from strategy.core.db import prepare_database
from strategy.core.errors import InvalidInput
from strategy.guide.content import content
from strategy.people.partnerships import create_partnership, find_partnership
from strategy.tabular.reading import ImportRefused, read_table

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "data" / "templates"


def csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def xlsx(rows: list[list], title: str = "Form1") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def live(engine, pid, prompt_id=SURVEY) -> list[dict]:
    return [r.values for r in list_rows(engine, pid, prompt_id)]


@pytest.fixture
def pid(engine):
    return create_partnership(engine, name="Harbourshire Partnership", nation="england").id


@pytest.fixture
def sqlite_pid(sqlite_engine):
    return create_partnership(sqlite_engine, name="Harbourshire Partnership", nation="england").id


@pytest.fixture
def existing(engine, pid, author):
    """Two survey responses and one figure already stored, to prove a refused import leaves them."""
    add_rows(engine, pid, SURVEY, [{"agency": "Before A", "confidence": 2}, {"agency": "Before B", "confidence": 3}], author=author)
    add_rows(engine, pid, FIGURES, [{"indicator": "looked_after", "value": "120"}], author=author)
    return live(engine, pid), live(engine, pid, FIGURES)


GOOD = "Agency,Role,Confidence,Knowledge,Skills,Talking,Comment\r\nPolice,PC,4,3,2,5,Fine\r\nHealth,Nurse,1,2,3,4,\r\n"


# --- Files that are refused whole -------------------------------------------------------------


def _docx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


BAD_FILES = [
    ("zero bytes", b"", "survey.csv", "is empty (0 bytes)"),
    ("only line breaks", b"\r\n\r\n\r\n", "survey.csv", "has nothing in it"),
    ("header only", csv("Agency,Role,Confidence\r\n"), "survey.csv", "has column names but no rows"),
    ("header and blank rows", csv("Agency,Confidence\n,\n\n , \n"), "survey.csv", "has column names but no rows"),
    ("binary with NULs", bytes(range(256)) * 4, "survey.csv", "is not a CSV or Excel file"),
    ("a picture", b"\x89PNG\r\n\x1a\n" + bytes(200), "survey.csv", "(it is a picture)"),
    ("a PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "survey.csv", "(it is a PDF)"),
    ("a Word file", _docx_like(), "survey.xlsx", "is a zip file but not an Excel workbook"),
    ("a damaged xlsx", b"PK\x03\x04" + b"\x00garbage" * 50, "survey.xlsx", "is damaged"),
    ("an old .xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "survey.xls", "old-style Excel file (.xls)"),
    ("a CSV named .xlsx", csv(GOOD), "survey.xlsx", "is named as an Excel workbook but is not one"),
    (
        "unbalanced quotes",
        csv('Agency,Confidence\nPolice,3\n"Health,4\nSchools,5\n'),
        "survey.csv",
        "Row 3 of 'survey.csv' has a quote mark (\") that is not closed",
    ),
    ("text after a closing quote", csv('Agency,Confidence\n"Police"x,3\n'), "survey.csv", "Row 2 of 'survey.csv' has a quote mark"),
    (
        "duplicate column",
        csv("Agency,Confidence,agency\nPolice,3,Health\n"),
        "survey.csv",
        "Column 'agency' appears twice (columns A and C)",
    ),
    (
        "thousands of columns",
        csv(",".join(f"Q{i}" for i in range(5000)) + "\n" + ",".join("1" * 5000) + "\n"),
        "survey.csv",
        "has 5,000 columns; the most it takes is 200",
    ),
    (
        "UTF-8 BOM then Windows-1252",
        codecs.BOM_UTF8 + "Agency,Confidence\nCafé £,3\n".encode("cp1252"),
        "survey.csv",
        "says it is UTF-8 but has characters that are not",
    ),
]


@pytest.mark.parametrize("case, data, filename, says", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_file_that_cannot_be_read_is_refused_and_nothing_is_imported(engine, pid, author, existing, case, data, filename, says):
    with pytest.raises(InvalidInput) as err:
        import_survey(engine, pid, data, filename, author=author)
    assert says in err.value.message
    with pytest.raises(InvalidInput):
        import_figures(engine, pid, data, filename, author=author)
    assert (live(engine, pid), live(engine, pid, FIGURES)) == existing


def test_more_than_fifty_thousand_rows_is_refused_before_the_rest_is_read(sqlite_engine, sqlite_pid, author):
    # A broken quote at the very end: the message is the row limit, so the end was never read.
    body = "Agency,Confidence\r\n" + "Police,3\r\n" * 60_000 + '"never closed,3\r\n'
    with pytest.raises(InvalidInput) as err:
        import_survey(sqlite_engine, sqlite_pid, csv(body), "big.csv", author=author)
    assert err.value.message.startswith("'big.csv' has more than 50,000 rows; the most it takes is 50,000.")
    assert live(sqlite_engine, sqlite_pid) == []


def test_a_million_rows_under_ten_megabytes_is_refused_at_the_row_limit():
    body = b"Agency,Confidence\n" + b"Police,3\n" * 1_000_000
    assert len(body) < reading.MAX_BYTES
    with pytest.raises(InvalidInput, match="more than 50,000 rows"):
        read_table(body, "million.csv")


def test_sixty_thousand_rows_in_excel_are_refused():
    data = xlsx([["Agency", "Confidence"], *(["Police", 3] for _ in range(60_000))])
    with pytest.raises(InvalidInput, match="has more than 50,000 rows; the most it takes is 50,000"):
        preview_survey(data, "big.xlsx")


def test_exactly_fifty_thousand_rows_are_read():
    rows = read_table(b"Agency,Confidence\n" + b"Police,3\n" * 50_000, "ok.csv")
    assert len(rows) == 50_000


def test_a_file_over_ten_megabytes_is_refused_unread(tmp_path):
    with pytest.raises(InvalidInput, match="is 10.5 MB; the most it takes is 10 MB"):
        read_table(b"Agency,Confidence\n" + b"x" * int(10.5 * 1024 * 1024), "huge.csv")
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(11 * 1024 * 1024)  # sparse: read_file refuses it by its size, without reading it
    with pytest.raises(InvalidInput, match="'huge.csv' is 11.0 MB; the most it takes is 10 MB"):
        reading.read_file(path)


def test_an_excel_file_that_unpacks_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(InvalidInput, match="unpacks to more than"):
        read_table(xlsx([["Agency"], ["Police"]]), "bomb.xlsx")


# --- Files that are read -----------------------------------------------------------------------


def test_utf8_with_and_without_bom_read_the_same():
    plain = read_table(csv("Agency,Comment\nCyngor Gwynedd,Ŵyr a ŷd 😀\n"), "a.csv")
    bom = read_table(codecs.BOM_UTF8 + csv("Agency,Comment\nCyngor Gwynedd,Ŵyr a ŷd 😀\n"), "a.csv")
    assert plain == bom == [{"Agency": "Cyngor Gwynedd", "Comment": "Ŵyr a ŷd 😀"}]


def test_windows_1252_pound_signs_and_curly_quotes(engine, pid, author):
    data = "Agency,Role,Confidence,Comment\r\nChildren’s services,“Lead” – £ budget holder,4,Costs £1,200\r\n"
    data = data.replace("Costs £1,200", '"Costs £1,200"').encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # it really is not UTF-8
    preview = preview_survey(data, "survey.csv")
    assert preview.read_as == "CSV, Windows-1252, comma-separated"
    assert import_survey(engine, pid, data, "survey.csv", author=author) == 1
    assert live(engine, pid)[0] == {
        "agency": "Children’s services",
        "role": "“Lead” – £ budget holder",
        "confidence": 4,
        "knowledge": None,
        "skills": None,
        "talking": None,
        "comment": "Costs £1,200",
    }


def test_semicolon_separated_with_commas_inside_values():
    rows = read_table(csv("Agency;Role;Confidence\r\nPolice, county;PC;4\r\n"), "s.csv")
    assert rows == [{"Agency": "Police, county", "Role": "PC", "Confidence": "4"}]
    assert preview_survey(csv("Agency;Confidence\nPolice;4\n"), "s.csv").read_as == "CSV, UTF-8, semicolon-separated"


def test_excels_sep_line_names_the_separator_and_is_not_a_row():
    preview = preview_survey(csv("sep=;\r\nAgency;Confidence\r\nPolice, county;7\r\n"), "s.csv")
    assert preview.read_as == "CSV, UTF-8, semicolon-separated"
    assert [p.describe() for p in preview.problems] == ["Row 2, column 'Confidence': The score is 7; it cannot be more than 5."]


def test_tab_separated_utf16_from_excel_unicode_text():
    data = "Agency\tConfidence\r\nHeddlu\t5\r\n".encode("utf-16")
    assert read_table(data, "s.txt") == [{"Agency": "Heddlu", "Confidence": "5"}]


def test_quoted_line_breaks_stay_in_the_cell_and_rows_keep_the_spreadsheets_numbers(engine, pid, author):
    data = csv('Agency,Confidence,Comment\r\nPolice,3,"Line one\r\nline two\r\n\r\nline four"\r\n\r\nHealth,6,\r\n')
    preview = preview_survey(data, "s.csv")
    assert preview.rows[0]["comment"] == "Line one\nline two\n\nline four"
    assert preview.blank_rows == 1
    # Excel shows the three-line cell as row 2, the blank row as 3 and Health as row 4.
    assert [(p.row, p.column) for p in preview.problems] == [(4, "Confidence")]
    with pytest.raises(ImportRefused) as err:
        import_survey(engine, pid, data, "s.csv", author=author)
    assert "Row 4, column 'Confidence': The score is 6; it cannot be more than 5." in err.value.message
    assert live(engine, pid) == []


def test_an_excel_workbook_and_the_same_file_renamed_csv(engine, pid, author):
    data = xlsx(
        [
            ["Agency", "Role", "Confidence", "Knowledge", "Skills", "Talking", "Comment"],
            ["Police", "PC", 4, 3.0, 2, 5, "Fine"],
            [None, None, None, None, None, None, None],
            ["Health", 1234, 1, 2, 3, 4, None],
        ]
    )
    for name in ("survey.xlsx", "survey.csv", "survey"):
        preview = preview_survey(data, name)
        assert preview.read_as == "Excel workbook"
        assert preview.problems == [] and preview.row_numbers == [2, 4] and preview.blank_rows == 1
    assert import_survey(engine, pid, data, "survey.csv", author=author) == 2
    assert live(engine, pid) == [
        {"agency": "Police", "role": "PC", "confidence": 4, "knowledge": 3, "skills": 2, "talking": 5, "comment": "Fine"},
        {"agency": "Health", "role": "1234", "confidence": 1, "knowledge": 2, "skills": 3, "talking": 4, "comment": ""},
    ]


def test_only_the_first_sheet_is_read_and_the_preview_says_so():
    book = openpyxl.Workbook()
    book.active.append(["Agency", "Confidence"])
    book.active.append(["Police", 3])
    other = book.create_sheet("Notes")
    other.append(["Agency", "Confidence"])
    other.append(["Ignored", 9])
    out = io.BytesIO()
    book.save(out)
    preview = preview_survey(out.getvalue(), "two.xlsx")
    assert preview.read_as == "Excel workbook, first of 2 sheets ('Sheet')"
    assert [r["agency"] for r in preview.rows] == ["Police"]


def test_column_names_match_ignoring_case_spaces_underscores_and_brackets():
    data = csv("ORGANISATION, job_title ,Confidence (1-5),knowledge_of_signs_and_indicators,SKILLS,talking,Comments\nPolice,PC,1,2,3,4,x\n")
    preview = preview_survey(data, "s.csv")
    assert preview.problems == []
    assert preview.rows == [{"agency": "Police", "role": "PC", "confidence": 1, "knowledge": 2, "skills": 3, "talking": 4, "comment": "x"}]


# --- Columns --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, says",
    [
        ("Agency,Confidnce", "Column 'Confidnce' is not one the workbook knows: did you mean 'Confidence'?"),
        (
            "Agency,Confidence,Favourite colour",
            "Column 'Favourite colour' is not one the workbook knows: the columns it reads "
            "are Agency, Role, Confidence, Knowledge, Skills, Talking, Comment.",
        ),
        ("Agency,Organisation,Confidence", "Columns 'Agency' and 'Organisation' both hold 'Agency'."),
        ("Role,Confidence", "The file has no 'Agency' column, which every row needs."),
        ("Agency,Role", "The file has none of the score columns (Confidence, Knowledge, Skills, Talking)."),
    ],
)
def test_column_problems_name_the_column_and_nothing_is_imported(engine, pid, author, existing, header, says):
    columns = header.count(",") + 1
    data = csv(header + "\n" + ",".join(["Police"] + ["3"] * (columns - 1)) + "\n")
    with pytest.raises(ImportRefused) as err:
        import_survey(engine, pid, data, "survey.csv", author=author)
    assert says in err.value.message
    assert err.value.problems[0].row == 1
    assert (live(engine, pid), live(engine, pid, FIGURES)) == existing


def test_an_unknown_column_with_nothing_in_it_is_ignored():
    preview = preview_survey(csv("Agency,Confidence,Spare,\nPolice,3,,\n"), "s.csv")
    assert preview.ok
    assert preview.ignored == [("Spare", "empty")]


def test_a_row_with_more_cells_than_column_names_is_a_problem():
    preview = preview_survey(csv("Agency,Confidence\nPolice, county,3\nHealth,4\n"), "s.csv")
    assert [p.describe() for p in preview.problems] == [
        "Row 2: The row has 1 more cell than there are column names (a value with a comma in it needs quotes)."
    ]
    assert preview.rows == [
        {"agency": "Health", "role": "", "confidence": 4, "knowledge": None, "skills": None, "talking": None, "comment": ""}
    ]


def test_forms_export_metadata_is_ignored_and_names_and_emails_are_never_stored(engine, pid, author):
    header = [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Last modified time",
        "Your name",
        "Email address",
        "Agency",
        "Role",
        "Confidence",
        "Knowledge",
        "Skills",
        "Talking",
        "Points - Confidence",
    ]
    data = xlsx(
        [
            header,
            [
                1,
                "01/03/2026 09:00",
                "01/03/2026 09:05",
                "jo.bloggs@example.org",
                "Jo Bloggs",
                None,
                "Joanne Bloggs",
                "jb@example.org",
                "Police",
                "PC",
                "Agree",
                "Strongly agree",
                "Disagree",
                "Very confident",
                0,
            ],
            [2, None, None, "anonymous", "Anonymous", None, None, None, "Health", "Nurse", 3, 4, 5, 1, 0],
        ]
    )
    preview = preview_survey(data, "Forms export.xlsx")
    assert preview.problems == []
    assert [(i.column, i.reason) for i in preview.ignored] == [
        ("ID", "added by the form, not an answer"),
        ("Start time", "added by the form, not an answer"),
        ("Completion time", "added by the form, not an answer"),
        ("Email", "identifies a person: not read and not stored"),
        ("Name", "identifies a person: not read and not stored"),
        ("Last modified time", "added by the form, not an answer"),
        ("Your name", "identifies a person: not read and not stored"),
        ("Email address", "identifies a person: not read and not stored"),
        ("Points - Confidence", "added by the form, not an answer"),
    ]
    assert import_survey(engine, pid, data, "Forms export.xlsx", author=author) == 2
    assert [(r["agency"], r["confidence"], r["knowledge"], r["skills"], r["talking"]) for r in live(engine, pid)] == [
        ("Police", 4, 5, 2, 5),
        ("Health", 3, 4, 5, 1),
    ]
    with engine.connect() as conn:
        stored = " ".join(str(row) for table in ("item", "revision") for row in conn.execute(text(f"SELECT * FROM {table}")).all())
    for identifying in ("jo.bloggs", "Jo Bloggs", "Joanne", "jb@example", "Anonymous"):
        assert identifying not in stored


def test_a_row_with_only_form_columns_filled_is_a_blank_row():
    preview = preview_survey(csv("ID,Name,Agency,Confidence\n1,Jo,Police,3\n2,Sam,,\n"), "s.csv")
    assert preview.ok and preview.ready == 1 and preview.blank_rows == 1


# --- Scores ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word, score",
    [
        *LIKERT_WORDS.items(),
        ("STRONGLY  AGREE", 5),
        ("Don’t know", None),
        ("5 - Very confident", 5),
        ("1 (Strongly disagree)", 1),
        (" 3 ", 3),
        ("", None),
        *((w, None) for w in NO_SCORE_WORDS),
    ],
)
def test_likert_words_and_numbers_become_scores(word, score):
    preview = preview_survey(csv(f'Agency,Confidence\nPolice,"{word}"\n'), "s.csv")
    assert preview.problems == []
    assert preview.rows[0]["confidence"] == score


@pytest.mark.parametrize(
    "value, says",
    [
        ("6", "The score is 6; it cannot be more than 5."),
        ("0", "The score is 0; it cannot be less than 1."),
        ("-1", "The score is -1; it cannot be less than 1."),
        ('"1,5"', "The score is written '1,5'. Use a point for decimals"),
        ("2.5", "The score is 2.5; scores are whole numbers from 1 to 5."),
        ("NaN", "'NaN' is not a score the workbook knows."),
        ("inf", "'inf' is not a score the workbook knows."),
        ("Moderately confident", "'Moderately confident' is not a score the workbook knows. Use a number from 1 to 5"),
        ("6 - Beyond", "The score is 6; it cannot be more than 5."),
        ("#DIV/0!", "'#DIV/0!' is not a score the workbook knows."),
        ("12:30", "The score should be a number, but it is '12:30'."),
    ],
)
def test_a_bad_score_names_row_and_column_and_nothing_is_imported(engine, pid, author, existing, value, says):
    rows = "".join(f"Agency {n},{n % 5 + 1}\n" for n in range(5))
    data = csv(f"Agency,Confidence\n{rows}Police,{value}\n")  # the bad score is on row 7
    with pytest.raises(ImportRefused) as err:
        import_survey(engine, pid, data, "survey.csv", author=author)
    assert f"Row 7, column 'Confidence': {says}" in err.value.message
    assert err.value.message.startswith("Nothing was imported: the file has 1 problem.")
    assert (live(engine, pid), live(engine, pid, FIGURES)) == existing


def test_excel_number_cells_and_booleans():
    data = xlsx([["Agency", "Confidence", "Knowledge"], ["Police", 4.0, True], ["Health", "#NUM!", 2], ["Schools", 3, 4.5]])
    preview = preview_survey(data, "s.xlsx")
    assert [p.describe() for p in preview.problems] == [
        "Row 2, column 'Knowledge': The score should be a number, not yes/no.",
        "Row 3, column 'Confidence': '#NUM!' is not a score the workbook knows. Use a number from 1 to 5, or words "
        "such as 'Strongly agree' or 'Very confident' (see the template's notes).",
        "Row 4, column 'Knowledge': The score is 4.5; scores are whole numbers from 1 to 5.",
    ]


def test_every_problem_is_listed_with_the_first_few_in_the_message(engine, pid, author):
    data = csv("Agency,Confidence,Knowledge\n" + "Police,6,0\n" * 4 + ",3,3\n")
    preview = preview_survey(data, "s.csv")
    assert preview.problem_count == 9 and preview.rows_with_problems == 5 and preview.ready == 0
    assert preview.problems[-1] == (6, "Agency", "'Agency' is empty; every row needs one.")
    with pytest.raises(ImportRefused) as err:
        import_survey(engine, pid, data, "s.csv", author=author)
    assert err.value.message == (  # grouped by kind, with the count and the first rows of each
        "Nothing was imported: the file has 9 problems. 4 rows (column 'Confidence', rows 2, 3, 4, 5): The score is 6; "
        "it cannot be more than 5. 4 rows (column 'Knowledge', rows 2, 3, 4, 5): The score is 0; it cannot be less than 1. "
        "Row 6, column 'Agency': 'Agency' is empty; every row needs one."
    )
    assert err.value.one_line() == (
        "Nothing was imported. Row 2, column 'Confidence': The score is 6; it cannot be more than 5. (and 8 more problems)"
    )


def test_a_long_bad_value_is_shortened_in_the_message():
    preview = preview_survey(csv("Agency,Confidence\nPolice," + "x" * 100_000 + "\n"), "s.csv")
    assert len(preview.problems[0].message) < 400


# --- Replace, add, and all or nothing ---------------------------------------------------------


def test_the_survey_replaces_by_default_and_adds_on_request(engine, pid, author, existing):
    assert import_survey(engine, pid, csv(GOOD), "s.csv", author=author) == 2
    assert [r["agency"] for r in live(engine, pid)] == ["Police", "Health"]
    assert [r.values["agency"] for r in list_rows(engine, pid, SURVEY, deleted=True)] == ["Before A", "Before B"]
    assert import_survey(engine, pid, csv(GOOD), "s.csv", author=author, replace=False) == 2
    assert [r["agency"] for r in live(engine, pid)] == ["Police", "Health", "Police", "Health"]
    assert live(engine, pid, FIGURES) == existing[1]


def test_figures_add_by_default_and_replace_on_request(engine, pid, author, existing):
    data = figures_template_csv(FIGURES)
    assert import_figures(engine, pid, data, "f.csv", author=author) == 2
    assert [r["indicator"] for r in live(engine, pid, FIGURES)] == ["looked_after", "child_population", "looked_after"]
    assert import_figures(engine, pid, data, "f.csv", author=author, replace=True) == 2
    assert [r["indicator"] for r in live(engine, pid, FIGURES)] == ["child_population", "looked_after"]
    assert live(engine, pid) == existing[0]


def test_a_failure_halfway_through_the_import_stores_nothing(engine, pid, author, existing):
    """Like a full disk: the rows are written, then the database fails before the commit."""

    def fail(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO REVISION"):
            raise RuntimeError("disk full")

    data = csv("Agency,Confidence\n" + "".join(f"Agency {n},3\n" for n in range(200)))
    event.listen(engine, "before_cursor_execute", fail)
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            import_survey(engine, pid, data, "s.csv", author=author)  # replace: the old rows were marked removed too
        with pytest.raises(RuntimeError, match="disk full"):
            import_figures(engine, pid, figures_template_csv(), "f.csv", author=author)
    finally:
        event.remove(engine, "before_cursor_execute", fail)
    assert (live(engine, pid), live(engine, pid, FIGURES)) == existing
    assert list_rows(engine, pid, SURVEY, deleted=True) == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM item")).scalar() == 3


def test_a_row_refused_at_the_last_step_is_named_by_its_spreadsheet_row(sqlite_engine, sqlite_pid, author, monkeypatch):
    def refuse(*args, **kwargs):
        raise InvalidInput("Row 2: 'Agency' is 301 characters long.")

    monkeypatch.setattr(imports, "add_rows", refuse)
    data = csv("Agency,Confidence\nPolice,3\n\n\nHealth,4\n")
    with pytest.raises(InvalidInput) as err:
        import_survey(sqlite_engine, sqlite_pid, data, "s.csv", author=author)
    assert err.value.message == "Nothing was imported. Row 5: 'Agency' is 301 characters long."


def test_text_cells_are_cleaned_and_length_checked():
    preview = preview_survey(
        csv('Agency,Role,Confidence,Comment\n"Po\x01lice","A\nB",3,"<script>alert(1)</script>"\nHealth,' + "r" * 301 + ",3,\n"), "s.csv"
    )
    assert preview.rows == [
        {
            "agency": "Police",
            "role": "A B",
            "confidence": 3,
            "knowledge": None,
            "skills": None,
            "talking": None,
            "comment": "<script>alert(1)</script>",
        }
    ]
    assert preview.problems == [
        (
            3,
            "Role",
            "The text is 301 characters long; the most it can hold is 300. Shorten it "
            "(or split it across fields) and save again. Nothing was saved.",
        )
    ]


# --- Figures --------------------------------------------------------------------------------------


def test_figures_by_label_or_id_in_either_nations_words(engine, pid, author):
    data = csv(
        "Indicator,Detail,Year,Value,Source\n"
        'child population (UNDER 18),Total,2024,"61,250",ONS\n'
        "looked_after,,2023/24,c,DfE\n"
        "Children on the child protection register,,2023-24,z,Welsh Government\n"
        "Children in need,,2023/2024,:,DfE\n"
        "Other local figure,Young carers,2022,[x],Census\n"
        "Disabled children,,,,\n"
    )
    preview = preview_figures(data, "f.csv", FIGURES)
    assert preview.problems == []
    assert [(r["indicator"], r["period"], r["value"]) for r in preview.rows] == [
        ("child_population", "2024", "61250"),
        ("looked_after", "2023/24", "c"),
        ("on_plan", "2023/24", "z"),
        ("children_in_need", "2023/24", ":"),
        ("other", "2022", "[x]"),
        ("disabled_children", None, None),
    ]
    assert import_figures(engine, pid, data, "f.csv", author=author) == 6
    assert [r["value"] for r in live(engine, pid, FIGURES)] == ["61250", "c", "z", ":", "[x]", None]


def test_identification_measures_from_excel(engine, pid, author):
    data = xlsx(
        [
            ["Measure", "Detail", "Year", "Number", "Source"],
            ["Children starting a child protection plan with sexual abuse as the category", None, 2024, 12.0, "DfE"],
            ["police_offences", "Under 18", "2023/24", 1234, "Police"],
            ["SARC", None, None, "c", None],
        ]
    )
    preview = preview_figures(data, "m.xlsx", MEASURES)
    assert [p.describe() for p in preview.problems] == [
        "Row 4, column 'Measure': 'SARC' is not one of the choices for 'Measure'. Or use 'Other measure' and say what it "
        "is in the detail column."
    ]
    fixed = xlsx(
        [
            ["Measure", "Detail", "Year", "Number", "Source"],
            ["Children starting a child protection plan with sexual abuse as the category", None, 2024, 12.0, "DfE"],
            ["police_offences", "Under 18", "2023/24", 1234, "Police"],
        ]
    )
    assert import_figures(engine, pid, fixed, "m.xlsx", prompt_id=MEASURES, author=author) == 2
    assert live(engine, pid, MEASURES) == [
        {"measure": "plans_sexual_abuse", "detail": "", "period": "2024", "value": "12", "source": "DfE"},
        {"measure": "police_offences", "detail": "Under 18", "period": "2023/24", "value": "1234", "source": "Police"},
    ]
    assert live(engine, pid, FIGURES) == []


@pytest.mark.parametrize(
    "cells, column, says",
    [
        (
            "Looked-after childen,,2024,5,",
            "Figure",
            "'Looked-after childen' is not one of the choices for 'Figure'. Did you mean 'Looked-after children'?",
        ),
        (",Total,2024,5,", "Figure", "'Figure' is empty; every row needs one."),
        ("looked_after,,2023/25,5,", "Year", "The year '2023/25' should run over two years in a row, such as 2023/24."),
        ("looked_after,,23/24,5,", "Year", "The year '23/24' is not a year."),
        ("looked_after,,1900,5,", "Year", "The year '1900' is outside 1990 to 2100."),
        ("looked_after,,2024,-5,", "Value", "The value is -5; it cannot be less than 0."),
        ("looked_after,,2024,NaN,", "Value", "The value should be a number, but it is 'NaN'."),
        ("looked_after,,2024,infinity,", "Value", "The value should be a number, but it is 'infinity'."),
        ('looked_after,,2024,"1,5",', "Value", "The value is written '1,5'. Use a point for decimals"),
        ("looked_after,,2024,lots,", "Value", "Published codes are allowed: c (suppressed)"),
    ],
)
def test_a_bad_figure_names_row_and_column_and_nothing_is_imported(engine, pid, author, existing, cells, column, says):
    data = csv(f"Figure,Detail,Year,Value,Source\nchild_population,,2024,100,ONS\n{cells}\n")
    with pytest.raises(ImportRefused) as err:
        import_figures(engine, pid, data, "f.csv", author=author)
    problem = err.value.problems[0]
    assert (problem.row, problem.column) == (3, column)
    assert says in problem.message
    assert f"Row 3, column '{column}': " in err.value.message
    assert (live(engine, pid), live(engine, pid, FIGURES)) == existing


def test_figures_need_a_value_column_and_only_figure_prompts_take_figures():
    with pytest.raises(InvalidInput, match="Figures are imported into"):
        preview_figures(figures_template_csv(), "f.csv", SURVEY)
    preview = preview_figures(csv("Figure,Year\nlooked_after,2024\n"), "f.csv")
    assert [p.message for p in preview.problems] == [
        "The file has no 'Value' column, which every row needs. The columns it reads are Figure, Detail, Year, Value, Source."
    ]


# --- Templates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, make, prompt_id",
    [
        ("staff_survey_template.csv", survey_template_csv, SURVEY),
        ("local_figures_template.csv", lambda: figures_template_csv(FIGURES), FIGURES),
        ("identification_figures_template.csv", lambda: figures_template_csv(MEASURES), MEASURES),
    ],
)
def test_templates_are_excel_friendly_match_the_copies_and_import_cleanly(name, make, prompt_id):
    data = make()
    assert data.startswith(codecs.BOM_UTF8)
    assert (TEMPLATES / name).read_bytes() == data, "run strategy.answers.io.write_templates('data/templates') after a change"
    rows = data.decode("utf-8-sig").splitlines()
    assert rows[0] == ",".join(imports.template_headers(prompt_id)) and len(rows) == 3
    preview = imports.preview_file(data, name, prompt_id)
    assert preview.ok and preview.ready == 2 and preview.ignored == []


def test_the_templates_readme_documents_every_column_alias_and_accepted_word():
    readme = (TEMPLATES / "README.md").read_text()
    missing = []
    for prompt_id in (SURVEY, FIGURES, MEASURES):
        labels = {c.label for c in content().prompts[prompt_id].columns}  # accepted, and documented as a rule
        for header, aliases in header_aliases(prompt_id).items():
            missing += [n for n in (header, *aliases) if f"`{n}`" not in readme and n not in labels]
    missing += [w for w in (*FORM_METADATA, *IDENTIFYING) if f"`{w}`" not in readme]
    missing += [w for w in LIKERT_WORDS if w.lower() not in readme.lower()]
    missing += [w for w in NO_SCORE_WORDS if w.lower() not in readme.lower()]
    for ref in ("local_indicators", "identification_measures"):
        missing += [i["id"] for i in content().reference(ref).items if f"`{i['id']}`" not in readme]
    for limit in ("10 MB", "50,000 rows", "200 columns"):
        missing += [limit] if limit not in readme else []
    assert missing == []


# --- Command line ---------------------------------------------------------------------------------


def run_cli(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "strategy", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def one_line_error(result) -> str:
    """The error line; any line before it lists the file's problems, grouped by kind."""
    assert result.returncode == 1, result
    assert result.stdout == ""
    *before, last = result.stderr.strip().splitlines()
    assert all(line.startswith("Needs attention: ") for line in before), result.stderr
    return last


def test_cli_imports_the_survey_and_figures(tmp_path):
    url = f"sqlite:///{tmp_path / 'workbook.sqlite3'}"
    assert run_cli(url, "create", "Harbourshire Partnership", "--nation", "wales").returncode == 0
    survey = tmp_path / "survey.xlsx"
    survey.write_bytes(xlsx([["Agency", "Name", "Confidence"], ["Police", "Jo Bloggs", "Agree"], ["Health", "Sam", 5]]))
    result = run_cli(url, "import-survey", "harbourshire partnership", str(survey))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "Scores written in words are read on the workbook's scale of 1 to 5: 'Agree' → 4.\n"
        "Imported 2 survey responses into 'Harbourshire Partnership' (replacing the responses there before).\n"
    )
    result = run_cli(url, "import-survey", "Harbourshire Partnership", str(survey), "--append", "--by", "Alex Smith")
    assert result.stdout.endswith("\nImported 2 survey responses into 'Harbourshire Partnership' (added to the responses there).\n")

    figures = tmp_path / "figures.csv"
    figures.write_bytes(figures_template_csv(FIGURES))
    assert run_cli(url, "import-figures", "Harbourshire Partnership", str(figures)).stdout == (
        "Imported 2 local figures into 'Harbourshire Partnership'.\n"
    )
    measures = tmp_path / "measures.csv"
    measures.write_bytes(figures_template_csv(MEASURES))
    assert run_cli(url, "import-figures", "Harbourshire Partnership", str(measures), "--measures").stdout == (
        "Imported 2 identification measures into 'Harbourshire Partnership'.\n"
    )

    engine = prepare_database(url)
    pid = find_partnership(engine, "Harbourshire Partnership").id
    assert [r["agency"] for r in live(engine, pid)] == ["Police", "Health", "Police", "Health"]
    assert len(live(engine, pid, FIGURES)) == 2 and len(live(engine, pid, MEASURES)) == 2
    with engine.connect() as conn:
        assert "Jo Bloggs" not in str(conn.execute(text("SELECT * FROM item")).all())
        assert conn.execute(text("SELECT DISTINCT author_name FROM revision WHERE prompt_id = :p"), {"p": SURVEY}).scalars().all() in (
            ["Command line import", "Alex Smith"],
            ["Alex Smith", "Command line import"],
        )


def test_cli_refuses_a_bad_file_with_one_line_and_imports_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'workbook.sqlite3'}"
    assert run_cli(url, "create", "Harbourshire Partnership", "--nation", "england").returncode == 0
    good = tmp_path / "good.csv"
    good.write_bytes(csv(GOOD))
    assert run_cli(url, "import-survey", "Harbourshire Partnership", str(good)).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv('Agency,Confidence,Comment\nPolice,3,"two\nlines"\nHealth,6,\nSchools,7,\n'))
    # Two different scores above 5: read as another scale, with a mapping to check (issue 15).
    assert one_line_error(run_cli(url, "import-survey", "Harbourshire Partnership", str(bad))).startswith(
        "error: Nothing was imported. The answers in 'Confidence' are on another scale than the workbook's 1 to 5. "
        "Suggested: '3' → 2; '6' → 4; '7' → 5."
    )
    # One stray score above 5 is an ordinary mistake, said as one.
    stray = tmp_path / "stray.csv"
    stray.write_bytes(csv("Agency,Confidence,Comment\nPolice,3,\nHealth,6,\n"))
    assert one_line_error(run_cli(url, "import-survey", "Harbourshire Partnership", str(stray))) == (
        "error: Nothing was imported. Row 3, column 'Confidence': The score is 6; it cannot be more than 5."
    )
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert one_line_error(run_cli(url, "import-figures", "Harbourshire Partnership", str(empty))) == (
        "error: 'empty.csv' is empty (0 bytes). Choose the file again, or save it again from Excel."
    )
    assert one_line_error(run_cli(url, "import-survey", "Harbourshire Partnership", str(tmp_path / "missing.csv"))).startswith(
        "error: No such file or directory"
    )
    assert one_line_error(run_cli(url, "import-survey", "Nobody", str(good))).startswith("error: ")
    engine = prepare_database(url)
    pid = find_partnership(engine, "Harbourshire Partnership").id
    assert [r["agency"] for r in live(engine, pid)] == ["Police", "Health"]
    assert live(engine, pid, FIGURES) == []
