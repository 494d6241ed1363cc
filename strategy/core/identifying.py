"""Text that might identify a child or a family: the one place the workbook checks for it (a case
reference in the thematic audit, a group and its notes in the record of involvement, a survey comment).
It only asks people to think again; what they write stays their choice once they confirm."""

from __future__ import annotations

import re

from strategy.core.text import normalise_name

#: Ten digits, like an NHS number (in a reference or in prose).
_NHS = re.compile(r"(?<!\d)\d{3}[\s-]?\d{3}[\s-]?\d{4}(?!\d)")

# --- A short reference (the audit's case reference; the group an engagement was with) -----------

_DATE = re.compile(r"\b(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\b|\b\d{4}-\d{2}-\d{2}\b")
_MONTH_DATE = re.compile(r"\b\d{1,2}(st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)
_NAME = re.compile(r"\b[A-Z][a-z'’\-]+\s+[A-Z][a-z'’\-]+\b")
_INITIALS_DOB = re.compile(r"\bdob\b|\bd\.o\.b\b|born", re.I)
_POSTCODE_ANY_CASE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)
_NI_ANY_CASE = re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.I)


def reference_warning(reference: str) -> str | None:
    """Why a case reference might identify a child (a name, a date such as a date of birth, an NHS
    number, a National Insurance number, a postcode), or None. The reference is still the
    partnership's choice: this only asks them to think again."""
    ref = normalise_name(reference)
    if _NHS.search(ref):
        return "it has ten digits, like an NHS number"
    if _DATE.search(ref) or _MONTH_DATE.search(ref) or _INITIALS_DOB.search(ref):
        return "it contains a date, which could be a date of birth"
    if _NI_ANY_CASE.search(ref):
        return "it looks like a National Insurance number"
    if _POSTCODE_ANY_CASE.search(ref):
        return "it looks like a postcode"
    if _NAME.search(ref):
        return "it looks like a person's name (two words starting with capitals)"
    return None


# --- Longer text (what was heard, a comment): a name only beside an age, since prose is full of capitals

#: A capitalised word and an age: "Jamie aged 12", "Jamie is 12", "Jamie, 12," or "Jamie (12)".
_NAME_AGE = (
    re.compile(r"\b([A-Z][a-z'’\-]+)\s*(?:,\s*|\(\s*|\s+)(?:aged?|is|was)\s+\d{1,2}\b(?!\s*(?:to|-|–|and)\s*\d)"),
    re.compile(r"\b([A-Z][a-z'’\-]+)\s*(?:,|\()\s*\d{1,2}\s*(?:\)|,|;|\.|$|\s+(?:said|told|says|tells|years?)\b)", re.M),
)
#: Words that begin a description of a group, not a name ("Children aged 11", "Members, 12, said").
_GROUP_WORDS = frozenset(
    "children young people girls boys pupils students learners members participants survivors adults parents carers "
    "families those all some most many few none each everyone year years group groups age ages".split()
)
_DOB = re.compile(r"\bdob\b|\bd\.o\.b\b|\bdate of birth\b|\bborn on\b", re.I)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_NI = re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b")


def identifying_warning(text: str, *, short: bool = False) -> str | None:
    """Why ``text`` might identify a child, or None. ``short``: a short description (the group),
    checked as case references are (two capitalised words there look like a name). In longer text a
    name is only flagged beside an age ("Jamie, 12"), since sentences are full of capitals."""
    if short:
        why = reference_warning(text)
        if why:
            return why
    for pattern in _NAME_AGE:
        if any(m.group(1).casefold() not in _GROUP_WORDS for m in pattern.finditer(text)):
            return "it looks like a child's name with their age"
    if _DOB.search(text):
        return "it mentions a date of birth"
    if _NHS.search(text):
        return "it has ten digits, like an NHS number"
    if _NI.search(text):
        return "it looks like a National Insurance number"
    if _POSTCODE.search(text):
        return "it looks like a postcode"
    return None
