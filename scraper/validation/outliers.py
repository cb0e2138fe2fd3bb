"""Statistical salary outliers within a group of postings (a role category): median and MAD on log annual USD.

Pure and robust: needs enough samples, never drops anything; the pipeline decides what group to pass.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from typing import Final

from models.records import Flag

OUTLIER_CODE: Final = "salary_outlier"
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
    logs = {key: math.log(value) for key, value in values.items() if math.isfinite(value) and value > 0}
    if len(logs) < max(min_samples, 3):
        return set()
    center = statistics.median(logs.values())
    deviations = [abs(x - center) for x in logs.values()]
    mad = statistics.median(deviations)
    if mad > 0:
        scale = mad / _Z_SCALE
    else:
        mean_ad = statistics.fmean(deviations)
        if mean_ad == 0:
            return set()
        scale = mean_ad * _MEAN_AD_SCALE
    return {key for key, x in logs.items() if abs(x - center) / scale > threshold}


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
