"""Structured salaries as job APIs state them -> `models.records.Salary`, one reader per wire format.

Sources hand over the value as found (`RawPosting.salary_format` names its shape, `salary_data` holds it);
this registry picks the reader. Readers are pure and total: any JSON value in, a Salary or None out.
A new format adds a module here (`stated/<format>.py`) and one line to READERS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from models.enums import Period
from models.records import Salary
from scraper.normalization.ats_salary import (
    salary_from_amounts,
    salary_from_ashby,
    salary_from_greenhouse_job,
    salary_from_lever,
)


def _amounts(data: Any) -> Salary | None:
    """`{"min", "max", "currency", "period", "unit"}`: two numbers whose currency and period the API documents."""
    if not isinstance(data, Mapping):
        return None
    period = data.get("period")
    return salary_from_amounts(
        data.get("min"),
        data.get("max"),
        currency=data.get("currency") if isinstance(data.get("currency"), str) else None,
        period=Period(period) if period in {p.value for p in Period} else None,
        unit=data.get("unit") if isinstance(data.get("unit"), str) else None,
    )


READERS: dict[str, Callable[[Any], Salary | None]] = {
    "greenhouse": salary_from_greenhouse_job,
    "lever": salary_from_lever,
    "ashby": salary_from_ashby,
    "amounts": _amounts,
}


def read_stated_salary(salary_format: str | None, data: Any) -> Salary | None:
    """The Salary a structured value states, read by the reader of its format; None for no salary or no reader.

    >>> read_stated_salary("amounts", {"min": 140000, "max": 185000, "currency": "USD", "period": "year"}).max
    185000.0
    >>> read_stated_salary("no-such-format", {"min": 1}) is None
    True
    """
    reader = READERS.get(salary_format or "")
    return reader(data) if reader is not None and data is not None else None
