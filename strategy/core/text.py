"""Cleaning what people type or paste, so it stores and exports safely."""

from __future__ import annotations

import re
import unicodedata

from strategy.core.errors import InvalidInput

# C0 controls except tab and newline, DEL, the non-characters U+FFFE/U+FFFF, and lone surrogates:
# python-docx refuses them and they never mean anything in an answer.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
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
    """A name as shown: cleaned, spaces (including non-breaking ones) collapsed and trimmed."""
    value = unicodedata.normalize("NFC", clean_text(value).replace("\n", " "))
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


def shorten(text: object, limit: int = 80) -> str:
    """Text on one line, cut to ``limit`` characters with an ellipsis: for labels, pickers and messages."""
    flat = " ".join(str("" if text is None else text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
