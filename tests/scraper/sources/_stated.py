"""Golden source tests compare a parsed posting with its structured salary as normalization reads it.

Sources hand the salary over as found (`salary_format`, `salary_data`); the tests state the Salary that value
means, so a wrong format name or a dropped field fails the comparison.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from models.records import RawPosting, Salary
from scraper.errors import ParseError
from scraper.normalization.stated import read_stated_salary


@dataclass(frozen=True)
class Parsed:
    posting: RawPosting
    salary: Salary | None


def expect(salary: Salary | None = None, **fields: Any) -> Parsed:
    """What a test expects: the posting's fields (without the salary value) and the Salary it states."""
    return Parsed(RawPosting(**fields), salary)


def parsed(result: RawPosting | ParseError) -> Parsed | ParseError:
    """A parse result without the audit payload, the fetch time and the raw salary value, plus its salary as read."""
    if not isinstance(result, RawPosting):
        return result
    salary = read_stated_salary(result.salary_format, result.salary_data)
    bare = dataclasses.replace(result, payload=None, fetched_at=None, salary_format=None, salary_data=None)
    return Parsed(bare, salary)
