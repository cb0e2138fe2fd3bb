"""The featured-html board: aijobs.net's listing pages, ten cards a page (FORMATS.md section 1)."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Final
from urllib.parse import urlsplit

from scraper.demo.catalogue import BoardState
from scraper.demo.records import DemoJob, Pay
from scraper.demo.renderers._shared import template
from scraper.demo.site import Site

FEATURED_PAGE_SIZE: Final = 10  # two listing pages, so the featured-html adapter's pagination is exercised

# How the board spells an employment type and a level, as the real board does.
FEATURED_TYPES: Final = {
    "full-time": "Full Time",
    "part-time": "Part Time",
    "contract": "Contract",
    "internship": "Internship",
}
FEATURED_LEVELS: Final = {
    "entry": "Entry-level",
    "mid": "Mid-level",
    "senior": "Senior-level",
    "executive": "Executive-level",
}


def render_featured_page(state: BoardState, site: Site, page: int, now: datetime) -> str:
    """Listing page `page` (from 1) of the featured board, aijobs.net's current card layout; past the end, no cards."""
    jobs = state.boards["featured"]
    shown = jobs[(page - 1) * FEATURED_PAGE_SIZE : page * FEATURED_PAGE_SIZE]
    cards = "\n".join(_featured_card(job, site, now) for job in shown)
    pagination = ""
    if page * FEATURED_PAGE_SIZE < len(jobs):
        pagination = f'<li class="page-item"><a class="page-link" href="/?page={page + 1}">Next</a></li>'
    return template("featured.html").substitute(
        base_url=html.escape(site.base_url), total=len(jobs), cards=cards, pagination=pagination
    )


def _featured_card(job: DemoJob, site: Site, now: datetime) -> str:
    badge = (
        '<span class="fw-light text-bg-primary px-1 rounded d-none d-sm-inline">Featured</span>\n      '
        if job.featured
        else ""
    )
    salary = (
        f'\n    <span class="text-bg-success px-1 rounded">{html.escape(featured_salary(job.salary))}</span>'
        if job.salary
        else ""
    )
    return template("featured_card.html").substitute(
        classes="d-flex justify-content-between position-relative pb-2 py-2 mb-1",
        path=html.escape(urlsplit(site.job_url(job)).path),
        badge=badge,
        title=html.escape(job.title),
        salary=salary,
        tags=" | ".join(f"<span>{html.escape(tag)}</span>" for tag in job.tags),
        perks="",
        seniority=FEATURED_LEVELS[job.level or "mid"],
        type=FEATURED_TYPES[job.employment],
        location=html.escape(job.location),
        remote=' <span class="text-bg-success px-1 rounded">R</span>' if job.remote else "",
        posted=relative_age(now - site.posted_at(job)),
    )


def featured_salary(pay: Pay) -> str:
    """A salary as aijobs.net prints it: "USD 174K - 284K", "USD 90 - 120 per hour", "PLN 9K - 12K per month"."""
    suffix = "" if pay.period == "year" else f" per {pay.period}"
    return f"{pay.currency} {_thousands(pay.min)} - {_thousands(pay.max)}{suffix}"


def _thousands(amount: int) -> str:
    return f"{amount // 1000}K" if amount >= 1000 and amount % 1000 == 0 else str(amount)


def relative_age(age: timedelta) -> str:
    """An age as aijobs.net prints it: "1h ago", "yesterday", "3d ago", "2w ago"."""
    if age < timedelta(days=1):
        return f"{max(1, int(age.total_seconds() // 3600))}h ago"
    if age < timedelta(days=2):
        return "yesterday"
    if age < timedelta(days=14):
        return f"{age.days}d ago"
    return f"{age.days // 7}w ago"
