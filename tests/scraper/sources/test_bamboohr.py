"""BambooHR adapter: list and detail pages in the real shape, closed and gone openings, wrong content, fetch."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import EmploymentType, RemoteMode, Seniority
from models.records import RawPosting
from scraper.errors import HTTPStatusError, ParseError, SourceConfigError
from scraper.fetching import Fetcher, FetchPolicy, Page
from scraper.normalization.posting import NormalizationContext, normalize_posting
from scraper.sources.bamboohr import BambooHrSource
from tests.properties import examples
from tests.scraper.sources._json_strategies import json_values
from tests.scraper.sources._kit import Kit, parses_to_postings_or_errors, strip

FETCHED_AT = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
SITE = "https://lumalytics.bamboohr.com"
LIST = f"{SITE}/careers/list"

KIT = Kit(BambooHrSource, "luma", "bamboohr", FETCHED_AT, SITE, {"board": "lumalytics"}, page_url=LIST)
FIXTURES = KIT.fixtures
make_source = KIT.source
fixture_page = KIT.page


def detail_url(ident: str | int) -> str:
    return f"{SITE}/careers/{ident}/detail"


def parse_all(source: BambooHrSource, pages: list[Page]) -> list[RawPosting | ParseError]:
    return [result for page in pages for result in source.parse(page)]


SCIENTIST = RawPosting(
    source="luma",
    external_id="101",
    url=f"{SITE}/careers/101",
    title="Senior Data Scientist",
    company="Lumalytics",  # BambooHR names no company: the board slug made readable
    locations=("Salt Lake City, Utah, United States",),  # `location` and `atsLocation` say the same: once
    remote="false",
    employment_type="Full-Time",
    seniority="Experienced",
    salary_text="$140,000 - $165,000 per year",
    posted_at="2026-09-18",
    description_html=(
        "<p><strong>About the role</strong></p><p>Build forecasting models for retail demand.</p>"
        "<ul><li>Python, SQL</li></ul>"
    ),
    category_hint="Data",
)
ML = RawPosting(
    source="luma",
    external_id="102",
    url=f"{SITE}/careers/102",  # no share URL: built beside the list endpoint
    title="Machine Learning Engineer (Remote, Canada)",
    company="Lumalytics",
    locations=("Ontario, Canada",),
    remote="true",
    employment_type="Contractor",
    seniority="Mid-level",
    posted_at="2026-09-25",
    description_html="<p>Ship ranking models.</p>",
    category_hint="Engineering",
)


def test_the_list_page_yields_no_postings_of_its_own() -> None:
    assert list(make_source().parse(fixture_page("list.json"))) == []


@pytest.mark.parametrize(
    ("fixture", "ident", "expected"), [("detail_101.json", "101", SCIENTIST), ("detail_102.json", "102", ML)]
)
def test_golden_detail(fixture: str, ident: str, expected: RawPosting) -> None:
    [result] = make_source().parse(fixture_page(fixture, url=detail_url(ident)))
    assert strip(result) == expected
    assert isinstance(result, RawPosting)
    assert result.payload == json.loads((FIXTURES / fixture).read_text())["result"]["jobOpening"]
    assert result.fetched_at == FETCHED_AT


def test_a_closed_opening_is_left_out() -> None:
    assert list(make_source().parse(fixture_page("detail_103.json", url=detail_url(103)))) == []


def test_normalized_detail() -> None:
    context = NormalizationContext(now=FETCHED_AT)
    [scientist] = make_source().parse(fixture_page("detail_101.json", url=detail_url(101)))
    [ml] = make_source().parse(fixture_page("detail_102.json", url=detail_url(102)))
    assert isinstance(scientist, RawPosting) and isinstance(ml, RawPosting)
    one, two = normalize_posting(scientist, context), normalize_posting(ml, context)
    assert (one.company, one.employment_types, one.seniority) == (
        "Lumalytics",
        (EmploymentType.FULL_TIME,),
        Seniority.SENIOR,
    )
    assert one.location.remote is not RemoteMode.REMOTE and one.location.countries == ("US",)
    assert one.posted_at == datetime(2026, 9, 18, tzinfo=UTC)
    assert (two.location.remote, two.location.countries) == (RemoteMode.REMOTE, ("CA",))
    assert two.employment_types == (EmploymentType.CONTRACT,)


def test_company_comes_from_the_company_key() -> None:
    [result] = make_source(company="Lumalytics Inc.").parse(fixture_page("detail_101.json", url=detail_url(101)))
    assert isinstance(result, RawPosting) and result.company == "Lumalytics Inc."


def test_bad_cards_are_reported_and_skipped() -> None:
    listed = list(make_source().parse(fixture_page("list_variants.json")))
    assert [str(e) for e in listed] == [
        f"{LIST}: item #1: an opening without an id (its detail cannot be read)",
        f"{LIST}: item #2: an opening without an id (its detail cannot be read)",
    ]
    [bad] = make_source().parse(fixture_page("detail_bad.json", url=detail_url(201)))
    assert str(bad) == f"{detail_url(201)}: opening '201': 'jobOpeningName' is a JSON dict, expected text"
    [missing] = make_source().parse(fixture_page("detail_missing.json", url=detail_url(201)))
    assert isinstance(missing, ParseError) and "expected a BambooHR opening" in str(missing)


@pytest.mark.parametrize(
    ("fixture", "url", "content_type", "message"),
    [
        ("maintenance.html", LIST, "text/html", r"got an HTML page \('BambooHR \| Scheduled Maintenance'\)"),
        ("maintenance.html", detail_url(101), "text/html", "got an HTML page"),
        ("empty_object.json", LIST, "application/json", r"expected a BambooHR list \{'result': \[...\]\}, got \{\}"),
        ("empty_list.json", LIST, "application/json", r"got \[\]"),
    ],
    ids=["maintenance-list", "maintenance-detail", "{}", "[]"],
)
def test_wrong_content_raises(fixture: str, url: str, content_type: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        list(make_source().parse(fixture_page(fixture, url=url, content_type=content_type)))


@pytest.mark.parametrize(
    ("url", "listing", "opening"),
    [
        (SITE, LIST, f"{SITE}/careers/7/detail"),
        ("http://127.0.0.1:9000/luma/careers/list", "http://127.0.0.1:9000/luma/careers/list",
         "http://127.0.0.1:9000/luma/careers/7/detail"),
    ],
    ids=["bare-host", "full-endpoint"],
)  # fmt: skip
def test_endpoint_rule(url: str, listing: str, opening: str) -> None:
    source = make_source(url)
    assert (source.url, source.opening_url("7", detail=True)) == (listing, opening)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"board": None}, "key 'board' is missing \\(a bamboohr source needs it\\)"),
        ({"max_pages": -1}, "key 'max_pages' must be a positive integer"),
        ({"company": ["x"]}, "key 'company' must be a string, got \\['x'\\]"),
    ],
    ids=["no-board", "max-pages-negative", "company-list"],
)
def test_bad_options_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(SourceConfigError, match=message):
        make_source(**options)


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    """conftest's fetcher without retries: a detail answering 500 fails the fetch at once."""
    policy = FetchPolicy(obey_robots=False, min_delay_seconds=0, allow_private_network=True, max_retries=0)
    with Fetcher(policy) as client:
        yield client


def serve(router: respx.MockRouter) -> None:
    router.get(LIST).respond(200, content=(FIXTURES / "list.json").read_bytes())
    for ident in ("101", "102", "103"):
        router.get(detail_url(ident)).respond(200, content=(FIXTURES / f"detail_{ident}.json").read_bytes())
    router.get(detail_url(104)).respond(404, text="not found")


def test_fetch_reads_the_list_then_each_detail(fetcher: Fetcher, caplog: pytest.LogCaptureFixture) -> None:
    with respx.mock(assert_all_called=True) as router, caplog.at_level(logging.WARNING):
        serve(router)
        source = make_source()
        pages = list(source.fetch(fetcher))

    assert [page.url for page in pages] == [LIST, detail_url(101), detail_url(102), detail_url(103)]
    assert [strip(result) for result in parse_all(source, pages)] == [SCIENTIST, ML]  # 103 closed, 104 gone
    assert "opening 104 was listed but its detail is gone (404); skipped" in caplog.text


def test_fetch_reads_at_most_max_pages_details(fetcher: Fetcher, caplog: pytest.LogCaptureFixture) -> None:
    with respx.mock(assert_all_called=False) as router, caplog.at_level(logging.WARNING):
        serve(router)
        pages = list(make_source(max_pages=2).fetch(fetcher))

    assert [page.url for page in pages] == [LIST, detail_url(101), detail_url(102)]
    assert "stopped after max_pages = 2 details; 2 openings were not read" in caplog.text


def test_fetch_fails_on_a_detail_error_other_than_gone(fetcher: Fetcher) -> None:
    with respx.mock(assert_all_called=False) as router:
        serve(router)
        router.get(detail_url(102)).respond(403, text="forbidden")
        with pytest.raises(HTTPStatusError):
            list(make_source().fetch(fetcher))


def test_fetch_stops_after_a_list_that_is_not_json(fetcher: Fetcher) -> None:
    with respx.mock(assert_all_called=True) as router:
        router.get(LIST).respond(
            200, content=(FIXTURES / "maintenance.html").read_bytes(), headers={"content-type": "text/html"}
        )
        pages = list(make_source().fetch(fetcher))
    assert [page.url for page in pages] == [LIST]


# Documents built from the keys the adapter reads, with values of every JSON type: parse never raises anything but
# ParseError, and yields only RawPosting or ParseError, on the list page and on a detail page alike.
KEYS = [
    "id", "result", "jobOpening", "jobOpeningName", "jobOpeningStatus", "jobOpeningShareUrl", "location",
    "atsLocation", "city", "state", "province", "country", "addressCountry", "isRemote", "locationType",
    "employmentStatusLabel", "minimumExperience", "compensation", "datePosted", "description", "departmentLabel",
]  # fmt: skip
JSON_VALUES = json_values(KEYS, ["Open", "Closed", "101", "true"])
DOCUMENTS = (
    st.fixed_dictionaries({"result": st.lists(JSON_VALUES, max_size=4)})
    | st.fixed_dictionaries({"result": st.fixed_dictionaries({"jobOpening": JSON_VALUES})})
    | JSON_VALUES
)


@settings(max_examples=examples(200), deadline=None)
@given(document=DOCUMENTS, url=st.sampled_from([LIST, detail_url(101)]))
def test_parse_raises_only_parse_error(document: Any, url: str) -> None:
    parses_to_postings_or_errors(make_source(), KIT.json_page(document, url))
