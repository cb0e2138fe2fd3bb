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
