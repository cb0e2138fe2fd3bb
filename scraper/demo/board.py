"""The offline sample job board behind `jobfeed demo`: five boards in the real wire formats, changing in rounds.

`board_state` decides what each board lists in a round and the `render_*` functions print it, all pure;
`DemoBoard` only serves them over HTTP on 127.0.0.1. It never touches the database or the pipeline.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import json
import logging
import math
import re
import threading
import time
import tomllib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from string import Template
from types import TracebackType
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape as xml_escape

from scraper.config import parse_interval

logger = logging.getLogger(__name__)

BOARDS: Final = ("featured", "greenhouse", "lever", "jsonld", "rss")
GREENHOUSE_BOARD: Final = "quillstone"
LEVER_SITE: Final = "ferrovia"
FEATURED_PAGE_SIZE: Final = 10  # two listing pages, so the featured-html adapter's pagination is exercised
# From this round on the scripted timeline is over and `[[rotation]]` postings keep the featured board moving:
# one opens every round and stays this many rounds, so it closes (two missed runs) while the demo runs.
ROTATION_START: Final = 4
ROTATION_ROUNDS: Final = 4
ROTATION_FIRST_ID: Final = 420000
PERIODS: Final = ("year", "month", "hour")
EMPLOYMENT_TYPES: Final = ("full-time", "part-time", "contract", "internship")
LEVELS: Final = ("entry", "mid", "senior", "executive")

# How each board spells an employment type and a level, as the real boards do (FORMATS.md sections 1-3, 7, 8a).
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
GREENHOUSE_TYPES: Final = {
    "full-time": "Full-Time",
    "part-time": "Part-Time",
    "contract": "Contract",
    "internship": "Intern",
}
GREENHOUSE_LEVELS: Final = {"entry": "Entry Level", "mid": "Mid Level", "senior": "Senior", "executive": "Executive"}
LEVER_TYPES: Final = {
    "full-time": "Full-time",
    "part-time": "Part-time",
    "contract": "Contractor",
    "internship": "Intern",
}
LEVER_INTERVALS: Final = {"year": "per-year-salary", "month": "per-month-salary", "hour": "per-hour-wage"}
SCHEMA_TYPES: Final = {
    "full-time": "FULL_TIME",
    "part-time": "PART_TIME",
    "contract": "CONTRACTOR",
    "internship": "INTERN",
}
SCHEMA_UNITS: Final = {"year": "YEAR", "month": "MONTH", "hour": "HOUR"}
GREENHOUSE_PAY_TITLES: Final = {"year": "Annual Salary", "month": "Monthly Salary", "hour": "Hourly Pay Range"}
RSS_TYPES: Final = {
    "full-time": "Full-Time",
    "part-time": "Part-Time",
    "contract": "Contract",
    "internship": "Internship",
}
ROBOTS_TXT: Final = "User-agent: *\nAllow: /\n"


# --- the catalogue and the state of a round ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pay:
    """A salary as a board states it: `min`-`max` `currency` per `period` (year, month or hour)."""

    currency: str
    min: int
    max: int
    period: str


@dataclass(frozen=True, slots=True)
class DemoJob:
    """One sample posting on one board; `salary` is the one it states in the round at hand (see `board_state`)."""

    board: str
    id: str
    title: str
    company: str
    location: str
    remote: bool = False
    employment: str = "full-time"
    level: str | None = None
    salary: Pay | None = None
    tags: tuple[str, ...] = ()
    team: str | None = None
    days_ago: int = 0
    featured: bool = False
    opens: int = 0
    closes: int | None = None
    salary_changes: tuple[tuple[int, Pay], ...] = ()

    def is_open(self, round_: int) -> bool:
        return self.opens <= round_ and (self.closes is None or round_ < self.closes)

    def salary_in(self, round_: int) -> Pay | None:
        salary = self.salary
        for start, changed in self.salary_changes:
            if start <= round_:
                salary = changed
        return salary

    @property
    def slug(self) -> str:
        return f"{slugify(self.title)}-{slugify(self.id)}"


@dataclass(frozen=True, slots=True)
class Catalogue:
    jobs: tuple[DemoJob, ...]
    rotation: tuple[DemoJob, ...]


@dataclass(frozen=True, slots=True)
class BoardState:
    """What every sample board lists in one round, newest first, each posting with the salary it states then."""

    round: int
    boards: Mapping[str, tuple[DemoJob, ...]]

    def ids(self, board: str) -> list[str]:
        return [job.id for job in self.boards[board]]

    def find(self, board: str, predicate: Callable[[DemoJob], bool]) -> DemoJob | None:
        return next((job for job in self.boards[board] if predicate(job)), None)


def board_state(round_: int, catalogue: Catalogue | None = None) -> BoardState:
    """What each board lists in round `round_` (0 is the start): open postings, newest first, current salaries.

    Deterministic: the same round always gives the same boards. Rounds 1-3 follow the bundled timeline
    (postings open and go, salaries change, absurd salaries appear); later rounds rotate featured postings.
    """
    if round_ < 0:
        raise ValueError(f"round must be 0 or more, got {round_}")
    catalogue = catalogue or load_catalogue()
    jobs = [job for job in catalogue.jobs if job.is_open(round_)] + _rotating(catalogue.rotation, round_)
    boards: dict[str, tuple[DemoJob, ...]] = {}
    for board in BOARDS:
        listed = [
            dataclasses.replace(job, salary=job.salary_in(round_), salary_changes=())
            for job in jobs
            if job.board == board
        ]
        # Newest first, as boards list them; the catalogue order breaks ties.
        listed.sort(key=lambda job: (-job.opens, job.days_ago))
        boards[board] = tuple(listed)
    return BoardState(round=round_, boards=boards)


def _rotating(templates: tuple[DemoJob, ...], round_: int) -> list[DemoJob]:
    if not templates or round_ < ROTATION_START:
        return []
    first = max(ROTATION_START, round_ - ROTATION_ROUNDS + 1)
    return [
        dataclasses.replace(
            templates[number % len(templates)],
            id=str(ROTATION_FIRST_ID + number),
            opens=number,
            closes=number + ROTATION_ROUNDS,
        )
        for number in range(first, round_ + 1)
    ]


@functools.cache
def load_catalogue() -> Catalogue:
    """The bundled sample postings (data/postings.toml); immutable, so read once."""
    text = files("scraper.demo").joinpath("data", "postings.toml").read_text(encoding="utf-8")
    return parse_catalogue(tomllib.loads(text))


def parse_catalogue(document: Mapping[str, Any]) -> Catalogue:
    """The catalogue of a postings document; ValueError naming the entry and key for anything malformed."""
    jobs = tuple(_job(entry, f"job #{index}") for index, entry in enumerate(document.get("job", []), start=1))
    rotation = tuple(
        _job({"board": "featured", "id": "rotation", "company": "Demo Company", **entry}, f"rotation #{index}")
        for index, entry in enumerate(document.get("rotation", []), start=1)
    )
    seen: set[tuple[str, str]] = set()
    for job in jobs:
        if (job.board, job.id) in seen:
            raise ValueError(f"{job.board} job {job.id!r} is listed twice")
        seen.add((job.board, job.id))
    return Catalogue(jobs=jobs, rotation=rotation)


def _job(entry: Any, label: str) -> DemoJob:
    if not isinstance(entry, dict):
        raise ValueError(f"{label}: must be a table")

    def string(key: str, default: str | None = None, choices: tuple[str, ...] = ()) -> str:
        value = entry.get(key, default)
        if not isinstance(value, str) or not value or (choices and value not in choices):
            expected = f"one of {', '.join(choices)}" if choices else "a non-empty string"
            raise ValueError(f"{label}: key {key!r} must be {expected}, got {value!r}")
        return value

    def integer(key: str, default: int | None) -> int | None:
        value = entry.get(key, default)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError(f"{label}: key {key!r} must be a whole number, got {value!r}")
        return value

    changes: list[tuple[int, Pay]] = []
    new_salary = entry.get("new_salary")
    if new_salary is not None:
        if not isinstance(new_salary, dict) or not isinstance(new_salary.get("round"), int):
            raise ValueError(f"{label}: key 'new_salary' must be {{ round = N, salary = [...] }}")
        changes.append((new_salary["round"], _pay(new_salary.get("salary"), f"{label}: new_salary")))
    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ValueError(f"{label}: key 'tags' must be a list of strings")
    team = entry.get("team")
    if team is not None and not isinstance(team, str):
        raise ValueError(f"{label}: key 'team' must be a string")
    level = entry.get("level")
    if level is not None and level not in LEVELS:
        raise ValueError(f"{label}: key 'level' must be one of {', '.join(LEVELS)}, got {level!r}")
    return DemoJob(
        board=string("board", choices=BOARDS),
        id=string("id"),
        title=string("title"),
        company=string("company"),
        location=string("location"),
        remote=entry.get("remote", False) is True,
        employment=string("type", "full-time", EMPLOYMENT_TYPES),
        level=level,
        salary=_pay(entry["salary"], f"{label}: salary") if "salary" in entry else None,
        tags=tuple(tags),
        team=team,
        days_ago=integer("days_ago", 0) or 0,
        featured=entry.get("featured", False) is True,
        opens=integer("opens", 0) or 0,
        closes=integer("closes", None),
        salary_changes=tuple(changes),
    )


def _pay(value: Any, label: str) -> Pay:
    if (
        not isinstance(value, list)
        or len(value) != 4
        or not isinstance(value[0], str)
        or not all(isinstance(amount, int) and amount > 0 for amount in value[1:3])
        or value[3] not in PERIODS
    ):
        raise ValueError(f"{label}: must be [currency, min, max, period] with period one of {', '.join(PERIODS)}")
    return Pay(currency=value[0], min=value[1], max=value[2], period=value[3])


# --- rendering, one function per wire format ------------------------------------------------------------------------


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


def render_featured_page(state: BoardState, site: Site, page: int, now: datetime) -> str:
    """Listing page `page` (from 1) of the featured board, aijobs.net's current card layout; past the end, no cards."""
    jobs = state.boards["featured"]
    shown = jobs[(page - 1) * FEATURED_PAGE_SIZE : page * FEATURED_PAGE_SIZE]
    cards = "\n".join(_featured_card(job, site, now) for job in shown)
    pagination = ""
    if page * FEATURED_PAGE_SIZE < len(jobs):
        pagination = f'<li class="page-item"><a class="page-link" href="/?page={page + 1}">Next</a></li>'
    return _template("featured.html").substitute(
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
    return _template("featured_card.html").substitute(
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


def render_greenhouse(state: BoardState, site: Site) -> str:
    """The Greenhouse job-board API answer (`content=true&pay_transparency=true`) for the sample board."""
    jobs = [_greenhouse_job(job, site) for job in state.boards["greenhouse"]]
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
        "content": html.escape(_description(job)),
        "departments": [{"id": 40, "name": job.team or "General", "parent_id": None, "child_ids": []}],
        "offices": office,
        "pay_input_ranges": pay_ranges,
    }


def render_lever(state: BoardState, site: Site, skip: int = 0, limit: int | None = None) -> str:
    """The Lever postings API answer (`mode=json`) for the sample site: a bare array, `skip`/`limit` applied."""
    jobs = state.boards["lever"][skip : None if limit is None else skip + limit]
    return json.dumps([_lever_posting(job, site) for job in jobs], indent=1)


def lever_id(job: DemoJob) -> str:
    """Lever ids are UUIDs; the sample's are derived from the catalogue key so they never change."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://jobfeed.invalid/demo/{LEVER_SITE}/{job.id}"))


def _lever_posting(job: DemoJob, site: Site) -> dict[str, Any]:
    description = _description(job)
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
        "description": description,
        "descriptionPlain": re.sub(r"<[^>]+>", " ", description).strip(),
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


def render_careers(state: BoardState, site: Site) -> str:
    """The careers page: links to one detail page per opening (the postings' JSON-LD lives there)."""
    jobs = state.boards["jsonld"]
    company = jobs[0].company if jobs else "Halcyon Health"
    items = "\n".join(
        f'<li><a class="job-link" href="/careers/{job.slug}/">{html.escape(job.title)}</a> '
        f"<span>{html.escape(job.location)}</span></li>"
        for job in jobs
    )
    return _template("careers.html").substitute(
        company=html.escape(company),
        company_json=_script_json(company),
        careers_json=_script_json(f"{site.base_url}/careers/"),
        count=len(jobs),
        items=items,
    )


def render_careers_job(job: DemoJob, site: Site) -> str:
    """A careers detail page carrying the posting as schema.org JobPosting JSON-LD."""
    posted = site.posted_at(job)
    posting: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": _description(job),
        "identifier": {"@type": "PropertyValue", "name": job.company, "value": job.id},
        "datePosted": posted.isoformat(timespec="seconds"),
        "validThrough": (posted + timedelta(days=60)).isoformat(timespec="seconds"),
        "employmentType": SCHEMA_TYPES[job.employment],
        "hiringOrganization": {"@type": "Organization", "name": job.company, "sameAs": f"{site.base_url}/careers/"},
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
    return _template("careers_job.html").substitute(
        title=html.escape(job.title),
        company=html.escape(job.company),
        url=html.escape(site.job_url(job)),
        jsonld=_script_json(posting, indent=1),
        location=html.escape(job.location),
        description=_description(job),
    )


def _address(location: str) -> dict[str, str]:
    """ "Boston, MA, US" -> locality, region, country; "Boston, US" -> locality, country; "US" -> country."""
    parts = [part.strip() for part in location.split(",")]
    keys = {1: ("addressCountry",), 2: ("addressLocality", "addressCountry")}.get(
        len(parts), ("addressLocality", "addressRegion", "addressCountry")
    )
    return dict(zip(keys, parts[-len(keys) :], strict=True))


def render_rss(state: BoardState, site: Site) -> str:
    """The We Work Remotely style feed: "Company: Title" items with region, skills, category and type."""
    items = "\n".join(_rss_item(job, site) for job in state.boards["rss"])
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss">\n'
        "<channel><title>Remote jobs | demo board</title>\n"
        f"  <link>{xml_escape(site.base_url)}/remote-jobs.rss</link>\n"
        "  <description>Sample remote jobs served by jobfeed demo; every company and posting is invented.\n"
        "  </description>\n"
        f"{items}\n</channel></rss>\n"
    )


def _rss_item(job: DemoJob, site: Site) -> str:
    posted = site.posted_at(job)
    # A guid that is not the URL, so the posting keeps its id when the demo serves on another port.
    return f"""  <item>
    <title>{xml_escape(f"{job.company}: {job.title}")}</title>
    <region>{xml_escape(job.location)}</region>
    <skills>{xml_escape(", ".join(job.tags))}</skills>
    <category>{xml_escape(job.team or "All Other Remote")}</category>
    <type>{RSS_TYPES[job.employment]}</type>
    <description>{xml_escape(_description(job))}</description>
    <pubDate>{format_datetime(posted)}</pubDate>
    <expires_at>{format_datetime(posted + timedelta(days=30))}</expires_at>
    <guid isPermaLink="false">{xml_escape(job.id)}</guid>
    <link>{xml_escape(site.job_url(job))}</link>
  </item>"""


def render_job_page(job: DemoJob, site: Site) -> str:
    """The human page a posting's URL leads to, so links from the dashboard land somewhere."""
    names = {"featured": "demo-aijobs", "greenhouse": "Quillstone Analytics jobs", "lever": "Ferrovia Robotics jobs"}
    home = {"featured": "/", "rss": "/remote-jobs.rss", "jsonld": "/careers/"}
    return _template("job.html").substitute(
        title=html.escape(job.title),
        board=html.escape(names.get(job.board, "demo board")),
        board_url=home.get(job.board, "/"),
        company=html.escape(job.company),
        location=html.escape(job.location),
        description=_description(job),
    )


def _description(job: DemoJob) -> str:
    skills = "".join(f"<li>{html.escape(tag)}</li>" for tag in job.tags) or "<li>Curiosity</li>"
    # A feed's `team` is its category ("Back-End Programming"), not a team of the company.
    team = f" in our {html.escape(job.team)} team" if job.team and job.board in ("greenhouse", "lever") else ""
    article = "an" if job.title[:1].upper() in "AEIOU" else "a"
    return (
        f"<p>{html.escape(job.company)} is hiring {article} {html.escape(job.title)}{team}.</p>"
        f"<h3>What you bring</h3><ul>{skills}</ul>"
    )


def _script_json(value: Any, indent: int | None = None) -> str:
    # JSON inside <script>: "</" would end the element early.
    return json.dumps(value, indent=indent).replace("</", "<\\/")


@functools.cache
def _template(name: str) -> Template:
    return Template(files("scraper.demo").joinpath("data", name).read_text(encoding="utf-8"))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- routing: a request in a round -> a response --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    content_type: str
    body: bytes


def respond(state: BoardState, site: Site, target: str, now: datetime) -> Response:
    """The answer to GET `target` (path and query) in this round. Pure: the server only calls this."""
    parts = urlsplit(target)
    path, query = parts.path, {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if path == "/robots.txt":
        return _text(200, "text/plain; charset=utf-8", ROBOTS_TXT)
    if path == "/":
        page = _query_int(query, "page", 1)
        if page is None or page < 1:
            return _not_found()
        return _text(200, "text/html; charset=utf-8", render_featured_page(state, site, page, now))
    if path == f"/v1/boards/{GREENHOUSE_BOARD}/jobs":
        return _text(200, "application/json", render_greenhouse(state, site))
    if path.startswith("/v1/boards/"):
        return _text(404, "application/json", '{"status": 404, "error": "Job board not found"}')
    if path == f"/v0/postings/{LEVER_SITE}":
        skip, limit = _query_int(query, "skip", 0), _query_int(query, "limit", None)
        if skip is None or skip < 0 or (limit is not None and limit < 1):
            return _text(400, "application/json", '{"ok": false, "error": "Invalid skip or limit"}')
        return _text(200, "application/json", render_lever(state, site, skip, limit))
    if path.startswith("/v0/postings/"):
        return _text(404, "application/json", '{"ok": false, "error": "Document not found"}')
    if path == "/careers/":
        return _text(200, "text/html; charset=utf-8", render_careers(state, site))
    if path == "/remote-jobs.rss":
        return _text(200, "application/rss+xml; charset=utf-8", render_rss(state, site))
    for board in BOARDS:
        job = state.find(board, lambda job: urlsplit(site.job_url(job)).path in (path, path.removesuffix("/apply")))
        if job is not None:
            body = render_careers_job(job, site) if board == "jsonld" else render_job_page(job, site)
            return _text(200, "text/html; charset=utf-8", body)
    return _not_found()


def _query_int(query: Mapping[str, str], key: str, default: int | None) -> int | None:
    value = query.get(key)
    if value is None:
        return default
    return int(value) if value.isdigit() else None


def _text(status: int, content_type: str, body: str) -> Response:
    return Response(status, content_type, body.encode("utf-8"))


def _not_found() -> Response:
    page = "<!DOCTYPE html><title>Not found</title><h1>Not found</h1><p>This posting is no longer open.</p>"
    return _text(404, "text/html; charset=utf-8", page)


# --- the server -----------------------------------------------------------------------------------------------------


class DemoBoard:
    """The sample boards served over HTTP from a daemon thread; the round advances every `round_seconds`.

    >>> with DemoBoard(round_seconds=math.inf) as board:  # doctest: +SKIP
    ...     board.url, board.round, board.advance()
    ('http://127.0.0.1:40123', 0, 1)
    """

    def __init__(
        self,
        round_seconds: float = 30.0,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        if not round_seconds > 0:
            raise ValueError(f"round_seconds must be positive, got {round_seconds}")
        self.round_seconds = round_seconds
        self._host = host
        self._port = port
        self._clock = clock
        self._now = now or (lambda: datetime.now(UTC))
        self._started_clock = clock()
        self._advanced = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._site: Site | None = None

    @property
    def url(self) -> str:
        """The base URL, e.g. "http://127.0.0.1:40123" (no trailing slash)."""
        return self._started().base_url

    @property
    def round(self) -> int:
        """floor(elapsed / round_seconds), plus the rounds added by `advance`."""
        with self._lock:
            elapsed = max(0.0, self._clock() - self._started_clock)
            return int(elapsed // self.round_seconds) + self._advanced

    def advance(self, rounds: int = 1) -> int:
        """Move the boards `rounds` rounds on now (tests use this instead of waiting); returns the new round."""
        with self._lock:
            self._advanced += rounds
        return self.round

    def state(self) -> BoardState:
        return board_state(self.round)

    def sources_toml(self, *, every: str = "1m") -> str:
        return demo_sources_toml(self.url, every=every)

    def start(self) -> DemoBoard:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer((self._host, self._port), _handler(self))
        server.daemon_threads = True
        host, port = server.server_address[0], server.server_address[1]
        host = host.decode() if isinstance(host, bytes) else host
        display = f"[{host}]" if ":" in str(host) else str(host)
        self._site = Site(base_url=f"http://{display}:{port}", started_at=self._now(), round_seconds=self.round_seconds)
        self._server = server
        with self._lock:
            self._started_clock = self._clock()  # rounds count from when the boards are served
        self._thread = threading.Thread(target=server.serve_forever, name="jobfeed-demo-board", daemon=True)
        self._thread.start()
        logger.info("demo board serving on %s (a new round every %ss)", self._site.base_url, self.round_seconds)
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> DemoBoard:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def respond(self, target: str) -> Response:
        return respond(self.state(), self._started(), target, self._now())

    def _started(self) -> Site:
        if self._site is None:
            raise RuntimeError("the demo board is not started; call start() or use it as a context manager")
        return self._site


def _handler(board: DemoBoard) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "jobfeed-demo-board"
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._send(head=False)

        def do_HEAD(self) -> None:
            self._send(head=True)

        def _send(self, *, head: bool) -> None:
            response = board.respond(self.path)
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if not head:
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("demo board: " + format, *args)

    return Handler


# --- the sources file pointing at the boards ------------------------------------------------------------------------


def demo_sources_toml(base_url: str, *, every: str = "1m") -> str:
    """A sources file (TOML) with one source per sample board at `base_url`, every `every` ("30s", "1m").

    >>> 'name = "demo-greenhouse"' in demo_sources_toml("http://127.0.0.1:8123")
    True
    """
    parse_interval(every)  # refuse a bad interval here, not when the scheduler reads the file
    base = base_url.rstrip("/")
    common = {"every": every, "enabled": True, "allow_private_network": True, "obey_robots": True}
    sources: list[dict[str, Any]] = [
        {"name": "demo-aijobs", "kind": "featured-html", "url": f"{base}/", **common, "max_pages": 5},
        {
            "name": "demo-greenhouse",
            "kind": "greenhouse",
            "url": base,
            **common,
            "board": GREENHOUSE_BOARD,
            "company": "Quillstone Analytics",
        },
        {
            "name": "demo-lever",
            "kind": "lever",
            "url": base,
            **common,
            "board": LEVER_SITE,
            "company": "Ferrovia Robotics",
            "page_size": 10,
        },
        {
            "name": "demo-careers",
            "kind": "jsonld",
            "url": f"{base}/careers/",
            **common,
            "follow": "a.job-link",
            "max_pages": 30,
        },
        {"name": "demo-remote-feed", "kind": "rss", "url": f"{base}/remote-jobs.rss", **common, "remote": "remote"},
    ]
    lines = [
        "# Sources of `jobfeed demo`: the sample boards on this machine (scraper/demo), polled every " + every + ".",
        "",
    ]
    for source in sources:
        source["min_delay_seconds"] = 0  # one local server: no host to be polite to
        lines.append("[[source]]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in source.items())
        lines.append("")
    return "\n".join(lines)


def _toml_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)  # a JSON string is a TOML basic string
