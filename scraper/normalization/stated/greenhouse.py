"""Greenhouse salaries: `pay_input_ranges` (integer cents per zone) and currency metadata -> Salary.

The data a source hands over is `{"pay_input_ranges": [...], "metadata": [...]}` as the job states them.
A 0 is a zero: Greenhouse documents no "not given" value (an absent or null amount, or no range, is that;
docs/FORMATS.md section 2), so a range of zeros, or a negative amount, is kept for validation to flag.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from models.enums import PeriodBasis
from models.records import Salary
from scraper.normalization.stated._shared import (
    amount,
    cents,
    currency_code,
    merge,
    one_line,
    open_ended,
    period_in_words,
    raw_text,
    stated_bounds,
)

# Greenhouse metadata of a money type that is not base pay.
_NOT_BASE_PAY = re.compile(r"bonus|equity|commission|relocation|stipend|allowance|budget|signing", re.IGNORECASE)


def salary_from_greenhouse_pay_range(pay_range: Any, pay_frequency: str | None = None) -> Salary | None:
    """One `pay_input_ranges` entry (amounts in integer cents) as a Salary.

    The period comes from the range's `title`, else from the job's "Pay Frequency" metadata value; else None.
    A missing amount is unknown; a range with no amount at all is no salary. A 0 beside a positive amount is the
    open end of the range; a range of zeros is a zero salary (validation flags it: `salary_not_positive`).

    {"min_cents": 21500000, "max_cents": 28000000, "currency_type": "USD", "title": "Zone A Annual Salary"}
        -> 215000.0-280000.0 USD per year, raw "Zone A Annual Salary: USD 215000-280000"
    {"min_cents": 3800, "max_cents": 4550, "currency_type": "USD", "title": "Hourly Pay Range"}
        -> 38.0-45.5 USD per hour
    {"min_cents": 9000000, "max_cents": 12000000, "currency_type": "EUR", "title": "Base salary"}
        -> 90000.0-120000.0 EUR, period None
    """
    if not isinstance(pay_range, Mapping):
        return None
    low, high = open_ended(cents(pay_range.get("min_cents")), cents(pay_range.get("max_cents")))
    if low is None and high is None:
        return None
    title = one_line(pay_range.get("title"))
    currency = currency_code(pay_range.get("currency_type"))
    period = period_in_words(title)
    raw = raw_text(currency, low, high, label=title)
    if period is None and pay_frequency:
        period = period_in_words(pay_frequency)
        if period is not None:
            raw += f" (Pay Frequency: {pay_frequency})"
    return Salary(min=low, max=high, currency=currency, period=period, period_basis=PeriodBasis.STATED, raw=raw)


def salary_from_greenhouse_pay_ranges(pay_ranges: Any, pay_frequency: str | None = None) -> Salary | None:
    """All of a job's `pay_input_ranges` (one per zone or country) as one Salary.

    Ranges in one currency and period merge into the span from the lowest minimum to the highest maximum,
    as a board shows "depends on location"; `raw` lists every range. Otherwise the first range stands alone.

    [Zone A USD 215000-280000/year, Zone B USD 193000-252000/year] -> 193000.0-280000.0 USD per year
    [Hourly USD 38-45.5, Annual USD 80000-90000] -> 38.0-45.5 USD per hour (the first)
    [] -> None
    """
    if not isinstance(pay_ranges, Sequence) or isinstance(pay_ranges, str):
        return None
    return merge([s for item in pay_ranges if (s := salary_from_greenhouse_pay_range(item, pay_frequency))])


def greenhouse_pay_frequency(metadata: Any) -> str | None:
    """The value of a Greenhouse "Pay Frequency" metadata field ("Annual", "Hourly"), if the job has one."""
    for entry in metadata if isinstance(metadata, list) else ():
        if isinstance(entry, Mapping) and one_line(entry.get("name")).lower() == "pay frequency":
            value = entry.get("value")
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            return one_line(value) or None
    return None


def salary_from_greenhouse_metadata(metadata: Any) -> Salary | None:
    """The first `currency_range` (or single `currency`) metadata field that is base pay, as a Salary.

    Amounts are decimal strings in currency units. The period comes from the field's name, else from a
    "Pay Frequency" field; else None. Fields named for a bonus, equity, commission and the like are skipped.

    [{"name": "Pay Transparency Range", "value_type": "currency_range",
      "value": {"unit": "USD", "min_value": "172800.0", "max_value": "297000.0"}}] -> 172800.0-297000.0 USD, period None
    the same plus {"name": "Pay Frequency", "value": "Hourly"} -> per hour
    [{"name": "Salary", "value_type": "currency", "value": {"unit": "USD", "amount": "168500.0"}}] -> 168500.0 USD
    {"value_type": "currency_range", "value": null} -> None
    """
    if not isinstance(metadata, list):
        return None
    frequency = greenhouse_pay_frequency(metadata)
    for entry in metadata:
        if not isinstance(entry, Mapping) or not isinstance(value := entry.get("value"), Mapping):
            continue
        name = one_line(entry.get("name"))
        if _NOT_BASE_PAY.search(name):
            continue
        kind = entry.get("value_type")
        if kind == "currency_range":
            low, high = stated_bounds(value.get("min_value"), value.get("max_value"))
        elif kind == "currency":
            low = high = amount(value.get("amount"))
        else:
            continue
        if low is None and high is None:
            continue
        currency = currency_code(value.get("unit"))
        period = period_in_words(name)
        raw = raw_text(currency, low, high, label=name)
        if period is None and frequency:
            period = period_in_words(frequency)
            if period is not None:
                raw += f" (Pay Frequency: {frequency})"
        return Salary(min=low, max=high, currency=currency, period=period, period_basis=PeriodBasis.STATED, raw=raw)
    return None


def salary_from_greenhouse_job(job: Any) -> Salary | None:
    """A Greenhouse job's stated salary: `pay_input_ranges` first, else its metadata (FORMATS.md section 9)."""
    if not isinstance(job, Mapping):
        return None
    frequency = greenhouse_pay_frequency(job.get("metadata"))
    return salary_from_greenhouse_pay_ranges(job.get("pay_input_ranges"), frequency) or salary_from_greenhouse_metadata(
        job.get("metadata")
    )


def read(data: Any) -> Salary | None:
    """The reader for format "greenhouse": `{"pay_input_ranges": [...], "metadata": [...]}` as the job states them."""
    return salary_from_greenhouse_job(data)
