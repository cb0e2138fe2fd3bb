"""Routing: a request in a round -> a response, pure (the server only calls `respond`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from urllib.parse import parse_qs, urlsplit

from scraper.demo.catalogue import BOARDS, BoardState
from scraper.demo.renderers.featured import render_featured_page
from scraper.demo.renderers.greenhouse import render_greenhouse
from scraper.demo.renderers.job_page import render_job_page
from scraper.demo.renderers.jsonld import render_careers, render_careers_job
from scraper.demo.renderers.lever import render_lever
from scraper.demo.renderers.rss import render_rss
from scraper.demo.site import GREENHOUSE_BOARD, LEVER_SITE, Site

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
    if path == f"/v1/boards/{GREENHOUSE_BOARD}/jobs":
        return _text(200, "application/json", render_greenhouse(state, site))
    if path.startswith("/v1/boards/"):
        return _text(404, "application/json", '{"status": 404, "error": "Job board not found"}')
    if path == f"/v0/postings/{LEVER_SITE}":
        skip, limit = _query_int(query, "skip", 0), _query_int(query, "limit", None)
        if skip is None or skip < 0 or (limit is not None and limit < 1):
            return _text(400, "application/json", '{"ok": false, "error": "Invalid skip or limit"}')
        return _text(200, "application/json", render_lever(state, site, skip, limit))
    if path.startswith("/v0/postings/"):
        return _text(404, "application/json", '{"ok": false, "error": "Document not found"}')
    if path == "/careers/":
        return _text(200, "text/html; charset=utf-8", render_careers(state, site))
    if path == "/remote-jobs.rss":
        return _text(200, "application/rss+xml; charset=utf-8", render_rss(state, site))
    for board in BOARDS:
        job = state.find(board, lambda job: urlsplit(site.job_url(job)).path in (path, path.removesuffix("/apply")))
        if job is not None:
            body = render_careers_job(job, site) if board == "jsonld" else render_job_page(job, site)
            return _text(200, "text/html; charset=utf-8", body)
    return _not_found()


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
