"""The data version: what the writer last touched, read on every cache check (three index lookups)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.orm import Session

from api.cache import DataVersion
from models.tables import Posting, PostingChange, ScrapeRun, SummaryState

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def data_version(session: Session) -> DataVersion:
    """What the writer last touched: newest posting, change, run and summaries (each one index lookup)."""
    newest_posting = select(Posting.id, Posting.first_seen).order_by(Posting.id.desc()).limit(1)
    newest_change = select(PostingChange.id, PostingChange.changed_at).order_by(PostingChange.id.desc()).limit(1)
    newest_summary = select(func.max(SummaryState.refreshed_at)).scalar_subquery()
    newest_run = select(func.max(ScrapeRun.id), func.max(ScrapeRun.finished_at), newest_summary)
    posting_id, first_seen = session.execute(newest_posting).first() or (None, None)
    change_id, changed_at = session.execute(newest_change).first() or (None, None)
    run_id, finished_at, summarized_at = session.execute(newest_run).one()
    if isinstance(summarized_at, str):  # SQLite hands a scalar subquery's timestamp back as text
        summarized_at = datetime.fromisoformat(summarized_at).replace(tzinfo=UTC)
    moments: list[datetime] = [m for m in (first_seen, changed_at, finished_at, summarized_at) if m is not None]
    modified = max(moments, default=_EPOCH)
    raw = f"{posting_id}|{change_id}|{run_id}|{finished_at}|{summarized_at}"
    return DataVersion(hashlib.blake2b(raw.encode(), digest_size=8).hexdigest(), modified)
