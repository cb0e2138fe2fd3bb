"""RawPosting -> NormalizedPosting: every field through its normalizer; no judgement (scraper/validation flags after).

Pure: the rate table, title rules and the clock come in through a NormalizationContext.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from models.enums import SalaryOrigin
from models.records import BOARD_FINGERPRINT_PREFIX, Location, NormalizedPosting, RawPosting, Salary
from models.text import clean_text, sanitize_html
from scraper.errors import ScraperError
from scraper.normalization.currency import Rates, annualize, load_rates
from scraper.normalization.dates import parse_posted_at, parse_valid_through
from scraper.normalization.employment import parse_employment_types
from scraper.normalization.location import parse_location
from scraper.normalization.pay_in_text import salary_in_text
from scraper.normalization.pay_period import infer_period
from scraper.normalization.salary import parse_salary
from scraper.normalization.seniority import parse_seniority
from scraper.normalization.stated import read_stated_salary
from scraper.normalization.title import TitleRules, classify_title, clean_title, load_title_rules

FALLBACK_CATEGORY = "other"


class RejectedPosting(ScraperError):
    """A record that cannot be an open posting (no title, no URL, expired by its own date); counted by
    `reason` in the run record, never stored."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class NormalizationContext:
    rates: Rates = field(default_factory=load_rates)
    rules: TitleRules = field(default_factory=load_title_rules)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


def normalize_posting(raw: RawPosting, context: NormalizationContext) -> NormalizedPosting:
    """The comparable shape of one raw posting; RejectedPosting when it has no title or no URL."""
    title_raw = clean_text(raw.title)
    if title_raw is None:
        raise RejectedPosting("no_title", f"{raw.source}: a posting without a title ({raw.url or raw.external_id})")
    url = clean_text(raw.url)
    if url is None:
        raise RejectedPosting("no_url", f"{raw.source}: {title_raw!r} has no URL")
    seen_at = raw.fetched_at or context.now
    valid_through = parse_valid_through(raw.valid_through, now=seen_at)
    if valid_through is not None and valid_through <= seen_at:
        # The source says it has ended (JSON-LD validThrough, a feed's expires_at: FORMATS.md 7, 8a); unseen, it closes.
        raise RejectedPosting("expired", f"{raw.source}: {title_raw!r} expired on {valid_through:%Y-%m-%d %H:%M} UTC")
    title = clean_title(title_raw) or title_raw
    company = clean_text(raw.company)
    category = classify_title(title, rules=context.rules).slug
    if category == FALLBACK_CATEGORY and raw.category_hint:
        hinted = classify_title(raw.category_hint, rules=context.rules).slug
        category = hinted if hinted != FALLBACK_CATEGORY else category
    location = parse_location([t for t in (clean_text(x) for x in raw.locations) if t], remote_hint=raw.remote)
    seniority, _basis = parse_seniority(clean_text(raw.seniority), title_raw)
    salary = _salary(raw, context.rates)
    posted_at = parse_posted_at(raw.posted_at, now=seen_at)
    external_id = clean_text(raw.external_id) or url
    return NormalizedPosting(
        source=raw.source,
        external_id=external_id,
        url=url,
        title=title,
        title_raw=title_raw,
        company=company,
        category=category,
        location=location,
        employment_types=parse_employment_types(clean_text(raw.employment_type)),
        seniority=seniority,
        tags=_tags(raw.tags),
        salary=salary,
        featured=raw.featured,
        posted_at=posted_at,
        description_html=sanitize_html(raw.description_html),
        apply_url=clean_text(raw.apply_url),
        fingerprint=(None if company else board_fingerprint(url, title, location, salary, posted_at))
        or fingerprint(company, title, location.raw),
        payload=raw.payload,
    )


def _salary(raw: RawPosting, rates: Rates) -> Salary | None:
    """The structured salary the source states, else one read in its salary text, else in the description."""
    salary = read_stated_salary(raw.salary_format, raw.salary_data)
    origin = SalaryOrigin.STRUCTURED
    if salary is None:
        salary = parse_salary(clean_text(raw.salary_text)) or salary_in_text(raw.description_html)
        origin = SalaryOrigin.TEXT
    if salary is None:
        return None
    salary = infer_period(salary, rates)
    low, high = annualize(salary, rates)
    return dataclasses.replace(salary, annual_usd_min=low, annual_usd_max=high, origin=origin)


def _tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for tag in tags:
        cleaned = clean_text(tag)
        if cleaned and cleaned.casefold() not in seen:
            seen[cleaned.casefold()] = cleaned
    return tuple(seen.values())


_NON_WORD = re.compile(r"[^a-z0-9]+")
# Hosts that are one board under two names: ai-jobs.net answers 301 to aijobs.net (docs/FORMATS.md, section 1),
# so a posting read from either URL form is one posting.
BOARD_HOST_ALIASES = {"ai-jobs.net": "aijobs.net"}


def _key(text: str | None) -> str:
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return _NON_WORD.sub(" ", folded).strip()


def fingerprint(company: str | None, title: str, location: str | None) -> str:
    """A stable key for "the same job" across sources: company, title and location, case/accent/punctuation-blind.

    >>> fingerprint("Acme AI", "Data Engineer", "Remote") == fingerprint("ACME  AI.", "data engineer", "remote")
    True
    """
    key = "|".join((_key(company), _key(title), _key(location)))
    return hashlib.sha256(key.encode()).hexdigest()


def board_fingerprint(
    url: str, title: str, location: Location, salary: Salary | None, posted_at: datetime | None
) -> str | None:
    """The key for "the same job" of a posting that names no company: on one board (the host of its URL), the
    same title, location, salary and posting date are one posting. None without a salary or a date: title and
    location alone would join different employers' postings of one day.

    The location counts as read (countries, regions, cities), so two sources printing it differently agree; the
    date counts by its UTC day, so "3 hours ago" read by two runs of one day agrees. The key starts with
    BOARD_FINGERPRINT_PREFIX, which tells storage's dedup pass it may link a posting without a company.

    >>> salary = Salary(190000, 260000, "USD", None, "stated", "$190K-$260K")
    >>> day = datetime(2026, 11, 29, 9, tzinfo=UTC)
    >>> remote_us = Location("Remote - US", countries=("US",))
    >>> a = board_fingerprint("https://ai-jobs.net/job/1/", "Staff LLM Engineer", remote_us, salary, day)
    >>> a == board_fingerprint("https://www.AI-jobs.net/j/1", "staff llm engineer", remote_us, salary, day)
    True
    >>> a == board_fingerprint("https://aijobs.net/job/1/", "Staff LLM Engineer", remote_us, salary, day)
    True
    >>> a.startswith(BOARD_FINGERPRINT_PREFIX), len(a)
    (True, 64)
    >>> board_fingerprint("https://ai-jobs.net/job/1/", "Staff LLM Engineer", remote_us, None, day) is None
    True
    """
    if salary is None or posted_at is None:
        return None
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    host = BOARD_HOST_ALIASES.get(host, host)
    places = [",".join(location.countries), ",".join(location.regions), ",".join(map(_key, location.cities))]
    where = "/".join(places) if any(places) else _key(location.raw)
    pay = f"{salary.min} {salary.max} {salary.currency} {salary.period}"
    day = posted_at.astimezone(UTC).date().isoformat()
    key = "|".join((host, _key(title), where, pay, day))
    digest = hashlib.sha256(key.encode()).hexdigest()
    return BOARD_FINGERPRINT_PREFIX + digest[: 64 - len(BOARD_FINGERPRINT_PREFIX)]
