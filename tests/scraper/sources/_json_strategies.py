"""Hypothesis strategies for the JSON API adapters: any JSON value, biased to a kind's keys and words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)


def json_values(keys: Sequence[str], words: Sequence[str]) -> st.SearchStrategy[Any]:
    """JSON values of every type whose objects mostly use `keys` and whose strings include `words`."""
    return st.recursive(
        SCALARS | st.sampled_from(list(words)),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.sampled_from(list(keys)) | st.text(max_size=4), inner, max_size=4)
        ),
        max_leaves=12,
    )
