"""`jobfeed fetch`: one request through the real Fetcher to a real local server; --record keeps body and provenance."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from scraper.cli import main

BOARD = b'{"jobs": [{"id": 1, "title": "Data Engineer"}], "meta": {"total": 1}}'


def test_record_writes_the_body_and_where_it_came_from(tmp_path: Path, fixture_server: Any) -> None:
    fixture_server.serve("/v1/boards/acme/jobs", "application/json", BOARD)
    target = tmp_path / "fixtures" / "greenhouse" / "board.json"
    url = f"{fixture_server.url}/v1/boards/acme/jobs"

    assert main(["fetch", url, "--record", str(target), "--allow-private-network"]) == 0

    assert target.read_bytes() == BOARD
    meta = json.loads(target.with_name("board.json.source.json").read_text())
    assert meta["url"] == url
    assert meta["status"] == 200
    assert meta["content_type"] == "application/json"
    assert meta["sha256"] == hashlib.sha256(BOARD).hexdigest()
    assert meta["recorded_by"] == "jobfeed fetch --record"
    # polite by default: robots.txt was asked before the page
    assert fixture_server.requests[0] == "/robots.txt"


def test_without_record_the_body_goes_to_stdout(
    fixture_server: Any, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    fixture_server.serve("/feed.xml", "application/rss+xml", b"<rss/>")

    assert main(["fetch", f"{fixture_server.url}/feed.xml", "--allow-private-network", "--ignore-robots"]) == 0

    out, err = capsysbinary.readouterr()
    assert out == b"<rss/>"
    assert b"200 application/rss+xml 6 bytes" in err


def test_a_failed_fetch_is_one_line_and_exit_1(
    tmp_path: Path, fixture_server: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing.json"

    code = main(["fetch", f"{fixture_server.url}/nope", "--record", str(target), "--allow-private-network"])

    assert code == 1
    assert not target.exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "HTTPStatusError" in err[0] and "/nope" in err[0]


def test_private_addresses_are_refused_unless_allowed(tmp_path: Path, fixture_server: Any) -> None:
    fixture_server.serve("/x.json", "application/json", b"{}")

    assert main(["fetch", f"{fixture_server.url}/x.json", "--record", str(tmp_path / "x.json")]) == 1
    assert fixture_server.requests == []


def test_a_bad_json_body_is_a_usage_error(fixture_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fetch", f"{fixture_server.url}/jobs", "--json", "{not json"]) == 2
    assert "--json is not JSON" in capsys.readouterr().err
