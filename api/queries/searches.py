"""Saved searches and their webhook deliveries: the rows the API writes for a consumer, and reads back."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models.schemas import DeliveryOut
from models.tables import SavedSearch, WebhookDelivery


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: "whsec_" and 32 random bytes in base64.

    >>> new_webhook_secret().startswith("whsec_") and len(new_webhook_secret()) == 50
    True
    """
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def create_search(
    session: Session, name: str, filters: dict[str, Any], webhook_url: str | None, now: datetime
) -> SavedSearch:
    search = SavedSearch(
        name=name,
        filters=filters,
        webhook_url=webhook_url,
        webhook_secret=new_webhook_secret() if webhook_url else None,
        created_at=now,
    )
    session.add(search)
    session.commit()
    return search


def list_searches(session: Session) -> Sequence[SavedSearch]:
    return session.scalars(select(SavedSearch).order_by(SavedSearch.id)).all()


def get_search(session: Session, search_id: int) -> SavedSearch | None:
    return session.get(SavedSearch, search_id)


def delete_search(session: Session, search_id: int) -> bool:
    """Delete a search; its matches and deliveries go with it (ON DELETE CASCADE). False when there was none."""
    deleted = session.execute(delete(SavedSearch).where(SavedSearch.id == search_id)).rowcount  # type: ignore[attr-defined]
    session.commit()
    return bool(deleted)


def list_deliveries(session: Session, search_id: int, *, limit: int = 200) -> list[DeliveryOut]:
    """The newest deliveries of a search first."""
    rows = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.search_id == search_id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        .limit(limit)
    ).all()
    return [
        DeliveryOut(
            webhook_id=row.webhook_id,
            status=row.status,
            attempts=row.attempts,
            postings=len(row.postings or []),
            last_attempt_at=row.last_attempt_at,
            last_error=row.last_error,
        )
        for row in rows
    ]


def last_delivery_statuses(session: Session) -> dict[int, tuple[str, datetime | None]]:
    """Each search's newest delivery: (status, last attempt), for the dashboard."""
    newest = (
        select(WebhookDelivery.search_id, func.max(WebhookDelivery.id).label("id"))
        .group_by(WebhookDelivery.search_id)
        .subquery()
    )
    rows = session.execute(
        select(WebhookDelivery.search_id, WebhookDelivery.status, WebhookDelivery.last_attempt_at).join(
            newest, WebhookDelivery.id == newest.c.id
        )
    )
    return {search_id: (status, attempted) for search_id, status, attempted in rows}
