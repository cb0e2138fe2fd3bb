"""salary_outlier flags: set and cleared per category against its open postings' salary distribution.

Writes flags only; the statistics themselves (median, MAD) are scraper.validation.outliers. After a run,
`OutlierJudge.judge_run` rewrites only the postings that run saw (no global lock; a category's bounds are
read as one column and kept for a few minutes); `recompute_outliers` rewrites a whole category.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, case, select, update

from models.tables import Posting
from scraper.storage._transaction import postings_transaction
from scraper.storage.postings import flag_state
from scraper.validation.outliers import OUTLIER_CODE, is_outlier, outlier_bounds, outlier_flag, outlier_ids

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


# A category's distribution moves slowly: one read of its salaries serves the runs of the next minutes.
BOUNDS_TTL_SECONDS = 300.0


class OutlierJudge:
    """Judges the postings a run saw against their category's bounds, cached per category for `ttl_seconds`.

    One per process (the scheduler's or worker's runs share it); thread-safe.
    """

    def __init__(self, ttl_seconds: float = BOUNDS_TTL_SECONDS) -> None:
        self.ttl_seconds = ttl_seconds
        self._bounds: dict[str, tuple[float, tuple[float, float] | None, float]] = {}
        self._lock = threading.Lock()

    def judge_run(self, engine: Engine, source: str, categories: Collection[str], seen_at: datetime) -> int:
        """Set or clear `salary_outlier` on the open postings of `source` last seen at or after `seen_at` (the
        run's own) in `categories`; returns how many changed. Other postings keep their flags until their own
        source's next run (or a `recompute_outliers`)."""
        changed = 0
        for category in sorted(set(categories)):
            bounds, median = self._category_bounds(engine, category)
            with engine.begin() as connection:
                query = select(Posting.id, Posting.annual_usd_mid, Posting.flags).where(
                    Posting.source == source,
                    Posting.category == category,
                    Posting.closed_at.is_(None),
                    Posting.annual_usd_mid.is_not(None),
                    Posting.last_seen >= seen_at,
                )
                rows = connection.execute(query)
                found = [(pid, float(mid), list(flags or [])) for pid, mid, flags in rows if mid is not None]
                outliers = {
                    pid
                    for pid, mid, flags in found
                    if bounds is not None and not _other_salary_flag(flags) and is_outlier(mid, bounds)
                }
                changed += _write_flags(connection, found, outliers, median)
        return changed

    def forget(self) -> None:
        with self._lock:
            self._bounds.clear()

    def _category_bounds(self, engine: Engine, category: str) -> tuple[tuple[float, float] | None, float]:
        now = time.monotonic()
        with self._lock:
            cached = self._bounds.get(category)
        if cached is not None and now - cached[0] < self.ttl_seconds:
            return cached[1], cached[2]
        # One float per posting, and the flags only of the few with a salary flag (the costly JSON stays unread).
        query = select(
            Posting.annual_usd_mid, case((Posting.salary_flagged.is_(True), Posting.flags), else_=None)
        ).where(Posting.category == category, Posting.closed_at.is_(None), Posting.annual_usd_mid.is_not(None))
        with engine.connect() as connection:
            values = [float(mid) for mid, flags in connection.execute(query) if not _other_salary_flag(flags or [])]
        bounds = outlier_bounds(values, min_samples=OUTLIER_MIN_SAMPLES)
        median = statistics.median(values) if values else 0.0
        with self._lock:
            self._bounds[category] = (now, bounds, median)
        return bounds, median


def _other_salary_flag(flags: Iterable[dict[str, Any]]) -> bool:
    return any(flag["code"].startswith("salary_") and flag["code"] != OUTLIER_CODE for flag in flags)


def _write_flags(
    connection: Connection, found: list[tuple[int, float, list[dict[str, Any]]]], outliers: set[int], median: float
) -> int:
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
            {"posting_id": posting_id, "new_flags": kept, "new_salary_flagged": salary_flagged, "new_flagged": flagged}
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
    return len(updates)
