"""Posting writes, the surface the pipeline uses: batched upsert with change history, closing what
disappeared, cross-source dedup. Each lives in its own module of scraper/storage/; this one only names them.
"""

from __future__ import annotations

from scraper.storage.closing import close_missing
from scraper.storage.dedup import repoint_duplicates
from scraper.storage.rows import annual_usd_mid, content_hash, dedupe_batch, flag_state, posting_row
from scraper.storage.upsert import UNSTORABLE, BatchResult, last_seen_slack, upsert_postings

__all__ = [
    "UNSTORABLE",
    "BatchResult",
    "annual_usd_mid",
    "close_missing",
    "content_hash",
    "dedupe_batch",
    "flag_state",
    "last_seen_slack",
    "posting_row",
    "repoint_duplicates",
    "upsert_postings",
]
