"""Plain amounts whose currency and period an API documents (RemoteOK, json-api field mappings) -> Salary.

The data a source hands over is `{"min", "max", "currency", "period", "unit"}`: the two numbers as found and
what the source's configuration says they are. A 0 is "not given" here: RemoteOK documents it so (83 of 99
sampled postings state 0-0; docs/FORMATS.md section 6a) and json-api mappings follow that convention. A negative
amount means nothing of the kind and is kept for validation to flag (`salary_not_positive`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models.enums import Period, PeriodBasis
from models.records import Salary
from scraper.normalization.stated._shared import currency_code, raw_text, stated_bounds


def salary_from_amounts(
    minimum: Any,
    maximum: Any,
    *,
    currency: str | None,
    period: Period | None,
    unit: str | None = None,
    zero_is_given: bool = False,
) -> Salary | None:
    """Two numbers whose currency and period the API documents (not the item): a Salary, or None when neither is given.

    Zero means "not given" unless `zero_is_given` (a format whose "not given" is null: then a salary of nothing
    but zeros is a zero, which validation flags); one bound may stand alone (open-ended range). A negative bound
    is kept either way (`stated_bounds`).

    (140000, 185000, currency="USD", period=YEAR) -> 140000.0-185000.0 USD per year, raw "USD 140000-185000 / year"
    (90000, 0, currency="USD", period=YEAR) -> min 90000.0, max None
    (0, 0, ...) -> None
    (-5, 0, ...) -> min -5.0 (flagged by validation)
    """
    low, high = stated_bounds(minimum, maximum, zero_means_not_given=not zero_is_given)
    if low is None and high is None:
        return None
    code = currency_code(currency)
    stated = unit if unit is not None else (period.value if period is not None else None)
    return Salary(
        min=low,
        max=high,
        currency=code,
        period=period,
        period_basis=PeriodBasis.STATED,
        raw=raw_text(code, low, high, unit=stated),
    )


def salary_from_remoteok(salary_min: Any, salary_max: Any) -> Salary | None:
    """RemoteOK `salary_min`/`salary_max`: integer USD per year by the API's documentation; 0 means unknown.

    (140000, 185000) -> 140000.0-185000.0 USD per year
    (90000, 0) -> from 90000.0 USD per year (max None)
    (0, 0) -> None
    """
    return salary_from_amounts(salary_min, salary_max, currency="USD", period=Period.YEAR)


def read(data: Any) -> Salary | None:
    """The reader for format "amounts": `{"min", "max", "currency", "period", "unit"}`.

    >>> read({"min": 140000, "max": 185000, "currency": "USD", "period": "year"}).raw
    'USD 140000-185000 / year'
    >>> read({"min": 0, "max": 0, "currency": "USD", "period": "year"}) is None
    True
    """
    if not isinstance(data, Mapping):
        return None
    period = data.get("period")
    return salary_from_amounts(
        data.get("min"),
        data.get("max"),
        currency=data.get("currency") if isinstance(data.get("currency"), str) else None,
        period=Period(period) if period in {p.value for p in Period} else None,
        unit=data.get("unit") if isinstance(data.get("unit"), str) else None,
    )
