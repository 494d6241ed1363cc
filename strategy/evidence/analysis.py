"""The evidence picture of Guide §4-6: who lives here, how many children are identified against how
many are likely to be sexually abused (the "tip of the iceberg", §5.1), the support matrix (§5.2),
training attendance and the staff survey (§6.1).

Pure analysis: every function takes stored rows and answers and returns dataclasses, pandas
DataFrames or plotly figures. The pages and the Word draft only display them. Published codes
(c, z, :) are never read as zero: a period whose figure is a code is shown as written and left out
of sums and charts (a gap in a line, never a dip to zero).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy.engine import Engine

from strategy.answers.operations import Row, all_rows, get_answers
from strategy.core import palette
from strategy.core.interface import ui_text
from strategy.core.phrases import Both, in_language, phrase
from strategy.core.text import chart_escape, clean_text, name_key
from strategy.core.values import STATISTIC_CODES, period_sort_key, statistic_value
from strategy.guide.content import content
from strategy.people.partnerships import get_partnership
from strategy.tabular.geography import comparator_parts, is_comparator

# --- Rules and constants, in one place ---------------------------------------------------------

#: The national rate the workbook assumes when the partnership has not chosen one: per cent of
#: children sexually abused in a year. The guide's figure is an estimated 500,000 children a year in
#: England and Wales (Karsna and Kelly, 2021); set against roughly 12.5 million children under 18
#: living there, that is about 4 in every 100 children a year.
DEFAULT_RATE_PERCENT = 4.0
DEFAULT_RATE_SOURCE = (
    "Workbook default: an estimated 500,000 children are sexually abused each year in England and "
    "Wales (Karsna and Kelly, 2021). Set against roughly 12.5 million children under 18 living there, "
    "that is about 4 in every 100 children a year. This is an assumption made by the workbook; "
    "replace it with the rate your partnership chooses to use."
)
#: The rate's source when the partnership gave its own rate but not where it came from.
RATE_ENTERED = "the rate the partnership entered (no source given yet)"

#: Which identification measure the headline "for every child identified" uses, in order of
#: preference. Assessments that identified sexual abuse are the widest count of children that
#: children's services publish; plans are a narrower count; referral-centre attendances follow.
#: Police figures count offences, not children, so they are never the headline.
HEADLINE_MEASURES = ("assessments_sexual_abuse", "plans_sexual_abuse", "sarc_children")

#: Support waits longer than this many weeks are listed as a gap. 18 weeks is the NHS's
#: referral-to-treatment standard in England, used here as a plain yardstick.
LONG_WAIT_WEEKS = 18

#: Training attendance below this share of the staff who should attend is flagged.
ATTENDANCE_FLAG_PERCENT = 50

#: The staff survey reads as "confident" when the mean confidence is at least this (of 5) ...
CONFIDENT_MEAN = 3.5
#: ... or at least this per cent of people answered 4 or 5.
CONFIDENT_SHARE_PERCENT = 60

SURVEY_MEASURES = {
    "confidence": "Confidence identifying and responding",
    "knowledge": "Knowledge of signs and indicators",
    "skills": "Skills in responding",
    "talking": "Confidence talking with children",
}

#: Colours that stay distinct for the common kinds of colour blindness (Okabe and Ito), and a
#: single-hue blue scale for the support matrix, darkest where nothing exists.
IDENTIFIED_COLOUR = palette.AMBER
HIDDEN_COLOUR = palette.BLUE
FLAG_COLOUR = palette.VERMILION
OK_COLOUR = palette.BLUE
AVAILABILITY_ORDER = ("available", "unknown", "partly", "none")
AVAILABILITY_COLOURS = ("#eff3ff", "#bdd7e7", "#6baed6", "#08306b")

CODES_FOOTNOTE = (
    "Figures are shown as published. c means the figure was suppressed to protect confidentiality, "
    "z means it does not apply, and : (or x, or ..) means it is not available. These codes are never "
    "counted as zero: a year with a code is left out of sums and shows as a gap in the charts."
)

PREVALENCE_PROMPTS = ("response.prevalence_rate", "response.prevalence_source", "response.prevalence_population")


def _value(answers: Mapping, prompt_id: str) -> str:
    """An answer's stored text from a mapping of prompt id to Answer (or to text)."""
    a = answers.get(prompt_id)
    if a is None:
        return ""
    return str(getattr(a, "value", a) or "")


def _number(text) -> float | None:
    try:
        number = float(text)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def whole(number: float) -> str:
    """1234.0 -> '1,234'; 12.5 -> '12.5'."""
    if float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,.1f}"


def about(number: float) -> str:
    """A rough number rounded to what it can honestly claim: 2,528 -> '2,500'."""
    if number >= 10_000:
        step = 1_000
    elif number >= 1_000:
        step = 100
    elif number >= 100:
        step = 10
    else:
        step = 1
    return f"{int(round(number / step) * step):,}"


def _code_words(stored: str) -> str:
    return f"{stored} ({STATISTIC_CODES[stored]})" if stored in STATISTIC_CODES else stored


# --- Totals for a period: a total row, else the sum of its parts --------------------------------


@dataclass(frozen=True)
class Total:
    """One measure's figure for one period."""

    value: float | None  # None: no usable number (a code, or a part that is a code)
    text: str  # as written for a table: "2,310", "c", "incomplete (c)"
    how: str  # in words


def _period_total(rows: list[Row]) -> Total:
    """The row with no detail, if it has a number; otherwise the sum of the detail rows, but only
    when every one of them has a number (a code in a part would be counted as zero)."""
    totals = [r for r in rows if not (r.values.get("detail") or "").strip() and r.values.get("value")]
    parts = [r for r in rows if (r.values.get("detail") or "").strip()]
    for r in totals:
        number = statistic_value(r.values.get("value"))
        if number is not None:
            return Total(number, whole(number), "the total as written")
    if parts and not totals:  # a total published as a code is not replaced by parts that may not add up to it
        numbers = [statistic_value(r.values.get("value")) for r in parts]
        codes = [str(r.values.get("value")) for r, n in zip(parts, numbers, strict=True) if n is None and r.values.get("value")]
        if len(parts) == 1 and numbers[0] is not None:
            return Total(numbers[0], whole(numbers[0]), f"as written ({_detail(parts[0])})")
        known = [n for n in numbers if n is not None]
        if len(known) == len(numbers):
            total = sum(known)
            return Total(
                total, whole(total), f"the sum of {len(parts)} row{'s' if len(parts) > 1 else ''} ({', '.join(_detail(r) for r in parts)})"
            )
        if len(parts) == 1 and codes:
            return Total(None, codes[0], f"published as {_code_words(codes[0])}")
        if codes:
            return Total(
                None,
                f"incomplete ({', '.join(sorted(set(codes)))})",
                "not summed, because part of it is " + ", ".join(sorted({_code_words(c) for c in codes})),
            )
    written = [str(r.values.get("value")) for r in totals if r.values.get("value")]
    if written:
        return Total(None, written[0], f"published as {_code_words(written[0])}")
    return Total(None, "", "no figure")


def _detail(row: Row) -> str:
    return clean_text(row.values.get("detail") or "").strip()


def _by_period(rows: list[Row]) -> dict[str | None, list[Row]]:
    out: dict[str | None, list[Row]] = {}
    for r in rows:
        out.setdefault(r.values.get("period") or None, []).append(r)
    return out


def _latest_first(periods) -> list:
    """Periods newest first; rows with no year come after every dated one."""
    dated = sorted((p for p in periods if p), key=lambda p: (period_sort_key(p), len(p)), reverse=True)
    return dated + ([None] if None in periods else [])


# --- Who lives here (§4.3) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Population:
    value: float
    period: str | None
    how: str

    def __iter__(self):  # unpacks as (value, period, how)
        return iter((self.value, self.period, self.how))


def child_population(rows: list[Row]) -> Population | None:
    """The child population from the Context figures: the latest year's total row (no detail);
    else the sum of that year's age bands. A year whose figure is a code, or whose bands include a
    code, gives no number and an earlier year is used instead (and ``how`` says so)."""
    mine = [r for r in rows if r.values.get("indicator") == "child_population" and not is_comparator(r.values.get("detail"))]
    skipped = []
    for period in _latest_first(_by_period(mine)):
        total = _period_total(_by_period(mine)[period])
        when = period or "year not given"
        if total.value is None:
            skipped.append(f"{when}: {total.how}")
            continue
        how = (
            f"the total for {when} in Context" if total.how == "the total as written" else f"{total.how} for {when}, as no total was given"
        )
        if skipped:
            how += "; a later year was not used: " + "; ".join(skipped)
        return Population(total.value, period, how)
    return None


# --- Identification (§5.1) ---------------------------------------------------------------------


def _measure_labels(nation: str | None) -> dict[str, str]:
    return {o.id: o.label for o in content().list_options("identification_measures", nation)}


def _series(rows: list[Row], nation: str | None) -> dict[str, tuple[str, list[Row]]]:
    """The area's own rows grouped into series: one per measure; "other" measures one per detail (what
    it is). A comparator's row (the nation's or the region's, ``is_comparator``) is never in a series, so
    never counted in the area's totals, its trend or its estimate."""
    labels = _measure_labels(nation)
    out: dict[str, tuple[str, list[Row]]] = {}
    for r in rows:
        measure = r.values.get("measure")
        if not measure or is_comparator(r.values.get("detail")):
            continue
        if measure == "other":
            what = _detail(r) or "Other measure"
            key = "other|" + name_key(what)
            out.setdefault(key, (what, []))[1].append(r)
        else:
            out.setdefault(measure, (labels.get(measure, measure), []))[1].append(r)
    order = list(labels)
    return dict(
        sorted(out.items(), key=lambda kv: (order.index(kv[0].split("|")[0]) if kv[0].split("|")[0] in order else len(order), kv[1][0]))
    )


def _periods(series: dict[str, tuple[str, list[Row]]]) -> list[str]:
    """The years the series have figures for, oldest first."""
    found: set[str] = {p for _, rs in series.values() for r in rs if (p := r.values.get("period"))}
    return sorted(found, key=lambda p: (period_sort_key(p), len(p)))


def trend_table(rows: list[Row], nation: str | None = None) -> pd.DataFrame:
    """Measures down, years across (oldest first), figures as written: codes stay codes."""
    series = _series(rows, nation)
    periods = _periods(series)
    data = []
    for label, rs in series.values():
        grouped = _by_period(rs)
        data.append({"Measure": label, **{p: _period_total(grouped[p]).text if p in grouped else "" for p in periods}})
    return pd.DataFrame(data, columns=["Measure", *periods])


#: Rates are given per this many children (Guide §5.1: figures per 10,000 children compare areas of any size).
RATE_BASE = 10_000


def rates_table(rows: list[Row], population: Population | None, nation: str | None = None) -> pd.DataFrame:
    """Each identification measure per 10,000 children, by year, from the child population in use;
    beside it any comparator rows for the same measure and year (``is_comparator``: the nation's or the
    region's, recorded by a person as a published rate per 10,000, or kept by the import of an official
    file). A comparator the file gave only as a number shows its number and no rate: the workbook does not
    divide it by a population it does not have. A code is never a rate: the cell is left empty and the
    code shown. Empty when there is no child population."""
    columns = ["Measure", "Year", "Number", "Per 10,000 children", "Comparator", "Comparator per 10,000"]
    if population is None or population.value <= 0:
        return pd.DataFrame(columns=columns)
    comparators: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for r in rows:
        if is_comparator(r.values.get("detail")):
            key = (str(r.values.get("measure") or ""), str(r.values.get("period") or ""))
            area, is_rate = comparator_parts(_detail(r))
            value = str(r.values.get("value") or "")
            if is_rate:
                comparators.setdefault(key, []).append((area, value))
            else:
                shown = whole(number) if (number := statistic_value(value)) is not None else value
                comparators.setdefault(key, []).append((f"{area} ({shown}; no published rate)", ""))
    data = []
    for measure, (label, rs) in _series(rows, nation).items():
        grouped = _by_period(rs)
        for period in _latest_first(grouped):
            total = _period_total(grouped[period])
            rate = None if total.value is None else round(total.value / population.value * RATE_BASE, 1)
            found = comparators.get((measure, period or ""), []) or [("", "")]
            for where, value in found:
                data.append(
                    {
                        "Measure": label,
                        "Year": period or "year not given",
                        "Number": total.text,
                        "Per 10,000 children": rate,
                        "Comparator": where,
                        "Comparator per 10,000": value,
                    }
                )
    return pd.DataFrame(data, columns=columns)


def trend_figure(rows: list[Row], nation: str | None = None) -> go.Figure | None:
    """One line per measure over the years, oldest first; a code is a gap in the line."""
    series = _series(rows, nation)
    periods = _periods(series)
    if not periods:
        return None
    fig = go.Figure()
    colours = palette.SERIES
    dashes = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid")
    for i, (label, rs) in enumerate(series.values()):
        grouped = _by_period(rs)
        totals = [_period_total(grouped[p]) if p in grouped else Total(None, "", "no figure") for p in periods]
        fig.add_trace(
            go.Scatter(
                x=periods,
                y=[t.value for t in totals],
                name=chart_escape(label),
                mode="lines+markers",
                connectgaps=False,
                line={"color": colours[i % len(colours)], "dash": dashes[i % len(dashes)], "width": 3},
                marker={"size": 9, "symbol": i % 10},
                customdata=[chart_escape(t.text or "no figure") for t in totals],
                hovertemplate="%{x}: %{customdata}<extra>" + chart_escape(label)[:60] + "</extra>",
            )
        )
    fig.update_layout(
        title="Children and offences identified, by year",
        xaxis={"title": "Year", "type": "category", "categoryorder": "array", "categoryarray": periods},
        yaxis={"title": "Number", "rangemode": "tozero"},
        legend={"orientation": "h", "yanchor": "top", "y": -0.25},
        margin={"b": 160},
        template="plotly_white",
    )
    return fig


@dataclass(frozen=True)
class Prevalence:
    """The local estimate against the children identified (Guide §5.1)."""

    rate: float
    rate_is_default: bool
    rate_source: str
    population: float | None
    population_how: str
    estimate: float | None
    measure: str | None
    measure_label: str
    identified: float | None
    identified_period: str | None
    identified_how: str
    ratio: float | None  # estimate / identified
    sentence: str  # the quotable sentence, or what is missing
    method: str
    missing: list[str] = field(default_factory=list)
    #: The same, as (phrase key, values) for the documents' Welsh (data/language/documents.yaml).
    missing_keys: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    #: The year of the child population found in Context (None when it was entered, or has no year).
    population_period: str | None = None

    @property
    def complete(self) -> bool:
        return not self.missing and self.ratio is not None

    @property
    def more_per_identified(self) -> float | None:
        return None if self.ratio is None else self.ratio - 1

    @property
    def workings(self) -> list[str]:
        """What went into the estimate, one line each, for the page and the Word draft."""
        lines = [f"Rate used: {whole(self.rate)}% of children a year. Source: {self.rate_source.rstrip('.')}."]
        if self.population is not None:
            lines.append(f"Child population used: {whole(self.population)}, {self.population_how}.")
        if self.estimate is not None:
            lines.append(f"Estimated children sexually abused in a year: about {about(self.estimate)}.")
        if self.identified is not None:
            lines.append(f"Children identified: {whole(self.identified)} ({self.identified_how}).")
        return lines


def method_text(rate: float) -> str:
    return (
        f"How this is worked out: a national estimate of how many children are sexually abused in a year "
        f"({whole(rate)} in every 100 children) is applied to the number of children living in the area. "
        "This is the approach the guide describes for the CSA Centre's Data "
        "Insights Hub (Guide §5.1). It assumes children here are as likely to be sexually abused as children "
        "anywhere in England and Wales; local circumstances may make the real number higher or lower. The "
        "figures identified come from the partnership's own records and published statistics."
    )


def unidentified_sentence(ratio: float) -> str:
    """ "For every child identified, about N more are not." with N rounded sensibly."""
    more = ratio - 1
    if more < 0.5:
        return (
            "About as many children are identified as the estimate suggests are sexually abused. Check the "
            "figures and the rate: official figures are expected to be well below the true level (Guide §5.1)."
        )
    n = round(more) if more < 100 else int(round(more / 10) * 10)
    return f"For every child identified, about {n:,} more {'is' if n == 1 else 'are'} not."


def prevalence_from(answers: Mapping, rows: Mapping[str, list[Row]], nation: str | None = None) -> Prevalence:
    """The estimate from answers (prompt id -> Answer or text) and rows (prompt id -> rows)."""
    missing: list[str] = []
    keys: list[tuple[str, dict[str, str]]] = []
    rate = _number(_value(answers, "response.prevalence_rate"))
    rate_is_default = rate is None
    if rate is None:
        rate = DEFAULT_RATE_PERCENT
    elif rate <= 0:
        missing.append("a national rate above zero: the rate entered under Identification is 0")
        keys.append(("evidence.missing.rate_zero", {}))
    source = clean_text(_value(answers, "response.prevalence_source")).strip()
    if not source:
        source = DEFAULT_RATE_SOURCE if rate_is_default else RATE_ENTERED

    population = _number(_value(answers, "response.prevalence_population"))
    population_period: str | None = None
    if population is not None and population > 0:
        population_how = "the child population entered under Identification"
    else:
        found = child_population(rows.get("context.figures", []))
        population, population_how = (found.value, found.how) if found else (None, "")
        population_period = found.period if found else None
        if population is None:
            missing.append(
                "the child population: add the total number of children (under 18) in Context, "
                "'Who lives here' (Guide §4.3), or enter the population to use under Identification"
            )
            keys.append(("evidence.missing.population", {}))
        elif population <= 0:
            missing.append("a child population above zero")
            keys.append(("evidence.missing.population_zero", {}))
            population = None

    estimate = population * rate / 100 if population and rate > 0 else None

    series = _series(rows.get("response.identification_figures", []), nation)
    measure = period = None
    identified = None
    identified_how = ""
    label = ""
    for candidate in HEADLINE_MEASURES:
        if candidate not in series:
            continue
        label, rs = series[candidate]
        grouped = _by_period(rs)
        for p in _latest_first(grouped):
            total = _period_total(grouped[p])
            if total.value is not None:
                measure, period, identified = candidate, p, total.value
                identified_how = f"{label}, {p or 'year not given'}"
                if total.how.startswith("the sum"):
                    identified_how += f": {total.how}"
                break
        if measure:
            break
    if measure is None:
        labels = _measure_labels(nation)
        missing.append(
            "a yearly figure for children identified: add "
            f"'{labels['assessments_sexual_abuse']}' or '{labels['plans_sexual_abuse']}' under "
            "Current response, 'Identification' (Guide §5.1)"
        )
        keys.append(("evidence.missing.identified", {"first": labels["assessments_sexual_abuse"], "second": labels["plans_sexual_abuse"]}))

    ratio = None
    if estimate is not None and identified is not None:
        if identified > 0:
            ratio = estimate / identified
        else:
            missing.append(
                f"a figure above zero for '{label}' ({period or 'year not given'}): with none identified the comparison cannot be made"
            )
            keys.append(("evidence.missing.identified_zero", {"measure": label, "period": period or ""}))
    if missing or ratio is None:
        sentence = "The estimate cannot be worked out yet. Still needed: " + "; ".join(missing) + "."
    else:
        sentence = unidentified_sentence(ratio)
    return Prevalence(
        rate=rate,
        rate_is_default=rate_is_default,
        rate_source=source,
        population=population,
        population_how=population_how,
        estimate=estimate,
        measure=measure,
        measure_label=label,
        identified=identified,
        identified_period=period,
        identified_how=identified_how,
        ratio=ratio,
        sentence=sentence,
        method=method_text(rate),
        missing=missing,
        missing_keys=keys,
        population_period=population_period,
    )


def _nation(engine: Engine, partnership_id: int) -> str:

    return get_partnership(engine, partnership_id).nation


def prevalence(engine: Engine, partnership_id: int) -> Prevalence:
    """The local estimate for a partnership, from what it has written."""
    return prevalence_from(get_answers(engine, partnership_id), all_rows(engine, partnership_id), _nation(engine, partnership_id))


# --- The estimate's sentences in the screen's or document's language --------------------------------
# English: exactly as Prevalence words it. Welsh: the documents' phrases (data/language/documents.yaml,
# the same Welsh as section 4 of a Welsh draft), the screen's own in data/language/interface_sentences.yaml.
# What the partnership typed (a rate's source) is shown as typed.


def unidentified_both(ratio: float, overrides: Mapping[str, str] | None = None) -> Both:
    """``unidentified_sentence`` in English and in Welsh (rounded the same way), for the screens and the
    documents; ``overrides``: the partnership's corrections of the Welsh."""
    more = ratio - 1
    if more < 0.5:
        return _both("evidence.unidentified_as_many", overrides)
    n = round(more) if more < 100 else int(round(more / 10) * 10)
    return _both("evidence.unidentified_one" if n == 1 else "evidence.unidentified_many", overrides, n=f"{n:,}")


def unidentified_words(ratio: float, language: str = "en") -> str:
    """``unidentified_sentence`` in ``language``."""
    return unidentified_sentence(ratio) if language == "en" else in_language(unidentified_both(ratio), language)


def _year(period: str | None, language: str) -> str:
    return period or phrase("evidence.year_not_given", language)


def _measure_name(measure_id: str | None, english: str, nation: str | None, language: str) -> str:
    return content().list_label("identification_measures", measure_id, nation, language) if measure_id else english


def prevalence_sentence(p: Prevalence, language: str = "en", nation: str | None = None) -> str:
    """The quotable sentence (or what is still missing) in ``language``."""
    if language == "en":
        return p.sentence
    if p.complete and p.ratio is not None:
        return unidentified_words(p.ratio, language)
    missing = []
    for key, values in p.missing_keys:
        if key == "evidence.missing.identified":
            values = {
                "first": content().list_label("identification_measures", "assessments_sexual_abuse", nation, language),
                "second": content().list_label("identification_measures", "plans_sexual_abuse", nation, language),
            }
        elif key == "evidence.missing.identified_zero":
            values = {"measure": _measure_name(p.measure, values["measure"], nation, language), "period": _year(values["period"], language)}
        missing.append(phrase(key, language, None, **values))
    return ui_text("sentences.evidence.cannot_yet", language, missing="; ".join(missing))


def rate_source_is_own(p: Prevalence) -> bool:
    """The rate's source is the partnership's own words (a Welsh document needs their Welsh of it)."""
    return not p.rate_is_default and p.rate_source != RATE_ENTERED


def population_how_words(p: Prevalence, language: str = "en") -> str:
    """How the child population was found, in ``language`` (the Welsh names the figure's year)."""
    return in_language(_population_how(p, None), language)


def _both(key: str, overrides: Mapping[str, str] | None, **values: object) -> Both:
    return Both(phrase(key, "en", None, **values), phrase(key, "cy", overrides, **values))


def _population_how(p: Prevalence, overrides: Mapping[str, str] | None) -> Both:
    if p.population_how == "the child population entered under Identification":
        return _both("evidence.population_entered", overrides)
    # The Welsh names the year of the figure used; the English keeps its full account of how it was found.
    return Both(p.population_how, phrase("evidence.population_for", "cy", overrides, period=_year(p.population_period, "cy")))


def prevalence_workings(
    p: Prevalence,
    language: str = "en",
    nation: str | None = None,
    *,
    own_source: Both | str | None = None,
    overrides: Mapping[str, str] | None = None,
) -> list[str]:
    """``Prevalence.workings`` in ``language`` ("en", "cy" or "bilingual"), for the screens and the draft:
    ``own_source`` is the rate's source where it is the partnership's own words (the draft passes their
    Welsh of it; the screens show it as typed), ``overrides`` the partnership's corrections of the Welsh."""
    if language == "en":
        return p.workings
    if p.rate_is_default:
        source: Both | str = _both("evidence.rate_source_default", overrides)
    elif not rate_source_is_own(p):
        source = _both("evidence.rate_source_entered", overrides)
    else:
        source = own_source if own_source is not None else p.rate_source.rstrip(".")
    lines = [phrase("evidence.working.rate", language, overrides, rate=whole(p.rate), source=source)]
    if p.population is not None:
        how = _population_how(p, overrides)
        lines.append(phrase("evidence.working.population", language, overrides, population=whole(p.population), how=how))
    if p.estimate is not None:
        lines.append(phrase("evidence.working.estimate", language, overrides, estimate=about(p.estimate)))
    if p.identified is not None:
        identified = Both(
            p.identified_how, f"{_measure_name(p.measure, p.measure_label, nation, 'cy')}, {_year(p.identified_period, 'cy')}"
        )
        lines.append(phrase("evidence.working.identified", language, overrides, identified=whole(p.identified), how=identified))
    return lines


def prevalence_method(p: Prevalence, language: str = "en") -> str:
    """``Prevalence.method`` in ``language``."""
    return p.method if language == "en" else phrase("evidence.method", language, rate=whole(p.rate))


def iceberg_table(p: Prevalence, language: str = "en", nation: str | None = None) -> pd.DataFrame:
    """The figures behind the iceberg, as a table (its words in ``language``)."""
    what, children = (
        ("What", "Children a year")
        if language == "en"
        else (ui_text("sentences.evidence.iceberg.what", language), ui_text("sentences.evidence.iceberg.children", language))
    )
    if p.estimate is None and p.identified is None:
        return pd.DataFrame(columns=[what, children])
    rows = []
    if p.identified is not None:
        if language == "en":
            label = f"Identified: {p.measure_label} ({p.identified_period or 'year not given'})"
        else:
            measure = _measure_name(p.measure, p.measure_label, nation, language)
            label = ui_text("sentences.evidence.iceberg.identified", language, measure=measure, period=_year(p.identified_period, language))
        rows.append({what: label, children: whole(p.identified)})
    if p.estimate is not None and p.population is not None:  # an estimate is made from the population
        if p.identified is not None:
            hidden = "Estimated not identified" if language == "en" else ui_text("sentences.evidence.iceberg.hidden", language)
            rows.append({what: hidden, children: about(max(p.estimate - p.identified, 0))})
        rate, population = whole(p.rate), whole(p.population)
        if language == "en":
            label = f"Estimated sexually abused in a year ({rate}% of {population} children)"
        else:
            label = ui_text("sentences.evidence.iceberg.estimated", language, rate=rate, population=population)
        rows.append({what: label, children: about(p.estimate)})
    return pd.DataFrame(rows, columns=[what, children])


def iceberg_figure(p: Prevalence, area: str = "") -> go.Figure | None:
    """The tip of the iceberg: children identified above a waterline, the estimated rest below it,
    drawn to scale and labelled in words (the picture never depends on colour alone)."""
    if not p.complete or p.estimate is None or p.identified is None:  # complete: both are known
        return None
    hidden = max(p.estimate - p.identified, 0)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=["Children"],
            y=[p.identified],
            name="Identified",
            marker={"color": IDENTIFIED_COLOUR},
            width=0.5,
            text=[f"Identified: {whole(p.identified)}"],
            textposition="outside",
            hovertemplate=f"Identified ({chart_escape(p.identified_period or '')}): {whole(p.identified)}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=["Children"],
            y=[-hidden],
            name="Estimated, not identified",
            marker={"color": HIDDEN_COLOUR},
            width=0.9,
            text=[f"Estimated not identified: about {about(hidden)}"],
            textposition="inside",
            insidetextanchor="middle",
            textfont={"color": "white", "size": 16},
            hovertemplate=f"Estimated not identified: about {about(hidden)}<extra></extra>",
        )
    )
    fig.add_hline(
        y=0,
        line={"color": palette.INK, "width": 2, "dash": "dash"},
        annotation_text="Waterline: agencies see only what is above it",
        annotation_position="top right",
    )
    top = max(p.identified * 1.6, p.estimate * 0.12)
    ticks = _ticks(top, hidden)
    title = "The tip of the iceberg" + (f" in {chart_escape(area)}" if area else "")
    fig.update_layout(
        title={
            "text": f"{title}<br><sup>{whole(p.identified)} identified against an estimated {about(p.estimate)} "
            "children sexually abused in a year</sup>"
        },
        barmode="overlay",
        showlegend=True,
        template="plotly_white",
        legend={"orientation": "h", "yanchor": "top", "y": -0.05},
        yaxis={
            "title": "Children",
            "range": [-hidden * 1.05, top],
            "tickvals": ticks,
            "ticktext": [whole(abs(t)) for t in ticks],
            "zeroline": False,
        },
        xaxis={"showticklabels": False},
        height=520,
    )
    return fig


def _ticks(top: float, bottom: float) -> list[float]:
    span = max(top, bottom)
    step = 10 ** max(math.floor(math.log10(span)) if span > 0 else 0, 0)
    if span / step < 3:
        step /= 2
    ticks = [0.0]
    t = step
    while t <= bottom:
        ticks.append(-t)
        t += step
    t = step
    while t <= top:
        ticks.append(t)
        t += step
    return sorted(ticks)


# --- Support (§5.2) ----------------------------------------------------------------------------


def _support_cells(rows: list[Row], nation: str, language: str = "en") -> tuple[list, list, dict]:
    c = content()
    groups = c.list_options("groups_affected", nation, language)
    types = c.list_options("support_types", nation, language)
    stored = {r.row_key: r.values for r in rows if r.row_key}
    return groups, types, stored


#: The words in the heatmap's cells, short enough to fit (the table and hover use the full words).
SHORT_AVAILABILITY = {"Partly available": "Partly", "Not recorded": ""}


def _wrap(text: str, width: int) -> str:
    """A label broken into lines of about ``width`` characters for a chart axis."""
    lines, line = [], ""
    for word in chart_escape(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def support_matrix_table(rows: list[Row], nation: str, language: str = "en") -> pd.DataFrame:
    """Groups down, kinds of support across, each cell in words ("Available", "None", "Not recorded"),
    the lists' names in ``language`` (a Welsh document's; "Not recorded" is left for the caller to word)."""
    groups, types, stored = _support_cells(rows, nation, language)
    words = {o.id: o.label for o in content().list_options("availability", nation, language)}
    data = {}
    for t in types:
        data[t.label] = [words.get(stored.get(f"{g.id}|{t.id}", {}).get("exists") or "", "Not recorded") for g in groups]
    return pd.DataFrame(data, index=pd.Index([g.label for g in groups], name="Group affected"))


def support_heatmap(rows: list[Row], nation: str) -> go.Figure:
    """The support matrix coloured by what exists (darkest where nothing does), with the words in
    every cell and the provider, wait and gaps on hover."""
    groups, types, stored = _support_cells(rows, nation)
    words = {o.id: o.label for o in content().list_options("availability", nation)}
    z, text, hover = [], [], []
    for g in groups:
        z_row, text_row, hover_row = [], [], []
        for t in types:
            values = stored.get(f"{g.id}|{t.id}", {})
            exists = values.get("exists") or ""
            z_row.append(AVAILABILITY_ORDER.index(exists) if exists in AVAILABILITY_ORDER else None)
            text_row.append(words.get(exists, "Not recorded"))
            lines = [f"<b>{chart_escape(g.label)}</b>", chart_escape(t.label), f"What exists: {words.get(exists, 'not recorded')}"]
            if values.get("providers"):
                lines.append("Provider(s): " + chart_escape(values["providers"])[:120])
            if values.get("waiting_list") is True:
                lines.append("Waiting list: yes")
            if values.get("typical_wait_weeks") not in (None, ""):
                lines.append(f"Typical wait: {whole(float(values['typical_wait_weeks']))} weeks")
            if values.get("gaps"):
                lines.append("Gaps: " + chart_escape(values["gaps"])[:160])
            hover_row.append("<br>".join(lines))
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    n = len(AVAILABILITY_ORDER)
    scale = []
    for i, colour in enumerate(AVAILABILITY_COLOURS):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    labels = [words.get(a, a) for a in AVAILABILITY_ORDER]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[_wrap(t.label, 16) for t in types],
            y=[_wrap(g.label, 40) for g in groups],
            text=[[SHORT_AVAILABILITY.get(w, w) for w in row] for row in text],
            texttemplate="%{text}",
            textfont={"size": 12},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            colorscale=scale,
            zmin=-0.5,
            zmax=n - 0.5,
            xgap=2,
            ygap=2,
            colorbar={"title": "What exists", "tickvals": list(range(n)), "ticktext": labels},
        )
    )
    fig.update_layout(
        title="Support for each group affected: what exists (darkest where nothing does)",
        xaxis={"side": "top", "tickangle": 0, "tickfont": {"size": 11}},
        yaxis={"autorange": "reversed"},
        height=200 + 56 * len(groups),
        margin={"t": 200, "l": 20},
        template="plotly_white",
        plot_bgcolor="#ffffff",
    )
    return fig


@dataclass(frozen=True)
class SupportGap:
    """One gap in the support matrix, with the ids behind it (for suggestions drawn from the evidence)."""

    kind: str  # "none" | "long_wait"
    group_id: str
    group: str
    support_id: str
    support: str  # the kind of support, lower case first
    weeks: float | None
    text: str  # as listed in ``SupportGaps``
    who: str = ""  # " (providers)" as typed, or ""


@dataclass(frozen=True)
class SupportGaps:
    none: list[str]  # "Group: no kind of support"
    long_waits: list[str]
    not_recorded: int
    cells: int
    gaps: list[SupportGap] = field(default_factory=list)


def support_gaps(rows: list[Row], nation: str, language: str = "en") -> SupportGaps:
    """Where a group has no support of some kind, and where people wait more than LONG_WAIT_WEEKS
    (the lists' names and the sentences in ``language``: the documents' ``finding.support_*`` in Welsh)."""
    groups, types, stored = _support_cells(rows, nation, language)
    none, waits, blank, gaps = [], [], 0, []
    for g in groups:
        for t in types:
            values = stored.get(f"{g.id}|{t.id}", {})
            support = t.label[0].lower() + t.label[1:]
            if not values.get("exists"):
                blank += 1
            if values.get("exists") == "none":
                if language == "en":
                    none.append(f"{g.label}: no {support}")
                else:
                    none.append(phrase("finding.support_none", language, group=g.label, support=support).rstrip("."))
                gaps.append(SupportGap("none", g.id, g.label, t.id, support, None, none[-1]))
            weeks = _number(values.get("typical_wait_weeks"))
            if weeks is not None and weeks > LONG_WAIT_WEEKS:
                who = f" ({clean_text(values['providers']).strip()})" if values.get("providers") else ""
                if language == "en":
                    waits.append(f"{g.label}: {support}{who}: a typical wait of {whole(weeks)} weeks")
                else:
                    waits.append(
                        phrase("finding.support_wait", language, group=g.label, support=support, who=who, weeks=whole(weeks)).rstrip(".")
                    )
                gaps.append(SupportGap("long_wait", g.id, g.label, t.id, support, weeks, waits[-1], who))
    return SupportGaps(none, waits, blank, len(groups) * len(types), gaps)


# --- Workforce (§6.1) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    by_agency: pd.DataFrame  # one row per agency, every course together
    by_course: pd.DataFrame  # one row per agency and course, lowest take-up first
    flagged: list[str]  # "Agency: course (9%)" for every agency and course under ATTENDANCE_FLAG_PERCENT
    flagged_agencies: list[str]  # agencies whose take-up across all courses is under it
    incomplete: int  # rows left out because the agency or a number was missing

    @property
    def empty(self) -> bool:
        return self.by_agency.empty


def _percent(attended: float, eligible: float) -> float | None:
    return 100 * attended / eligible if eligible > 0 else None


def _count(number: float) -> int | float:
    return int(number) if float(number).is_integer() else number


def attendance_gaps(rows: list[Row]) -> Attendance:
    """Training take-up: staff who attended out of staff who should, by agency and course and by
    agency overall (across the courses and years recorded). Under half is flagged at both levels,
    so a small course with a gap is not hidden by a large general course. Rows without an agency or
    without both numbers are left out (and counted)."""
    cells: dict[tuple[str, str], dict] = {}
    incomplete = 0
    for r in rows:
        v = r.values
        agency = clean_text(v.get("agency") or "").replace("\n", " ").strip()
        course = clean_text(v.get("course") or "").replace("\n", " ").strip() or "Course not named"
        eligible, attended = _number(v.get("eligible")), _number(v.get("attended"))
        if not agency or eligible is None or attended is None:
            incomplete += 1
            continue
        cell = cells.setdefault(
            (name_key(agency), name_key(course)), {"Agency": agency, "Course": course, "eligible": 0.0, "attended": 0.0, "years": set()}
        )
        cell["eligible"] += eligible
        cell["attended"] += attended
        if v.get("period"):
            cell["years"].add(v["period"])

    def frame(groups: dict, columns: list[str]) -> pd.DataFrame:
        data = []
        for g in groups.values():
            percent = _percent(g["attended"], g["eligible"])
            data.append(
                {
                    **{c: g[c] for c in columns},
                    "Staff who should attend": _count(g["eligible"]),
                    "Staff who attended": _count(g["attended"]),
                    "Per cent attended": None if percent is None else round(percent),
                    "Below half": percent is not None and percent < ATTENDANCE_FLAG_PERCENT,
                    "Years": ", ".join(sorted(g["years"], key=lambda p: (period_sort_key(p), len(p)))),
                }
            )
        out = pd.DataFrame(
            data, columns=[*columns, "Staff who should attend", "Staff who attended", "Per cent attended", "Below half", "Years"]
        )
        if not out.empty:
            out = out.sort_values(["Per cent attended", *columns], na_position="last", kind="stable").reset_index(drop=True)
        return out

    agencies: dict[str, dict] = {}
    for (agency_key, _), cell in cells.items():
        a = agencies.setdefault(agency_key, {"Agency": cell["Agency"], "eligible": 0.0, "attended": 0.0, "years": set()})
        a["eligible"] += cell["eligible"]
        a["attended"] += cell["attended"]
        a["years"] |= cell["years"]
    by_course = frame(cells, ["Agency", "Course"])
    by_agency = frame(agencies, ["Agency"])
    flagged = [
        f"{a}: {c} ({p:.0f}%)"
        for a, c, p, low in zip(
            by_course["Agency"], by_course["Course"], by_course["Per cent attended"], by_course["Below half"], strict=True
        )
        if low
    ]
    return Attendance(
        by_agency, by_course, flagged, [a for a, low in zip(by_agency["Agency"], by_agency["Below half"], strict=True) if low], incomplete
    )


def attendance_figure(att: Attendance) -> go.Figure | None:
    """One bar per agency and course, lowest take-up at the top; bars under half in a second colour
    and labelled in words."""
    t = att.by_course[att.by_course["Per cent attended"].notna()]
    if t.empty:
        return None
    colours = [FLAG_COLOUR if low else OK_COLOUR for low in t["Below half"]]
    labels = [f"{p:.0f}%" + (" (below half)" if low else "") for p, low in zip(t["Per cent attended"], t["Below half"], strict=True)]
    names = [f"{chart_escape(a)} · {chart_escape(c)[:50]}" for a, c in zip(t["Agency"], t["Course"], strict=True)]
    fig = go.Figure(
        go.Bar(
            x=t["Per cent attended"],
            y=names,
            orientation="h",
            marker={"color": colours},
            text=labels,
            textposition="outside",
            customdata=list(zip(t["Staff who attended"], t["Staff who should attend"], strict=True)),
            hovertemplate="%{y}: %{customdata[0]} of %{customdata[1]} staff attended (%{x:.0f}%)<extra></extra>",
        )
    )
    fig.add_vline(
        x=ATTENDANCE_FLAG_PERCENT,
        line={"dash": "dash", "color": palette.INK},
        annotation_text=f"{ATTENDANCE_FLAG_PERCENT}%",
        annotation_position="top",
    )
    fig.update_layout(
        title="Training attendance by agency and course (share of the staff who should attend)",
        xaxis={"title": "Per cent attended", "range": [0, max(115, float(t["Per cent attended"].max()) + 20)]},
        yaxis={"autorange": "reversed", "automargin": True},
        height=180 + 30 * len(t),
        template="plotly_white",
        showlegend=False,
    )
    return fig


@dataclass(frozen=True)
class Survey:
    responses: int
    means: dict[str, float | None]  # overall, by SURVEY_MEASURES key
    confident_share: float | None  # per cent answering 4 or 5 on confidence
    by_agency: pd.DataFrame
    by_role: pd.DataFrame

    @property
    def confident(self) -> bool:
        mean = self.means.get("confidence")
        return (mean is not None and mean >= CONFIDENT_MEAN) or (
            self.confident_share is not None and self.confident_share >= CONFIDENT_SHARE_PERCENT
        )


def _survey_frame(rows: list[Row]) -> pd.DataFrame:
    records = []
    for r in rows:
        v = r.values
        record: dict[str, str | float | None] = {
            "agency": clean_text(v.get("agency") or "").strip() or "Agency not given",
            "role": clean_text(v.get("role") or "").strip() or "Role not given",
        }
        for key in SURVEY_MEASURES:
            record[key] = _number(v.get(key))
        records.append(record)
    return pd.DataFrame(records, columns=["agency", "role", *SURVEY_MEASURES])


def _grouped(frame: pd.DataFrame, by: str, heading: str) -> pd.DataFrame:
    columns = [heading, "Responses", *SURVEY_MEASURES.values()]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame.assign(_key=frame[by].map(name_key))
    out = []
    for _, group in frame.groupby("_key", sort=True):
        row = {heading: group[by].iloc[0], "Responses": len(group)}
        for key, label in SURVEY_MEASURES.items():
            mean = group[key].mean()
            row[label] = None if pd.isna(mean) else round(float(mean), 1)
        out.append(row)
    return pd.DataFrame(out, columns=columns)


def survey_summary(rows: list[Row]) -> Survey:
    """Mean ratings (1-5) overall, by agency and by role; blanks are left out of each mean."""
    frame = _survey_frame(rows)
    means = {}
    for key in SURVEY_MEASURES:
        mean = frame[key].mean() if not frame.empty else float("nan")
        means[key] = None if pd.isna(mean) else round(float(mean), 2)
    answered = frame["confidence"].dropna() if not frame.empty else pd.Series(dtype=float)
    share = round(100 * float((answered >= 4).mean()), 1) if len(answered) else None
    # A response naming several agencies (a form's multiple answers, "Education; Police") counts
    # once in the overall figures and once under each agency it names.
    by_agency = frame.assign(agency=frame["agency"].str.split("; ")).explode("agency") if not frame.empty else frame
    return Survey(len(frame), means, share, _grouped(by_agency, "agency", "Agency"), _grouped(frame, "role", "Role"))


def survey_figure(table: pd.DataFrame, by: str = "Agency") -> go.Figure | None:
    """Grouped bars: each measure's mean (1-5) for each agency (or role)."""
    if table.empty:
        return None
    fig = go.Figure()
    colours = palette.SERIES[:4]
    patterns = ("", "/", ".", "x")
    for i, label in enumerate(SURVEY_MEASURES.values()):
        fig.add_trace(
            go.Bar(
                x=[chart_escape(a) for a in table[by]],
                y=table[label],
                name=label,
                marker={"color": colours[i], "pattern": {"shape": patterns[i]}},
                text=[("" if pd.isna(v) else f"{v:.1f}") for v in table[label]],
                textposition="outside",
                hovertemplate="%{x}: %{y:.1f} of 5<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(
        title=f"Staff survey: average ratings by {by.lower()} (1 = low, 5 = high)",
        barmode="group",
        yaxis={"title": "Average rating", "range": [0, 5.5]},
        template="plotly_white",
        legend={"orientation": "h", "yanchor": "top", "y": -0.2},
        margin={"b": 140},
    )
    return fig


def reflection_text(p: Prevalence, survey: Survey, language: str = "en") -> str | None:
    """Guide §6.1's reflection point, when staff feel confident but few children are identified."""
    if survey.responses == 0 or not survey.confident or not p.complete or p.ratio is None or p.ratio <= 2:
        return None
    if language != "en":
        ratings = []
        if survey.means.get("confidence") is not None:
            ratings.append(phrase("evidence.reflection_mean", language, mean=f"{survey.means['confidence']:.1f}"))
        if survey.confident_share is not None:
            ratings.append(phrase("evidence.reflection_share", language, share=f"{survey.confident_share:.0f}"))
        unidentified = unidentified_words(p.ratio, language)
        return phrase("evidence.reflection", language, ratings="; ".join(ratings), unidentified=unidentified[0].lower() + unidentified[1:])
    parts = []
    if survey.means.get("confidence") is not None:
        parts.append(f"an average of {survey.means['confidence']:.1f} out of 5")
    if survey.confident_share is not None:
        parts.append(f"{survey.confident_share:.0f}% answered 4 or 5")
    return (
        f"Staff who answered the survey rate their confidence in identifying and responding to child sexual "
        f"abuse highly ({'; '.join(parts)}), yet the local figures suggest most sexually abused children here are "
        f"not identified: {unidentified_sentence(p.ratio)[0].lower()}{unidentified_sentence(p.ratio)[1:]} "
        "A question for the steering group: what does this mean for us? Confidence ratings show how people "
        "feel rather than what they recognise, and people may not want to say they feel unsure (Guide §6.1)."
    )


def reflection_point(engine: Engine, partnership_id: int) -> str | None:
    rows = all_rows(engine, partnership_id)
    return reflection_text(prevalence(engine, partnership_id), survey_summary(rows.get("workforce.staff_survey", [])))


# --- Context checks for the Word draft (§4.1, §4.2) ---------------------------------------------


def forms_not_covered(rows: list[Row], nation: str | None = None) -> list[str]:
    """Forms the strategy does not yet fully cover (partly, not covered, or not recorded)."""
    return [label for _id, label in forms_not_covered_ids(rows, nation)]


def forms_not_covered_ids(rows: list[Row], nation: str | None = None) -> list[tuple[str, str]]:
    """(id, label) of each form the strategy does not yet fully cover."""
    stored = {r.row_key: r.values for r in rows if r.row_key}
    return [(o.id, o.label) for o in content().list_options("forms_of_abuse", nation) if stored.get(o.id, {}).get("coverage") != "covered"]


def groups_not_considered(rows: list[Row], nation: str | None = None) -> list[str]:
    return [label for _id, label in groups_not_considered_ids(rows, nation)]


def groups_not_considered_ids(rows: list[Row], nation: str | None = None) -> list[tuple[str, str]]:
    """(id, label) of each group affected the partnership has not yet said it considered."""
    stored = {r.row_key: r.values for r in rows if r.row_key}
    return [
        (o.id, o.label) for o in content().list_options("groups_affected", nation) if stored.get(o.id, {}).get("considered") is not True
    ]
