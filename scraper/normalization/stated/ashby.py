"""Ashby salaries: the `Salary` components of a job's `compensation` object -> Salary.

A 0 is a zero: Ashby states "no figure" as null (equity components: `minValue: null`; docs/FORMATS.md section 4),
so a Salary component of zeros, or a negative amount, is kept for validation to flag.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from models.enums import Period, PeriodBasis
from models.records import Salary
from scraper.normalization.stated._shared import (
    as_list,
    currency_code,
    divide,
    merge,
    one_line,
    raw_text,
    stated_bounds,
)

# Ashby `interval`: "<count> <UNIT>" ("1 YEAR", "2 WEEK") or "NONE".
_ASHBY_INTERVAL = re.compile(r"^\s*(\d{1,3})\s*(HOUR|DAY|WEEK|MONTH|YEAR)S?\s*$", re.IGNORECASE)
_ASHBY_UNITS: dict[str, Period] = {
    "HOUR": Period.HOUR,
    "DAY": Period.DAY,
    "WEEK": Period.WEEK,
    "MONTH": Period.MONTH,
    "YEAR": Period.YEAR,
}


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
    salaries = [s for c in as_list(compensation.get("summaryComponents")) if (s := _ashby_component(c))]
    if not salaries:
        for tier in as_list(compensation.get("compensationTiers")):
            if isinstance(tier, Mapping):
                salaries += [s for c in as_list(tier.get("components")) if (s := _ashby_component(c))]
    return merge(salaries)


def _ashby_component(component: Any) -> Salary | None:
    if not isinstance(component, Mapping) or component.get("compensationType") != "Salary":
        return None
    low, high = stated_bounds(component.get("minValue"), component.get("maxValue"))
    if low is None and high is None:
        return None
    interval = one_line(component.get("interval"))
    currency = currency_code(component.get("currencyCode"))
    raw = raw_text(currency, low, high, unit=interval)
    period = None
    if match := _ASHBY_INTERVAL.match(interval):
        count, period = int(match.group(1)), _ASHBY_UNITS[match.group(2).upper()]
        if count == 0:
            period = None
        elif count > 1:
            low, high = divide(low, count), divide(high, count)
    return Salary(min=low, max=high, currency=currency, period=period, period_basis=PeriodBasis.STATED, raw=raw)


def read(data: Any) -> Salary | None:
    """The reader for format "ashby": a job's `compensation` object as found."""
    return salary_from_ashby(data)
