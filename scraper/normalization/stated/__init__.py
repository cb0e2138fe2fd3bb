"""Structured salaries as job APIs state them -> `models.records.Salary`, one reader per wire format.

Sources hand over the value as found (`RawPosting.salary_format` names its shape, `salary_data` holds it);
this registry picks the reader. Readers are pure and total: any JSON value in, a Salary or None out.
A new format adds a module here (`stated/<format>.py`) and one line to READERS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from models.records import Salary
from scraper.normalization.stated import amounts, ashby, greenhouse, lever, recruitee, schema_org

READERS: dict[str, Callable[[Any], Salary | None]] = {
    "greenhouse": greenhouse.read,
    "lever": lever.read,
    "ashby": ashby.read,
    "amounts": amounts.read,
    "schema_org": schema_org.read,
    "recruitee": recruitee.read,
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
