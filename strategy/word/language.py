"""The documents' fixed words in English and in Welsh, and the Welsh of a partnership's own text.

Every fixed word a document prints in Welsh goes through ``phrase`` (one lookup, read from
``data/language/documents.yaml``): in English it gives exactly the English the documents always
printed; in Welsh the Welsh (or the partnership's own correction of it); in a bilingual document the
Welsh first and then the English, in the same style and size (Welsh Language Standards).

The Welsh of the partnership's answers and plan titles comes from the caller as ``Translations``: the
documents never fill a missing Welsh text with English; they mark it ("[Testun Cymraeg ar goll: ...]")
and count it in a note at the start."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from strategy.core.errors import InvalidInput
from strategy.core.phrases import (  # noqa: F401 - the documents' lookup, used through this module too
    PHRASES_FILE,
    Both,
    in_language,
    months_cy,
    period_words,
    phrase,
    phrases,
    safe_text,
    welsh_phrase,
)
from strategy.core.text import PLACEHOLDER, template_pattern

#: The languages a document can be written in: English (the default), Welsh, or both (Welsh first).
LANGUAGES = ("en", "cy", "bilingual")
LANGUAGE_NAMES = {"en": "English", "cy": "Welsh (Cymraeg)", "bilingual": "Bilingual (Welsh first, then English)"}


@dataclass(frozen=True)
class WelshText:
    """The Welsh of one answer or title; ``out_of_date``: the English changed after it was translated."""

    value: str
    out_of_date: bool = False


@dataclass(frozen=True)
class Translations:
    """What a document knows of the partnership's Welsh: its answers by prompt id, its plan titles by
    (kind, id) with kind "priority", "aim", "outcome" or "action", and its own corrections of the
    fixed phrases (key: Welsh). ``NO_WELSH`` is the default: no Welsh text at all."""

    answers: Mapping[str, WelshText] = field(default_factory=lambda: MappingProxyType({}))
    titles: Mapping[tuple[str, int], WelshText] = field(default_factory=lambda: MappingProxyType({}))
    phrases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def answer(self, prompt_id: str) -> WelshText | None:
        return _usable(self.answers.get(prompt_id))

    def title(self, kind: str, item_id: int | None) -> WelshText | None:
        return _usable(self.titles.get((kind, item_id)) if item_id is not None else None)


def _usable(found: WelshText | None) -> WelshText | None:
    """A Welsh text as a document can print it (characters XML cannot hold dropped); None when it
    is empty or blank: blank Welsh is missing Welsh."""
    if found is None:
        return None
    clean = safe_text(found.value)
    return WelshText(clean, found.out_of_date) if clean.strip() else None


NO_WELSH = Translations()


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidInput(f"The language {language!r} is not one the documents are written in: choose en, cy or bilingual.")
    return language


def welsh_date(day: date) -> str:
    """A date as Welsh documents write it: "31 Mawrth 2027"."""
    return f"{day.day} {months_cy()[day.month - 1]} {day.year}"


def chart_months(language: str) -> list[str] | None:
    """The month names a chart's date axis writes in ``language``: None in English (plotly's own "Mar");
    the Welsh months in Welsh; "Mawrth / Mar" in a bilingual document."""
    if language == "en":
        return None
    english = [date(2000, month, 1).strftime("%b") for month in range(1, 13)]
    return months_cy() if language == "cy" else [f"{cy} / {en}" for cy, en in zip(months_cy(), english, strict=True)]


def long_date(day: date, language: str = "en") -> str:
    english = f"{day.day} {day.strftime('%B %Y')}"
    if language == "en":
        return english
    return welsh_date(day) if language == "cy" else f"{welsh_date(day)} / {english}"


# --- Charts: the words drawn into a picture, in the document's language -----------------------------

#: The phrases whose English a chart may draw: the charts' own words, and the status words of delivery.
CHART_PREFIXES = ("chart.", "report.value.")
#: Where a figure holds words a reader sees in the picture: titles, axis titles, tick labels, legend
#: names, bar and marker labels, annotations (hover text is not in a picture).
_CHART_TEXT_KEYS = frozenset({"text", "name", "ticktext", "x", "y", "annotation_text"})


@functools.lru_cache(maxsize=1)
def _chart_patterns() -> tuple[dict[str, str], list[tuple[re.Pattern, str]]]:
    """The chart phrases by their exact English, and those with {placeholders} as patterns that find
    the values in the English the chart was drawn with."""
    exact, patterns = {}, []
    for key, entry in phrases().items():
        if not key.startswith(CHART_PREFIXES):
            continue
        if not PLACEHOLDER.search(entry["en"]):
            exact[entry["en"]] = key
        else:
            patterns.append((template_pattern(entry["en"]), key))
    patterns.sort(key=lambda found: -len(found[0].pattern))  # the most specific first
    return exact, patterns


def chart_words(english: str, language: str, overrides: Mapping[str, str] | None = None) -> str:
    """One string a chart draws, in ``language``: a chart phrase's Welsh (its values kept), bilingual
    as "Welsh / English"; anything else (people's words, numbers, codes) as it is."""
    if language == "en" or not english.strip():
        return english
    exact, patterns = _chart_patterns()
    key, values = exact.get(english), {}
    if key is None:
        for pattern, candidate in patterns:
            matched = pattern.match(english)
            if matched:
                key, values = candidate, {k: chart_words(v, language, overrides) for k, v in matched.groupdict().items()}
                break
    if key is None:
        return english
    welsh = welsh_phrase(key, overrides)
    try:
        welsh = welsh.format(**values) if values else welsh
    except (KeyError, IndexError, ValueError):
        welsh = phrases()[key]["cy"].format(**values) if values else phrases()[key]["cy"]
    if language == "cy":
        return welsh
    return f"{welsh}<br>{english}" if "<br>" in english else f"{welsh} / {english}"


def figure_in_language(fig, language: str, overrides: Mapping[str, str] | None = None):
    """A plotly figure (or its dict) with the words it draws in ``language`` (titles, axis titles, tick
    labels, legend, bar labels, annotations), from the chart phrases of data/language/documents.yaml.
    English: the figure as it is."""
    if language == "en" or fig is None:
        return fig
    figure = fig if isinstance(fig, dict) else json.loads(fig.to_json())

    def walk(node, key: str = ""):
        if isinstance(node, dict):
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, key) for v in node]
        if isinstance(node, str) and key in _CHART_TEXT_KEYS:
            return chart_words(node, language, overrides)
        return node

    return walk(figure)
