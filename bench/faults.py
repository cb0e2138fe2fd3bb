"""Fault figures of the fetcher against a local fault server: peak memory of a stacked gzip bomb per cap (a
single-layer bomb of the same size interleaved as the baseline), and how long a header drip lasts per deadline.

Prints figures (median and spread of --repeat runs); asserts nothing. Run: .venv/bin/python bench/faults.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from scraper.errors import DeadlineExceeded, ResponseTooLarge
from scraper.fetching import Fetcher, FetchPolicy
from tests.faultserver import FaultServer, answer, header_drip, stacked_gzip_bomb


def fetcher(**settings: float) -> Fetcher:
    policy = FetchPolicy(allow_private_network=True, obey_robots=False, min_delay_seconds=0.0, **settings)  # type: ignore[arg-type]
    return Fetcher(policy)


def peak_mib(url: str, cap: int) -> float:
    tracemalloc.start()
    try:
        with fetcher(max_body_bytes=cap) as client, contextlib.suppress(ResponseTooLarge):
            client.get(url)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} (min {min(values):.2f}, max {max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--inflated-mib", type=int, default=256)
    args = parser.parse_args()
    inflated = args.inflated_mib << 20
    one, two = stacked_gzip_bomb(inflated, layers=1), stacked_gzip_bomb(inflated, layers=2)
    routes = {
        "/gzip": answer(one, headers={"Content-Encoding": "gzip"}),
        "/gzip-gzip": answer(two, headers={"Content-Encoding": "gzip, gzip"}),
        "/drip": header_drip(2.0),
    }
    with FaultServer(routes) as server:
        print(f"{args.inflated_mib} MiB of zeros: {len(one):,} bytes as gzip, {len(two):,} bytes as 'gzip, gzip'")
        for cap_mib in (1, 5):
            figures: dict[str, list[float]] = {"/gzip": [], "/gzip-gzip": []}
            for _ in range(args.repeat):
                for path in figures:  # interleaved: the single layer is the baseline
                    figures[path].append(peak_mib(server.url(path), cap_mib << 20))
            for path, values in figures.items():
                print(f"cap {cap_mib} MiB, {path:11} peak traced MiB: {spread(values)}")
        for deadline in (2.0, 3.0):
            seconds = []
            for _ in range(args.repeat):
                started = time.monotonic()
                with (
                    fetcher(deadline_seconds=deadline, read_timeout_seconds=30.0) as client,
                    contextlib.suppress(DeadlineExceeded),
                ):
                    client.get(server.url("/drip"))
                seconds.append(time.monotonic() - started)
            print(f"header drip 1 byte / 2 s, deadline {deadline:g} s: stopped after s {spread(seconds)}")


if __name__ == "__main__":
    main()
