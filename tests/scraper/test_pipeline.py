"""run_source end to end against a local board and a real database: counts, history, closing, faults."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.enums import RunStatus
from models.tables import Posting, PostingChange, ScrapeRun
from scraper.config import SourceConfig
from scraper.pipeline import run_source
from scraper.storage.runs import sync_sources

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
BOARD = json.loads((FIXTURES / "greenhouse" / "board.json").read_text(encoding="utf-8"))
PATH = "/v1/boards/quantaforge/jobs"


def greenhouse(server: Any) -> SourceConfig:
    return SourceConfig(
        name="quantaforge",
        kind="greenhouse",
        url=f"{server.url}{PATH}",
        every_seconds=3600,
        allow_private_network=True,
        options={"min_delay_seconds": 0, "backoff_base_seconds": 0.01},
    )


def serve_board(server: Any, jobs: list[dict[str, Any]]) -> None:
    server.serve(PATH, "application/json", json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}))


def postings(engine: Engine) -> dict[str, Posting]:
    with Session(engine) as session:
        return {p.external_id: p for p in session.scalars(select(Posting))}


def changes(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.execute(
            select(Posting.external_id, PostingChange.field)
            .join(Posting, Posting.id == PostingChange.posting_id)
            .order_by(PostingChange.id)
        )
        return [(external_id, field) for external_id, field in rows]


def counts(result: Any) -> tuple[int, ...]:
    c = result.counts
    return (c.fetched, c.new, c.updated, c.unchanged, c.closed, c.reopened)


def test_scrape_twice_then_close_then_reopen(committing_engine: Engine, fixture_server: Any) -> None:
    config = greenhouse(fixture_server)
    sync_sources(committing_engine, [config])
    ranking, data, annotation = copy.deepcopy(BOARD["jobs"])
    serve_board(fixture_server, [ranking, data, annotation])

    first = run_source(config, committing_engine)
    assert first.status is RunStatus.SUCCEEDED
    assert counts(first) == (3, 3, 0, 0, 0, 0)

    # second run: `data` is gone, `annotation` pays more, a new job appears
    annotation["pay_input_ranges"][0]["max_cents"] = 5200
    newcomer = {**copy.deepcopy(data), "id": 7309999, "title": "Analytics Engineer"}
    serve_board(fixture_server, [ranking, annotation, newcomer])
    second = run_source(config, committing_engine)
    assert counts(second) == (3, 1, 1, 1, 0, 0)
    stored = postings(committing_engine)
    assert stored["7302001"].salary_max == 52.0
    assert stored["7301988"].closed_at is None  # one miss is not enough
    assert stored["7301988"].missed_runs == 1
    assert changes(committing_engine) == [("7302001", "salary")]

    # third run: still gone, so closed; nothing else changed
    third = run_source(config, committing_engine)
    assert counts(third) == (3, 0, 0, 3, 1, 0)
    assert postings(committing_engine)["7301988"].closed_at is not None

    # fourth run: it is back and reopened
    serve_board(fixture_server, [ranking, data, annotation, newcomer])
    fourth = run_source(config, committing_engine)
    assert counts(fourth) == (4, 0, 0, 3, 0, 1)
    assert postings(committing_engine)["7301988"].closed_at is None
    assert changes(committing_engine) == [
        ("7302001", "salary"),
        ("7301988", "closed"),
        ("7301988", "reopened"),
    ]
    with Session(committing_engine) as session:
        runs = session.scalars(select(ScrapeRun).order_by(ScrapeRun.id)).all()
    assert [(r.status, r.new, r.closed, r.reopened) for r in runs] == [
        ("succeeded", 3, 0, 0),
        ("succeeded", 1, 0, 0),
        ("succeeded", 0, 1, 0),
        ("succeeded", 0, 0, 1),
    ]
    assert all(r.finished_at is not None and r.http["requests"] >= 1 for r in runs)


def checksum(engine: Engine) -> str:
    with Session(engine) as session:
        rows = session.execute(
            select(
                Posting.external_id, Posting.title, Posting.salary_max, Posting.closed_at, Posting.last_seen
            ).order_by(Posting.external_id)
        ).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_a_board_with_bad_characters_stores_its_batch_and_rejects_only_what_cannot_be_stored(
    committing_engine: Engine, fixture_server: Any
) -> None:
    """Fault injection over the wire: a lone surrogate escaped in the JSON ("\\ud83d") in a title and in the
    payload, a NaN (Python's JSON reader accepts it), and an id of 301 digits, longer than PostgreSQL's
    external_id column. The batch is stored; only the too-long id is rejected, on PostgreSQL, and counted."""
    config = greenhouse(fixture_server)
    sync_sources(committing_engine, [config])
    ranking, data, annotation = copy.deepcopy(BOARD["jobs"])
    ranking["title"] = "Ranking Engineer \ud83d"
    data["metadata"] = [{"name": "Team \udc00", "value": float("nan")}]
    annotation["id"] = int("9" * 301)
    serve_board(fixture_server, [ranking, data, annotation])

    result = run_source(config, committing_engine)
    assert result.status is RunStatus.SUCCEEDED
    stored = postings(committing_engine)
    assert stored[str(ranking["id"])].title_raw == "Ranking Engineer"
    assert stored[str(data["id"])].payload["metadata"] == [{"name": "Team ", "value": None}]
    if committing_engine.dialect.name == "postgresql":
        assert (result.counts.new, result.counts.rejected, result.counts.rejected_by_reason) == (
            2,
            1,
            {"unstorable": 1},
        )
    else:
        assert (result.counts.new, result.counts.rejected) == (3, 0)
    with Session(committing_engine) as session:
        run = session.get(ScrapeRun, result.run_id)
        assert run is not None and run.rejected == result.counts.rejected
        assert run.details["rejected_by_reason"] == result.counts.rejected_by_reason


def test_a_failed_later_page_keeps_what_was_stored_and_closes_nothing(
    committing_engine: Engine, fixture_server: Any
) -> None:
    listing = (FIXTURES / "featured_html" / "listing_50.html").read_bytes()
    config = SourceConfig(
        name="board",
        kind="featured-html",
        url=f"{fixture_server.url}/",
        every_seconds=3600,
        allow_private_network=True,
        options={"min_delay_seconds": 0, "max_pages": 2, "backoff_base_seconds": 0.01},
    )
    sync_sources(committing_engine, [config])
    fixture_server.serve("/", "text/html; charset=utf-8", listing)
    # a page 2 that holds no new cards ends the listing; the first run sees the 50 cards of page 1
    fixture_server.serve("/?page=2", "text/html; charset=utf-8", listing)
    assert run_source(config, committing_engine, batch_size=20).counts.new == 50
    before = checksum(committing_engine)

    # page 2 now answers 503 on every attempt: the run ends partial after page 1, and closes nothing
    fixture_server.fail("/?page=2", 503)
    result = run_source(config, committing_engine, batch_size=20)
    assert result.status is RunStatus.PARTIAL
    assert "503" in (result.error or "")
    assert result.counts.fetched == 50 and result.counts.closed == 0
    assert all(p.closed_at is None and p.missed_runs == 0 for p in postings(committing_engine).values())
    assert checksum(committing_engine) == before


def test_a_failed_first_page_fails_the_run(committing_engine: Engine, fixture_server: Any) -> None:
    config = greenhouse(fixture_server)
    sync_sources(committing_engine, [config])
    result = run_source(config, committing_engine)
    assert result.status is RunStatus.FAILED
    assert "404" in (result.error or "")
    with Session(committing_engine) as session:
        run = session.scalars(select(ScrapeRun)).one()
    assert (run.status, run.error) == ("failed", result.error)


@pytest.mark.parametrize("body", ["<html><body>Down for maintenance</body></html>", "{}", '{"jobs": []}'])
def test_wrong_content_is_a_failure_not_zero_jobs(committing_engine: Engine, fixture_server: Any, body: str) -> None:
    config = greenhouse(fixture_server)
    sync_sources(committing_engine, [config])
    serve_board(fixture_server, copy.deepcopy(BOARD["jobs"]))
    run_source(config, committing_engine)
    fixture_server.serve(PATH, "application/json", body)
    for _ in range(3):
        result = run_source(config, committing_engine)
        assert result.status is RunStatus.FAILED
    assert all(p.closed_at is None for p in postings(committing_engine).values())


def test_an_unchanged_board_is_a_304_that_closes_nothing(committing_engine: Engine) -> None:
    import httpx
    import respx

    url = "https://boards.example/v1/boards/quantaforge/jobs"
    config = SourceConfig(
        name="quantaforge",
        kind="greenhouse",
        url=url,
        every_seconds=3600,
        allow_private_network=True,  # respx answers; skip resolving a host that does not exist
        obey_robots=False,
        options={"min_delay_seconds": 0},
    )
    sync_sources(committing_engine, [config])
    body = json.dumps(BOARD)

    def board(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, text=body, headers={"ETag": '"v1"', "Content-Type": "application/json"})

    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(url).mock(side_effect=board)
        first = run_source(config, committing_engine)
        runs = [run_source(config, committing_engine) for _ in range(3)]
    assert first.counts.new == 3
    assert [route.calls[i].request.headers.get("if-none-match") for i in range(4)] == [None, '"v1"', '"v1"', '"v1"']
    for result in runs:
        assert result.status is RunStatus.SUCCEEDED
        assert result.not_modified
        assert (result.counts.fetched, result.counts.closed) == (0, 0)
    assert all(p.closed_at is None and p.missed_runs == 0 for p in postings(committing_engine).values())


def test_a_board_that_suddenly_lists_far_fewer_is_suspect_and_closes_nothing(
    committing_engine: Engine, fixture_server: Any
) -> None:
    config = greenhouse(fixture_server)
    sync_sources(committing_engine, [config])
    jobs = copy.deepcopy(BOARD["jobs"])
    many = [{**copy.deepcopy(jobs[1]), "id": 8000000 + n, "title": f"Data Engineer {n}"} for n in range(10)]
    serve_board(fixture_server, many)
    for _ in range(2):
        assert run_source(config, committing_engine).suspect is False
    serve_board(fixture_server, many[:2])  # a changed layout or a broken board, not 8 closed jobs
    for _ in range(3):
        result = run_source(config, committing_engine)
        assert result.suspect is True
        assert result.counts.closed == 0
    assert all(p.closed_at is None for p in postings(committing_engine).values())


def test_body_caps_follow_the_kind_and_a_source_option_wins() -> None:
    from scraper.pipeline import source_policy

    def policy(kind: str, **options: Any) -> int:
        config = SourceConfig(name="x", kind=kind, url="https://x.example/", every_seconds=3600, options=options)
        return source_policy(config).max_body_bytes

    # a 5,000-job greenhouse board with content is ~28 MB: over the 5 MiB default, within its kind's cap
    assert policy("greenhouse") > 28_000_000 > policy("featured-html")
    assert policy("greenhouse", max_body_bytes=1000) == 1000
