"""Ingest benchmark: 100,000 synthetic postings through `upsert_postings` against a plain COPY, then re-scrapes.

COPY and upsert alternate (which goes first alternates too), each on a fresh, migrated database after a
CHECKPOINT; the figure is the goal's: upsert rows/s / COPY rows/s (goal >= 0.5), per pair, with median and
spread. Each measurement also prints the CPU seconds it took in this process and, when the server runs on this
machine, in its backend, and the load average: on a shared machine the wall-clock ratio moves with what else
runs (other processes' load lengthens the niced client's share most), the CPU seconds do not. Not a test:
prints numbers (`JOBFEED_BENCH_POSTGRES_URL` names the server; default 127.0.0.1:5432/test).

    .venv/bin/python bench/ingest.py [--rows 100000] [--batch 500] [--changed 0.1] [--repeats 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from psycopg.types.json import Jsonb
from sqlalchemy import Engine, event, text

from models import migrate
from models.db import create_db_engine
from models.enums import EmploymentType, Period, PeriodBasis, RemoteMode
from models.records import Location, NormalizedPosting, Salary
from scraper.config import SourceConfig
from scraper.storage.postings import posting_row, upsert_postings
from scraper.storage.runs import start_run, sync_sources

ADMIN_URL = os.environ.get("JOBFEED_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
SOURCE = "bench"
TITLES = ("Data Engineer", "Senior Data Engineer", "ML Engineer", "Data Scientist", "Analytics Engineer", "AI Engineer")
CATEGORIES = (
    "data-engineer",
    "data-engineer",
    "machine-learning-engineer",
    "data-scientist",
    "analytics-engineer",
    "ai-engineer",
)
DESCRIPTION = "<p>" + ("We build data pipelines and models that matter. " * 16) + "</p>"  # ~800 bytes: ~1.3 KB rows


def synthetic(index: int) -> NormalizedPosting:
    kind = index % len(TITLES)
    low = 60_000 + (index % 97) * 1_500
    company = f"Company {index % 5000}"
    title = TITLES[kind]
    location = f"City {index % 300}, US"
    return NormalizedPosting(
        source=SOURCE,
        external_id=f"job-{index}",
        url=f"https://bench.example/jobs/{index}",
        title=title,
        title_raw=title,
        company=company,
        category=CATEGORIES[kind],
        location=Location(raw=location, remote=RemoteMode.HYBRID, countries=("US",), cities=(f"City {index % 300}",)),
        employment_types=(EmploymentType.FULL_TIME,),
        seniority=None,
        tags=("Python", "SQL", "Spark"),
        salary=Salary(
            min=low,
            max=low + 30_000,
            currency="USD",
            period=Period.YEAR,
            period_basis=PeriodBasis.STATED,
            raw=f"USD {low} - {low + 30_000}",
            annual_usd_min=low,
            annual_usd_max=low + 30_000,
        ),
        featured=index % 10 == 0,
        posted_at=T0 - timedelta(days=index % 30),
        description_html=DESCRIPTION,
        apply_url=f"https://careers.example/{index % 5000}/apply/{index}",
        fingerprint=hashlib.sha256(f"{company}|{title}|{location}|{index}".encode()).hexdigest(),
        payload={"id": index, "title": title},
    )


def batches(items: Sequence[NormalizedPosting], size: int) -> Iterator[Sequence[NormalizedPosting]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def wal_lsn(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text("SELECT pg_current_wal_lsn()")).scalar_one())


def wal_bytes(engine: Engine, since: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(text("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), :lsn)"), {"lsn": since}).scalar_one()
        )


def table_bytes(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_total_relation_size(:t)"), {"t": table}).scalar_one())


def copy_baseline(engine: Engine, rows: list[dict[str, Any]]) -> float:
    """Seconds to COPY the same rows into an empty table shaped (and indexed) like `postings`."""
    json_columns = {"countries", "regions", "cities", "employment_types", "tags", "flags", "payload"}
    columns = ["source", *rows[0]]
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE copy_target (LIKE postings INCLUDING DEFAULTS INCLUDING INDEXES)"))
    raw = engine.raw_connection()
    try:
        cursor = raw.driver_connection.cursor()  # type: ignore[union-attr]
        started = time.perf_counter()
        with cursor.copy(f"COPY copy_target ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [SOURCE, *(Jsonb(value) if name in json_columns else value for name, value in row.items())]
                )
        raw.commit()
        return time.perf_counter() - started
    finally:
        raw.close()


def upsert_all(
    engine: Engine, postings: Sequence[NormalizedPosting], batch: int, run_id: int, now: datetime
) -> tuple[float, list[int]]:
    totals = [0, 0, 0, 0]
    started = time.perf_counter()
    for chunk in batches(postings, batch):
        result = upsert_postings(engine, SOURCE, chunk, run_id=run_id, now=now)
        for index, value in enumerate((result.new, result.updated, result.unchanged, result.reopened)):
            totals[index] += value
    return time.perf_counter() - started, totals


class CpuClock:
    """CPU seconds of this process and of the engine's server backends (read from /proc: a local server only)."""

    def __init__(self, engine: Engine) -> None:
        self.backends: set[int] = set()
        event.listen(engine, "connect", lambda connection, _: self.backends.add(connection.info.backend_pid))
        engine.dispose()  # connections opened from now on are seen
        self.client = 0.0
        self.server: dict[int, float] = {}

    def start(self, engine: Engine) -> None:
        with engine.connect():
            pass  # the pooled connection the measurement will use, opened before the clock starts
        self.client = time.process_time()
        self.server = {pid: backend_seconds(pid) or 0.0 for pid in self.backends}

    def stop(self) -> tuple[float, float | None]:
        """(client CPU s, server CPU s or None when the backends cannot be read)."""
        client = time.process_time() - self.client
        ends = {pid: backend_seconds(pid) for pid in self.backends}
        if any(end is None for end in ends.values()):
            return client, None
        return client, sum((end or 0.0) - self.server.get(pid, 0.0) for pid, end in ends.items())


def backend_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def cpu_text(cpu: tuple[float, float | None]) -> str:
    client, server = cpu
    server_text = "?" if server is None else f"{server:.2f}"
    return f"CPU client {client:.2f} s, server {server_text} s; load {os.getloadavg()[0]:.1f}"


def report(label: str, rows: int, seconds: float, wal: int | None = None, extra: str = "") -> None:
    wal_text = f"  WAL {wal / 1e6:8.1f} MB" if wal is not None else ""
    print(f"{label:<48} {rows:>7} rows {seconds:7.2f} s {rows / seconds:9,.0f} rows/s{wal_text}  {extra}".rstrip())


@contextmanager
def fresh_database(admin: Engine) -> Iterator[Engine]:
    """A new, migrated database with the bench source, dropped afterwards."""
    name = f"jobfeed_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_db_engine(admin.url.set(database=name).render_as_string(hide_password=False))
    try:
        migrate.upgrade(engine)
        sync_sources(
            engine, [SourceConfig(name=SOURCE, kind="greenhouse", url="https://bench.example/", every_seconds=7200)]
        )
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def checkpoint(admin: Engine) -> None:
    """Flush dirty buffers first, so that no measurement pays for the previous one's writes."""
    with admin.connect() as connection:
        connection.execute(text("CHECKPOINT"))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--batch", type=int, default=500, help="postings per upsert_postings call (the pipeline uses 500)"
    )
    parser.add_argument("--changed", type=float, default=0.1, help="share of postings changed in the re-scrape")
    parser.add_argument("--repeats", type=int, default=3, help="COPY/upsert pairs, alternating which goes first")
    options = parser.parse_args()

    admin = create_db_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    print(f"generating {options.rows:,} postings ...", file=sys.stderr)
    postings = [synthetic(index) for index in range(options.rows)]
    rows = [posting_row(posting, T0) for posting in postings]
    print(f"PostgreSQL, {options.rows:,} postings, batches of {options.batch}, each on a fresh database\n")
    ratios: list[float] = []
    cpu_ratios: list[float] = []
    try:
        for repeat in range(options.repeats):
            rates: dict[str, float] = {}
            cpu: dict[str, tuple[float, float | None]] = {}
            order = ("copy", "upsert") if repeat % 2 == 0 else ("upsert", "copy")
            for kind in order:
                with fresh_database(admin) as engine:
                    clock = CpuClock(engine)
                    run_id = None
                    if kind == "upsert":
                        run_id = start_run(engine, SOURCE, trigger="manual", owner="bench", lease_seconds=3600)
                        assert run_id is not None
                    checkpoint(admin)
                    lsn = wal_lsn(engine)
                    clock.start(engine)
                    if run_id is None:
                        seconds = copy_baseline(engine, rows)
                        label = f"#{repeat + 1} plain COPY into an empty table"
                    else:
                        seconds, _ = upsert_all(engine, postings, options.batch, run_id, T0)
                        label = f"#{repeat + 1} upsert_postings, first scrape"
                    cpu[kind] = clock.stop()
                    report(label, options.rows, seconds, wal_bytes(engine, lsn), cpu_text(cpu[kind]))
                    if run_id is not None and repeat == options.repeats - 1:
                        rescrapes(engine, postings, options, run_id)
                    rates[kind] = options.rows / seconds
            ratios.append(rates["upsert"] / rates["copy"])
            line = f"{'':<48} upsert rows/s / COPY rows/s = {ratios[-1]:.2f}"
            (copy_client, copy_server), (upsert_client, upsert_server) = cpu["copy"], cpu["upsert"]
            if copy_server is not None and upsert_server is not None:
                cpu_ratios.append((copy_client + copy_server) / (upsert_client + upsert_server))
                line += f"; per CPU second (client + server) {cpu_ratios[-1]:.2f}"
            print(line)
        print()
        summary("upsert rows/s / COPY rows/s", ratios)
        if len(cpu_ratios) == len(ratios):
            summary("the same per CPU second (client + server)", cpu_ratios)
    finally:
        admin.dispose()


def summary(label: str, ratios: list[float]) -> None:
    under = sum(1 for ratio in ratios if ratio < 0.5)
    print(
        f"{label}: median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}; "
        f"{under} of {len(ratios)} under the 0.5 goal)"
    )


def rescrapes(engine: Engine, postings: list[NormalizedPosting], options: argparse.Namespace, run_id: int) -> None:
    size_after_first = table_bytes(engine, "postings")
    changed = int(options.rows * options.changed)
    step = max(1, options.rows // max(changed, 1))
    rescrape = list(postings)
    for index in range(0, options.rows, step)[:changed]:
        salary = rescrape[index].salary
        assert salary is not None and salary.min is not None and salary.max is not None
        rescrape[index] = replace(
            rescrape[index], salary=replace(salary, min=salary.min + 5_000, annual_usd_min=salary.min + 5_000)
        )
    lsn = wal_lsn(engine)
    seconds, totals = upsert_all(engine, rescrape, options.batch, run_id, T0 + timedelta(hours=2))
    report(f"   re-scrape 2 h later, {options.changed:.0%} changed", options.rows, seconds, wal_bytes(engine, lsn))
    print(f"{'':<48} new/updated/unchanged/reopened = {totals}")
    lsn = wal_lsn(engine)
    seconds, totals = upsert_all(engine, rescrape, options.batch, run_id, T0 + timedelta(hours=26))
    report("   re-scrape 26 h later (last_seen refresh due)", options.rows, seconds, wal_bytes(engine, lsn))
    print(f"{'':<48} new/updated/unchanged/reopened = {totals}")
    print(
        f"{'':<48} postings table: {size_after_first / 1e6:.1f} MB after the first scrape, "
        f"{table_bytes(engine, 'postings') / 1e6:.1f} MB after both re-scrapes"
    )


if __name__ == "__main__":
    main()
