"""Scheduling at scale: N simulated Greenhouse boards on loopback, real `jobfeed schedule` and `jobfeed worker`
processes on a fresh PostgreSQL database for a fixed window, then what happened to every slot.

Half the boards share one host (127.0.0.1, like boards-api.greenhouse.io); the other half spread over 50 hosts
(127.0.0.2-51). Each board answers a small real-format board (tests/fixtures/sources/greenhouse/board.json) with
an ETag, so later runs are conditional GETs answered 304. Prints: slots expected / run exactly once /
duplicates / missed / no row, overlapping runs of one source, start lag p50/p95 and the part of it the hosts'
politeness imposes (each host's runs replayed through its minimum gap, in slot order: the lag no scheduler could
avoid), per-host max in flight and minimum gap between request starts (seen by the server), CPU % of one core
and peak RSS of all jobfeed processes together and per role, the CPU of the database's PostgreSQL backends
(reported apart), and the load average before and after.

By default the database starts warm: every board's current slot is recorded as run before the processes start,
so the window measures the steady state and its expected slots are the ones that fall inside it (with
`every = 1h`, a 20-minute window holds a third of the boards' slots: they are spread by their stable offsets).
`--cold` starts empty instead: every board's current slot is then a catch-up run due at once.

  .venv/bin/python bench/schedule.py --every 1h --window 1200              # the issue's figure, a third of the hour
  .venv/bin/python bench/schedule.py --boards 200 --every 1m --window 300 --shared-delay 0.2  # short interval
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
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
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        self.servers.append(server)
        return server

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def sources_toml(
    n: int, port: int, every: str, shared_delay: float, spread_delay: float
) -> tuple[str, list[str], list[str]]:
    lines, names, hosts = [], [], []
    for i in range(n):
        name = f"board-{i:05d}"
        host = SHARED_HOST if i < n // 2 else SPREAD_HOSTS[i % len(SPREAD_HOSTS)]
        delay = shared_delay if host == SHARED_HOST else spread_delay
        names.append(name)
        hosts.append(host)
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
    return "\n".join(lines), names, hosts


def seconds_of(every: str) -> int:
    match = re.fullmatch(r"(\d+)([smhd])", every)
    if not match:
        raise SystemExit(f"--every {every!r}: use 90s, 2m, 1h")
    return int(match.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]


def pss(pid: int) -> int:
    """Proportional set size: shared pages (libpython, libpq, the wheels' .so files) split between the processes
    mapping them, so a sum over processes counts them once (a sum of RSS counts them once per process)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


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


def postgres_backends(engine: object, database: str) -> list[int]:
    """The pids of the PostgreSQL backends serving the bench database (their CPU is reported apart)."""
    with engine.connect() as connection:  # type: ignore[attr-defined]
        query = text("SELECT pid FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()")
        return [int(pid) for pid in connection.execute(query, {"name": database}).scalars()]


def politeness_lag(slots: list[datetime], service_seconds: float) -> list[float]:
    """Each run's start lag imposed by its host alone: runs replayed in slot order through one host that starts a
    run no sooner than `service_seconds` (its gap times the requests a run makes) after the previous one."""
    imposed, free_at = [], None
    for slot in sorted(slots):
        start = slot if free_at is None or free_at <= slot else free_at
        imposed.append((start - slot).total_seconds())
        free_at = start + timedelta(seconds=service_seconds)
    return imposed


def warm_start(url: str, sources_path: Path, every: int) -> None:
    """Record every board's current slot as run, so the window measures the steady state, not a catch-up."""
    from scraper.config import load_sources
    from scraper.sources import REGISTRY
    from scraper.storage.runs import sync_sources

    engine = create_engine(url)
    configs = load_sources(sources_path, REGISTRY)
    sync_sources(engine, configs)
    now = datetime.now(UTC)
    rows = [
        {"source": config.name, "slot": slot_at(now, every, slot_offset(config.name, every)), "now": now}
        for config in configs
    ]
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO scrape_runs (source, trigger, scheduled_for, started_at, finished_at, status, details, "
                "http) VALUES (:source, 'schedule', :slot, :slot, :slot, 'succeeded', '{}', '{}')"
            ),
            rows,
        )
    engine.dispose()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--boards", type=int, default=2000)
    parser.add_argument("--every", default="1h", help="each board's interval (default 1h)")
    parser.add_argument("--window", type=float, default=1200, help="seconds the schedulers run (default 1200)")
    parser.add_argument("--schedulers", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--cold", action="store_true", help="start with no recorded slot (a catch-up burst)")
    parser.add_argument("--concurrency", type=int, default=8, help="runs at once per worker (default 8)")
    parser.add_argument("--latency", type=float, default=0.005, help="each board answer's delay (default 5 ms)")
    parser.add_argument("--shared-delay", type=float, default=1.0, help="min gap on the shared host (s)")
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
        toml, names, hosts = sources_toml(args.boards, boards.port, args.every, args.shared_delay, args.spread_delay)
        (workdir / "sources.toml").write_text(toml)
        env = {**os.environ, "JOBFEED_DATABASE_URL": url, "JOBFEED_SOURCES": str(workdir / "sources.toml")}
        jobfeed = [sys.executable, "-m", "scraper.cli"]
        subprocess.run([*jobfeed, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
        if not args.cold:
            warm_start(url, workdir / "sources.toml", every)
        load_before = os.getloadavg()
        roles: dict[int, str] = {}

        def start(role: str, n: int, *extra: str) -> None:
            log = (workdir / f"{role}-{n}.log").open("wb")
            processes.append(subprocess.Popen([*jobfeed, role, *extra], env=env, cwd=ROOT, stdout=log, stderr=log))
            roles[processes[-1].pid] = role

        for n in range(args.workers):
            start("worker", n, "--concurrency", str(args.concurrency))
        for n in range(args.schedulers):
            start("schedule", n)
        engine = create_engine(url)

        def ready() -> bool:
            with engine.connect() as connection:
                workers = connection.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one()
                runs = connection.execute(text("SELECT count(*) FROM scrape_runs")).scalar_one()
            return int(workers) >= args.workers and (int(runs) > 0 if args.cold else True)

        while not ready():  # slots before the processes were up are not theirs to run
            time.sleep(0.2)
        if not args.cold:
            time.sleep(2.0)  # the schedule process has read the recorded slots
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
        peak_rss = peak_pss = 0
        peak_rss_by_role: dict[str, int] = defaultdict(int)
        pg_first: dict[int, int] = {}
        pg_last: dict[int, int] = {}
        samples = 0
        while time.monotonic() - began < args.window:
            total_rss = total_pss = 0
            by_role: dict[str, int] = defaultdict(int)
            for process in processes:
                sample = cpu_and_rss(process.pid)
                if sample is None:
                    continue
                first_cpu.setdefault(process.pid, sample[0])
                last_cpu[process.pid] = sample[0]
                total_rss += sample[1]
                by_role[roles[process.pid]] += sample[1]
                if samples % 10 == 0:
                    total_pss += pss(process.pid)
            peak_rss = max(peak_rss, total_rss)
            peak_pss = max(peak_pss, total_pss)
            for role, rss in by_role.items():
                peak_rss_by_role[role] = max(peak_rss_by_role[role], rss)
            if samples % 10 == 0:
                for pid in postgres_backends(engine, name):
                    sample = cpu_and_rss(pid)
                    if sample is not None:
                        pg_first.setdefault(pid, sample[0])
                        pg_last[pid] = sample[0]
            samples += 1
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
        cpu_by_role: dict[str, int] = defaultdict(int)
        for pid in last_cpu:
            cpu_by_role[roles[pid]] += last_cpu[pid] - first_cpu[pid]
        pg_ticks = sum(pg_last[pid] - pg_first[pid] for pid in pg_last)
        load_after = os.getloadavg()

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
            if not args.cold and slot < t0:
                slot += timedelta(seconds=every)  # the current slot at t0 was recorded before the start
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
        host_of = dict(zip(names, hosts, strict=True))
        gap_of = {host: args.shared_delay if host == SHARED_HOST else args.spread_delay for host in set(hosts)}
        ran: dict[str, list[tuple[datetime, float]]] = defaultdict(list)  # host -> (slot, lag) of runs in the window
        for (source, slot), found in recorded.items():
            for status, started, _ in found:
                if slot >= t0 and status in executed:
                    ran[host_of[source]].append((slot, (started - slot).total_seconds()))
        lags = [lag for runs in ran.values() for _, lag in runs]
        imposed: list[float] = []
        beyond: list[float] = []
        executed_on: dict[str, int] = defaultdict(int)  # runs started in the window, per host
        for source, _, status, started, _ in rows:
            if status in executed and started >= t0:
                executed_on[host_of[source]] += 1
        for host, runs in ran.items():
            # every run asks the host for the same pages (robots.txt, the board): its service time is that many gaps
            per_run = len(boards.starts.get(host, [])) / max(1, executed_on[host])
            floor = politeness_lag([slot for slot, _ in runs], gap_of[host] * per_run)
            imposed += floor
            beyond += [lag - least for (_, lag), least in zip(sorted(runs), floor, strict=True)]
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
            "imposed_by_politeness_p50_p95_s": (
                round(percentile(imposed, 0.5), 2),
                round(percentile(imposed, 0.95), 2),
            ),
            "lag_beyond_politeness_p50_p95_s": (round(percentile(beyond, 0.5), 2), round(percentile(beyond, 0.95), 2)),
            "requests_per_run_shared_host": round(
                len(boards.starts[SHARED_HOST]) / max(1, executed_on[SHARED_HOST]), 2
            ),
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
            "cpu_pct_by_role": {role: round(100 * t / CLK_TCK / elapsed, 1) for role, t in cpu_by_role.items()},
            "peak_rss_mb_all_processes": round(peak_rss / 1e6, 1),
            "peak_rss_mb_by_role": {role: round(rss / 1e6, 1) for role, rss in peak_rss_by_role.items()},
            "peak_pss_mb_all_processes_every_5s": round(peak_pss / 1e6, 1),
            "postgres_backends_cpu_pct_apart": round(100 * pg_ticks / CLK_TCK / elapsed, 1),
            "load_average_before_after": (
                tuple(round(x, 2) for x in load_before),
                tuple(round(x, 2) for x in load_after),
            ),
        }
        for key, value in result.items():
            print(f"{key:34} {value}")
        print(json.dumps(result))
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
