"""schema.org `baseSalary` (MonetaryAmount / QuantitativeValue / PriceSpecification) -> `Salary` (format "schema_org").

Pure. Maps only what the JSON states; a free-text salary string is not parsed here (it returns None and the
source keeps the text as `salary_text` for `parse_salary`). A 0 is a zero: schema.org says "no salary" by leaving
`baseSalary` out, so an amount of zeros, or a negative one, is kept for validation to flag (`salary_not_positive`);
a 0 beside a positive bound is the open end of the range.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping

from models.enums import Period, PeriodBasis
from models.records import Salary
from scraper.normalization.stated._shared import open_ended

# schema.org defines HOUR, DAY, WEEK, MONTH, YEAR; career-page templates also print casing variants and
# synonyms ("year", "ANNUAL", "PER_YEAR"; FORMATS.md section 7). Anything else is an unknown period (None).
UNIT_PERIODS: dict[str, Period] = {
    "HOUR": Period.HOUR,
    "HOURLY": Period.HOUR,
    "DAY": Period.DAY,
    "DAILY": Period.DAY,
    "WEEK": Period.WEEK,
    "WEEKLY": Period.WEEK,
    "MONTH": Period.MONTH,
    "MONTHLY": Period.MONTH,
    "YEAR": Period.YEAR,
    "YEARLY": Period.YEAR,
    "ANNUAL": Period.YEAR,
    "ANNUALLY": Period.YEAR,
    "ANNUM": Period.YEAR,
}
# "85,000" and "85000.50" are numbers; "85.000" (a European thousands dot?) and "$85,000" are not ours to guess.
PLAIN_NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
DOTTED_GROUPS_RE = re.compile(r"^-?\d{1,3}(?:\.\d{3})+$")
GROUPED_NUMBER_RE = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
CURRENCY_RE = re.compile(r"^[A-Za-z]{3}$")


def salary_from_schema_org(base_salary: object, *, currency: str | None = None) -> Salary | None:
    """The Salary a schema.org `baseSalary` states, or None when it states no amount we can read.

    `currency` is the JobPosting's top-level `salaryCurrency`, used when `baseSalary` names none.
    A single `value` is both bounds; `unitText` gives the period (unknown units give None, never a guess).

    >>> value = {"minValue": 62000, "maxValue": 78000, "unitText": "YEAR"}
    >>> s = salary_from_schema_org({"currency": "EUR", "value": value})
    >>> (s.min, s.max, s.currency, s.period.value, s.period_basis.value)
    (62000.0, 78000.0, 'EUR', 'year', 'stated')
    >>> salary_from_schema_org({"currency": "USD", "value": {"value": "45.5", "unitText": "hour"}}).period.value
    'hour'
    >>> salary_from_schema_org(95000, currency="USD").raw
    '95000'
    >>> salary_from_schema_org("$50,000 - $60,000") is None
    True
    """
    if isinstance(base_salary, Mapping):
        return _from_amount(base_salary, currency)
    amount = _number(base_salary)
    if amount is None:
        return None
    return Salary(
        min=amount,
        max=amount,
        currency=_currency(currency),
        period=None,
        period_basis=PeriodBasis.STATED,
        raw=_compact(base_salary),
    )


def _from_amount(amount: Mapping[object, object], fallback_currency: str | None) -> Salary | None:
    currency = _currency(amount.get("currency") or amount.get("priceCurrency") or fallback_currency)
    value = amount.get("value")
    unit = amount.get("unitText")
    if isinstance(value, Mapping):
        low, high = _bounds(value)
        unit = value.get("unitText", unit)
    elif value is not None:
        low = high = _number(value)
    else:
        # PriceSpecification spells the amount price / minPrice / maxPrice.
        low = _number(amount.get("minPrice", amount.get("minValue", amount.get("price"))))
        high = _number(amount.get("maxPrice", amount.get("maxValue", amount.get("price"))))
    low, high = open_ended(low, high)
    if low is None and high is None:
        return None
    return Salary(
        min=low,
        max=high,
        currency=currency,
        period=_period(unit),
        period_basis=PeriodBasis.STATED,
        raw=_compact(amount),
    )


def _bounds(value: Mapping[object, object]) -> tuple[float | None, float | None]:
    low = _number(value.get("minValue"))
    high = _number(value.get("maxValue"))
    if low is None and high is None:
        # "value alongside minValue" (FORMATS.md section 7) only counts when no bound is stated.
        single = _number(value.get("value"))
        return single, single
    return low, high


def _number(value: object) -> float | None:
    """A finite number of either sign (a zero or negative one is stated, and validation flags it); else None."""
    if isinstance(value, bool):
        return None
    number: float | None = None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float
            return None
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        if DOTTED_GROUPS_RE.match(text):
            return None
        if PLAIN_NUMBER_RE.match(text) or GROUPED_NUMBER_RE.match(text):
            number = float(text.replace(",", ""))
    return number if number is not None and math.isfinite(number) else None  # NaN and infinity are not amounts


def _period(unit: object) -> Period | None:
    if not isinstance(unit, str):
        return None
    key = unit.strip().upper().replace("-", "_").replace(" ", "_")
    key = key.removeprefix("PER_")
    return UNIT_PERIODS.get(key)


def _currency(value: object) -> str | None:
    if isinstance(value, str) and CURRENCY_RE.match(value.strip()):
        return value.strip().upper()
    return None


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def read(data: object) -> Salary | None:
    """The reader for format "schema_org": `{"baseSalary": ..., "salaryCurrency": ...}` as the JobPosting states them.

    >>> read({"baseSalary": 95000, "salaryCurrency": "USD"}).currency
    'USD'
    """
    if not isinstance(data, Mapping):
        return None
    currency = data.get("salaryCurrency")
    return salary_from_schema_org(data.get("baseSalary"), currency=currency if isinstance(currency, str) else None)
