"""Where the documents get a partnership's Welsh: the one seam between what is stored and the Word
builders (strategy.word.language.Translations).

The partnership's corrections of the fixed phrases are rows of the Finalise chapter's table
"Your corrections to the Welsh of the documents" (``finalise.welsh_wording``, Wales only), saved and
version-checked like every other table row. A row names the phrase by the Welsh the documents print
now (or by its English, or by its key in data/language/documents.yaml) and gives the Welsh wanted."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session

from strategy.answers.operations import Row, list_rows
from strategy.answers.welsh import welsh_answers, welsh_titles
from strategy.finalise.language import WELSH_WORDING_PROMPT
from strategy.word.language import Translations, WelshText, phrases


def _folded(text: str) -> str:
    return " ".join(str(text or "").split()).casefold()


@dataclass(frozen=True)
class Corrections:
    """The partnership's Welsh for phrases it corrected (key: Welsh), and the rows that name no phrase
    (their "now" text), to show on the page so a person can fix them."""

    phrases: dict[str, str] = field(default_factory=dict)
    unmatched: tuple[str, ...] = ()


def corrections_from(rows: list[Row]) -> Corrections:
    """Match each correction to its phrases: by the Welsh the documents print now, by the English, or by
    the key. A text several phrases print (a table header "Cam gweithredu" in the draft and in the
    progress report) is corrected wherever it is printed; a key names its one phrase. The later of two
    rows for one phrase wins (rows are in the table's order)."""
    every = phrases()
    by_text: dict[str, list[str]] = {}
    for key, entry in every.items():
        for text in (key, entry["en"], entry["cy"]):
            named = by_text.setdefault(_folded(text), [])
            if key not in named:
                named.append(key)
    found: dict[str, str] = {}
    unmatched: list[str] = []
    for row in rows:
        now, welsh = str(row.values.get("now") or "").strip(), str(row.values.get("welsh") or "").strip()
        if not now or not welsh:
            continue
        keys = by_text.get(_folded(now))
        if not keys:
            unmatched.append(now)
        for key in keys or ():
            found[key] = welsh
    return Corrections(found, tuple(unmatched))


def phrase_corrections(engine: Engine, partnership_id: int, *, session: Session | None = None) -> Corrections:
    return corrections_from(list_rows(engine, partnership_id, WELSH_WORDING_PROMPT, session=session))


def translations_for(engine: Engine, partnership_id: int, *, session: Session | None = None) -> Translations:
    """The partnership's Welsh for its documents: its corrections of the fixed phrases, the Welsh of its
    answers (by prompt id) and of its plan titles (by (kind, id)), as strategy.answers.welsh stores them.
    Every document built in Welsh or in both languages reads it here, and only here. An answer whose Welsh
    was cleared counts as missing (marked, never filled with the English)."""
    answers = welsh_answers(engine, partnership_id, session=session)
    return Translations(
        answers={k: WelshText(a.value, a.out_of_date) for k, a in answers.items() if a.value.strip()},
        titles={k: WelshText(v) for k, v in welsh_titles(engine, partnership_id, session=session).items() if v.strip()},
        phrases=phrase_corrections(engine, partnership_id, session=session).phrases,
    )
