"""Reading numbers, published statistics, years and dates as people and spreadsheets write them.

Each parser returns the stored form or raises InvalidInput with a message that says what to type
instead. Used by the pages, the imports and the tests alike."""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from strategy.core.errors import InvalidInput

#: Codes published statistics use instead of a number (the GSS/ONS symbols, explore education
#: statistics, StatsWales and the Home Office): kept as written, never counted as zero.
STATISTIC_CODES = {
    "c": "suppressed",
    "z": "not applicable",
    ":": "not available",
    "x": "not available",
    "k": "fewer than 0.5, rounded to 0",
    "u": "low reliability",
    "low": "a small number, rounded to 0",
    "*": "suppressed",
    ".": "not applicable",
    "..": "not available",
    "-": "not available",
    "[c]": "suppressed",
    "[z]": "not applicable",
    "[x]": "not available",
    "[k]": "fewer than 0.5, rounded to 0",
    "[u]": "low reliability",
    "[low]": "a small number, rounded to 0",
}
YEARS = (1990, 2100)
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")


def parse_number(value, *, what: str = "This value", minimum: float | None = None, maximum: float | None = None) -> int | float | None:
    """A number from a cell: 1234, "1,234", "12.5". Empty gives None. Commas as decimal points,
    NaN, infinity and numbers outside the limits are refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InvalidInput(f"{what} should be a number, not yes/no.")
    if isinstance(value, (int, float)):
        number = value
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        elif re.match(r"^-?\d+,\d+$", text):
            raise InvalidInput(
                f"{what} is written '{value}'. Use a point for decimals (for example 1.5), "
                "or leave out the comma if it separates thousands."
            )
        if not _PLAIN.match(text):
            raise InvalidInput(f"{what} should be a number, but it is '{value}'.")
        number = float(text)
    if isinstance(number, float) and (math.isnan(number) or math.isinf(number)):
        raise InvalidInput(f"{what} should be a number, but it is '{value}'.")
    if minimum is not None and number < minimum:
        raise InvalidInput(f"{what} is {_show(number)}; it cannot be less than {_show(minimum)}.")
    if maximum is not None and number > maximum:
        raise InvalidInput(f"{what} is {_show(number)}; it cannot be more than {_show(maximum)}.")
    return int(number) if float(number).is_integer() else float(number)


def _show(number) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def parse_statistic(value, *, what: str = "This figure") -> str | None:
    """A published figure: a count or rate (not negative), or a code such as c (suppressed),
    z (not applicable) or : (not available). Stored as text so a code is never read as zero."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip().lower() in STATISTIC_CODES:
        return value.strip().lower()
    try:
        number = parse_number(value, what=what, minimum=0)
    except InvalidInput as exc:
        raise InvalidInput(
            exc.message + " Published codes are allowed: c (suppressed), z (not applicable), : (not available), and the "
            "others as published (x, k, u, low, *, ., .., [c]...)."
        ) from None
    return _show(number)


def statistic_value(stored: str | None) -> float | None:
    """The number in a stored figure, or None for a code or a blank (never zero)."""
    if stored is None or stored in STATISTIC_CODES or stored == "":
        return None
    return float(stored)


#: explore education statistics' time identifiers (the ``time_identifier`` column) that make a
#: six-digit ``time_period`` such as 202324 one year running over two.
SPANNING_IDENTIFIERS = ("financial year", "academic year", "tax year")
#: ... and those whose ``time_period`` is a single year.
SINGLE_IDENTIFIERS = ("calendar year", "reporting year")


def parse_period(value, *, what: str = "The year", identifier: str = "") -> str | None:
    """A year (2024) or a financial or academic year (2023/24, also written 2023-24, 2023/2024,
    as explore education statistics do, 202324, or as the ONS do, "Year ending March 2024" and
    "Mid-2024"). ``identifier`` is an explore education statistics ``time_identifier`` (Financial
    year, Academic year, Calendar year, Reporting year...). Stored as 2024 or 2023/24."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"\s+", " ", str(value).strip())
    kind = re.sub(r"\s+", " ", str(identifier or "").strip().casefold())
    ending = re.fullmatch(r"(?:year ending|ye|year to|12 months ending)\s+(march|mar)\s+(\d{4}|\d{2})", text, re.I)
    if ending:
        last = int(ending.group(2)) + (2000 if len(ending.group(2)) == 2 else 0)
        text = f"{last - 1}/{last % 100:02d}"
    mid = re.fullmatch(r"mid[- ]?(\d{4})", text, re.I)
    if mid:
        text = mid.group(1)
    ees = re.fullmatch(r"(\d{4})(\d{2})", text)
    if ees:
        first, second = int(ees.group(1)), int(ees.group(2))
        if kind in SINGLE_IDENTIFIERS:
            raise InvalidInput(f"{what} '{value}' is a {identifier} but written as two years. Check the time_period.")
        if kind and kind not in SPANNING_IDENTIFIERS and "year" not in kind:
            raise InvalidInput(
                f"{what} '{value}' is for a {identifier}, not a whole year. Keep only the rows for whole years "
                "(filter the time_identifier column)."
            )
        if (first + 1) % 100 != second:
            raise InvalidInput(f"{what} '{value}' should run over two years in a row, such as {first}{(first + 1) % 100:02d}.")
        text = f"{first}/{second:02d}"
    elif kind and kind not in SPANNING_IDENTIFIERS and kind not in SINGLE_IDENTIFIERS and "year" not in kind:
        raise InvalidInput(
            f"{what} '{value}' is for a {identifier}, not a whole year. Keep only the rows for whole years "
            "(filter the time_identifier column)."
        )
    single = re.fullmatch(r"(\d{4})", text)
    double = re.fullmatch(r"(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})", text)
    if single:
        year = int(single.group(1))
        _check_year(year, what, value)
        return str(year)
    if double:
        first = int(double.group(1))
        second_text = double.group(2)
        if len(second_text) == 4:
            follows = int(second_text) == first + 1
        else:  # 1999/00 and 2023/24 alike
            follows = (first + 1) % 100 == int(second_text)
        if not follows:
            raise InvalidInput(f"{what} '{value}' should run over two years in a row, such as {first}/{str(first + 1)[2:]}.")
        _check_year(first, what, value)
        return f"{first}/{(first + 1) % 100:02d}"
    raise InvalidInput(f"{what} '{value}' is not a year. Write a year such as 2024, or a financial year such as 2023/24.")


def _check_year(year: int, what: str, value) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        raise InvalidInput(f"{what} '{value}' is outside {YEARS[0]} to {YEARS[1]}. Check the year.")


def period_sort_key(period: str | None) -> int:
    """2023/24 sorts with 2023; blanks last."""
    return int(period[:4]) if period else 10_000


def parse_date(value, *, what: str = "The date") -> str | None:
    """A day: 31/03/2025 (day first, as in the UK), 2025-03-31, or a date from a spreadsheet.
    Stored as ISO (2025-03-31)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", text)
        uk = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})", text)
        if iso:
            y, m, d = (int(x) for x in iso.groups())
        elif uk:
            d_text, m_text, y_text = uk.groups()
            if len(y_text) != 4:
                raise InvalidInput(f"{what} '{value}' has a two-digit year. Write the year in full, such as 31/03/2025.")
            d, m, y = int(d_text), int(m_text), int(y_text)
        else:
            raise InvalidInput(f"{what} '{value}' is not a date. Write it day first, such as 31/03/2025.")
        try:
            day = date(y, m, d)
        except ValueError:
            raise InvalidInput(f"{what} '{value}' is not a real date (check the day and month; the day comes first).") from None
    _check_year(day.year, what, value)
    return day.isoformat()


def uk_day(iso: str | None) -> str:
    """2025-03-31 -> 31/03/2025."""
    if not iso:
        return ""
    return date.fromisoformat(iso).strftime("%d/%m/%Y")
