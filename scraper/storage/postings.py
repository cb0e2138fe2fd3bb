"""Posting writes: batched upsert with change history, closing what disappeared, cross-source dedup.

Takes NormalizedPosting values and the clock from the caller; never fetches, parses or normalizes.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

import orjson
import psycopg
import psycopg.sql
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Engine,
    String,
    Text,
    any_,
    bindparam,
    insert,
    literal_column,
    null,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.dml import Insert

from models.enums import ChangeField
from models.posting import (
    COLUMN_NAMES,
    JSON_COLUMN_NAMES,
    POSTING_COLUMNS,
    TRACKED_COLUMN_NAMES,
    changes,
    hashed_content,
    stored_values,
)
from models.records import NormalizedPosting, Salary
from models.tables import Posting, PostingChange, Source
from models.text import strip_controls
from models.types import UTCDateTime
from scraper.storage._transaction import is_postgres, postings_transaction
from scraper.validation.outliers import OUTLIER_CODE

T = TypeVar("T")

# Keeps every IN (...) list well under SQLite's and psycopg's parameter limits.
CHUNK = 900

# last_seen of an unchanged posting is rewritten only once it lags by this much (see last_seen_slack).
LAST_SEEN_MAX_LAG = timedelta(hours=24)
LAST_SEEN_MAX_RUNS = 12

# Written on insert and rewritten on a content change: the record's columns and those derived from them;
# never `id`, `source`, `external_id`, `first_seen` (a posting's identity and history) nor `duplicate_of`
# (kept by the dedup pass).
_DERIVED_COLUMNS = ("annual_usd_mid", "salary_flagged", "flagged", "content_hash", "last_seen")
_CONTENT_COLUMNS = (*COLUMN_NAMES, *_DERIVED_COLUMNS)
_ROW_COLUMNS = ("external_id", *_CONTENT_COLUMNS, "first_seen", "missed_runs", "closed_at")
_TIME_COLUMNS = frozenset(
    {"first_seen", "last_seen", "closed_at", *(c.name for c in POSTING_COLUMNS if isinstance(c.spec.type, UTCDateTime))}
)
_CHANGE_COLUMNS = ("posting_id", "run_id", "field", "old", "new", "changed_at")


@dataclass(slots=True)
class BatchResult:
    """What one `upsert_postings` call did; each posting of the (deduplicated) batch is counted once."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    reopened: int = 0
    categories: set[str] = field(default_factory=set)
    flagged_by_code: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Stored:
    id: int
    content_hash: str
    closed_at: datetime | None
    last_seen: datetime
    missed_runs: int


@dataclass(frozen=True, slots=True)
class _Member:
    """An open posting as the dedup pass sees it."""

    id: int
    source: str
    fingerprint_key: str | None
    apply_url: str | None
    first_seen: datetime
    duplicate_of: int | None


# ---------------------------------------------------------------------------------------------- upsert


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
    only; batches committed before it stay.
    """
    _require_aware(now)
    batch = dedupe_batch(postings)
    result = BatchResult()
    if not batch:
        return result
    rows = {external_id: posting_row(posting, now) for external_id, posting in batch.items()}
    flag_counts: Counter[str] = Counter()
    for row in rows.values():
        result.categories.add(row["category"])
        flag_counts.update({flag["code"] for flag in row["flags"]})
    result.flagged_by_code = dict(flag_counts)

    with postings_transaction(engine) as connection:
        slack = last_seen_slack(_every_seconds(connection, source))
        stored = _stored_rows(connection, source, list(rows))
        rewrite: dict[str, dict[str, Any]] = {}
        touch: list[int] = []
        for external_id, row in rows.items():
            old = stored.get(external_id)
            if old is None:
                result.new += 1
                rewrite[external_id] = row
            elif old.closed_at is not None:
                result.reopened += 1
                rewrite[external_id] = row
            elif old.content_hash != row["content_hash"]:
                result.updated += 1
                rewrite[external_id] = row
            else:
                result.unchanged += 1
                if old.missed_runs or now - old.last_seen >= slack:
                    touch.append(old.id)

        previous = _previous_values(connection, [stored[e].id for e in rewrite if e in stored])
        changes: list[dict[str, Any]] = []
        dedup_fingerprints: set[str] = set()
        dedup_urls: set[str] = set()
        dedup_ids: set[int] = set()
        new_fingerprints: set[str] = set()
        new_urls: set[str] = set()
        for external_id, row in rewrite.items():
            old_row = previous.get(stored[external_id].id) if external_id in stored else None
            if old_row is None:
                _add_keys(row, new_fingerprints, new_urls)
                continue
            posting_id = old_row["id"]
            row["flags"] = _keep_outlier_flag(old_row, row)
            row["salary_flagged"], row["flagged"] = flag_state(row["flags"])
            changes.extend(_field_changes(posting_id, old_row, row, run_id=run_id, now=now))
            closed_at = stored[external_id].closed_at
            if closed_at is not None:
                changes.append(_change(posting_id, ChangeField.REOPENED, closed_at.isoformat(), None, run_id, now))
            if closed_at is not None or _dedup_keys(old_row) != _dedup_keys(row):
                _add_keys(old_row, dedup_fingerprints, dedup_urls)
                _add_keys(row, dedup_fingerprints, dedup_urls)
                dedup_ids.add(posting_id)
        # before anything is written: a new posting's key matters only if a stored open posting has it too
        shared_fingerprints, shared_urls = _stored_keys(connection, new_fingerprints, new_urls)
        dedup_fingerprints |= shared_fingerprints
        dedup_urls |= shared_urls

        if rewrite and is_postgres(connection):
            _copy_postings(
                connection,
                source,
                new=[row for external_id, row in rewrite.items() if external_id not in stored],
                rewritten=[row for external_id, row in rewrite.items() if external_id in stored],
            )
        elif rewrite:
            # RETURNING makes SQLAlchemy send the batch as a few multi-row VALUES statements (insertmanyvalues)
            # instead of one statement per row.
            connection.execute(
                _upsert_statement(connection).returning(Posting.id), [{"source": source, **r} for r in rewrite.values()]
            ).all()
        for chunk in _chunks(touch):
            connection.execute(
                update(Posting)
                .where(_among(connection, Posting.id, chunk, BigInteger))
                .values(last_seen=now, missed_runs=0),
                execution_options={"synchronize_session": False},
            )
        if changes and is_postgres(connection):
            _copy_rows(
                connection,
                "posting_changes",
                _CHANGE_COLUMNS,
                (_change_values(connection, change) for change in changes),
            )
        elif changes:
            connection.execute(insert(PostingChange), changes)
        if dedup_fingerprints or dedup_urls or dedup_ids:
            repoint_duplicates(connection, dedup_fingerprints, dedup_urls, dedup_ids)
    return result


def dedupe_batch(postings: Iterable[NormalizedPosting]) -> dict[str, NormalizedPosting]:
    """The batch keyed by external_id; a repeated external_id keeps its last posting (the freshest read)."""
    batch: dict[str, NormalizedPosting] = {}
    for posting in postings:
        batch.pop(posting.external_id, None)
        batch[posting.external_id] = posting
    return batch


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


def annual_usd_mid(salary: Salary | None) -> float | None:
    """The one value salary statistics use: the midpoint of the annual USD bounds, or the one known bound.

    >>> annual_usd_mid(Salary(60, 120, "USD", None, "stated", "", annual_usd_min=60000, annual_usd_max=120000))
    90000.0
    >>> annual_usd_mid(Salary(None, 120, "USD", None, "stated", "", annual_usd_max=120000))
    120000.0
    """
    if salary is None:
        return None
    low, high = salary.annual_usd_min, salary.annual_usd_max
    if low is not None and high is not None:
        return (low + high) / 2
    bound = low if low is not None else high
    return None if bound is None else float(bound)


def posting_row(posting: NormalizedPosting, now: datetime) -> dict[str, Any]:
    """The `postings` columns of one posting (all but `source`, `id`, `duplicate_of`): the record's values
    through the text policy (models/posting.py), the columns derived from them, and its `content_hash`."""
    row: dict[str, Any] = {"external_id": strip_controls(posting.external_id), **stored_values(posting)}
    row["annual_usd_mid"] = annual_usd_mid(posting.salary)
    row["salary_flagged"], row["flagged"] = flag_state(row["flags"])
    row.update(first_seen=now, last_seen=now, missed_runs=0, closed_at=None)
    row["content_hash"] = content_hash(row)
    return row


def content_hash(row: dict[str, Any]) -> str:
    """SHA-256 of the normalized content of a posting row (the definition's hashed columns): not its
    bookkeeping timestamps, not the raw payload; `posted_at` counts by its date only ("3 days ago" resolved
    against each run's clock must not make a posting look changed on every run)."""
    return hashlib.sha256(orjson.dumps(hashed_content(row))).hexdigest()


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: pass an aware UTC time")


def flag_state(flags: Sequence[dict[str, str]]) -> tuple[bool, bool]:
    return any(flag["code"].startswith("salary_") for flag in flags), bool(flags)


def _chunks(items: Sequence[T] | Collection[T], size: int = CHUNK) -> Iterator[list[T]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _among(
    connection: Connection, column: InstrumentedAttribute[Any], values: list[Any], item_type: Any
) -> ColumnElement[bool]:
    """`column IN values`; on PostgreSQL `= ANY(array)`: one statement text for any length (parsed and planned once)."""
    if is_postgres(connection):
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(item_type)))
    return column.in_(values)


def _every_seconds(connection: Connection, source: str) -> int:
    every = connection.execute(select(Source.every_seconds).where(Source.name == source)).scalar()
    return every or 0


# PostgreSQL plans `column = ANY(:keys)` from statistics. Before autovacuum has analyzed a fast-growing
# table (a fresh database's first scrape, a new source's) it takes the key to select next to nothing of
# everything and prefers scanning the source's (or all open) postings, O(table) per batch. Unnesting the
# keys into a LATERAL subquery fenced by OFFSET 0 (which keeps the planner from flattening it or pushing
# other conditions into it) leaves one plan: a nested loop of index probes, one per key, O(batch).
_PG_STORED = text(
    """
    SELECT k.external_id, p.id, p.content_hash, p.closed_at, p.last_seen, p.missed_runs
    FROM unnest(CAST(:keys AS varchar[])) AS k (external_id)
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
        for external_id, *values in connection.execute(_PG_STORED, {"keys": external_ids, "source": source}):
            found[external_id] = _Stored(*values)
        return found
    columns = (Posting.external_id, Posting.id, Posting.content_hash, Posting.closed_at)
    for chunk in _chunks(external_ids):
        query = select(*columns, Posting.last_seen, Posting.missed_runs).where(
            Posting.source == source, _among(connection, Posting.external_id, chunk, String)
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
    for chunk in _chunks(ids):
        for found in connection.execute(
            select(*_TRACKED).where(_among(connection, Posting.id, chunk, BigInteger))
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


def _field_changes(
    posting_id: int, old: dict[str, Any], new: dict[str, Any], *, run_id: int, now: datetime
) -> Iterator[dict[str, Any]]:
    for what, old_value, new_value in changes(old, new):
        yield _change(posting_id, what, old_value, new_value, run_id, now)


def _change(
    posting_id: int, what: ChangeField, old: Any, new: Any, run_id: int | None, now: datetime
) -> dict[str, Any]:
    return {"posting_id": posting_id, "run_id": run_id, "field": str(what), "old": old, "new": new, "changed_at": now}


def _upsert_statement(connection: Connection) -> Insert:
    statement = postgresql.insert(Posting) if is_postgres(connection) else sqlite.insert(Posting)
    values: dict[str, Any] = {name: statement.excluded[name] for name in _CONTENT_COLUMNS}
    # SQL literals, not bound parameters: a bound value in SET makes SQLAlchemy send one statement per row.
    values.update(closed_at=null(), missed_runs=literal_column("0"))
    return statement.on_conflict_do_update(index_elements=["source", "external_id"], set_=values)


# ------------------------------------------------------------------------------------- PostgreSQL writes

_BATCH_TABLE = "posting_batch"
# Per connection, emptied at each commit; built from `postings` so its column types are the same.
_CREATE_BATCH_TABLE = text(
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_BATCH_TABLE} ON COMMIT DELETE ROWS AS "
    f"SELECT {', '.join(_ROW_COLUMNS)} FROM postings WITH NO DATA"
)
_UPSERT_FROM_BATCH = text(
    f"INSERT INTO postings (source, {', '.join(_ROW_COLUMNS)}) "
    f"SELECT :source, {', '.join(_ROW_COLUMNS)} FROM {_BATCH_TABLE} "
    "ON CONFLICT (source, external_id) DO UPDATE SET "
    + ", ".join(f"{name} = EXCLUDED.{name}" for name in _CONTENT_COLUMNS)
    + ", closed_at = NULL, missed_runs = 0"
).bindparams(bindparam("source", type_=String))
_UTC = UTCDateTime()
_PAYLOAD_POSITION = _ROW_COLUMNS.index("payload")
_LIST_POSITIONS = tuple(_ROW_COLUMNS.index(name) for name in sorted(JSON_COLUMN_NAMES - {"payload"}))
_TIME_POSITIONS = tuple(_ROW_COLUMNS.index(name) for name in sorted(_TIME_COLUMNS))


def _copy_postings(
    connection: Connection, source: str, *, new: list[dict[str, Any]], rewritten: list[dict[str, Any]]
) -> None:
    """PostgreSQL: COPY new postings straight into `postings`; COPY rewritten ones into a temporary staging
    table, then one INSERT ... SELECT ... ON CONFLICT DO UPDATE.

    The same rows as multi-row VALUES cost far more in the client than in the server: SQLAlchemy processes
    each of the 36 values of every row and psycopg re-parses a statement text that is new every batch
    (about three quarters of the time of a first scrape). COPY streams the values with neither. A posting
    classified new is absent: every writer of `postings` holds the postings lock (`postings_transaction`),
    and were one not to, the unique (source, external_id) would fail the batch, never duplicate a posting.
    """
    if new:
        rows = ([source, *_row_values(connection, row)] for row in new)
        _copy_rows(connection, "postings", ("source", *_ROW_COLUMNS), rows)
    if rewritten:
        connection.execute(_CREATE_BATCH_TABLE)
        staged = (_row_values(connection, row) for row in rewritten)
        _copy_rows(connection, _BATCH_TABLE, _ROW_COLUMNS, staged)
        connection.execute(_UPSERT_FROM_BATCH, {"source": source})


def _row_values(connection: Connection, row: dict[str, Any]) -> list[Any]:
    """A posting row as COPY takes it, each value as the column's SQLAlchemy type would have bound it."""
    values = [row[name] for name in _ROW_COLUMNS]
    for position in _LIST_POSITIONS:
        values[position] = orjson.dumps(values[position]).decode()  # lists of strings built by posting_row
    # whatever the source found: the stdlib encoder SQLAlchemy's JSONB type uses, with its errors
    values[_PAYLOAD_POSITION] = json.dumps(values[_PAYLOAD_POSITION])
    for position in _TIME_POSITIONS:
        values[position] = _UTC.process_bind_param(values[position], connection.dialect)  # refuses naive ones
    return values


def _change_values(connection: Connection, change: dict[str, Any]) -> list[Any]:
    return [
        change["posting_id"],
        change["run_id"],
        change["field"],
        json.dumps(change["old"]),
        json.dumps(change["new"]),
        _UTC.process_bind_param(change["changed_at"], connection.dialect),
    ]


def _copy_rows(connection: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows into a table inside the connection's transaction (psycopg 3)."""
    driver = cast("psycopg.Connection[Any]", connection.connection.driver_connection)
    statement = psycopg.sql.SQL("COPY {} ({}) FROM STDIN").format(
        psycopg.sql.Identifier(table), psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, columns))
    )
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


# ----------------------------------------------------------------------------------------------- dedup


def _dedup_keys(row: dict[str, Any]) -> tuple[str | None, str | None]:
    # Without a company, "Data Engineer, Remote" would join unrelated employers: the fingerprint cannot tell.
    return (row["fingerprint"] if row["company"] is not None else None), row["apply_url"]


def _add_keys(row: dict[str, Any], fingerprints: set[str], urls: set[str]) -> None:
    fingerprint, apply_url = _dedup_keys(row)
    if fingerprint is not None:
        fingerprints.add(fingerprint)
    if apply_url is not None:
        urls.add(apply_url)


def repoint_duplicates(connection: Connection, fingerprints: set[str], apply_urls: set[str], ids: set[int]) -> int:
    """Recompute `duplicate_of` for every open posting linked to these keys or pointing at these ids.

    Open postings of *different* sources sharing a fingerprint (with a company) or a non-null apply URL
    are one job; linked transitively, they form a group whose representative is its oldest member
    (first_seen, then id), with `duplicate_of` NULL; every other member points at it. A posting alone,
    or only with postings of its own source, points nowhere. Returns the number of rows re-pointed.
    """
    members: dict[int, _Member] = {}
    done_fingerprints: set[str] = set()
    done_urls: set[str] = set()
    fingerprint_front, url_front, id_front = set(fingerprints), set(apply_urls), set(ids)
    while fingerprint_front or url_front or id_front:
        found = _open_linked(connection, fingerprint_front, url_front, id_front)
        done_fingerprints |= fingerprint_front
        done_urls |= url_front
        fingerprint_front, url_front, id_front = set(), set(), set()
        for posting_id, source, fingerprint, company, apply_url, first_seen, duplicate_of in found:
            if posting_id in members:
                continue
            key = fingerprint if company is not None else None
            members[posting_id] = _Member(posting_id, source, key, apply_url, first_seen, duplicate_of)
            if key is not None and key not in done_fingerprints:
                fingerprint_front.add(key)
            if apply_url is not None and apply_url not in done_urls:
                url_front.add(apply_url)
    updates = [
        {"posting_id": member_id, "target": target}
        for member_id, target in _representatives(members).items()
        if members[member_id].duplicate_of != target
    ]
    if updates:
        statement = (
            update(Posting).where(Posting.id == bindparam("posting_id")).values(duplicate_of=bindparam("target"))
        )
        connection.execute(statement, updates, execution_options={"synchronize_session": False})
    return len(updates)


_LINKED_COLUMNS = (
    Posting.id,
    Posting.source,
    Posting.fingerprint,
    Posting.company,
    Posting.apply_url,
    Posting.first_seen,
    Posting.duplicate_of,
)


def _pg_open_by(column: str, key_type: str, condition: str = "") -> str:
    # One index probe per key (see _PG_STORED); the conditions stay outside the fenced subquery so that no
    # other index (closed_at's) competes with the key's.
    names = ", ".join(column.name for column in _LINKED_COLUMNS)
    return f"""
        SELECT {", ".join(f"p.{column.name}" for column in _LINKED_COLUMNS)}
        FROM unnest(CAST(:{column} AS {key_type}[])) AS k (key)
        CROSS JOIN LATERAL (SELECT {names}, closed_at FROM postings WHERE {column} = k.key OFFSET 0) AS p
        WHERE p.closed_at IS NULL{condition}
    """


# One round trip; UNION sends a posting found by both its fingerprint and its apply URL once.
_PG_OPEN_LINKED = text(
    " UNION ".join(
        (
            _pg_open_by("fingerprint", "varchar", " AND p.company IS NOT NULL"),
            _pg_open_by("apply_url", "text"),
            _pg_open_by("duplicate_of", "bigint"),
        )
    )
).columns(*_LINKED_COLUMNS)


def _open_linked(connection: Connection, fingerprints: set[str], apply_urls: set[str], ids: set[int]) -> list[Any]:
    """The open postings with one of these fingerprints (and a company), apply URLs, or `duplicate_of` ids."""
    if is_postgres(connection):
        keys = {"fingerprint": sorted(fingerprints), "apply_url": sorted(apply_urls), "duplicate_of": sorted(ids)}
        return list(connection.execute(_PG_OPEN_LINKED, keys))
    conditions = [
        *(
            _among(connection, Posting.fingerprint, chunk, String) & Posting.company.is_not(None)
            for chunk in _chunks(fingerprints)
        ),
        *(_among(connection, Posting.apply_url, chunk, Text) for chunk in _chunks(apply_urls)),
        *(_among(connection, Posting.duplicate_of, chunk, BigInteger) for chunk in _chunks(ids)),
    ]
    found: list[Any] = []
    for condition in conditions:
        found.extend(connection.execute(select(*_LINKED_COLUMNS).where(Posting.closed_at.is_(None), condition)))
    return found


def _stored_keys(connection: Connection, fingerprints: set[str], apply_urls: set[str]) -> tuple[set[str], set[str]]:
    """Which of these dedup keys of new postings an open posting already stored has; call it before the
    batch is written.

    Only those need the dedup pass. Once the batch is written, a key no stored open posting had is held by
    rows of this batch alone (new ones, or rewritten ones whose keys are in the pass already): one source,
    and a group of one source links nothing (`_representatives`). On a first scrape that spares reading
    back every posting just written, twice (by fingerprint and by apply URL), and grouping them in Python.
    """
    if not fingerprints and not apply_urls:
        return set(), set()
    found = _open_linked(connection, fingerprints, apply_urls, set())
    shared_fingerprints = {row.fingerprint for row in found if row.company is not None} & fingerprints
    return shared_fingerprints, {row.apply_url for row in found} & apply_urls


def _representatives(members: dict[int, _Member]) -> dict[int, int | None]:
    parent = {member_id: member_id for member_id in members}

    def root(member_id: int) -> int:
        while parent[member_id] != member_id:
            parent[member_id] = parent[parent[member_id]]
            member_id = parent[member_id]
        return member_id

    groups: defaultdict[tuple[str, str], list[_Member]] = defaultdict(list)
    for member in members.values():
        if member.fingerprint_key is not None:
            groups[("fingerprint", member.fingerprint_key)].append(member)
        if member.apply_url is not None:
            groups[("apply_url", member.apply_url)].append(member)
    for group in groups.values():
        if len({member.source for member in group}) < 2:
            continue
        first = root(group[0].id)
        for member in group[1:]:
            parent[root(member.id)] = first
    components: defaultdict[int, list[_Member]] = defaultdict(list)
    for member in members.values():
        components[root(member.id)].append(member)
    target: dict[int, int | None] = {}
    for component in components.values():
        representative = min(component, key=lambda member: (member.first_seen, member.id))
        for member in component:
            target[member.id] = None if member is representative or len(component) == 1 else representative.id
    return target


# ------------------------------------------------------------------------------------------- close_missing


def close_missing(
    engine: Engine,
    source: str,
    seen_external_ids: Collection[str],
    *,
    run_id: int,
    now: datetime,
    misses_to_close: int = 2,
) -> int:
    """After a complete, successful, non-suspect run: count a miss for each open posting of the source the
    run did not list, close those reaching `misses_to_close` (with a `closed` history row), re-point their
    duplicates; return the number closed. Never call it after a failed, partial or suspect run."""
    _require_aware(now)
    if misses_to_close < 1:
        raise ValueError(f"misses_to_close must be at least 1, got {misses_to_close}")
    seen = set(seen_external_ids)
    with postings_transaction(engine) as connection:
        query = select(
            Posting.id,
            Posting.external_id,
            Posting.missed_runs,
            Posting.fingerprint,
            Posting.company,
            Posting.apply_url,
        ).where(Posting.source == source, Posting.closed_at.is_(None))
        missing = [found for found in connection.execute(query) if found.external_id not in seen]
        closing = [found for found in missing if found.missed_runs + 1 >= misses_to_close]
        counting = [found.id for found in missing if found.missed_runs + 1 < misses_to_close]
        for chunk in _chunks(counting):
            connection.execute(
                update(Posting).where(Posting.id.in_(chunk)).values(missed_runs=Posting.missed_runs + 1),
                execution_options={"synchronize_session": False},
            )
        for chunk in _chunks([found.id for found in closing]):
            connection.execute(
                update(Posting)
                .where(Posting.id.in_(chunk))
                .values(closed_at=now, missed_runs=Posting.missed_runs + 1, duplicate_of=None),
                execution_options={"synchronize_session": False},
            )
        if closing:
            iso = now.isoformat()
            connection.execute(
                insert(PostingChange),
                [_change(found.id, ChangeField.CLOSED, None, iso, run_id, now) for found in closing],
            )
            fingerprints: set[str] = set()
            urls: set[str] = set()
            for found in closing:
                _add_keys(found._asdict(), fingerprints, urls)
            repoint_duplicates(connection, fingerprints, urls, {found.id for found in closing})
    return len(closing)
