"""Numbers, published statistics, years and dates as people and spreadsheets write them."""

from datetime import date

import pytest
from strategy.core.errors import InvalidInput
from strategy.core.values import (
    parse_date,
    parse_number,
    parse_period,
    parse_statistic,
    period_sort_key,
    statistic_value,
    uk_day,
)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("1234", "1234"),
        ("1,234", "1234"),
        ("12,345,678", "12345678"),
        (" 12.5 ", "12.5"),
        (1234, "1234"),
        (12.0, "12"),
        ("c", "c"),
        ("C", "c"),
        (":", ":"),
        ("z", "z"),
        ("[x]", "[x]"),
        ("0", "0"),
        ("", None),
        (None, None),
    ],
)
def test_statistics_are_stored_as_published(typed, stored):
    assert parse_statistic(typed) == stored


@pytest.mark.parametrize(
    "typed, says",
    [
        ("-3", "cannot be less than 0"),
        ("1,5", "Use a point for decimals"),
        ("NaN", "should be a number"),
        ("inf", "should be a number"),
        ("twelve", "should be a number"),
        ("12%", "should be a number"),
    ],
)
def test_bad_statistics_are_refused_with_what_to_type(typed, says):
    with pytest.raises(InvalidInput) as err:
        parse_statistic(typed)
    assert says in err.value.message
    assert "c (suppressed)" in err.value.message


def test_codes_are_never_counted_as_zero():
    assert statistic_value("c") is None
    assert statistic_value(":") is None
    assert statistic_value("0") == 0.0
    assert statistic_value("1234") == 1234.0


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("2024", "2024"),
        (2024, "2024"),
        (2024.0, "2024"),
        ("2023/24", "2023/24"),
        ("2023-24", "2023/24"),
        ("2023/2024", "2023/24"),
        ("1999/00", "1999/00"),
        ("", None),
    ],
)
def test_years_and_financial_years(typed, stored):
    assert parse_period(typed) == stored


@pytest.mark.parametrize(
    "typed, says",
    [
        ("2023/25", "two years in a row"),
        ("Q3 2026", "not a year"),
        ("1900", "outside 1990 to 2100"),
        ("2101", "outside"),
        ("March 2015", "not a year"),
    ],
)
def test_bad_years_are_refused(typed, says):
    with pytest.raises(InvalidInput) as err:
        parse_period(typed)
    assert says in err.value.message


def test_periods_sort_by_their_first_year():
    assert sorted(["2023/24", "2019/20", "2021", None], key=period_sort_key) == ["2019/20", "2021", "2023/24", None]


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("31/03/2025", "2025-03-31"),
        ("1/4/2025", "2025-04-01"),
        ("2025-03-31", "2025-03-31"),
        (date(2025, 3, 31), "2025-03-31"),
        ("31.03.2025", "2025-03-31"),
        ("", None),
    ],
)
def test_dates_are_read_day_first_and_stored_iso(typed, stored):
    assert parse_date(typed) == stored


@pytest.mark.parametrize(
    "typed, says",
    [
        ("31/02/2026", "not a real date"),
        ("2026-13-01", "not a real date"),
        ("00/00/0000", "not a real date"),
        ("1/2/26", "two-digit year"),
        ("01/01/1900", "outside"),
        ("By 31 October 2023", "not a date"),
    ],
)
def test_bad_dates_are_refused(typed, says):
    with pytest.raises(InvalidInput) as err:
        parse_date(typed)
    assert says in err.value.message


def test_uk_day_shows_day_first():
    assert uk_day("2025-03-31") == "31/03/2025"
    assert uk_day(None) == ""


@pytest.mark.parametrize(
    "typed, limits, says",
    [
        ("6", {"minimum": 1, "maximum": 5}, "cannot be more than 5"),
        ("0", {"minimum": 1, "maximum": 5}, "cannot be less than 1"),
        (True, {}, "not yes/no"),
    ],
)
def test_numbers_outside_their_limits_are_refused(typed, limits, says):
    with pytest.raises(InvalidInput) as err:
        parse_number(typed, **limits)
    assert says in err.value.message
