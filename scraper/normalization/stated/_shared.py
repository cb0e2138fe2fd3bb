"""What the structured-salary readers share: amounts as JSON numbers or decimal strings, periods named in
labels, the compact `raw` text of what an API stated, and merging zone/tier ranges into one span.
"""

from __future__ import annotations

import math
import re
from typing import Any

from models.enums import Period, PeriodBasis
from models.records import Salary

# Words that state a period in a Greenhouse pay-range title or "Pay Frequency" value ("Zone A Annual Salary",
# "Hourly Pay Range", "Annual"). "Base salary" states none. Two different periods in one label state none.
PERIOD_WORDS: tuple[tuple[Period, re.Pattern[str]], ...] = (
    (Period.HOUR, re.compile(r"\bhour(?:ly)?\b|\bper\s+hr\b|/\s*hr\b", re.IGNORECASE)),
    (Period.DAY, re.compile(r"\bdaily\b|\bper\s+day\b|\bday\s+rate\b", re.IGNORECASE)),
    (Period.WEEK, re.compile(r"\bweek(?:ly)?\b", re.IGNORECASE)),
    (Period.MONTH, re.compile(r"\bmonth(?:ly)?\b", re.IGNORECASE)),
    (Period.YEAR, re.compile(r"\bannual(?:ly)?\b|\byear(?:ly)?\b|\bper\s+annum\b|/\s*yr\b", re.IGNORECASE)),
)


def amount(value: Any) -> float | None:
    """A finite number of either sign from a JSON number or a decimal string ("172800.0", "1,250", "-5"); else None."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            number = float(value)
        elif isinstance(value, str):
            number = float(value.strip().replace(",", ""))
        else:
            return None
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def stated_bounds(low: Any, high: Any, *, zero_means_not_given: bool = False) -> tuple[float | None, float | None]:
    """The two bounds an API states, as amounts, with what its zeros mean.

    A format whose documentation says 0 is "not given" (Lever's undisclosed range, RemoteOK) reads a 0 as None.
    Elsewhere a 0 beside a positive bound is the open end of the range ("180000 - 0" is from 180000), and a
    salary of nothing but zeros is a zero. A zero or negative amount is kept either way: validation flags it
    (`salary_not_positive`) and keeps it out of the record, instead of the posting silently stating no pay.

    >>> stated_bounds(0, 0), stated_bounds(0, 0, zero_means_not_given=True)
    ((0.0, 0.0), (None, None))
    >>> stated_bounds("180000", 0), stated_bounds(-5, 0, zero_means_not_given=True)
    ((180000.0, None), (-5.0, None))
    """
    lo, hi = amount(low), amount(high)
    if zero_means_not_given:
        return (None if lo == 0 else lo), (None if hi == 0 else hi)
    return open_ended(lo, hi)


def open_ended(low: float | None, high: float | None) -> tuple[float | None, float | None]:
    """A 0 beside a positive bound is the open end of the range, not a zero.

    >>> open_ended(0.0, 240000.0), open_ended(0.0, 0.0), open_ended(0.0, -1.0)
    ((None, 240000.0), (0.0, 0.0), (0.0, -1.0))
    """
    if low == 0 and high is not None and high > 0:
        return None, high
    if high == 0 and low is not None and low > 0:
        return low, None
    return low, high


def cents(value: Any) -> float | None:
    number = amount(value)
    return number / 100 if number is not None else None


def divide(value: float | None, count: int) -> float | None:
    return value / count if value is not None else None


def one_line(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def currency_code(value: Any) -> str | None:
    return one_line(value).upper() or None


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def period_in_words(label: str | None) -> Period | None:
    if not label:
        return None
    found = {period for period, pattern in PERIOD_WORDS if pattern.search(label)}
    return found.pop() if len(found) == 1 else None


def figure(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def raw_text(
    currency: str | None, low: float | None, high: float | None, *, unit: str | None = None, label: str | None = None
) -> str:
    """A compact text of what the API stated.

    "Zone A Annual Salary: USD 215000-280000", "CAD 150000-195000 / per-year-salary", "USD 90000+ / year".
    """
    if low is not None and high is not None:
        amount = figure(low) if low == high else f"{figure(low)}-{figure(high)}"
    elif low is not None:
        amount = f"{figure(low)}+"
    else:
        amount = f"up to {figure(high)}" if high is not None else "?"
    text = f"{currency} {amount}" if currency else amount
    if unit:
        text += f" / {unit}"
    return f"{label}: {text}" if label else text


def merge(salaries: list[Salary]) -> Salary | None:
    """Zone/tier ranges of one job as one Salary: in one currency and period, the span of them all; else the first.

    Zones are alternatives, so a zone stating no positive pay (a 0-0 placeholder) is left out while another
    zone states pay; when every zone states zero, the zeros stand (and validation flags them).
    """
    paid = [s for s in salaries if _positive(s)]
    salaries = paid or salaries
    if not salaries:
        return None
    first = salaries[0]
    if len(salaries) == 1 or any((s.currency, s.period) != (first.currency, first.period) for s in salaries):
        return first
    lows = [s.min for s in salaries if s.min is not None]
    highs = [s.max for s in salaries if s.max is not None]
    return Salary(
        min=min(lows) if lows else None,
        max=max(highs) if highs else None,
        currency=first.currency,
        period=first.period,
        period_basis=PeriodBasis.STATED,
        raw="; ".join(s.raw for s in salaries),
    )


def _positive(salary: Salary) -> bool:
    return all(bound is None or bound > 0 for bound in (salary.min, salary.max))
