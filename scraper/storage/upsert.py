"""Upsert with history: store a batch of postings in one transaction (new, changed, reopened, unchanged),
write the history of what changed, and reject alone a posting the database refuses.

Takes NormalizedPosting values and the clock from the caller; never fetches, parses or normalizes.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import BigInteger, Connection, Engine, String, insert, literal_column, null, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, DBAPIError, StatementError
from sqlalchemy.sql.dml import Insert

from models.enums import ChangeField
from models.posting import TRACKED_COLUMN_NAMES, changes, stored_value
from models.records import NormalizedPosting
from models.tables import Posting, PostingChange, Source
from scraper.storage._sql import among, chunks, json_keys, require_aware
from scraper.storage._transaction import is_postgres, postings_transaction
from scraper.storage.dedup import add_keys, dedup_keys, repoint_duplicates, stored_keys
from scraper.storage.pg_copy import change_values, copy_postings, copy_rows
from scraper.storage.rows import (
    CHANGE_COLUMNS,
    CONTENT_COLUMNS,
    UnstorableValue,
    change_row,
    dedupe_batch,
    flag_state,
    key_values,
    storable_row,
)
from scraper.validation.outliers import OUTLIER_CODE

log = logging.getLogger(__name__)

# last_seen of an unchanged posting is rewritten only once it lags by this much (see last_seen_slack).
LAST_SEEN_MAX_LAG = timedelta(hours=24)
LAST_SEEN_MAX_RUNS = 12
# The reason a posting the database refuses is counted under in the run's rejected counts.
UNSTORABLE = "unstorable"

Row = dict[str, Any]


@dataclass(slots=True)
class BatchResult:
    """What one `upsert_postings` call did; each posting of the (deduplicated) batch is counted once."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    reopened: int = 0
    categories: set[str] = field(default_factory=set)
    flagged_by_code: dict[str, int] = field(default_factory=dict)
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)  # external ids of the postings not stored

    def add(self, other: BatchResult) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.reopened += other.reopened
        self.categories |= other.categories
        self.flagged_by_code = dict(Counter(self.flagged_by_code) + Counter(other.flagged_by_code))
        self.rejected_by_reason = dict(Counter(self.rejected_by_reason) + Counter(other.rejected_by_reason))
        self.rejected.extend(other.rejected)

    def reject(self, external_id: str, reason: str = UNSTORABLE) -> None:
        self.rejected_by_reason[reason] = self.rejected_by_reason.get(reason, 0) + 1
        self.rejected.append(external_id)


@dataclass(frozen=True, slots=True)
class _Stored:
    id: int
    content_hash: str
    closed_at: datetime | None
    last_seen: datetime
    missed_runs: int


@dataclass(slots=True)
class _Plan:
    """What one batch writes: rows to insert or rewrite, ids to touch, history rows, keys for the dedup pass."""

    new: list[NormalizedPosting] = field(default_factory=list)
    rewritten: list[Row] = field(default_factory=list)
    touch: list[int] = field(default_factory=list)
    changes: list[Row] = field(default_factory=list)
    fingerprints: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    ids: set[int] = field(default_factory=set)


def upsert_postings(
    engine: Engine,
    source: str,
    postings: Sequence[NormalizedPosting],
    *,
    run_id: int,
    now: datetime,
) -> BatchResult:
    """Store one batch in one transaction: insert new postings, rewrite changed ones with history rows,
    reopen closed ones, and leave unchanged ones alone but for `last_seen` (see `last_seen_slack`).

    The batch is deduplicated by external_id first (the last one wins). A failure rolls back this batch
    only; batches committed before it stay. A posting the database refuses for its values (PostgreSQL: an
    external id or a category longer than its column; either backend: a payload JSON cannot encode) fails
    the transaction of its whole batch: the batch is then stored again in halves, down to that posting
    alone, which is rejected and counted under `rejected_by_reason["unstorable"]`; the others are stored as
    if it had not been there. A fault of the database itself (connection, constraint) still raises.
    """
    require_aware(now)
    result = BatchResult()
    _store(engine, source, list(dedupe_batch(postings).items()), run_id=run_id, now=now, result=result)
    return result


def _store(
    engine: Engine,
    source: str,
    rows: list[tuple[str, NormalizedPosting]],
    *,
    run_id: int,
    now: datetime,
    result: BatchResult,
) -> None:
    if not rows:
        return
    try:
        result.add(_upsert_batch(engine, source, dict(rows), run_id=run_id, now=now))
    except (StatementError, psycopg.DataError, UnstorableValue) as error:
        if not refuses_values(error):
            raise
        if len(rows) == 1:
            _log_rejected(source, rows[0][0], error)
            result.reject(rows[0][0])
            return
        middle = len(rows) // 2
        _store(engine, source, rows[:middle], run_id=run_id, now=now, result=result)
        _store(engine, source, rows[middle:], run_id=run_id, now=now, result=result)


def refuses_values(error: Exception) -> bool:
    """Whether a failed write was refused for the values it carried (so one posting may be at fault), not
    for the state of the database or the connection (which every posting would fail alike)."""
    if isinstance(error, DBAPIError):
        return isinstance(error, DataError)
    if isinstance(error, StatementError):  # a bind processor refused a value (SQLAlchemy wraps what it raised)
        return isinstance(error.orig, TypeError | ValueError)
    return isinstance(error, psycopg.DataError | UnstorableValue)


def _log_rejected(source: str, external_id: str, error: Exception) -> None:
    reason = str(getattr(error, "orig", None) or error).splitlines()[0][:300]
    log.warning("%s: posting %r rejected, the database cannot store it: %s", source, external_id, reason)


def _upsert_batch(
    engine: Engine, source: str, postings: dict[str, NormalizedPosting], *, run_id: int, now: datetime
) -> BatchResult:
    result = BatchResult()
    flag_counts: Counter[str] = Counter()
    for posting in postings.values():
        result.categories.add(stored_value(posting.category))
        flag_counts.update({stored_value(flag.code) for flag in posting.flags})
    result.flagged_by_code = dict(flag_counts)
    # a run's batches: durable once the run's own later commits are (see postings_transaction)
    with postings_transaction(engine, flush_at_commit=False) as connection:
        stored = _stored_rows(connection, source, list(postings))
        plan = _classify(postings, stored, last_seen_slack(_every_seconds(connection, source)), now, result)
        _history(connection, plan, stored, run_id=run_id, now=now)
        _write(connection, source, plan, now)
    return result


def _classify(
    postings: dict[str, NormalizedPosting],
    stored: dict[str, _Stored],
    slack: timedelta,
    now: datetime,
    result: BatchResult,
) -> _Plan:
    """New, reopened, changed (rewritten) or unchanged (touched once `last_seen` lags by `slack`).

    A new posting's row is built only as it is written (PostgreSQL: while COPY streams the ones before it).
    """
    plan = _Plan()
    for external_id, posting in postings.items():
        old = stored.get(external_id)
        if old is None:
            result.new += 1
            plan.new.append(posting)
            continue
        row = storable_row(posting, now)
        if old.closed_at is not None:
            result.reopened += 1
            plan.rewritten.append(row)
        elif old.content_hash != row["content_hash"]:
            result.updated += 1
            plan.rewritten.append(row)
        else:
            result.unchanged += 1
            if old.missed_runs or now - old.last_seen >= slack:
                plan.touch.append(old.id)
    return plan


def _history(connection: Connection, plan: _Plan, stored: dict[str, _Stored], *, run_id: int, now: datetime) -> None:
    """The history rows of the rewritten postings, their kept outlier flag, and the keys the dedup pass needs
    (read before anything is written: a new posting's key matters only if a stored open posting has it too)."""
    new_fingerprints: set[str] = set()
    new_urls: set[str] = set()
    for posting in plan.new:
        add_keys(key_values(posting), new_fingerprints, new_urls)
    previous = _previous_values(connection, [stored[row["external_id"]].id for row in plan.rewritten])
    for row in plan.rewritten:
        old = stored[row["external_id"]]
        old_row = previous[old.id]
        row["flags"] = _keep_outlier_flag(old_row, row)
        row["salary_flagged"], row["flagged"] = flag_state(row["flags"])
        plan.changes.extend(_field_changes(old.id, old_row, row, run_id=run_id, now=now))
        if old.closed_at is not None:
            plan.changes.append(change_row(old.id, ChangeField.REOPENED, old.closed_at.isoformat(), None, run_id, now))
        if old.closed_at is not None or dedup_keys(old_row) != dedup_keys(row):
            add_keys(old_row, plan.fingerprints, plan.urls)
            add_keys(row, plan.fingerprints, plan.urls)
            plan.ids.add(old.id)
    shared_fingerprints, shared_urls = stored_keys(connection, new_fingerprints, new_urls)
    plan.fingerprints |= shared_fingerprints
    plan.urls |= shared_urls


def _write(connection: Connection, source: str, plan: _Plan, now: datetime) -> None:
    if is_postgres(connection):
        copy_postings(connection, source, new=plan.new, rewritten=plan.rewritten, now=now)
    elif plan.new or plan.rewritten:
        # RETURNING makes SQLAlchemy send the batch as a few multi-row VALUES statements (insertmanyvalues)
        # instead of one statement per row.
        new = (storable_row(posting, now) for posting in plan.new)
        connection.execute(
            _upsert_statement(connection).returning(Posting.id),
            [{"source": source, **row} for row in (*new, *plan.rewritten)],
        ).all()
    for chunk in chunks(plan.touch):
        connection.execute(
            update(Posting)
            .where(among(connection, Posting.id, chunk, BigInteger))
            .values(last_seen=now, missed_runs=0),
            execution_options={"synchronize_session": False},
        )
    if plan.changes and is_postgres(connection):
        copy_rows(connection, "posting_changes", CHANGE_COLUMNS, (change_values(connection, c) for c in plan.changes))
    elif plan.changes:
        connection.execute(insert(PostingChange), plan.changes)
    if plan.fingerprints or plan.urls or plan.ids:
        repoint_duplicates(connection, plan.fingerprints, plan.urls, plan.ids)


def last_seen_slack(every_seconds: int) -> timedelta:
    """How far an unchanged posting's `last_seen` may fall behind before it is rewritten.

    Bumping `last_seen` on every run rewrites every row of every run (about 1.3 KB each, the table
    doubles, 272 MB of WAL per 100k postings: DESIGN.md section 8) to record what the run row already
    says. So an unchanged posting's `last_seen` advances only once it lags by at least this much, and
    always lags by less than min(12 runs, 24 h). Half an interval is taken off so that a run a little
    early (jitter) still refreshes on schedule. Closing does not depend on it (`missed_runs` counts runs).

    >>> last_seen_slack(7200)  # every 2h: refreshed every 12th run
    datetime.timedelta(seconds=82800)
    >>> last_seen_slack(86400)  # every day: every run
    datetime.timedelta(seconds=43200)
    >>> last_seen_slack(4 * 86400)
    datetime.timedelta(0)
    """
    horizon = min(LAST_SEEN_MAX_RUNS * every_seconds, int(LAST_SEEN_MAX_LAG.total_seconds()))
    return timedelta(seconds=max(0.0, horizon - every_seconds / 2))


def _every_seconds(connection: Connection, source: str) -> int:
    every = connection.execute(select(Source.every_seconds).where(Source.name == source)).scalar()
    return every or 0


# PostgreSQL plans `column = ANY(:keys)` from statistics. Before autovacuum has analyzed a fast-growing
# table (a fresh database's first scrape, a new source's) it takes the key to select next to nothing of
# everything and prefers scanning the source's (or all open) postings, O(table) per batch. Unnesting the
# keys (sent as JSON: see json_keys) into a LATERAL subquery fenced by OFFSET 0 (which keeps the planner from
# flattening it or pushing other conditions into it) leaves one plan: a nested loop of index probes, one per
# key, O(batch).
_PG_STORED = text(
    """
    SELECT k.external_id, p.id, p.content_hash, p.closed_at, p.last_seen, p.missed_runs
    FROM json_array_elements_text(CAST(:keys AS json)) AS k (external_id)
    CROSS JOIN LATERAL (
        SELECT id, content_hash, closed_at, last_seen, missed_runs FROM postings
        WHERE source = :source AND external_id = k.external_id OFFSET 0
    ) AS p
    """
).columns(
    Posting.external_id, Posting.id, Posting.content_hash, Posting.closed_at, Posting.last_seen, Posting.missed_runs
)


def _stored_rows(connection: Connection, source: str, external_ids: list[str]) -> dict[str, _Stored]:
    found: dict[str, _Stored] = {}
    if is_postgres(connection):
        for external_id, *values in connection.execute(_PG_STORED, {"keys": json_keys(external_ids), "source": source}):
            found[external_id] = _Stored(*values)
        return found
    columns = (Posting.external_id, Posting.id, Posting.content_hash, Posting.closed_at)
    for chunk in chunks(external_ids):
        query = select(*columns, Posting.last_seen, Posting.missed_runs).where(
            Posting.source == source, among(connection, Posting.external_id, chunk, String)
        )
        for external_id, *values in connection.execute(query):
            found[external_id] = _Stored(*values)
    return found


# What a rewrite compares: the tracked fields, and what the outlier flag and the dedup keys need.
_TRACKED = tuple(
    getattr(Posting, name)
    for name in dict.fromkeys(
        ("id", *TRACKED_COLUMN_NAMES, "annual_usd_mid", "flags", "fingerprint", "company", "apply_url")
    )
)


def _previous_values(connection: Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The tracked fields of the rows about to be rewritten (wide, so read only for those)."""
    previous: dict[int, dict[str, Any]] = {}
    for chunk in chunks(ids):
        for found in connection.execute(
            select(*_TRACKED).where(among(connection, Posting.id, chunk, BigInteger))
        ).mappings():
            previous[found["id"]] = dict(found)
    return previous


def _keep_outlier_flag(old_row: dict[str, Any], row: dict[str, Any]) -> list[dict[str, str]]:
    """Validation never yields `salary_outlier` (it is judged against the category by `recompute_outliers`):
    keep it across a rewrite that leaves the salary value alone, so it does not blink off until the recompute."""
    flags: list[dict[str, str]] = row["flags"]
    kept = [flag for flag in old_row["flags"] or [] if flag.get("code") == OUTLIER_CODE]
    if not kept or old_row["annual_usd_mid"] != row["annual_usd_mid"]:
        return flags
    return [*(flag for flag in flags if flag["code"] != OUTLIER_CODE), kept[0]]


def _field_changes(posting_id: int, old: Row, new: Row, *, run_id: int, now: datetime) -> Iterator[Row]:
    for what, old_value, new_value in changes(old, new):
        yield change_row(posting_id, what, old_value, new_value, run_id, now)


def _upsert_statement(connection: Connection) -> Insert:
    statement = postgresql.insert(Posting) if is_postgres(connection) else sqlite.insert(Posting)
    values: dict[str, Any] = {name: statement.excluded[name] for name in CONTENT_COLUMNS}
    # SQL literals, not bound parameters: a bound value in SET makes SQLAlchemy send one statement per row.
    values.update(closed_at=null(), missed_runs=literal_column("0"))
    return statement.on_conflict_do_update(index_elements=["source", "external_id"], set_=values)
