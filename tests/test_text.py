"""Cleaning what people type: names compared the way people read them, text shown literally."""

from __future__ import annotations

import re

import pytest
from strategy.core.authors import Author
from strategy.core.errors import InvalidInput
from strategy.core.text import clean_text, md_escape, name_key, normalise_name


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click me](javascript:alert(1))",
        "![tracker](https://evil.example/pixel.png)",
        "# Big heading",
        "**bold** _italic_ ~~struck~~ `code`",
        "| a | b |",
        ":red[coloured] :material/home: :smile:",
        "$x^2$ and 1. numbered",
        "back\\slash",
    ],
)
def test_md_escape_leaves_no_markdown_or_html_active(typed):
    escaped = md_escape(typed)
    # Every character markdown could act on is escaped, and unescaping gives back exactly what was typed.
    assert not re.search(r"(?<!\\)[`*_\[\]()#<>~$:|!]", escaped.replace("\\\\", "")), escaped
    assert re.sub(r"\\(.)", r"\1", escaped) == typed


def test_md_escape_makes_one_line_and_drops_control_characters():
    assert md_escape("Line one\r\nline two\x00\x07") == "Line one line two"
    assert md_escape(None) == ""


def test_clean_text_keeps_every_script_and_mark():
    typed = "Ŵŷ 👩🏽‍💻 حماية הגנה \u202e \u200b \u00a0 e\u0301 “quotes” – —"
    assert clean_text(typed) == typed


def test_names_compare_ignoring_case_spacing_and_accent_encoding():
    assert normalise_name("  Vale\u00a0of \t Ashby\n") == "Vale of Ashby"
    assert name_key("CAFÉ Board") == name_key("cafe\u0301  board")
    assert name_key("Ŵyr") == name_key("ŵYR")
    assert name_key("Vale Board") != name_key("Vale Boards")


def test_an_author_needs_a_name_and_sensible_lengths():
    assert Author.make("  Siân\u00a0Roberts ", " Harbourshire  Council ").label == "Siân Roberts (Harbourshire Council)"
    assert Author.make("Jo").label == "Jo"
    with pytest.raises(InvalidInput, match="Please give your name"):
        Author.make(" \u00a0 ")
    with pytest.raises(InvalidInput, match="longer than 120 characters"):
        Author.make("N" * 121)
    with pytest.raises(InvalidInput, match="longer than 200 characters"):
        Author.make("Jo", "A" * 201)
