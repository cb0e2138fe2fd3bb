"""`jobfeed mcp`: the service's read-only queries as MCP tools over stdio, for agents (the official `mcp` SDK).

Reads the database through api/queries exactly as the HTTP API does; must not import `scraper`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api import queries
from models.db import create_db_engine, session_factory
from models.enums import RemoteMode
from models.schemas import PostingFilters
from models.settings import Settings
from models.taxonomy import load_taxonomy
from models.text import sanitize_html

INSTRUCTIONS = (
    "jobfeed serves job postings gathered from job boards, by role category. search_jobs filters them like "
    "GET /api/v1/jobs (newest first, keyset pages: pass next_cursor back as cursor); get_job returns one with its "
    "description; salary_stats gives annual USD quantiles per category; list_categories names the categories."
)


def build_server(settings: Settings) -> Any:
    """The MCP server over `settings.database_url`; its tools open a session per call."""
    from mcp.server.mcpserver import MCPServer

    engine = create_db_engine(settings.database_url)
    sessions = session_factory(engine)
    taxonomy = load_taxonomy(settings.taxonomy)
    server = MCPServer("jobfeed", instructions=INSTRUCTIONS)

    @contextmanager
    def session() -> Iterator[Session]:
        with sessions() as db:
            yield db

    @server.tool()
    def search_jobs(
        category: str | None = None,
        q: str | None = None,
        company: str | None = None,
        tag: str | None = None,
        remote: str | None = None,
        country: str | None = None,
        seniority: str | None = None,
        employment_type: str | None = None,
        min_salary_usd: float | None = None,
        posted_since: str | None = None,
        source: str | None = None,
        include_flagged: bool = True,
        include_closed: bool = False,
        limit: int = 20,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        """Jobs matching the filters of GET /api/v1/jobs, newest first: {"items": [posting...], "next_cursor"}."""
        given = {
            "category": category,
            "q": q,
            "company": company,
            "tag": tag,
            "remote": remote,
            "country": country,
            "seniority": seniority,
            "employment_type": employment_type,
            "min_salary_usd": min_salary_usd,
            "posted_since": posted_since,
            "source": source,
            "include_flagged": include_flagged,
            "include_closed": include_closed,
            "limit": limit,
            "cursor": cursor,
        }
        filters = _filters({key: value for key, value in given.items() if value is not None})
        if filters.category is not None and all(c.slug != filters.category for c in taxonomy):
            raise ToolError(f"unknown category {filters.category!r}; list_categories names the valid ones")
        with session() as db:
            return queries.list_postings(db, filters).model_dump(mode="json")

    @server.tool()
    def get_job(id: int) -> dict[str, Any]:
        """One posting by id, with its description (sanitized HTML) and apply URL."""
        with session() as db:
            found = queries.get_posting(db, id)
        if found is None:
            raise ToolError(f"no posting has id {id}")
        detail, description = found
        return detail.model_copy(update={"description_html": sanitize_html(description)}).model_dump(mode="json")

    @server.tool()
    def salary_stats(
        category: str | None = None,
        remote: str | None = None,
        country: str | None = None,
        since: str | None = None,
        include_flagged: bool = False,
    ) -> dict[str, Any]:
        """Annual USD salary statistics per category (count, p10..p90, histogram), as GET /api/v1/salaries."""
        if category is not None and all(c.slug != category for c in taxonomy):
            raise ToolError(f"unknown category {category!r}; list_categories names the valid ones")
        scope = queries.SalaryScope(
            category=category,
            remote=_remote(remote),
            country=country.upper() if country else None,
            since=queries.as_utc(_moment(since)) if since else None,
            include_flagged=include_flagged,
        )
        chosen = [c for c in taxonomy if category is None or c.slug == category]
        with session() as db:
            stats = queries.salary_stats(db, scope, chosen)
        return {"categories": [s.model_dump(mode="json") for s in stats]}

    @server.tool()
    def list_categories() -> dict[str, Any]:
        """Every role category: slug, name, open jobs and the median salary."""
        with session() as db:
            return {"categories": [c.model_dump(mode="json") for c in queries.list_categories(db, taxonomy)]}

    return server


def _filters(given: dict[str, Any]) -> PostingFilters:
    try:
        return PostingFilters.model_validate(given)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ToolError(f"{where}: {first['msg']}") from None


def _remote(value: str | None) -> str | None:
    try:
        return RemoteMode(value).value if value is not None else None
    except ValueError:
        raise ToolError(f"remote {value!r} is not one of: {', '.join(m.value for m in RemoteMode)}") from None


def _moment(text: str) -> datetime | date:
    try:
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    except ValueError:
        raise ToolError(f"since {text!r} is not an ISO 8601 date or time") from None


def main(settings: Settings) -> None:
    """Serve over stdio until the client closes it."""
    build_server(settings).run("stdio")
