"""The structured-salary mappers of job APIs: these tables are the specification."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import Period, PeriodBasis
from models.records import Salary
from scraper.normalization.stated.amounts import salary_from_amounts, salary_from_remoteok
from scraper.normalization.stated.ashby import salary_from_ashby
from scraper.normalization.stated.greenhouse import (
    greenhouse_pay_frequency,
    salary_from_greenhouse_job,
    salary_from_greenhouse_metadata,
    salary_from_greenhouse_pay_range,
    salary_from_greenhouse_pay_ranges,
)
from scraper.normalization.stated.lever import salary_from_lever
from tests.properties import examples

HOUR, WEEK, MONTH, YEAR = Period.HOUR, Period.WEEK, Period.MONTH, Period.YEAR


def salary(low: float | None, high: float | None, currency: str | None, period: Period | None, raw: str) -> Salary:
    return Salary(min=low, max=high, currency=currency, period=period, period_basis=PeriodBasis.STATED, raw=raw)


def case(value: Any, expected: Salary | str | None, *extra: Any) -> Any:
    """A table row whose id is the input as JSON text."""
    return pytest.param(value, *extra, expected, id=json.dumps(value, ensure_ascii=False)[:90])


def pay_range(low: Any, high: Any, title: Any = "Annual Salary", currency: Any = "USD") -> dict[str, Any]:
    return {"min_cents": low, "max_cents": high, "currency_type": currency, "title": title}


@pytest.mark.parametrize(
    ("value", "frequency", "expected"),
    [
        case(
            pay_range(21500000, 28000000, "Zone A Annual Salary"),
            salary(215000.0, 280000.0, "USD", YEAR, "Zone A Annual Salary: USD 215000-280000"),
            None,
        ),
        case(
            pay_range(3800, 4550, "Hourly Pay Range"),
            salary(38.0, 45.5, "USD", HOUR, "Hourly Pay Range: USD 38-45.5"),
            None,
        ),
        case(
            pay_range(7200, 7200, "Hourly Pay Range"), salary(72.0, 72.0, "USD", HOUR, "Hourly Pay Range: USD 72"), None
        ),
        case(
            pay_range(9000000, 12000000, "Base salary", "EUR"),
            salary(90000.0, 120000.0, "EUR", None, "Base salary: EUR 90000-120000"),
            None,
        ),
        case(pay_range(9000000, 12000000, ""), salary(90000.0, 120000.0, "USD", None, "USD 90000-120000"), None),
        case(
            pay_range(3800, 4550, ""), salary(38.0, 45.5, "USD", HOUR, "USD 38-45.5 (Pay Frequency: Hourly)"), "Hourly"
        ),
        case(
            pay_range(3800, 4550, "Annual Salary"),
            salary(38.0, 45.5, "USD", YEAR, "Annual Salary: USD 38-45.5"),
            "Hourly",
        ),
        case(
            pay_range(9000000, 12000000, "Monthly base"),
            salary(90000.0, 120000.0, "USD", MONTH, "Monthly base: USD 90000-120000"),
            None,
        ),
        case(
            pay_range(9000000, 12000000, "Hourly or annual"),
            salary(90000.0, 120000.0, "USD", None, "Hourly or annual: USD 90000-120000"),
            None,
        ),
        case(
            pay_range(9000000, 12000000, "Pay", "eur "),
            salary(90000.0, 120000.0, "EUR", None, "Pay: EUR 90000-120000"),
            None,
        ),
        case(
            pay_range("21500000", "28000000"),
            salary(215000.0, 280000.0, "USD", YEAR, "Annual Salary: USD 215000-280000"),
            None,
        ),
        # a 0 beside a positive bound is the open end; a range of zeros is a zero, kept for validation to flag
        case(pay_range(18000000, 0), salary(180000.0, None, "USD", YEAR, "Annual Salary: USD 180000+"), None),
        case(pay_range(None, 18000000, None, None), salary(None, 180000.0, None, None, "up to 180000"), None),
        case(pay_range(0, 0), salary(0.0, 0.0, "USD", YEAR, "Annual Salary: USD 0"), None),
        case(pay_range(-100, None), salary(-1.0, None, "USD", YEAR, "Annual Salary: USD -1+"), None),
        case(pay_range(True, False), None, None),
        case({"title": "Annual Salary"}, None, None),
        case([3800, 4550], None, None),
        case(None, None, None),
    ],
)
def test_salary_from_greenhouse_pay_range(value: Any, frequency: str | None, expected: Salary | None) -> None:
    assert salary_from_greenhouse_pay_range(value, frequency) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        case(
            [
                pay_range(21500000, 28000000, "Zone A Annual Salary"),
                pay_range(19300000, 25200000, "Zone B Annual Salary"),
            ],
            salary(
                193000.0,
                280000.0,
                "USD",
                YEAR,
                "Zone A Annual Salary: USD 215000-280000; Zone B Annual Salary: USD 193000-252000",
            ),
        ),
        case(
            [pay_range(3800, 4550, "Hourly Pay Range"), pay_range(8000000, 9000000, "Annual Salary")],
            salary(38.0, 45.5, "USD", HOUR, "Hourly Pay Range: USD 38-45.5"),
        ),
        case(
            [pay_range(21500000, 28000000, "US Annual"), pay_range(9000000, 11000000, "UK Annual", "GBP")],
            salary(215000.0, 280000.0, "USD", YEAR, "US Annual: USD 215000-280000"),
        ),
        case(
            [pay_range(0, 0, "Zone 0 Annual"), pay_range(10000000, None, "Zone 1 Annual")],
            salary(100000.0, None, "USD", YEAR, "Zone 1 Annual: USD 100000+"),
        ),
        case(
            [pay_range(0, 0, "Zone 1 Annual"), pay_range(0, 0, "Zone 2 Annual")],
            salary(0.0, 0.0, "USD", YEAR, "Zone 1 Annual: USD 0; Zone 2 Annual: USD 0"),
        ),
        case([], None),
        case("21500000", None),
        case({"min_cents": 1}, None),
    ],
)
def test_salary_from_greenhouse_pay_ranges(value: Any, expected: Salary | None) -> None:
    assert salary_from_greenhouse_pay_ranges(value) == expected


RANGE_FIELD = {
    "id": 903,
    "name": "Pay Transparency Range",
    "value_type": "currency_range",
    "value": {"unit": "USD", "min_value": "172800.0", "max_value": "297000.0"},
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        case([RANGE_FIELD], salary(172800.0, 297000.0, "USD", None, "Pay Transparency Range: USD 172800-297000")),
        case(
            [
                {"name": "Pay Frequency", "value": "Hourly", "value_type": "single_select"},
                {**RANGE_FIELD, "value": {"unit": "USD", "min_value": "38.0", "max_value": "45.5"}},
            ],
            salary(38.0, 45.5, "USD", HOUR, "Pay Transparency Range: USD 38-45.5 (Pay Frequency: Hourly)"),
        ),
        case(
            [{**RANGE_FIELD, "name": "Annual Salary Range"}],
            salary(172800.0, 297000.0, "USD", YEAR, "Annual Salary Range: USD 172800-297000"),
        ),
        case(
            [{"name": "Salary", "value_type": "currency", "value": {"unit": "USD", "amount": "168500.0"}}],
            salary(168500.0, 168500.0, "USD", None, "Salary: USD 168500"),
        ),
        case(
            [
                {
                    "name": "Annual Bonus Range",
                    "value_type": "currency_range",
                    "value": {"unit": "USD", "min_value": "5000", "max_value": "9000"},
                },
                RANGE_FIELD,
            ],
            salary(172800.0, 297000.0, "USD", None, "Pay Transparency Range: USD 172800-297000"),
        ),
        case(
            [{**RANGE_FIELD, "value": {"unit": "USD", "min_value": "0.0", "max_value": "0.0"}}],
            salary(0.0, 0.0, "USD", None, "Pay Transparency Range: USD 0"),
        ),
        case([{**RANGE_FIELD, "value": None}], None),
        case([{**RANGE_FIELD, "value": {"unit": "USD", "min_value": "", "max_value": "n/a"}}], None),
        case([{"name": "Employment Type", "value": "Full-Time", "value_type": "single_select"}], None),
        case([{"name": "Notes", "value_type": "short_text", "value": {"amount": "5"}}], None),
        case([], None),
        case(None, None),
        case({"value_type": "currency_range"}, None),
    ],
)
def test_salary_from_greenhouse_metadata(value: Any, expected: Salary | None) -> None:
    assert salary_from_greenhouse_metadata(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        case([{"name": "Pay Frequency", "value": "Annual"}], "Annual"),
        case([{"name": "pay frequency", "value": ["Hourly"]}], "Hourly"),
        case([{"name": "Pay Frequency", "value": None}], None),
        case([{"name": "Employment Type", "value": "Hourly"}], None),
        case(None, None),
    ],
)
def test_greenhouse_pay_frequency(value: Any, expected: str | None) -> None:
    assert greenhouse_pay_frequency(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        case(
            {"pay_input_ranges": [pay_range(3800, 4550, "Hourly Pay Range")], "metadata": [RANGE_FIELD]},
            salary(38.0, 45.5, "USD", HOUR, "Hourly Pay Range: USD 38-45.5"),
        ),
        case(
            {"pay_input_ranges": [], "metadata": [RANGE_FIELD]},
            salary(172800.0, 297000.0, "USD", None, "Pay Transparency Range: USD 172800-297000"),
        ),
        case(
            {
                "pay_input_ranges": [pay_range(9000000, 9500000, "")],
                "metadata": [{"name": "Pay Frequency", "value": "Annual"}],
            },
            salary(90000.0, 95000.0, "USD", YEAR, "USD 90000-95000 (Pay Frequency: Annual)"),
        ),
        case({"pay_input_ranges": [], "metadata": None}, None),
        case({}, None),
        case([], None),
    ],
)
def test_salary_from_greenhouse_job(value: Any, expected: Salary | None) -> None:
    assert salary_from_greenhouse_job(value) == expected


def lever(low: Any, high: Any, interval: Any, currency: Any = "USD") -> dict[str, Any]:
    return {"currency": currency, "interval": interval, "min": low, "max": high}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        case(
            lever(150000, 195000, "per-year-salary", "CAD"),
            salary(150000.0, 195000.0, "CAD", YEAR, "CAD 150000-195000 / per-year-salary"),
        ),
        case(
            lever(7000, 8500, "per-month-salary", "EUR"),
            salary(7000.0, 8500.0, "EUR", MONTH, "EUR 7000-8500 / per-month-salary"),
        ),
        case(
            lever(1500, 1800, "per-week-salary"), salary(1500.0, 1800.0, "USD", WEEK, "USD 1500-1800 / per-week-salary")
        ),
        case(lever(6, 9, "per-hour-wage"), salary(6.0, 9.0, "USD", HOUR, "USD 6-9 / per-hour-wage")),
        case(lever(6.5, 9.25, "per-hour-wage"), salary(6.5, 9.25, "USD", HOUR, "USD 6.5-9.25 / per-hour-wage")),
        case(lever(90000, 120000, "yearly"), salary(90000.0, 120000.0, "USD", YEAR, "USD 90000-120000 / yearly")),
        case(
            lever(2000, 2500, "per-fortnight-mystery"),
            salary(2000.0, 2500.0, "USD", None, "USD 2000-2500 / per-fortnight-mystery"),
        ),
        case(lever(2000, 2500, None), salary(2000.0, 2500.0, "USD", None, "USD 2000-2500")),
        case(
            lever(120000, None, "per-year-salary", None),
            salary(120000.0, None, None, YEAR, "120000+ / per-year-salary"),
        ),
        case(
            lever(200000, 150000, "per-year-salary"),
            salary(200000.0, 150000.0, "USD", YEAR, "USD 200000-150000 / per-year-salary"),
        ),
        case(lever(0, 0, "per-year-salary"), None),  # Lever's zero dummy range: undisclosed, not a zero
        case(
            lever(0, 150000, "per-year-salary"),
            salary(None, 150000.0, "USD", YEAR, "USD up to 150000 / per-year-salary"),
        ),
        case(lever(-1, 0, "per-year-salary"), salary(-1.0, None, "USD", YEAR, "USD -1+ / per-year-salary")),
        case(lever("n/a", None, "per-year-salary"), None),
        case(None, None),
        case("100000", None),
    ],
)
def test_salary_from_lever(value: Any, expected: Salary | None) -> None:
    assert salary_from_lever(value) == expected


def component(
    low: Any, high: Any, interval: Any = "1 YEAR", currency: Any = "USD", kind: str = "Salary"
) -> dict[str, Any]:
    return {"compensationType": kind, "interval": interval, "currencyCode": currency, "minValue": low, "maxValue": high}


EQUITY = component(None, None, "NONE", None, "EquityPercentage")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        case(
            {"summaryComponents": [component(180000, 240000), EQUITY]},
            salary(180000.0, 240000.0, "USD", YEAR, "USD 180000-240000 / 1 YEAR"),
        ),
        case(
            {"summaryComponents": [component(55, 70, "1 HOUR")]}, salary(55.0, 70.0, "USD", HOUR, "USD 55-70 / 1 HOUR")
        ),
        case(
            {"summaryComponents": [component(9000, 11000, "1 MONTH", "INR")]},
            salary(9000.0, 11000.0, "INR", MONTH, "INR 9000-11000 / 1 MONTH"),
        ),
        case(
            {"summaryComponents": [component(1500, 1800, "1 WEEK")]},
            salary(1500.0, 1800.0, "USD", WEEK, "USD 1500-1800 / 1 WEEK"),
        ),
        case(
            {"summaryComponents": [component(1600, 2000, "2 WEEK", "EUR")]},
            salary(800.0, 1000.0, "EUR", WEEK, "EUR 1600-2000 / 2 WEEK"),
        ),
        case(
            {"summaryComponents": [component(1600, 2000, "2 weeks", "EUR")]},
            salary(800.0, 1000.0, "EUR", WEEK, "EUR 1600-2000 / 2 weeks"),
        ),
        case(
            {"summaryComponents": [component(1600, 2000, "0 WEEK")]},
            salary(1600.0, 2000.0, "USD", None, "USD 1600-2000 / 0 WEEK"),
        ),
        case(
            {"summaryComponents": [component(50000, 60000, "NONE")]},
            salary(50000.0, 60000.0, "USD", None, "USD 50000-60000 / NONE"),
        ),
        case(
            {"summaryComponents": [component(150000, None)]},
            salary(150000.0, None, "USD", YEAR, "USD 150000+ / 1 YEAR"),
        ),
        case(
            {
                "summaryComponents": [],
                "compensationTiers": [
                    {"components": [component(150000, 200000)]},
                    {"components": [component(130000, 170000)]},
                ],
            },
            salary(130000.0, 200000.0, "USD", YEAR, "USD 150000-200000 / 1 YEAR; USD 130000-170000 / 1 YEAR"),
        ),
        case(
            {
                "compensationTiers": [
                    {"components": [component(38000, 45000, currency="GBP")]},
                    {"components": [component(48000, 57000)]},
                ]
            },
            salary(38000.0, 45000.0, "GBP", YEAR, "GBP 38000-45000 / 1 YEAR"),
        ),
        case(
            {
                "summaryComponents": [component(180000, 240000)],
                "compensationTiers": [{"components": [component(1, 2)]}],
            },
            salary(180000.0, 240000.0, "USD", YEAR, "USD 180000-240000 / 1 YEAR"),
        ),
        case({"compensationTierSummary": "Offers Equity", "summaryComponents": [EQUITY]}, None),
        case({"summaryComponents": [component(60000, 80000, "1 MONTH", "INR", "Stipend")]}, None),
        case({"compensationTierSummary": "₹20L – ₹30L", "compensationTiers": [], "summaryComponents": []}, None),
        case({"summaryComponents": [component(None, None)]}, None),
        case({"summaryComponents": [component(0, 0), EQUITY]}, salary(0.0, 0.0, "USD", YEAR, "USD 0 / 1 YEAR")),
        case(
            {"summaryComponents": [component(0, 240000)]},
            salary(None, 240000.0, "USD", YEAR, "USD up to 240000 / 1 YEAR"),
        ),
        case(
            {"summaryComponents": [component(-1, 240000)]},
            salary(-1.0, 240000.0, "USD", YEAR, "USD -1-240000 / 1 YEAR"),
        ),
        case({"summaryComponents": None, "compensationTiers": [None, "tier"]}, None),
        case(None, None),
    ],
)
def test_salary_from_ashby(value: Any, expected: Salary | None) -> None:
    assert salary_from_ashby(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        case([140000, 185000], salary(140000.0, 185000.0, "USD", YEAR, "USD 140000-185000 / year")),
        case([90000, 0], salary(90000.0, None, "USD", YEAR, "USD 90000+ / year")),
        case([0, 150000], salary(None, 150000.0, "USD", YEAR, "USD up to 150000 / year")),
        case(["140000", "185000"], salary(140000.0, 185000.0, "USD", YEAR, "USD 140000-185000 / year")),
        case([0, 0], None),  # RemoteOK's 0 is "not given"
        case([-1, 0], salary(-1.0, None, "USD", YEAR, "USD -1+ / year")),
        case([None, None], None),
        case([True, True], None),
        case(["", "competitive"], None),
    ],
)
def test_salary_from_remoteok(value: list[Any], expected: Salary | None) -> None:
    assert salary_from_remoteok(*value) == expected


@pytest.mark.parametrize(
    ("value", "currency", "period", "expected"),
    [
        pytest.param(
            [55000, 70000],
            "EUR",
            YEAR,
            salary(55000.0, 70000.0, "EUR", YEAR, "EUR 55000-70000 / year"),
            id="55000-70000 EUR year",
        ),
        pytest.param([25, 30], None, None, salary(25.0, 30.0, None, None, "25-30"), id="25-30 nothing documented"),
        pytest.param(
            ["1,250", None], "usd", HOUR, salary(1250.0, None, "USD", HOUR, "USD 1250+ / hour"), id="'1,250' usd hour"
        ),
        pytest.param([float("inf"), 0], "USD", YEAR, None, id="inf 0"),
        pytest.param([0, 0], "USD", YEAR, None, id="0 0 not given"),
        pytest.param([-5, 0], "USD", YEAR, salary(-5.0, None, "USD", YEAR, "USD -5+ / year"), id="-5 0"),
    ],
)
def test_salary_from_amounts(
    value: list[Any], currency: str | None, period: Period | None, expected: Salary | None
) -> None:
    assert salary_from_amounts(*value, currency=currency, period=period) == expected


SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
KEYS = st.sampled_from(
    [
        "min_cents", "max_cents", "currency_type", "title", "name", "value", "value_type", "unit", "min_value",
        "max_value", "amount", "currency", "interval", "min", "max", "summaryComponents", "compensationTiers",
        "components", "compensationType", "currencyCode", "minValue", "maxValue", "pay_input_ranges", "metadata",
    ]
)  # fmt: skip
JSON = st.recursive(
    SCALARS | st.sampled_from(["Salary", "currency_range", "2 WEEK", "per-hour-wage", "Pay Frequency", "Hourly"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=15,
)
MAPPERS = [
    salary_from_greenhouse_pay_range,
    salary_from_greenhouse_pay_ranges,
    salary_from_greenhouse_metadata,
    salary_from_greenhouse_job,
    salary_from_lever,
    salary_from_ashby,
]


@settings(max_examples=examples(300), deadline=None)
@given(value=JSON, mapper=st.sampled_from(MAPPERS))
def test_mappers_are_total(value: Any, mapper: Any) -> None:
    result = mapper(value)
    assert result is None or isinstance(result, Salary)
    if result is not None:
        assert result.period_basis is PeriodBasis.STATED
        assert result.min is not None or result.max is not None
        # any sign: a zero or negative amount is stated, and validation flags it (Lever's 0 is "not given")
        assert all(bound is None or math.isfinite(bound) for bound in (result.min, result.max))
        if mapper is salary_from_lever:
            assert 0 not in (result.min, result.max)
        assert result.raw


@settings(max_examples=examples(200), deadline=None)
@given(low=SCALARS, high=SCALARS)
def test_remoteok_is_total(low: Any, high: Any) -> None:
    result = salary_from_remoteok(low, high)
    assert result is None or (result.currency, result.period) == ("USD", YEAR)
