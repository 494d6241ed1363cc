"""The evidence picture (Guide §4-6): child population, the local prevalence estimate against the
children identified, trends, the support matrix, training attendance, the staff survey and the
§6.1 reflection point; and the charts on the chapter pages."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from strategy.answers.operations import Row, add_rows, save_answer, set_grid_cell
from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database
from strategy.evidence import analysis as ev
from strategy.guide.content import content
from strategy.people.partnerships import create_partnership
from strategy.ui.state import PARTNERSHIP_KEY
from tests.people_support import sign_in_as

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 7, 1, tzinfo=UTC)


def row(**values) -> Row:
    return Row(id=1, position=1, values=values, version=1, updated_at=NOW, updated_by="test")


def cell(key: str, **values) -> Row:
    return Row(id=1, position=0, values=values, version=1, updated_at=NOW, updated_by="test", row_key=key)


def population(period, value, detail="") -> Row:
    return row(indicator="child_population", detail=detail, period=period, value=value)


def measure(name, period, value, detail="") -> Row:
    return row(measure=name, detail=detail, period=period, value=value)


# --- Data a partnership might write, through the real saving functions ---------------------------

FIGURES = [
    {"indicator": "child_population", "period": "2024", "value": "62,000", "source": "ONS mid-year estimates"},
    {"indicator": "child_population", "detail": "0-4", "period": "2024", "value": "18000"},
    {"indicator": "looked_after", "detail": "Unaccompanied children", "period": "2024", "value": "c", "source": "DfE"},
    {"indicator": "disabled_children", "period": "2023/24", "value": ":", "source": "Council"},
]
IDENTIFICATION = [
    {"measure": "plans_sexual_abuse", "period": "2023/24", "value": "52"},
    {"measure": "plans_sexual_abuse", "period": "2019/20", "value": "40"},
    {"measure": "plans_sexual_abuse", "period": "2021/22", "value": "c"},
    {"measure": "plans_sexual_abuse", "period": "2020/21", "value": "45"},
    {"measure": "plans_sexual_abuse", "period": "2022/23", "value": "50"},
    {"measure": "assessments_sexual_abuse", "period": "2023/24", "value": "250"},
    {"measure": "police_offences", "period": "2023/24", "value": "700"},
]
ATTENDANCE = [
    {"course": "Recognising child sexual abuse", "agency": "Harbourshire Police", "period": "2024", "eligible": 100, "attended": 38},
    {"course": "Recognising child sexual abuse", "agency": "Harbour Hospitals", "period": "2024", "eligible": 50, "attended": 40},
]
SURVEY = [
    {"agency": "Harbourshire Police", "role": "Officer", "confidence": 4, "knowledge": 2, "skills": 3, "talking": 2},
    {"agency": "Harbourshire Police", "role": "Sergeant", "confidence": 5, "knowledge": 3, "skills": 3, "talking": 3},
    {"agency": "Harbour Hospitals", "role": "Nurse", "confidence": 4, "knowledge": 3, "skills": 4, "talking": 2},
]


def fill_evidence(engine, pid: int, author: Author) -> None:
    """Context, Current response and Workforce answers for a small partnership."""
    add_rows(engine, pid, "context.figures", FIGURES, author=author)
    add_rows(engine, pid, "response.identification_figures", IDENTIFICATION, author=author)
    add_rows(engine, pid, "workforce.attendance", ATTENDANCE, author=author)
    add_rows(engine, pid, "workforce.staff_survey", SURVEY, author=author)
    add_rows(
        engine,
        pid,
        "workforce.courses",
        [
            {
                "course": "Recognising child sexual abuse",
                "focus": "csa_specific",
                "forms": ["online", "exploitation"],
                "delivery": "multi_agency",
            }
        ],
        author=author,
    )
    add_rows(
        engine,
        pid,
        "response.case_reviews",
        [{"title": "Review of sibling harm", "date": "31/03/2025", "source": "cspr", "learning": "Ask the child."}],
        author=author,
    )
    for form in ("family_network", "trusted_adults", "exploitation", "online", "hsb_other_children"):
        set_grid_cell(engine, pid, "context.forms", form, "coverage", "covered", expected=None, author=author)
    set_grid_cell(engine, pid, "context.forms", "hsb_siblings", "coverage", "partly", expected=None, author=author)
    set_grid_cell(engine, pid, "context.groups", "children_abused", "considered", True, expected=None, author=author)
    set_grid_cell(engine, pid, "response.support_matrix", "children_abused|therapeutic", "exists", "none", expected=None, author=author)
    set_grid_cell(
        engine, pid, "response.support_matrix", "children_abused|safety_safeguarding", "exists", "available", expected=None, author=author
    )
    set_grid_cell(
        engine, pid, "response.support_matrix", "adult_victims_survivors|therapeutic", "exists", "partly", expected=None, author=author
    )
    set_grid_cell(
        engine,
        pid,
        "response.support_matrix",
        "adult_victims_survivors|therapeutic",
        "typical_wait_weeks",
        38,
        expected=None,
        author=author,
    )
    set_grid_cell(engine, pid, "response.disruption", "orders_notices", "used", "yes", expected=None, author=author)


# --- Who lives here -------------------------------------------------------------------------------


def test_population_is_the_latest_years_total_row():
    rows = [population("2023", "60000"), population("2024", "62000"), population("2024", "18000", "0-4")]
    value, period, how = ev.child_population(rows)
    assert (value, period) == (62000, "2024")
    assert "total for 2024" in how


def test_population_adds_up_age_bands_when_there_is_no_total_and_says_so():
    rows = [population("2024", "18000", "0-4"), population("2024", "44000", "5-17"), population("2023", "61000")]
    value, period, how = ev.child_population(rows)
    assert (value, period) == (62000, "2024")
    assert "sum of 2 rows (0-4, 5-17)" in how and "no total was given" in how


def test_a_suppressed_population_is_never_counted_as_zero():
    # The 2024 total is suppressed: the 2023 total is used, and the reason is given.
    value, period, how = ev.child_population([population("2024", "c"), population("2024", "18000", "0-4"), population("2023", "60000")])
    assert (value, period) == (60000, "2023")
    assert "2024: published as c (suppressed)" in how
    # An age band that is a code stops the sum: adding the others would count it as zero.
    assert ev.child_population([population("2024", "18000", "0-4"), population("2024", "c", "5-17")]) is None
    assert ev.child_population([population("2024", ":")]) is None
    assert ev.child_population([]) is None


# --- The local estimate against the children identified (§5.1) -------------------------------------


def test_prevalence_uses_the_default_rate_and_the_context_population(engine, partnership, author):
    fill_evidence(engine, partnership.id, author)
    p = ev.prevalence(engine, partnership.id)
    assert p.rate == ev.DEFAULT_RATE_PERCENT == 4.0 and p.rate_is_default
    assert "500,000" in p.rate_source and "Karsna and Kelly, 2021" in p.rate_source
    assert p.population == 62000 and "2024" in p.population_how
    assert p.estimate == pytest.approx(2480)
    # Assessments that identified sexual abuse are the headline measure when they are given.
    assert (p.measure, p.identified, p.identified_period) == ("assessments_sexual_abuse", 250, "2023/24")
    assert p.sentence == "For every child identified, about 9 more are not."
    assert "applied to the number of children living in the area" in p.method
    assert "may make the real number higher or lower" in p.method
    assert any("Children identified: 250" in line for line in p.workings)


def test_the_partnerships_own_rate_source_and_population_override_the_defaults(engine, partnership, author):
    fill_evidence(engine, partnership.id, author)
    for prompt_id, value in (
        ("response.prevalence_rate", "10"),
        ("response.prevalence_source", "Our own survey, 2025"),
        ("response.prevalence_population", "50,000"),
    ):
        save_answer(engine, partnership.id, prompt_id, value, expected_version=0, author=author)
    p = ev.prevalence(engine, partnership.id)
    assert (p.rate, p.rate_is_default, p.rate_source) == (10, False, "Our own survey, 2025")
    assert p.population == 50000 and "entered under Identification" in p.population_how
    assert p.estimate == pytest.approx(5000)
    assert p.sentence == "For every child identified, about 19 more are not."
    assert "10 in every 100 children" in p.method


def test_plans_are_the_headline_when_there_are_no_assessments():
    rows = {
        "context.figures": [population("2024", "62000")],
        "response.identification_figures": [measure("plans_sexual_abuse", "2023/24", "62"), measure("police_offences", "2023/24", "900")],
    }
    p = ev.prevalence_from({}, rows, "england")
    assert p.measure == "plans_sexual_abuse" and p.identified == 62
    assert p.measure_label.startswith("Children starting a child protection plan")
    assert ev.prevalence_from({}, rows, "wales").measure_label.startswith("Children placed on the child protection register")


def test_police_offences_alone_are_not_counted_as_children_identified():
    rows = {
        "context.figures": [population("2024", "62000")],
        "response.identification_figures": [measure("police_offences", "2023/24", "900")],
    }
    p = ev.prevalence_from({}, rows, "england")
    assert not p.complete and p.identified is None
    assert "a yearly figure for children identified" in p.sentence


def test_the_latest_year_with_a_number_is_used_when_the_newest_is_suppressed():
    rows = {
        "context.figures": [population("2024", "62000")],
        "response.identification_figures": [
            measure("assessments_sexual_abuse", "2023/24", "c"),
            measure("assessments_sexual_abuse", "2022/23", "310"),
        ],
    }
    p = ev.prevalence_from({}, rows, "england")
    assert (p.identified, p.identified_period) == (310, "2022/23")


@pytest.mark.parametrize(
    ("ratio", "sentence"),
    [
        (10, "For every child identified, about 9 more are not."),
        (9.62, "For every child identified, about 9 more are not."),
        (2.2, "For every child identified, about 1 more is not."),
        (38.6, "For every child identified, about 38 more are not."),
        (151.3, "For every child identified, about 150 more are not."),
    ],
)
def test_the_quotable_sentence_rounds_sensibly(ratio, sentence):
    assert ev.unidentified_sentence(ratio) == sentence


def test_identifying_as_many_as_the_estimate_asks_for_a_check_instead():
    assert ev.unidentified_sentence(1.2).startswith("About as many children are identified as the estimate suggests")


def test_missing_pieces_are_named_instead_of_numbers():
    p = ev.prevalence_from({}, {}, "england")
    assert not p.complete and p.estimate is None and p.ratio is None
    assert p.sentence.startswith("The estimate cannot be worked out yet.")
    assert "the child population" in p.sentence and "Guide §4.3" in p.sentence
    assert "a yearly figure for children identified" in p.sentence and "Guide §5.1" in p.sentence
    assert ev.iceberg_figure(p) is None
    # With a population but nobody identified (a real zero), the comparison is refused, not divided by zero.
    zero = ev.prevalence_from(
        {},
        {"context.figures": [population("2024", "62000")], "response.identification_figures": [measure("plans_sexual_abuse", "2024", "0")]},
        "england",
    )
    assert not zero.complete and zero.estimate == pytest.approx(2480)
    assert "the comparison cannot be made" in zero.sentence
    no_rate = ev.prevalence_from(
        {"response.prevalence_rate": "0"},
        {
            "context.figures": [population("2024", "62000")],
            "response.identification_figures": [measure("plans_sexual_abuse", "2024", "52")],
        },
        "england",
    )
    assert not no_rate.complete and no_rate.estimate is None and "a national rate above zero" in no_rate.sentence


def test_the_iceberg_chart_and_its_table_show_the_same_figures():
    rows = {
        "context.figures": [population("2024", "62000")],
        "response.identification_figures": [measure("assessments_sexual_abuse", "2023/24", "250")],
    }
    p = ev.prevalence_from({}, rows, "england")
    fig = ev.iceberg_figure(p, "Harbourshire")
    above, below = fig.data
    assert above.y[0] == 250 and below.y[0] == pytest.approx(-(2480 - 250))
    assert "Harbourshire" in fig.layout.title.text
    assert any("Waterline" in a.text for a in fig.layout.annotations)
    table = ev.iceberg_table(p)
    assert table["Children a year"].tolist() == ["250", "2,200", "2,500"]
    assert "Identified" in table["What"][0] and "2023/24" in table["What"][0]


# --- Trends ------------------------------------------------------------------------------------


def test_trend_runs_from_the_oldest_year_and_shows_codes_as_gaps():
    rows = [measure(m["measure"], m["period"], m["value"]) for m in IDENTIFICATION]
    table = ev.trend_table(rows, "england")
    years = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    assert list(table.columns) == ["Measure", *years]
    plans = table[table["Measure"].str.startswith("Children starting")].iloc[0]
    assert plans[years].tolist() == ["40", "45", "c", "50", "52"]
    fig = ev.trend_figure(rows, "england")
    line = next(t for t in fig.data if t.name.startswith("Children starting"))
    assert list(line.x) == years
    assert list(line.y) == [40, 45, None, 50, 52]  # a gap, never a dip to zero
    assert line.connectgaps is False
    assert "Year" in fig.layout.xaxis.title.text


def test_a_measure_with_parts_sums_only_when_every_part_is_a_number():
    rows = [
        measure("sarc_children", "2024", "30", "Harbourshire"),
        measure("sarc_children", "2024", "12", "Vale"),
        measure("sarc_children", "2025", "31", "Harbourshire"),
        measure("sarc_children", "2025", "c", "Vale"),
    ]
    table = ev.trend_table(rows, "england")
    assert table.iloc[0][["2024", "2025"]].tolist() == ["42", "incomplete (c)"]
    assert list(ev.trend_figure(rows, "england").data[0].y) == [42, None]
    # One row with a detail that describes it (not a part of a whole) shows its code as written.
    single = ev.trend_table([measure("plans_sexual_abuse", "2024", "c", "Both councils")], "england")
    assert single.iloc[0]["2024"] == "c"


# --- Support (§5.2) ------------------------------------------------------------------------------

SUPPORT = [
    cell("children_abused|therapeutic", exists="none", gaps="No <b>service</b> at all"),
    cell("children_abused|safety_safeguarding", exists="available", providers="<script>alert(1)</script> Council"),
    cell("adult_victims_survivors|therapeutic", exists="partly", typical_wait_weeks=38, providers="Vale Centre"),
    cell("children_hsb|prevent_harm", exists="unknown", typical_wait_weeks=18),
]


def test_the_heatmap_and_the_table_agree_cell_by_cell():
    table = ev.support_matrix_table(SUPPORT, "england")
    fig = ev.support_heatmap(SUPPORT, "england")
    heat = fig.data[0]
    groups = content().list_options("groups_affected", "england")
    kinds = content().list_options("support_types", "england")
    assert table.shape == (len(groups), len(kinds)) == (len(heat.z), len(heat.z[0]))
    words = {"Available": 0, "Not known": 1, "Partly available": 2, "None": 3, "Not recorded": None}
    for i in range(len(groups)):
        for j in range(len(kinds)):
            assert heat.z[i][j] == words[table.iloc[i, j]]
    assert table.loc["Children who have been sexually abused", "Therapeutic support and counselling"] == "None"
    assert table.loc["Children at risk of sexual abuse", "Medical and forensic care"] == "Not recorded"
    # "None" is the strongest colour, and every cell also says what it is in words.
    assert heat.zmax == 3.5 and heat.colorscale[-1][1] == ev.AVAILABILITY_COLOURS[-1]
    assert heat.text[1][2] == "None" and heat.texttemplate == "%{text}"


def test_heatmap_hover_text_shows_what_people_typed_without_running_it():
    hover = "\n".join(h for line in ev.support_heatmap(SUPPORT, "england").data[0].hovertext for h in line)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Council" in hover
    assert "<script>" not in hover and "<b>service</b>" not in hover


def test_support_gaps_name_groups_with_no_support_and_waits_over_18_weeks():
    gaps = ev.support_gaps(SUPPORT, "england")
    assert gaps.none == ["Children who have been sexually abused: no therapeutic support and counselling"]
    assert len(gaps.long_waits) == 1 and "Vale Centre" in gaps.long_waits[0] and "38 weeks" in gaps.long_waits[0]
    assert gaps.cells == 72 and gaps.not_recorded == 68  # 18 weeks exactly is not listed as a long wait


# --- Workforce (§6.1) -----------------------------------------------------------------------------


def test_attendance_is_flagged_under_half_by_agency_and_by_course():
    rows = [row(**r) for r in ATTENDANCE] + [
        row(course="Safeguarding level 2", agency="Harbour Hospitals", eligible=1000, attended=900),
        row(course="Recognising child sexual abuse", agency="harbour hospitals ", eligible=70, attended=6),
        row(course="Recognising child sexual abuse", agency="GP practices", eligible=None, attended=3),
    ]
    att = ev.attendance_gaps(rows)
    by_agency = att.by_agency.set_index("Agency")
    assert by_agency.loc["Harbourshire Police", "Per cent attended"] == 38
    assert by_agency.loc["Harbourshire Police", "Below half"]
    assert att.flagged_agencies == ["Harbourshire Police"]
    # The hospitals' large general course does not hide their gap on the specific one.
    hospitals = by_agency.loc["Harbour Hospitals"]
    assert hospitals["Staff who should attend"] == 1120 and not hospitals["Below half"]
    assert att.flagged == [
        "Harbour Hospitals: Recognising child sexual abuse (38%)",
        "Harbourshire Police: Recognising child sexual abuse (38%)",
    ]
    assert att.incomplete == 1  # the GP row has no number of staff who should attend
    fig = ev.attendance_figure(att)
    assert [t.endswith("(below half)") for t in fig.data[0].text] == [True, True, False]


def test_survey_means_by_agency_and_role():
    survey = ev.survey_summary([row(**r) for r in SURVEY] + [row(agency="Harbour Hospitals", role="Nurse", confidence=None, knowledge=5)])
    assert survey.responses == 4
    assert survey.means["confidence"] == pytest.approx(4.33, abs=0.01)  # a blank is left out, not counted as 0
    assert survey.confident_share == 100.0
    police = survey.by_agency.set_index("Agency").loc["Harbourshire Police"]
    assert police["Responses"] == 2 and police["Confidence identifying and responding"] == 4.5
    assert police["Knowledge of signs and indicators"] == 2.5
    nurses = survey.by_role.set_index("Role").loc["Nurse"]
    assert nurses["Responses"] == 2 and nurses["Knowledge of signs and indicators"] == 4.0
    fig = ev.survey_figure(survey.by_agency)
    assert fig.layout.barmode == "group" and len(fig.data) == 4


def test_the_reflection_point_asks_about_high_confidence_beside_low_identification(engine, partnership, author):
    fill_evidence(engine, partnership.id, author)
    text = ev.reflection_point(engine, partnership.id)
    assert text is not None
    assert "average of 4.3 out of 5" in text and "100% answered 4 or 5" in text
    assert "for every child identified, about 9 more are not" in text
    assert "what does this mean for us?" in text and "(Guide §6.1)" in text


def _survey(*confidence):
    return ev.survey_summary([row(agency="Police", confidence=c) for c in confidence])


def test_the_reflection_point_stays_silent_when_it_does_not_apply():
    low_identification = ev.prevalence_from(
        {},
        {
            "context.figures": [population("2024", "62000")],
            "response.identification_figures": [measure("assessments_sexual_abuse", "2024", "250")],
        },
        "england",
    )
    high_identification = ev.prevalence_from(
        {"response.prevalence_rate": "1"},
        {
            "context.figures": [population("2024", "62000")],
            "response.identification_figures": [measure("assessments_sexual_abuse", "2024", "400")],
        },
        "england",
    )
    assert ev.reflection_text(low_identification, _survey(4, 4, 3)) is not None  # mean 3.67
    assert ev.reflection_text(low_identification, _survey(2, 3, 2, 4)) is None  # not confident
    assert ev.reflection_text(low_identification, _survey(4, 4, 2, 2, 5)) is not None  # 60% answered 4-5
    assert ev.reflection_text(high_identification, _survey(5, 5)) is None  # most children identified
    assert ev.reflection_text(ev.prevalence_from({}, {}, "england"), _survey(5, 5)) is None  # no estimate
    assert ev.reflection_text(low_identification, _survey()) is None  # no survey


def test_forms_not_covered_and_groups_not_considered():
    forms = [cell("online", coverage="covered"), cell("exploitation", coverage="partly")]
    missing = ev.forms_not_covered(forms, "england")
    assert len(missing) == 5 and "Child sexual exploitation" in missing
    assert "Child sexual abuse and harmful sexual behaviour in online contexts" not in missing
    groups = ev.groups_not_considered([cell("children_abused", considered=True), cell("children_at_risk", considered=False)], "england")
    assert len(groups) == 8 and "Children at risk of sexual abuse" in groups


# --- The chapter pages -----------------------------------------------------------------------------


@pytest.fixture
def app_partnership(tmp_path, monkeypatch, author, db_templates):
    url = db_templates.sqlite(tmp_path / "app.sqlite3")
    monkeypatch.setenv("DATABASE_URL", url)
    engine = prepare_database(url)
    p = create_partnership(engine, name="Harbourshire Partnership", nation="england", areas="Harbourshire")
    fill_evidence(engine, p.id, author)
    yield p
    dispose_engine(url)


def _page(partnership, author, page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[PARTNERSHIP_KEY] = str(partnership.id)
    sign_in_as(at, author)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_current_response_page_shows_the_iceberg_the_trend_and_the_support_matrix(app_partnership, author):
    at = _page(app_partnership, author, "views/current_response.py")
    assert len(at.get("plotly_chart")) == 3
    assert any(m.value == "### For every child identified, about 9 more are not\\." for m in at.markdown)
    assert "The tip of the iceberg" in [s.value for s in at.subheader]
    assert any("Groups with no support of these kinds" in m.value for m in at.markdown)
    assert any(e.label == "The same figures as a table" for e in at.expander)


def test_workforce_page_shows_attendance_gaps_and_the_reflection_point(app_partnership, author):
    at = _page(app_partnership, author, "views/workforce.py")
    # Attendance, and the survey by agency: the chart by role is drawn when its tab is chosen.
    assert [c.key for c in at.get("plotly_chart")] == [f"attendance|{app_partnership.id}", f"survey|Agency|{app_partnership.id}"]
    at.session_state[f"survey-by|{app_partnership.id}"] = "By role"
    at.run()
    assert [c.key for c in at.get("plotly_chart")] == [f"attendance|{app_partnership.id}", f"survey|Role|{app_partnership.id}"]
    assert any("Harbourshire Police" in w.value and "38%" in w.value for w in at.warning)
    assert any("what does this mean for us?" in i.value for i in at.info)


def test_the_workforce_pages_findings_follow_a_new_response_at_once(app_partnership, author):
    from strategy.answers.operations import add_row, list_rows

    at = _page(app_partnership, author, "views/workforce.py")
    engine = prepare_database(os.environ["DATABASE_URL"])
    before = len(list_rows(engine, app_partnership.id, "workforce.staff_survey"))
    assert any(m.value.startswith(f"{before} responses\\.") for m in at.markdown)  # (markdown-escaped)
    add_row(engine, app_partnership.id, "workforce.staff_survey", {"agency": "Harbourshire Police", "confidence": 5}, author=author)
    at.run()  # the findings kept for speed are made again: the partnership has changed
    assert any(m.value.startswith(f"{before + 1} responses\\.") for m in at.markdown)
