"""End to end: a local server serves fixture pages of three kinds; `jobfeed scrape --dry-run` prints the records."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # subprocesses against a local server

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "sources"


def sources_file(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        f"""
[[source]]
name = "aijobs"
kind = "featured-html"
url = "{base}/"
every = "2h"
max_pages = 1
allow_private_network = true
min_delay_seconds = 0

[[source]]
name = "quantaforge"
kind = "greenhouse"
url = "{base}/v1/boards/quantaforge/jobs?content=true&pay_transparency=true"
every = "6h"
allow_private_network = true
min_delay_seconds = 0

[[source]]
name = "wwr"
kind = "rss"
url = "{base}/categories/remote-programming-jobs.rss"
every = "1h"
remote = "remote"
allow_private_network = true
min_delay_seconds = 0

[[source]]
name = "gone"
kind = "rss"
url = "{base}/missing.rss"
every = "1h"
allow_private_network = true
min_delay_seconds = 0
""",
        encoding="utf-8",
    )
    return path


def scrape(tmp_path: Path, *names: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBFEED_")}
    return subprocess.run(
        [sys.executable, "-m", "scraper.cli", "scrape", *names, "--dry-run"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_dry_run_prints_one_record_per_line_and_stores_nothing(tmp_path: Path, fixture_server: Any) -> None:
    fixture_server.serve(
        "/", "text/html; charset=utf-8", (FIXTURES / "featured_html" / "listing_fragment.html").read_bytes()
    )
    fixture_server.serve(
        "/v1/boards/quantaforge/jobs", "application/json", (FIXTURES / "greenhouse" / "board.json").read_bytes()
    )
    fixture_server.serve(
        "/categories/remote-programming-jobs.rss", "application/rss+xml", (FIXTURES / "rss" / "wwr.xml").read_bytes()
    )
    sources_file(tmp_path, fixture_server.url)

    result = scrape(tmp_path, "aijobs", "quantaforge", "wwr")

    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    by_title = {(r["source"], r["title"]): r for r in records}
    assert {source for source, _ in by_title} == {"aijobs", "quantaforge", "wwr"}
    assert all(r["id"] is None and r["first_seen"] is None for r in records)
    assert not (tmp_path / "jobfeed.db").exists()

    staff = by_title[("aijobs", "Staff LLM Inference Engineer")]
    assert staff["featured"] is True
    assert staff["external_id"] == "310245"
    assert staff["url"] == f"{fixture_server.url}/job/staff-llm-inference-engineer-remote-us-310245/"
    assert staff["category"] == "ai-engineer"
    assert staff["tags"] == ["CUDA", "PyTorch", "vLLM"]
    assert staff["seniority"] == "senior"
    assert staff["employment_types"] == ["full-time"]
    assert (staff["location"]["remote"], staff["location"]["countries"]) == ("remote", ["US"])
    assert staff["salary"]["raw"] == "USD 190K-260K"
    assert (staff["salary"]["annual_usd_min"], staff["salary"]["annual_usd_max"]) == (190000, 260000)

    hourly = by_title[("quantaforge", "Annotation Specialist (Contract)")]
    assert (hourly["salary"]["min"], hourly["salary"]["max"], hourly["salary"]["period"]) == (38, 45.5, "hour")
    assert (hourly["salary"]["annual_usd_min"], hourly["salary"]["annual_usd_max"]) == (38 * 2080, 45.5 * 2080)

    ranking = by_title[("quantaforge", "Senior Machine Learning Engineer, Ranking")]
    assert ranking["category"] == "machine-learning-engineer"
    assert ranking["location"]["countries"] == ["US"]

    # the feed's Brightloom item expired on 2026-10-21 (its <expires_at>): rejected as expired, not offered
    assert [title for source, title in by_title if source == "wwr"] == ["Support Specialist: Tier 2"]
    support = by_title[("wwr", "Support Specialist: Tier 2")]
    assert support["company"] == "Cask & Co"
    assert support["location"]["remote"] == "remote"

    # the summary goes to stderr, never mixed into the JSON lines; the expired item is counted as rejected
    assert "aijobs: succeeded" in result.stderr
    [wwr_summary] = [line for line in result.stderr.splitlines() if "wwr: succeeded" in line]
    assert "postings=1 " in wwr_summary and "rejected=1 " in wwr_summary
    assert "3 source(s) run, 0 failed" in result.stderr


def test_a_failed_source_exits_1_and_says_why(tmp_path: Path, fixture_server: Any) -> None:
    sources_file(tmp_path, fixture_server.url)
    result = scrape(tmp_path, "gone")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "gone: failed" in result.stderr
    assert "404" in result.stderr
