"""`jobfeed demo`'s replay: a generated board's past goes through the pipeline, dated in the weeks it shows."""

from __future__ import annotations

import math
import threading
import tomllib
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from models.tables import Posting, PostingChange, SalaryHistoryPoint, ScrapeRun
from scraper.commands.demo import replay_past
from scraper.config import parse_sources
from scraper.demo import DemoBoard, board_state, demo_sources_toml
from scraper.demo.catalogue import load_catalogue
from scraper.sources import REGISTRY

BOARD = "greenhouse-northwind"


def test_the_replay_dates_each_posting_in_the_week_it_opened(committing_engine: Engine) -> None:
    board_spec = load_catalogue().board(BOARD)
    with DemoBoard(round_seconds=math.inf) as board:
        text = demo_sources_toml(board.url, boards=[board_spec])
        configs = parse_sources(tomllib.loads(text), REGISTRY, origin="demo", min_every_seconds=1)
        runs = replay_past(board, committing_engine, configs, stop=threading.Event())
        assert board.round == 0  # the live rounds start once the past is in
        assert replay_past(board, committing_engine, configs, stop=threading.Event()) == 0  # a restart: no replay
    now = datetime.now(UTC)
    with committing_engine.connect() as connection:
        first_seen = list(connection.scalars(select(Posting.first_seen).where(Posting.source == board_spec.source)))
        closed = connection.scalar(select(func.count()).where(Posting.closed_at.is_not(None)))
        repriced = connection.scalar(
            select(func.count()).select_from(PostingChange).where(PostingChange.field == "salary")
        )
        triggers = set(connection.scalars(select(ScrapeRun.trigger)))
        weeks = connection.scalar(
            select(func.count(SalaryHistoryPoint.start.distinct())).where(
                SalaryHistoryPoint.bucket == "week", SalaryHistoryPoint.count > 0
            )
        )
    # Fewer runs than weeks: a week that changed nothing on the board is not scraped.
    assert 8 <= runs < 26
    oldest = min(first_seen)
    assert timedelta(weeks=25) - timedelta(minutes=5) <= now - oldest <= timedelta(weeks=25, minutes=5)
    assert sum(1 for seen in first_seen if seen == oldest) == len(board_state(-25).boards[BOARD])
    assert len({seen.date() for seen in first_seen}) >= 6  # openings on many weeks, not all at once
    assert (closed or 0) > 0 and (repriced or 0) > 0
    assert triggers == {"replay"}
    assert (weeks or 0) >= 26
