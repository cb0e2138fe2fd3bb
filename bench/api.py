"""API benchmark at scale: N postings stored through the pipeline's storage path (upsert_postings, whose new
rows take the PostgreSQL COPY path) and summaries, the API under uvicorn (one worker), and an asyncio client
in a process of its own measuring distinct URLs (cursor pages walked beforehand, categories x countries),
cold figures (first request after start, first after a run lands), how soon a run's effect shows (a run of
new postings; a run changing postings first seen months ago, with its upkeep's CPU) and ratios to a static JSON
endpoint of the same size served by the same app in the same run, with the CPU each request costs the server,
PostgreSQL (read from /proc: a local server) and the client. Prints figures; asserts nothing.

    .venv/bin/python bench/api.py [--rows 1000000] [--seconds 5] [--connections 16] [--pages 20] [--repeats 3]
                                  [--db NAME] [--keep] [--statistics-only]

Creates and drops its database (`JOBFEED_BENCH_POSTGRES_URL` names the server; default 127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import queue
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi import FastAPI
from sqlalchemy import Engine, text
from starlette.responses import Response

from api.app import server_app
from models import migrate
from models.db import create_db_engine
from models.enums import EmploymentType, Period, PeriodBasis, RemoteMode, Seniority
from models.records import Flag, Location, NormalizedPosting, Salary
from models.taxonomy import load_taxonomy
from scraper.config import SourceConfig
from scraper.storage.postings import upsert_postings
from scraper.storage.runs import RunCounts, finish_run, start_run, sync_sources
from scraper.storage.summaries import refresh_summaries

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("JOBFEED_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
SOURCES = ("aijobs", "remoteok", "greenhouse-acme", "lever-globex")
WORDS = ("Senior", "Staff", "Lead", "Principal", "Junior", "Remote", "Platform", "Cloud", "Backend", "Applied")
ROLES = ("Data Engineer", "ML Engineer", "Data Scientist", "Analytics Engineer", "AI Engineer", "Data Analyst")
TAGS = ("Python", "SQL", "Spark", "PyTorch", "dbt", "Airflow", "Kubernetes", "AWS", "GCP", "Snowflake")
COUNTRIES = ("US", "GB", "DE", "CA", "FR", "NL", "IN", "BR", "ES", "PL")
BATCH = 5000


def bench_app() -> FastAPI:
    """The real app plus `/bench/static/{size}`: constant JSON bytes from an async endpoint, the ceiling."""
    app = server_app()
    bodies: dict[int, bytes] = {}

    @app.get("/bench/static/{size}", include_in_schema=False)
    async def static(size: int) -> Response:
        body = bodies.get(size)
        if body is None:
            body = bodies[size] = b'{"pad": "' + b"x" * max(0, size - 11) + b'"}'
        return Response(body, media_type="application/json")

    return app


# ---------------------------------------------------------------------------------------------- data


def synthetic(n: int, rng: random.Random, categories: list[str], source: str) -> NormalizedPosting:
    category = categories[n % len(categories)] if rng.random() < 0.9 else "data-engineer"
    salary = None
    if rng.random() < 0.6:
        low = rng.randrange(40, 250) * 1000.0
        high = low * rng.uniform(1.0, 1.6)
        salary = Salary(
            min=low,
            max=high,
            currency="USD",
            period=Period.YEAR,
            period_basis=PeriodBasis.STATED,
            raw=f"USD {low:.0f} - {high:.0f}",
            annual_usd_min=low,
            annual_usd_max=high,
        )
    country = rng.choice(COUNTRIES)
    title = f"{rng.choice(WORDS)} {rng.choice(ROLES)}"
    return NormalizedPosting(
        source=source,
        external_id=str(n),
        url=f"https://jobs.example/{n}",
        title=title,
        title_raw=title,
        company=f"Company {rng.randrange(5000)}",
        category=category,
        location=Location(raw=f"Remote, {country}", remote=rng.choice(list(RemoteMode)), countries=(country,)),
        employment_types=(EmploymentType.FULL_TIME,),
        seniority=rng.choice((Seniority.JUNIOR, Seniority.MID, Seniority.SENIOR, Seniority.LEAD)),
        tags=tuple(rng.sample(TAGS, 3)),
        salary=salary,
        featured=rng.random() < 0.1,
        posted_at=None,
        description_html="<p>" + "We build data products. " * 40 + "</p>",
        apply_url=None,
        fingerprint=f"fp{n}",
        flags=(),
        payload=None,
    )


def load(engine: Engine, count: int) -> tuple[float, float]:
    """Store `count` postings a year's worth apart through upsert_postings; (load seconds, summaries seconds)."""
    migrate.upgrade(engine)
    categories = [c.slug for c in load_taxonomy()]
    sync_sources(
        engine, [SourceConfig(name=s, kind="greenhouse", url="https://x.example/", every_seconds=3600) for s in SOURCES]
    )
    rng = random.Random(7)
    started = time.perf_counter()
    step = timedelta(days=365) / max(count, 1)
    for first in range(0, count, BATCH):
        source = SOURCES[(first // BATCH) % len(SOURCES)]
        batch = [synthetic(n, rng, categories, source) for n in range(first, min(first + BATCH, count))]
        run_id = start_run(engine, source, trigger="manual", owner="bench", lease_seconds=600)
        assert run_id is not None
        now = T0 - timedelta(days=365) + step * first
        upsert_postings(engine, source, batch, run_id=run_id, now=now)
        finish_run(engine, run_id, status="succeeded", counts=RunCounts(), http={}, error=None, suspect=False)
        if first % 100_000 == 0:
            print(f"  {first:,} stored", flush=True)
    with engine.begin() as connection:  # a third of last year's postings have closed since (the triggers see it)
        connection.execute(
            text(
                "UPDATE postings SET closed_at = first_seen + interval '30 days' WHERE id % 3 = 0 AND first_seen < :cut"
            ),
            {"cut": T0 - timedelta(days=31)},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE postings"))
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    refresh_summaries(engine, now=T0)
    return loaded, time.perf_counter() - started


def land_a_run(engine: Engine, count: int, first_id: int) -> tuple[float, float, set[str]]:
    """A run of `count` new salaried postings (over every category) lands as the pipeline lands it: its batch
    commits, then the summaries' upkeep, then the finished run. Returns (commit time, upkeep seconds, categories).
    Their external ids are new in every bench run (the clock's seconds are in them), so a reused database gets
    new postings too."""
    categories = [c.slug for c in load_taxonomy()]
    first_id += int(time.time()) * 10_000
    rng = random.Random(first_id)
    batch = [synthetic(n, rng, categories, "aijobs") for n in range(first_id, first_id + count)]
    batch = [p for p in batch if p.salary is not None]
    run_id = start_run(engine, "aijobs", trigger="manual", owner="bench", lease_seconds=600)
    assert run_id is not None
    result = upsert_postings(engine, "aijobs", batch, run_id=run_id, now=datetime.now(UTC))
    committed = time.perf_counter()
    refresh_summaries(engine)
    upkeep = time.perf_counter() - committed
    finish_run(engine, run_id, status="succeeded", counts=RunCounts(), http={}, error=None, suspect=False)
    return committed, upkeep, result.categories


# The bench's own upkeep connections, told apart from the API server's among PostgreSQL's backends
UPKEEP_APPLICATION = "jobfeed-bench-upkeep"
# How far back the postings a run changes were first seen (days before it)
CHANGED_FIRST_SEEN = (60, 240)


def _thread_seconds(tid: int) -> float:
    """CPU seconds (user + system) of one thread of this process."""
    with open(f"/proc/self/task/{tid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_upkeep(engine: Engine, probe: Engine) -> dict[str, float]:
    """refresh_summaries, with its wall seconds and CPU seconds: this process's less its main thread (the client's
    event loop polls the API meanwhile), and PostgreSQL's backends of `engine` (application UPKEEP_APPLICATION)."""

    def pg_seconds() -> dict[int, float]:
        with probe.connect() as connection:
            pids = connection.scalars(
                text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"), {"name": UPKEEP_APPLICATION}
            )
            return {pid: _process_seconds(pid) or 0.0 for pid in pids}

    main = threading.main_thread().native_id
    assert main is not None
    pg_before, python_before = pg_seconds(), time.process_time() - _thread_seconds(main)
    started = time.perf_counter()
    refresh_summaries(engine)
    wall = time.perf_counter() - started
    python = time.process_time() - _thread_seconds(main) - python_before
    pg = sum(seconds - pg_before.get(pid, 0.0) for pid, seconds in pg_seconds().items())
    return {"wall": wall, "python": python, "pg": pg}


def upkeep_engine(url: str) -> Engine:
    return create_db_engine(url, connect_args={"application_name": UPKEEP_APPLICATION})


def relisted(row: Any, **changes: Any) -> NormalizedPosting:
    """The posting a stored row holds, as a source lists it again (with `changes`)."""
    countries = tuple(row.countries)
    posting = NormalizedPosting(
        source=row.source,
        external_id=row.external_id,
        url=row.url,
        title=row.title,
        title_raw=row.title_raw,
        company=row.company,
        category=row.category,
        location=Location(raw=row.location_raw, remote=row.remote and RemoteMode(row.remote), countries=countries),
        employment_types=tuple(EmploymentType(e) for e in row.employment_types),
        seniority=row.seniority and Seniority(row.seniority),
        tags=tuple(row.tags),
        salary=None,
        featured=row.featured,
        posted_at=row.posted_at,
        description_html=row.description_html,
        apply_url=row.apply_url,
        fingerprint=row.fingerprint,
        flags=tuple(Flag(f["code"], f["message"]) for f in row.flags),
        payload=None,
    )
    return replace(posting, **changes)


def change_old_postings(engine: Engine, per_category: int, seed: int) -> tuple[float, dict[str, float], set[str]]:
    """A run of one source lists again `per_category` postings of each category first seen months ago
    (CHANGED_FIRST_SEEN): most with a new salary (or a first one), some salaried ones moved to the next category,
    and it closes some salaried ones; then the summaries' upkeep, as land_a_run. Returns (commit time, the upkeep's
    seconds as timed_upkeep gives them, categories touched)."""
    categories = [c.slug for c in load_taxonomy()]
    rng = random.Random(seed)
    now = datetime.now(UTC)
    earliest, latest = (now - timedelta(days=days) for days in reversed(CHANGED_FIRST_SEEN))
    with engine.connect() as connection:
        low, high = connection.execute(
            text("SELECT min(id), max(id) FROM postings WHERE first_seen >= :a AND first_seen < :b"),
            {"a": earliest, "b": latest},
        ).one()
        ids = rng.sample(range(low, high + 1), min(high + 1 - low, 200 * per_category * len(categories)))
        rows = connection.execute(
            text(
                "SELECT * FROM postings WHERE id = ANY(:ids) AND source = 'aijobs' AND closed_at IS NULL "
                "AND duplicate_of IS NULL AND first_seen >= :a AND first_seen < :b"
            ),
            {"ids": ids, "a": earliest, "b": latest},
        ).all()
    by_category: dict[str, list[Any]] = {c: [] for c in categories}
    for row in rows:
        if row.category in by_category and len(by_category[row.category]) < per_category:
            by_category[row.category].append(row)
    listed, closing = [], []
    for index, category in enumerate(categories):
        chosen = sorted(by_category[category], key=lambda r: r.annual_usd_mid is None)  # salaried ones first
        closing += [row.id for row in chosen[: per_category // 10]]
        moved_to = categories[(index + 1) % len(categories)]
        listed += [relisted(row, category=moved_to) for row in chosen[per_category // 10 : per_category // 5]]
        for row in chosen[per_category // 5 :]:
            low_usd = rng.randrange(40, 250) * 1000.0
            salary = Salary(
                min=low_usd,
                max=low_usd * 1.2,
                currency="USD",
                period=Period.YEAR,
                period_basis=PeriodBasis.STATED,
                raw=f"USD {low_usd:.0f} - {low_usd * 1.2:.0f}",
                annual_usd_min=low_usd,
                annual_usd_max=low_usd * 1.2,
            )
            listed.append(relisted(row, salary=salary))
    run_id = start_run(engine, "aijobs", trigger="manual", owner="bench", lease_seconds=600)
    assert run_id is not None
    result = upsert_postings(engine, "aijobs", listed, run_id=run_id, now=now)
    with engine.begin() as connection:  # as close_missing closes them
        connection.execute(
            text("UPDATE postings SET closed_at = :now, missed_runs = missed_runs + 1 WHERE id = ANY(:ids)"),
            {"now": now, "ids": closing},
        )
    committed = time.perf_counter()
    probe = create_db_engine(engine.url.render_as_string(hide_password=False))
    upkeep = timed_upkeep(engine, probe)
    probe.dispose()
    finish_run(engine, run_id, status="succeeded", counts=RunCounts(), http={}, error=None, suspect=False)
    return committed, upkeep, result.categories | {c for c in categories if by_category[c]}


def salary_counts(body: bytes) -> dict[str, int]:
    return {item["category"]: item["count"] for item in json.loads(body)}


def salary_entries(body: bytes) -> dict[str, Any]:
    return {item["category"]: item for item in json.loads(body)}


# ---------------------------------------------------------------------------------------------- client


class Connection:
    """One keep-alive HTTP/1.1 connection: a minimal client, so that the client is never the bottleneck."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def get(self, path: str) -> tuple[int, bytes]:
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if "content-length" in headers:
            return status, await self.reader.readexactly(int(headers["content-length"]))
        body = bytearray()
        while True:  # chunked
            size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await self.reader.readexactly(size + 2)
            if size == 0:
                return status, bytes(body)
            body.extend(chunk[:-2])

    def close(self) -> None:
        self.writer.close()


async def timed_get(port: int, path: str) -> tuple[float, int, bytes]:
    connection = await Connection.open(port)
    began = time.perf_counter()
    status, body = await connection.get(path)
    connection.close()
    return time.perf_counter() - began, status, body


async def hammer(port: int, paths: Iterator[str], seconds: float, connections: int) -> dict[str, float]:
    """`connections` clients taking URLs from `paths` in turn (each once while they last) for `seconds`."""
    latencies: list[float] = []
    errors = 0
    queue = paths
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal errors
        connection = await Connection.open(port)
        try:
            while time.perf_counter() < deadline:
                path = next(queue, None)
                if path is None:
                    return
                began = time.perf_counter()
                status, _ = await connection.get(path)
                latencies.append(time.perf_counter() - began)
                errors += status != 200
        finally:
            connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.perf_counter() - began
    if not latencies:
        raise SystemExit(
            "bench/api.py: a measurement found its distinct URLs used up before it began; walk more of them "
            "(--pages) or measure for less time (--seconds)"
        )
    latencies.sort()
    return {
        "rate": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000,
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "errors": errors,
        "requests": len(latencies),
    }


def _process_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) a local process has used, or None where /proc does not tell."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuProbe:
    """CPU seconds of the server process, of the PostgreSQL backends of the bench database (a local server) and
    of this client: what a request costs each, whatever else the machine runs (ratios of rates depend on that)."""

    def __init__(self, server_pid: int, url: str) -> None:
        self.server_pid = server_pid
        self.engine = create_db_engine(url)

    def read(self) -> dict[str, float]:
        with self.engine.connect() as connection:
            pids = connection.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            ).scalars()
            backends = {pid: _process_seconds(pid) for pid in pids}
        return {
            "server": _process_seconds(self.server_pid) or 0.0,
            **{f"pg{pid}": seconds for pid, seconds in backends.items() if seconds is not None},
            "client": time.process_time(),
        }

    @staticmethod
    def per_request(before: dict[str, float], after: dict[str, float], requests: int) -> dict[str, float]:
        """ms of CPU per request: server, PostgreSQL (backends new since `before` count whole), client."""
        pg = sum(seconds - before.get(key, 0.0) for key, seconds in after.items() if key.startswith("pg"))
        used = {"server": after["server"] - before["server"], "pg": pg, "client": after["client"] - before["client"]}
        return {key: seconds / max(requests, 1) * 1000 for key, seconds in used.items()}


async def measured(probe: CpuProbe, port: int, paths: Iterator[str], options: dict[str, Any]) -> dict[str, Any]:
    """`hammer`, with the CPU each request cost (`CpuProbe`)."""
    before = await asyncio.to_thread(probe.read)
    figures: dict[str, Any] = await hammer(port, paths, options["seconds"], options["connections"])
    figures["cpu"] = CpuProbe.per_request(before, await asyncio.to_thread(probe.read), int(figures["requests"]))
    return figures


async def old_postings_change(port: int, url: str) -> dict[str, Any]:
    """A run changes postings first seen months ago (change_old_postings): seconds from its commit until /salaries
    and the weekly history of every category it touched show it, and the upkeep's own seconds.

    The client polls while the run lands and notes when each category's answers first differ (the upkeep commits
    category by category), so the figure is when the last one showed, not when the landing function returned
    (after the upkeep, the run's bookkeeping) plus one more round of requests."""
    categories = [c.slug for c in load_taxonomy()]

    async def weekly(category: str) -> bytes:
        return (await timed_get(port, f"/api/v1/salaries/{category}/history?bucket=week"))[2]

    before = salary_entries((await timed_get(port, "/api/v1/salaries"))[2])
    history_before = {category: await weekly(category) for category in categories}
    engine = upkeep_engine(url)
    began = time.perf_counter()
    seed = int(time.time())
    landing = asyncio.create_task(asyncio.to_thread(change_old_postings, engine, 30, seed))
    shown: dict[str, float] = {}  # when a category's /salaries entry and weekly history both showed the change
    while time.perf_counter() - began < 120:
        await asyncio.sleep(0.02)
        now = salary_entries((await timed_get(port, "/api/v1/salaries"))[2])
        asked = [c for c in categories if c not in shown and now.get(c) != before.get(c)]
        for category, body in zip(asked, await asyncio.gather(*map(weekly, asked)), strict=True):
            if body != history_before[category]:
                shown[category] = time.perf_counter()  # once it shows, it stays
        if landing.done() and landing.result()[2] <= shown.keys():
            break
    committed, upkeep, touched = await landing
    engine.dispose()
    last = max(shown.get(c, time.perf_counter()) for c in touched)  # one never shown: 120 s and more
    return {"fresh": last - committed, "touched": len(touched), **upkeep}


async def client_main(port: int, options: dict[str, Any], url: str) -> dict[str, Any]:
    """Everything the client process measures, in order; returns the figures."""
    for _ in range(600):  # the server binds first; the client only connects once it answers
        try:
            if (await timed_get(port, "/healthz"))[1] == 200:
                break
        except OSError:
            await asyncio.sleep(0.1)
    figures: dict[str, Any] = {}
    cold = {}
    for label, path in (
        ("salaries", "/api/v1/salaries"),
        ("salaries?group_by=country", "/api/v1/salaries?group_by=country"),
        # since= over eleven months, eight (from mid-week, mid-day) and three: the weeks after each
        ("salaries?since=2025-12-20", "/api/v1/salaries?since=2025-12-20"),
        ("salaries?since=2026-03-04T12:00Z", "/api/v1/salaries?since=2026-03-04T12:00:00Z"),
        ("salaries?since=2026-09-01", "/api/v1/salaries?since=2026-09-01"),
        # ... and its breakdowns, the widest (country) over the most weeks
        ("salaries?since=2025-12-21&group_by=country", "/api/v1/salaries?since=2025-12-21&group_by=country"),
        ("salaries?since=2026-02-03&group_by=seniority", "/api/v1/salaries?since=2026-02-03&group_by=seniority"),
        ("history (week)", "/api/v1/salaries/data-engineer/history?bucket=week"),
        ("history (month)", "/api/v1/salaries/data-scientist/history?bucket=month"),
        ("categories", "/api/v1/categories"),
    ):
        seconds, status, _ = await timed_get(port, path)
        cold[label] = (seconds * 1000, status)
    figures["cold"] = cold

    # A run lands: the client times from its commit until /salaries shows it in every category it touched,
    # and the first answer after the commit.
    before = salary_counts((await timed_get(port, "/api/v1/salaries"))[2])
    first_id = 10_000_000 * (1 + int(time.time()) % 10_000)  # new postings on every run of a kept database
    engine = create_db_engine(url)
    began_landing = time.perf_counter()
    landing = asyncio.create_task(asyncio.to_thread(land_a_run, engine, 600, first_id))
    while True:
        await asyncio.sleep(0.02)
        now = salary_counts((await timed_get(port, "/api/v1/salaries"))[2])
        if landing.done():
            committed, upkeep, touched = landing.result()
            if all(now.get(c) != before.get(c) for c in touched):
                break
        if time.perf_counter() - began_landing > 120:
            break
    figures["fresh_seconds"] = time.perf_counter() - committed
    figures["upkeep_seconds"] = upkeep
    figures["touched"] = len(touched)
    figures["first_after_run_ms"] = (await timed_get(port, "/api/v1/salaries?category=data-engineer&remote=remote"))[
        0
    ] * 1000
    engine.dispose()
    figures["changed"] = await old_postings_change(port, url)

    # One flight: 16 concurrent first requests of an uncached aggregate computed live (a since filter).
    path = "/api/v1/salaries?since=2026-01-01"
    alone, _, _ = await timed_get(port, "/api/v1/salaries?since=2026-02-01")
    began = time.perf_counter()
    await asyncio.gather(*(timed_get(port, path) for _ in range(16)))
    figures["stampede"] = (alone * 1000, (time.perf_counter() - began) * 1000)

    figures["rows"] = {}
    if options["statistics_only"]:
        return figures
    # Distinct URLs, walked beforehand: job pages by category x country and cursor depth, and feeds.
    categories = [c.slug for c in load_taxonomy()]
    jobs: list[str] = []
    walker = await Connection.open(port)
    for category in categories:
        for country in COUNTRIES:
            cursor = None
            for _ in range(options["pages"]):
                params = {"category": category, "country": country, **({"cursor": cursor} if cursor else {})}
                page = f"/api/v1/jobs?{urlencode(params)}"
                jobs.append(page)
                status, body = await walker.get(page)
                cursor = body.rsplit(b'"next_cursor":', 1)[1].strip(b'}" \n').decode() if status == 200 else "null"
                if cursor == "null":
                    break
    walker.close()
    # the walk cached every page: a new data version (a run landing) makes every one of them a miss again
    await asyncio.to_thread(land_a_run, create_db_engine(url), 50, first_id + 1_000_000)
    await asyncio.sleep(1.5)
    random.Random(3).shuffle(jobs)
    rows_measured = [(f"jobs, {len(jobs):,} distinct uncached URLs", jobs)]
    for ext in ("rss", "atom", "json"):
        feeds = [
            f"/feeds/{category}.{ext}?{urlencode({'country': country, 'seniority': seniority.value, **remote})}"
            for category in categories
            for country in COUNTRIES
            for seniority in (Seniority.JUNIOR, Seniority.MID, Seniority.SENIOR, Seniority.LEAD)
            for remote in ({}, *({"remote": mode.value} for mode in RemoteMode))
        ]
        random.Random(4).shuffle(feeds)
        rows_measured.append((f"feeds .{ext}, {len(feeds):,} distinct uncached URLs", feeds))
    rows = {}
    probe = CpuProbe(options["server_pid"], url)
    for label, paths in [*rows_measured, ("jobs, one URL repeated (cache hits)", [jobs[-1]] * 10**7)]:
        size = len((await timed_get(port, paths[-1]))[2])
        # static and the row alternate `repeats` times; a row's URLs are never asked twice (nor the probe above)
        queue, pairs = iter(paths[:-1]), []
        for _ in range(options["repeats"]):
            static_paths = iter([f"/bench/static/{size}"] * 10**7)
            static = await measured(probe, port, static_paths, options)
            pairs.append((await measured(probe, port, queue, options), static))
        rows[label] = (size, pairs)
    figures["rows"] = rows
    return figures


def client_process(port: int, options: dict[str, Any], url: str, results: Any) -> None:
    results.put(asyncio.run(client_main(port, options, url)))


# ---------------------------------------------------------------------------------------------- main


def _result_of(client: Any, results: Any) -> dict[str, Any]:
    """The client's figures; an exit without them (its traceback is printed above) ends the bench, not a wait."""
    while True:
        try:
            figures: dict[str, Any] = results.get(timeout=1.0)
            return figures
        except queue.Empty:
            if not client.is_alive():
                message = f"bench/api.py: the client process ended (exit code {client.exitcode}) with no figures"
                raise SystemExit(message) from None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def report(figures: dict[str, Any], connections: int, seconds: float) -> None:
    print("\ncold (first request after the server started):")
    for label, (ms, status) in figures["cold"].items():
        print(f"  {label:46} {ms:8.1f} ms  (status {status})")
    print(
        f"a run lands (600 new postings over {figures['touched']} categories): /salaries shows it in every one "
        f"{figures['fresh_seconds']:.2f} s after its commit (the upkeep took {figures['upkeep_seconds']:.2f} s); "
        f"the first request after it took {figures['first_after_run_ms']:.1f} ms"
    )
    changed = figures["changed"]
    print(
        f"a run changes postings first seen {CHANGED_FIRST_SEEN[0]}-{CHANGED_FIRST_SEEN[1]} days before (salaries, "
        f"moves, closes) over {changed['touched']} categories: /salaries and each one's weekly history show it "
        f"{changed['fresh']:.2f} s after its commit (the upkeep took {changed['wall']:.2f} s, CPU "
        f"{changed['python']:.2f} s in Python and {changed['pg']:.2f} s in PostgreSQL)"
    )
    alone, together = figures["stampede"]
    print(
        f"one flight: an uncached live aggregate takes {alone:.0f} ms alone; 16 concurrent first requests of "
        f"another all answered in {together:.0f} ms ({together / alone:.1f}x one render)"
    )
    if not figures["rows"]:
        return
    print(
        f"\nuvicorn, 1 worker; asyncio client, {connections} connections, {seconds:.0f} s per measure, each row "
        "alternating with static JSON of its size; medians of the repeats (ratio: median [min-max] of the pairs)"
    )
    print(
        f"{'endpoint':44} {'bytes':>6} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'static':>6} "
        f"{'ratio':>16} {'err':>4}"
    )
    for label, (size, pairs) in figures["rows"].items():
        found = {key: statistics.median(f[key] for f, _ in pairs) for key in ("rate", "p50", "p95", "p99")}
        ratios = sorted(f["rate"] / s["rate"] for f, s in pairs)
        spread = f"{statistics.median(ratios):.2f} [{ratios[0]:.2f}-{ratios[-1]:.2f}]"
        errors = sum(f["errors"] + s["errors"] for f, s in pairs)
        print(
            f"{label:44} {size:>6} {found['rate']:>6.0f} {found['p50']:>7.1f} {found['p95']:>7.1f} "
            f"{found['p99']:>7.1f} {statistics.median(s['rate'] for _, s in pairs):>6.0f} {spread:>16} {errors:>4}"
        )
    print(
        "\nCPU per request (ms, medians of the repeats): the server process, PostgreSQL's backends of the bench "
        "database, the client; on a busy machine the ratio of rates tends to the inverse ratio of these totals"
    )
    print(f"{'endpoint':44} {'server':>7} {'pg':>7} {'client':>7} {'static server':>14} {'static client':>14}")
    for label, (_size, pairs) in figures["rows"].items():
        cost = {key: statistics.median(f["cpu"][key] for f, _ in pairs) for key in ("server", "pg", "client")}
        static_cost = {key: statistics.median(s["cpu"][key] for _, s in pairs) for key in ("server", "client")}
        print(
            f"{label:44} {cost['server']:>7.2f} {cost['pg']:>7.2f} {cost['client']:>7.2f} "
            f"{static_cost['server']:>14.2f} {static_cost['client']:>14.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="postings to store (default 1,000,000)")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per measured row (default 5)")
    parser.add_argument("--connections", type=int, default=16, help="client connections (default 16)")
    parser.add_argument("--pages", type=int, default=20, help="cursor pages walked per category x country")
    parser.add_argument("--repeats", type=int, default=3, help="static/row alternations per row (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    parser.add_argument(
        "--statistics-only", action="store_true", help="the cold, fresh and one-flight figures alone (no page rows)"
    )
    parser.add_argument(
        "--db", help="a database to keep: loaded on first use, then reused as it is (migrated; --rows ignored)"
    )
    args = parser.parse_args()

    admin = create_db_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = args.db or f"jobfeed_bench_api_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    server = None
    try:
        engine = create_db_engine(url)
        if exists:
            migrate.upgrade(engine)
            started = time.perf_counter()
            refresh_summaries(engine)
            print(f"reusing {name}; summaries brought up to date in {time.perf_counter() - started:.1f} s")
        else:
            print(f"storing {args.rows:,} postings through upsert_postings ...", flush=True)
            loaded, summarized = load(engine, args.rows)
            print(
                f"stored in {loaded:.0f} s ({args.rows / loaded:,.0f} rows/s, batches of {BATCH:,}, then VACUUM "
                f"ANALYZE); summaries of every category built from scratch in {summarized:.1f} s"
            )
        engine.dispose()
        port = free_port()
        env = {**os.environ, "JOBFEED_DATABASE_URL": url, "JOBFEED_RATE_LIMIT": "off"}
        command = [sys.executable, "-m", "uvicorn", "bench.api:bench_app", "--factory", "--workers", "1"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
        server = subprocess.Popen(command, cwd=ROOT, env=env)
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        options = {"seconds": args.seconds, "connections": args.connections, "pages": args.pages}
        options["repeats"] = args.repeats
        options["server_pid"] = server.pid
        options["statistics_only"] = args.statistics_only
        client = context.Process(target=client_process, args=(port, options, url, results))
        client.start()
        figures = _result_of(client, results)
        client.join()
        report(figures, args.connections, args.seconds)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        if args.keep or args.db:
            print(f"database kept: {url}")
        else:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
