"""The distribution of the union of several sorted lists of salaries, found without merging them.

A statistic over many stored parts (salary periods: one sorted list per week) equals models.salary_stats.describe
of their concatenation, sorted: counts, extremes and histogram bins add up part by part, and each quantile is
models.salary_stats.percentile_cont over `SortedUnion`, a read-only view whose k-th item is found from a sample of
every part, and the few values around it sorted.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import overload

from models.salary_stats import QUANTILES, Distribution, histogram_bins, percentile_cont


def pack_values(values: Sequence[float]) -> bytes:
    """`values` as little-endian IEEE doubles (how salary periods store their sorted lists).

    >>> unpack_values(pack_values([1.5, float("inf")])).tolist()
    [1.5, inf]
    """
    packed = array("d", values)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def unpack_values(data: bytes) -> array[float]:
    """The values of pack_values, as a sequence of floats (no Python object per value until one is read)."""
    values = array("d")
    values.frombytes(data)
    if sys.byteorder == "big":
        values.byteswap()
    return values


# Every SAMPLE_STEP-th value of each part is sampled: the k-th item lies near the sample's (k / SAMPLE_STEP)-th.
SAMPLE_STEP = 16


class SortedUnion(Sequence[float]):
    """The ascending union of sorted lists (ties kept), for indexing: union[k] is the k-th smallest value."""

    def __init__(self, parts: Iterable[Sequence[float]]) -> None:
        self.parts = [part for part in parts if part]
        self.size = sum(map(len, self.parts))
        sample: list[float] = []
        for part in self.parts:
            sample += part[SAMPLE_STEP - 1 :: SAMPLE_STEP]
        sample.sort()
        self.sample = sample
        # the last window of the union sorted: (rank of its first value, its values)
        self.window: tuple[int, list[float]] = (0, [])

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> float: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[float]: ...

    def __getitem__(self, index: int | slice) -> float | Sequence[float]:
        if isinstance(index, slice):
            raise TypeError("SortedUnion is indexed one item at a time")
        if index < 0:
            index += self.size
        if not 0 <= index < self.size:
            raise IndexError(index)
        first, values = self.window
        if not first <= index < first + len(values):
            first, values = self.window = self._window_of(index)
        return values[index - first]

    def _window_of(self, rank: int) -> tuple[int, list[float]]:
        """Sorted, the values from a sampled value `low` to one `high` that hold the `rank`-th, and the rank of
        `low`'s first occurrence: the counts below `low` and up to `high` prove the bracket; a wider one is
        tried until they do (at worst every value)."""
        sample, parts = self.sample, self.parts
        # each part holds (SAMPLE_STEP - 1) / 2 unsampled values below a sampled one, on average
        guess, width = max(0, rank - len(parts) * (SAMPLE_STEP - 1) // 2) // SAMPLE_STEP, 2
        while True:
            lo, hi = min(guess - width, len(sample) - 1), guess + width
            starts = [bisect_left(part, sample[lo]) for part in parts] if lo >= 0 else [0] * len(parts)
            below = sum(starts)
            if below <= rank:
                ends = [bisect_right(part, sample[hi]) for part in parts] if hi < len(sample) else list(map(len, parts))
                if rank < sum(ends):
                    break
            width *= 4
        values: list[float] = []
        for part, start, end in zip(parts, starts, ends, strict=True):
            values += part[start:end]
        values.sort()
        return below, values


def describe_union(parts: Iterable[Sequence[float]], excluded: int = 0) -> Distribution:
    """models.salary_stats.describe of the sorted concatenation of `parts` (each ascending), `excluded` beside."""
    union = SortedUnion(parts)
    if not union:
        return Distribution(excluded=excluded)
    return Distribution(
        count=len(union),
        excluded=excluded,
        minimum=min(part[0] for part in union.parts),
        maximum=max(part[-1] for part in union.parts),
        quantiles=tuple(percentile_cont(union, q) for q in QUANTILES),
        bins=histogram_bins(union.parts),
    )
