"""Comparators from official files (Guide §5.1): importing a published file for the partnership's area also
keeps the nation's row and the region's (the one holding the area, from the file's own region columns),
for the same measures and years, stored so the rates per 10,000 children show them beside the area's, and
never counted in the area's own numbers (its trend, its iceberg, its rates).

The files follow the explore education statistics data-file layout (time_period, time_identifier,
geographic_level National / Regional / Local authority, country_code, country_name, region_code,
region_name, new_la_code, old_la_code, la_name, then filters and indicators), as the DfE's open data
standards publish it, with a published rate column where the release has one."""

from __future__ import annotations

import csv
import io

import pytest

from strategy.answers.io import FIGURES, MEASURES, import_figures, preview_figures
from strategy.answers.operations import add_rows, list_rows
from strategy.evidence import analysis as ev
from strategy.people.partnerships import create_partnership
from strategy.tabular.geography import comparator_parts, is_comparator
from strategy.tabular.reading import ImportOptions

COLUMNS = [
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
    "rate_per_10000_children",
]
#: (level, (region code, region), (new code, old code, la)), in the file's order.
AREAS = [
    ("National", ("", ""), ("", "", "")),
    ("Regional", ("E12000001", "North East"), ("", "", "")),
    ("Regional", ("E12000002", "North West"), ("", "", "")),
    ("Local authority", ("E12000001", "North East"), ("E06000001", "805", "Hartlepool")),
    ("Local authority", ("E12000001", "North East"), ("E06000005", "806", "Darlington")),
    ("Local authority", ("E12000002", "North West"), ("E08000003", "352", "Manchester")),
]
#: Children starting a child protection plan under sexual abuse, as published: (number, rate per 10,000).
SEXUAL_ABUSE = {
    "England": {"202223": ("2,380", "2.0"), "202324": ("2510", "2.1")},
    "North East": {"202223": ("140", "2.6"), "202324": ("151", "2.8")},
    "North West": {"202223": ("300", "1.9"), "202324": ("320", "2.0")},
    "Hartlepool": {"202223": ("31", "15.5"), "202324": ("18", "9.0")},
    "Darlington": {"202223": ("9", "4.0"), "202324": ("low", "x")},
    "Manchester": {"202223": ("40", "3.3"), "202324": ("44", "3.6")},
}


def ees_file(*, rates: bool = True, areas=AREAS) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(COLUMNS if rates else COLUMNS[:-1])
    for period in ("202223", "202324"):
        for level, (region_code, region), (new, old, la) in areas:
            name = la or region or "England"
            for category, (number, rate) in (("Sexual abuse", SEXUAL_ABUSE[name][period]), ("Neglect", ("4000", "33.0"))):
                row = [period, "Financial year", level, "E92000001", "England", region_code, region, new, old, la, category, number, rate]
                w.writerow(row if rates else row[:-1])
    return out.getvalue().encode("utf-8")


OPTIONS = ImportOptions(
    area="Hartlepool",
    mapping={"measure": "plans_sexual_abuse", "value": "number_of_children", "detail": "category_of_abuse"},
    filters={"category_of_abuse": ("Sexual abuse",)},
)


def _stored(engine, pid):
    return sorted((r.values["detail"], r.values["period"], r.values["value"]) for r in list_rows(engine, pid, MEASURES))


def test_the_nation_and_the_areas_region_are_kept_with_their_published_rates(engine, author):
    pid = create_partnership(engine, name="Hartlepool Safeguarding Children Partnership", nation="england", areas="Hartlepool").id
    preview = preview_figures(ees_file(), "cin_2024.csv", MEASURES, OPTIONS)
    assert preview.problems == []
    note = next(n for n in preview.notes if n.startswith("Beside Hartlepool's figures"))
    assert "England's and the North East region's" in note and "from the column 'rate_per_10000_children'" in note
    assert import_figures(engine, pid, ees_file(), "cin_2024.csv", prompt_id=MEASURES, author=author, options=OPTIONS) == 6
    england = "Sexual abuse, England (comparator: rate per 10,000 children)"
    north_east = "Sexual abuse, North East region (comparator: rate per 10,000 children)"
    # Hartlepool's numbers; England's and the North East's published rates; never the North West's or
    # another council's, even in the same region.
    assert _stored(engine, pid) == [
        ("Sexual abuse", "2022/23", "31"),
        ("Sexual abuse", "2023/24", "18"),
        (england, "2022/23", "2"),  # as the value is stored: 2.0 is 2
        (england, "2023/24", "2.1"),
        (north_east, "2022/23", "2.6"),
        (north_east, "2023/24", "2.8"),
    ]
    # The rates beside the area's own, worked out from its child population (20,000 children).
    add_rows(engine, pid, FIGURES, [{"indicator": "child_population", "period": "2023", "value": "20000"}], author=author)
    population = ev.child_population(list_rows(engine, pid, FIGURES))
    table = ev.rates_table(list_rows(engine, pid, MEASURES), population, "england")
    latest = table[table["Year"] == "2023/24"]
    assert list(latest["Number"]) == ["18", "18"] and list(latest["Per 10,000 children"]) == [9.0, 9.0]  # 18 / 20,000 x 10,000
    assert sorted(zip(latest["Comparator"], latest["Comparator per 10,000"], strict=True)) == [
        ("England", "2.1"),
        ("North East region", "2.8"),
    ]
    earlier = table[table["Year"] == "2022/23"]
    assert set(earlier["Per 10,000 children"]) == {15.5} and set(earlier["Number"]) == {"31"}


def test_importing_comparator_rows_leaves_the_areas_own_numbers_unchanged(engine, author):
    """The same Hartlepool figures imported from a file of its rows alone and from the whole published file:
    the trend, the estimate against children identified (the iceberg) and the rates are the same."""
    only = [a for a in AREAS if a[2][2] == "Hartlepool"]
    alone = create_partnership(engine, name="Hartlepool A", nation="england", areas="Hartlepool").id
    beside = create_partnership(engine, name="Hartlepool B", nation="england", areas="Hartlepool").id
    import_figures(engine, alone, ees_file(areas=only), "own.csv", prompt_id=MEASURES, author=author, options=OPTIONS)
    import_figures(engine, beside, ees_file(), "all.csv", prompt_id=MEASURES, author=author, options=OPTIONS)
    assert len(list_rows(engine, alone, MEASURES)) == 2 and len(list_rows(engine, beside, MEASURES)) == 6
    for pid in (alone, beside):
        add_rows(engine, pid, FIGURES, [{"indicator": "child_population", "period": "2023", "value": "20000"}], author=author)

    def numbers(pid):
        rows = list_rows(engine, pid, MEASURES)
        p = ev.prevalence(engine, pid)
        fig = ev.trend_figure(rows, "england")
        rates = ev.rates_table(rows, ev.child_population(list_rows(engine, pid, FIGURES)), "england")
        return (
            ev.trend_table(rows, "england").to_dict("records"),
            [(t.name, list(t.y)) for t in fig.data] if fig else None,
            (p.identified, p.identified_period, p.identified_how, p.estimate, p.ratio),
            ev.iceberg_table(p).to_dict("records"),
            sorted({(r["Measure"], r["Year"], r["Number"], r["Per 10,000 children"]) for r in rates.to_dict("records")}),
        )

    mine = numbers(alone)
    assert numbers(beside) == mine
    # and they are Hartlepool's: 18 children in 2023/24 (the sum of its detail rows), not 18 + 2.1 + 2.8
    trend, lines, identified, _, rates = mine
    assert trend == [{"Measure": trend[0]["Measure"], "2022/23": "31", "2023/24": "18"}]
    assert lines[0][1] == [31, 18]
    assert identified[0] == 18 and identified[1] == "2023/24"
    assert (trend[0]["Measure"], "2023/24", "18", 9.0) in rates


def test_without_a_rate_column_the_comparators_number_is_kept_and_its_rate_left_empty(engine, author):
    pid = create_partnership(engine, name="Hartlepool Safeguarding Children Partnership", nation="england", areas="Hartlepool").id
    data = ees_file(rates=False)
    preview = preview_figures(data, "cin.csv", MEASURES, OPTIONS)
    assert any(
        "numbers only: the file has no column of rates per 10,000 children, so their rates are left empty" in n for n in preview.notes
    )
    import_figures(engine, pid, data, "cin.csv", prompt_id=MEASURES, author=author, options=OPTIONS)
    add_rows(engine, pid, FIGURES, [{"indicator": "child_population", "period": "2023", "value": "20000"}], author=author)
    rows = list_rows(engine, pid, MEASURES)
    table = ev.rates_table(rows, ev.child_population(list_rows(engine, pid, FIGURES)), "england")
    latest = table[table["Year"] == "2023/24"]
    assert sorted(zip(latest["Comparator"], latest["Comparator per 10,000"], strict=True)) == [
        ("England (2,510; no published rate)", ""),
        ("North East region (151; no published rate)", ""),
    ]
    assert set(latest["Per 10,000 children"]) == {9.0}  # Hartlepool's own, unchanged


def test_choosing_the_nation_itself_keeps_no_comparator(engine, author):
    options = ImportOptions(area="England", mapping=OPTIONS.mapping, filters=OPTIONS.filters)
    preview = preview_figures(ees_file(), "cin.csv", MEASURES, options)
    assert [(r["detail"], r["period"], r["value"]) for r in preview.rows] == [
        ("Sexual abuse", "2022/23", "2380"),
        ("Sexual abuse", "2023/24", "2510"),
    ]
    assert not any("comparator" in n for n in preview.notes)


def test_a_region_chosen_keeps_the_nation_beside_it():
    options = ImportOptions(area="North East", mapping=OPTIONS.mapping, filters=OPTIONS.filters)
    preview = preview_figures(ees_file(), "cin.csv", MEASURES, options)
    assert [(r["detail"], r["period"], r["value"]) for r in preview.rows] == [
        ("Sexual abuse", "2022/23", "140"),
        ("Sexual abuse", "2023/24", "151"),
        ("Sexual abuse, England (comparator: rate per 10,000 children)", "2022/23", "2"),
        ("Sexual abuse, England (comparator: rate per 10,000 children)", "2023/24", "2.1"),
    ]


@pytest.mark.parametrize(
    "detail, comparator",
    [
        ("England", True),
        ("Wales average", True),
        ("Region: North East", True),
        ("Sexual abuse, England (comparator: rate per 10,000 children)", True),
        ("North Wales Police", False),  # a Welsh force is the area's own figure
        ("South Wales Police", False),
        ("Aged 0 to 17", False),
        ("", False),
    ],
)
def test_what_counts_as_a_comparator(detail, comparator):
    assert is_comparator(detail) is comparator


def test_a_comparator_recorded_by_hand_is_never_counted_in_the_areas_own_numbers(engine, author):
    pid = create_partnership(engine, name="Wrexham Board", nation="wales", areas="Wrexham").id
    rows = [
        {"measure": "plans_sexual_abuse", "detail": "Boys", "period": "2023/24", "value": "7"},
        {"measure": "plans_sexual_abuse", "detail": "Girls", "period": "2023/24", "value": "12"},
        {"measure": "plans_sexual_abuse", "detail": "Wales", "period": "2023/24", "value": "4.4"},
    ]
    add_rows(engine, pid, MEASURES, rows, author=author)
    stored = list_rows(engine, pid, MEASURES)
    assert ev.trend_table(stored, "wales").iloc[0]["2023/24"] == "19"  # 7 + 12, not 7 + 12 + 4.4
    assert comparator_parts("Wales") == ("Wales", True)


def test_a_comparator_cannot_become_the_areas_baseline(engine, author):
    from strategy.chain.links import baseline_from_figure, recorded_figures
    from strategy.core.errors import InvalidInput
    from strategy.plan import operations as P

    pid = create_partnership(engine, name="Hartlepool Safeguarding Children Partnership", nation="england", areas="Hartlepool").id
    import_figures(engine, pid, ees_file(), "cin.csv", prompt_id=MEASURES, author=author, options=OPTIONS)
    aim = P.add_aim(engine, pid, title="Children are identified sooner", author=author)
    outcome = P.add_outcome(engine, pid, aim_id=aim.id, title="More children are identified", author=author)
    measure = P.add_measure(engine, pid, outcome_id=outcome.id, indicator="Children on a plan under sexual abuse", author=author)
    figures = recorded_figures(engine, pid)
    england = next(f for f in figures if f.is_comparator and "England" in f.what and f.period == "2023/24")
    with pytest.raises(InvalidInput, match="is a comparator .* not the area's own"):
        baseline_from_figure(engine, pid, measure_id=measure.id, figure_id=england.item_id, author=author)
    assert P.load_plan(engine, pid).all_measures()[0].baseline_value == ""
    own = next(f for f in figures if not f.is_comparator and f.period == "2023/24")
    baseline_from_figure(engine, pid, measure_id=measure.id, figure_id=own.item_id, author=author)
    assert P.load_plan(engine, pid).all_measures()[0].baseline_value == "18 (2023/24)"
