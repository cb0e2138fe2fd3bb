"""The finding codes validation writes on a posting (a contract of /api/v1/outliers?code=); which are salary ones.

Salary findings keep a salary out of the statistics and are the outliers; the others are data-quality notes
about a posting that is otherwise normal (no company named, a date in the future...).
"""

from __future__ import annotations

from typing import Final

SALARY_NOT_POSITIVE: Final = "salary_not_positive"
SALARY_MIN_GT_MAX: Final = "salary_min_gt_max"
SALARY_IMPLAUSIBLE: Final = "salary_implausible"
SALARY_PERIOD_MISMATCH: Final = "salary_period_mismatch"
SALARY_OUTLIER: Final = "salary_outlier"
COMPANY_MISSING: Final = "company_missing"
POSTED_IN_FUTURE: Final = "posted_in_future"
POSTED_LONG_AGO: Final = "posted_long_ago"
EXPIRED: Final = "expired"

SALARY_FLAG_CODES: Final = (
    SALARY_NOT_POSITIVE,
    SALARY_MIN_GT_MAX,
    SALARY_IMPLAUSIBLE,
    SALARY_PERIOD_MISMATCH,
    SALARY_OUTLIER,
)
NOTE_CODES: Final = (COMPANY_MISSING, POSTED_IN_FUTURE, POSTED_LONG_AGO, EXPIRED)
FLAG_CODES: Final = SALARY_FLAG_CODES + NOTE_CODES


def is_salary_flag(code: str) -> bool:
    """True for a salary finding (an outlier), False for a data-quality note.

    >>> is_salary_flag("salary_implausible"), is_salary_flag("company_missing")
    (True, False)
    """
    return code in SALARY_FLAG_CODES
