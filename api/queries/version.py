"""The data version: what the writer last touched, read on every cache check (three index lookups)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.orm import Session

from api.cache import DataVersion
from models.tables import Posting, PostingChange, ScrapeRun, SummaryState

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# What the writer last touched: newest posting, change, run and summaries (each one index lookup).
VERSION_STATEMENTS = (
    select(Posting.id, Posting.first_seen).order_by(Posting.id.desc()).limit(1),
    select(PostingChange.id, PostingChange.changed_at).order_by(PostingChange.id.desc()).limit(1),
    select(
        func.max(ScrapeRun.id),
        func.max(ScrapeRun.finished_at),
        select(func.max(SummaryState.refreshed_at)).scalar_subquery(),
    ),
)


def data_version(session: Session) -> DataVersion:
    """What the writer last touched, read in `session`."""
    return version_of([session.execute(statement).first() for statement in VERSION_STATEMENTS])


def version_of(rows: Sequence[Sequence[Any] | None]) -> DataVersion:
    """The version from the rows of VERSION_STATEMENTS, however they were read (a session, a raw connection)."""
    newest_posting, newest_change, newest_run = rows
    posting_id, first_seen = newest_posting or (None, None)
    change_id, changed_at = newest_change or (None, None)
    run_id, finished_at, summarized_at = newest_run or (None, None, None)
    if isinstance(summarized_at, str):  # SQLite hands a scalar subquery's timestamp back as text
        summarized_at = datetime.fromisoformat(summarized_at).replace(tzinfo=UTC)
    first_seen, changed_at, finished_at, summarized_at = (
        None if moment is None else moment.astimezone(UTC)
        for moment in (first_seen, changed_at, finished_at, summarized_at)
    )
    moments: list[datetime] = [m for m in (first_seen, changed_at, finished_at, summarized_at) if m is not None]
    modified = max(moments, default=_EPOCH)
    raw = f"{posting_id}|{change_id}|{run_id}|{finished_at}|{summarized_at}"
    return DataVersion(hashlib.blake2b(raw.encode(), digest_size=8).hexdigest(), modified)
