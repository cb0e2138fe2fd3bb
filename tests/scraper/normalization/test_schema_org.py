"""salary_from_schema_org: the table of schema.org baseSalary shapes seen on career pages (FORMATS.md section 7)."""

from __future__ import annotations

from typing import Any

import pytest

from models.enums import Period, PeriodBasis
from scraper.normalization.stated.schema_org import salary_from_schema_org


@pytest.mark.parametrize(
    ("base_salary", "currency", "expected"),
    [
        (
            {"currency": "EUR", "value": {"minValue": 62000, "maxValue": 78000, "unitText": "YEAR"}},
            None,
            (62000.0, 78000.0, "EUR", Period.YEAR),
        ),
        ({"currency": "USD", "value": {"value": 45.5, "unitText": "HOUR"}}, None, (45.5, 45.5, "USD", Period.HOUR)),
        (
            {"currency": "USD", "value": {"minValue": "85,000", "unitText": "year"}},
            None,
            (85000.0, None, "USD", Period.YEAR),
        ),
        (
            {"currency": "USD", "value": {"minValue": 90000, "value": 95000, "unitText": "ANNUAL"}},
            None,
            (90000.0, None, "USD", Period.YEAR),
        ),
        (
            {"currency": "USD", "value": {"maxValue": 500, "unitText": "PER_DAY"}},
            None,
            (None, 500.0, "USD", Period.DAY),
        ),
        ({"currency": "GBP", "value": {"value": 600, "unitText": "weekly"}}, None, (600.0, 600.0, "GBP", Period.WEEK)),
        (
            {"currency": "INR", "value": {"minValue": 150000, "maxValue": 200000, "unitText": "MONTH"}},
            None,
            (150000.0, 200000.0, "INR", Period.MONTH),
        ),
        (
            {"currency": "USD", "value": {"minValue": 1, "maxValue": 2, "unitText": "FORTNIGHT"}},
            None,
            (1.0, 2.0, "USD", None),
        ),
        ({"value": 70000}, "CHF", (70000.0, 70000.0, "CHF", None)),
        ({"value": "85000.50", "currency": "$"}, None, (85000.5, 85000.5, None, None)),
        (
            {"@type": "PriceSpecification", "priceCurrency": "EUR", "minPrice": 50000, "maxPrice": 60000},
            None,
            (50000.0, 60000.0, "EUR", None),
        ),
        (95000, "USD", (95000.0, 95000.0, "USD", None)),
        ("85,000", None, (85000.0, 85000.0, None, None)),
    ],
    ids=lambda value: str(value)[:70] if not isinstance(value, tuple) else None,
)
def test_stated_salaries(base_salary: Any, currency: str | None, expected: tuple[Any, ...]) -> None:
    salary = salary_from_schema_org(base_salary, currency=currency)
    assert salary is not None
    assert (salary.min, salary.max, salary.currency, salary.period) == expected
    assert salary.period_basis is PeriodBasis.STATED
    assert salary.raw  # the JSON it came from, compact


@pytest.mark.parametrize(
    "base_salary",
    [
        None,
        "$50,000 - $60,000",
        "$120,000",
        "85.000",
        True,
        float("nan"),
        {"currency": "USD"},
        {"currency": "USD", "value": "$120,000"},
        {"currency": "USD", "value": {"unitText": "YEAR"}},
        [62000, 78000],
    ],
    ids=str,
)
def test_no_stated_amount_is_none(base_salary: Any) -> None:
    assert salary_from_schema_org(base_salary) is None


def test_raw_is_a_compact_rendering() -> None:
    salary = salary_from_schema_org({"currency": "EUR", "value": {"value": 1}})
    assert salary is not None and salary.raw == '{"currency":"EUR","value":{"value":1}}'
