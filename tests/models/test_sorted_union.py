"""models.sorted_union: the distribution of sorted parts is describe of their sorted concatenation, exactly (ties,
bin edges, infinite values, empty and single-value parts, many parts), and SortedUnion indexes as the merge."""

from __future__ import annotations

import itertools
import math

from hypothesis import given
from hypothesis import strategies as st

from models.salary_stats import describe
from models.sorted_union import SortedUnion, describe_union, pack_values, unpack_values

# values that tie, sit on a bin edge or just under one, lie beyond the histogram's top, or are infinite
VALUES = st.one_of(
    st.sampled_from((60_000.0, 59_999.99, 80_000.0, 2_500_000.0, math.inf)),
    st.floats(min_value=1_000.0, max_value=900_000.0),
)
PARTS = st.lists(st.lists(VALUES, max_size=70).map(sorted), max_size=60)


def same(found: object, expected: object) -> bool:  # NaN (inf - inf interpolated) equals itself here
    return repr(found) == repr(expected)


@given(PARTS, st.integers(0, 3))
def test_the_distribution_of_parts_is_that_of_their_merge(parts: list[list[float]], excluded: int) -> None:
    merged = sorted(itertools.chain(*parts))
    assert same(describe_union(parts, excluded), describe(merged, excluded))
    union = SortedUnion(parts)
    assert len(union) == len(merged)
    assert same([union[k] for k in range(len(merged))], merged)
    assert same([union[-k] for k in range(1, len(merged) + 1)], merged[::-1])


@given(st.lists(VALUES))
def test_packed_values_read_back_as_they_were(values: list[float]) -> None:
    assert same(unpack_values(pack_values(values)).tolist(), values)
