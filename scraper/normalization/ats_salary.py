"""Structured salaries that job APIs state (Greenhouse, Lever, Ashby, RemoteOK) -> `models.records.Salary`.

Pure and total: any JSON value goes in, a Salary or None comes out; nothing raises. A period is taken only
from what the API states (an interval enum, a title, a "Pay Frequency"); when none is stated it is None.
Free-text salaries are not parsed here: sources keep them as `salary_text`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from models.enums import Period, PeriodBasis
from models.records import Salary

# Words that state a period in a Greenhouse pay-range title or "Pay Frequency" value ("Zone A Annual Salary",
# "Hourly Pay Range", "Annual"). "Base salary" states none. Two different periods in one label state none.
_PERIOD_WORDS: tuple[tuple[Period, re.Pattern[str]], ...] = (
    (Period.HOUR, re.compile(r"\bhour(?:ly)?\b|\bper\s+hr\b|/\s*hr\b", re.IGNORECASE)),
    (Period.DAY, re.compile(r"\bdaily\b|\bper\s+day\b|\bday\s+rate\b", re.IGNORECASE)),
    (Period.WEEK, re.compile(r"\bweek(?:ly)?\b", re.IGNORECASE)),
    (Period.MONTH, re.compile(r"\bmonth(?:ly)?\b", re.IGNORECASE)),
    (Period.YEAR, re.compile(r"\bannual(?:ly)?\b|\byear(?:ly)?\b|\bper\s+annum\b|/\s*yr\b", re.IGNORECASE)),
)

# Greenhouse metadata of a money type that is not base pay.
_NOT_BASE_PAY = re.compile(r"bonus|equity|commission|relocation|stipend|allowance|budget|signing", re.IGNORECASE)

# Lever `salaryRange.interval` (FORMATS.md section 3); "yearly" is seen in consumer code. Others -> None.
LEVER_INTERVALS: dict[str, Period] = {
    "per-year-salary": Period.YEAR,
    "per-month-salary": Period.MONTH,
    "per-week-salary": Period.WEEK,
    "per-day-wage": Period.DAY,
    "per-hour-wage": Period.HOUR,
    "yearly": Period.YEAR,
    "monthly": Period.MONTH,
    "weekly": Period.WEEK,
    "daily": Period.DAY,
    "hourly": Period.HOUR,
}

# Ashby `interval`: "<count> <UNIT>" ("1 YEAR", "2 WEEK") or "NONE".
_ASHBY_INTERVAL = re.compile(r"^\s*(\d{1,3})\s*(HOUR|DAY|WEEK|MONTH|YEAR)S?\s*$", re.IGNORECASE)
_ASHBY_UNITS: dict[str, Period] = {
    "HOUR": Period.HOUR,
    "DAY": Period.DAY,
    "WEEK": Period.WEEK,
    "MONTH": Period.MONTH,
    "YEAR": Period.YEAR,
}


# --- Greenhouse ------------------------------------------------------------------------------------


def salary_from_greenhouse_pay_range(pay_range: Any, pay_frequency: str | None = None) -> Salary | None:
    """One `pay_input_ranges` entry (amounts in integer cents) as a Salary.

    The period comes from the range's `title`, else from the job's "Pay Frequency" metadata value; else None.
    A zero or missing amount is unknown; a range with no amount at all is no salary.

    {"min_cents": 21500000, "max_cents": 28000000, "currency_type": "USD", "title": "Zone A Annual Salary"}
        -> 215000.0-280000.0 USD per year, raw "Zone A Annual Salary: USD 215000-280000"
    {"min_cents": 3800, "max_cents": 4550, "currency_type": "USD", "title": "Hourly Pay Range"}
        -> 38.0-45.5 USD per hour
    {"min_cents": 9000000, "max_cents": 12000000, "currency_type": "EUR", "title": "Base salary"}
        -> 90000.0-120000.0 EUR, period None
    """
    if not isinstance(pay_range, Mapping):
        return None
    low, high = _cents(pay_range.get("min_cents")), _cents(pay_range.get("max_cents"))
    if low is None and high is None:
        return None
    title = _label(pay_range.get("title"))
    currency = _currency(pay_range.get("currency_type"))
    period = _period_in_words(title)
    raw = _raw(currency, low, high, label=title)
    if period is None and pay_frequency:
        period = _period_in_words(pay_frequency)
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
    return _merge([s for item in pay_ranges if (s := salary_from_greenhouse_pay_range(item, pay_frequency))])


def greenhouse_pay_frequency(metadata: Any) -> str | None:
    """The value of a Greenhouse "Pay Frequency" metadata field ("Annual", "Hourly"), if the job has one."""
    for entry in metadata if isinstance(metadata, list) else ():
        if isinstance(entry, Mapping) and _label(entry.get("name")).lower() == "pay frequency":
            value = entry.get("value")
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            return _label(value) or None
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
        name = _label(entry.get("name"))
        if _NOT_BASE_PAY.search(name):
            continue
        kind = entry.get("value_type")
        if kind == "currency_range":
            low, high = _amount(value.get("min_value")), _amount(value.get("max_value"))
        elif kind == "currency":
            low = high = _amount(value.get("amount"))
        else:
            continue
        if low is None and high is None:
            continue
        currency = _currency(value.get("unit"))
        period = _period_in_words(name)
        raw = _raw(currency, low, high, label=name)
        if period is None and frequency:
            period = _period_in_words(frequency)
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


# --- Lever -----------------------------------------------------------------------------------------


def salary_from_lever(salary_range: Any) -> Salary | None:
    """A Lever `salaryRange` `{currency, interval, min, max}` as a Salary; an unknown interval gives period None.

    {"currency": "CAD", "interval": "per-year-salary", "min": 150000, "max": 195000} -> 150000.0-195000.0 CAD per year
    {"currency": "USD", "interval": "per-hour-wage", "min": 6, "max": 9} -> 6.0-9.0 USD per hour
    {"currency": "USD", "interval": "per-fortnight-mystery", "min": 2000, "max": 2500} -> period None
    {"currency": "USD", "interval": "per-year-salary", "min": 0, "max": 0} -> None (Lever's "undisclosed")
    """
    if not isinstance(salary_range, Mapping):
        return None
    low, high = _amount(salary_range.get("min")), _amount(salary_range.get("max"))
    if low is None and high is None:
        return None
    interval = _label(salary_range.get("interval"))
    currency = _currency(salary_range.get("currency"))
    return Salary(
        min=low,
        max=high,
        currency=currency,
        period=LEVER_INTERVALS.get(interval.lower()),
        period_basis=PeriodBasis.STATED,
        raw=_raw(currency, low, high, unit=interval),
    )


# --- Ashby -----------------------------------------------------------------------------------------


def salary_from_ashby(compensation: Any) -> Salary | None:
    """The base salary in an Ashby `compensation` object: its `Salary` components only (not equity, bonus, stipend).

    `summaryComponents` are read first, else the components of every `compensationTiers` entry; several
    Salary components in one currency and period merge as for Greenhouse zones. The interval is "<n> <UNIT>":
    n = 1 maps straight to the period; n > 1 (Ashby's biweekly "2 WEEK") keeps the unit as the period and
    divides the amounts by n, so "2 WEEK" 4000-5000 becomes 2000-2500 per week; `raw` keeps the stated
    figures. "NONE" or anything else gives period None.

    {"summaryComponents": [{"compensationType": "Salary", "interval": "1 YEAR", "currencyCode": "USD",
      "minValue": 180000, "maxValue": 240000}]} -> 180000.0-240000.0 USD per year, raw "USD 180000-240000 / 1 YEAR"
    a "2 WEEK" Salary component 4000-5000 USD -> 2000.0-2500.0 USD per week
    {"compensationTierSummary": "Offers Equity", "summaryComponents": [EquityPercentage ...]} -> None
    None -> None
    """
    if not isinstance(compensation, Mapping):
        return None
    salaries = [s for c in _list(compensation.get("summaryComponents")) if (s := _ashby_component(c))]
    if not salaries:
        for tier in _list(compensation.get("compensationTiers")):
            if isinstance(tier, Mapping):
                salaries += [s for c in _list(tier.get("components")) if (s := _ashby_component(c))]
    return _merge(salaries)


def _ashby_component(component: Any) -> Salary | None:
    if not isinstance(component, Mapping) or component.get("compensationType") != "Salary":
        return None
    low, high = _amount(component.get("minValue")), _amount(component.get("maxValue"))
    if low is None and high is None:
        return None
    interval = _label(component.get("interval"))
    currency = _currency(component.get("currencyCode"))
    raw = _raw(currency, low, high, unit=interval)
    period = None
    if match := _ASHBY_INTERVAL.match(interval):
        count, period = int(match.group(1)), _ASHBY_UNITS[match.group(2).upper()]
        if count == 0:
            period = None
        elif count > 1:
            low, high = _divide(low, count), _divide(high, count)
    return Salary(min=low, max=high, currency=currency, period=period, period_basis=PeriodBasis.STATED, raw=raw)


# --- plain amounts (RemoteOK, json-api field mappings) ---------------------------------------------


def salary_from_amounts(
    minimum: Any, maximum: Any, *, currency: str | None, period: Period | None, unit: str | None = None
) -> Salary | None:
    """Two numbers whose currency and period the API documents (not the item): a Salary, or None when neither is given.

    Zero means "not given" (nobody posts a salary of 0); one bound may stand alone (open-ended range).

    (140000, 185000, currency="USD", period=YEAR) -> 140000.0-185000.0 USD per year, raw "USD 140000-185000 / year"
    (90000, 0, currency="USD", period=YEAR) -> min 90000.0, max None
    (0, 0, ...) -> None
    """
    low, high = _amount(minimum), _amount(maximum)
    if low is None and high is None:
        return None
    code = _currency(currency)
    stated = unit if unit is not None else (period.value if period is not None else None)
    return Salary(
        min=low,
        max=high,
        currency=code,
        period=period,
        period_basis=PeriodBasis.STATED,
        raw=_raw(code, low, high, unit=stated),
    )


def salary_from_remoteok(salary_min: Any, salary_max: Any) -> Salary | None:
    """RemoteOK `salary_min`/`salary_max`: integer USD per year by the API's documentation; 0 means unknown.

    (140000, 185000) -> 140000.0-185000.0 USD per year
    (90000, 0) -> from 90000.0 USD per year (max None)
    (0, 0) -> None
    """
    return salary_from_amounts(salary_min, salary_max, currency="USD", period=Period.YEAR)


# --- shared ----------------------------------------------------------------------------------------


def _amount(value: Any) -> float | None:
    """A positive finite number from a JSON number or a decimal string ("172800.0", "1,250"); else None."""
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
    return number if math.isfinite(number) and number > 0 else None


def _cents(value: Any) -> float | None:
    amount = _amount(value)
    return amount / 100 if amount is not None else None


def _divide(value: float | None, count: int) -> float | None:
    return value / count if value is not None else None


def _label(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _currency(value: Any) -> str | None:
    return _label(value).upper() or None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _period_in_words(label: str | None) -> Period | None:
    if not label:
        return None
    found = {period for period, pattern in _PERIOD_WORDS if pattern.search(label)}
    return found.pop() if len(found) == 1 else None


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def _raw(
    currency: str | None, low: float | None, high: float | None, *, unit: str | None = None, label: str | None = None
) -> str:
    """A compact text of what the API stated.

    "Zone A Annual Salary: USD 215000-280000", "CAD 150000-195000 / per-year-salary", "USD 90000+ / year".
    """
    if low is not None and high is not None:
        amount = _number(low) if low == high else f"{_number(low)}-{_number(high)}"
    elif low is not None:
        amount = f"{_number(low)}+"
    else:
        amount = f"up to {_number(high)}" if high is not None else "?"
    text = f"{currency} {amount}" if currency else amount
    if unit:
        text += f" / {unit}"
    return f"{label}: {text}" if label else text


def _merge(salaries: list[Salary]) -> Salary | None:
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
