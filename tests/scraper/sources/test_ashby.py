"""Ashby adapter: golden parses of real-format boards, wrong content, endpoint rules and fetch over respx."""

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
from scraper.sources.ashby import AshbySource
from tests.properties import examples
from tests.scraper.sources._json_strategies import json_values
from tests.scraper.sources._kit import Kit, assert_golden, parses_to_postings_or_errors
from tests.scraper.sources._stated import Parsed, expect, parsed

FETCHED_AT = datetime(2026, 9, 21, 12, 0, tzinfo=UTC)
API = "https://api.ashbyhq.com/posting-api/job-board/LumenLabs?includeCompensation=true"
STATED = PeriodBasis.STATED
LUMEN = "https://jobs.ashbyhq.com/lumenlabs"
LUMEN_CASED = "https://jobs.ashbyhq.com/LumenLabs"

KIT = Kit(AshbySource, "lumen", "ashby", FETCHED_AT, "https://api.ashbyhq.com", page_url=API)
FIXTURES = KIT.fixtures
make_source = KIT.source
fixture_page = KIT.page


def posting(**fields: Any) -> Parsed:
    return expect(**{"source": "lumen", "company": "LumenLabs", **fields})  # the board slug made readable


def strip(result: RawPosting | ParseError) -> Parsed | ParseError:
    """The posting without the audit payload and fetch time (checked separately), with its salary as read."""
    return parsed(result)


BOARD = [
    posting(
        external_id="5b8e2f4a-1c3d-4e6f-9a0b-2c4d6e8f0a1b",
        url=f"{LUMEN}/5b8e2f4a-1c3d-4e6f-9a0b-2c4d6e8f0a1b",
        title="Founding ML Engineer",
        locations=("San Francisco, CA (HQ)", "Remote (US)", "Toronto"),
        remote="Hybrid",  # workplaceType wins over isRemote=true
        employment_type="FullTime",
        salary_text="$180K – $240K • Offers Equity",  # read only when no Salary component is stated
        salary=Salary(
            min=180000.0,
            max=240000.0,
            currency="USD",
            period=Period.YEAR,
            period_basis=STATED,
            raw="USD 180000-240000 / 1 YEAR",
        ),
        posted_at="2026-09-01T16:05:12.418+00:00",
        description_html="<p>Ship agents to production.</p>",
        apply_url=f"{LUMEN}/5b8e2f4a-1c3d-4e6f-9a0b-2c4d6e8f0a1b/application",
        category_hint="Applied AI",
    ),
    posting(
        external_id="0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d",
        url=f"{LUMEN}/0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d",
        title="Solutions Engineer, EMEA",
        locations=("London",),
        remote="OnSite",
        employment_type="FullTime",
        posted_at="2026-08-28T09:00:00.000+00:00",
        description_html="<p>Help customers.</p>",
        apply_url=f"{LUMEN}/0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d/application",
        category_hint="Solutions",
    ),
    posting(
        external_id="9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
        url=f"{LUMEN}/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
        title="Research Intern",
        locations=("Bengaluru",),
        remote="false",  # workplaceType null: isRemote as found
        employment_type="Intern",
        salary_text="₹60K – ₹80K / month",  # a Stipend component is not a Salary
        posted_at="2026-09-03T04:30:00Z",
        description_html="<p>Summer research internship.</p>",
        apply_url=f"{LUMEN}/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a/application",
        category_hint="Research",
    ),
]

VARIANTS: list[RawPosting | str] = [
    posting(
        external_id="1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        url=f"{LUMEN_CASED}/1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        title="Support Engineer (Contract)",
        locations=("Remote - Americas", "Bogotá"),
        remote="Remote",
        employment_type="Contract",
        salary_text="$55 – $70 per hour",  # read only when no Salary component is stated
        salary=Salary(
            min=55.0, max=70.0, currency="USD", period=Period.HOUR, period_basis=STATED, raw="USD 55-70 / 1 HOUR"
        ),
        posted_at="2026-09-05T12:00:00.000+00:00",
        description_html="<p>Answer tickets.</p>",
        apply_url=f"{LUMEN_CASED}/1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f/application",
        category_hint="Support",
    ),
    posting(
        external_id="2e3f4051-6b7c-4d8e-9f0a-1b2c3d4e5f60",
        url=f"{LUMEN_CASED}/2e3f4051-6b7c-4d8e-9f0a-1b2c3d4e5f60",
        title="Payroll Specialist",
        locations=("Dublin",),
        remote="OnSite",
        employment_type="PartTime",
        # "2 WEEK": per week, amounts halved; raw keeps the stated figures
        salary_text="€1.6K – €2K / 2 weeks",  # read only when no Salary component is stated
        salary=Salary(
            min=800.0, max=1000.0, currency="EUR", period=Period.WEEK, period_basis=STATED, raw="EUR 1600-2000 / 2 WEEK"
        ),
        posted_at="2026-09-06T08:00:00.000+00:00",
        description_html="<p>Run payroll.</p>",
        apply_url=f"{LUMEN_CASED}/2e3f4051-6b7c-4d8e-9f0a-1b2c3d4e5f60/application",
        category_hint="Finance",
    ),
    posting(
        external_id="3f405162-7c8d-4e9f-a01b-2c3d4e5f6071",  # no id: the jobUrl tail
        url=f"{LUMEN_CASED}/3f405162-7c8d-4e9f-a01b-2c3d4e5f6071",
        title="Staff Engineer, Inference",
        locations=("Bengaluru", "Hyderabad"),
        remote="true",
        employment_type="FullTime",
        salary_text="₹20L – ₹30L",  # tiers empty: only the summary states pay
        posted_at="2026-09-07T04:30:00Z",
        description_html="<p>Make inference fast.<br>Very fast.</p>",
        apply_url=f"{LUMEN_CASED}/3f405162-7c8d-4e9f-a01b-2c3d4e5f6071/application",
        category_hint="Inference",
    ),
    posting(
        external_id="40516273-8d9e-4f0a-b12c-3d4e5f607182",
        url=f"{LUMEN_CASED}/40516273-8d9e-4f0a-b12c-3d4e5f607182",
        title="Head of Design",
        locations=("New York, NY",),
        remote="Hybrid",
        employment_type="FullTime",
        salary_text="Offers Equity",  # equity only: no salary
        posted_at="2026-09-08T15:00:00.000+00:00",
        description_html="<p>Lead design.</p>",
        apply_url=f"{LUMEN_CASED}/40516273-8d9e-4f0a-b12c-3d4e5f607182/application",
        category_hint="Design",
    ),
    posting(
        external_id="51627384-9e0f-4a1b-823c-4d5e6f708293",
        url=f"{LUMEN_CASED}/51627384-9e0f-4a1b-823c-4d5e6f708293",
        title="Recruiting Coordinator",
        locations=("London",),
        remote="OnSite",
        employment_type="Temporary",
        # tiers in two currencies do not merge: the first tier stands
        salary_text="£38K – £45K • $48K – $57K",  # read only when no Salary component is stated
        salary=Salary(
            min=38000.0,
            max=45000.0,
            currency="GBP",
            period=Period.YEAR,
            period_basis=STATED,
            raw="GBP 38000-45000 / 1 YEAR",
        ),
        posted_at="2026-09-09T09:00:00.000+00:00",
        description_html="<p>Schedule interviews.</p>",
        apply_url=f"{LUMEN_CASED}/51627384-9e0f-4a1b-823c-4d5e6f708293/application",
        category_hint="People",
    ),
    "item #5 (id '62738495-0f1a-4b2c-933d-5e6f708192a3'): 'title' is a JSON list, expected text",
]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [("board.json", BOARD), ("board_variants.json", VARIANTS)],
    ids=["board.json", "board_variants.json"],
)
def test_golden_parse(fixture: str, expected: list[RawPosting | str]) -> None:
    results = list(make_source(board="LumenLabs").parse(fixture_page(fixture)))
    listed = [job for job in json.loads((FIXTURES / fixture).read_text())["jobs"] if job.get("isListed") is not False]

    assert_golden(results, expected, listed, url=API, fetched_at=FETCHED_AT, compare=strip)
    assert all(r.featured is None for r in results if isinstance(r, RawPosting))


def test_unlisted_jobs_are_skipped() -> None:
    results = list(make_source(board="LumenLabs").parse(fixture_page("board.json")))
    assert "Unlisted Role" not in {r.title for r in results if isinstance(r, RawPosting)}


@pytest.mark.parametrize(
    ("url", "options", "company"),
    [
        ("https://api.ashbyhq.com", {"board": "LumenLabs", "company": "Lumen Labs"}, "Lumen Labs"),
        ("https://api.ashbyhq.com", {"board": "lumen_labs"}, "Lumen Labs"),
        ("https://api.ashbyhq.com/posting-api/job-board/lumen-labs", {}, "Lumen Labs"),
        ("https://mirror.example/ashby.json", {}, "Lumen"),
    ],
    ids=["company-key", "board-slug", "slug-in-url", "source-name"],
)
def test_every_posting_names_its_company(url: str, options: dict[str, Any], company: str) -> None:
    results = list(make_source(url, **options).parse(fixture_page("board.json")))
    assert {r.company for r in results if isinstance(r, RawPosting)} == {company}


@pytest.mark.parametrize(
    ("fixture", "content_type", "message"),
    [
        ("maintenance.html", "text/html", r"got an HTML page \('503 Service Temporarily Unavailable'\)"),
        ("maintenance.html", "application/json", "got an HTML page"),
        ("empty_object.json", "application/json", r"got \{\}"),
        ("empty_list.json", "application/json", r"got \[\]"),
        ("not_found.json", "application/json", "got an object with keys 'success', 'errors'"),
        ("no_jobs.json", "application/json", "the board lists no jobs"),
    ],
    ids=["maintenance.html", "html-as-json", "{}", "[]", "not-found-object", "jobs-empty"],
)
def test_wrong_content_raises(fixture: str, content_type: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        list(make_source(board="LumenLabs").parse(fixture_page(fixture, content_type=content_type)))


def test_empty_board_allowed_when_configured() -> None:
    assert list(make_source(board="LumenLabs", allow_empty=True).parse(fixture_page("no_jobs.json"))) == []


@pytest.mark.parametrize(
    ("url", "options", "endpoint"),
    [
        ("https://api.ashbyhq.com", {"board": "LumenLabs"}, API),  # the board name keeps its case
        (
            "https://api.ashbyhq.com",
            {"board": "Lumen Labs"},
            "https://api.ashbyhq.com/posting-api/job-board/Lumen%20Labs?includeCompensation=true",
        ),
        (
            "https://api.ashbyhq.com/posting-api/job-board/Other",
            {"board": "LumenLabs"},
            "https://api.ashbyhq.com/posting-api/job-board/Other",
        ),
    ],
    ids=["bare-host", "board-quoted", "url-overrides-board"],
)
def test_endpoint_rule(url: str, options: dict[str, Any], endpoint: str) -> None:
    assert make_source(url, **options).url == endpoint


def test_bare_host_without_board_is_refused() -> None:
    with pytest.raises(SourceConfigError, match="key 'board' is required"):
        make_source()


def test_fetch_expands_board_and_parses(fetcher: Fetcher) -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.get(API).respond(
            200,
            content=(FIXTURES / "board.json").read_bytes(),
            headers={"content-type": "application/json", "cache-control": "public, max-age=60"},
        )
        source = make_source(board="LumenLabs")
        pages = list(source.fetch(fetcher))

    assert route.call_count == 1
    assert [strip(result) for result in source.parse(pages[0])] == BOARD


def test_fetch_uses_url_override(fetcher: Fetcher) -> None:
    url = "https://api.ashbyhq.com/posting-api/job-board/LumenLabs"  # without compensation
    with respx.mock(assert_all_called=True) as router:
        route = router.get(url).respond(200, content=(FIXTURES / "board.json").read_bytes())
        pages = list(make_source(url, board="ignored").fetch(fetcher))

    assert (route.call_count, len(pages)) == (1, 1)
    assert str(route.calls.last.request.url) == url


# Jobs built from the keys the adapter reads, with values of every JSON type: parse never raises anything but
# ParseError, and yields only RawPosting or ParseError.
KEYS = [
    "id", "title", "department", "team", "employmentType", "location", "secondaryLocations", "isRemote",
    "workplaceType", "descriptionHtml", "descriptionPlain", "publishedAt", "jobUrl", "applyUrl", "isListed",
    "compensation", "compensationTierSummary", "compensationTiers", "summaryComponents", "components",
    "compensationType", "interval", "currencyCode", "minValue", "maxValue",
]  # fmt: skip
JSON_VALUES = json_values(KEYS, ["Salary", "2 WEEK", "1 YEAR", "NONE", "0 HOUR"])


@settings(max_examples=examples(200), deadline=None)
@given(document=st.fixed_dictionaries({"jobs": st.lists(JSON_VALUES, max_size=4)}) | JSON_VALUES)
def test_parse_raises_only_parse_error(document: Any) -> None:
    parses_to_postings_or_errors(make_source(board="LumenLabs"), KIT.json_page(document, API))
