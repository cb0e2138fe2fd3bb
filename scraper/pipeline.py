"""The one path of a run: fetch -> parse -> normalize -> validate -> store -> record.

The scheduler, `jobfeed scrape` and API run requests all come through `run_source`; a dry run
shares everything but the store. A run never raises for a source's fault: it records it.
"""

from __future__ import annotations

import logging
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from models.enums import RunStatus
from models.records import NormalizedPosting
from scraper.config import SourceConfig
from scraper.errors import FetchCancelled, FetchError, ParseError, RetryAfterTooLong, public_message
from scraper.fetching import Fetcher, FetchPolicy
from scraper.fetching.cache import ValidatorStore
from scraper.fetching.robots import SharedRobots
from scraper.fetching.throttle import HostThrottle
from scraper.normalization.posting import NormalizationContext, RejectedPosting, normalize_posting
from scraper.scheduling.leases import LEASE_SECONDS, LeaseKeeper
from scraper.sources import build_source
from scraper.storage import postings as posting_store
from scraper.storage import runs as run_store
from scraper.storage.outliers import OutlierJudge
from scraper.storage.runs import RunCounts
from scraper.storage.summaries import SummaryUpkeep
from scraper.validation.posting import validate_posting
from scraper.webhooks import enqueue_deliveries

log = logging.getLogger(__name__)

# Called after each page with the counts so far (a terminal shows them as a progress line).
Progress = Callable[[RunCounts], None]

BATCH_SIZE = 500
MIB = 1024 * 1024
# Body caps per kind where one document lists the whole board: a JSON ATS board of 5,000 jobs with their
# descriptions is about 28 MB (greenhouse ?content=true, measured). Paged and HTML kinds keep the 5 MiB default;
# a source's own max_body_bytes option still wins.
BODY_CAPS: dict[str, int] = {
    "greenhouse": 64 * MIB,
    "lever": 64 * MIB,
    "ashby": 64 * MIB,
    "recruitee": 64 * MIB,
    "personio": 64 * MIB,
    "bamboohr": 32 * MIB,
    "workable": 32 * MIB,
    "json-api": 32 * MIB,
}
# A complete run listing fewer than this share of the recent median looks like a changed layout.
SUSPECT_RATIO = 0.5
# A suspect size that repeats for this many runs becomes the new normal (source option `suspect_repeats`).
SUSPECT_REPEATS = 3


@dataclass
class RunResult:
    source: str
    run_id: int | None
    status: RunStatus
    counts: RunCounts
    http: dict[str, Any]
    error: str | None = None
    suspect: bool = False
    seconds: float = 0.0
    not_modified: bool = False

    def summary(self) -> str:
        c = self.counts
        text = (
            f"{self.source}: {self.status.value}{' (suspect)' if self.suspect else ''}"
            f" pages={c.pages} postings={c.fetched} new={c.new} updated={c.updated} unchanged={c.unchanged}"
            f" closed={c.closed} reopened={c.reopened} flagged={c.flagged} rejected={c.rejected}"
            f" http_errors={sum(n for s, n in self.http.get('statuses', {}).items() if int(s) >= 400)}"
            f" seconds={self.seconds:.1f}"
        )
        return text + (f" error={self.error}" if self.error else "")


@dataclass
class _Collector:
    """What a run saw, whether or not it stores: counts, external ids, touched categories."""

    counts: RunCounts = field(default_factory=RunCounts)
    seen: set[str] = field(default_factory=set)
    pages_ok: int = 0
    not_modified_pages: int = 0
    flagged_by_code: Counter[str] = field(default_factory=Counter)
    rejected_by_reason: Counter[str] = field(default_factory=Counter)


def iter_postings(
    config: SourceConfig,
    fetcher: Fetcher,
    context: NormalizationContext,
    collector: _Collector,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> Iterator[NormalizedPosting]:
    """Fetch, parse, normalize and validate one source; bad cards are counted, not raised."""
    source = build_source(config)
    for page in source.fetch(fetcher):
        collector.counts.pages += 1
        if page.not_modified:
            collector.not_modified_pages += 1
            continue
        for item in source.parse(page):
            if isinstance(item, ParseError):
                collector.rejected_by_reason["unreadable_card"] += 1
                log.warning("%s: skipped a card on %s: %s", config.name, page.url, item)
                continue
            try:
                posting = validate_posting(normalize_posting(item, context), rates=context.rates, now=context.now)
            except RejectedPosting as rejected:
                collector.rejected_by_reason[rejected.reason] += 1
                continue
            collector.counts.fetched += 1
            collector.seen.add(posting.external_id)
            for flag in posting.flags:
                collector.flagged_by_code[flag.code] += 1
            if posting.flags:
                collector.counts.flagged += 1
            yield posting
        collector.pages_ok += 1
        if progress is not None:
            progress(collector.counts)
        if stop is not None and stop.is_set():
            raise _Stopped
    collector.counts.rejected = sum(collector.rejected_by_reason.values())


class _Stopped(Exception):
    """The run was asked to stop (SIGTERM) after a page; what was stored stays."""


def dry_run(
    config: SourceConfig,
    emit: Callable[[NormalizedPosting], None],
    *,
    context: NormalizationContext | None = None,
    throttle: HostThrottle | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Fetch, parse, normalize and validate, storing nothing; each posting goes to `emit`."""
    started = datetime.now(UTC)
    collector = _Collector()
    context = context or NormalizationContext()
    with Fetcher(source_policy(config), throttle=throttle) as fetcher:
        status, error = RunStatus.SUCCEEDED, None
        try:
            for posting in iter_postings(config, fetcher, context, collector, progress=progress):
                emit(posting)
        except (FetchError, ParseError) as exc:
            status, error = _failure(collector, exc)
        http = fetcher.stats.as_dict()
    _finish_counts(collector)
    return RunResult(
        source=config.name,
        run_id=None,
        status=status,
        counts=collector.counts,
        http=http,
        error=error,
        seconds=(datetime.now(UTC) - started).total_seconds(),
    )


def run_source(
    config: SourceConfig,
    engine: Engine,
    *,
    run_id: int | None = None,
    stop: threading.Event | None = None,
    trigger: str = "manual",
    owner: str | None = None,
    context: NormalizationContext | None = None,
    throttle: HostThrottle | None = None,
    batch_size: int = BATCH_SIZE,
    misses_to_close: int = 2,
    progress: Progress | None = None,
    outliers: OutlierJudge | None = None,
    robots: SharedRobots | None = None,
    now: datetime | None = None,
) -> RunResult:
    """Run one source now and store what it finds; the scrape-run row records the outcome.

    `now` is the run's clock: what it stores as first seen, last seen, changed and closed at, and what
    validation judges dates against (default: the present). `jobfeed demo` replays its boards' past weeks with it.

    `run_id` is a run already claimed by the scheduler (whose heartbeat keeps its lease); without it a manual
    run is started and its lease kept alive here for as long as it runs (None is returned in `run_id` and
    status FAILED when another run of the source holds the lease).
    """

    def claimed(run_id: int) -> RunResult:
        return _run_claimed(
            config,
            engine,
            run_id,
            stop,
            context,
            throttle,
            batch_size,
            misses_to_close,
            progress,
            outliers,
            robots,
            now,
        )

    if run_id is not None:
        return claimed(run_id)
    run_id = run_store.start_run(engine, config.name, trigger=trigger, owner=owner, lease_seconds=LEASE_SECONDS)
    if run_id is None:
        until = run_store.deferred_until(engine, config.name)
        return RunResult(
            source=config.name,
            run_id=None,
            status=RunStatus.DEFERRED if until else RunStatus.FAILED,
            counts=RunCounts(),
            http={},
            error=f"the host asked not to be fetched before {until.isoformat()}"
            if until
            else "another run of this source is in progress",
        )
    with LeaseKeeper(engine, LEASE_SECONDS) as leases:
        leases.add(run_id)
        return claimed(run_id)


def _run_claimed(
    config: SourceConfig,
    engine: Engine,
    run_id: int,
    stop: threading.Event | None,
    context: NormalizationContext | None,
    throttle: HostThrottle | None,
    batch_size: int,
    misses_to_close: int,
    progress: Progress | None,
    outliers: OutlierJudge | None,
    robots: SharedRobots | None = None,
    now: datetime | None = None,
) -> RunResult:
    clock_started = time.monotonic()
    started = now or datetime.now(UTC)
    context = context or NormalizationContext(now=started)
    collector = _Collector()
    categories: set[str] = set()
    status, error = RunStatus.SUCCEEDED, None
    deferred_until: datetime | None = None
    validators = ValidatorStore.from_dict(run_store.load_validators(engine, config.name))
    batch: list[NormalizedPosting] = []
    summaries = SummaryUpkeep(engine)

    def flush() -> None:
        if not batch:
            return
        result = posting_store.upsert_postings(engine, config.name, batch, run_id=run_id, now=started)
        collector.counts.new += result.new
        collector.counts.updated += result.updated
        collector.counts.unchanged += result.unchanged
        collector.counts.reopened += result.reopened
        collector.rejected_by_reason.update(result.rejected_by_reason)  # postings the database refused, alone
        categories.update(result.categories)
        batch.clear()
        summaries.after_batch()

    with Fetcher(source_policy(config), validators=validators, throttle=throttle, stop=stop, robots=robots) as fetcher:
        try:
            for posting in iter_postings(config, fetcher, context, collector, stop, progress):
                batch.append(posting)
                if len(batch) >= batch_size:
                    flush()
            flush()
        except (_Stopped, FetchCancelled):
            flush()
            status, error = RunStatus.PARTIAL, "stopped before the last page (shutdown)"
        except RetryAfterTooLong as exc:
            flush()
            status, error, deferred_until = RunStatus.DEFERRED, _failure(collector, exc)[1], exc.not_before
        except (FetchError, ParseError) as exc:
            flush()
            status, error = _failure(collector, exc)
        except Exception as exc:  # a bug must not take the scheduler down; record it and go on
            # The detail (a database error holds the statement and its values) goes to the log only.
            log.exception("%s: run %s crashed", config.name, run_id)
            status, error = RunStatus.FAILED, public_message(exc)
        http = fetcher.stats.as_dict()
    _finish_counts(collector)
    repeats = int(config.options.get("suspect_repeats", SUSPECT_REPEATS))
    suspect = status is RunStatus.SUCCEEDED and _looks_suspect(engine, config.name, collector.counts.fetched, repeats)
    complete = status is RunStatus.SUCCEEDED and not suspect and collector.not_modified_pages == 0
    if complete:
        collector.counts.closed = posting_store.close_missing(
            engine, config.name, collector.seen, run_id=run_id, now=started, misses_to_close=misses_to_close
        )
    if categories:
        # Only this run's postings are judged (against bounds read once per category and process, no global
        # lock); a closed posting leaves the statistics and needs no flag.
        (outliers or OutlierJudge()).judge_run(engine, config.name, categories, started)
    summaries.refresh()
    if status is not RunStatus.FAILED or collector.pages_ok:
        run_store.save_validators(engine, config.name, validators.as_dict())
    run_store.finish_run(
        engine,
        run_id,
        status=status,
        counts=collector.counts,
        http=http,
        error=error,
        suspect=suspect,
        deferred_until=deferred_until,
    )
    if collector.counts.new or collector.counts.updated or collector.counts.reopened:
        _enqueue_webhooks(engine, run_id=run_id, source=config.name, since=started)
    result = RunResult(
        source=config.name,
        run_id=run_id,
        status=status,
        counts=collector.counts,
        http=http,
        error=error,
        suspect=suspect,
        seconds=time.monotonic() - clock_started,
        not_modified=collector.not_modified_pages > 0 and collector.pages_ok == 0,
    )
    log.info("run %s %s", run_id, result.summary())
    return result


def source_policy(config: SourceConfig) -> FetchPolicy:
    """The source's fetch policy, its kind's body cap as the default (`BODY_CAPS`)."""
    default = FetchPolicy()
    base = FetchPolicy(max_body_bytes=BODY_CAPS.get(config.kind, default.max_body_bytes))
    return FetchPolicy.for_source(config, base)


def _enqueue_webhooks(engine: Engine, *, run_id: int, source: str, since: datetime) -> None:
    """Queue the saved searches' deliveries of a landed run; the run stands whatever happens here."""
    try:
        queued = enqueue_deliveries(engine, run_id=run_id, source=source, since=since, now=datetime.now(UTC))
    except SQLAlchemyError:
        log.exception("run %s: the webhook deliveries could not be queued", run_id)
        return
    if queued:
        log.info("run %s: %d webhook deliveries queued", run_id, queued)


def _failure(collector: _Collector, exc: FetchError | ParseError) -> tuple[RunStatus, str]:
    """A failed first page fails the run; a failure after pages were read makes it partial."""
    where = f" ({exc.url})" if exc.url and exc.url not in str(exc) else ""
    message = f"{type(exc).__name__}: {exc}{where}"
    return (RunStatus.PARTIAL if collector.pages_ok else RunStatus.FAILED), message


def _finish_counts(collector: _Collector) -> None:
    collector.counts.rejected = sum(collector.rejected_by_reason.values())
    collector.counts.flagged_by_code = dict(collector.flagged_by_code)
    collector.counts.rejected_by_reason = dict(collector.rejected_by_reason)


def _looks_suspect(engine: Engine, source: str, fetched: int, repeats: int = SUSPECT_REPEATS) -> bool:
    # Runs that read nothing (a 304 for an unchanged board) say nothing about the board's size. The
    # window holds suspect runs too: once a size has repeated `repeats` times it is the median, the norm.
    window = 2 * max(repeats, 1) - 1
    recent = [count for count in run_store.recent_fetched_counts(engine, source, n=window) if count > 0]
    if len(recent) < 2:
        return False
    return fetched < SUSPECT_RATIO * statistics.median(recent)
