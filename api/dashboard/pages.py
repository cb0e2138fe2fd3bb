"""The dashboard's pages: read through `api.queries`, shape what each template shows, render it to HTML.

Templates autoescape every value (scraped strings included); only the SVG of `api.dashboard.charts`,
escaped there, goes in as markup. Owns no HTTP concerns (status codes, caching: `api/routers/dashboard.py`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api import queries
from api.cursor import InvalidCursor, decode_cursor
from api.dashboard import charts
from api.money import annual_usd_text, format_usd, salary_text
from models.enums import RemoteMode, Seniority
from models.schemas import PostingFilters, PostingOut, SalaryStatsOut
from models.taxonomy import Category
from models.text import sanitize_html

PAGE_SIZE = 25
NEWEST_ON_HOME = 12
HISTORY_WEEKS = 52
PAYLOAD_SHOWN_CHARS = 20_000

FLAG_LABELS = {
    "salary_implausible": "Implausible salary",
    "salary_min_gt_max": "Salary minimum above maximum",
    "salary_outlier": "Salary outlier in its category",
}
STATUS_LABELS = {
    "succeeded": "ok",
    "suspect": "suspect",
    "partial": "partial",
    "failed": "failed",
    "running": "running",
    "abandoned": "abandoned",
}
REMOTE_LABELS = {"remote": "Remote", "hybrid": "Hybrid", "onsite": "On-site"}


def _datetime(value: datetime | None) -> str:
    return "–" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _date(value: datetime | date | None) -> str:
    return "–" if value is None else value.strftime("%b %-d, %Y")


def flag_label(code: str) -> str:
    """A flag code in words.

    >>> flag_label("salary_implausible"), flag_label("title_missing_company")
    ('Implausible salary', 'Title missing company')
    """
    return FLAG_LABELS.get(code, code.replace("_", " ").capitalize())


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("api", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(usd=format_usd, datetime=_datetime, date=_date)
    env.globals.update(flag_label=flag_label, status_label=lambda s: STATUS_LABELS.get(s, s))
    return env


_ENV = _environment()  # templates are package data, not configuration: one environment serves every app


def render(template: str, **context: Any) -> str:
    return _ENV.get_template(template).render(**context)


def location_text(posting: PostingOut) -> str:
    loc = posting.location
    parts = [REMOTE_LABELS[loc.remote.value]] if loc.remote is not None else []
    places = loc.cities[:2] + loc.countries[:4] + [r.title() for r in loc.regions[:3]]
    if places:
        parts.append(", ".join(places))
    return " · ".join(parts) or (loc.raw or "Location not stated")


@dataclass(frozen=True, slots=True)
class JobRow:
    posting: PostingOut
    salary: str | None
    location: str
    category_name: str
    salary_flagged: bool


def job_rows(postings: Sequence[PostingOut], names: Mapping[str, str]) -> list[JobRow]:
    return [
        JobRow(
            p,
            salary_text(p.salary),
            location_text(p),
            names.get(p.category, p.category),
            any(f.code.startswith("salary_") for f in p.flags),
        )
        for p in postings
    ]


def _names(taxonomy: Sequence[Category]) -> dict[str, str]:
    return {c.slug: c.name for c in taxonomy}


# ---------------------------------------------------------------------------------------------- home


@dataclass(frozen=True, slots=True)
class CategoryRow:
    slug: str
    name: str
    open_jobs: int
    stats: SalaryStatsOut
    bar: Markup | None


def category_rows(
    counts: Mapping[str, int], stats: Sequence[SalaryStatsOut], taxonomy: Sequence[Category]
) -> tuple[list[CategoryRow], Markup | None]:
    """Categories with open jobs, highest median first (those without quartiles last, by size), and
    their range bars on one shared domain; the axis under them (None when no bar is drawn)."""
    by_slug = {s.category: s for s in stats}
    shown = [c for c in taxonomy if counts.get(c.slug, 0) > 0]
    ranged = [by_slug[c.slug] for c in shown if by_slug[c.slug].p50 is not None]
    domain = charts.range_domain([(s.p25 or 0.0, s.p75 or 0.0) for s in ranged])
    rows = []
    for c in shown:
        s = by_slug[c.slug]
        bar = None
        if s.p25 is not None and s.p50 is not None and s.p75 is not None:
            bar = charts.range_bar(s.p25, s.p50, s.p75, domain)
        rows.append(CategoryRow(c.slug, c.name, counts[c.slug], s, bar))
    rows.sort(key=lambda r: (r.stats.p50 is None, -(r.stats.p50 or 0.0), -r.open_jobs, r.name))
    return rows, charts.range_axis(domain) if ranged else None


def home_page(session: Session, taxonomy: Sequence[Category]) -> str:
    counts = queries.open_jobs_by_category(session)
    stats = queries.salary_stats(session, queries.SalaryScope(), taxonomy)
    rows, axis = category_rows(counts, stats, taxonomy)
    newest = queries.list_postings(session, PostingFilters(limit=NEWEST_ON_HOME)).items
    sources = queries.source_health(session)
    flagged = queries.count_flagged(session, salary_only=True)  # the outliers tile counts salary findings
    return render(
        "home.html",
        title="Jobs and salaries by role",
        nav="home",
        rows=rows,
        axis=axis,
        newest=job_rows(newest, _names(taxonomy)),
        sources=sources,
        open_jobs=sum(counts.values()),
        with_salary=sum(s.count for s in stats),
        flagged=flagged,
        failing=sum(1 for s in sources if s.status in ("failed", "abandoned") or s.suspect),
    )


# ---------------------------------------------------------------------------------------------- category


@dataclass(slots=True)
class JobFilterForm:
    """The category page's filter form as submitted: blank fields mean "any", bad ones are named, not fatal."""

    remote: str = ""
    country: str = ""
    seniority: str = ""
    min_salary: str = ""
    cursor: str = ""
    errors: list[str] = field(default_factory=list)

    def query(self, **changes: str) -> str:
        """The query string of this form (blank fields left out), with `changes` applied."""
        values = {"remote": self.remote, "country": self.country, "seniority": self.seniority}
        values |= {"min_salary": self.min_salary, "cursor": self.cursor, **changes}
        kept = {k: v for k, v in values.items() if v}
        return "?" + urlencode(kept) if kept else ""

    @property
    def active(self) -> bool:
        return any((self.remote, self.country, self.seniority, self.min_salary))


def parse_salary_input(text: str) -> float | None:
    """A minimum salary as typed: "120000", "120k", "$120,000". ValueError when it is not an amount.

    >>> parse_salary_input("120k"), parse_salary_input("$95,000"), parse_salary_input(" ")
    (120000.0, 95000.0, None)
    """
    cleaned = text.strip().lower().replace(",", "").replace("$", "").replace("usd", "").strip()
    if not cleaned:
        return None
    factor = 1000.0 if cleaned.endswith("k") else 1.0
    amount = float(cleaned.removesuffix("k")) * factor
    if not math.isfinite(amount) or amount < 0 or amount > 1e9:
        raise ValueError(text)
    return amount


def parse_filter_form(params: Mapping[str, str], category: str) -> tuple[JobFilterForm, PostingFilters]:
    """The form as submitted and the filters it means; an invalid field is reported and ignored."""

    def given(name: str) -> str:
        return params.get(name, "").strip()[:200]

    form = JobFilterForm(given("remote"), given("country"), given("seniority"), given("min_salary"), given("cursor"))
    values: dict[str, Any] = {"category": category, "limit": PAGE_SIZE}
    if form.remote:
        if form.remote in {m.value for m in RemoteMode}:
            values["remote"] = form.remote
        else:
            form.errors.append("Remote must be remote, hybrid or on-site.")
            form.remote = ""
    if form.country:
        if len(form.country) == 2 and form.country.isascii() and form.country.isalpha():
            form.country = form.country.upper()
            values["country"] = form.country
        else:
            form.errors.append("Country must be a two-letter code such as US, DE or GB.")
            form.country = ""
    if form.seniority:
        if form.seniority in {s.value for s in Seniority}:
            values["seniority"] = form.seniority
        else:
            form.errors.append("Seniority must be one of the listed levels.")
            form.seniority = ""
    if form.min_salary:
        try:
            values["min_salary_usd"] = parse_salary_input(form.min_salary)
        except ValueError:
            form.errors.append("Minimum salary must be an annual amount in US dollars, such as 120000 or 120k.")
            form.min_salary = ""
    if form.cursor:
        try:
            decode_cursor(form.cursor)
            values["cursor"] = form.cursor
        except InvalidCursor:
            form.errors.append("That page link is no longer valid; showing the newest jobs.")
            form.cursor = ""
    try:
        filters = PostingFilters(**values)
    except ValidationError:
        form.errors.append("Those filters could not be read; showing every job.")
        filters = PostingFilters(category=category, limit=PAGE_SIZE)
    return form, filters


BREAKDOWN_COUNTRIES = 10


def category_page(session: Session, taxonomy: Sequence[Category], category: Category, params: Mapping[str, str]) -> str:
    form, filters = parse_filter_form(params, category.slug)
    page = queries.list_postings(session, filters)
    stats = queries.salary_stats(session, queries.SalaryScope(category=category.slug), [category])[0]
    today = datetime.now(UTC).date()
    starts = queries.bucket_starts(today - timedelta(weeks=HISTORY_WEEKS), today, "week")
    history = charts.trim_history(queries.salary_history(session, category.slug, starts, "week"))
    open_jobs = queries.open_jobs_by_category(session).get(category.slug, 0)
    scope = queries.SalaryScope(category=category.slug)
    by_seniority = queries.salary_breakdown(session, scope, [category], "seniority")
    # the countries with the most salaries; a long tail of one-posting countries says little
    by_country = sorted(queries.salary_breakdown(session, scope, [category], "country"), key=lambda s: -s.count)
    next_link = form.query(cursor=page.next_cursor) if page.next_cursor else None
    return render(
        "category.html",
        title=category.name,
        nav="home",
        category=category,
        form=form,
        remote_modes=[(m.value, REMOTE_LABELS[m.value]) for m in RemoteMode],
        seniorities=[s.value for s in Seniority],
        jobs=job_rows(page.items, _names(taxonomy)),
        next_link=next_link,
        first_link=form.query(cursor="") if form.cursor else None,
        open_jobs=open_jobs,
        stats=stats,
        histogram=charts.salary_histogram(stats.histogram),
        history=charts.salary_history_chart(history),
        history_weeks=len(history),
        breakdowns=[("Seniority", by_seniority), ("Country", by_country[:BREAKDOWN_COUNTRIES])],
        min_group=queries.MIN_GROUP_FOR_QUANTILES,
        feeds=[
            (kind, f"/feeds/{category.slug}.{ext}")
            for kind, ext in (("RSS", "rss"), ("Atom", "atom"), ("JSON Feed", "json"))
        ],
    )


# ---------------------------------------------------------------------------------------------- outliers


def outliers_page(session: Session, taxonomy: Sequence[Category], cursor: str, *, every_finding: bool = False) -> str:
    """Postings whose salary was kept out of the statistics, and why; with `every_finding`, every flagged posting
    (a missing company, a date in the future...)."""
    errors = []
    filters = PostingFilters(limit=PAGE_SIZE, include_closed=False)
    if cursor:
        try:
            decode_cursor(cursor)
            filters = filters.model_copy(update={"cursor": cursor})
        except InvalidCursor:
            errors.append("That page link is no longer valid; showing the newest outliers.")
    page = queries.list_postings(session, filters, flagged_only=True, salary_flagged_only=not every_finding)
    show = {"show": "all"} if every_finding else {}
    return render(
        "outliers.html",
        title="Outliers",
        nav="outliers",
        jobs=job_rows(page.items, _names(taxonomy)),
        errors=errors,
        next_link="?" + urlencode({**show, "cursor": page.next_cursor}) if page.next_cursor else None,
        first_link=("/outliers?show=all" if every_finding else "/outliers") if filters.cursor else None,
        every_finding=every_finding,
        salary_flagged=queries.count_flagged(session, salary_only=True),
        flagged=queries.count_flagged(session),
    )


# ---------------------------------------------------------------------------------------------- job


@dataclass(frozen=True, slots=True)
class FieldRow:
    name: str
    value: str
    raw: str | None
    span: int = 1  # rows the raw value's cell covers (the location string feeds four fields); 0: covered above


def _join(values: Sequence[str]) -> str:
    return ", ".join(values) if values else "–"


def _amount(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def field_rows(posting: PostingOut) -> list[FieldRow]:
    """Every normalized field of the record beside the raw value it came from, where one is stored."""
    loc, salary = posting.location, posting.salary
    salary_value = "No salary stated"
    raw_salary = None
    if salary is not None:
        raw_salary = salary.raw
        stated = f"{_amount(salary.min)} – {_amount(salary.max)} {salary.currency or '(currency unknown)'}"
        per = f" per {salary.period.value}" if salary.period is not None else " (period unknown)"
        basis = f", period {salary.period_basis.value}" if salary.period_basis is not None else ""
        annual = f"{annual_usd_text(salary) or 'unknown'} a year"
        salary_value = f"{stated}{per}{basis}; in annual USD: {annual}"
    return [
        FieldRow("Title", posting.title, posting.title_raw),
        FieldRow("Company", posting.company or "–", None),
        FieldRow("Category", posting.category, None),
        FieldRow("Remote", REMOTE_LABELS.get(loc.remote.value, "–") if loc.remote else "–", loc.raw, span=4),
        FieldRow("Countries", _join(loc.countries), None, span=0),
        FieldRow("Regions", _join(loc.regions), None, span=0),
        FieldRow("Cities", _join(loc.cities), None, span=0),
        FieldRow("Employment types", _join([e.value for e in posting.employment_types]), None),
        FieldRow("Seniority", posting.seniority.value if posting.seniority else "–", None),
        FieldRow("Salary", salary_value, raw_salary),
        FieldRow("Tags", _join(posting.tags), None),
        FieldRow("Featured", {True: "yes", False: "no", None: "–"}[posting.featured], None),
        FieldRow("Posted", _datetime(posting.posted_at), None),
        FieldRow("First seen", _datetime(posting.first_seen), None),
        FieldRow("Last seen", _datetime(posting.last_seen), None),
        FieldRow("Closed", _datetime(posting.closed_at) if posting.closed_at else "open", None),
        FieldRow("Source / external id", f"{posting.source} / {posting.external_id}", None),
    ]


def change_value(field_name: str, value: Any) -> str:
    """One side of a recorded change in words (the writer stores salaries and locations as objects).

    >>> change_value("salary", {"raw": "USD 90K", "min": 90000, "max": None, "currency": "USD", "period": "year"})
    'USD 90K'
    >>> change_value("employment_types", ["full-time", "contract"]), change_value("title", None)
    ('full-time, contract', '–')
    """
    if value is None:
        return "–"
    if isinstance(value, dict):
        if value.get("raw"):
            return str(value["raw"])
        if field_name == "salary":
            return f"{_amount(value.get('min'))} – {_amount(value.get('max'))} {value.get('currency') or ''}".strip()
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, list):
        return _join([str(v) for v in value])
    if field_name in ("closed", "reopened") and isinstance(value, str):
        try:
            return _datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _payload_text(payload: Any) -> str | None:
    if payload is None:
        return None
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, indent=2, default=str)
    if len(text) > PAYLOAD_SHOWN_CHARS:
        return text[:PAYLOAD_SHOWN_CHARS] + f"\n… ({len(text) - PAYLOAD_SHOWN_CHARS:,} more characters)"
    return text


def job_page(session: Session, taxonomy: Sequence[Category], posting_id: int) -> str | None:
    """The job page, None when there is no posting `posting_id`."""
    found = queries.get_posting(session, posting_id)
    if found is None:
        return None
    posting, description_html = found
    description = sanitize_html(description_html) or ""
    listings = queries.posting_listings(session, posting_id)
    representative = next((li.posting_id for li in listings if li.representative), None)
    changes = [
        (c.changed_at, c.field, change_value(c.field, c.old), change_value(c.field, c.new))
        for c in queries.posting_history(session, posting_id)
    ]
    return render(
        "job.html",
        title=posting.title,
        nav="",
        posting=posting,
        category_name=_names(taxonomy).get(posting.category, posting.category),
        salary=salary_text(posting.salary),
        location=location_text(posting),
        fields=field_rows(posting),
        listings=listings,
        representative=representative if representative != posting_id else None,
        changes=changes,
        description=Markup(description) if description else None,  # sanitized by nh3 above
        payload=_payload_text(queries.posting_payload(session, posting_id)),
    )


# ---------------------------------------------------------------------------------------------- sources


def sources_page(session: Session) -> str:
    sources = queries.source_health(session)
    return render("sources.html", title="Sources", nav="sources", sources=sources)


def not_found_page(message: str, taxonomy: Sequence[Category]) -> str:
    return render("not_found.html", title="Not found", nav="", message=message, categories=list(taxonomy))
