"""Statistical salary outliers within a group of postings (a role category): median and MAD on log annual USD.

Pure and robust: needs enough samples, never drops anything; the pipeline decides what group to pass.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from typing import Final

from models.flags import SALARY_OUTLIER
from models.records import Flag

OUTLIER_CODE: Final = SALARY_OUTLIER
# Iglewicz and Hoaglin's modified z-score: 0.6745 * (x - median) / MAD, outlier above 3.5.
_Z_SCALE: Final = 0.6745
# When more than half the values are equal MAD is 0; the mean absolute deviation scaled to the normal
# (sqrt(pi/2) = 1.2533) keeps the test defined instead of calling every other value an outlier.
_MEAN_AD_SCALE: Final = 1.253314


def outlier_ids(values: Mapping[int, float], *, min_samples: int = 20, threshold: float = 3.5) -> set[int]:
    """Ids whose value (an annual USD midpoint) is a robust outlier on the log scale among `values`.

    Values that are not positive finite numbers are left out (they cannot be logged) and never flagged
    here. Fewer than `min_samples` usable values: no outliers (a median of five postings says nothing).

    >>> pay = {i: 100_000.0 + 1_000 * i for i in range(25)}
    >>> outlier_ids({**pay, 99: 1_111_111_000.0})
    {99}
    >>> outlier_ids({1: 50_000.0, 2: 5_000_000.0})
    set()
    """
    bounds = outlier_bounds(list(values.values()), min_samples=min_samples, threshold=threshold)
    if bounds is None:
        return set()
    return {key for key, value in values.items() if is_outlier(value, bounds)}


def outlier_bounds(
    values: Sequence[float], *, min_samples: int = 20, threshold: float = 3.5
) -> tuple[float, float] | None:
    """The (low, high) annual USD range outside which a value of this group is an outlier (exclusive), or None
    when the group has too few usable values or no spread. Lets a caller judge new values against a group's
    distribution without holding the group in memory.

    >>> low, high = outlier_bounds([100_000.0 + 1_000 * i for i in range(25)])
    >>> round(low), round(high)
    (84166, 149039)
    """
    logs = [math.log(value) for value in values if math.isfinite(value) and value > 0]
    if len(logs) < max(min_samples, 3):
        return None
    center = statistics.median(logs)
    deviations = [abs(x - center) for x in logs]
    mad = statistics.median(deviations)
    if mad > 0:
        scale = mad / _Z_SCALE
    else:
        mean_ad = statistics.fmean(deviations)
        if mean_ad == 0:
            return None
        scale = mean_ad * _MEAN_AD_SCALE
    return math.exp(center - threshold * scale), math.exp(center + threshold * scale)


def is_outlier(value: float, bounds: tuple[float, float]) -> bool:
    """True when a positive finite `value` lies outside `bounds` (from `outlier_bounds`)."""
    return math.isfinite(value) and value > 0 and not bounds[0] <= value <= bounds[1]


def outlier_flag(value: float, median: float) -> Flag:
    """The flag for a posting `outlier_ids` picked, telling how far it sits from its group's median.

    >>> outlier_flag(1_111_111_000.0, 120_000.0).message
    'annual midpoint 1.1 billion USD is 9,259 times the median of 120,000 USD in its category'
    >>> outlier_flag(9_000.0, 120_000.0).message
    'annual midpoint 9,000 USD is 13.3 times below the median of 120,000 USD in its category'
    """
    if value > 0 and median > 0:
        ratio = value / median
        relation = f"{_figure(ratio)} times" if ratio >= 1 else f"{_figure(1 / ratio)} times below"
    else:
        relation = "far from"
    return Flag(
        OUTLIER_CODE,
        f"annual midpoint {_figure(value)} USD is {relation} the median of {_figure(median)} USD in its category",
    )


def _figure(value: float) -> str:
    if abs(value) >= 1e9:
        return f"{value / 1e9:.1f} billion"
    if abs(value) >= 1e6:
        return f"{value / 1e6:.1f} million"
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.1f}"
