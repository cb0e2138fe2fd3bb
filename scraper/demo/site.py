"""Where the sample boards are served and where each posting lives on them (its URL and its posted date)."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from scraper.demo.catalogue import DemoJob, slugify

GREENHOUSE_BOARD: Final = "quillstone"
LEVER_SITE: Final = "ferrovia"


@dataclass(frozen=True, slots=True)
class Site:
    """Where the boards are served and when the demo started.

    Dates are anchored to `started_at` (a posting that opens in round N was posted N rounds after it), so a
    posting's date does not move from one run to the next.
    """

    base_url: str
    started_at: datetime
    round_seconds: float = 30.0

    def posted_at(self, job: DemoJob) -> datetime:
        if job.opens > 0:
            seconds = job.opens * self.round_seconds if math.isfinite(self.round_seconds) else 0.0
            return self.started_at + timedelta(seconds=seconds)
        return self.started_at - timedelta(days=job.days_ago, hours=2)

    def job_url(self, job: DemoJob) -> str:
        """The posting's own page, as the board links it."""
        if job.board == "featured":
            return f"{self.base_url}/job/{slugify(job.title)}-{job.id}/"
        if job.board == "greenhouse":
            return f"{self.base_url}/{GREENHOUSE_BOARD}/jobs/{job.id}"
        if job.board == "lever":
            return f"{self.base_url}/{LEVER_SITE}/{lever_id(job)}"
        if job.board == "jsonld":
            return f"{self.base_url}/careers/{job.slug}/"
        return f"{self.base_url}/remote-jobs/{job.slug}"


def lever_id(job: DemoJob) -> str:
    """Lever ids are UUIDs; the sample's are derived from the catalogue key so they never change."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://jobfeed.invalid/demo/{LEVER_SITE}/{job.id}"))
