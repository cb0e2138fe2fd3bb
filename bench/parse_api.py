"""Parse speed of the JSON API adapters on a realistic payload each: greenhouse, lever, ashby, json-api on 50-job
boards; workable, smartrecruiters, workday on one job's detail page (they read a posting per detail).

Prints pages/s and jobs/s per kind. A benchmark that prints figures, not a test: nothing here asserts a time.
Usage: python bench/parse_api.py [--seconds 1.0]
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scraper.config import SourceConfig
from scraper.fetching import Page
from scraper.sources.ashby import AshbySource
from scraper.sources.greenhouse import GreenhouseSource
from scraper.sources.json_api import JsonApiSource
from scraper.sources.lever import LeverSource
from scraper.sources.smartrecruiters import SmartRecruitersSource
from scraper.sources.workable import WorkableSource
from scraper.sources.workday import WorkdaySource

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "sources"
JOBS_PER_PAGE = 50
# A real posting's description runs to a few KB of HTML (Greenhouse: 5.7 MB for 453 jobs with content).
PARAGRAPH = (
    "<p>You will design, build and operate the systems that train and serve our models, working closely "
    "with research &amp; product. We value <strong>ownership</strong>, clear writing and kindness.</p>"
    "<ul><li>5+ years building production software</li><li>Python, Go or Rust</li>"
    "<li>Experience with distributed systems</li></ul>"
)
DESCRIPTION = PARAGRAPH * 12


def fifty(items: list[dict[str, Any]], vary: Callable[[dict[str, Any], int], None]) -> list[dict[str, Any]]:
    """50 jobs cycled from the fixture's items, each with its own id and a full-size description."""
    jobs = []
    for number in range(JOBS_PER_PAGE):
        job = copy.deepcopy(items[number % len(items)])
        vary(job, number)
        jobs.append(job)
    return jobs


def greenhouse_page() -> tuple[GreenhouseSource, bytes]:
    board = json.loads((FIXTURES / "greenhouse" / "board.json").read_text())

    def vary(job: dict[str, Any], number: int) -> None:
        job["id"] = 7400000 + number
        job["absolute_url"] = f"https://boards.greenhouse.io/quantaforge/jobs/{job['id']}"
        job["content"] = DESCRIPTION.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")

    body = {"jobs": fifty(board["jobs"], vary), "meta": {"total": JOBS_PER_PAGE}}
    source = GreenhouseSource(config("greenhouse", "https://boards-api.greenhouse.io", board="quantaforge"))
    return source, json.dumps(body).encode()


def lever_page() -> tuple[LeverSource, bytes]:
    postings = json.loads((FIXTURES / "lever" / "postings.json").read_text())

    def vary(posting: dict[str, Any], number: int) -> None:
        posting["id"] = f"00000000-0000-4000-8000-{number:012d}"
        posting["hostedUrl"] = f"https://jobs.lever.co/nimbusai/{posting['id']}"
        posting["description"] = DESCRIPTION
        posting["descriptionPlain"] = "plain text " * 200

    source = LeverSource(config("lever", "https://api.lever.co", board="nimbusai"))
    return source, json.dumps(fifty(postings, vary)).encode()


def ashby_page() -> tuple[AshbySource, bytes]:
    board = json.loads((FIXTURES / "ashby" / "board.json").read_text())
    listed = [job for job in board["jobs"] if job.get("isListed") is not False]

    def vary(job: dict[str, Any], number: int) -> None:
        job["id"] = f"00000000-0000-4000-9000-{number:012d}"
        job["jobUrl"] = f"https://jobs.ashbyhq.com/lumenlabs/{job['id']}"
        job["descriptionHtml"] = DESCRIPTION
        job["descriptionPlain"] = "plain text " * 200

    body = {"apiVersion": "1", "jobs": fifty(listed, vary)}
    source = AshbySource(config("ashby", "https://api.ashbyhq.com", board="lumenlabs"))
    return source, json.dumps(body).encode()


def remoteok_page() -> tuple[JsonApiSource, bytes]:
    notice, *jobs = json.loads((FIXTURES / "json-api" / "remoteok.json").read_text())

    def vary(job: dict[str, Any], number: int) -> None:
        job["id"] = str(1150000 + number)
        job["url"] = f"https://remoteOK.com/remote-jobs/remote-job-{job['id']}"
        job["description"] = DESCRIPTION

    source = JsonApiSource(config("json-api", "https://remoteok.com/api", preset="remoteok"))
    return source, json.dumps([notice, *fifty(jobs, vary)]).encode()


def remotive_page() -> tuple[JsonApiSource, bytes]:
    document = json.loads((FIXTURES / "json-api" / "remotive.json").read_text())

    def vary(job: dict[str, Any], number: int) -> None:
        job["id"] = 2050000 + number
        job["url"] = f"https://remotive.com/remote-jobs/software-dev/job-{job['id']}"
        job["description"] = DESCRIPTION

    document["jobs"] = fifty(document["jobs"], vary)
    source = JsonApiSource(config("json-api", "https://remotive.com/api/remote-jobs", preset="remotive"))
    return source, json.dumps(document).encode()


def workable_detail() -> tuple[WorkableSource, bytes, str]:
    job = json.loads((FIXTURES / "workable" / "detail_4F2A91C7D3.json").read_text())
    job["description"] = DESCRIPTION
    source = WorkableSource(config("workable", "https://apply.workable.com", board="northwind-ai"))
    return source, json.dumps(job).encode(), source.detail_url("4F2A91C7D3")


def smartrecruiters_detail() -> tuple[SmartRecruitersSource, bytes, str]:
    posting = json.loads((FIXTURES / "smartrecruiters" / "detail_744000061234567.json").read_text())
    posting["jobAd"]["sections"]["jobDescription"]["text"] = DESCRIPTION
    source = SmartRecruitersSource(config("smartrecruiters", "https://api.smartrecruiters.com", board="LumenRetail"))
    return source, json.dumps(posting).encode(), source.detail_url("744000061234567")


def workday_detail() -> tuple[WorkdaySource, bytes, str]:
    detail = json.loads((FIXTURES / "workday" / "detail_R-104233.json").read_text())
    detail["jobPostingInfo"]["jobDescription"] = DESCRIPTION
    source = WorkdaySource(config("workday", "https://halcyon.wd1.myworkdayjobs.com", board="halcyon/Careers"))
    return (
        source,
        json.dumps(detail).encode(),
        source.detail_url("/job/Seattle-WA/Senior-Data-Scientist--Claims_R-104233"),
    )


def config(kind: str, url: str, **options: Any) -> SourceConfig:
    return SourceConfig(name=f"bench-{kind}", kind=kind, url=url, every_seconds=3600, options=options)


def measure(source: Any, body: bytes, seconds: float, url: str | None = None) -> tuple[float, int]:
    """Pages parsed per second (fully consumed) over at least `seconds`, and postings per page."""
    page = Page(
        url=url or getattr(source, "url", None) or source.config.url,
        status=200,
        headers={"content-type": "application/json"},
        content=body,
        fetched_at=datetime.now(UTC),
    )
    postings = len(list(source.parse(page)))
    runs, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds or runs < 5:
        for _ in source.parse(page):
            pass
        runs += 1
    return runs / elapsed, postings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="time spent on each kind (default 1.0)")
    args = parser.parse_args()
    cases = {
        "greenhouse": greenhouse_page,
        "lever": lever_page,
        "ashby": ashby_page,
        "json-api (remoteok)": remoteok_page,
        "json-api (remotive)": remotive_page,
        "workable (detail)": workable_detail,
        "smartrecruiters (det.)": smartrecruiters_detail,
        "workday (detail)": workday_detail,
    }
    print(f"{'kind':<22}{'KB/page':>9}{'jobs':>6}{'pages/s':>10}{'jobs/s':>10}")
    for name, build in cases.items():
        source, body, *url = build()
        pages_per_second, postings = measure(source, body, args.seconds, *url)
        size = len(body) / 1024
        print(f"{name:<22}{size:>9.0f}{postings:>6}{pages_per_second:>10.1f}{pages_per_second * postings:>10.0f}")


if __name__ == "__main__":
    main()
