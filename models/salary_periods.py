"""The spans salary periods (models.tables.SalaryPeriod) are kept for: each posted week (Monday, UTC), and each block
of BLOCK_WEEKS weeks counted from a fixed Monday. A statistic since a time unites the weeks from the first starting
at or after it to the next block, and the blocks from there on: at most BLOCK_WEEKS - 1 weeks and a block per
BLOCK_WEEKS weeks, not one list per week (the cost of describing a union grows with its parts: at 1M postings
`group_by=country` over eleven months took 130 ms of CPU from 48 weekly parts a cell).
"""

from __future__ import annotations

from datetime import date, timedelta

BLOCK_WEEKS = 4
_FIRST_MONDAY = date(1970, 1, 5)


def block_start(week: date) -> date:
    """The first week of the block holding `week` (a Monday).

    >>> block_start(date(2026, 11, 16)), block_start(date(2026, 11, 23))
    (datetime.date(2026, 10, 26), datetime.date(2026, 11, 23))
    """
    weeks = (week - _FIRST_MONDAY).days // 7
    return _FIRST_MONDAY + timedelta(weeks=weeks - weeks % BLOCK_WEEKS)


def first_block_from(week: date) -> date:
    """The first block starting at or after `week` (a Monday).

    >>> first_block_from(date(2026, 11, 16)), first_block_from(date(2026, 11, 23))
    (datetime.date(2026, 11, 23), datetime.date(2026, 11, 23))
    """
    start = block_start(week)
    return start if start == week else start + timedelta(weeks=BLOCK_WEEKS)
