"""Scheduling at scale: N simulated Greenhouse boards on loopback, real `jobfeed schedule` and `jobfeed worker`
processes on a fresh PostgreSQL database for a fixed window, then what happened to every slot.

Half the boards share one host (127.0.0.1, like boards-api.greenhouse.io); the other half spread over 50 hosts
(127.0.0.2-51). Each board answers a small real-format board (tests/fixtures/sources/greenhouse/board.json) with
an ETag, so later runs are conditional GETs answered 304. Prints: slots expected / run exactly once /
duplicates / missed, overlapping runs of one source, start lag p50/p95 (slots that fell inside the window, not
the catch-up at start), per-host max in flight and minimum gap between request starts (seen by the server),
CPU % of one core and peak RSS of all jobfeed processes together.

  .venv/bin/python bench/schedule.py                       # 2,000 boards, every 2m, a 6-minute window
  .venv/bin/python bench/schedule.py --boards 200 --window 150 --every 1m   # the short variant
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scraper.scheduling.slots import slot_at, slot_offset  # noqa: E402

BOARD = (ROOT / "tests/fixtures/sources/greenhouse/board.json").read_bytes()
ETAG = '"bench-board-1"'
SHARED_HOST = "127.0.0.1"
SPREAD_HOSTS = [f"127.0.0.{n}" for n in range(2, 52)]
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Boards:
    """One threaded HTTP server per loopback address; notes each request's host, start and concurrency."""

    def __init__(self, latency: float) -> None:
        self.starts: dict[str, list[float]] = defaultdict(list)
        self.in_flight: dict[str, int] = defaultdict(int)
        self.peak: dict[str, int] = defaultdict(int)
        self.statuses: dict[int, int] = defaultdict(int)
        self.lock = threading.Lock()
        self.servers: list[ThreadingHTTPServer] = []
        boards = self
        first = self._server(SHARED_HOST, 0, latency)
        self.port = first.server_address[1]
        for host in SPREAD_HOSTS:
            self._server(host, self.port, latency)
        del boards

    def _server(self, host: str, port: int, latency: float) -> ThreadingHTTPServer:
        boards = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with boards.lock:
                    boards.starts[host].append(time.monotonic())
                    boards.in_flight[host] += 1
                    boards.peak[host] = max(boards.peak[host], boards.in_flight[host])
                try:
                    time.sleep(latency)
                    if self.path.startswith("/robots.txt"):
                        status, body, headers = 404, b"", {}
                    elif self.headers.get("If-None-Match") == ETAG:
                        status, body, headers = 304, b"", {"ETag": ETAG}
                    else:
                        status, body, headers = 200, BOARD, {"ETag": ETAG, "Content-Type": "application/json"}
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                finally:
                    with boards.lock:
                        boards.in_flight[host] -= 1
                        boards.statuses[status] += 1

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer((host, port), Handler)
        server.daemon_threads = True
        server.request_queue_size = 256
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.servers.append(server)
        return server

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def sources_toml(n: int, port: int, every: str, shared_delay: float, spread_delay: float) -> tuple[str, list[str]]:
    lines, names = [], []
    for i in range(n):
        name = f"board-{i:05d}"
        host = SHARED_HOST if i < n // 2 else SPREAD_HOSTS[i % len(SPREAD_HOSTS)]
        delay = shared_delay if host == SHARED_HOST else spread_delay
        names.append(name)
        lines += [
            "[[source]]",
            f'name = "{name}"',
            'kind = "greenhouse"',
            f'url = "http://{host}:{port}"',
            f'board = "{name}"',
            f'every = "{every}"',
            "allow_private_network = true",
            f"min_delay_seconds = {delay}",
            "",
        ]
    return "\n".join(lines), names


def seconds_of(every: str) -> int:
    match = re.fullmatch(r"(\d+)([smhd])", every)
    if not match:
        raise SystemExit(f"--every {every!r}: use 90s, 2m, 1h")
    return int(match.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]


def cpu_and_rss(pid: int) -> tuple[int, int] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        rss = next(
            int(line.split()[1])
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if line.startswith("VmRSS")
        )
    except (OSError, StopIteration, IndexError):
        return None
    return int(stat[11]) + int(stat[12]), rss * 1024


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--boards", type=int, default=2000)
    parser.add_argument("--every", default="2m", help="each board's interval (default 2m)")
    parser.add_argument("--window", type=float, default=360, help="seconds the schedulers run (default 360)")
    parser.add_argument("--schedulers", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16, help="runs at once per worker (default 16)")
    parser.add_argument("--latency", type=float, default=0.005, help="each board answer's delay (default 5 ms)")
    parser.add_argument("--shared-delay", type=float, default=0.02, help="min gap on the shared host (s)")
    parser.add_argument("--spread-delay", type=float, default=1.0, help="min gap on the other hosts (s)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("JOBFEED_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    )
    args = parser.parse_args()
    every = seconds_of(args.every)

    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    name = f"jobfeed_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    workdir = Path(tempfile.mkdtemp(prefix="jobfeed-bench-schedule-"))
    boards = Boards(args.latency)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        toml, names = sources_toml(args.boards, boards.port, args.every, args.shared_delay, args.spread_delay)
        (workdir / "sources.toml").write_text(toml)
        env = {**os.environ, "JOBFEED_DATABASE_URL": url, "JOBFEED_SOURCES": str(workdir / "sources.toml")}
        jobfeed = [sys.executable, "-m", "scraper.cli"]
        subprocess.run([*jobfeed, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)

        def start(role: str, n: int, *extra: str) -> None:
            log = (workdir / f"{role}-{n}.log").open("wb")
            processes.append(subprocess.Popen([*jobfeed, role, *extra], env=env, cwd=ROOT, stdout=log, stderr=log))

        for n in range(args.workers):
            start("worker", n, "--concurrency", str(args.concurrency))
        for n in range(args.schedulers):
            start("schedule", n)
        engine = create_engine(url)

        def claimed() -> int:
            with engine.connect() as connection:
                return int(connection.execute(text("SELECT count(*) FROM scrape_runs")).scalar_one())

        while not claimed():  # slots before the schedule process was up are not its to run
            time.sleep(0.2)
        t0 = datetime.now(UTC)
        began = time.monotonic()
        print(
            f"{args.boards} boards every {args.every} ({args.boards // 2} on {SHARED_HOST}, the rest over "
            f"{len(SPREAD_HOSTS)} hosts), {args.schedulers} schedule + {args.workers} worker processes "
            f"(--concurrency {args.concurrency}), window {args.window:.0f} s; logs in {workdir}",
            flush=True,
        )
        first_cpu: dict[int, int] = {}
        last_cpu: dict[int, int] = {}
        peak_rss = 0
        while time.monotonic() - began < args.window:
            total_rss = 0
            for process in processes:
                sample = cpu_and_rss(process.pid)
                if sample is None:
                    continue
                first_cpu.setdefault(process.pid, sample[0])
                last_cpu[process.pid] = sample[0]
                total_rss += sample[1]
            peak_rss = max(peak_rss, total_rss)
            time.sleep(0.5)
        elapsed = time.monotonic() - began
        t_stop = datetime.now(UTC)
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(120)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        cpu_ticks = sum(last_cpu[pid] - first_cpu[pid] for pid in last_cpu)

        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT source, scheduled_for, status, started_at, finished_at FROM scrape_runs")
            ).all()
        engine.dispose()
        recorded: dict[tuple[str, datetime], list[tuple[str, datetime, datetime | None]]] = defaultdict(list)
        for source, slot, status, started, finished in rows:
            if slot is not None:
                recorded[(source, slot)].append((status, started, finished))
        expected: list[tuple[str, datetime]] = []
        for board in names:
            offset = slot_offset(board, every)
            slot, last = slot_at(t0, every, offset), slot_at(t_stop - timedelta(seconds=5), every, offset)
            while slot <= last:
                expected.append((board, slot))
                slot += timedelta(seconds=every)
        executed = {"succeeded", "partial", "failed", "abandoned"}
        once = sum(1 for key in expected if sum(r[0] in executed for r in recorded.get(key, [])) == 1)
        duplicates = sum(1 for key in expected if sum(r[0] in executed for r in recorded.get(key, [])) > 1)
        missed = sum(1 for key in expected if any(r[0] == "missed" for r in recorded.get(key, [])))
        lost = sum(1 for key in expected if key not in recorded)
        unfinished = sum(1 for key in expected if any(r[0] in ("running", "queued") for r in recorded.get(key, [])))
        failed = sum(1 for key in expected if any(r[0] in ("failed", "abandoned") for r in recorded.get(key, [])))
        lags = [
            (started - slot).total_seconds()
            for (source, slot), found in recorded.items()
            if slot >= t0
            for status, started, _ in found
            if status in executed
        ]
        by_source: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
        for source, _, status, started, finished in rows:
            if status in executed and finished is not None:
                by_source[source].append((started, finished))
        overlaps = sum(
            1
            for spans in by_source.values()
            for a, b in zip(sorted(spans), sorted(spans)[1:], strict=False)
            if b[0] < a[1]
        )
        gaps = {
            host: [b - a for a, b in zip(sorted(s), sorted(s)[1:], strict=False)] for host, s in boards.starts.items()
        }
        min_gap = {host: min(g, default=float("nan")) for host, g in gaps.items()}
        spread_peak = max((boards.peak[h] for h in SPREAD_HOSTS), default=0)
        spread_gap = min((min_gap[h] for h in SPREAD_HOSTS if h in min_gap), default=float("nan"))
        result = {
            "slots_expected": len(expected),
            "run_exactly_once": once,
            "run_exactly_once_pct": round(100 * once / max(1, len(expected)), 2),
            "duplicates": duplicates,
            "missed": missed,
            "lost_no_row": lost,
            "still_running_or_queued_at_stop": unfinished,
            "failed_or_abandoned": failed,
            "overlapping_runs_of_one_source": overlaps,
            "start_lag_p50_s": round(percentile(lags, 0.5), 2),
            "start_lag_p95_s": round(percentile(lags, 0.95), 2),
            "shared_host_max_in_flight": boards.peak[SHARED_HOST],
            "shared_host_min_gap_s": round(min_gap.get(SHARED_HOST, float("nan")), 4),
            "shared_host_gap_p05_p50_s": (
                round(percentile(gaps.get(SHARED_HOST, []), 0.05), 4),
                round(percentile(gaps.get(SHARED_HOST, []), 0.5), 4),
            ),
            "shared_host_requests": len(boards.starts[SHARED_HOST]),
            "configured_gap_shared_other_s": (args.shared_delay, args.spread_delay),
            "other_hosts_max_in_flight": spread_peak,
            "other_hosts_min_gap_s": round(spread_gap, 4),
            "http_statuses": dict(sorted(boards.statuses.items())),
            "cpu_pct_of_one_core": round(100 * cpu_ticks / CLK_TCK / elapsed, 1),
            "peak_rss_mb_all_processes": round(peak_rss / 1e6, 1),
        }
        for key, value in result.items():
            print(f"{key:34} {value}")
        print(json.dumps(result))
        _ = statistics  # medians of repeated runs are the reader's: run the script again and compare
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        boards.close()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
