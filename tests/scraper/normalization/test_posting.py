"""normalize_posting: a parsed page comes out in the record's comparable shape, flags kept, rejects counted."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from models.enums import EmploymentType, Period, PeriodBasis, RemoteMode, Seniority
from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.fetching import Page
from scraper.normalization.posting import NormalizationContext, RejectedPosting, fingerprint, normalize_posting
from scraper.sources.featured_html import FeaturedHtmlSource
from scraper.validation.posting import validate_posting

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sources" / "featured_html"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def context() -> NormalizationContext:
    return NormalizationContext(now=NOW)


def widget_postings(context: NormalizationContext) -> list:  # type: ignore[type-arg]
    config = SourceConfig(name="aijobs", kind="featured-html", url="https://ai-jobs.net/", every_seconds=7200)
    page = Page(
        url="https://ai-jobs.net/insights/some-article/",
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        content=(FIXTURES / "article_widget.html").read_bytes(),
        fetched_at=NOW,
    )
    return [
        validate_posting(normalize_posting(raw, context), rates=context.rates, now=context.now)  # type: ignore[arg-type]
        for raw in FeaturedHtmlSource(config).parse(page)
    ]


def test_the_six_featured_widget_cards(context: NormalizationContext) -> None:
    postings = widget_postings(context)
    summary = [
        (
            p.title,
            p.company,
            p.category,
            p.salary.min if p.salary else None,
            p.salary.max if p.salary else None,
            [f.code for f in p.flags],
        )
        for p in postings
    ]
    assert summary == [
        ("Data Engineer", "Lemon.io", "data-engineer", 60000, 120000, []),
        (
            "Artificial Intelligence – Bioinformatic Expert",
            "University of Texas Medical Branch",
            "bioinformatics",
            1111111000,
            1111111000,
            ["salary_implausible"],
        ),
        ("Lead Developer (AI)", "Cere Network", "ai-engineer", 120000, 160000, []),
        ("Research Engineer", "Allora Labs", "research-scientist", 160000, 180000, []),
        ("Ecosystem Manager", "Allora Labs", "developer-relations", 100000, 120000, []),
        ("Founding AI Engineer, Agents", "Occam AI", "ai-engineer", 100000, 180000, []),
    ]


def test_the_contract_example_card(context: NormalizationContext) -> None:
    first = widget_postings(context)[0]
    assert first.featured is True
    assert first.location.raw == "Remote: Europe, LATAM, Canada, UK, Asia, Oceania"
    assert first.location.remote is RemoteMode.REMOTE
    assert first.location.countries == ("CA", "GB")
    assert first.location.regions == ("EUROPE", "LATAM", "ASIA", "OCEANIA")
    assert first.employment_types == (EmploymentType.FULL_TIME, EmploymentType.FREELANCE, EmploymentType.CONTRACT)
    assert first.seniority is Seniority.SENIOR
    assert first.salary is not None
    assert (first.salary.currency, first.salary.period, first.salary.period_basis) == (
        "USD",
        Period.YEAR,
        PeriodBasis.INFERRED,
    )
    assert (first.salary.annual_usd_min, first.salary.annual_usd_max) == (60000, 120000)


def raw(**fields: object) -> RawPosting:
    base: dict[str, object] = {
        "source": "test",
        "external_id": "1",
        "url": "https://example.com/jobs/1",
        "title": "Data Engineer",
        "company": "Acme",
    }
    base.update(fields)
    return RawPosting(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [({"title": None}, "no_title"), ({"title": " \x00 "}, "no_title"), ({"url": None}, "no_url")],
    ids=["no title", "control-only title", "no url"],
)
def test_rejects_what_cannot_be_a_posting(context: NormalizationContext, fields: dict, reason: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(RejectedPosting) as caught:
        normalize_posting(raw(**fields), context)
    assert caught.value.reason == reason


def test_text_is_stored_clean(context: NormalizationContext) -> None:
    posting = normalize_posting(
        raw(
            title="Data\x00 Engineer\x07",
            company="Acme\x1b",
            description_html=(
                '<p onmouseover="x()">Build <script>alert(1)</script><a href="javascript:x()">pipes</a></p>'
            ),
            tags=("Python", "python", " SQL\x00 "),
        ),
        context,
    )
    assert posting.title == "Data Engineer"
    assert posting.company == "Acme"
    assert posting.tags == ("Python", "SQL")
    assert posting.description_html is not None
    for needle in ("script", "onmouseover", "javascript:"):
        assert needle not in posting.description_html


def test_flags_are_kept_not_dropped(context: NormalizationContext) -> None:
    normalized = normalize_posting(raw(company=None, salary_text="USD 120K - 60K"), context)
    assert normalized.flags == ()  # normalization reads; validation, one step after, judges
    posting = validate_posting(normalized, rates=context.rates, now=context.now)
    codes = {flag.code for flag in posting.flags}
    assert {"salary_min_gt_max", "company_missing"} <= codes
    assert posting.salary is not None and posting.salary.min == 120000
    assert dataclasses.replace(posting, flags=()) == normalized


def test_board_category_is_a_fallback_only(context: NormalizationContext) -> None:
    assert normalize_posting(raw(title="Rockstar Ninja", category_hint="Data Analysis"), context).category == (
        "data-analyst"
    )
    assert normalize_posting(raw(title="Data Engineer", category_hint="Sales"), context).category == "data-engineer"


def test_fingerprint_ignores_case_accents_and_punctuation() -> None:
    assert fingerprint("Zürich AI AG", "ML Engineer", "Zürich, CH") == fingerprint(
        "ZURICH AI AG.", "ml engineer", "zurich ch"
    )
    assert fingerprint("Acme", "ML Engineer", "Berlin") != fingerprint("Acme", "ML Engineer", "Paris")


@pytest.mark.parametrize(
    ("valid_through", "fetched_at", "expired"),
    [
        ("2026-08-01", datetime(2026, 8, 1, 23, 0, tzinfo=UTC), False),  # a bare date runs through its day
        ("2026-08-01", datetime(2026, 8, 2, 0, 1, tzinfo=UTC), True),
        ("Wed, 02 Sep 2026 07:00:00 +0000", NOW, True),
        ("2026-11-10T23:59:00+02:00", NOW, True),
        ("2027-01-31", NOW, False),
        ("until filled", NOW, False),  # unreadable: unknown, so not expired
    ],
    ids=str,
)
def test_a_posting_past_its_own_valid_through_is_rejected_as_expired(
    context: NormalizationContext, valid_through: str, fetched_at: datetime, expired: bool
) -> None:
    posting = raw(valid_through=valid_through, fetched_at=fetched_at)
    if expired:
        with pytest.raises(RejectedPosting) as caught:
            normalize_posting(posting, context)
        assert caught.value.reason == "expired"
    else:
        assert normalize_posting(posting, context).title == "Data Engineer"


# Where a salary came from, and the period a bare figure gets (issue 13.1, 13.3)
ORIGIN_CASES = [
    # a structured value wins over any text, and says so
    (
        {
            "salary_format": "lever",
            "salary_data": {"currency": "USD", "interval": "per-year-salary", "min": 150000, "max": 190000},
            "salary_text": "$1 - $2",
            "description_html": "<p>Salary: $60,000 - $70,000 per year</p>",
        },
        ("structured", 150_000, 190_000, "year", "stated"),
    ),
    # the source's salary text
    ({"salary_text": "$38 — $45.50 USD", "description_html": None}, ("text", 38, 45.5, None, "inferred")),
    # the description, when nothing else states pay
    (
        {"description_html": "<p>The estimated salary range for this position is $60,000 - $97,000/year.</p>"},
        ("text", 60_000, 97_000, "year", "stated"),
    ),
    # a bare structured number with a currency gets its period by the text rule (Greenhouse "Salary" metadata)
    (
        {
            "salary_format": "greenhouse",
            "salary_data": {
                "metadata": [
                    {"name": "Salary", "value_type": "currency", "value": {"unit": "USD", "amount": "168500.0"}}
                ]
            },
        },
        ("structured", 168_500, 168_500, "year", "inferred"),
    ),
    # "USD 3K - 4K" is implausible as yearly pay: the inferred period is monthly
    ({"salary_text": "USD 3K - 4K"}, ("text", 3_000, 4_000, "month", "inferred")),
    ({"salary_text": "VND 25,000,000 - 35,000,000"}, ("text", 25_000_000, 35_000_000, "month", "inferred")),
    # a stated period is never changed
    ({"salary_text": "$5,000 per year"}, ("text", 5_000, 5_000, "year", "stated")),
]


@pytest.mark.parametrize(("fields", "expected"), ORIGIN_CASES, ids=[str(i) for i in range(len(ORIGIN_CASES))])
def test_salary_origin_and_period(context: NormalizationContext, fields: dict, expected: tuple) -> None:  # type: ignore[type-arg]
    salary = normalize_posting(raw(**fields), context).salary
    assert salary is not None and salary.origin is not None and salary.period_basis is not None
    period = salary.period.value if salary.period else None
    assert (salary.origin.value, salary.min, salary.max, period, salary.period_basis.value) == expected


def test_no_salary_anywhere_is_none(context: NormalizationContext) -> None:
    posting = normalize_posting(raw(description_html="<p>We raised a $2M seed round.</p>"), context)
    assert posting.salary is None


def test_a_zero_salary_is_flagged_and_not_kept(context: NormalizationContext) -> None:
    normalized = normalize_posting(raw(salary_text="Salary: $0"), context)
    assert normalized.salary is not None and normalized.salary.max == 0
    posting = validate_posting(normalized, rates=context.rates, now=context.now)
    assert posting.salary is None
    assert [flag.code for flag in posting.flags] == ["salary_not_positive"]
