"""Flags for one salary: each row is a salary text and the flag codes it must get (and no others)."""

from __future__ import annotations

import doctest
from datetime import date

import pytest

from models.enums import Period, PeriodBasis
from models.records import Flag, Salary
from scraper.normalization.currency import Rates, load_rates
from scraper.normalization.salary import parse_salary
from scraper.validation import salary as salary_validation
from scraper.validation.salary import IMPLAUSIBLE, MIN_GT_MAX, NOT_POSITIVE, PERIOD_MISMATCH, salary_flags

RATES = load_rates()

CASES: list[tuple[str, list[str]]] = [
    # the featured cards of aijobs.net: one of six is a placeholder
    ("USD 60K - 120K", []),
    ("USD 1111111K - 1111111K", [IMPLAUSIBLE]),
    ("USD 120K - 160K", []),
    ("USD 160K - 180K", []),
    ("USD 100K - 120K", []),
    ("USD 100K - 180K", []),
    # ordinary pay in many currencies and periods
    ("$40,000 - $50,000", []),
    ("€45.000 brutto/Jahr", []),
    ("$20 - $25 an hour", []),
    ("£400 - £500 per day (Outside IR35)", []),
    ("$1,000 a week", []),
    ("15 000 - 20 000 zł brutto / mies.", []),
    ("CHF 120'000", []),
    ("$4,000,000 a year", []),
    ("$1,500/hour", []),
    # high denominations are judged in USD, never by size
    ("年収600万円〜900万円", []),
    ("₹20L – ₹30L", []),
    ("KRW 60,000,000", []),
    ("IDR 15.000.000 - 20.000.000 / month", []),
    ("VND 25,000,000 - 35,000,000 / month", []),
    ("VND 25,000,000 - 35,000,000", [PERIOD_MISMATCH]),  # inferred yearly, but a monthly figure
    ("₹60K – ₹80K / month", []),
    ("¥300,000", []),  # inferred yearly: 2,000 USD, low but a real figure somewhere
    # zero pay is no pay: flagged alone
    ("Salary: $0", [NOT_POSITIVE]),
    ("USD 0 - 0", [NOT_POSITIVE]),
    # reversed ranges
    ("150000 - 120000 USD", [MIN_GT_MAX]),
    ("$30 - $20 an hour", [MIN_GT_MAX]),
    # beyond or under any real pay
    ("$6,000,000 a year", [IMPLAUSIBLE]),
    ("$2,500 an hour", [IMPLAUSIBLE, PERIOD_MISMATCH]),
    ("$500 a year", [IMPLAUSIBLE, PERIOD_MISMATCH]),
    ("$400 a year", [IMPLAUSIBLE, PERIOD_MISMATCH]),
    ("$10", []),  # no period: nothing to contradict
    ("USD 999999999", [IMPLAUSIBLE]),
    ("USD 111,111", [IMPLAUSIBLE]),
    ("€999.999", [IMPLAUSIBLE]),
    ("¥99,999,999,999", [IMPLAUSIBLE]),
    ("1111111", [IMPLAUSIBLE]),  # no currency: the placeholder shows without conversion
    # periods that contradict the figure
    ("$150,000/hour", [IMPLAUSIBLE, PERIOD_MISMATCH]),
    ("$25/year", [IMPLAUSIBLE, PERIOD_MISMATCH]),
    ("$120,000 a month", []),  # 1.44 million a year: high, not beyond real pay
    ("$5,000 per year", []),  # low, but over the 1,000 USD floor
    ("$200,000 a week", [IMPLAUSIBLE, PERIOD_MISMATCH]),
    ("$100,000 a day", [IMPLAUSIBLE, PERIOD_MISMATCH]),
    ("€50 per month", [IMPLAUSIBLE, PERIOD_MISMATCH]),
    ("120,000 - 100,000 USD per hour", [MIN_GT_MAX, IMPLAUSIBLE, PERIOD_MISMATCH]),
    # unknown period or currency: only what can be told without them
    ("$45-55", []),
    ("120-150", []),
    ("45 000 kr", []),
]


@pytest.mark.parametrize(("text", "codes"), CASES, ids=[c[0] for c in CASES])
def test_salary_flags(text: str, codes: list[str]) -> None:
    salary = parse_salary(text)
    assert salary is not None
    assert [flag.code for flag in salary_flags(salary, RATES)] == codes


def test_the_featured_placeholder_message_reads_like_a_sentence() -> None:
    salary = parse_salary("USD 1111111K - 1111111K")
    assert salary is not None
    assert salary_flags(salary) == [
        Flag("salary_implausible", "annual maximum 1.1 billion USD is beyond any real salary")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("150000 - 120000 USD", "minimum 150,000 is greater than maximum 120,000"),
        ("$2,500 an hour", "hourly minimum 2,500 USD is beyond any real hourly rate"),
        ("$500 a year", "annual minimum 500 USD is below any real full-time pay"),
        ("USD 111,111", "minimum 111,111 is a placeholder of repeated 1s, not a salary"),
        ("$25/year", "25 USD reads like an hourly figure, not a yearly one"),
        ("$150,000/hour", "150,000 USD reads like a yearly figure, not an hourly one"),
    ],
    ids=lambda v: v,
)
def test_messages(text: str, message: str) -> None:
    salary = parse_salary(text)
    assert salary is not None
    assert message in [flag.message for flag in salary_flags(salary, RATES)]


def test_every_code_starts_with_salary() -> None:
    for text, _ in CASES:
        salary = parse_salary(text)
        assert salary is not None
        assert all(flag.code.startswith("salary_") for flag in salary_flags(salary, RATES))


def test_a_currency_the_table_lacks_is_not_judged_by_size() -> None:
    salary = Salary(9_000_000, 9_000_000, "XAU", Period.YEAR, PeriodBasis.STATED, "XAU 9,000,000")
    assert salary_flags(salary, RATES) == []


def test_rates_decide_the_magnitude() -> None:
    salary = Salary(3_000_000, 3_000_000, "EUR", Period.YEAR, PeriodBasis.STATED, "€3,000,000")
    assert salary_flags(salary, RATES) == []
    strong_euro = Rates(date(2026, 11, 27), {"USD": 1.0, "EUR": 2.0})
    assert [f.code for f in salary_flags(salary, strong_euro)] == [IMPLAUSIBLE]


def test_open_ended_ranges() -> None:
    up_to = Salary(None, 80_000, "USD", Period.YEAR, PeriodBasis.STATED, "Up to $80,000 a year")
    from_ = Salary(45_000, None, "USD", Period.YEAR, PeriodBasis.STATED, "From $45,000 a year")
    assert salary_flags(up_to, RATES) == []
    assert salary_flags(from_, RATES) == []


def test_docstring_examples() -> None:
    results = doctest.testmod(salary_validation, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0
    assert results.failed == 0
