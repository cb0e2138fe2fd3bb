"""json-api adapter: RemoteOK, Remotive and a custom mapping over real-format payloads; config errors; fetch."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import Period, PeriodBasis
from models.records import RawPosting, Salary
from scraper.errors import ParseError, SourceConfigError
from scraper.fetching import Fetcher
from scraper.normalization.stated import read_stated_salary
from scraper.normalization.stated.amounts import salary_from_remoteok
from scraper.sources.json_api import PRESETS, JsonApiSource
from tests.properties import examples
from tests.scraper.sources._kit import Kit, assert_golden, parses_to_postings_or_errors
from tests.scraper.sources._stated import Parsed, expect, parsed

FETCHED_AT = datetime(2026, 9, 21, 12, 0, tzinfo=UTC)
REMOTEOK = "https://remoteok.com/api"
REMOTIVE = "https://remotive.com/api/remote-jobs"
CUSTOM = "https://api.terrasignal.example/v2/jobs"
STATED = PeriodBasis.STATED
ROK = "https://remoteOK.com/remote-jobs"
CUSTOM_OPTIONS: dict[str, Any] = {
    "items": "data.results",
    "company": "Terra Signal",
    "salary_currency": "EUR",
    "salary_period": "year",
    "fields": {
        "external_id": "job_id",
        "title": "name",
        "company": "org.name",
        "url": "links.self",
        "apply_url": "links.apply",
        "locations": ["where.primary", "where.others"],
        "employment_type": "kind",
        "seniority": "level",
        "salary_min": "pay.from",
        "salary_max": "pay.to",
        "tags": "skills",
        "posted_at": "posted",
        "description_html": "html",
        "category_hint": "area",
    },
}

KIT = Kit(JsonApiSource, "board", "json-api", FETCHED_AT, REMOTEOK)
FIXTURES = KIT.fixtures
make_source = KIT.source
fixture_page = KIT.page


def strip(result: RawPosting | ParseError) -> Parsed | ParseError:
    """The posting without the audit payload and fetch time (checked separately), with its salary as read."""
    return parsed(result)


def rok(**fields: Any) -> Parsed:
    return expect(**{"source": "board", "remote": "true", **fields})


def usd_year(low: float | None, high: float | None, raw: str) -> Salary:
    return Salary(min=low, max=high, currency="USD", period=Period.YEAR, period_basis=STATED, raw=raw)


REMOTEOK_JOBS = [
    rok(
        external_id="1140021",
        url=f"{ROK}/remote-senior-mlops-engineer-driftwave-1140021",
        title="Senior MLOps Engineer",
        company="Driftwave",
        locations=("Worldwide",),
        tags=("mlops", "kubernetes", "python", "senior"),
        salary=usd_year(140000.0, 185000.0, "USD 140000-185000 / year"),
        posted_at="1789912800",  # epoch seconds
        description_html=(
            "<p>Run training infra.</p><br/><br/>Please mention the word **LANTERN** and tag RMzguMTI3LjAuMC4x when "
            "applying to show you read the job post completely (#RMzguMTI3LjAuMC4x)."
        ),
        apply_url=f"{ROK}/remote-senior-mlops-engineer-driftwave-1140021",
    ),
    rok(
        external_id="1140022",
        url=f"{ROK}/remote-data-entry-clerk-opsly-1140022",
        title="Data Entry Clerk",
        company="Opsly",
        tags=("non tech",),  # location "" is no location; salary 0/0 is no salary
        posted_at="1789916400",
        description_html="<p>Keep records tidy.</p>",
        apply_url=f"{ROK}/remote-data-entry-clerk-opsly-1140022",
    ),
    rok(
        external_id="1140023",
        url=f"{ROK}/remote-frontend-developer-pixelnorth-1140023",
        title="Frontend Developer",
        company="PixelNorth",
        locations=("Europe, UK",),
        tags=("react", "typescript"),
        salary=usd_year(90000.0, None, "USD 90000+ / year"),  # salary_max 0: open-ended
        posted_at="1789920000",
        description_html="<p>Build UI.</p>",
    ),
]

REMOTEOK_VARIANTS: list[RawPosting | str] = [
    rok(  # no legal notice first: skip_first keeps an element 0 that is a job
        external_id="1140031",
        url=f"{ROK}/remote-ai-product-manager-lattice-1140031",
        title="AI Product Manager",
        company="Lattice Loop",
        locations=("United States",),
        tags=("product", "ai"),
        salary=usd_year(None, 150000.0, "USD up to 150000 / year"),
        posted_at="1789930000",
        description_html="<p>Own the roadmap.</p>",
        apply_url=f"{ROK}/remote-ai-product-manager-lattice-1140031",
    ),
    rok(
        external_id="1140032",
        url="https://remoteok.com/remote-jobs/remote-copywriter-inkwell-1140032",  # relative, made absolute
        title="Copywriter",
        company="Inkwell",
        posted_at="2026-09-20T19:00:00+00:00",  # no epoch: the ISO date
        description_html="<p>Write words &amp; more words.</p>",
    ),
    "item #2: an item is a JSON str, expected an object",
    "item #3 (id '1140034'): 'title' is a JSON dict, expected text",
]

REMOTIVE_JOBS = [
    rok(
        external_id="2041187",
        url="https://remotive.com/remote-jobs/ai-ml/senior-ai-engineer-2041187",
        title="Senior AI Engineer",
        company="Cobalt Harbor",  # trailing space trimmed
        locations=("USA, Canada",),
        employment_type="full_time",
        salary_text="$160,000 - $210,000",
        tags=("python", "llm", "rag"),
        posted_at="2026-09-18T07:41:02",
        description_html="<p>Design retrieval pipelines.</p>",
        category_hint="Artificial Intelligence",
    ),
    rok(
        external_id="2041190",
        url="https://remotive.com/remote-jobs/customer-support/support-lead-2041190",
        title="Support Lead",
        company="Hearth",
        locations=("Worldwide",),
        posted_at="2026-09-17T22:05:59",
        description_html="<p>Lead the queue.</p>",
        category_hint="Customer Service",
    ),
    rok(
        external_id="2041201",
        url="https://remotive.com/remote-jobs/data/data-analyst-2041201",
        title="Data Analyst (Contract)",
        company="Confidential",
        locations=("Europe, UK timezones +/- 2h",),
        employment_type="contract",
        salary_text="€45/hour, ~6 months",
        posted_at="2026-09-17T10:00:00",
        description_html="<p>SQL &amp; dashboards.</p>",
        category_hint="Data and Analytics",
    ),
]

CUSTOM_JOBS = [
    expect(
        source="board",
        external_id="88101",
        url="https://api.terrasignal.example/jobs/88101",
        title="Geospatial Data Scientist",
        company="Terra Signal",
        locations=("Lisbon", "Porto", "Remote (EU)"),
        employment_type="Full-time",
        seniority="Mid",
        salary=Salary(
            min=55000.0,
            max=70000.0,
            currency="EUR",
            period=Period.YEAR,
            period_basis=STATED,
            raw="EUR 55000-70000 / year",
        ),
        tags=("Python", "GDAL"),
        posted_at="2026-09-15",
        description_html="<p>Maps &amp; models.</p>",
        apply_url="https://terrasignal.example/apply/88101",
        category_hint="Data",
    ),
    expect(
        source="board",
        external_id="88102",
        url="https://jobs.terrasignal.example/jobs/88102",
        title="Field Technician",
        company="Terra Signal",  # org null: the configured company
        locations=("Faro",),
        posted_at="2026-09-16",
    ),
]


@pytest.mark.parametrize(
    ("fixture", "url", "options", "items", "expected"),
    [
        ("remoteok.json", REMOTEOK, {"preset": "remoteok"}, lambda d: d[1:], REMOTEOK_JOBS),
        ("remoteok_variants.json", REMOTEOK, {"preset": "remoteok"}, lambda d: d, REMOTEOK_VARIANTS),
        ("remotive.json", REMOTIVE, {"preset": "remotive"}, lambda d: d["jobs"], REMOTIVE_JOBS),
        ("custom.json", CUSTOM, CUSTOM_OPTIONS, lambda d: d["data"]["results"], CUSTOM_JOBS),
    ],
    ids=["remoteok.json", "remoteok_variants.json", "remotive.json", "custom.json"],
)
def test_golden_parse(fixture: str, url: str, options: dict[str, Any], items: Any, expected: list[Any]) -> None:
    results = list(make_source(url, **options).parse(fixture_page(fixture, url)))
    originals = items(json.loads((FIXTURES / fixture).read_text()))

    assert_golden(results, expected, originals, url=url, fetched_at=FETCHED_AT, compare=strip)
    assert all(r.featured is None for r in results if isinstance(r, RawPosting))


def test_remoteok_preset_salary_is_salary_from_remoteok() -> None:
    (first, *_rest) = make_source(preset="remoteok").parse(fixture_page("remoteok.json", REMOTEOK))
    assert isinstance(first, RawPosting)
    assert first.salary_format == "amounts"
    assert read_stated_salary(first.salary_format, first.salary_data) == salary_from_remoteok(140000, 185000)


def test_options_override_a_preset_key_by_key() -> None:
    source = make_source(preset="remoteok", fields={"posted_at": "date"}, remote="Remote only")
    (first, *_rest) = source.parse(fixture_page("remoteok.json", REMOTEOK))
    assert isinstance(first, RawPosting)
    assert (first.posted_at, first.remote, first.title) == (
        "2026-09-20T14:00:00+00:00",
        "Remote only",
        "Senior MLOps Engineer",
    )


@pytest.mark.parametrize(
    ("fixture", "url", "preset", "content_type", "message"),
    [
        ("maintenance.html", REMOTEOK, "remoteok", "text/html", r"got an HTML page \('Just a moment...'\)"),
        ("maintenance.html", REMOTEOK, "remoteok", "application/json", "got an HTML page"),
        ("empty_object.json", REMOTEOK, "remoteok", "application/json", r"list of jobs as the document, got \{\}"),
        ("empty_list.json", REMOTEOK, "remoteok", "application/json", "the board lists no jobs"),
        ("remoteok_notice_only.json", REMOTEOK, "remoteok", "application/json", "the board lists no jobs"),
        ("remotive.json", REMOTEOK, "remoteok", "application/json", "got an object with keys '0-legal-notice'"),
        ("maintenance.html", REMOTIVE, "remotive", "text/html", "got an HTML page"),
        ("empty_object.json", REMOTIVE, "remotive", "application/json", r"list of jobs at jobs, got \{\}"),
        ("empty_list.json", REMOTIVE, "remotive", "application/json", r"list of jobs at jobs, got \[\]"),
        ("remotive_empty.json", REMOTIVE, "remotive", "application/json", "the board lists no jobs"),
    ],
    ids=[
        "remoteok-maintenance.html",
        "remoteok-html-as-json",
        "remoteok-{}",
        "remoteok-[]",
        "remoteok-notice-only",
        "remoteok-got-remotive",
        "remotive-maintenance.html",
        "remotive-{}",
        "remotive-[]",
        "remotive-jobs-empty",
    ],
)
def test_wrong_content_raises(fixture: str, url: str, preset: str, content_type: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        list(make_source(url, preset=preset).parse(fixture_page(fixture, url, content_type=content_type)))


def test_empty_list_allowed_when_configured() -> None:
    source = make_source(preset="remoteok", allow_empty=True)
    assert list(source.parse(fixture_page("remoteok_notice_only.json", REMOTEOK))) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"preset": "indeed"}, "key 'preset' must be one of remoteok, remotive"),
        ({}, "key 'fields' is required"),
        ({"fields": {"company": "org"}}, "key 'fields.title' is required"),
        ({"fields": {"title": "name", "salary": "pay"}}, "key 'fields.salary' is not one of"),
        ({"fields": {"title": 3}}, "key 'fields.title' must be a path or a list of paths"),
        ({"fields": {"title": []}}, "key 'fields.title' must be a path or a list of paths"),
        ({"preset": "remotive", "fields": "title"}, "key 'fields' must be a table"),
        ({"fields": {"title": "name"}, "salary_period": "fortnight"}, "key 'salary_period' must be one of hour"),
        ({"fields": {"title": "name"}, "items": ["jobs"]}, "key 'items' must be a string"),
        ({"fields": {"title": "name"}, "skip_first": 1}, "key 'skip_first' must be true or false"),
    ],
    ids=[
        "unknown-preset",
        "no-fields",
        "no-title",
        "unknown-field",
        "path-not-string",
        "path-list-empty",
        "fields-not-table",
        "bad-period",
        "items-not-string",
        "skip-first-not-bool",
    ],
)
def test_bad_options_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(SourceConfigError, match=message):
        make_source(**options)


@pytest.mark.parametrize(
    ("url", "preset", "fixture", "expected"),
    [(REMOTEOK, "remoteok", "remoteok.json", REMOTEOK_JOBS), (REMOTIVE, "remotive", "remotive.json", REMOTIVE_JOBS)],
    ids=["remoteok", "remotive"],
)
def test_fetch_reads_the_url_once(
    fetcher: Fetcher, url: str, preset: str, fixture: str, expected: list[RawPosting]
) -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.get(url).respond(
            200, content=(FIXTURES / fixture).read_bytes(), headers={"content-type": "application/json"}
        )
        source = make_source(url, preset=preset)
        pages = list(source.fetch(fetcher))

    assert route.call_count == 1
    assert str(route.calls.last.request.url) == url
    assert [strip(result) for page in pages for result in source.parse(page)] == expected


# Items built from the keys the presets read, with values of every JSON type: parse never raises anything but
# ParseError, and yields only RawPosting or ParseError.
KEYS = sorted(
    {
        path
        for preset in PRESETS.values()
        for spec in preset["fields"].values()
        for path in ([spec] if isinstance(spec, str) else spec)
    }
)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
ITEMS = st.dictionaries(st.sampled_from(KEYS), JSON_VALUES, max_size=8) | JSON_VALUES


@settings(max_examples=examples(200), deadline=None)
@given(
    preset=st.sampled_from(sorted(PRESETS)),
    document=st.lists(ITEMS, max_size=4) | st.fixed_dictionaries({"jobs": st.lists(ITEMS, max_size=4)}) | JSON_VALUES,
)
def test_parse_raises_only_parse_error(preset: str, document: Any) -> None:
    parses_to_postings_or_errors(make_source(preset=preset), KIT.json_page(document, REMOTEOK))
