"""The one salary formatter of the dashboard and the feeds (api/money.py)."""

from __future__ import annotations

import pytest

from api.money import salary_text
from models.schemas import SalaryOut


def salary(raw: str | None, low: float | None, high: float | None, *, stated_max: float | None = 1) -> SalaryOut:
    return SalaryOut(
        raw=raw,
        min=low,
        max=stated_max,
        currency="USD",
        period="year",
        period_basis="stated",
        annual_usd_min=low,
        annual_usd_max=high,
        origin="structured",
    )


@pytest.mark.parametrize(
    ("value", "short", "stated"),
    [
        (salary("USD 90K-120K", 90_000, 120_000), "$90k–$120k", "USD 90K-120K (about $90k–$120k a year)"),
        (salary("up to $80k", None, 80_000), "up to $80k", "up to $80k (about up to $80k a year)"),
        (salary("from $45k", 45_000, None, stated_max=None), "from $45k", "from $45k (about from $45k a year)"),
        (salary("$100k", 100_000, 100_000), "$100k", "$100k (about $100k a year)"),
        (salary("Competitive <b>pay</b>", None, None), "Competitive pay", "Competitive pay"),
        (salary(None, 90_000, 120_000), "$90k–$120k", "$90k–$120k a year"),
        (None, None, None),
    ],
    ids=["range", "up to", "from", "single", "text only", "no text", "none"],
)
def test_salary_text(value: SalaryOut | None, short: str | None, stated: str | None) -> None:
    assert salary_text(value) == short
    assert salary_text(value, stated=True) == stated
