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
    for text, files in in_code.items():
        assert catalogue_file_for(files[0]).exists()


def test_a_message_comes_out_in_welsh_with_what_it_quotes_kept():
    from strategy.core.interface import _compiled

    pattern, welsh = next((p, w) for p, w in _compiled() if "{p0}" in w)
    english = next(e["en"] for e in message_catalogue() if e["cy"] == welsh)
    quoted = "**Bryn & Co** <b>"
    message = PLACEHOLDER.sub(lambda m: quoted if m.group(1) == "p0" else "7", english)
    shown = message_in(message, "cy")
    assert quoted in shown and shown != message
    assert message_in(message, "en") == message  # English stays as the code wrote it
    assert message_in("A message the catalogue does not know.", "cy") == "A message the catalogue does not know."
