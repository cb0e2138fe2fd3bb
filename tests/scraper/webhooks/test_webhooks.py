"""Saved-search webhooks end to end: real runs into a real database, a real local receiver, signatures verified."""

from __future__ import annotations

import copy
import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook

from models.tables import Posting, SavedSearch, WebhookDelivery
from scraper.fetching import address as address_module
from scraper.pipeline import RunResult, run_source
from scraper.storage.runs import sync_sources
from scraper.webhooks import WebhookSender, enqueue_deliveries
from tests.faultserver import rebinding_getaddrinfo
from tests.scraper.test_pipeline import BOARD, greenhouse, serve_board
from tests.serving import serving_thread

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class Receiver:
    """A webhook receiver on `host` (port 0: a free one): records every POST, answers with the statuses queued
    in `answers`, each after the seconds queued in `stalls` (a receiver that hangs; released on close)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []
        self.stalls: list[float] = []
        self._closing = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                if receiver.stalls:
                    receiver._closing.wait(receiver.stalls.pop(0))
                self.send_response(receiver.answers.pop(0) if receiver.answers else 204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer((host, port), Handler)
        serving_thread(self._httpd).start()
        self.port = int(self._httpd.server_address[1])
        self.url = f"http://{host}:{self.port}/hooks/jobs"

    def messages(self) -> list[dict[str, Any]]:
        """Each received body, after checking its Standard Webhooks signature."""
        return [Webhook(SECRET).verify(body, headers) for headers, body in self.received]

    def close(self) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def save_search(engine: Engine, url: str | None, filters: dict[str, Any] | None = None) -> int:
    with engine.begin() as connection:
        search_id: int = connection.execute(
            insert(SavedSearch)
            .values(name="everything", filters=filters or {}, webhook_url=url, webhook_secret=SECRET)
            .returning(SavedSearch.id)
        ).scalar_one()
    return search_id


def deliveries(engine: Engine) -> list[WebhookDelivery]:
    with Session(engine) as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def stored_ids(engine: Engine, *external_ids: str) -> list[int]:
    with Session(engine) as session:
        query = select(Posting.id).where(Posting.external_id.in_(external_ids))
        return sorted(session.scalars(query))


def sender(engine: Engine, **options: Any) -> WebhookSender:
    return WebhookSender(engine, allow_private=True, backoff_base_seconds=0, **options)


def run_with_search(engine: Engine, fixture_server: Any, url: str) -> RunResult:
    """One search delivering to `url`, the Greenhouse board served whole, and a run of it landed."""
    config = greenhouse(fixture_server)
    sync_sources(engine, [config])
    save_search(engine, url)
    serve_board(fixture_server, copy.deepcopy(BOARD["jobs"]))
    return run_source(config, engine)


def test_a_run_delivers_its_matching_new_postings_once_signed(
    committing_engine: Engine, fixture_server: Any, receiver: Receiver
) -> None:
    config = greenhouse(fixture_server)
    sync_sources(committing_engine, [config])
    everything = save_search(committing_engine, receiver.url)
    analytics = save_search(committing_engine, receiver.url, {"q": "Analytics"})
    save_search(committing_engine, None)  # feeds only: never delivered to
    ranking, data, annotation = copy.deepcopy(BOARD["jobs"])
    serve_board(fixture_server, [ranking, data, annotation])

    run_source(config, committing_engine)
    first = sender(committing_engine).send_due()

    assert (first.delivered, first.retrying, first.failed) == (1, 0, 0)
    (message,) = receiver.messages()
    assert message["type"] == "jobs.new" and message["search_id"] == everything
    assert sorted(p["id"] for p in message["postings"]) == stored_ids(
        committing_engine, *(str(j["id"]) for j in BOARD["jobs"])
    )
    assert {p["source"] for p in message["postings"]} == {"quantaforge"}
    headers = receiver.received[0][0]
    assert headers["webhook-id"].startswith("msg_") and headers["webhook-signature"].startswith("v1,")

    # second run: a changed salary is not new to a search that was told of the job; a new job is
    annotation["pay_input_ranges"][0]["max_cents"] = 5200
    newcomer = {**copy.deepcopy(data), "id": 7309999, "title": "Analytics Engineer"}
    serve_board(fixture_server, [ranking, annotation, newcomer])
    run_source(config, committing_engine)
    sender(committing_engine).send_due()

    later = receiver.messages()[1:]
    assert sorted((m["search_id"], [p["title"] for p in m["postings"]]) for m in later) == [
        (everything, ["Analytics Engineer"]),
        (analytics, ["Analytics Engineer"]),
    ]
    # a third, unchanged run sends nothing; the outbox holds one row per (search, run)
    run_source(config, committing_engine)
    assert sender(committing_engine).send_due().delivered == 0
    assert len(receiver.received) == 3
    assert [d.status for d in deliveries(committing_engine)] == ["delivered"] * 3


def test_a_receiver_that_fails_first_is_retried_with_the_same_id(
    committing_engine: Engine, fixture_server: Any, receiver: Receiver
) -> None:
    run_with_search(committing_engine, fixture_server, receiver.url)
    receiver.answers = [500]

    first = sender(committing_engine).send_due()
    (pending,) = deliveries(committing_engine)
    assert (first.retrying, pending.status, pending.attempts, pending.last_error) == (1, "pending", 1, "HTTP 500")

    second = sender(committing_engine).send_due()
    (done,) = deliveries(committing_engine)
    assert (second.delivered, done.status, done.attempts, done.last_error) == (1, "delivered", 2, None)
    ids = [headers["webhook-id"] for headers, _ in receiver.received]
    assert len(ids) == 2 and ids[0] == ids[1]
    assert len(receiver.messages()) == 2  # both signed correctly


def test_a_receiver_that_hangs_is_cut_off_at_the_timeout_and_retried(
    committing_engine: Engine, fixture_server: Any, receiver: Receiver
) -> None:
    run_with_search(committing_engine, fixture_server, receiver.url)
    receiver.stalls = [30.0]  # reads the request, then never answers within the sender's 0.2 s

    first = sender(committing_engine, timeout_seconds=0.2).send_due()
    (pending,) = deliveries(committing_engine)
    assert (first.retrying, pending.status, pending.attempts, pending.last_error) == (1, "pending", 1, "timed out")
    assert pending.lease_expires_at is None  # released for the next pass, not left to the lease

    second = sender(committing_engine).send_due()
    assert second.delivered == 1 and deliveries(committing_engine)[0].status == "delivered"
    ids = [headers["webhook-id"] for headers, _ in receiver.received]
    assert len(ids) == 2 and ids[0] == ids[1]


def test_backoff_then_give_up_after_a_day(committing_engine: Engine, fixture_server: Any, receiver: Receiver) -> None:
    run_with_search(committing_engine, fixture_server, receiver.url)
    receiver.answers = [503] * 10
    start = deliveries(committing_engine)[0].created_at
    clock = {"now": start}
    slow = WebhookSender(committing_engine, allow_private=True, now=lambda: clock["now"])

    slow.send_due()
    (row,) = deliveries(committing_engine)
    assert row.next_attempt_at - start == timedelta(seconds=30)
    assert slow.send_due().retrying == 0  # not due yet

    clock["now"] = start + timedelta(hours=23, minutes=59, seconds=50)
    assert slow.send_due().failed == 1
    (row,) = deliveries(committing_engine)
    assert (row.status, row.attempts, row.last_error) == ("failed", 2, "HTTP 503")


def test_deleting_a_search_stops_its_deliveries(
    committing_engine: Engine, fixture_server: Any, receiver: Receiver
) -> None:
    config = greenhouse(fixture_server)
    sync_sources(committing_engine, [config])
    search_id = save_search(committing_engine, receiver.url)
    serve_board(fixture_server, copy.deepcopy(BOARD["jobs"]))
    run_source(config, committing_engine)
    assert len(deliveries(committing_engine)) == 1

    with committing_engine.begin() as connection:
        connection.execute(delete(SavedSearch).where(SavedSearch.id == search_id))

    assert sender(committing_engine).send_due().delivered == 0
    assert receiver.received == [] and deliveries(committing_engine) == []


def test_a_delivery_outlives_the_process_that_stored_the_run(
    committing_engine: Engine, fixture_server: Any, receiver: Receiver
) -> None:
    # The run's process queued the delivery and died before sending; a second one claimed it and died too.
    run_with_search(committing_engine, fixture_server, receiver.url)
    now = datetime.now(UTC)
    dying = sender(committing_engine, now=lambda: now)
    assert dying._claim(10) != []  # claimed, then the process is gone without settling

    next_process = sender(committing_engine, now=lambda: now + timedelta(seconds=30))
    assert next_process.send_due().delivered == 0  # the claim still holds
    after_lease = sender(committing_engine, now=lambda: now + timedelta(seconds=61))
    assert after_lease.send_due().delivered == 1
    assert len(receiver.messages()) == 1


def test_enqueueing_a_run_twice_queues_nothing_more(
    committing_engine: Engine, fixture_server: Any, receiver: Receiver
) -> None:
    result = run_with_search(committing_engine, fixture_server, receiver.url)
    assert result.run_id is not None

    again = enqueue_deliveries(
        committing_engine,
        run_id=result.run_id,
        source="quantaforge",
        since=datetime(2000, 1, 1, tzinfo=UTC),
        now=datetime.now(UTC),
    )

    assert again == 0 and len(deliveries(committing_engine)) == 1


def test_private_receivers_are_refused_unless_allowed(
    committing_engine: Engine, fixture_server: Any, receiver: Receiver
) -> None:
    run_with_search(committing_engine, fixture_server, receiver.url)

    report = WebhookSender(committing_engine).send_due()

    (row,) = deliveries(committing_engine)
    assert report.failed == 1 and row.status == "failed" and row.last_error is not None
    assert "refused" in row.last_error and receiver.received == []
    assert json.dumps(row.postings)  # the postings are kept for a look at what was not sent


def test_a_receiver_name_that_rebinds_to_a_private_address_is_never_reached(
    committing_engine: Engine, fixture_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The receiver's name resolves to a 'public' 127.0.0.2 when checked, then to 127.0.0.1, an internal service."""
    public = Receiver(host="127.0.0.2")
    internal = Receiver(host="127.0.0.1", port=public.port)
    run_with_search(committing_engine, fixture_server, f"http://hooks.rebind.test:{public.port}/hooks/jobs")
    fake, lookups = rebinding_getaddrinfo("hooks.rebind.test", "127.0.0.2", "127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    # For this test 127.0.0.2 stands for a public address; 127.0.0.1 stays what it is, private.
    monkeypatch.setattr(address_module, "is_public_address", lambda address: address == "127.0.0.2")
    try:
        report = WebhookSender(committing_engine).send_due()  # private addresses not allowed: the default
    finally:
        public.close()
        internal.close()

    assert internal.received == []
    assert report.delivered == 1 and len(public.received) == 1
    assert public.received[0][0]["host"] == f"hooks.rebind.test:{public.port}"  # Host header unchanged
    assert lookups == ["hooks.rebind.test"]  # resolved once, by the check
