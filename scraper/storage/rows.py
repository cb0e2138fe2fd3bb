"""The rows posting storage writes: a posting's `postings` row with its derived columns and content hash,
and the `posting_changes` rows of its history.

Pure: values in, dicts out. The columns come from the posting definition (models/posting.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import orjson

from models.enums import ChangeField
from models.posting import COLUMN_NAMES, POSTING_COLUMNS, hashed_content, stored_value, stored_values
from models.records import NormalizedPosting, Salary
from models.text import strip_controls
from models.types import UTCDateTime

# Written on insert and rewritten on a content change: the record's columns and those derived from them;
# never `id`, `source`, `external_id`, `first_seen` (a posting's identity and history) nor `duplicate_of`
# (kept by the dedup pass).
DERIVED_COLUMNS = ("annual_usd_mid", "salary_flagged", "flagged", "content_hash", "last_seen")
CONTENT_COLUMNS = (*COLUMN_NAMES, *DERIVED_COLUMNS)
# The columns `posting_row` fills (all of `postings` but `source`, `id`, `duplicate_of`), in staging order.
ROW_COLUMNS = ("external_id", *CONTENT_COLUMNS, "first_seen", "missed_runs", "closed_at")
TIME_COLUMNS = frozenset(
    {"first_seen", "last_seen", "closed_at", *(c.name for c in POSTING_COLUMNS if isinstance(c.spec.type, UTCDateTime))}
)
CHANGE_COLUMNS = ("posting_id", "run_id", "field", "old", "new", "changed_at")


class UnstorableValue(ValueError):
    """A value of one posting that its column cannot hold (a payload JSON cannot encode, a naive time)."""


def dedupe_batch(postings: Iterable[NormalizedPosting]) -> dict[str, NormalizedPosting]:
    """The batch keyed by external_id; a repeated external_id keeps its last posting (the freshest read)."""
    batch: dict[str, NormalizedPosting] = {}
    for posting in postings:
        batch.pop(posting.external_id, None)
        batch[posting.external_id] = posting
    return batch


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


def storable_row(posting: NormalizedPosting, now: datetime) -> dict[str, Any]:
    """`posting_row`, or UnstorableValue for a value no column could hold (orjson refused it)."""
    try:
        return posting_row(posting, now)
    except (TypeError, ValueError) as error:
        raise UnstorableValue(f"posting {posting.external_id!r}: {error}") from error


def key_values(posting: NormalizedPosting) -> dict[str, Any]:
    """The stored values the dedup keys are made of, without building the whole row."""
    return {name: stored_value(getattr(posting, name)) for name in ("fingerprint", "company", "apply_url")}


def content_hash(row: dict[str, Any]) -> str:
    """SHA-256 of the normalized content of a posting row (the definition's hashed columns): not its
    bookkeeping timestamps, not the raw payload; `posted_at` counts by its date only ("3 days ago" resolved
    against each run's clock must not make a posting look changed on every run)."""
    return hashlib.sha256(orjson.dumps(hashed_content(row))).hexdigest()


def flag_state(flags: Sequence[dict[str, str]]) -> tuple[bool, bool]:
    """(salary_flagged, flagged) of a row's findings."""
    return any(flag["code"].startswith("salary_") for flag in flags), bool(flags)


def change_row(
    posting_id: int, what: ChangeField, old: Any, new: Any, run_id: int | None, now: datetime
) -> dict[str, Any]:
    """One `posting_changes` row."""
    return {"posting_id": posting_id, "run_id": run_id, "field": str(what), "old": old, "new": new, "changed_at": now}
