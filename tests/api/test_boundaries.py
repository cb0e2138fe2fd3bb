"""Cursors refuse what they did not issue. (That the API never imports `scraper` is held by
tests/test_codebase.py, for all three packages.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.cursor import InvalidCursor, decode_cursor, encode_cursor


def test_cursor_round_trip() -> None:
    moment = datetime(2026, 11, 29, 10, 0, 0, 123456, tzinfo=UTC)
    assert decode_cursor(encode_cursor(moment, 42)) == (moment, 42)


@pytest.mark.parametrize(
    "cursor",
    ["", "abc", "djEu", "!!!!", "djEuOTk5OTk5OTk5OTk5OTk5OTk5OTk5LjE", "djEuMS4y0", "eDEuMS4y"],
)
def test_foreign_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor)
