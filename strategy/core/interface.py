"""The words of the screens in English and in Welsh: a person's own choice of interface language.

One lookup, ``ui_text``, reads ``data/language/interface.yaml`` (English and Welsh side by side, the
same {placeholders}). English is the default for everyone; a person who chooses Cymraeg has it stored
on their account (``Account.interface_language``, strategy/people/accounts.py) and sees it on every
page. What people typed is never translated. The chapters' questions carry their own Welsh
(``label_cy``, ``help_cy`` in data/chapters.yaml, strategy/guide/content.py)."""

from __future__ import annotations

import functools

import yaml

from strategy.core.errors import InvalidInput
from strategy.core.settings import DATA_DIR

#: The interface's languages: English (the default) and Welsh, each named in its own language.
INTERFACE_LANGUAGES = {"en": "English", "cy": "Cymraeg"}
DEFAULT_LANGUAGE = "en"
INTERFACE_FILE = DATA_DIR / "language" / "interface.yaml"


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    with INTERFACE_FILE.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def interface_strings() -> dict[str, dict[str, str]]:
    """Every string of the screens: key -> {"en": ..., "cy": ...}."""
    return _data()["strings"]


def not_yet_in_welsh() -> list[str]:
    """What a person who chose Cymraeg still sees in English (the file's own list)."""
    return list(_data()["not_yet_in_welsh"])


def check_interface_language(language: str) -> str:
    value = (language or "").strip().lower()
    if value not in INTERFACE_LANGUAGES:
        raise InvalidInput(f"{language!r} is not a language of the workbook: choose en (English) or cy (Cymraeg).")
    return value


def ui_text(key: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The screen's words for ``key`` in ``language`` (anything but "cy" is English), placeholders filled."""
    entry = interface_strings()[key]
    text = entry["cy"] if language == "cy" else entry["en"]
    return text.format(**values) if values else text
