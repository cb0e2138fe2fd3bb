"""JSON columns are read by orjson where it reads what json.loads reads, and by json.loads where it would not."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.db import read_json

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


def _read_alike(text: str) -> None:
    expected = json.dumps(json.loads(text))  # ints and floats, -0.0 and NaN stay apart in the dump
    assert json.dumps(read_json(text)) == expected
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a raw lone surrogate: no database hands such bytes back
        return
    assert json.dumps(read_json(data)) == expected


@given(JSON_VALUES, st.booleans())
def test_json_columns_read_as_json_loads_reads_them(value: Any, ascii_only: bool) -> None:
    _read_alike(json.dumps(value, ensure_ascii=ascii_only))


@pytest.mark.parametrize(
    "text",
    [
        "12345678901234567890123",
        "-9223372036854775809",
        "18446744073709551616",
        "[1e400, -1e400, 1e-400]",
        '"\\ud83d"',
        "[NaN, -Infinity]",
        '{"a": 1, "a": 2}',
        "1.00000000000000000001",
        '["Python", {"code": "salary_outlier", "message": "far"}]',
    ],
)
def test_json_edges_read_as_json_loads_reads_them(text: str) -> None:
    _read_alike(text)
