"""Recruitee `salary` objects -> Salary: the table is the specification."""

from __future__ import annotations

from typing import Any

import pytest

from models.enums import Period
from scraper.normalization.stated import READERS, recruitee
from scraper.normalization.stated.recruitee import salary_from_recruitee

CASES: list[tuple[Any, tuple[float | None, float | None, str | None, Period | None, str] | None]] = [
    ({"min": "65000", "max": "85000", "currency": "EUR", "period": "year"},
     (65000.0, 85000.0, "EUR", Period.YEAR, "EUR 65000-85000 / year")),
    ({"min": "5500", "max": "7000", "currency": "EUR", "period": "month"},
     (5500.0, 7000.0, "EUR", Period.MONTH, "EUR 5500-7000 / month")),
    ({"min": "18", "max": "22.5", "currency": "GBP", "period": "hour"},
     (18.0, 22.5, "GBP", Period.HOUR, "GBP 18-22.5 / hour")),
    ({"min": 900, "max": 1100, "currency": "usd", "period": "Weekly"},
     (900.0, 1100.0, "USD", Period.WEEK, "USD 900-1100 / Weekly")),
    ({"min": "400", "max": None, "currency": "EUR", "period": "per_day"},
     (400.0, None, "EUR", Period.DAY, "EUR 400+ / per_day")),
    ({"min": "3000", "max": "3500", "currency": "PLN", "period": "fortnight"},
     (3000.0, 3500.0, "PLN", None, "PLN 3000-3500 / fortnight")),
    ({"min": "60000", "max": "80000", "currency": None, "period": None}, (60000.0, 80000.0, None, None, "60000-80000")),
    ({"min": None, "max": None, "currency": "EUR", "period": "year"}, None),
    # Recruitee states "no pay" as null: a 0 is a zero, kept for validation to flag
    ({"min": "0", "max": "0", "currency": "EUR", "period": "year"}, (0.0, 0.0, "EUR", Period.YEAR, "EUR 0 / year")),
    ({"min": "n/a", "max": [], "currency": 3, "period": {}}, None),
    (None, None),
    ("EUR 60000-80000", None),
]  # fmt: skip


@pytest.mark.parametrize(("data", "expected"), CASES, ids=[repr(data) for data, _ in CASES])
def test_salary_from_recruitee(data: Any, expected: tuple[Any, ...] | None) -> None:
    salary = salary_from_recruitee(data)
    if expected is None:
        assert salary is None
    else:
        assert salary is not None
        assert (salary.min, salary.max, salary.currency, salary.period, salary.raw) == expected


def test_registered_under_its_format() -> None:
    assert READERS["recruitee"] is recruitee.read
