"""End to end: the newer ATS kinds served in their real shape from loopback; `jobfeed scrape --dry-run` prints them."""

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


def sources_file(tmp_path: Path, base: str) -> None:
    entries = [
        ("orbital", "recruitee", "orbital"),
        ("kiefer", "personio", "kiefer-analytics"),
        ("luma", "bamboohr", "lumalytics"),
    ]
    text = "".join(
        f"""
[[source]]
name = "{name}"
kind = "{kind}"
url = "{base}"
board = "{board}"
every = "6h"
allow_private_network = true
obey_robots = false
min_delay_seconds = 0
"""
        for name, kind, board in entries
    )
    (tmp_path / "sources.toml").write_text(text, encoding="utf-8")


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


def records(result: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    assert result.returncode == 0, result.stderr
    return {record["title"]: record for record in map(json.loads, result.stdout.splitlines())}


def test_recruitee_dry_run(tmp_path: Path, fixture_server: Any) -> None:
    fixture_server.serve("/api/offers/", "application/json", (FIXTURES / "recruitee" / "offers.json").read_bytes())
    sources_file(tmp_path, fixture_server.url)

    found = records(scrape(tmp_path, "orbital"))

    assert set(found) == {"Machine Learning Engineer, Perception", "Senior Data Engineer", "Warehouse Robotics Intern"}
    ml = found["Machine Learning Engineer, Perception"]
    assert ml["company"] == "Orbital Robotics B.V."
    assert ml["location"]["remote"] == "hybrid"
    assert ml["employment_types"] == ["full-time"]
    assert (ml["salary"]["min"], ml["salary"]["max"], ml["salary"]["currency"], ml["salary"]["period"]) == (
        65000,
        85000,
        "EUR",
        "year",
    )
    intern = found["Warehouse Robotics Intern"]
    assert (intern["salary"]["currency"], intern["salary"]["period"]) == ("GBP", "hour")
    assert intern["location"]["remote"] == "onsite"
    assert fixture_server.requests == ["/api/offers/"]


def test_personio_dry_run(tmp_path: Path, fixture_server: Any) -> None:
    fixture_server.serve("/xml", "text/xml; charset=UTF-8", (FIXTURES / "personio" / "feed.xml").read_bytes())
    sources_file(tmp_path, fixture_server.url)

    found = records(scrape(tmp_path, "kiefer"))

    assert len(found) == 3
    ml = found["Senior Machine Learning Engineer"]  # "(m/w/d)" is cleaned off the title
    assert ml["company"] == "Kiefer Analytics GmbH"
    assert ml["url"] == f"{fixture_server.url}/job/1843207"
    assert ml["employment_types"] == ["full-time"]
    assert ml["seniority"] == "senior"
    assert ml["location"]["countries"] == ["DE"]
    assert found["Praktikum Performance Marketing"]["company"] == "Kiefer Analytics"
    assert fixture_server.requests == ["/xml"]


def test_bamboohr_dry_run(tmp_path: Path, fixture_server: Any) -> None:
    fixtures = FIXTURES / "bamboohr"
    fixture_server.serve("/careers/list", "application/json", (fixtures / "list.json").read_bytes())
    for ident in ("101", "102", "103"):  # 103 is closed; 104 is listed but answers 404
        fixture_server.serve(
            f"/careers/{ident}/detail", "application/json", (fixtures / f"detail_{ident}.json").read_bytes()
        )
    sources_file(tmp_path, fixture_server.url)

    result = scrape(tmp_path, "luma")
    found = records(result)

    assert set(found) == {"Senior Data Scientist", "Machine Learning Engineer"}  # "(Remote, Canada)" is cleaned off
    scientist = found["Senior Data Scientist"]
    assert scientist["company"] == "Lumalytics"
    assert scientist["employment_types"] == ["full-time"]
    assert (scientist["salary"]["min"], scientist["salary"]["max"], scientist["salary"]["currency"]) == (
        140000,
        165000,
        "USD",
    )
    assert scientist["salary"]["period"] == "year"
    ml = found["Machine Learning Engineer"]
    assert (ml["location"]["remote"], ml["location"]["countries"]) == ("remote", ["CA"])
    assert ml["url"] == f"{fixture_server.url}/careers/102"
    assert "luma: succeeded" in result.stderr
