"""The period of a salary that states none: one inference for text and structured values, then a check of size.

Pure; needs the rate table only to judge size in USD. A stated period is never changed here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Final

from models.enums import Period, PeriodBasis
from models.records import Salary
from scraper.normalization.currency import PERIODS_PER_YEAR, Rates

# The inference rule: with no stated period, a figure over 10,000 is yearly (text also counts K/M figures).
YEARLY_ABOVE: Final = 10_000
# A yearly reading under this many USD is no full-time salary anywhere; the same figure a month is one when the
# monthly reading lands in the band below ("USD 3K - 4K", "VND 25,000,000", "Rp 10.000.000" are monthly pay).
YEARLY_USD_FLOOR: Final = 10_000.0
MONTHLY_READING_USD: Final = (3_000.0, 1_000_000.0)


def yearly_by_size(values: Iterable[float | None]) -> bool:
    """True when a figure with no stated period reads as yearly by size alone (over 10,000).

    >>> yearly_by_size([90000.0, None]), yearly_by_size([45.0, 55.0])
    (True, False)
    """
    return any(value is not None and value > YEARLY_ABOVE for value in values)


def infer_period(salary: Salary, rates: Rates) -> Salary:
    """The salary with a period inferred when none is stated, and an inferred yearly period that is implausible
    for its size read as monthly. `period_basis` says `inferred` whenever the period was not stated.

    >>> from datetime import date
    >>> r = Rates(date(2026, 12, 1), {"USD": 1.0})
    >>> s = infer_period(Salary(168500, 168500, "USD", None, PeriodBasis.STATED, "USD 168500"), r)
    >>> s.period.value, s.period_basis.value
    ('year', 'inferred')
    >>> infer_period(Salary(3000, 4000, "USD", Period.YEAR, PeriodBasis.INFERRED, "USD 3K - 4K"), r).period.value
    'month'
    >>> infer_period(Salary(3000, 4000, "USD", Period.YEAR, PeriodBasis.STATED, "$3,000 - $4,000 a year"), r).period
    <Period.YEAR: 'year'>
    """
    if salary.period is None:
        if not yearly_by_size((salary.min, salary.max)):
            return salary
        salary = dataclasses.replace(salary, period=Period.YEAR, period_basis=PeriodBasis.INFERRED)
    if salary.period is not Period.YEAR or salary.period_basis is not PeriodBasis.INFERRED:
        return salary
    usd = rates.usd_per(salary.currency)
    values = [value * usd for value in (salary.min, salary.max) if value is not None and value > 0] if usd else []
    if not values or max(values) >= YEARLY_USD_FLOOR:
        return salary
    low, high = MONTHLY_READING_USD
    monthly = [value * PERIODS_PER_YEAR[Period.MONTH] for value in values]
    if low <= min(monthly) and max(monthly) <= high:
        return dataclasses.replace(salary, period=Period.MONTH)
    return salary
