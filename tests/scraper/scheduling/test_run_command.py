"""`jobfeed run` on the SQLite default: one process serves the API, claims clock-aligned slots and runs them itself."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from scraper.demo import DemoBoard, demo_sources_toml
from scraper.scheduling.slots import slot_offset

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_jobfeed_run_executes_slots_in_process_on_sqlite(tmp_path: Path) -> None:
    with DemoBoard(round_seconds=30) as board:
        (tmp_path / "sources.toml").write_text(demo_sources_toml(board.url, every="1m"), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("JOBFEED_")}
        process = subprocess.Popen(
            [sys.executable, "-m", "scraper.cli", "run", "--port", str(free_port())],
            cwd=tmp_path,
            env={**env, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        database = tmp_path / "jobfeed.db"

        def finished() -> list[tuple[str, str, str]]:
            try:
                with sqlite3.connect(database) as connection:
                    return connection.execute(
                        "SELECT source, scheduled_for, status FROM scrape_runs WHERE status != 'running'"
                    ).fetchall()
            except sqlite3.Error:
                return []

        def succeeded() -> bool:
            return any(status == "succeeded" for _, _, status in finished())

        try:
            # polled with a generous bound: on a loaded machine the first runs take seconds, not milliseconds
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and process.poll() is None and not succeeded():
                time.sleep(0.5)
            done = finished()
        finally:
            process.send_signal(signal.SIGINT)
            try:
                output, _ = process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                output, _ = process.communicate()
    assert done, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert any(status == "succeeded" for _, _, status in done), output[-3000:]
    for source, scheduled_for, status in done:
        # a slot that came due while the source's catch-up run was still going is recorded missed, never doubled
        assert status in ("succeeded", "missed"), (source, status, output[-3000:])
        slot = datetime.fromisoformat(scheduled_for)
        assert (int(slot.timestamp()) - slot_offset(source, 60)) % 60 == 0
