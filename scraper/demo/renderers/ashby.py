"""The Ashby public job-posting API answer (`includeCompensation=true`, FORMATS.md section 4) for one board."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, Final

from scraper.demo.records import DemoJob
from scraper.demo.renderers._shared import description
from scraper.demo.site import Site, lever_id

ASHBY_TYPES: Final = {"full-time": "FullTime", "part-time": "PartTime", "contract": "Contract", "internship": "Intern"}
ASHBY_INTERVALS: Final = {"year": "1 YEAR", "month": "1 MONTH", "hour": "1 HOUR"}


def render_ashby(listed: Sequence[DemoJob], site: Site) -> str:
    """The board's `{"apiVersion": "1", "jobs": [...]}` with every job listed."""
    return json.dumps({"apiVersion": "1", "jobs": [_ashby_job(job, site) for job in listed]}, indent=1)


def _ashby_job(job: DemoJob, site: Site) -> dict[str, Any]:
    body = description(job)
    url = site.job_url(job)
    posting: dict[str, Any] = {
        "id": lever_id(job),
        "title": job.title,
        "department": "Engineering",
        "team": job.team,
        "employmentType": ASHBY_TYPES[job.employment],
        "location": job.location,
        "secondaryLocations": [],
        "isRemote": job.remote,
        "workplaceType": "Remote" if job.remote else "OnSite",
        "publishedAt": site.posted_at(job).isoformat(timespec="milliseconds"),
        "jobUrl": url,
        "applyUrl": url + "/application",
        "isListed": True,
        "descriptionHtml": body,
        "descriptionPlain": re.sub(r"<[^>]+>", " ", body).strip(),
    }
    if job.salary:
        pay = job.salary
        summary = f"{pay.currency} {pay.min:,} - {pay.max:,}"
        salary = {
            "compensationType": "Salary",
            "interval": ASHBY_INTERVALS[pay.period],
            "currencyCode": pay.currency,
            "minValue": pay.min,
            "maxValue": pay.max,
        }
        posting["compensation"] = {
            "compensationTierSummary": summary,
            "scrapeableCompensationSalarySummary": summary,
            "compensationTiers": [
                {"id": "tier-1", "tierSummary": summary, "title": None, "components": [{"summary": summary, **salary}]}
            ],
            "summaryComponents": [salary],
        }
    return posting
