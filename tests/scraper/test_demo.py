"""`jobfeed demo` as a new user runs it: one command, offline, and the data changes between rounds."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow  # the whole demo service in a subprocess

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate, seconds: float, what: str, process: subprocess.Popen[str]) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"jobfeed demo exited early ({process.returncode}) while waiting for {what}")
        try:
            if predicate():
                return
        except (httpx.HTTPError, sqlite3.Error):
            pass
        time.sleep(0.5)
    pytest.fail(f"timed out after {seconds:.0f} s waiting for {what}")


@contextmanager
def running_demo(tmp_path: Path, *extra: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`jobfeed demo` on a free port; yields its base URL and process; SIGINT at the end, which must stop it cleanly."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBFEED_")}
    process = subprocess.Popen(
        [*(sys.executable, "-m", "scraper.cli", "demo"), *("--port", str(port), "--dir", str(tmp_path)), *extra],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    api = f"http://127.0.0.1:{port}"
    try:
        yield api, process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
            pytest.fail("jobfeed demo did not stop within 60 s of SIGINT:\n" + output[-3000:])
    assert process.returncode in (0, -signal.SIGINT, 130), output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{api}/healthz", timeout=2)


@pytest.mark.slow
def test_demo_serves_postings_that_change_and_stops_cleanly(tmp_path: Path) -> None:
    with running_demo(tmp_path, "--every", "4s", "--round-seconds", "4") as (api, process):
        wait_for(lambda: httpx.get(f"{api}/api/v1/jobs").json()["items"], 60, "postings in the API", process)
        database = tmp_path / "demo.db"

        def changed() -> bool:
            with sqlite3.connect(database) as connection:
                changes = connection.execute("select count(*) from posting_changes").fetchone()[0]
                closed = connection.execute("select count(*) from postings where closed_at is not null").fetchone()[0]
            return bool(changes and closed)

        wait_for(changed, 90, "a history row and a closed posting from later rounds", process)
        outliers = httpx.get(f"{api}/api/v1/outliers").json()
        assert any(flag["code"] == "salary_implausible" for item in outliers["items"] for flag in item["flags"])


@pytest.mark.slow
def test_demo_shows_a_range_for_every_category_and_weeks_of_history(tmp_path: Path) -> None:
    """The home page draws a salary range for every category with jobs; a category's history spans 26 weeks."""
    with running_demo(tmp_path) as (api, process):

        def every_category_ranged() -> bool:
            home = httpx.get(f"{api}/").text
            rows = home.count('<div class="range-row">')
            return rows >= 19 and home.count('class="chart range-bar"') == rows and 'class="bar few"' not in home

        wait_for(every_category_ranged, 240, "a salary range for every category on the home page", process)
        categories = httpx.get(f"{api}/api/v1/categories").json()
        with_jobs = [c for c in categories if c["open_jobs"]]
        assert len(with_jobs) >= 19 and all(c["salary"]["p50"] for c in with_jobs)
        history = httpx.get(f"{api}/api/v1/salaries/data-engineer/history", params={"bucket": "week"}).json()
        assert len([week for week in history if week["count"]]) >= 26
        page = httpx.get(f"{api}/categories/data-engineer").text
        assert page.count('<circle class="point p50"') >= 26  # one median mark per week
