"""`jobfeed demo`: the whole service offline against the sample boards (scraper/demo), with 26 weeks of past.

The past is replayed, not written: each generated board is scraped through the one pipeline as it stood in
each past week that changed it, with the run's clock set to that week, then the scheduler takes over.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine, select

from models.settings import Settings
from models.tables import ScrapeRun
from scraper.cli import describe_url, migrate_database, serve_with_scheduler
from scraper.config import SourceConfig, parse_sources
from scraper.demo import DemoBoard, board_state, demo_sources_toml
from scraper.demo.catalogue import BOARDS, FIRST_ROUND, load_catalogue
from scraper.demo.records import HISTORY_WEEKS
from scraper.pipeline import run_source
from scraper.sources import REGISTRY
from scraper.startup import check_port_free
from scraper.storage.outliers import OutlierJudge
from scraper.storage.runs import sync_sources

log = logging.getLogger(__name__)


def add_arguments(demo: argparse.ArgumentParser) -> None:
    demo.add_argument("--host", default="127.0.0.1", help="interface of the API and dashboard (default 127.0.0.1)")
    demo.add_argument("--port", type=int, default=8000, help="port of the API and dashboard (default 8000)")
    demo.add_argument("--board-port", type=int, default=0, help="port of the sample boards (default: a free one)")
    demo.add_argument("--every", default="1m", help="how often each sample source is scraped (default 1m)")
    demo.add_argument(
        "--round-seconds", type=float, default=30.0, help="how often the sample boards change (default 30)"
    )
    demo.add_argument("--dir", help="where to keep the demo's database and sources file (default: a new temp dir)")


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    check_port_free(args.host, args.port)
    workdir = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="jobfeed-demo-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if not args.database_url_given:
        settings = settings.model_copy(update={"database_url": f"sqlite:///{workdir / 'demo.db'}"})
    with DemoBoard(round_seconds=args.round_seconds, port=args.board_port) as board:
        text = demo_sources_toml(board.url, every=args.every)
        sources_path = workdir / "sources.toml"
        sources_path.write_text(text, encoding="utf-8")
        configs = parse_sources(tomllib.loads(text), REGISTRY, origin=str(sources_path), min_every_seconds=1)
        engine = migrate_database(settings)
        print(
            f"jobfeed demo: {len(configs)} sample boards at {board.url} (they change every {args.round_seconds:g} s),\n"
            f"  sources file {sources_path}, database {describe_url(settings.database_url)}\n"
            f"  dashboard: http://{args.host}:{args.port}/   feeds: http://{args.host}:{args.port}/feeds/all.atom\n"
            "  Ctrl-C stops it.",
            file=sys.stderr,
            flush=True,
        )

        def replay(stop: threading.Event) -> None:
            replay_past(board, engine, configs, stop=stop)

        serve_with_scheduler(settings, engine, configs, args.host, args.port, prelude=replay)
    return 0


def replay_past(board: DemoBoard, engine: Engine, configs: Sequence[SourceConfig], *, stop: threading.Event) -> int:
    """Scrape each generated board as it stood in every past week that changed it (the run's clock set to that
    week), then once now; returns the number of runs. The scripted boards have no past: the scheduler runs them.

    A database that already holds runs (a demo restarted with `--dir`) is not replayed again.
    """
    by_name = {config.name: config for config in configs}
    boards = [b for b in load_catalogue().boards if b.key not in BOARDS and b.source in by_name]
    if not boards or _has_runs(engine):
        board.replay(None)
        return 0
    sync_sources(engine, configs)
    started, runs, judge = time.monotonic(), 0, OutlierJudge()
    listed: dict[str, object] = {}
    log.info("demo: replaying %d weeks of %d boards through the pipeline", HISTORY_WEEKS, len(boards))
    for round_ in range(FIRST_ROUND, 1):
        state = board_state(round_)
        board.replay(round_)
        now = board.moment() if round_ < 0 else None
        for spec in boards:
            listing = [(job.id, job.salary) for job in state.boards[spec.key]]
            if round_ < 0 and listed.get(spec.key) == listing:
                continue  # unchanged since its last run: the scheduler would have seen nothing new
            if stop.is_set():
                board.replay(None)
                return runs
            run_source(by_name[spec.source], engine, stop=stop, trigger="replay", outliers=judge, now=now)
            listed[spec.key] = listing
            runs += 1
        if round_ == FIRST_ROUND:
            log.info("demo: the oldest week is in (%d runs, %.1f s)", runs, time.monotonic() - started)
    board.replay(None)
    seconds = time.monotonic() - started
    log.info("demo: %d weeks replayed in %d runs, %.1f s; the scheduler takes over", HISTORY_WEEKS, runs, seconds)
    return runs


def _has_runs(engine: Engine) -> bool:
    with engine.connect() as connection:
        return connection.scalar(select(ScrapeRun.id).limit(1)) is not None
