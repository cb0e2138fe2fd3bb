"""Closing what disappeared: after a complete run, a miss for each open posting it did not list, and the
posting closed (with a history row) at the threshold; its duplicates are re-pointed.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Engine, insert, select, update

from models.enums import ChangeField
from models.tables import Posting, PostingChange
from scraper.storage._sql import chunks, require_aware
from scraper.storage._transaction import postings_transaction
from scraper.storage.dedup import add_keys, repoint_duplicates
from scraper.storage.rows import change_row


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
    require_aware(now)
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
        for chunk in chunks(counting):
            connection.execute(
                update(Posting).where(Posting.id.in_(chunk)).values(missed_runs=Posting.missed_runs + 1),
                execution_options={"synchronize_session": False},
            )
        for chunk in chunks([found.id for found in closing]):
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
                [change_row(found.id, ChangeField.CLOSED, None, iso, run_id, now) for found in closing],
            )
            fingerprints: set[str] = set()
            urls: set[str] = set()
            for found in closing:
                add_keys(found._asdict(), fingerprints, urls)
            repoint_duplicates(connection, fingerprints, urls, {found.id for found in closing})
    return len(closing)
