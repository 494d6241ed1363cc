"""The package's messages in Welsh for a person who chose Cymraeg: every message the code raises is in
the catalogue (data/language/messages_*.yaml) with its Welsh, and the screens show it with the variable
parts (names, numbers, what was typed) as they were."""

from __future__ import annotations

import re

import pytest

from strategy.core.interface import message_catalogue, message_files, message_in
from strategy.core.message_sources import catalogue_file_for, messages_in_code

PLACEHOLDER = re.compile(r"\{(p\d+)\}")


@pytest.mark.parametrize("path", message_files(), ids=lambda p: p.name)
def test_every_message_of_the_file_has_its_welsh_with_the_same_placeholders(path):
    import yaml

    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    assert "FOR REVIEW BY A WELSH SPEAKER" in path.read_text(encoding="utf-8")
    missing = [e["en"] for e in entries if not (e.get("cy") or "").strip()]
    assert not missing, f"{path.name}: {len(missing)} message(s) have no Welsh, first {missing[:3]}"
    for entry in entries:
        assert set(PLACEHOLDER.findall(entry["en"])) == set(PLACEHOLDER.findall(entry["cy"])), entry["en"]
        assert entry["cy"] != entry["en"] or not re.search(r"[a-z]{4}", PLACEHOLDER.sub("", entry["en"]))


def test_every_message_the_code_raises_is_in_the_catalogue_and_nothing_else_is():
    in_code = messages_in_code()
    catalogued = {e["en"] for e in message_catalogue()}
    new = sorted(set(in_code) - catalogued)
    assert not new, (
        f"{len(new)} message(s) are not in the catalogue: run python -m strategy.core.message_sources and "
        f"write their Welsh. First: {new[:3]}"
    )
    assert not catalogued - set(in_code), "the catalogue has messages the code no longer raises"
    for _text, files in in_code.items():
        assert catalogue_file_for(files[0]).exists()


def test_a_message_comes_out_in_welsh_with_what_it_quotes_kept():
    from strategy.core.interface import _compiled

    welsh = next(w for _, _, w in _compiled() if "{p0}" in w)
    english = next(e["en"] for e in message_catalogue() if e["cy"] == welsh)
    quoted = "**Bryn & Co** <b>"
    message = PLACEHOLDER.sub(lambda m: quoted if m.group(1) == "p0" else "7", english)
    shown = message_in(message, "cy")
    assert quoted in shown and shown != message
    assert message_in(message, "en") == message  # English stays as the code wrote it
    assert message_in("A message the catalogue does not know.", "cy") == "A message the catalogue does not know."


# --- msgs1: real refusals from the package's own functions come out in Welsh, their values kept ---------


def _refusal_msgs1(call) -> str:
    from strategy.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        call()
    return caught.value.message


def test_msgs1_a_too_short_or_too_long_password_is_refused_in_welsh_with_its_numbers():
    from strategy.people.accounts import MIN_PASSWORD, hash_password

    short = _refusal_msgs1(lambda: hash_password("short1"))
    assert f"at least {MIN_PASSWORD} characters" in short
    assert message_in(short, "cy").startswith(f"Mae angen o leiaf {MIN_PASSWORD} nod yn y cyfrinair;")
    long = _refusal_msgs1(lambda: hash_password("x" * 5000))
    assert message_in(long, "cy") == "Mae'r cyfrinair yn hwy na 1,000 nod; defnyddiwch un byrrach, os gwelwch yn dda."
    assert message_in(long, "en") == long


def test_msgs1_an_answer_too_long_and_a_decimal_comma_are_refused_in_welsh_with_the_values_kept():
    from strategy.answers.operations import normalise_value
    from strategy.guide.content import content

    prompts = list(content().prompts.values())
    text_prompt = next(p for p in prompts if p.type == "text" and p.limit)
    too_long = _refusal_msgs1(lambda: normalise_value(text_prompt, "a" * (text_prompt.limit + 1)))
    welsh = message_in(too_long, "cy")
    assert f"{text_prompt.limit + 1:,} nod o hyd" in welsh and f"yw {text_prompt.limit:,}." in welsh
    assert welsh.endswith("Ni chadwyd dim.") and "characters" not in welsh
    number_prompt = next(p for p in prompts if p.type == "number")
    comma = _refusal_msgs1(lambda: normalise_value(number_prompt, "1,5"))
    assert "mae wedi'i ysgrifennu '1,5'. Defnyddiwch bwynt ar gyfer degolion" in message_in(comma, "cy")


def test_msgs1_an_empty_or_headers_only_file_is_refused_in_welsh_naming_the_file():
    from strategy.tabular.reading import read_sheet

    name = "ymatebion **Bro Taf**.csv"
    empty = _refusal_msgs1(lambda: read_sheet(b"", name))
    assert message_in(empty, "cy") == f"Mae '{name}' yn wag (0 beit). Dewiswch y ffeil eto, neu cadwch hi eto o Excel."
    headers_only = _refusal_msgs1(lambda: read_sheet(b"name,score\n", name))
    assert message_in(headers_only, "cy").startswith(f"Mae gan '{name}' enwau colofnau ond dim rhesi.")


def test_every_phrase_the_code_fills_into_a_message_has_its_welsh():
    from strategy.core.interface import message_phrases
    from strategy.core.message_sources import phrases_in_code

    missing = sorted(phrases_in_code() - set(message_phrases()))
    assert not missing, f"data/language/message_phrases.yaml lacks {missing}"
    assert all(welsh.strip() for welsh in message_phrases().values())


def test_the_codes_own_words_and_a_message_within_a_message_come_out_in_welsh():
    """ "Row 4: {the row's refusal}" and "The due date ..." read in Welsh all through; a name stays."""
    from strategy.core.errors import InvalidInput
    from strategy.core.values import parse_number

    with pytest.raises(InvalidInput) as caught:
        parse_number("1,5", what="The due date")
    inner = caught.value.message
    shown = message_in(inner, "cy")
    assert shown.startswith("Y dyddiad erbyn") and "The due date" not in shown and "'1,5'" in shown
    wrapped = message_in(f"Nothing was imported. Row 4: {inner}", "cy")
    assert "Row 4" not in wrapped and "4" in wrapped and "Y dyddiad erbyn" in wrapped, wrapped
    assert message_in("The first year should be between 1990 and 2100.", "cy") == "Dylai'r flwyddyn gyntaf fod rhwng 1990 a 2100."
