"""How money reads for people: US dollar amounts and the one salary formatter of the dashboard and the feeds.

Pure functions of numbers and posting records; no queries, no markup (callers escape).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from models.schemas import SalaryOut
from models.text import plain_text


def format_usd(amount: float | None) -> str:
    """An amount of US dollars as people read it on a chart.

    >>> format_usd(120_000), format_usd(87_500), format_usd(1_250_000), format_usd(950), format_usd(None)
    ('$120k', '$87.5k', '$1.25M', '$950', '–')
    >>> format_usd(112_500), format_usd(999_999), format_usd(100_000)
    ('$113k', '$1M', '$100k')
    """
    if amount is None or not math.isfinite(amount):
        return "–"
    sign = "-" if amount < 0 else ""
    value = abs(amount)
    if value < 999.5:
        return f"{sign}${value:,.0f}"
    for size, unit in ((1e3, "k"), (1e6, "M"), (1e9, "B")):
        scaled = value / size
        places = 2 if scaled < 10 else 1 if scaled < 100 else 0
        # half up, as people round: $112.5k shows as $113k, not Python's banker's $112k
        rounded = Decimal(repr(scaled)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
        if rounded < 1000 or unit == "B":
            return f"{sign}${rounded.normalize():f}{unit}"
    return f"{sign}${value:,.0f}"


# A salary as the schema holds it, or as a record read from rows holds it (the feeds render from rows).
SalaryValue = SalaryOut | Mapping[str, Any]


def _parts(salary: SalaryValue) -> Mapping[str, Any]:
    return salary if isinstance(salary, Mapping) else dict(salary)


def annual_usd_text(salary: SalaryValue | None) -> str | None:
    """The annual USD reading of a salary ("$90k–$120k", "from $45k", "up to $80k"); None when unknown.

    >>> annual_usd_text(SalaryOut(raw="USD 90K-120K", min=90000, max=120000, currency="USD", period="year",
    ...     period_basis="stated", annual_usd_min=90000, annual_usd_max=120000, origin="structured"))
    '$90k–$120k'
    """
    if salary is None:
        return None
    parts = _parts(salary)
    low, high = parts["annual_usd_min"], parts["annual_usd_max"]
    if low is None and high is None:
        return None
    if low is None or high is None or low == high:
        prefix = "up to " if low is None else "from " if high is None and parts["max"] is None else ""
        return prefix + format_usd(low if low is not None else high)
    return f"{format_usd(low)}–{format_usd(high)}"


def salary_text(salary: SalaryValue | None, *, stated: bool = False) -> str | None:
    """A salary for people: its annual USD reading, or the text as stated when there is none; with
    `stated`, the stated text first and the reading after it. None when the posting states no salary.

    >>> s = SalaryOut(raw="EUR 60K - 80K", min=60000, max=80000, currency="EUR", period="year",
    ...     period_basis="stated", annual_usd_min=64800, annual_usd_max=86400, origin="text")
    >>> salary_text(s), salary_text(s, stated=True)
    ('$64.8k–$86.4k', 'EUR 60K - 80K (about $64.8k–$86.4k a year)')
    """
    if salary is None:
        return None
    raw = plain_text(_parts(salary)["raw"]) or None
    annual = annual_usd_text(salary)
    if annual is None:
        return raw
    if stated and raw:
        return f"{raw} (about {annual} a year)"
    return f"{annual} a year" if stated else annual
