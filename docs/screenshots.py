"""Run `jobfeed demo`, wait until its 26 weeks of past are replayed, and screenshot the dashboard it serves.

    .venv/bin/python docs/screenshots.py            # writes docs/dashboard-home.png, docs/dashboard-category.png
    .venv/bin/python docs/screenshots.py --phone    # also /tmp/dashboard-phone-*.png, for checking the layout

Needs Debian's chromium at /usr/bin/chromium and Playwright for Python (no `playwright install`).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPLAYED = "the scheduler takes over"  # the demo's log line once its past is in
CATEGORY = "data-engineer"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def demo(workdir: Path, timeout_seconds: float = 600) -> Iterator[str]:
    """`jobfeed demo` in a subprocess; yields the dashboard's URL once the past is replayed and every source has run."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBFEED_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "scraper.cli", "demo", "--port", str(port), "--dir", str(workdir), "--every", "10m"],
        cwd=workdir,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    replayed = threading.Event()

    def watch() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if REPLAYED in line:
                print(line.rstrip(), file=sys.stderr)
                replayed.set()

    threading.Thread(target=watch, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_seconds
        while not (replayed.is_set() and all_sources_ran(base)):
            if process.poll() is not None:
                raise RuntimeError(f"jobfeed demo exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the demo did not finish its replay within {timeout_seconds:.0f} s")
            time.sleep(1)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def all_sources_ran(base: str) -> bool:
    try:
        sources = httpx.get(f"{base}/api/v1/sources", timeout=10).json()
    except httpx.HTTPError:
        return False
    return bool(sources) and all(source["last_run"] and source["last_run"]["finished_at"] for source in sources)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--phone", action="store_true", help="also take phone-width screenshots under /tmp")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, demo(Path(tmp)) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        shots = [("/", "dashboard-home.png"), (f"/categories/{CATEGORY}", "dashboard-category.png")]
        page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        for path, name in shots:
            page.goto(base + path)
            page.screenshot(path=str(args.out / name), full_page=True)
            print(f"wrote {args.out / name}")
        if args.phone:
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
            for path in ("/", f"/categories/{CATEGORY}", "/jobs/1", "/outliers", "/sources"):
                target = f"/tmp/dashboard-phone-{path.strip('/').replace('/', '-') or 'home'}.png"
                phone.goto(base + path)
                phone.screenshot(path=target, full_page=True)
                print(f"wrote {target}")
        browser.close()


if __name__ == "__main__":
    main()
