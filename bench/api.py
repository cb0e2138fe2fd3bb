"""API benchmark: N synthetic postings COPYed into a scratch PostgreSQL database, the API under uvicorn (one
worker) on 127.0.0.1, and requests/s with p50/p99 latency for job lists, a deep cursor page, salary statistics
and a feed, each beside a static JSON endpoint of the same size served by the same app in the same run.

Prints figures; asserts nothing. Creates and drops its database (`JOBFEED_BENCH_POSTGRES_URL` names the
server; default 127.0.0.1:5432/test).

    .venv/bin/python bench/api.py [--rows 1000000] [--seconds 4] [--threads 16] [--no-cache]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import psycopg
from fastapi import FastAPI
from sqlalchemy import text
from starlette.responses import Response

from api.app import create_app
from api.cache import ResponseCache
from models import migrate
from models.db import create_db_engine
from models.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("JOBFEED_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
SOURCES = ("aijobs", "remoteok", "greenhouse-acme", "lever-globex")
WORDS = ("Senior", "Staff", "Lead", "Principal", "Junior", "Remote", "Platform", "Cloud", "Backend", "Applied")
ROLES = ("Data Engineer", "ML Engineer", "Data Scientist", "Analytics Engineer", "AI Engineer", "Data Analyst")
TAGS = ("Python", "SQL", "Spark", "PyTorch", "dbt", "Airflow", "Kubernetes", "AWS", "GCP", "Snowflake")
COUNTRIES = ("US", "GB", "DE", "CA", "FR", "NL", "IN", "BR", "ES", "PL")
COLUMNS = (
    "source, external_id, url, title, title_raw, featured, company, category, location_raw, remote, countries, "
    "regions, cities, employment_types, seniority, tags, salary_raw, salary_min, salary_max, salary_currency, "
    "salary_period, salary_period_basis, annual_usd_min, annual_usd_max, annual_usd_mid, flags, salary_flagged, "
    "flagged, posted_at, first_seen, last_seen, closed_at, missed_runs, description_html, fingerprint, "
    "content_hash"
)


def bench_app() -> FastAPI:
    """The real app plus `/bench/static/{size}`: constant JSON bytes, the framework's ceiling."""
    app = create_app()
    if os.environ.get("JOBFEED_BENCH_NO_CACHE"):
        app.state.cache = ResponseCache(max_entries=0)
    bodies: dict[int, bytes] = {}

    @app.get("/bench/static/{size}", include_in_schema=False)
    def static(size: int) -> Response:
        body = bodies.get(size)
        if body is None:
            body = bodies[size] = json.dumps({"pad": "x" * max(0, size - 10)}).encode()
        return Response(body, media_type="application/json")

    return app


def rows(count: int, categories: list[str]) -> Iterator[tuple[object, ...]]:
    rng = random.Random(7)
    description = "<p>" + "We build data products. " * 40 + "</p>"
    for n in range(count):
        category = categories[n % len(categories)] if rng.random() < 0.9 else "data-engineer"
        first_seen = T0 - timedelta(seconds=n * 31)  # a year at 1M rows
        salaried = rng.random() < 0.6
        flagged = salaried and rng.random() < 0.02
        low = rng.randrange(40, 250) * 1000.0 if salaried else None
        high = low * rng.uniform(1.0, 1.6) if low else None
        mid = (1.1e9 if flagged else (low + high) / 2) if low and high else None
        closed = first_seen + timedelta(days=rng.randrange(5, 60)) if rng.random() < 0.3 else None
        if closed and closed > T0:
            closed = None
        country = rng.choice(COUNTRIES)
        tags = rng.sample(TAGS, 3)
        yield (
            SOURCES[n % len(SOURCES)],
            str(n),
            f"https://jobs.example/{n}",
            f"{rng.choice(WORDS)} {rng.choice(ROLES)}",
            f"{rng.choice(WORDS)} {rng.choice(ROLES)}",
            rng.random() < 0.1,
            f"Company {rng.randrange(5000)}",
            category,
            f"Remote, {country}",
            rng.choice(("remote", "hybrid", "onsite")),
            json.dumps([country]),
            "[]",
            "[]",
            '["full-time"]',
            rng.choice(("junior", "mid", "senior", "lead")),
            json.dumps(tags),
            f"USD {low:.0f} - {high:.0f}" if low and high else None,
            low,
            high,
            "USD" if low else None,
            "year" if low else None,
            "stated" if low else None,
            low,
            1.1e9 if flagged else high,
            mid,
            '[{"code": "salary_implausible", "message": "too high"}]' if flagged else "[]",
            flagged,
            flagged,
            first_seen - timedelta(days=1),
            first_seen,
            T0,
            closed,
            0,
            description,
            f"fp{n}",
            f"h{n}",
        )


def load(url: str, count: int) -> float:
    engine = create_db_engine(url)
    migrate.upgrade(engine)
    categories = [c.slug for c in load_taxonomy()]
    started = time.perf_counter()
    with engine.begin() as connection:
        for name in SOURCES:
            connection.execute(
                text(
                    "INSERT INTO sources (name, kind, url, every_seconds, enabled, options, http_validators, "
                    "created_at, updated_at) VALUES (:n, 'bench', 'https://x/', 3600, true, '{}', '{}', now(), now())"
                ),
                {"n": name},
            )
        connection.execute(
            text(
                "INSERT INTO scrape_runs (source, trigger, started_at, finished_at, status, details, http) "
                "VALUES ('aijobs', 'schedule', now(), now(), 'succeeded', '{}', '{}')"
            )
        )
        raw = cast("psycopg.Connection[Any]", connection.connection.dbapi_connection)
        with raw.cursor() as cursor, cursor.copy(f"COPY postings ({COLUMNS}) FROM STDIN") as copy:
            for row in rows(count, categories):
                copy.write_row(row)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE postings"))
    engine.dispose()
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def hammer(base: str, path: str, seconds: float, threads: int) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p99 ms, errors) of `threads` clients looping on `path` for `seconds`."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        mine: list[float] = []
        failed = 0
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                response = client.get(path)
                mine.append(time.perf_counter() - began)
                failed += response.status_code != 200
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    began = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    return len(latencies) / elapsed, p50, p99, errors[0]


def run_lands(url: str, client: httpx.Client) -> tuple[float, float]:
    """Move the data version as a finished run does (a history row), then time /api/v1/salaries until it
    serves the new figures: (first answer's seconds, seconds until the new ETag)."""
    before = client.get("/api/v1/salaries").headers["etag"]
    engine = create_db_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO posting_changes (posting_id, field, old, new, changed_at) "
                "SELECT min(id), 'title', '\"a\"', '\"b\"', now() FROM postings"
            )
        )
    engine.dispose()
    time.sleep(1.1)  # the API re-reads the data version at most once a second
    start = time.perf_counter()
    client.get("/api/v1/salaries").raise_for_status()
    first = time.perf_counter() - start
    while client.get("/api/v1/salaries").headers["etag"] == before and time.perf_counter() - start < 60:
        time.sleep(0.05)
    return first, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--deep-pages", type=int, default=200)
    parser.add_argument("--no-cache", action="store_true", help="serve every request from the database")
    args = parser.parse_args()

    admin = create_db_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"jobfeed_bench_api_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    server = None
    try:
        print(f"loading {args.rows:,} postings ...", flush=True)
        seconds = load(url, args.rows)
        print(f"loaded in {seconds:.1f} s ({args.rows / seconds:,.0f} rows/s, COPY + VACUUM ANALYZE)")
        port = free_port()
        env = {**os.environ, "JOBFEED_DATABASE_URL": url, "JOBFEED_RATE_LIMIT": "off"}  # a benchmark is one client
        if args.no_cache:
            env["JOBFEED_BENCH_NO_CACHE"] = "1"
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.api:bench_app",
            "--factory",
            "--workers",
            "1",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        server = subprocess.Popen(command, cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(100):
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            cold = time.perf_counter()
            client.get("/api/v1/salaries").raise_for_status()
            cold_salaries = time.perf_counter() - cold
            warm = time.perf_counter()
            client.get("/api/v1/salaries").raise_for_status()
            warm_salaries = time.perf_counter() - warm
            cold = time.perf_counter()
            client.get("/api/v1/salaries/data-engineer/history?bucket=week").raise_for_status()
            cold_history = time.perf_counter() - cold
            landed, refreshed = run_lands(url, client)
            cursor, walk = None, time.perf_counter()
            for _ in range(args.deep_pages):
                params = {"category": "data-engineer", **({"cursor": cursor} if cursor else {})}
                cursor = client.get("/api/v1/jobs", params=params).json()["next_cursor"]
            walk = (time.perf_counter() - walk) / args.deep_pages
            targets = {
                "jobs?category=data-engineer": "/api/v1/jobs?category=data-engineer",
                f"jobs deep cursor (page {args.deep_pages + 1})": f"/api/v1/jobs?category=data-engineer&cursor={cursor}",  # noqa: E501
                "salaries (all categories)": "/api/v1/salaries",
                "feed data-engineer.rss": "/feeds/data-engineer.rss",
            }
            sizes = {label: len(client.get(path).content) for label, path in targets.items()}
        mode = "no cache" if args.no_cache else "cache by data version"
        print(f"\nuvicorn, 1 worker, {args.threads} client threads x {args.seconds:.0f} s per row, {mode}")
        print(
            f"cold /api/v1/salaries {cold_salaries * 1000:.0f} ms, warm {warm_salaries * 1000:.1f} ms; "
            f"cold weekly history {cold_history * 1000:.0f} ms; cursor walk {walk * 1000:.1f} ms/page (uncached)"
        )
        print(
            f"after a run lands: /api/v1/salaries answers in {landed * 1000:.1f} ms (the previous figures), "
            f"the new figures are served {refreshed:.2f} s later"
        )
        print(
            f"{'endpoint':38} {'bytes':>7} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'static req/s':>12} "
            f"{'ratio':>6} {'err':>4}"
        )
        for label, path in targets.items():
            rate, p50, p99, errors = hammer(base, path, args.seconds, args.threads)
            static_rate, _, _, static_errors = hammer(base, f"/bench/static/{sizes[label]}", args.seconds, args.threads)
            print(
                f"{label:38} {sizes[label]:>7} {rate:>7.0f} {p50:>7.1f} {p99:>7.1f} {static_rate:>12.0f} "
                f"{rate / static_rate:>6.2f} {errors + static_errors:>4}"
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
