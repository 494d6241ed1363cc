"""The documents' fixed words in English and in Welsh (data/language/documents.yaml), and the one
lookup of them, ``phrase``. Kept on the ground floor because the screens and the package's own
sentences (the evidence's estimate, the chain's findings, the readiness check) say the same things as
the Welsh draft in the same words; strategy.word.language builds the documents on it."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

import yaml

from strategy.core.settings import DATA_DIR
from strategy.core.text import clean_text

PHRASES_FILE = DATA_DIR / "language" / "documents.yaml"


def safe_text(text) -> str:
    """Text safe for XML (python-docx refuses control characters): strategy.word.toolkit.safe_text."""
    return clean_text("" if text is None else str(text))


@dataclass(frozen=True)
class Both:
    """A text in both languages, for a {placeholder} whose Welsh is not the English (a plan title)."""

    en: str
    cy: str


def in_language(text: Both | str, language: str) -> str:
    """The text a document of ``language`` prints for ``text`` (a plain str is the same in both)."""
    if not isinstance(text, Both):
        return text
    if language == "en":
        return text.en
    return text.cy if language == "cy" else _joined(text.cy, text.en)


def period_words(start: int | None, end: int | None) -> Both | str:
    """A strategy period as a document prints it: "2026 to 2029" and "2026 i 2029" (the screens and the
    command line use strategy.people.partnerships.period_label, in English)."""
    values: dict[str, object]
    if start and end:
        key, values = "document.period_range", {"start": start, "end": end}
    elif start:
        key, values = "document.period_from", {"start": start}
    else:
        return ""
    return Both(phrase(key, "en", None, **values), phrase(key, "cy", None, **values))


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    with PHRASES_FILE.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def phrases() -> dict[str, dict[str, str]]:
    """Every fixed phrase: key -> {"en": ..., "cy": ...}."""
    return _data()["phrases"]


def months_cy() -> list[str]:
    return list(_data()["months_cy"])


def welsh_phrase(key: str, overrides: Mapping[str, str] | None = None) -> str:
    """The Welsh of one phrase: the partnership's correction where it made one (cleaned of what XML
    cannot hold), else the file's."""
    corrected = safe_text((overrides or {}).get(key, ""))
    return corrected if corrected.strip() else phrases()[key]["cy"]


def _joined(welsh: str, english: str) -> str:
    """Both languages in one run of text, Welsh first: a short label on one line ("Cyflwyniad /
    Introduction"), a sentence on lines of its own."""
    if welsh == english:
        return english
    sentence = english.rstrip().endswith((".", ":", "]")) or ". " in english or len(english) > 60
    return f"{welsh}\n{english}" if sentence else f"{welsh} / {english}"


def phrase(key: str, language: str = "en", overrides: Mapping[str, str] | None = None, **values: object) -> str:
    """The one lookup of the documents' fixed words. ``values`` fill the {placeholders}; a value that is
    a ``Both`` gives each language its own (a plan title and its Welsh)."""
    entry = phrases()[key]
    en_values = {k: v.en if isinstance(v, Both) else v for k, v in values.items()}
    english = entry["en"].format(**en_values) if values else entry["en"]
    if language == "en":
        return english
    cy_values = {k: v.cy if isinstance(v, Both) else v for k, v in values.items()}
    welsh_template = welsh_phrase(key, overrides)
    try:
        welsh = welsh_template.format(**cy_values) if values else welsh_template
    except (KeyError, IndexError, ValueError):  # a correction that broke a {placeholder}: the file's Welsh
        welsh = entry["cy"].format(**cy_values) if values else entry["cy"]
    return welsh if language == "cy" else _joined(welsh, english)
