"""A scheduler process for the multi-process tests: `python scheduler_process.py URL OWNER MODE LEASE EVERY NAME...`.

Its runner records each call in `runner_calls`, then either finishes the run after a moment (MODE=quick)
or hangs until killed (MODE=hang). SIGTERM stops it the way `jobfeed schedule` stops.
"""

from __future__ import annotations

import logging
import sys
import threading
import time

from sqlalchemy import text

from models.db import create_db_engine
from scraper.config import SourceConfig
from scraper.scheduling import run_scheduler
from scraper.storage.runs import RunCounts, finish_run


def main() -> None:
    url, owner, mode, lease, every, *names = sys.argv[1:]
    logging.basicConfig(level=logging.INFO, format=f"{owner} %(asctime)s %(name)s %(message)s")
    engine = create_db_engine(url)
    configs = [
        SourceConfig(name=name, kind="greenhouse", url=f"http://127.0.0.1:9/{name}", every_seconds=int(every))
        for name in names
    ]

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

    run_scheduler(engine, configs, runner=runner, owner=owner, lease_seconds=float(lease), poll_seconds=0.5)


if __name__ == "__main__":
    main()
