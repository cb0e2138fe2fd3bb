"""The Greenhouse job-board API answer (`content=true&pay_transparency=true`, FORMATS.md section 2)."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any, Final

from scraper.demo.records import DemoJob
from scraper.demo.renderers._shared import description
from scraper.demo.site import Site

GREENHOUSE_TYPES: Final = {
    "full-time": "Full-Time",
    "part-time": "Part-Time",
    "contract": "Contract",
    "internship": "Intern",
}
GREENHOUSE_LEVELS: Final = {"entry": "Entry Level", "mid": "Mid Level", "senior": "Senior", "executive": "Executive"}
GREENHOUSE_PAY_TITLES: Final = {"year": "Annual Salary", "month": "Monthly Salary", "hour": "Hourly Pay Range"}


def render_greenhouse(listed: Sequence[DemoJob], site: Site) -> str:
    """The Greenhouse job-board API answer (`content=true&pay_transparency=true`) for one sample board."""
    jobs = [_greenhouse_job(job, site) for job in listed]
    return json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}, indent=1)


def _greenhouse_job(job: DemoJob, site: Site) -> dict[str, Any]:
    number = int(job.id)
    posted = site.posted_at(job).isoformat(timespec="seconds")
    metadata: list[dict[str, Any]] = [
        {"id": 901, "name": "Employment Type", "value": GREENHOUSE_TYPES[job.employment], "value_type": "single_select"}
    ]
    if job.level:
        metadata.append(
            {"id": 902, "name": "Job Level", "value": GREENHOUSE_LEVELS[job.level], "value_type": "single_select"}
        )
    office = (
        []
        if job.remote
        else [
            {"id": 10, "name": job.location.split(",")[0], "location": job.location, "parent_id": None, "child_ids": []}
        ]
    )
    pay_ranges = []
    if job.salary:
        pay_ranges.append(
            {
                "min_cents": job.salary.min * 100,
                "max_cents": job.salary.max * 100,
                "currency_type": job.salary.currency,
                "title": GREENHOUSE_PAY_TITLES[job.salary.period],
                "blurb": html.escape("<p>Base pay depends on location and experience.</p>"),
            }
        )
    return {
        "id": number,
        "internal_job_id": number - 2_000_000,
        "title": job.title,
        "company_name": job.company,
        "updated_at": posted,
        "first_published": posted,
        "application_deadline": None,
        "requisition_id": f"QA-{number % 1000:04d}",
        "language": "en",
        "location": {"name": job.location},
        "absolute_url": site.job_url(job),
        "metadata": metadata,
        # Greenhouse escapes the description's HTML once more (FORMATS.md section 2).
        "content": html.escape(description(job)),
        "departments": [{"id": 40, "name": job.team or "General", "parent_id": None, "child_ids": []}],
        "offices": office,
        "pay_input_ranges": pay_ranges,
    }
