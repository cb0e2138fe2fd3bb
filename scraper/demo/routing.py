"""Routing: a request in a round -> a response, pure (the server only calls `respond`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from urllib.parse import parse_qs, urlsplit

from scraper.demo.catalogue import BoardState
from scraper.demo.records import Board
from scraper.demo.renderers.ashby import render_ashby
from scraper.demo.renderers.featured import render_featured_page
from scraper.demo.renderers.greenhouse import render_greenhouse
from scraper.demo.renderers.job_page import render_job_page
from scraper.demo.renderers.jsonld import render_careers, render_careers_job
from scraper.demo.renderers.lever import render_lever
from scraper.demo.renderers.rss import render_rss
from scraper.demo.site import Site

ROBOTS_TXT: Final = "User-agent: *\nAllow: /\n"


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    content_type: str
    body: bytes


def respond(state: BoardState, site: Site, target: str, now: datetime) -> Response:
    """The answer to GET `target` (path and query) in this round. Pure: the server only calls this."""
    parts = urlsplit(target)
    path, query = parts.path, {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if path == "/robots.txt":
        return _text(200, "text/plain; charset=utf-8", ROBOTS_TXT)
    if path == "/":
        page = _query_int(query, "page", 1)
        if page is None or page < 1:
            return _not_found()
        return _text(200, "text/html; charset=utf-8", render_featured_page(state, site, page, now))
    if path.startswith("/v1/boards/"):
        board = _board(site, "greenhouse", path.removeprefix("/v1/boards/").removesuffix("/jobs"))
        if board is None or not path.endswith("/jobs"):
            return _text(404, "application/json", '{"status": 404, "error": "Job board not found"}')
        return _text(200, "application/json", render_greenhouse(state.boards[board.key], site))
    if path.startswith("/v0/postings/"):
        board = _board(site, "lever", path.removeprefix("/v0/postings/"))
        if board is None:
            return _text(404, "application/json", '{"ok": false, "error": "Document not found"}')
        skip, limit = _query_int(query, "skip", 0), _query_int(query, "limit", None)
        if skip is None or skip < 0 or (limit is not None and limit < 1):
            return _text(400, "application/json", '{"ok": false, "error": "Invalid skip or limit"}')
        return _text(200, "application/json", render_lever(state.boards[board.key], site, skip, limit))
    if path.startswith("/posting-api/job-board/"):
        board = _board(site, "ashby", path.removeprefix("/posting-api/job-board/"))
        if board is None:
            return _text(404, "application/json", '{"success": false, "errors": ["Job board not found"]}')
        return _text(200, "application/json", render_ashby(state.boards[board.key], site))
    if (board := _board(site, "jsonld", path.strip("/"))) is not None and path.endswith("/"):
        return _text(200, "text/html; charset=utf-8", render_careers(state.boards[board.key], board, site))
    if (board := _board(site, "rss", path.strip("/").removesuffix(".rss"))) is not None and path.endswith(".rss"):
        return _text(200, "application/rss+xml; charset=utf-8", render_rss(state.boards[board.key], board, site))
    for key, jobs in state.boards.items():
        job = next(
            (job for job in jobs if urlsplit(site.job_url(job)).path in (path, path.removesuffix("/apply"))), None
        )
        if job is not None:
            body = render_careers_job(job, site) if site.boards[key].kind == "jsonld" else render_job_page(job, site)
            return _text(200, "text/html; charset=utf-8", body)
    return _not_found()


def _board(site: Site, kind: str, path: str) -> Board | None:
    return next((board for board in site.boards.values() if board.kind == kind and board.path == path), None)


def _query_int(query: Mapping[str, str], key: str, default: int | None) -> int | None:
    value = query.get(key)
    if value is None:
        return default
    return int(value) if value.isdigit() else None


def _text(status: int, content_type: str, body: str) -> Response:
    return Response(status, content_type, body.encode("utf-8"))


def _not_found() -> Response:
    page = "<!DOCTYPE html><title>Not found</title><h1>Not found</h1><p>This posting is no longer open.</p>"
    return _text(404, "text/html; charset=utf-8", page)
