"""`jobfeed fetch URL [--record FILE]`: one polite request through the shared Fetcher, to see or to keep.

With --record the body is written as a test fixture, beside a `<FILE>.source.json` that says where and when
it came from, so a new source's fixtures are captured from the real endpoint rather than written by hand.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import UTC
from pathlib import Path
from typing import Any

from models.settings import Settings
from scraper.errors import FetchError
from scraper.fetching import Fetcher, FetchPolicy, Page

PROVENANCE_SUFFIX = ".source.json"


def provenance(page: Page, *, method: str, request_json: Any) -> dict[str, Any]:
    """What a recorded fixture was captured from: the request, the answer's type and validators, and a checksum.

    >>> from datetime import datetime, UTC
    >>> page = Page(url="https://boards-api.greenhouse.io/v1/boards/acme/jobs", status=200,
    ...             headers={"content-type": "application/json", "etag": '"v1"'}, content=b"{}",
    ...             fetched_at=datetime(2026, 12, 4, tzinfo=UTC))
    >>> record = provenance(page, method="GET", request_json=None)
    >>> record["url"], record["status"], record["bytes"], record["fetched_at"]
    ('https://boards-api.greenhouse.io/v1/boards/acme/jobs', 200, 2, '2026-12-04T00:00:00Z')
    """
    record: dict[str, Any] = {
        "url": page.url,
        "method": method,
        "status": page.status,
        "content_type": page.headers.get("content-type"),
        "etag": page.headers.get("etag"),
        "last_modified": page.headers.get("last-modified"),
        "fetched_at": page.fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "bytes": len(page.content),
        "sha256": hashlib.sha256(page.content).hexdigest(),
        "recorded_by": "jobfeed fetch --record",
    }
    if page.requested_url and page.requested_url != page.url:
        record["requested_url"] = page.requested_url
    if request_json is not None:
        record["request_json"] = request_json
    return record


def record(page: Page, path: Path, *, method: str, request_json: Any) -> Path:
    """Write the body to `path` and its provenance beside it; returns the provenance file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(page.content)
    meta = path.with_name(path.name + PROVENANCE_SUFFIX)
    meta.write_text(json.dumps(provenance(page, method=method, request_json=request_json), indent=2) + "\n")
    return meta


def run(args: argparse.Namespace) -> int:
    """Fetch `args.url`; print the body on stdout, or record it. Exit 1 when the fetch fails."""
    request_json = None
    if args.json is not None:
        try:
            request_json = json.loads(args.json)
        except json.JSONDecodeError as exc:
            print(f"jobfeed fetch: --json is not JSON: {exc}", file=sys.stderr)
            return 2
    method = "POST" if request_json is not None else "GET"
    policy = FetchPolicy(
        allow_private_network=args.allow_private_network,
        obey_robots=not args.ignore_robots,
        max_retries=1,
        min_delay_seconds=0.0,
    )
    try:
        with Fetcher(policy) as fetcher:
            page = fetcher.request(method, args.url, json=request_json)
    except FetchError as exc:
        print(f"jobfeed fetch: {args.url}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"{page.status} {page.content_type or '?'} {len(page.content)} bytes from {page.url}", file=sys.stderr)
    if args.record is None:
        sys.stdout.buffer.write(page.content)
        sys.stdout.flush()
        return 0
    meta = record(page, Path(args.record), method=method, request_json=request_json)
    print(f"recorded {args.record} (provenance in {meta})", file=sys.stderr)
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", help="the URL to fetch (an ATS API endpoint, a careers page, a feed)")
    parser.add_argument(
        "--record",
        metavar="FILE",
        help="write the body to FILE as a fixture, with FILE.source.json saying where and when it came from",
    )
    parser.add_argument("--json", metavar="BODY", help="POST this JSON body (Workable, Workday search APIs)")
    parser.add_argument(
        "--allow-private-network", action="store_true", help="allow loopback/private addresses (a local mirror)"
    )
    parser.add_argument("--ignore-robots", action="store_true", help="do not ask robots.txt (your own server only)")


def cmd_fetch(args: argparse.Namespace, settings: Settings) -> int:
    return run(args)
