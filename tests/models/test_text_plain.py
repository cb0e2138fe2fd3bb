"""plain_text skips the sanitizer for text with nothing HTML parsing acts on: the sanitizer would hand it back."""

from __future__ import annotations

import html

import nh3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.text import plain_text, strip_controls

# Text without anything HTML parsing acts on; plain_text skips the sanitizer for it.
_UNPARSED = st.text(alphabet=st.characters(exclude_characters="<>&\r\ufeff", exclude_categories=("Cs",)))


@given(_UNPARSED)
def test_the_sanitizer_hands_text_with_nothing_to_parse_back_as_it_went_in(text: str) -> None:
    cleaned = strip_controls(text)
    assert html.unescape(nh3.clean(cleaned, tags=set())) == cleaned


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\ufeffData Engineer", "Data Engineer"),
        ("Data\r\nEngineer", "Data Engineer"),
        ("R&amp;D <b>Lead</b>", "R&D Lead"),
        ("Ops & Data", "Ops & Data"),
        ("a > b", "a b"),
    ],
)
def test_plain_text_of_text_html_parsing_changes(text: str, expected: str) -> None:
    assert plain_text(text) == expected
