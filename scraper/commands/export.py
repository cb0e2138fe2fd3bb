"""`jobfeed export`: every posting matching the /jobs filters on stdout as NDJSON or CSV.

The export is the API's own (/api/v1/jobs.ndjson|.csv), called in process through ASGI with the app loaded by
its import string, as `jobfeed api` starts it: one implementation, the same filters, checks and records,
streamed page by page to stdout (constant memory). Must not import `api`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from typing import Any, BinaryIO
from urllib.parse import urlencode

from sqlalchemy.exc import OperationalError
from uvicorn.importer import import_from_string

from models.enums import EmploymentType, RemoteMode, Seniority
from models.settings import Settings

APP = "api.app:create_app"
FORMATS = {"ndjson": "/api/v1/jobs.ndjson", "csv": "/api/v1/jobs.csv"}
# option -> (query parameter, help); every /jobs filter but limit and cursor
FILTERS: dict[str, tuple[str, str]] = {
    "--category": ("category", "a category slug"),
    "--q": ("q", "words all found in title or company"),
    "--company": ("company", "exact company name"),
    "--tag": ("tag", "a tag, case-insensitive"),
    "--featured": ("featured", "true or false"),
    "--remote": ("remote", " | ".join(m.value for m in RemoteMode)),
    "--country": ("country", "ISO 3166-1 alpha-2 code"),
    "--seniority": ("seniority", " | ".join(s.value for s in Seniority)),
    "--employment-type": ("employment_type", " | ".join(e.value for e in EmploymentType)),
    "--min-salary-usd": ("min_salary_usd", "annual USD the salary reaches at least"),
    "--posted-since": ("posted_since", "a date or an ISO 8601 time"),
    "--source": ("source", "a source name listing the job"),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=sorted(FORMATS), default="ndjson", help="output format (default ndjson)")
    for option, (_name, help_text) in FILTERS.items():
        parser.add_argument(option, help=help_text)
    parser.add_argument("--exclude-flagged", action="store_true", help="leave out postings with validation flags")
    parser.add_argument("--include-closed", action="store_true", help="closed postings too")


def query_string(args: argparse.Namespace) -> str:
    params = [(name, getattr(args, option[2:].replace("-", "_"))) for option, (name, _h) in FILTERS.items()]
    params = [(name, value) for name, value in params if value is not None]
    if args.exclude_flagged:
        params.append(("include_flagged", "false"))
    if args.include_closed:
        params.append(("include_closed", "true"))
    return urlencode(params)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the export to stdout; a refused filter is one line on stderr and exit status 2."""
    app = import_from_string(APP)(settings)
    progress = _Progress(sys.stderr) if sys.stderr.isatty() else None
    try:
        status, error = asyncio.run(
            serve_once(app, FORMATS[args.format], query_string(args), sys.stdout.buffer, progress=progress)
        )
    except OperationalError as exc:
        print(f"jobfeed: export: the database cannot be read: {str(exc.orig).splitlines()[0]}", file=sys.stderr)
        return 2
    if progress is not None:
        progress.done()
    if status != 200:
        print(f"jobfeed: export: {_message(error)}", file=sys.stderr)
        return 2
    return 0


def _message(body: bytes) -> str:
    try:
        found = json.loads(body)
    except ValueError:
        return body.decode(errors="replace")[:300]
    details = found.get("details") or []
    parts = [found.get("message", "")] + [f"{d.get('location')}: {d.get('message')}" for d in details]
    return " ".join(p for p in parts if p).replace("query.", "--").replace("_", "-")


class _Progress:
    """Rows written so far, on one terminal line."""

    def __init__(self, stream: Any) -> None:
        self.stream, self.rows = stream, 0

    def add(self, chunk: bytes) -> None:
        self.rows += chunk.count(b"\n")
        self.stream.write(f"\rexport: {self.rows:,} lines")
        self.stream.flush()

    def done(self) -> None:
        self.stream.write("\n")


async def serve_once(
    app: Any, path: str, query: str, out: BinaryIO, *, progress: _Progress | None = None
) -> tuple[int, bytes]:
    """`call` inside the app's lifespan, so that its engine and pool are closed when the export ends."""
    async with app.router.lifespan_context(app):
        return await call(app, path, query, out, progress=progress)


async def call(
    app: Callable[..., Any], path: str, query: str, out: BinaryIO, *, progress: _Progress | None = None
) -> tuple[int, bytes]:
    """GET `path?query` from the ASGI `app`, the body streamed into `out` when the status is 200."""
    status, error = 0, bytearray()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 0),
        "server": ("localhost", 80),
    }
    requested = False
    never = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await never.wait()  # the client never disconnects
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunk = message.get("body", b"")
            if status == 200:
                out.write(chunk)
                if progress is not None:
                    progress.add(chunk)
            else:
                error.extend(chunk)

    await app(scope, receive, send)
    out.flush()
    return status, bytes(error)
