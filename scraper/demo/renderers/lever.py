"""The Lever postings API answer (`mode=json`, FORMATS.md section 3): a bare array, `skip`/`limit` applied."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import Any, Final

from scraper.demo.records import DemoJob
from scraper.demo.renderers._shared import description
from scraper.demo.site import Site, lever_id

LEVER_TYPES: Final = {
    "full-time": "Full-time",
    "part-time": "Part-time",
    "contract": "Contractor",
    "internship": "Intern",
}
LEVER_INTERVALS: Final = {"year": "per-year-salary", "month": "per-month-salary", "hour": "per-hour-wage"}


def render_lever(listed: Sequence[DemoJob], site: Site, skip: int = 0, limit: int | None = None) -> str:
    """The Lever postings API answer (`mode=json`) for the sample site: a bare array, `skip`/`limit` applied."""
    jobs = listed[skip : None if limit is None else skip + limit]
    return json.dumps([_lever_posting(job, site) for job in jobs], indent=1)


def _lever_posting(job: DemoJob, site: Site) -> dict[str, Any]:
    body = description(job)
    posting: dict[str, Any] = {
        "id": lever_id(job),
        "text": job.title,
        "categories": {
            "location": job.location,
            "allLocations": [job.location],
            "commitment": LEVER_TYPES[job.employment],
            "team": job.team,
            "department": "Engineering",
        },
        "workplaceType": "remote" if job.remote else "onsite",
        "createdAt": int(site.posted_at(job).timestamp() * 1000),
        "description": body,
        "descriptionPlain": re.sub(r"<[^>]+>", " ", body).strip(),
        "lists": [{"text": "What you bring", "content": "".join(f"<li>{html.escape(t)}</li>" for t in job.tags)}],
        "additional": "",
        "additionalPlain": "",
        "hostedUrl": site.job_url(job),
        "applyUrl": site.job_url(job) + "/apply",
    }
    if job.salary:
        posting["salaryRange"] = {
            "currency": job.salary.currency,
            "interval": LEVER_INTERVALS[job.salary.period],
            "min": job.salary.min,
            "max": job.salary.max,
        }
    return posting
