"""The one text policy (models/text.py): which characters go from stored and shown text, which HTML stays."""

from __future__ import annotations

import pytest

from models.text import clean_json, clean_text, plain_text, sanitize_html, strip_controls


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Data\x00 Engineer", "Data Engineer"),
        ("bell\x07 and escape\x1b", "bell and escape"),
        ("tab\tnew\nline\rkept", "tab\tnew\nline\rkept"),
        ("DEL\x7f and C1 \x85\x9f", "DEL and C1 "),
        ("lone high \ud83d surrogate", "lone high  surrogate"),
        ("lone low \ude00 surrogate", "lone low  surrogate"),
        ("emoji 😀 stays", "emoji 😀 stays"),
        ("nonchar \ufffe\uffff", "nonchar "),
        ("Zürich, 東京", "Zürich, 東京"),
    ],
    ids=repr,
)
def test_strip_controls(text: str, expected: str) -> None:
    assert strip_controls(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Data\x00 Engineer\n ", "Data Engineer"),
        ("Senior\ud83d  ML\tEngineer", "Senior ML Engineer"),
        ("\x07\ud83d", None),
        ("   ", None),
        (None, None),
    ],
    ids=repr,
)
def test_clean_text(text: str | None, expected: str | None) -> None:
    assert clean_text(text) == expected


def test_clean_json_cleans_keys_and_nested_values() -> None:
    value = {"title\x00": "Data\ud83d Engineer", "list": ["a\x85", 1, 2.5, None, True], "nested": {"k": ("t\x00",)}}
    assert clean_json(value) == {
        "title": "Data Engineer",
        "list": ["a", 1, 2.5, None, True],
        "nested": {"k": ["t"]},
    }


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<p onclick="x()">Hi<script>alert(1)</script></p>', "<p>Hi</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
        ('<a href="https://a.example/">x</a>', '<a href="https://a.example/" rel="noopener noreferrer nofollow">x</a>'),
        ('<a href="data:text/html,x">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
        ("<p>bad\ud83d char\x00</p>", "<p>bad char</p>"),
        ("<p>&#1;ref</p>", "<p>ref</p>"),
        ("<script>x</script>", None),
        (None, None),
    ],
    ids=repr,
)
def test_sanitize_html(html: str | None, expected: str | None) -> None:
    assert sanitize_html(html) == expected


def test_plain_text_leaves_no_markup_and_no_forbidden_character() -> None:
    assert plain_text("Senior <b>Data</b>\ud83d Engineer &lt;script&gt;\x00") == "Senior Data Engineer script"
