"""Findings about one salary on its own: reversed ranges, figures no employer pays, periods that contradict them.

Pure; flags, never drops or corrects (the record keeps the stated figures). Statistical outliers within a
category need the other postings and live in outliers.py.
"""

from __future__ import annotations

import functools
from typing import Final

from models.enums import Period, PeriodBasis
from models.flags import SALARY_IMPLAUSIBLE, SALARY_MIN_GT_MAX, SALARY_NOT_POSITIVE, SALARY_PERIOD_MISMATCH
from models.records import Flag, Salary
from scraper.normalization.currency import PERIODS_PER_YEAR, Rates, load_rates

MIN_GT_MAX: Final = SALARY_MIN_GT_MAX
NOT_POSITIVE: Final = SALARY_NOT_POSITIVE
IMPLAUSIBLE: Final = SALARY_IMPLAUSIBLE
PERIOD_MISMATCH: Final = SALARY_PERIOD_MISMATCH

# Limits from the issue: no real salary is over 5 million USD a year or 2,000 USD an hour, and no
# full-time pay is under 1,000 USD a year.
MAX_ANNUAL_USD: Final = 5_000_000.0
MAX_HOURLY_USD: Final = 2_000.0
MIN_ANNUAL_USD: Final = 1_000.0
# "1111111", "999999": six or more of one digit (after trailing zeros) is a placeholder, not a negotiated figure.
MIN_PLACEHOLDER_DIGITS: Final = 6
# Where a figure sits for each period when the period is right (USD); used only to say which period a
# contradicted figure reads like ("$150,000/hour" reads yearly, "$25/year" reads hourly).
_TYPICAL_USD: Final[dict[Period, tuple[float, float]]] = {
    Period.YEAR: (10_000.0, 1_000_000.0),
    Period.MONTH: (800.0, 80_000.0),
    Period.HOUR: (5.0, 500.0),
    Period.DAY: (40.0, 4_000.0),
    Period.WEEK: (200.0, 20_000.0),
}
_PERIOD_ADJECTIVE: Final = {
    Period.YEAR: "yearly",
    Period.MONTH: "monthly",
    Period.WEEK: "weekly",
    Period.DAY: "daily",
    Period.HOUR: "hourly",
}


@functools.cache
def _bundled_rates() -> Rates:
    # The bundled table is static package data, so reading it once per process is safe.
    return load_rates()


def salary_flags(salary: Salary, rates: Rates | None = None) -> list[Flag]:
    """Flags for one salary: `salary_not_positive`, `salary_min_gt_max`, `salary_implausible`, `salary_period_mismatch`.

    A zero or negative bound ("$0", "USD 0 - 0") is no salary at all: it gets `salary_not_positive` alone.

    Magnitudes are judged in USD after conversion (so "¥6,000,000" a year is fine and "$6,000,000" is not);
    with an unknown currency or period only the currency-free checks run. `rates` defaults to the bundled table.

    >>> y = Period.YEAR
    >>> [f.code for f in salary_flags(Salary(1111111000, 1111111000, "USD", y, PeriodBasis.INFERRED, "USD 1111111K"))]
    ['salary_implausible']
    >>> salary_flags(Salary(1111111000, 1111111000, "USD", y, PeriodBasis.INFERRED, "x"))[0].message
    'annual maximum 1.1 billion USD is beyond any real salary'
    >>> [f.code for f in salary_flags(Salary(150000, 120000, "USD", y, PeriodBasis.STATED, "x"))]
    ['salary_min_gt_max']
    >>> salary_flags(Salary(60000, 120000, "USD", y, PeriodBasis.INFERRED, "USD 60K - 120K"))
    []
    """
    table = rates if rates is not None else _bundled_rates()
    not_positive = [(name, value) for name, value in _bounds(salary) if value <= 0]
    if not_positive:
        name, value = not_positive[0]
        return [Flag(NOT_POSITIVE, f"{name} {_amount(value)} is not a salary ({salary.raw!r} states no pay)")]
    flags: list[Flag] = []
    if salary.min is not None and salary.max is not None and salary.min > salary.max:
        flags.append(Flag(MIN_GT_MAX, f"minimum {_amount(salary.min)} is greater than maximum {_amount(salary.max)}"))
    mismatch = _period_mismatch(salary, table)
    # An inferred period that makes the figure absurd is our reading's fault, not the posting's: say only
    # that the period is wrong ("VND 25,000,000" is a monthly figure, not 950 USD a year).
    magnitude = None if mismatch and salary.period_basis is PeriodBasis.INFERRED else _magnitude(salary, table)
    implausible = magnitude or _placeholder(salary)
    if implausible:
        flags.append(Flag(IMPLAUSIBLE, implausible))
    if mismatch:
        flags.append(Flag(PERIOD_MISMATCH, mismatch))
    return flags


def _bounds(salary: Salary) -> list[tuple[str, float]]:
    return [(name, value) for name, value in (("minimum", salary.min), ("maximum", salary.max)) if value is not None]


def _placeholder(salary: Salary) -> str | None:
    for name, value in _bounds(salary):
        if value <= 0 or value != int(value):
            continue
        significant = str(int(value)).rstrip("0")
        if len(significant) >= MIN_PLACEHOLDER_DIGITS and len(set(significant)) == 1:
            return f"{name} {_amount(value)} is a placeholder of repeated {significant[0]}s, not a salary"
    return None


def _magnitude(salary: Salary, rates: Rates) -> str | None:
    usd = rates.usd_per(salary.currency)
    if salary.period is None or usd is None:
        return None
    if salary.period is Period.HOUR:
        for name, value in _bounds(salary):
            if value * usd > MAX_HOURLY_USD:
                return f"hourly {name} {_amount(value * usd)} USD is beyond any real hourly rate"
    per_year = PERIODS_PER_YEAR[salary.period] * usd
    highest = max(reversed(_bounds(salary)), key=lambda b: b[1], default=None)
    if highest is not None and highest[1] * per_year > MAX_ANNUAL_USD:
        return f"annual {highest[0]} {_amount(highest[1] * per_year)} USD is beyond any real salary"
    lowest = min((b for b in _bounds(salary) if b[1] > 0), key=lambda b: b[1], default=None)
    if lowest is not None and lowest[1] * per_year < MIN_ANNUAL_USD:
        return f"annual {lowest[0]} {_amount(lowest[1] * per_year)} USD is below any real full-time pay"
    return None


def _period_mismatch(salary: Salary, rates: Rates) -> str | None:
    """The period contradicts the figure when the figure is implausible as stated but typical for another period."""
    usd = rates.usd_per(salary.currency)
    if salary.period is None or usd is None:
        return None
    values = [value * usd for _, value in _bounds(salary) if value > 0]
    if not values:
        return None
    annual = [v * PERIODS_PER_YEAR[salary.period] for v in values]
    hourly_too_high = salary.period is Period.HOUR and max(values) > MAX_HOURLY_USD
    if not (hourly_too_high or max(annual) > MAX_ANNUAL_USD or min(annual) < MIN_ANNUAL_USD):
        return None
    stated = _PERIOD_ADJECTIVE[salary.period]
    for period, (low, high) in _TYPICAL_USD.items():
        if period is not salary.period and all(low <= v <= high for v in values):
            figure = f"{_amount(max(values))} USD"
            return f"{figure} reads like {_article(_PERIOD_ADJECTIVE[period])} figure, not {_article(stated)} one"
    return None


def _article(word: str) -> str:
    return f"an {word}" if word[0] in "aeiouh" else f"a {word}"


def _amount(value: float) -> str:
    """A figure as a person reads it: "1.1 billion", "5.2 million", "150,000", "45.5".

    The unit is chosen after rounding, so 999,999,999 reads "1.0 billion", not "1000.0 million".

    >>> _amount(999_999_999), _amount(999_960), _amount(5_200_000)
    ('1.0 billion', '1.0 million', '5.2 million')
    """
    magnitude = abs(value)
    if round(magnitude / 1e6, 1) >= 1000:
        return f"{value / 1e9:.1f} billion"
    if round(magnitude / 1e6, 1) >= 1:
        return f"{value / 1e6:.1f} million"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}"
