"""Workable adapter: golden parses of real-format pages, internal jobs left out, wrong content, nextPage paging."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import EmploymentType, RemoteMode
from models.records import RawPosting
from scraper.errors import ParseError, SourceConfigError
from scraper.fetching import Fetcher, Page
from scraper.normalization.posting import NormalizationContext, normalize_posting
from scraper.sources.workable import WorkableSource
from tests.properties import examples
from tests.scraper.sources._json_strategies import json_values
from tests.scraper.sources._kit import Kit, parses_to_postings_or_errors, strip

FETCHED_AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
HOST = "https://apply.workable.com"
LIST = f"{HOST}/api/v3/accounts/northwind-ai/jobs"
ACCOUNT = f"{HOST}/api/v1/accounts/northwind-ai"
DETAIL = f"{HOST}/api/v2/accounts/northwind-ai/jobs/"
SITE = f"{HOST}/northwind-ai/j/"

KIT = Kit(WorkableSource, "northwind", "workable", FETCHED_AT, HOST, {"board": "northwind-ai"})
FIXTURES = KIT.fixtures
make_source = KIT.source
fixture_page = KIT.page
json_page = KIT.json_page
respond = KIT.respond


def detail_page(shortcode: str) -> Page:
    return fixture_page(f"detail_{shortcode}.json", DETAIL + shortcode)


def posting(**fields: Any) -> RawPosting:
    return RawPosting(**{"source": "northwind", "company": "Northwind AI", **fields})


EXPECTED = {
    "4F2A91C7D3": posting(
        external_id="4F2A91C7D3",
        url=f"{SITE}4F2A91C7D3/",
        title="Senior Machine Learning Engineer",
        locations=("Athens, Attica, Greece", "Patras, Western Greece, Greece"),
        remote="hybrid",
        employment_type="full",
        posted_at="2026-11-24T00:00:00.000Z",
        description_html=(
            "<p>Northwind AI forecasts demand on European power grids.</p><p>You will own our training pipeline.</p>"
            "<p>The base salary for this role is €70,000 – €85,000 per year, plus equity.</p>"
            "<h3>Requirements</h3><ul><li>5+ years of Python</li><li>PyTorch in production</li></ul>"
            "<h3>Benefits</h3><ul><li>Private health insurance</li>"
            "<li>Hybrid work: 2 days a week in the office</li></ul>"
        ),
        category_hint="Engineering",
    ),
    "B81E0C55A2": posting(
        external_id="B81E0C55A2",
        url=f"{SITE}B81E0C55A2/",
        title="Data Annotation Lead (Contract)",
        locations=("Portugal",),  # the hidden Lisbon location is for filtering only
        remote="remote",
        employment_type="contract",
        posted_at="2026-11-27T00:00:00.000Z",
        description_html=(
            "<p>Lead a team of annotators, remotely from Portugal.</p><p>Rate: €35 per hour.</p>"
            "<h3>Requirements</h3><ul><li>Fluent English and Portuguese</li></ul>"
        ),
        category_hint="Operations",
    ),
    "E3C7F09B61": posting(
        external_id="E3C7F09B61",
        url=f"{SITE}E3C7F09B61/",
        title="Working Student, Analytics",
        locations=("Berlin, Germany",),  # a city that is its own region is said once
        remote="on_site",
        employment_type="part",
        posted_at="2026-12-01T00:00:00.000Z",
        description_html="<p>Support the analytics team 20 hours a week.</p>",
        category_hint="Data",  # an older account's department as a single string
    ),
}


def parsed_with_account(source: WorkableSource, *pages: Page) -> list[RawPosting | ParseError]:
    assert list(source.parse(fixture_page("account.json", ACCOUNT))) == []
    return [result for page in pages for result in source.parse(page)]


@pytest.mark.parametrize("shortcode", sorted(EXPECTED))
def test_golden_parse_of_a_detail(shortcode: str) -> None:
    [result] = parsed_with_account(make_source(), detail_page(shortcode))

    assert strip(result) == EXPECTED[shortcode]
    assert isinstance(result, RawPosting)
    assert result.payload == json.loads((FIXTURES / f"detail_{shortcode}.json").read_text())
    assert result.fetched_at == FETCHED_AT
    assert result.salary_format is None and result.salary_text is None  # Workable states salaries in the text only


def test_list_pages_yield_only_their_unreadable_cards() -> None:
    source = make_source()
    assert list(source.parse(fixture_page("jobs.json", LIST))) == []  # the internal card is left out silently
    [error] = source.parse(fixture_page("jobs_page2.json", LIST))
    assert isinstance(error, ParseError)
    assert str(error) == f"{LIST}: item #1 (id 3422000): a job without a shortcode (or not an object)"


def test_an_internal_detail_is_never_a_posting() -> None:
    document = json.loads((FIXTURES / "detail_E3C7F09B61.json").read_text()) | {"isInternal": True}
    assert list(make_source().parse(json_page(document, DETAIL + "E3C7F09B61"))) == []


def test_a_bad_detail_is_one_skipped_card() -> None:
    document = json.loads((FIXTURES / "detail_E3C7F09B61.json").read_text()) | {"title": ["not", "text"]}
    [error] = make_source().parse(json_page(document, DETAIL + "E3C7F09B61"))
    assert isinstance(error, ParseError)
    assert "'title' is a JSON list, expected text" in str(error)


@pytest.mark.parametrize(
    ("options", "account", "company"),
    [
        ({}, True, "Northwind AI"),
        ({"company": "Northwind Labs"}, True, "Northwind Labs"),
        ({}, False, "Northwind Ai"),  # no account page read: the slug made readable
    ],
    ids=["account-name", "company-key-wins", "slug"],
)
def test_company(options: dict[str, Any], account: bool, company: str) -> None:
    source = make_source(**options)
    if account:
        list(source.parse(fixture_page("account.json", ACCOUNT)))
    [result] = source.parse(detail_page("E3C7F09B61"))
    assert isinstance(result, RawPosting)
    assert result.company == company


def test_an_unreadable_account_page_leaves_the_slug() -> None:
    source = make_source()
    assert list(source.parse(fixture_page("maintenance.html", ACCOUNT, content_type="text/html"))) == []
    [result] = source.parse(detail_page("E3C7F09B61"))
    assert isinstance(result, RawPosting)
    assert result.company == "Northwind Ai"


@pytest.mark.parametrize(
    ("fixture", "url", "content_type", "message"),
    [
        ("maintenance.html", LIST, "text/html", r"got an HTML page \('Workable is under maintenance'\)"),
        ("maintenance.html", DETAIL + "E3C7F09B61", "application/json", "got an HTML page"),
        ("empty_object.json", LIST, "application/json", r"a Workable job list \{'results': \[...\]\}, got \{\}"),
        ("empty_object.json", DETAIL + "E3C7F09B61", "application/json", r"expected a Workable job object, got \{\}"),
        ("no_jobs.json", LIST, "application/json", "the board lists no jobs"),
    ],
    ids=["maintenance-list", "maintenance-detail", "{}-list", "{}-detail", "no-jobs"],
)
def test_wrong_content_raises(fixture: str, url: str, content_type: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        list(make_source().parse(fixture_page(fixture, url, content_type=content_type)))


def test_no_jobs_is_fine_when_allowed() -> None:
    assert list(make_source(allow_empty=True).parse(fixture_page("no_jobs.json", LIST))) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"board": None}, "key 'board' is missing \\(a workable source needs it\\)"),
        ({"max_pages": 0}, "key 'max_pages' must be a positive integer"),
        ({"company": " "}, "key 'company' must be a non-empty string"),
    ],
    ids=["no-board", "max-pages-0", "company-blank"],
)
def test_bad_options_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(SourceConfigError, match=message):
        make_source(**options)


def test_normalized_fields() -> None:
    [raw] = parsed_with_account(make_source(), detail_page("4F2A91C7D3"))
    assert isinstance(raw, RawPosting)
    posting = normalize_posting(raw, NormalizationContext(now=FETCHED_AT))

    assert (posting.title, posting.company) == ("Senior Machine Learning Engineer", "Northwind AI")
    assert posting.location.remote is RemoteMode.HYBRID
    assert posting.location.countries == ("GR",)
    assert posting.posted_at == datetime(2026, 11, 24, tzinfo=UTC)
    assert posting.url == f"{SITE}4F2A91C7D3/"


def test_normalized_salary_and_employment_type() -> None:
    [raw] = parsed_with_account(make_source(), detail_page("4F2A91C7D3"))
    assert isinstance(raw, RawPosting)
    posting = normalize_posting(raw, NormalizationContext(now=FETCHED_AT))

    assert posting.employment_types == (EmploymentType.FULL_TIME,)
    assert posting.salary is not None
    assert (posting.salary.min, posting.salary.max, posting.salary.currency) == (70000, 85000, "EUR")


# --- fetch ------------------------------------------------------------------------------------------------------


def test_fetch_pages_by_next_page_then_reads_each_public_detail(fetcher: Fetcher) -> None:
    token = json.loads((FIXTURES / "jobs.json").read_text())["nextPage"]
    with respx.mock(assert_all_called=True) as router:
        first = router.post(LIST, json={"query": "", "location": [], "department": [], "worktype": [], "remote": []})
        first.respond(200, **respond("jobs.json"))
        second = router.post(LIST, json__token=token).respond(200, **respond("jobs_page2.json"))
        account = router.get(ACCOUNT).respond(200, **respond("account.json"))
        details = {code: router.get(DETAIL + code).respond(200, **respond(f"detail_{code}.json")) for code in EXPECTED}
        source = make_source()
        pages = list(source.fetch(fetcher))

    assert [r.call_count for r in (first, second, account, *details.values())] == [1] * 6
    assert [page.url for page in pages] == [LIST, ACCOUNT, LIST, *(DETAIL + code for code in EXPECTED)]
    results = [strip(result) for page in pages for result in source.parse(page)]
    assert [r for r in results if isinstance(r, RawPosting)] == list(EXPECTED.values())
    assert sum(isinstance(r, ParseError) for r in results) == 1  # the card without a shortcode
    # the internal job's detail was never asked for (respx fails any unrouted request)


def test_fetch_skips_a_job_withdrawn_since_it_was_listed(fetcher: Fetcher) -> None:
    page = {"total": 2, "results": [{"shortcode": "AAA"}, {"shortcode": "BBB"}]}
    with respx.mock(assert_all_called=True) as router:
        router.post(LIST).respond(200, json=page)
        router.get(ACCOUNT).respond(404)
        router.get(DETAIL + "AAA").respond(404)
        router.get(DETAIL + "BBB").respond(200, **respond("detail_E3C7F09B61.json"))
        pages = list(make_source().fetch(fetcher))

    assert [p.url for p in pages] == [LIST, DETAIL + "BBB"]


def test_fetch_stops_at_max_pages(fetcher: Fetcher, caplog: pytest.LogCaptureFixture) -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.post(LIST).respond(200, **respond("jobs.json"))
        router.get(ACCOUNT).respond(200, **respond("account.json"))
        router.get(url__startswith=DETAIL).respond(200, **respond("detail_E3C7F09B61.json"))
        with caplog.at_level(logging.WARNING):
            pages = list(make_source(max_pages=1).fetch(fetcher))

    assert route.call_count == 1
    assert len(pages) == 2 + 2  # list, account, the two public details
    assert "max_pages = 1" in caplog.text


def test_fetch_does_not_hand_over_an_empty_later_page(fetcher: Fetcher) -> None:
    with respx.mock(assert_all_called=True) as router:
        router.post(LIST).respond(200, json={"total": 1, "results": [], "nextPage": "x"})
        router.get(ACCOUNT).respond(200, **respond("account.json"))
        pages = list(make_source().fetch(fetcher))
    # the first page is handed over even when empty (parse refuses it); nothing else is asked for
    assert [p.url for p in pages] == [LIST, ACCOUNT]


def test_fetch_reads_nothing_more_after_a_maintenance_page(fetcher: Fetcher) -> None:
    with respx.mock(assert_all_called=True) as router:
        router.post(LIST).respond(200, content=(FIXTURES / "maintenance.html").read_bytes())
        pages = list(make_source().fetch(fetcher))
    assert [p.url for p in pages] == [LIST]  # no account page, no detail: parse reports the page


def test_fetch_from_a_mirror_prefix(fetcher: Fetcher) -> None:
    mirror = "http://127.0.0.1:8080/workable"
    with respx.mock(assert_all_called=True) as router:
        route = router.post(f"{mirror}/api/v3/accounts/northwind-ai/jobs").respond(200, **respond("no_jobs.json"))
        router.get(f"{mirror}/api/v1/accounts/northwind-ai").respond(200, **respond("account.json"))
        list(make_source(mirror + "/").fetch(fetcher))
    assert route.call_count == 1


# Pages built from the keys the adapter reads, with values of every JSON type: parse never raises anything
# but ParseError, and yields only RawPosting or ParseError.
KEYS = [
    "results", "nextPage", "total", "shortcode", "id", "title", "isInternal", "location", "locations", "city",
    "region", "country", "hidden", "workplace", "remote", "type", "published", "department", "description",
    "requirements", "benefits", "url", "shortlink", "name",
]  # fmt: skip
JSON_VALUES = json_values(KEYS, ["hybrid", "/relative", "javascript:alert(1)", "<p>x</p>"])


@settings(max_examples=examples(200), deadline=None)
@given(document=JSON_VALUES, url=st.sampled_from([LIST, ACCOUNT, DETAIL + "X1"]))
def test_parse_raises_only_parse_error(document: Any, url: str) -> None:
    parses_to_postings_or_errors(make_source(), json_page(document, url))
