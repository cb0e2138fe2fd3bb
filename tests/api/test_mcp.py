"""`jobfeed mcp` driven by the MCP SDK's own stdio client over a real database (both backends)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from sqlalchemy import Engine

from tests.api.conftest import add_posting

pytestmark = pytest.mark.slow  # starts the server as a process

ROOT = Path(__file__).resolve().parents[2]


async def _session_calls(engine: Engine, calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[str], list[Any]]:
    url = engine.url.render_as_string(hide_password=False)
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "scraper.cli", "--database-url", url, "mcp"],
        cwd=str(ROOT),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = sorted(tool.name for tool in (await session.list_tools()).tools)
        results = [await session.call_tool(name, arguments) for name, arguments in calls]
    return tools, results


def call(engine: Engine, *calls: tuple[str, dict[str, Any]]) -> tuple[list[str], list[Any]]:
    return asyncio.run(asyncio.wait_for(_session_calls(engine, list(calls)), timeout=60))


def test_the_tools_answer_like_the_api(db: Engine) -> None:
    wanted = add_posting(db, title="Senior Data Engineer", annual_usd_mid=180_000.0)
    add_posting(db, title="Data Engineer", annual_usd_mid=90_000.0)
    add_posting(db, title="Data Scientist", category="data-scientist", remote="onsite")

    tools, (found, one, stats, categories, missing, bad) = call(
        db,
        ("search_jobs", {"category": "data-engineer", "min_salary_usd": 150000}),
        ("get_job", {"id": wanted}),
        ("salary_stats", {"category": "data-engineer", "include_flagged": True}),
        ("list_categories", {}),
        ("get_job", {"id": 999_999}),
        ("search_jobs", {"remote": "sometimes"}),
    )

    assert tools == ["get_job", "list_categories", "salary_stats", "search_jobs"]
    assert [p["id"] for p in found.structured_content["items"]] == [wanted]
    assert found.structured_content["items"][0]["title"] == "Senior Data Engineer"
    assert one.structured_content["id"] == wanted and "description_html" in one.structured_content
    (de_stats,) = stats.structured_content["categories"]
    assert de_stats["category"] == "data-engineer" and de_stats["count"] == 2
    open_jobs = {c["slug"]: c["open_jobs"] for c in categories.structured_content["categories"]}
    assert open_jobs["data-engineer"] == 2 and open_jobs["data-scientist"] == 1
    assert missing.is_error and "no posting has id 999999" in missing.content[0].text
    assert bad.is_error and "remote" in bad.content[0].text
