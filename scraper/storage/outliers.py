"""salary_outlier flags: set and cleared per category against its open postings' salary distribution.

Writes flags only; the statistics themselves (median, MAD) are scraper.validation.outliers.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection

from sqlalchemy import Engine, bindparam, select, update

from models.tables import Posting
from scraper.storage._transaction import postings_transaction
from scraper.storage.postings import flag_state
from scraper.validation.outliers import OUTLIER_CODE, outlier_flag, outlier_ids

# Below this many salaries a category has no distribution worth judging against.
OUTLIER_MIN_SAMPLES = 20


def recompute_outliers(engine: Engine, categories: Collection[str]) -> int:
    """Set `salary_outlier` where a posting's salary is an outlier within its category's open postings and
    clear it where it no longer is; returns the number of postings whose flags changed.

    The distribution is the open postings' `annual_usd_mid` without any other `salary_` flag (an
    implausible salary must not widen it); a category with too few samples flags nothing.
    """
    changed = 0
    for category in sorted(set(categories)):
        with postings_transaction(engine) as connection:
            query = select(Posting.id, Posting.annual_usd_mid, Posting.flags).where(
                Posting.category == category, Posting.closed_at.is_(None), Posting.annual_usd_mid.is_not(None)
            )
            found = [
                (posting_id, float(mid), list(flags or []))
                for posting_id, mid, flags in connection.execute(query)
                if mid is not None  # the query keeps salaried postings only; the column type cannot say so
            ]
            values = {
                posting_id: mid
                for posting_id, mid, flags in found
                if not any(flag["code"].startswith("salary_") and flag["code"] != OUTLIER_CODE for flag in flags)
            }
            outliers = outlier_ids(values, min_samples=OUTLIER_MIN_SAMPLES)
            median = statistics.median(values.values()) if values else 0.0
            updates = []
            for posting_id, mid, flags in found:
                has_flag = any(flag["code"] == OUTLIER_CODE for flag in flags)
                if has_flag == (posting_id in outliers):
                    continue
                kept = [flag for flag in flags if flag["code"] != OUTLIER_CODE]
                if not has_flag:
                    flag = outlier_flag(mid, median)
                    kept.append({"code": flag.code, "message": flag.message})
                salary_flagged, flagged = flag_state(kept)
                updates.append(
                    {
                        "posting_id": posting_id,
                        "new_flags": kept,
                        "new_salary_flagged": salary_flagged,
                        "new_flagged": flagged,
                    }
                )
            if updates:
                statement = (
                    update(Posting)
                    .where(Posting.id == bindparam("posting_id"))
                    .values(
                        flags=bindparam("new_flags", type_=Posting.__table__.c.flags.type),
                        salary_flagged=bindparam("new_salary_flagged"),
                        flagged=bindparam("new_flagged"),
                    )
                )
                connection.execute(statement, updates, execution_options={"synchronize_session": False})
            changed += len(updates)
    return changed
