"""Where the sample boards are served and where each posting lives on them (its URL and its posted date)."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from scraper.demo.catalogue import load_catalogue
from scraper.demo.records import Board, DemoJob, slugify

GREENHOUSE_BOARD: Final = "quillstone"
LEVER_SITE: Final = "ferrovia"


def _bundled_boards() -> Mapping[str, Board]:
    return {board.key: board for board in load_catalogue().boards}


@dataclass(frozen=True, slots=True)
class Site:
    """Where the boards are served and when the demo started.

    Dates are anchored to `started_at` (a posting that opens in round N was posted N rounds after it; round -N
    is N weeks before it), so a posting's date does not move from one run to the next.
    """

    base_url: str
    started_at: datetime
    round_seconds: float = 30.0
    boards: Mapping[str, Board] = field(default_factory=_bundled_boards)

    def moment(self, round_: int) -> datetime:
        """When round `round_` is: a week apart before the start, `round_seconds` apart from it on."""
        if round_ < 0:
            return self.started_at + timedelta(weeks=round_)
        seconds = round_ * self.round_seconds if math.isfinite(self.round_seconds) else 0.0
        return self.started_at + timedelta(seconds=seconds)

    def posted_at(self, job: DemoJob) -> datetime:
        if job.opens > 0:
            return self.moment(job.opens)
        return self.moment(job.opens) - timedelta(days=job.days_ago, hours=2)

    def job_url(self, job: DemoJob) -> str:
        """The posting's own page, as the board links it."""
        board = self.boards[job.board]
        if board.kind == "featured":
            return f"{self.base_url}/job/{slugify(job.title)}-{job.id}/"
        if board.kind == "greenhouse":
            return f"{self.base_url}/{board.path}/jobs/{job.id}"
        if board.kind in ("lever", "ashby"):
            return f"{self.base_url}/{board.path}/{lever_id(job)}"
        return f"{self.base_url}/{board.path}/{job.slug}" + ("/" if board.kind == "jsonld" else "")


def lever_id(job: DemoJob) -> str:
    """Lever (and Ashby) ids are UUIDs; the sample's are derived from the catalogue key so they never change."""
    site = LEVER_SITE if job.board == "lever" else job.board
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://jobfeed.invalid/demo/{site}/{job.id}"))
