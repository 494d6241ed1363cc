"""Files as they are published and exported, not as the workbook's templates shape them: explore
education statistics data files, police recorded crime open data tables, ONS mid-year estimates,
StatsWales downloads. Each test checks the NUMBERS STORED against the file, not only that the
import passed, and that a file of several areas is refused until the partnership's is chosen."""

from __future__ import annotations

import csv as csvlib
import io
import json

import openpyxl
import pytest

from strategy.answers.io import FIGURES, MEASURES, import_figures, preview_figures, stored_figures
from strategy.answers.operations import add_rows, list_rows
from strategy.cli import main
from strategy.core.values import STATISTIC_CODES, parse_period, parse_statistic, statistic_value
from strategy.people.partnerships import create_partnership
from strategy.tabular.reading import ImportOptions, ImportRefused, read_sheet

EES_COLUMNS = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
    "category_of_abuse",
    "number_of_children",
    "percentage_of_children",
]
#: (level, country, region, (new code, old code, la)) per area, in the file's order.
EES_AREAS = [
    ("National", "", ("", "", "")),
    ("Regional", "North East", ("", "", "")),
    ("Local authority", "North East", ("E06000001", "805", "Hartlepool")),
    ("Local authority", "North East", ("E06000004", "808", "Stockton-on-Tees")),
    ("Local authority", "North East", ("E06000005", "806", "Darlington")),
]
#: Children starting a plan with sexual abuse as the initial category, by area and year, as published.
SEXUAL_ABUSE = {
    "England": {"202223": "2,380", "202324": "2510"},
    "North East": {"202223": "140", "202324": "151"},
    "Hartlepool": {"202223": "c", "202324": "18"},
    "Stockton-on-Tees": {"202223": "21", "202324": "z"},
    "Darlington": {"202223": "9", "202324": "low"},
}


def ees_csv() -> bytes:
    """A children-in-need style data file in the EES data-file standard: every area, every category."""
    out = io.StringIO()
    w = csvlib.writer(out)
    w.writerow(EES_COLUMNS)
    for period in ("202223", "202324"):
        for level, region, (new, old, la) in EES_AREAS:
            name = la or region or "England"
            for category, number in (("Total", "9999"), ("Sexual abuse", SEXUAL_ABUSE[name][period]), ("Neglect", "4000")):
                w.writerow(
                    [
                        period,
                        "Financial year",
                        level,
                        "E92000001",
                        "England",
                        "E12000001" if region else "",
                        region,
                        new,
                        old,
                        la,
                        category,
                        number,
                        "4.5",
                    ]
                )
    return out.getvalue().encode("utf-8")


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


@pytest.fixture
def hartlepool(engine):
    return create_partnership(
        engine, name="Hartlepool and Stockton Safeguarding Children Partnership", nation="england", areas="Hartlepool"
    )


def stored(engine, pid, prompt_id=MEASURES, *, comparators: bool = False) -> list[tuple]:
    """The figures stored: the area's own (or, with ``comparators``, only the nation's and region's kept beside them)."""
    choice = "measure" if prompt_id == MEASURES else "indicator"
    return sorted(
        (r.values[choice], r.values["detail"], r.values["period"], r.values["value"])
        for r in list_rows(engine, pid, prompt_id)
        if ("(comparator:" in (r.values.get("detail") or "")) == comparators
    )


def own(rows: list[dict]) -> list[dict]:
    """A preview's rows for the area itself (not the comparators kept beside them)."""
    return [r for r in rows if "(comparator:" not in (r.get("detail") or "")]


EES_OPTIONS = {"measure": "plans_sexual_abuse", "value": "number_of_children"}


def test_a_file_of_many_areas_is_refused_until_the_partnerships_area_is_chosen(engine, hartlepool, author):
    pid = hartlepool.id
    add_rows(engine, pid, MEASURES, [{"measure": "sarc_children", "period": "2023/24", "value": "7"}], author=author)
    before = stored(engine, pid)
    options = ImportOptions(mapping=EES_OPTIONS, filters={"category_of_abuse": ("Sexual abuse",)})
    with pytest.raises(ImportRefused) as err:
        import_figures(engine, pid, ees_csv(), "cin_2024.csv", prompt_id=MEASURES, author=author, options=options)
    message = err.value.message
    assert "holds figures for 5 areas (England, North East, Hartlepool, Stockton-on-Tees, Darlington)" in message
    assert "Hartlepool looks like yours" in message and '--area "Hartlepool"' in message
    assert stored(engine, pid) == before  # nothing stored, nothing lost
    # The geography columns name places: never dropped as if they named people.
    preview = preview_figures(ees_csv(), "cin_2024.csv", MEASURES, options, areas_hint=(hartlepool.name, hartlepool.areas))
    reasons = {i.column: i.reason for i in preview.ignored}
    assert all(
        "area" in reasons[c] and "person" not in reasons[c].replace("not a person", "") for c in ("la_name", "region_name", "country_name")
    )
    assert preview.suggested_areas == ["Hartlepool"]  # "Stockton" alone is not Stockton-on-Tees


def test_the_partnerships_rows_are_stored_with_the_figures_as_published(engine, hartlepool, author):
    pid = hartlepool.id
    options = ImportOptions(area="Hartlepool", mapping=EES_OPTIONS, filters={"category_of_abuse": ("Sexual abuse",)})
    # Hartlepool's two years, and England's and the North East's beside them as comparators (numbers only:
    # the file has no rate column).
    assert import_figures(engine, pid, ees_csv(), "cin_2024.csv", prompt_id=MEASURES, author=author, options=options) == 6
    # Hartlepool's own 18, not England's 2,510; the suppressed year kept as c, never a number.
    assert stored(engine, pid) == [("plans_sexual_abuse", "", "2022/23", "c"), ("plans_sexual_abuse", "", "2023/24", "18")]
    # The same by the area's code (old or new), and a code kept as written.
    by_code = ImportOptions(area="E06000005", mapping=EES_OPTIONS, filters={"category_of_abuse": ("Sexual abuse",)})
    preview = preview_figures(ees_csv(), "cin_2024.csv", MEASURES, by_code)
    assert [(r["period"], r["value"]) for r in own(preview.rows)] == [("2022/23", "9"), ("2023/24", "low")]
    national = preview_figures(
        ees_csv(), "cin_2024.csv", MEASURES, ImportOptions(area="England", mapping=EES_OPTIONS, filters=by_code.filters)
    )
    assert [(r["period"], r["value"]) for r in national.rows] == [("2022/23", "2380"), ("2023/24", "2510")]


def test_rows_differing_in_a_filter_column_ask_for_a_filter_and_two_number_columns_ask_which(engine, hartlepool):
    no_filter = preview_figures(ees_csv(), "c.csv", MEASURES, ImportOptions(area="Hartlepool", mapping=EES_OPTIONS))
    assert no_filter.rows == [] and no_filter.problem_count == 2  # one per year
    assert "differ in 'category_of_abuse' (Neglect, Sexual abuse, Total)" in no_filter.problems[0].message
    assert '--filter "category_of_abuse=' in no_filter.problems[0].message
    renamed = ees_csv().replace(b"number_of_children", b"children_starting_plan")
    which = preview_figures(
        renamed,
        "c.csv",
        MEASURES,
        ImportOptions(area="Hartlepool", mapping={"measure": "plans_sexual_abuse"}, filters={"category_of_abuse": ("Sexual abuse",)}),
    )
    assert which.rows == [] and (
        "Which column holds the figure? The file has 2 columns of numbers: children_starting_plan, percentage_of_children"
        in which.problems[0].message
    )
    unknown = preview_figures(
        ees_csv(), "c.csv", MEASURES, ImportOptions(area="Hartlepol", mapping=EES_OPTIONS, filters={"category_of_abuse": ("Sexual abuse",)})
    )
    assert "No row is for 'Hartlepol'. Did you mean 'Hartlepool'?" in unknown.problems[0].message


POLICE_COLUMNS = [
    "Financial Year",
    "Financial Quarter",
    "Force Name",
    "Offence Description",
    "Offence Group",
    "Offence Subgroup",
    "Offence Code",
    "Number of Offences",
]
POLICE_OFFENCES = [
    ("Rape of a female aged 16 and over", "Rape", "19C"),
    ("Rape of a female child under 16", "Rape", "19D"),
    ("Sexual activity involving a child under 13", "Other sexual offences", "22A"),
]


def police_rows() -> tuple[list[list], dict[str, int]]:
    """The police recorded crime open data table: every force, quarter and offence code. Also the
    child offences (19D and 22A) for Cleveland, added up by year, to check against."""
    rows, expected = [POLICE_COLUMNS], {}
    for fy in ("2022/23", "2023/24"):
        for quarter in (1, 2, 3, 4):
            for force_number, force in enumerate(("Cleveland", "Durham", "Northumbria")):
                for offence_number, (description, subgroup, code) in enumerate(POLICE_OFFENCES):
                    count = 10 * force_number + 3 * offence_number + quarter + (5 if fy == "2023/24" else 0)
                    rows.append([fy, quarter, force, description, "Sexual offences", subgroup, code, count])
                    if force == "Cleveland" and code in ("19D", "22A"):
                        expected[fy] = expected.get(fy, 0) + count
    return rows, expected


def test_a_police_force_table_keeps_the_forces_child_offences_added_up_by_year(engine, hartlepool, author):
    rows, expected = police_rows()
    data = xlsx({"Contents": [["Police recorded crime open data tables"], ["Table 1: offences by force"]], "Table 1": rows})
    refused = preview_figures(data, "prc-pfa.xlsx", MEASURES, ImportOptions(mapping={"measure": "police_offences"}))
    assert "holds figures for 3 areas (Cleveland, Durham, Northumbria)" in refused.problems[0].message
    assert "sheet 2 of 2 ('Table 1')" in refused.read_as  # the contents sheet is passed over
    options = ImportOptions(
        area="Cleveland",
        mapping={"measure": "police_offences", "source": "Police recorded crime"},
        filters={"Offence Code": ("19D", "22A")},
    )
    assert import_figures(engine, hartlepool.id, data, "prc-pfa.xlsx", prompt_id=MEASURES, author=author, options=options) == 2
    # The quarters and the two child offences added up; adult offences (19C) and other forces left out.
    assert stored(engine, hartlepool.id) == [
        ("police_offences", "", "2022/23", str(expected["2022/23"])),
        ("police_offences", "", "2023/24", str(expected["2023/24"])),
    ]
    # Worked by hand: Cleveland is force 0; 19D and 22A are offences 1 and 2; quarters 1 to 4.
    assert expected["2022/23"] == sum(3 * o + q for o in (1, 2) for q in (1, 2, 3, 4)) == 56


def mye_workbook() -> tuple[bytes, int]:
    ages = list(range(0, 91))
    header = ["Code", "Name", "Geography", "All ages", *[str(a) for a in ages[:-1]], "90+"]
    areas = [
        ("K04000001", "England and Wales", "Country"),
        ("E92000001", "England", "Country"),
        ("E12000001", "North East", "Region"),
        ("E06000001", "Hartlepool", "Unitary Authority"),
        ("E06000004", "Stockton-on-Tees", "Unitary Authority"),
    ]
    rows = [
        ["Mid-2022 population estimates for England and Wales: persons by single year of age"],
        ["Source: Office for National Statistics"],
        [],
        header,
    ]
    children = 0
    for i, (code, name, geography) in enumerate(areas):
        counts = [100 * (5 - i) + a for a in ages]
        rows.append([code, name, geography, sum(counts), *counts])
        if name == "Hartlepool":
            children = sum(counts[:18])
    contents = [["Contents"], ["MYE2 - Persons", "Mid-2022 population estimates by single year of age"]]
    return xlsx({"Contents": contents, "MYE2 - Persons": rows, "MYE2 - Males": [["(not used)"]]}), children


def test_ons_mid_year_estimates_add_up_ages_0_to_17_on_the_second_sheet(engine, hartlepool, author):
    data, children = mye_workbook()
    preview = preview_figures(data, "mye22.xlsx", FIGURES, ImportOptions(area="Hartlepool"))
    assert preview.problems == []
    assert "The column names are on row 4; rows 1-3 look like a title and were skipped." in " ".join(preview.notes)
    assert "sheet 2 of 3 ('MYE2 - Persons')" in preview.read_as
    assert import_figures(engine, hartlepool.id, data, "mye22.xlsx", author=author, options=ImportOptions(area="Hartlepool")) == 1
    assert stored(engine, hartlepool.id, FIGURES) == [("child_population", "Aged 0 to 17", "2022", str(children))]
    rows = {r["detail"]: r for r in stored_figures(engine, hartlepool.id)}
    assert rows["Aged 0 to 17"]["source"].startswith("Mid-2022 population estimates")
    # An explicit range and sheet give the same.
    again = preview_figures(
        data,
        "mye22.xlsx",
        FIGURES,
        ImportOptions(
            sheet="MYE2 - Persons",
            header_row=4,
            area="E06000001",
            mapping={"value": "0-17", "figure": "child_population", "detail": "Aged 0 to 17"},
        ),
    )
    assert [r["value"] for r in again.rows] == [str(children)]


def statswales_csv() -> bytes:
    lines = [
        "Children on child protection registers by local authority and category of abuse",
        "Category of abuse: Sexual abuse",
        "",
        "Area,2019-20,2020-21,2021-22,2022-23",
        "Wales,210,195,.,230",
        "Cardiff,15,*,12,17",
        "Swansea,9,11,13,..",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_a_statswales_download_with_title_lines_and_years_across(engine, author):
    pid = create_partnership(
        engine, name="Cardiff and Vale Regional Safeguarding Board", nation="wales", areas="Cardiff; Vale of Glamorgan"
    ).id
    options = ImportOptions(mapping={"measure": "plans_sexual_abuse"})
    refused = preview_figures(statswales_csv(), "statswales.csv", MEASURES, options, areas_hint=("Cardiff and Vale", "Cardiff"))
    assert "3 areas (Wales, Cardiff, Swansea)" in refused.problems[0].message and "Cardiff looks like yours" in refused.problems[0].message
    assert "quotes" not in refused.problems[0].message  # the title lines are not mistaken for rows
    options = ImportOptions(area="cardiff", mapping={"measure": "plans_sexual_abuse"})
    assert import_figures(engine, pid, statswales_csv(), "statswales.csv", prompt_id=MEASURES, author=author, options=options) == 8
    assert stored(engine, pid) == [
        ("plans_sexual_abuse", "", "2019/20", "15"),
        ("plans_sexual_abuse", "", "2020/21", "*"),
        ("plans_sexual_abuse", "", "2021/22", "12"),
        ("plans_sexual_abuse", "", "2022/23", "17"),
    ]
    # The Wales row beside them, as a comparator: its numbers as published (StatsWales gives no rate column).
    wales = "Wales (comparator: number; the file gives no rate)"
    assert stored(engine, pid, comparators=True) == [
        ("plans_sexual_abuse", wales, "2019/20", "210"),
        ("plans_sexual_abuse", wales, "2020/21", "195"),
        ("plans_sexual_abuse", wales, "2021/22", "."),
        ("plans_sexual_abuse", wales, "2022/23", "230"),
    ]


@pytest.mark.parametrize("code", ["c", "x", "z", "k", "u", "low", ":", "..", "*", ".", "[c]"])
def test_every_published_code_is_kept_as_written_and_never_counted(code):
    assert parse_statistic(code) == code and code in STATISTIC_CODES and statistic_value(code) is None


@pytest.mark.parametrize(
    "written, identifier, year",
    [
        ("202324", "Financial year", "2023/24"),
        ("202324", "Academic year", "2023/24"),
        ("2024", "Calendar year", "2024"),
        ("2024", "Reporting year", "2024"),
        ("Year ending March 2024", "", "2023/24"),
        ("Mid-2022", "", "2022"),
    ],
)
def test_periods_as_published(written, identifier, year):
    assert parse_period(written, identifier=identifier) == year


def test_the_cli_takes_every_choice_and_prints_the_stored_figures_as_json(engine_url, engine, hartlepool, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", engine_url)
    path = tmp_path / "cin.csv"
    path.write_bytes(ees_csv())
    args = [
        "import-figures",
        hartlepool.name,
        str(path),
        "--measures",
        "--map",
        "measure=plans_sexual_abuse",
        "--map",
        "value=number_of_children",
    ]
    args += ["--filter", "category_of_abuse=Sexual abuse"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Hartlepool looks like yours" in err and "--area" in err
    mapping = tmp_path / "cin-mapping.json"
    assert main([*args, "--area", "Hartlepool", "--save-mapping", str(mapping)]) == 0
    assert capsys.readouterr().out.endswith(  # 2 of Hartlepool's, 4 comparators: counted apart
        "Imported 2 identification measures for the partnership's areas, and 4 comparator figures for England and "
        f"North East region, into '{hartlepool.name}'.\n"
    )
    assert json.loads(mapping.read_text())["area"] == "Hartlepool"
    assert main(["figures", hartlepool.name, "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert [(f["figure"], f["year"], f["value"]) for f in figures if "comparator" not in (f["detail"] or "")] == [
        ("plans_sexual_abuse", "2022/23", "c"),
        ("plans_sexual_abuse", "2023/24", "18"),
    ]
    # The saved mapping alone gives the same choices again.
    assert main(["import-figures", hartlepool.name, str(path), "--measures", "--replace", "--mapping", str(mapping)]) == 0
    assert len(stored(engine, hartlepool.id)) == 2


def test_title_lines_are_found_and_the_header_row_can_be_given():
    data = b"Local figures for Harbourshire\nPublished 31/03/2026\n\nFigure,Year,Value\nLooked-after children,2024,120\n"
    table = read_sheet(data, "figures.csv")
    assert table.headers == ["Figure", "Year", "Value"] and table.first_row == 5
    assert table.notes == [
        "The column names are on row 4; rows 1-3 look like a title and were skipped. If the names are on another row, say which."
    ]
    assert read_sheet(data, "figures.csv", header_row=4).rows == table.rows
    preview = preview_figures(data, "figures.csv")
    assert preview.problems == [] and preview.row_numbers == [5] and preview.rows[0]["value"] == "120"


# --- Council action plans ---------------------------------------------------------------------


def council_plan() -> bytes:
    """A plan as a council keeps it: a title and a blank row above the header, a RAG column, one
    Timescale column, and numbered actions in one cell."""
    return xlsx(
        {
            "Action plan": [
                ["Harbourshire Safeguarding Children Partnership: child sexual abuse action plan 2025-2027"],
                [],
                ["Ref", "Priority", "Outcome", "Action", "Lead", "Timescale", "RAG"],
                [
                    "1.1",
                    "Prevention",
                    "Children know where to get help",
                    "1. Deliver RSE lessons 2. Brief every school",
                    "Education",
                    "31.03.26",
                    "G",
                ],
                ["1.2", None, None, "Publish a leaflet for parents", "Council", "Q3 2025/26", "Complete"],
                ["1.3", None, "Staff recognise the signs", "Train front-door staff", "Council", "April 2026 to March 2027", "Red"],
                ["1.4", None, None, "Audit cases", "Head of Safeguarding", "", "a"],
            ]
        }
    )


def test_a_council_plan_with_a_title_rag_column_and_timescale(engine, partnership, author):
    from strategy.plan import operations as P
    from strategy.plan.io import commit_import, preview_import

    preview = preview_import(engine, partnership.id, council_plan(), "CSA action plan.xlsx")
    assert preview.problems == []
    assert preview.base.notes[0].startswith("The column names are on row 3; rows 1-2 look like a title")
    assert "The status is read from 'RAG': 'a' → In progress; 'G' → In progress; 'Red' → Delayed." in preview.base.notes
    assert any(
        n.startswith("These leads look like job titles or people rather than agencies: 'Head of Safeguarding'.") for n in preview.base.notes
    )
    assert [(a["row"], a["title"]) for a in preview.actions] == [
        (4, "Deliver RSE lessons"),
        (4, "Brief every school"),
        (5, "Publish a leaflet for parents"),
        (6, "Train front-door staff"),
        (7, "Audit cases"),
    ]
    assert commit_import(engine, partnership.id, preview, author=author) == 5
    plan = P.load_plan(engine, partnership.id)
    stored = {x.title: (x.status, x.start_date, x.end_date) for x in plan.all_actions()}
    assert stored == {
        "Deliver RSE lessons": ("in_progress", None, "2026-03-31"),  # a lone date is the completion only
        "Brief every school": ("in_progress", None, "2026-03-31"),
        "Publish a leaflet for parents": ("complete", "2025-10-01", "2025-12-31"),  # Q3 of 2025/26: October to December
        "Train front-door staff": ("delayed", "2026-04-01", "2027-03-31"),
        "Audit cases": ("in_progress", None, None),
    }
    assert [a.title for a in plan.aims] == ["Prevention"]


def test_the_plans_sheet_header_row_and_columns_can_be_given(engine, partnership):
    from strategy.plan.io import preview_import

    options = ImportOptions(sheet="Action plan", header_row=3, mapping={"end": "Timescale"})
    preview = preview_import(engine, partnership.id, council_plan(), "plan.xlsx", options)
    assert preview.problems == [] and preview.actions[0]["end_date"] == "2026-03-31"
    wrong = ImportOptions(sheet="Plan 2024")
    with pytest.raises(Exception, match="has no sheet 'Plan 2024'. Its sheets are: 1. Action plan"):
        preview_import(engine, partnership.id, council_plan(), "plan.xlsx", wrong)


# --- Survey exports ---------------------------------------------------------------------------------

FORMS_HEADERS = [
    "ID",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Which agency or agencies do you work for?",
    "What is your role?",
    "How confident do you feel identifying and responding to child sexual abuse?",
    "How would you rate your knowledge of the signs and indicators of child sexual abuse?",
    "How confident do you feel talking with children about sexual abuse?",
]


def test_a_microsoft_forms_export_with_question_text_and_multiple_answers(engine, author):
    from strategy.answers.io import SURVEY, import_survey, preview_survey
    from strategy.evidence.analysis import survey_summary

    pid = create_partnership(engine, name="Harbourshire Partnership", nation="england").id
    rows = [
        FORMS_HEADERS,
        [
            1,
            "01/10/2025 09:00",
            "01/10/2025 09:05",
            "jo@example.org",
            "Jo Bloggs",
            "Education;Police;",
            "Teacher",
            "Agree",
            3,
            "Very confident",
        ],
        [2, "01/10/2025 10:00", "01/10/2025 10:04", "sam@example.org", "Sam Patel", "Police;", "Detective", 4, 4, 2],
        [3, "02/10/2025 11:00", "02/10/2025 11:09", "anonymous", "", "Health;Education;", "Nurse", 2, 2, 3],
    ]
    data = xlsx({"Form1": rows})
    preview = preview_survey(data, "CSA survey(1-3).xlsx")
    assert preview.problems == []
    assert [r["agency"] for r in preview.rows] == ["Education; Police", "Police", "Health; Education"]
    assert [(r["confidence"], r["knowledge"], r["talking"]) for r in preview.rows] == [(4, 3, 5), (4, 4, 2), (2, 2, 3)]
    assert any("read as 'Confidence" in n for n in preview.notes)
    assert "Scores written in words are read on the workbook's scale of 1 to 5: 'Agree' → 4; 'Very confident' → 5." in preview.notes
    assert import_survey(engine, pid, data, "survey.xlsx", author=author) == 3
    survey = survey_summary(list_rows(engine, pid, SURVEY))
    # Three agencies, not one group per combination; each response counts under each agency it names.
    assert dict(zip(survey.by_agency["Agency"], survey.by_agency["Responses"], strict=True)) == {"Education": 2, "Health": 1, "Police": 2}
    assert survey.responses == 3
    everything = json.dumps([r.values for r in list_rows(engine, pid, SURVEY)])
    assert not any(s in everything for s in ("jo@example.org", "Jo Bloggs", "Sam Patel", "09:05"))


def test_a_smartsurvey_export_with_two_header_rows_and_ip_addresses(engine, author):
    from strategy.answers.io import SURVEY, import_survey, preview_survey

    pid = create_partnership(engine, name="Harbourshire Partnership", nation="england").id
    first = ["UserNo", "Name", "Email", "IP Address", "Unique ID", "Started", "Ended"]
    first += ["Which organisation do you work for?", "How confident are you in identifying and responding?", "Any other comments?"]
    second = ["", "", "", "", "", "", "", "Response", "Response", "Open-Ended Response"]
    data_rows = [
        [101, "", "", "192.0.2.10", "abc", "01/10/2025 09:00", "01/10/2025 09:07", "Health", 3, "More training please"],
        [102, "Alex Smith", "alex@example.org", "198.51.100.7", "def", "01/10/2025 09:10", "01/10/2025 09:12", "Police", 5, ""],
    ]
    lines = io.StringIO()
    csvlib.writer(lines).writerows([first, second, *data_rows])
    data = lines.getvalue().encode("utf-8")
    preview = preview_survey(data, "smartsurvey.csv")
    assert preview.problems == [] and preview.row_numbers == [3, 4]
    assert "Row 2 is a second row of column names" in " ".join(preview.notes)
    ignored = {i.column: i.reason for i in preview.ignored}
    assert "identifies a person" in ignored["IP Address"] and "identifies a person" in ignored["Email"]
    assert "added by the form" in ignored["Started"] and "added by the form" in ignored["Ended"]
    assert import_survey(engine, pid, data, "smartsurvey.csv", author=author) == 2
    values = [r.values for r in list_rows(engine, pid, SURVEY)]
    assert [(v["agency"], v["confidence"], v["comment"]) for v in values] == [("Health", 3, "More training please"), ("Police", 5, "")]
    assert not any(s in json.dumps(values) for s in ("192.0.2.10", "alex@example.org", "Alex Smith"))


# --- Safe reading: the same fixed limits for every file -----------------------------------------


def crafted(sheet_xml_edit, *, stream_cell: int = 0) -> bytes:
    """A small real workbook with its sheet's XML changed; ``stream_cell`` characters of 'x' written
    into the cell reading PLACEHOLDER, streamed so the test itself never holds them."""
    import zipfile

    book = openpyxl.Workbook()
    book.active.append(["Agency", "Confidence"])
    book.active.append(["PLACEHOLDER", 3])
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info.filename, body)
                continue
            body = sheet_xml_edit(body)
            if not stream_cell:
                z.writestr(info.filename, body)
                continue
            before, after = body.split(b"PLACEHOLDER")
            with z.open(info.filename, "w", force_zip64=True) as part:
                part.write(before)
                for _ in range(stream_cell // (1 << 20)):
                    part.write(b"x" * (1 << 20))
                part.write(after)
    return out.getvalue()


def test_a_small_workbook_holding_a_huge_cell_is_refused_without_memory_growing():
    import tracemalloc

    data = crafted(lambda b: b, stream_cell=190 * (1 << 20))
    assert len(data) < 400_000  # about 190 KB on disk, 190 MB unpacked
    tracemalloc.start()
    try:
        with pytest.raises(Exception, match="a cell longer than 32,767 characters"):
            read_sheet(data, "survey.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30 * (1 << 20)  # the cell is never held: a few MB at most, not gigabytes


def test_a_workbook_claiming_a_million_rows_is_refused_and_a_false_size_is_not_trusted():
    def far_down(body: bytes) -> bytes:
        body = body.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>')
        return body.replace(b"</sheetData>", b'<row r="1048576"><c r="A1048576" t="n"><v>1</v></c></row></sheetData>')

    with pytest.raises(Exception, match="rows beyond row 100,000 of sheet 'Sheet'; the most it takes is 50,000 rows"):
        read_sheet(crafted(far_down), "claims.xlsx")
    # Only claiming (the dimension) is harmless: the cells held are read, not 16,384 columns a row.
    claims = crafted(lambda b: b.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>'))
    table = read_sheet(claims, "claims.xlsx")
    assert table.headers == ["Agency", "Confidence"] and table.rows == [{"Agency": "PLACEHOLDER", "Confidence": 3}]


def test_the_cell_and_time_limits_hold_for_csv_and_excel_alike(monkeypatch):
    import strategy.tabular.reading as reading

    data = b"Agency,Confidence\n" + b"Police,3\n" * 20
    monkeypatch.setattr(reading, "MAX_CELLS", 30)
    with pytest.raises(Exception, match="more than 30 cells with something in them"):
        read_sheet(data, "s.csv")
    with pytest.raises(Exception, match="more than 30 cells"):
        read_sheet(xlsx({"S": [["Agency", "Confidence"], *[["Police", 3]] * 20]}), "s.xlsx")
    monkeypatch.setattr(reading, "MAX_CELLS", 2_000_000)
    monkeypatch.setattr(reading, "MAX_SECONDS", 0.0)  # out of time as soon as it starts
    with pytest.raises(Exception, match="took longer than 0 seconds to read, so it was not imported"):
        read_sheet(xlsx({"S": [["Agency", "Confidence"], ["Police", 3]]}), "s.xlsx")


def test_the_choices_made_are_saved_and_used_again_for_next_years_file(engine, hartlepool, author):
    from strategy.people.partnerships import create_partnership as create

    options = ImportOptions(area="Hartlepool", mapping=EES_OPTIONS, filters={"category_of_abuse": ("Sexual abuse",)})
    import_figures(engine, hartlepool.id, ees_csv(), "cin_2024.csv", prompt_id=MEASURES, author=author, options=options)
    # Next year's download: the same columns, another year's figures, no choices given.
    next_year = ees_csv().replace(b"202324", b"202425").replace(b"202223", b"202324")
    from strategy.answers.io import partnership_preview

    preview = partnership_preview(engine, hartlepool.id, next_year, "cin_2025.csv", MEASURES)
    assert (
        preview.notes[0]
        == "Using the choices saved when 'cin_2024.csv' was imported (the area Hartlepool); change them if this file differs."
    )
    assert import_figures(engine, hartlepool.id, next_year, "cin_2025.csv", prompt_id=MEASURES, author=author, replace=True) == 6
    assert stored(engine, hartlepool.id) == [("plans_sexual_abuse", "", "2023/24", "c"), ("plans_sexual_abuse", "", "2024/25", "18")]
    # Saved per partnership: another partnership is still asked.
    other = create(engine, name="Darlington Partnership", nation="england", areas="Darlington").id
    with pytest.raises(ImportRefused, match="Darlington looks like yours"):
        import_figures(engine, other, next_year, "cin_2025.csv", prompt_id=MEASURES, author=author)
    assert stored(engine, other) == []


# --- A snapshot survey with one column per statement (a form's grid question) ----------------------


def test_a_snapshot_survey_with_one_column_per_statement(engine, partnership, author):
    from strategy.assessments import snapshot as sn
    from strategy.assessments.io import import_snapshot_survey, preview_snapshot_survey

    snap = sn.create_snapshot(engine, partnership.id, title="Snapshot 2026", author=author)
    statements = {s.code: s for s in sn.snapshot_statements(engine, partnership.id, snap.id)}
    aw1, ir2 = statements["AW1"], statements["IR2"]
    rows = [
        [
            "ID",
            "Start time",
            "Email",
            "Which agency do you work for?",
            f"How far have we got?.{aw1.text}",
            f"IR2 {ir2.text[:30]}",
            "Any other comments",
        ],
        [1, "01/10/2025 09:00", "jo@example.org", "Education", "Embedded", "2", "Lessons start too late"],
        [2, "01/10/2025 10:00", "sam@example.org", "Health", "", "Good progress", ""],
    ]
    data = xlsx({"Form1": rows})
    preview = preview_snapshot_survey(engine, partnership.id, snap.id, data, "snapshot.xlsx")
    assert preview.problems == []  # the statements are not "unknown columns"
    assert "one column per statement (2 of them)" in " ".join(preview.notes)
    assert preview.row_numbers == [2, 2, 3]
    assert import_snapshot_survey(engine, partnership.id, snap.id, data, "snapshot.xlsx", author=author) == 3
    stored = [(r.statement_id, r.rating, r.comment) for r in sn.responses(engine, snap.id)]
    assert stored == [(aw1.id, 4, "Lessons start too late"), (ir2.id, 2, ""), (ir2.id, 3, "")]


@pytest.mark.parametrize(
    "written, start, end",
    [
        ("31.03.26", None, "2026-03-31"),
        ("Q3 2025/26", "2025-10-01", "2025-12-31"),
        ("Q1 2025/26", "2025-04-01", "2025-06-30"),
        ("Q4 2025/26", "2026-01-01", "2026-03-31"),
        ("2025/26 Q2", "2025-07-01", "2025-09-30"),
    ],
)
def test_dates_as_councils_write_them(written, start, end):
    from strategy.plan.io import parse_when

    span = parse_when(written)
    assert span is not None and span.end is not None
    assert (span.start.isoformat() if span.start and start else None, span.end.isoformat()) == (start, end)


def test_a_file_for_one_other_area_says_so():
    pid_hint = ("Harbourshire Partnership", "Harbourshire")
    data = b"Force Name,Financial Year,Number of Offences\nDurham,2023/24,41\n"
    preview = preview_figures(data, "durham.csv", MEASURES, ImportOptions(mapping={"measure": "police_offences"}), areas_hint=pid_hint)
    assert preview.rows[0]["value"] == "41"
    assert "Every row is for Durham. It does not look like the partnership's area: check this is the right file." in preview.notes


def test_a_wide_ees_file_of_factors_at_assessment_reads_the_chosen_columns_added_up(engine, hartlepool, author):
    """Children in need: one column per factor identified at the end of assessment."""
    header = (
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,new_la_code,old_la_code,la_name,"
    )
    header += "Sexual abuse,Child sexual exploitation,Neglect\n"
    body = (
        "202324,Financial year,National,E92000001,England,,,,,,33320,9140,151000\n"
        "202324,Financial year,Local authority,E92000001,England,E12000001,North East,E06000001,805,Hartlepool,61,22,700\n"
        "202223,Financial year,Local authority,E92000001,England,E12000001,North East,E06000001,805,Hartlepool,55,c,680\n"
    )
    data = (header + body).encode()
    which = preview_figures(
        data, "factors.csv", MEASURES, ImportOptions(area="Hartlepool", mapping={"measure": "assessments_sexual_abuse"})
    )
    assert "3 columns of numbers: Sexual abuse, Child sexual exploitation, Neglect" in which.problems[0].message
    options = ImportOptions(
        area="Hartlepool", mapping={"measure": "assessments_sexual_abuse", "value": "Sexual abuse + Child sexual exploitation"}
    )
    preview = preview_figures(data, "factors.csv", MEASURES, options)
    assert "'Child sexual exploitation' is published as 'c', so the columns cannot be added up." in preview.problems[0].message
    alone = ImportOptions(area="Hartlepool", mapping={"measure": "assessments_sexual_abuse", "value": "Sexual abuse"})
    assert import_figures(engine, hartlepool.id, data, "factors.csv", prompt_id=MEASURES, author=author, options=alone) == 3
    assert stored(engine, hartlepool.id) == [
        ("assessments_sexual_abuse", "", "2022/23", "55"),
        ("assessments_sexual_abuse", "", "2023/24", "61"),
    ]
    # England's national row for 2023/24 beside them (the file has no regional row, and no English row for 2022/23).
    assert stored(engine, hartlepool.id, comparators=True) == [
        ("assessments_sexual_abuse", "England (comparator: number; the file gives no rate)", "2023/24", "33320")
    ]
    both = preview_figures(data.replace(b",55,c,", b",55,20,"), "factors.csv", MEASURES, options)
    assert [(r["period"], r["value"]) for r in own(both.rows)] == [("2023/24", "83"), ("2022/23", "75")]


def test_a_title_split_by_its_commas_is_still_a_title():
    data = b"Children looked after, by local authority, 31 March 2024\nSource: SSDA903\n\nArea,Year,Figure,Value\nCardiff,2024,Looked-after children,120\n"
    table = read_sheet(data, "cla.csv")
    assert table.headers == ["Area", "Year", "Figure", "Value"] and table.first_row == 5
    plain = read_sheet(b"Figure,Year,Value\nLooked-after children,2024,120\n", "f.csv")
    assert plain.headers == ["Figure", "Year", "Value"] and plain.notes == [] and plain.first_row == 2


def test_statswales_with_the_area_column_unnamed_and_ons_long_names():
    data = statswales_csv().replace(b"Area,2019-20", b",2019-20")
    preview = preview_figures(data, "statswales.csv", MEASURES, ImportOptions(area="Swansea", mapping={"measure": "plans_sexual_abuse"}))
    assert preview.problems == [] and [(r["period"], r["value"]) for r in own(preview.rows)] == [
        ("2019/20", "9"),
        ("2020/21", "11"),
        ("2021/22", "13"),
        ("2022/23", ".."),
    ]
    ons = b"ladcode23,laname23,Year,Number of children\nE06000001,Hartlepool,2023,18\nE06000004,Stockton-on-Tees,2023,30\n"
    refused = preview_figures(ons, "ons.csv", MEASURES, ImportOptions(mapping={"measure": "sarc_children"}))
    assert "holds figures for 2 areas (Hartlepool, Stockton-on-Tees)" in refused.problems[0].message
    chosen = preview_figures(ons, "ons.csv", MEASURES, ImportOptions(area="E06000004", mapping={"measure": "sarc_children"}))
    assert [r["value"] for r in chosen.rows] == ["30"]


def test_in_a_survey_a_place_is_a_place_and_a_name_is_a_person():
    from strategy.answers.io import preview_survey

    data = b"Name,Local authority,Force Name,Agency,Confidence\nJo Bloggs,Hartlepool,Cleveland,Police,4\n"
    preview = preview_survey(data, "s.csv")
    reasons = {i.column: i.reason for i in preview.ignored}
    assert reasons["Name"] == "identifies a person: not read and not stored"
    assert reasons["Local authority"] == reasons["Force Name"] == "names an area (not a person): not read here"
    assert preview.problems == [] and preview.rows[0]["agency"] == "Police"


def test_ons_estimates_with_one_row_per_age_are_added_up_by_a_range_filter():
    lines = ["ladcode23,laname23,sex,age,population_2023"]
    expected = 0
    for area, base in (("Hartlepool", 1000), ("Darlington", 2000)):
        for sex in ("F", "M"):
            for age in range(0, 91):
                count = base + age + (1 if sex == "M" else 0)
                lines.append(f"E0600000{1 if area == 'Hartlepool' else 5},{area},{sex},{age},{count}")
                if area == "Hartlepool" and age <= 17:
                    expected += count
    data = ("\n".join(lines) + "\n").encode()
    options = ImportOptions(
        area="Hartlepool",
        mapping={"figure": "child_population", "detail": "Aged 0 to 17", "year": "2023"},
        filters={"age": ("0-17",), "sex": ("F", "M")},
    )
    preview = preview_figures(data, "mye_long.csv", FIGURES, options)
    assert preview.problems == [] and [(r["period"], r["detail"], r["value"]) for r in preview.rows] == [
        ("2023", "Aged 0 to 17", str(expected))
    ]
    # Both sexes and the 18 ages are added: 36 rows into one figure.
    assert "36 rows were added up into 1 figure " in " ".join(preview.notes)


def test_by_end_of_year_two_counts_from_the_strategys_start(engine, author):
    from strategy.plan.io import parse_when, preview_import

    assert parse_when("By end of Year 2", first_year=2025) == parse_when("By 31 March 2027")
    pid = create_partnership(engine, name="Harbourshire Partnership", nation="england", period_start=2025, period_end=2028).id
    data = b"Aim,Outcome,Action,Lead,Timescale\nAim,Outcome,Do it,Council,By end of Year 2\n"
    preview = preview_import(engine, pid, data, "plan.csv")
    assert preview.problems == [] and (preview.actions[0]["start_date"], preview.actions[0]["end_date"]) == (None, "2027-03-31")
    undated = create_partnership(engine, name="Other Partnership", nation="england").id
    refused = preview_import(engine, undated, data, "plan.csv")
    assert "counts from the strategy's start, which the partnership has not given" in refused.problems[0].message
