"""A process fetching one host through the shared budget: `python throttle_process.py DB_URL OWNER BASE_URL N`.

Four threads fetch N pages of BASE_URL between them, through one `SharedHostThrottle` (as a worker's runs do):
at most 2 in flight and 0.2 s between request starts, shared with every other process on the database.
"""

from __future__ import annotations

import sys
import threading

from models.db import create_db_engine
from scraper.fetching import Fetcher, FetchPolicy
from scraper.fetching.throttle import SharedHostThrottle


def main() -> None:
    database_url, owner, base_url, pages = sys.argv[1:]
    engine = create_db_engine(database_url)
    throttle = SharedHostThrottle(engine, 2, owner=owner)
    policy = FetchPolicy(obey_robots=False, allow_private_network=True, min_delay_seconds=0.2)
    failures: list[BaseException] = []

    def fetch(thread: int) -> None:
        try:
            with Fetcher(policy, throttle=throttle) as fetcher:
                for page in range(thread, int(pages), 4):
                    fetcher.get(f"{base_url}/{owner}/{page}")
        except BaseException as exc:  # reported through the exit status
            failures.append(exc)

    threads = [threading.Thread(target=fetch, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    if failures:
        raise SystemExit(f"{owner}: {failures!r}")


if __name__ == "__main__":
    main()
