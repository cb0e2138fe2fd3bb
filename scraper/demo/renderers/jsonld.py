"""A careers site: an index of links and one detail page per opening carrying schema.org JobPosting JSON-LD."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Final
from urllib.parse import urlsplit

from scraper.demo.records import Board, DemoJob
from scraper.demo.renderers._shared import description, script_json, template
from scraper.demo.site import Site

SCHEMA_TYPES: Final = {
    "full-time": "FULL_TIME",
    "part-time": "PART_TIME",
    "contract": "CONTRACTOR",
    "internship": "INTERN",
}
SCHEMA_UNITS: Final = {"year": "YEAR", "month": "MONTH", "hour": "HOUR"}


def render_careers(jobs: Sequence[DemoJob], board: Board, site: Site) -> str:
    """The careers page: links to one detail page per opening (the postings' JSON-LD lives there)."""
    company = board.company
    items = "\n".join(
        f'<li><a class="job-link" href="{urlsplit(site.job_url(job)).path}">{html.escape(job.title)}</a> '
        f"<span>{html.escape(job.location)}</span></li>"
        for job in jobs
    )
    return template("careers.html").substitute(
        company=html.escape(company),
        company_json=script_json(company),
        careers_json=script_json(f"{site.base_url}/{board.path}/"),
        count=len(jobs),
        items=items,
    )


def render_careers_job(job: DemoJob, site: Site) -> str:
    """A careers detail page carrying the posting as schema.org JobPosting JSON-LD."""
    posted = site.posted_at(job)
    careers = f"{site.base_url}/{site.boards[job.board].path}/"
    posting: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": description(job),
        "identifier": {"@type": "PropertyValue", "name": job.company, "value": job.id},
        "datePosted": posted.isoformat(timespec="seconds"),
        # Renewed while open, as employers do: never before the demo started + 60 days, so a long-open
        # posting of the generated past is not flagged expired.
        "validThrough": (max(posted, site.started_at) + timedelta(days=60)).isoformat(timespec="seconds"),
        "employmentType": SCHEMA_TYPES[job.employment],
        "hiringOrganization": {
            "@type": "Organization",
            "name": job.company,
            "sameAs": careers,
        },
        "skills": ", ".join(job.tags),
        "url": site.job_url(job),
    }
    if job.remote:
        posting["jobLocationType"] = "TELECOMMUTE"
        posting["applicantLocationRequirements"] = {"@type": "Country", "name": job.location}
    else:
        posting["jobLocation"] = {"@type": "Place", "address": {"@type": "PostalAddress", **_address(job.location)}}
    if job.salary:
        posting["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": job.salary.currency,
            "value": {
                "@type": "QuantitativeValue",
                "minValue": job.salary.min,
                "maxValue": job.salary.max,
                "unitText": SCHEMA_UNITS[job.salary.period],
            },
        }
    return template("careers_job.html").substitute(
        title=html.escape(job.title),
        company=html.escape(job.company),
        url=html.escape(site.job_url(job)),
        jsonld=script_json(posting, indent=1),
        location=html.escape(job.location),
        description=description(job),
    )


def _address(location: str) -> dict[str, str]:
    """ "Boston, MA, US" -> locality, region, country; "Boston, US" -> locality, country; "US" -> country."""
    parts = [part.strip() for part in location.split(",")]
    keys = {1: ("addressCountry",), 2: ("addressLocality", "addressCountry")}.get(
        len(parts), ("addressLocality", "addressRegion", "addressCountry")
    )
    return dict(zip(keys, parts[-len(keys) :], strict=True))
