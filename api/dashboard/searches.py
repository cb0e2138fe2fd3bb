"""The dashboard's saved-searches page: each search's filters, feed links and last webhook delivery (read-only).

Never shows a webhook secret, nor a webhook URL's path (chat webhooks carry their token in it): the host only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from sqlalchemy.orm import Session

from api.dashboard.pages import render
from api.queries import searches as queries


@dataclass(frozen=True, slots=True)
class SearchRow:
    id: int
    name: str
    filters: str  # as a query string, the way the /jobs URL reads
    webhook_host: str | None
    last_status: str | None
    last_attempt_at: datetime | None


def webhook_host(url: str | None) -> str | None:
    """Where a webhook goes, without the path that may hold its token.

    >>> webhook_host("https://hooks.slack.com/services/T000/B000/XXXX")
    'hooks.slack.com'
    >>> webhook_host(None) is None
    True
    """
    return urlsplit(url).hostname if url else None


def filters_text(filters: dict[str, Any]) -> str:
    """A search's filters as the /api/v1/jobs query that means the same.

    >>> filters_text({"remote": "remote", "min_salary_usd": 150000.0, "include_closed": True})
    'include_closed=true&min_salary_usd=150000&remote=remote'
    """

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return urlencode(sorted((key, text(value)) for key, value in filters.items()))


def searches_page(session: Session) -> str:
    last = queries.last_delivery_statuses(session)
    rows = [
        SearchRow(
            id=search.id,
            name=search.name,
            filters=filters_text(search.filters),
            webhook_host=webhook_host(search.webhook_url),
            last_status=last.get(search.id, (None, None))[0],
            last_attempt_at=last.get(search.id, (None, None))[1],
        )
        for search in queries.list_searches(session)
    ]
    return render("searches.html", title="Saved searches", nav="searches", searches=rows)
