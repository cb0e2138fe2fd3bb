"""The webhook sender: claims due outbox rows, posts each signed per Standard Webhooks, retries with backoff.

Any number of senders may share one database: a claim is a lease on the row (`FOR UPDATE SKIP LOCKED` on
PostgreSQL), so a sender that dies leaves its rows to the next one once the lease has passed. Delivery is at
least once; the `webhook-id` stays the same across retries so a receiver can drop a repeat.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook

from models.posting_reads import posting_records
from models.settings import Settings
from models.tables import SavedSearch, WebhookDelivery
from scraper.errors import DeadlineExceeded, FetchError
from scraper.fetching.address import Resolver, check_url, resolve_host
from scraper.fetching.transport import Exchange, GuardedTransport, exchange_scope

log = logging.getLogger(__name__)

USER_AGENT = "jobfeed-webhooks/1 (+https://github.com/jobfeed)"
MAX_ERROR_CHARS = 300


@dataclass
class SendReport:
    """What one pass of `send_due` did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def next_attempt_delay(attempts: int, *, base_seconds: float = 30.0, cap_seconds: float = 3600.0) -> timedelta:
    """Exponential backoff after the `attempts`-th failed attempt: base, 2x base, 4x base, ... up to the cap.

    >>> [next_attempt_delay(n).total_seconds() for n in (1, 2, 3, 10)]
    [30.0, 60.0, 120.0, 3600.0]
    """
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def signed_headers(secret: str, webhook_id: str, timestamp: datetime, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers of one message: id, timestamp and the v1 HMAC-SHA256 signature."""
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, timestamp, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


class WebhookSender:
    """Empties the outbox. `client`, `resolver` and `now` are seams for tests (a local receiver, a fixed clock).

    A receiver is posted to over the fetcher's transport: the connection goes to the address the check approved
    (a second lookup cannot rebind the name to a private one) and `timeout_seconds` bounds the whole exchange.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        allow_private: bool = False,
        client: httpx.Client | None = None,
        resolver: Resolver = resolve_host,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        timeout_seconds: float = 10.0,
        lease_seconds: float = 60.0,
        retry_for: timedelta = timedelta(hours=24),
        backoff_base_seconds: float = 30.0,
    ) -> None:
        self._engine = engine
        self._allow_private = allow_private
        self._client = client or httpx.Client(
            transport=GuardedTransport(), timeout=httpx.Timeout(timeout_seconds), follow_redirects=False
        )
        self._timeout_seconds = timeout_seconds
        self._resolver = resolver
        self._now = now
        self._lease = timedelta(seconds=lease_seconds)
        self._retry_for = retry_for
        self._backoff_base = backoff_base_seconds

    def close(self) -> None:
        self._client.close()

    def send_due(self, limit: int = 20) -> SendReport:
        """Send every delivery that is due (up to `limit`), each once; what failed is rescheduled or given up."""
        report = SendReport()
        for delivery_id in self._claim(limit):
            outcome = self._send(delivery_id)
            setattr(report, outcome, getattr(report, outcome) + 1)
        return report

    def run_forever(self, stop: threading.Event, interval_seconds: float = 5.0) -> None:
        """Send what is due every `interval_seconds` until `stop` is set; a failed pass is logged, not fatal."""
        while not stop.is_set():
            try:
                self.send_due()
            except Exception:  # a database hiccup must not end the sender; the rows wait for the next pass
                log.exception("webhook sender pass failed")
            stop.wait(interval_seconds)

    def start(self, stop: threading.Event, interval_seconds: float = 5.0) -> threading.Thread:
        thread = threading.Thread(
            target=self.run_forever, args=(stop, interval_seconds), name="webhook-sender", daemon=True
        )
        thread.start()
        return thread

    # -- claim, send, settle -------------------------------------------------------------------

    def _claim(self, limit: int) -> list[int]:
        now = self._now()
        with Session(self._engine) as session:
            query = (
                select(WebhookDelivery.id)
                .where(
                    WebhookDelivery.status == "pending",
                    WebhookDelivery.next_attempt_at <= now,
                    or_(WebhookDelivery.lease_expires_at.is_(None), WebhookDelivery.lease_expires_at <= now),
                )
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                .limit(limit)
            )
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            ids = list(session.scalars(query))
            if ids:
                session.execute(
                    update(WebhookDelivery)
                    .where(WebhookDelivery.id.in_(ids))
                    .values(lease_expires_at=now + self._lease)
                )
            session.commit()
        return ids

    def _send(self, delivery_id: int) -> str:
        with Session(self._engine, expire_on_commit=False) as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            search = session.get(SavedSearch, delivery.search_id) if delivery is not None else None
            if delivery is None or search is None or not search.webhook_url or not search.webhook_secret:
                return "failed"  # the search was deleted meanwhile: its deliveries went with it
            postings = [p.model_dump(mode="json") for p in posting_records(session, delivery.postings or [])]
            url, secret, webhook_id = search.webhook_url, search.webhook_secret, delivery.webhook_id
            created_at, attempts = delivery.created_at, delivery.attempts + 1
        body = json.dumps(
            {"type": "jobs.new", "search_id": delivery.search_id, "postings": postings}, separators=(",", ":")
        ).encode()
        now = self._now()
        error, permanent = self._post(url, secret, webhook_id, now, body)
        if error is None:
            status, next_at = "delivered", now
        elif (
            permanent
            or now + next_attempt_delay(attempts, base_seconds=self._backoff_base) > created_at + self._retry_for
        ):
            status, next_at = "failed", now
        else:
            status, next_at = "pending", now + next_attempt_delay(attempts, base_seconds=self._backoff_base)
        with Session(self._engine) as session:
            session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_id)
                .values(
                    status=status,
                    attempts=attempts,
                    last_attempt_at=now,
                    next_attempt_at=next_at,
                    lease_expires_at=None,
                    last_error=error,
                )
            )
            session.commit()
        if error is not None:
            log.warning("webhook %s to %s: attempt %d: %s (%s)", webhook_id, url, attempts, error, status)
        return {"delivered": "delivered", "pending": "retrying"}.get(status, "failed")

    def _post(self, url: str, secret: str, webhook_id: str, now: datetime, body: bytes) -> tuple[str | None, bool]:
        """(None, _) when the receiver took it; else (why, whether retrying is pointless)."""
        try:
            target = httpx.URL(url)
            pinned = check_url(target, allow_private_network=self._allow_private, resolver=self._resolver)
        except FetchError as exc:
            return _short(f"refused: {exc}"), True
        except (OSError, httpx.InvalidURL) as exc:
            return _short(f"cannot resolve the receiver: {exc}"), False
        headers = signed_headers(secret, webhook_id, now, body)
        try:
            with exchange_scope(Exchange.starting_now(target, self._timeout_seconds, pinned=pinned)):
                response = self._client.post(target, content=body, headers=headers)
        except (httpx.TimeoutException, DeadlineExceeded):
            return "timed out", False
        except httpx.HTTPError as exc:
            return _short(f"{type(exc).__name__}: {exc}"), False
        if 200 <= response.status_code < 300:
            return None, False
        return f"HTTP {response.status_code}", False


def _short(text: str) -> str:
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def start_sender(engine: Engine, settings: Settings, stop: threading.Event) -> threading.Thread:
    """The saved searches' webhook sender beside a scheduler, as a daemon thread, until `stop` is set."""
    return WebhookSender(engine, allow_private=settings.webhooks_allow_private).start(stop)
