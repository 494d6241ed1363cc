"""Cleaning what people type or paste, so it stores and exports safely."""

from __future__ import annotations

import re
import unicodedata

from strategy.core.errors import InvalidInput

# C0 controls except tab and newline, DEL, the non-characters U+FFFE/U+FFFF, and lone surrogates:
# python-docx refuses them and they never mean anything in an answer.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
#: What ``clean_text`` removes: a file that still holds one (a backup) was not written by the workbook.
ILLEGAL_CHARACTERS = _ILLEGAL
#: Direction embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): in a name they can make
#: it read differently from what it is ("Trojan Source"), so names drop them; long text keeps them.
DIRECTION_OVERRIDES = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """Line endings made uniform and invisible control characters removed; nothing else touched
    (emoji, Welsh, right-to-left text and direction marks are kept as typed)."""
    if value is None:
        return ""
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("", value)


def removed_characters(before: str, after: str) -> int:
    return len(before.replace("\r\n", "\n").replace("\r", "\n")) - len(after)


def normalise_name(value: str) -> str:
    """A name as shown: cleaned, direction overrides dropped, spaces (including non-breaking ones)
    collapsed and trimmed."""
    value = unicodedata.normalize("NFC", DIRECTION_OVERRIDES.sub("", clean_text(value)).replace("\n", " "))
    return _SPACES.sub(" ", value).strip()


def name_key(value: str) -> str:
    """What makes two names the same: case, spacing and accents' encoding ignored."""
    return normalise_name(value).casefold()


def check_length(value: str, limit: int, what: str) -> None:
    if len(value) > limit:
        raise InvalidInput(
            f"{what} is {len(value):,} characters long; the most it can hold is {limit:,}. "
            "Shorten it (or split it across fields) and save again. Nothing was saved."
        )


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(value: str) -> str:
    """Text a person typed, made literal for Streamlit's markdown (labels, titles, captions):
    no links, images, HTML or formatting survive."""
    return _MD_SPECIAL.sub(r"\\\1", clean_text(value or "")).replace("\n", " ")


def chart_escape(value: object) -> str:
    """Text a person typed, made literal for a plotly chart's titles, labels and hover text: plotly
    reads a subset of HTML there (links, images through styles, line breaks), so &, < and > become
    entities and nothing of it is interpreted."""
    text = clean_text("" if value is None else str(value)).replace("\n", " ")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: object, limit: int = 80) -> str:
    """Text on one line, cut to ``limit`` characters with an ellipsis: for labels, pickers and messages."""
    flat = " ".join(str("" if text is None else text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def plural(noun: str, count: int = 2) -> str:
    """``noun`` for one, its plural otherwise: priority -> priorities, agency -> agencies, piece of feedback
    -> pieces of feedback, risk -> risks."""
    if count == 1:
        return noun
    head, sep, tail = noun.partition(" of ")
    if sep:
        return plural(head) + sep + tail
    lower = noun.lower()
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return noun[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def with_article(noun: str) -> str:
    """ "a measure", "an agency", "an outcome": the article by the word's first letter (the workbook's item
    names have no silent h and no "you"-sounding u)."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


#: A {placeholder} in a template of the workbook's words ("{n} members are not named...").
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def template_pattern(template: str, *, empty_values: bool = False) -> re.Pattern[str]:
    """A template's text as a pattern that reads its values back out of a sentence made from it: each
    {placeholder} a named group, the rest as written, the whole sentence only. For finding the Welsh of
    a sentence the code wrote in English (a message, a chart's words, a check's finding)."""
    group = ".*?" if empty_values else ".+?"
    parts = PLACEHOLDER.split(template)  # literal, name, literal, name, ...
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>{group})" for i, part in enumerate(parts))
    return re.compile(regex + r"\Z", re.DOTALL)
