"""The API never imports `scraper` (the database is the contract); cursors refuse what they did not issue."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.cursor import InvalidCursor, decode_cursor, encode_cursor

API = Path(__file__).resolve().parents[2] / "api"


@pytest.mark.parametrize("module", sorted(p.relative_to(API).as_posix() for p in API.rglob("*.py")))
def test_api_does_not_import_scraper(module: str) -> None:
    tree = ast.parse((API / module).read_text(encoding="utf-8"))
    imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [name for name in imported if name == "scraper" or name.startswith("scraper.")]


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
