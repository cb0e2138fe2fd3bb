"""Start-up faults as a user meets them, each one line and exit 2 (or a quiet exit for a closed pipe):
an unsupported database URL, a read-only SQLite file, a port in use, no database for `jobfeed api`,
`scrape --dry-run | head`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faultserver import FaultServer, answer

pytestmark = pytest.mark.slow  # the CLI as a user runs it, in subprocesses
ROOT = Path(__file__).resolve().parents[2]
BOARD = json.loads((ROOT / "tests" / "fixtures" / "sources" / "greenhouse" / "board.json").read_bytes())


def jobfeed(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JOBFEED_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "scraper.cli", *args],
        cwd=cwd,
        env={**environment, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one error line (progress logged before it, "database ... is up to date", may precede it)."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("jobfeed:")]
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(lines) == 1 and result.stderr.rstrip().endswith(lines[0]), result.stderr
    return lines[0]


@pytest.mark.parametrize("command", [("db", "upgrade"), ("api", "--port", "0"), ("scrape",)])
def test_an_unsupported_database_url_is_one_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    result = jobfeed(*command, cwd=tmp_path, env={"JOBFEED_DATABASE_URL": "mysql://u:p@db.example/jobs"})

    assert "mysql://u:p@db.example/jobs" in one_line(result) and "not supported" in result.stderr


def test_a_read_only_sqlite_file_is_one_line_for_jobfeed_run(tmp_path: Path) -> None:
    assert jobfeed("db", "upgrade", cwd=tmp_path).returncode == 0
    read_only = f"sqlite:///file:{tmp_path / 'jobfeed.db'}?mode=ro&uri=true"

    line = one_line(jobfeed("run", "--port", "0", cwd=tmp_path, env={"JOBFEED_DATABASE_URL": read_only}))

    assert "readonly database" in line


def test_a_port_in_use_is_one_line_before_any_work(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for command in ("run", "api", "demo"):
            line = one_line(jobfeed(command, "--port", str(port), cwd=tmp_path))
            assert f"port {port} on 127.0.0.1 is already in use" in line
    assert list(tmp_path.iterdir()) == []  # checked before migrating or creating anything


def test_jobfeed_api_without_a_database_does_not_create_one(tmp_path: Path) -> None:
    line = one_line(jobfeed("api", "--port", "0", cwd=tmp_path))

    assert "no database at jobfeed.db" in line and "jobfeed db upgrade" in line
    assert not (tmp_path / "jobfeed.db").exists()
    assert jobfeed("sources", cwd=tmp_path).returncode == 0
    assert not (tmp_path / "jobfeed.db").exists()


def test_scrape_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    job = BOARD["jobs"][0]
    jobs = [{**job, "id": 9_000_000 + n, "title": f"{job['title']} {n}"} for n in range(400)]
    board = json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}).encode()
    with FaultServer({"/jobs": answer(board, headers={"Content-Type": "application/json"})}) as server:
        (tmp_path / "sources.toml").write_text(
            f'[[source]]\nname = "big"\nkind = "greenhouse"\nurl = "{server.url("/jobs")}"\n'
            "allow_private_network = true\nobey_robots = false\nmin_delay_seconds = 0\n",
            encoding="utf-8",
        )
        environment = {k: v for k, v in os.environ.items() if not k.startswith("JOBFEED_")}
        with subprocess.Popen(
            [sys.executable, "-m", "scraper.cli", "scrape", "--dry-run", "big"],
            cwd=tmp_path,
            env={**environment, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as process:
            assert process.stdout is not None and process.stderr is not None
            first = process.stdout.readline()  # `| head -n 1`: read one record, then leave
            process.stdout.close()
            stderr = process.stderr.read()
            process.wait(timeout=60)

    assert json.loads(first)["source"] == "big"
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert process.returncode == 1
