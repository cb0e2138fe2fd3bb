"""After a run lands: which of its postings are new to each saved search with a webhook, as outbox rows.

One transaction per search records the matches and the delivery together, so a posting is announced to a
search at most once (the (search, posting) key) and a delivery, once written, outlives any process.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from sqlalchemy import Engine, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models.filters import posting_conditions
from models.schemas import PostingFilters
from models.tables import Posting, PostingChange, SavedSearch, SearchMatch, WebhookDelivery

log = logging.getLogger(__name__)


def new_webhook_id() -> str:
    """A Standard Webhooks message id, stable across the retries of one delivery.

    >>> new_webhook_id().startswith("msg_")
    True
    """
    return "msg_" + secrets.token_urlsafe(18)


def enqueue_deliveries(engine: Engine, *, run_id: int, source: str, since: datetime, now: datetime) -> int:
    """Queue one delivery per saved search with a webhook for the postings this run made new to it.

    A run's postings are those of `source` first seen at or after `since` (the run's start) and those the
    run changed (a salary raised past a search's minimum makes the job new to that search). Returns how
    many deliveries were queued; calling it again for the same run queues nothing more.
    """
    queued = 0
    with Session(engine) as session:
        searches = session.scalars(select(SavedSearch).where(SavedSearch.webhook_url.is_not(None))).all()
        for search in searches:
            try:
                filters = PostingFilters.model_validate(search.filters)
            except ValueError:
                log.warning("saved search %s has filters that no longer validate; skipped", search.id)
                continue
            if _enqueue_one(session, search.id, filters, run_id=run_id, source=source, since=since, now=now):
                queued += 1
    return queued


def _enqueue_one(
    session: Session,
    search_id: int,
    filters: PostingFilters,
    *,
    run_id: int,
    source: str,
    since: datetime,
    now: datetime,
) -> bool:
    changed = select(PostingChange.posting_id).where(PostingChange.run_id == run_id)
    announced = select(SearchMatch.posting_id).where(SearchMatch.search_id == search_id)
    query = select(Posting.id).where(
        *posting_conditions(session, filters),
        Posting.source == source,
        or_(Posting.first_seen >= since, Posting.id.in_(changed)),
        Posting.id.not_in(announced),
    )
    ids = list(session.scalars(query))
    if not ids:
        return False
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    added = session.execute(
        insert(WebhookDelivery)
        .values(
            webhook_id=new_webhook_id(),
            search_id=search_id,
            run_id=run_id,
            status="pending",
            attempts=0,
            postings=ids,
            created_at=now,
            next_attempt_at=now,
        )
        .on_conflict_do_nothing()
    ).rowcount  # type: ignore[attr-defined]
    if added:
        session.execute(
            insert(SearchMatch)
            .values([{"search_id": search_id, "posting_id": posting_id, "matched_at": now} for posting_id in ids])
            .on_conflict_do_nothing()
        )
    session.commit()
    return bool(added)
