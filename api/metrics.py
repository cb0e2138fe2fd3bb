"""Prometheus metrics of one app: requests by route and status, latency, per-source last run, open postings.

A per-app CollectorRegistry (several apps in one process must not clash). Database figures are read when
/metrics is scraped, through queries.py; a database failure leaves them out rather than failing the scrape.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import queries

log = logging.getLogger(__name__)

_RUN_STATUSES = ("running", "succeeded", "partial", "failed", "abandoned")


class DatabaseCollector(Collector):
    """Figures read from the database at scrape time."""

    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    def describe(self) -> Iterator[Metric]:
        """The families without samples: registering the collector reads no database."""
        yield from _families()

    def collect(self) -> Iterator[Metric]:
        status, finished, postings = _families()
        try:
            with self._sessions() as session:
                for source, run_status, finished_at in queries.last_run_statuses(session):
                    for candidate in {*_RUN_STATUSES, run_status}:
                        status.add_metric([source, candidate], 1.0 if candidate == run_status else 0.0)
                    if finished_at is not None:
                        finished.add_metric([source], finished_at.timestamp())
                for category, count in sorted(queries.open_jobs_by_category(session).items()):
                    postings.add_metric([category], float(count))
        except SQLAlchemyError:
            log.warning("metrics: database figures unavailable", exc_info=True)
            return
        yield status
        yield finished
        yield postings


def _families() -> tuple[GaugeMetricFamily, GaugeMetricFamily, GaugeMetricFamily]:
    """The database figures' families, empty: the source's newest run status and finish time, open postings."""
    status = GaugeMetricFamily(
        "jobfeed_source_last_run_status",
        "1 for the status of each source's newest run",
        labels=["source", "status"],
    )
    finished = GaugeMetricFamily(
        "jobfeed_source_last_run_finished_timestamp_seconds",
        "when each source's newest run finished",
        labels=["source"],
    )
    postings = GaugeMetricFamily("jobfeed_open_postings", "open jobs by category", labels=["category"])
    return status, finished, postings


class Metrics:
    """The registry and instruments of one app."""

    def __init__(self, sessions: Callable[[], Session]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "jobfeed_http_requests",
            "HTTP requests by route template, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "jobfeed_http_request_duration_seconds",
            "HTTP request latency by route template",
            ["route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
            registry=self.registry,
        )
        self.registry.register(DatabaseCollector(sessions))


class MetricsMiddleware:
    """Counts and times every HTTP request under its route template (never the raw path: bounded labels)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route: Any = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(template, scope.get("method", ""), str(status)).inc()
            self.metrics.latency.labels(template).observe(time.perf_counter() - started)
