"""End to end: the list-then-detail ATS kinds served from loopback in their real shapes; `jobfeed scrape --dry-run`
prints their postings and leaves out what each format marks as not public.
"""

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
COMMON = 'every = "6h"\nallow_private_network = true\nmin_delay_seconds = 0\n'


def scrape(tmp_path: Path, sources: str, *names: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "sources.toml").write_text(sources, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBFEED_")}
    return subprocess.run(
        [sys.executable, "-m", "scraper.cli", "scrape", *names, "--dry-run"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def records_of(result: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    assert result.returncode == 0, result.stderr
    return {record["title"]: record for record in map(json.loads, result.stdout.splitlines())}


def test_workable(tmp_path: Path, fixture_server: Any) -> None:
    folder = FIXTURES / "workable"
    first_page = json.loads((folder / "jobs.json").read_text())
    del first_page["nextPage"]  # one page here; paging is tested with respx
    fixture_server.serve("/api/v3/accounts/northwind-ai/jobs", "application/json", json.dumps(first_page))
    fixture_server.serve("/api/v1/accounts/northwind-ai", "application/json", (folder / "account.json").read_bytes())
    for shortcode in ("4F2A91C7D3", "B81E0C55A2"):
        fixture_server.serve(
            f"/api/v2/accounts/northwind-ai/jobs/{shortcode}",
            "application/json",
            (folder / f"detail_{shortcode}.json").read_bytes(),
        )
    sources = f'[[source]]\nname = "northwind"\nkind = "workable"\nurl = "{fixture_server.url}"\n'
    sources += 'board = "northwind-ai"\n'

    records = records_of(scrape(tmp_path, sources + COMMON, "northwind"))

    assert sorted(records) == ["Data Annotation Lead (Contract)", "Senior Machine Learning Engineer"]
    ml = records["Senior Machine Learning Engineer"]
    assert (ml["company"], ml["external_id"]) == ("Northwind AI", "4F2A91C7D3")
    assert ml["url"] == f"{fixture_server.url}/northwind-ai/j/4F2A91C7D3/"
    assert (ml["location"]["remote"], ml["location"]["countries"]) == ("hybrid", ["GR"])
    assert records["Data Annotation Lead (Contract)"]["location"]["remote"] == "remote"
    assert json.loads(fixture_server.bodies[0])["query"] == ""
    assert "/api/v2/accounts/northwind-ai/jobs/9D0C7A1E44" not in fixture_server.requests  # the internal job


def test_smartrecruiters(tmp_path: Path, fixture_server: Any) -> None:
    folder = FIXTURES / "smartrecruiters"
    prefix = "/v1/companies/LumenRetail/postings"
    fixture_server.serve(prefix, "application/json", (folder / "postings.json").read_bytes())
    for posting_id in ("744000061234567", "744000061240112", "744000061199801"):
        fixture_server.serve(
            f"{prefix}/{posting_id}", "application/json", (folder / f"detail_{posting_id}.json").read_bytes()
        )
    sources = f'[[source]]\nname = "lumen"\nkind = "smartrecruiters"\nurl = "{fixture_server.url}/"\n'
    sources += 'board = "LumenRetail"\n'

    records = records_of(scrape(tmp_path, sources + COMMON, "lumen"))

    # the third listed posting's detail says active: false
    assert sorted(records) == ["Machine Learning Engineer - Recommendations", "Search Relevance Contractor"]
    ml = records["Machine Learning Engineer - Recommendations"]
    assert (ml["company"], ml["external_id"]) == ("Lumen Retail Group", "744000061234567")
    assert (ml["location"]["remote"], ml["location"]["countries"]) == ("hybrid", ["PT"])
    assert ml["employment_types"] == ["full-time"]
    contractor = records["Search Relevance Contractor"]
    assert (contractor["location"]["remote"], contractor["location"]["countries"]) == ("remote", ["US"])
    assert f"{prefix}?offset=0&limit=100" in fixture_server.requests


def test_workday(tmp_path: Path, fixture_server: Any) -> None:
    folder = FIXTURES / "workday"
    cxs = "/wday/cxs/halcyon/Careers"
    first_page = json.loads((folder / "jobs.json").read_text()) | {"total": 3}  # one page here
    fixture_server.serve(f"{cxs}/jobs", "application/json", json.dumps(first_page))
    for req, path in (
        ("R-104233", "/job/Seattle-WA/Senior-Data-Scientist--Claims_R-104233"),
        ("R-104301", "/job/Remote-USA/Clinical-NLP-Annotator_R-104301"),
        ("R-103990", "/job/Seattle-WA/Director--Data-Platform_R-103990"),
    ):
        fixture_server.serve(cxs + path, "application/json", (folder / f"detail_{req}.json").read_bytes())
    sources = f'[[source]]\nname = "halcyon"\nkind = "workday"\nurl = "{fixture_server.url}"\n'
    sources += 'board = "halcyon/Careers"\n'

    records = records_of(scrape(tmp_path, sources + COMMON, "halcyon"))

    # the third job's detail says posted: false
    assert sorted(records) == ["Clinical NLP Annotator", "Senior Data Scientist, Claims"]
    scientist = records["Senior Data Scientist, Claims"]
    assert (scientist["company"], scientist["external_id"]) == ("Halcyon Health", "R-104233")
    assert (scientist["location"]["remote"], scientist["location"]["countries"]) == ("hybrid", ["US"])
    assert scientist["employment_types"] == ["full-time"]
    assert records["Clinical NLP Annotator"]["employment_types"] == ["part-time"]
    assert json.loads(fixture_server.bodies[0]) == {"appliedFacets": {}, "limit": 20, "offset": 0, "searchText": ""}
