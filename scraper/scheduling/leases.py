"""Lease heartbeat: one thread per process renews the leases of all its running runs in one statement.

A run whose process dies stops being renewed and is marked `abandoned` once its lease expires
(`scraper.storage.claims.expire_runs`); this module never decides that, it only keeps leases alive.
"""

from __future__ import annotations

import logging
import threading
import time
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from scraper.storage.claims import renew_leases

log = logging.getLogger(__name__)

# A dead process's run is marked within a minute: renewed every 10 s, expired 30 s after the last renewal.
LEASE_SECONDS = 30.0


class LeaseKeeper:
    """Renews the leases of the runs `add`ed to it every `lease_seconds / 3`, for at most `max_run_seconds` each."""

    def __init__(
        self, engine: Engine, lease_seconds: float = LEASE_SECONDS, *, max_run_seconds: float = 6 * 3600.0
    ) -> None:
        self.engine = engine
        self.lease_seconds = lease_seconds
        self.max_run_seconds = max_run_seconds
        self._runs: dict[int, float] = {}
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, run_id: int) -> None:
        with self._lock:
            self._runs[run_id] = time.monotonic()

    def remove(self, run_id: int) -> None:
        with self._lock:
            self._runs.pop(run_id, None)

    @property
    def run_ids(self) -> set[int]:
        with self._lock:
            return set(self._runs)

    def start(self) -> LeaseKeeper:
        self._thread = threading.Thread(target=self._loop, name="lease-heartbeat", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> LeaseKeeper:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def renew_now(self) -> None:
        now = time.monotonic()
        with self._lock:
            runs = dict(self._runs)
        overdue = {run_id for run_id, started in runs.items() if now - started > self.max_run_seconds}
        for run_id in overdue:
            log.error("run %s passed %.0f s; no longer renewing its lease", run_id, now - runs[run_id])
            self.remove(run_id)
        try:
            lost = renew_leases(self.engine, set(runs) - overdue, self.lease_seconds)
        except SQLAlchemyError:
            log.exception("could not renew the leases of %d runs", len(runs))
            return
        for run_id in lost:
            log.info("run %s is no longer running in the database (finished, or abandoned elsewhere)", run_id)

    def _loop(self) -> None:
        while not self._done.wait(self.lease_seconds / 3):
            self.renew_now()
