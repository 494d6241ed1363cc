"""The words of the screens in English and in Welsh: a person's own choice of interface language.

One lookup, ``ui_text``, reads ``data/language/interface.yaml`` and the pages' own files beside it,
``data/language/interface_*.yaml`` (English and Welsh side by side, the same {placeholders}; a key is
in one file only). English is the default for everyone; a person who chooses Cymraeg has it stored
on their account (``Account.interface_language``, strategy/people/accounts.py) and sees it on every
page. What people typed is never translated. The chapters' questions carry their own Welsh
(``label_cy``, ``help_cy`` in data/chapters.yaml, strategy/guide/content.py)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from strategy.core.errors import InvalidInput
from strategy.core.settings import DATA_DIR
from strategy.core.text import template_pattern

#: The interface's languages: English (the default) and Welsh, each named in its own language.
INTERFACE_LANGUAGES = {"en": "English", "cy": "Cymraeg"}
DEFAULT_LANGUAGE = "en"
INTERFACE_FILE = DATA_DIR / "language" / "interface.yaml"


def interface_files() -> list[Path]:
    """interface.yaml (the frame: navigation, signing in, Home, the chapters), then each group of pages'
    own file, interface_NAME.yaml."""
    return [INTERFACE_FILE, *sorted(INTERFACE_FILE.parent.glob("interface_*.yaml"))]


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    return _read(INTERFACE_FILE)


@functools.lru_cache(maxsize=1)
def interface_strings() -> dict[str, dict[str, str]]:
    """Every string of the screens, from every interface file: key -> {"en": ..., "cy": ...}."""
    strings: dict[str, dict[str, str]] = {}
    for path in interface_files():
        for key, entry in (_read(path).get("strings") or {}).items():
            if key in strings:
                raise ValueError(f"{path.name}: the key {key!r} is already in another interface file.")
            strings[key] = entry
    return strings


def not_yet_in_welsh(language: str = DEFAULT_LANGUAGE) -> list[str]:
    """What a person who chose Cymraeg still sees in English (the file's own list), said in ``language``."""
    return [entry["cy"] if language == "cy" else entry["en"] for entry in _data()["not_yet_in_welsh"]]


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


# --- The package's messages (refusals, warnings) in Welsh -------------------------------------------
# The strategy package raises its messages in English (WorkbookError.message: the command line, the
# logs and the tests read them so). The screens show them in the person's language through a
# catalogue, data/language/messages_*.yaml: each entry is a message's English as the code writes it,
# its variable parts as {p0}, {p1}... in order, and its Welsh with the same placeholders in any order.
# scripts/message_catalogue.py lists the messages from the code; tests/test_welsh_messages.py checks
# that every one has its Welsh. A message the catalogue does not know is shown in English.
MESSAGE_FILES_GLOB = "messages_*.yaml"
_PLACEHOLDER = re.compile(r"\{(p\d+)\}")


#: The English words the code puts into its messages ("The due date", "recommendation"): each with its
#: Welsh, so a message's variable parts read in Welsh too (strategy.core.message_sources finds them).
PHRASES_FILE = DATA_DIR / "language" / "message_phrases.yaml"


def message_files() -> list[Path]:
    return sorted(INTERFACE_FILE.parent.glob(MESSAGE_FILES_GLOB))


@functools.lru_cache(maxsize=1)
def message_phrases() -> dict[str, str]:
    """English phrase -> Welsh, for the words the code fills into its messages."""
    return dict(_read(PHRASES_FILE).get("phrases") or {}) if PHRASES_FILE.exists() else {}


@functools.lru_cache(maxsize=1)
def message_catalogue() -> list[dict[str, str]]:
    """Every entry of every message file: {"en": template, "cy": template}."""
    entries: list[dict[str, str]] = []
    for path in message_files():
        entries.extend(_read(path).get("messages") or [])
    return entries


@functools.lru_cache(maxsize=1)
def _compiled() -> list[tuple[str, re.Pattern[str], str]]:
    """(the template's text before its first placeholder, its pattern, its Welsh): the text first, so most
    templates are passed over with a startswith rather than a regular expression."""
    usable = [e for e in message_catalogue() if e.get("cy") and _PLACEHOLDER.sub("", e["en"]).strip()]
    # the most literal text first, so a general template never takes a specific message's place
    usable.sort(key=lambda e: len(_PLACEHOLDER.sub("", e["en"])), reverse=True)
    return [(_PLACEHOLDER.split(e["en"])[0], template_pattern(e["en"], empty_values=True), e["cy"]) for e in usable]


def _fill(template: str, parts: dict[str, str], depth: int) -> str:
    return _PLACEHOLDER.sub(lambda m: _part_in_welsh(parts[m.group(1)], depth), template)


def _part_in_welsh(part: str, depth: int) -> str:
    """A message's variable part: a phrase of the code's own in Welsh ("The due date"), a message within
    the message ("Row 4: {the row's own refusal}") in Welsh, anything else (names, numbers, what a person
    typed) as it was."""
    phrases = message_phrases()
    if part in phrases:
        return phrases[part]
    if part[:1].isupper() and part[1:] and part[0].lower() + part[1:] in phrases:  # "This answer" from "this answer"
        welsh = phrases[part[0].lower() + part[1:]]
        return welsh[:1].upper() + welsh[1:]
    # A single word or number (a row, a column's name) is never a message of its own.
    return _message_in_welsh(part, depth + 1) if depth < 2 and " " in part.strip() else part


@functools.lru_cache(maxsize=4096)
def _message_in_welsh(message: str, depth: int) -> str:
    for start, pattern, welsh in _compiled():
        found = message.startswith(start) and pattern.match(message)
        if found:
            return _fill(welsh, found.groupdict(), depth)
    return message


def message_in(message: str, language: str = DEFAULT_LANGUAGE) -> str:
    """A package message in ``language``: its Welsh from the catalogue, with its variable parts in Welsh
    where they are the code's own words or a message of their own, and as they were where they are names,
    numbers or what a person typed; English when the catalogue has no Welsh for it."""
    if language != "cy" or not message:
        return message
    return _message_in_welsh(message, 0)
