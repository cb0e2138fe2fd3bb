"""A schedule or worker process for the queue tests: `python queue_process.py URL ROLE OWNER MODE EVERY NAME...`.

ROLE is `schedule` (claims slots, defers jobs), `worker` (runs them, concurrency 2) or `manual` (one manual run
of the first source, started and kept alive as `run_source` keeps a manual run: its lease renewed by a heartbeat,
here of 2 s, until a slot of the source was recorded missed behind it, at most MODE seconds). The worker's runner
records each call in `runner_calls`, then finishes after a moment (MODE=quick) or hangs until killed (MODE=hang).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time

from sqlalchemy import text

from models.db import create_db_engine
from scraper.config import SourceConfig
from scraper.scheduling.leases import LeaseKeeper
from scraper.scheduling.queue import QueueWorker, build_app, queue_enqueue
from scraper.scheduling.scheduler import run_scheduler
from scraper.storage.runs import RunCounts, finish_run, start_run, sync_sources


def main() -> None:
    url, role, owner, mode, every, *names = sys.argv[1:]
    logging.basicConfig(level=logging.INFO, format=f"{owner} %(asctime)s %(name)s %(message)s")
    engine = create_db_engine(url)
    configs = [
        SourceConfig(name=name, kind="greenhouse", url=f"http://127.0.0.1:9/{name}", every_seconds=int(every))
        for name in names
    ]
    if role == "manual":
        sync_sources(engine, configs)
        run_id = start_run(engine, names[0], trigger="manual", owner=owner, lease_seconds=2)
        assert run_id is not None, "another run of the source was going"
        missed_behind = text(
            "SELECT count(*) FROM scrape_runs WHERE source = :source AND status = 'missed' "
            "AND error LIKE '%still running%'"
        )
        with LeaseKeeper(engine, 2) as leases:
            leases.add(run_id)
            # held for at least 6 s (three leases), then until a slot was recorded missed behind it (or MODE s)
            started, deadline = time.monotonic(), time.monotonic() + float(mode)
            while time.monotonic() < deadline:
                with engine.connect() as connection:
                    behind = connection.execute(missed_behind, {"source": names[0]}).scalar_one()
                if behind and time.monotonic() - started >= 6:
                    break
                time.sleep(0.5)
        finish_run(engine, run_id, status="succeeded", counts=RunCounts(fetched=1), http={}, error=None, suspect=False)
        return
    if role == "schedule":
        app = build_app(url)
        with app.open():
            run_scheduler(engine, configs, enqueue=queue_enqueue(app), owner=owner, poll_seconds=0.3)
        return

    def runner(config: SourceConfig, run_id: int, stop: threading.Event) -> None:
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO runner_calls (run_id, source, owner) VALUES (:run_id, :source, :owner)"),
                {"run_id": run_id, "source": config.name, "owner": owner},
            )
        if mode == "hang":
            time.sleep(3600)
        stop.wait(0.3)
        finish_run(engine, run_id, status="succeeded", counts=RunCounts(fetched=1), http={}, error=None, suspect=False)

    worker = QueueWorker(
        engine, configs, url, concurrency=2, runner=runner, owner=owner, lease_seconds=6, stalled_seconds=6
    )
    asyncio.run(worker.run())


if __name__ == "__main__":
    main()
