"""Seed a throwaway SQLite database with realistic postings, serve the dashboard, screenshot it.

    .venv/bin/python docs/screenshots.py            # writes docs/dashboard-home.png, docs/dashboard-category.png
    .venv/bin/python docs/screenshots.py --phone    # also /tmp/dashboard-phone-*.png, for checking the layout

Needs Debian's chromium at /usr/bin/chromium and Playwright for Python (no `playwright install`).
"""

from __future__ import annotations

import argparse
import math
import random
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import Engine, insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from models import migrate  # noqa: E402
from models.db import create_db_engine  # noqa: E402
from models.settings import Settings  # noqa: E402
from models.tables import Posting, PostingChange, ScrapeRun, Source  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SOURCES = [
    ("aijobs", "featured-html", "https://aijobs.net/", 7200, "succeeded", False),
    ("acme-greenhouse", "greenhouse", "https://boards-api.greenhouse.io/v1/boards/acme/jobs", 3600, "succeeded", False),
    ("lumen-lever", "lever", "https://api.lever.co/v0/postings/lumen", 3600, "partial", False),
    ("careers-jsonld", "jsonld", "https://careers.example.org/", 86400, "succeeded", True),
    ("remote-rss", "rss", "https://remote.example.com/feed.rss", 1800, "failed", False),
]
# (category, how many, median annual USD, spread, titles)
CATEGORIES = [
    (
        "machine-learning-engineer",
        34,
        175_000,
        0.28,
        ["Machine Learning Engineer", "Senior ML Engineer", "ML Platform Engineer"],
    ),
    ("ai-engineer", 28, 185_000, 0.30, ["AI Engineer", "LLM Applications Engineer", "Generative AI Engineer"]),
    ("data-engineer", 42, 150_000, 0.27, ["Data Engineer", "Senior Data Engineer", "Staff Data Engineer"]),
    ("data-scientist", 31, 140_000, 0.30, ["Data Scientist", "Senior Data Scientist", "Product Data Scientist"]),
    ("research-scientist", 14, 210_000, 0.32, ["Research Scientist", "Research Engineer, LLMs"]),
    ("mlops-engineer", 12, 160_000, 0.22, ["MLOps Engineer", "ML Infrastructure Engineer"]),
    ("analytics-engineer", 11, 130_000, 0.2, ["Analytics Engineer", "Senior Analytics Engineer"]),
    ("data-analyst", 22, 95_000, 0.3, ["Data Analyst", "Senior Data Analyst", "Marketing Analyst"]),
    ("software-engineer", 18, 155_000, 0.3, ["Backend Engineer", "Full-Stack Engineer"]),
    ("product-manager", 4, 170_000, 0.2, ["Product Manager, AI Platform"]),
]
COMPANIES = [
    "Lemon.io",
    "Acme Analytics",
    "Northwind AI",
    "Lumen Health",
    "Orbital Data",
    "Fathom Labs",
    "Quill & Co",
    "Helix Bio",
    "Ridgeline",
    "Tessera",
    "Brightwave",
    "Kestrel Robotics",
    "Polaris Pay",
    "Cobalt Cloud",
]
PLACES = [
    ("Remote, US", "remote", ["US"], []),
    ("Remote: Europe", "remote", [], ["EUROPE"]),
    ("New York, NY", "onsite", ["US"], ["New York"]),
    ("Berlin, Germany (Hybrid)", "hybrid", ["DE"], ["Berlin"]),
    ("London, UK", "hybrid", ["GB"], ["London"]),
    ("Toronto, Canada", "onsite", ["CA"], ["Toronto"]),
    ("San Francisco, CA", "hybrid", ["US"], ["San Francisco"]),
]
SENIORITIES = ["junior", "mid", "senior", "senior", "lead", "principal", None]
TAGS = ["Python", "SQL", "PyTorch", "Spark", "dbt", "Kubernetes", "AWS", "Airflow", "LLMs", "Snowflake"]


def seed(engine: Engine, now: datetime) -> None:
    """Realistic postings over the last twelve weeks, a few closed, a few flagged, source runs of each status."""
    rng = random.Random(7)
    with engine.begin() as db:
        for name, kind, url, every, *_ in SOURCES:
            db.execute(insert(Source).values(name=name, kind=kind, url=url, every_seconds=every, enabled=True))
        for name, *_, status, suspect in SOURCES:
            for k in range(8, -1, -1):
                started = now - timedelta(minutes=17 + k * 120)
                last = k == 0
                db.execute(
                    insert(ScrapeRun).values(
                        source=name,
                        status=status if last else rng.choice(["succeeded"] * 6 + ["partial"]),
                        suspect=suspect and last,
                        started_at=started,
                        finished_at=started + timedelta(seconds=rng.randint(4, 90)),
                        fetched=rng.randint(20, 120),
                        new=rng.randint(0, 9),
                        flagged=rng.randint(0, 2),
                        error="ConnectError: [Errno -3] Temporary failure in name resolution"
                        if last and status == "failed"
                        else None,
                        details={},
                        http={},
                    )
                )
        source_names = [s[0] for s in SOURCES]
        serial = 0
        for category, how_many, median, spread, titles in CATEGORIES:
            for _ in range(how_many):
                serial += 1
                first_seen = now - timedelta(days=rng.uniform(0, 84), minutes=serial)
                # salaries drift up a little over the weeks, as they do in a hot market
                drift = 1 + 0.04 * (1 - (now - first_seen).days / 84)
                mid = round(median * drift * math.exp(rng.gauss(0, spread)) / 1000) * 1000
                stated = rng.random() < 0.8
                low, high = round(mid * 0.87, -3), round(mid * 1.13, -3)
                place = rng.choice(PLACES)
                row: dict[str, Any] = {
                    "source": rng.choice(source_names),
                    "external_id": f"job-{serial}",
                    "url": f"https://jobs.example/{serial}",
                    "title": rng.choice(titles),
                    "company": rng.choice(COMPANIES),
                    "category": category,
                    "location_raw": place[0],
                    "remote": place[1],
                    "countries": place[2],
                    "cities": place[3] if place[1] != "remote" else [],
                    "regions": place[3] if place[1] == "remote" else [],
                    "employment_types": ["full-time"],
                    "seniority": rng.choice(SENIORITIES),
                    "tags": rng.sample(TAGS, 3),
                    "featured": rng.random() < 0.1,
                    "flags": [],
                    "first_seen": first_seen,
                    "last_seen": now - timedelta(minutes=20),
                    "posted_at": first_seen - timedelta(days=rng.randint(0, 3)),
                    "closed_at": first_seen + timedelta(days=rng.randint(10, 40)) if rng.random() < 0.25 else None,
                    "fingerprint": f"fp-{serial}",
                    "content_hash": f"h-{serial}",
                    "description_html": "<p>Build and run the systems our customers rely on.</p>",
                }
                if row["closed_at"] is not None and row["closed_at"] >= now:
                    row["closed_at"] = None
                if stated:
                    row |= {
                        "salary_raw": f"USD {low / 1000:.0f}K - {high / 1000:.0f}K",
                        "salary_min": low,
                        "salary_max": high,
                        "salary_currency": "USD",
                        "salary_period": "year",
                        "salary_period_basis": "stated",
                        "annual_usd_min": low,
                        "annual_usd_max": high,
                        "annual_usd_mid": (low + high) / 2,
                    }
                row["title_raw"] = ("Featured " if row["featured"] else "") + row["title"]
                db.execute(insert(Posting).values(**row))
        flagged = [
            (
                "Staff LLM Inference Engineer",
                "ai-engineer",
                "USD 1111111K - 1111111K",
                1.111111e9,
                "salary_implausible",
                "annual maximum 1.1 billion USD is beyond any real salary",
            ),
            (
                "Data Engineer (Contract)",
                "data-engineer",
                "$180 - $95 per hour",
                293_000.0,
                "salary_min_gt_max",
                "the minimum 180 is above the maximum 95",
            ),
            (
                "Junior Data Analyst",
                "data-analyst",
                "USD 640K",
                640_000.0,
                "salary_outlier",
                "640,000 USD a year is far above the data-analyst range (p90 131,000 USD)",
            ),
        ]
        for title, category, raw, amount, code, message in flagged:
            serial += 1
            db.execute(
                insert(Posting).values(
                    source="aijobs",
                    external_id=f"job-{serial}",
                    url=f"https://jobs.example/{serial}",
                    title=title,
                    title_raw=title,
                    company=rng.choice(COMPANIES),
                    category=category,
                    location_raw="Remote",
                    remote="remote",
                    countries=[],
                    regions=[],
                    cities=[],
                    employment_types=["full-time"],
                    tags=[],
                    flags=[{"code": code, "message": message}],
                    salary_flagged=True,
                    flagged=True,
                    salary_raw=raw,
                    salary_currency="USD",
                    salary_period="year",
                    salary_period_basis="stated",
                    annual_usd_min=amount,
                    annual_usd_max=amount,
                    annual_usd_mid=amount,
                    first_seen=now - timedelta(hours=serial % 9),
                    last_seen=now,
                    fingerprint=f"fp-{serial}",
                    content_hash=f"h-{serial}",
                )
            )
        db.execute(
            insert(PostingChange).values(
                posting_id=1,
                field="salary",
                changed_at=now - timedelta(days=2),
                old={"raw": "USD 140K - 160K", "min": 140000, "max": 160000, "currency": "USD", "period": "year"},
                new={"raw": "USD 150K - 175K", "min": 150000, "max": 175000, "currency": "USD", "period": "year"},
            )
        )


@contextmanager
def serve(database_url: str) -> Iterator[str]:
    """The app under uvicorn in a thread on a free 127.0.0.1 port; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(Settings(database_url=database_url), version_ttl_seconds=0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--phone", action="store_true", help="also take phone-width screenshots under /tmp")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/screens.db"
        engine = create_db_engine(url)
        migrate.upgrade(engine)
        seed(engine, datetime.now(UTC))
        engine.dispose()
        with serve(url) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            shots = [("/", "dashboard-home.png"), ("/categories/data-engineer", "dashboard-category.png")]
            page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
            for path, name in shots:
                page.goto(base + path)
                page.screenshot(path=str(args.out / name), full_page=True)
                print(f"wrote {args.out / name}")
            if args.phone:
                phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
                for path in ("/", "/categories/data-engineer", "/jobs/1", "/outliers", "/sources"):
                    target = f"/tmp/dashboard-phone-{path.strip('/').replace('/', '-') or 'home'}.png"
                    phone.goto(base + path)
                    phone.screenshot(path=target, full_page=True)
                    print(f"wrote {target}")
            browser.close()


if __name__ == "__main__":
    main()
