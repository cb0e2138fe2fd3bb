"""SmartRecruiters adapter: golden parses of real-format pages, inactive postings left out, wrong content, paging."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import EmploymentType, RemoteMode, Seniority
from models.records import RawPosting
from scraper.errors import ParseError, SourceConfigError
from scraper.fetching import Fetcher, Page
from scraper.normalization.posting import NormalizationContext, normalize_posting
from scraper.sources.smartrecruiters import SmartRecruitersSource
from tests.properties import examples
from tests.scraper.sources._json_strategies import json_values
from tests.scraper.sources._kit import Kit, parses_to_postings_or_errors, strip

FETCHED_AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
HOST = "https://api.smartrecruiters.com"
LIST = f"{HOST}/v1/companies/LumenRetail/postings"
SITE = "https://jobs.smartrecruiters.com/LumenRetail/"
INACTIVE = "744000061199801"

KIT = Kit(SmartRecruitersSource, "lumen", "smartrecruiters", FETCHED_AT, HOST, {"board": "LumenRetail"})
FIXTURES = KIT.fixtures
make_source = KIT.source
fixture_page = KIT.page
json_page = KIT.json_page
respond = KIT.respond


def page_url(offset: int) -> str:
    return f"{LIST}?offset={offset}&limit=100"


def detail_page(posting_id: str) -> Page:
    return fixture_page(f"detail_{posting_id}.json", f"{LIST}/{posting_id}")


def posting(**fields: Any) -> RawPosting:
    return RawPosting(**{"source": "lumen", "company": "Lumen Retail Group", **fields})


COMPANY = "<h3>Company Description</h3><p>Lumen Retail Group runs 900 stores in five countries.</p>"
EXPECTED = {
    "744000061234567": posting(
        external_id="744000061234567",
        url=f"{SITE}744000061234567-machine-learning-engineer-recommendations",
        title="Machine Learning Engineer - Recommendations",
        locations=("Lisbon, Lisbon, Portugal",),
        remote="hybrid",
        employment_type="Full-time",
        seniority="Mid-Senior Level",
        posted_at="2026-11-18T09:41:22.318Z",
        description_html=COMPANY
        + "<h3>Job Description</h3><p>Build the models that rank products for 12 million customers.</p>"
        "<h3>Qualifications</h3><ul><li>Python, Spark</li><li>Recommender systems in production</li></ul>"
        "<h3>Additional Information</h3>"
        "<p>Salary: 55.000 € – 68.000 € gross per year. Hybrid: three days a week in our Lisbon office.</p>",
        apply_url=f"{SITE}744000061234567-machine-learning-engineer-recommendations?oga=true",
        category_hint="Information Technology",
    ),
    "744000061240112": posting(
        external_id="744000061240112",
        url=f"{SITE}744000061240112-search-relevance-contractor",
        title="Search Relevance Contractor",
        locations=("Austin, TX, United States",),
        remote="true",
        employment_type="Contract",
        seniority="Associate",
        posted_at="2026-11-25T15:02:10.004Z",
        description_html=COMPANY
        + "<h3>Job Description</h3><p>Tune search ranking for our US webshop, fully remote.</p>"
        "<h3>Qualifications</h3><ul><li>Elasticsearch or OpenSearch</li></ul>"
        "<h3>Additional Information</h3><p>Pay: $70 - $85 per hour, 6-month contract.</p>",
        apply_url=f"{SITE}744000061240112-search-relevance-contractor?oga=true",
        category_hint="Information Technology",
    ),
    "744000061251930": posting(
        external_id="744000061251930",
        url=f"{SITE}744000061251930-junior-data-analyst-part-time",
        title="Junior Data Analyst (Part-time)",
        locations=("Kraków, Lesser Poland Voivodeship, Poland",),
        remote="false",
        employment_type="Part-time",
        seniority="Entry Level",
        posted_at="2026-12-01T11:20:45.771Z",
        description_html=COMPANY + "<h3>Job Description</h3><p>Help the data team 20 hours a week.</p>",
        apply_url=f"{SITE}744000061251930-junior-data-analyst-part-time?oga=true",
        category_hint="Analyst",
    ),
}


@pytest.mark.parametrize("posting_id", sorted(EXPECTED))
def test_golden_parse_of_a_detail(posting_id: str) -> None:
    [result] = make_source().parse(detail_page(posting_id))

    assert strip(result) == EXPECTED[posting_id]
    assert isinstance(result, RawPosting)
    assert result.payload == json.loads((FIXTURES / f"detail_{posting_id}.json").read_text())
    assert result.fetched_at == FETCHED_AT
    assert result.salary_format is None and result.salary_text is None  # stated in the job-ad text only


def test_an_inactive_posting_never_appears() -> None:
    assert list(make_source().parse(detail_page(INACTIVE))) == []


def test_a_posting_not_public_never_appears() -> None:
    document = json.loads((FIXTURES / "detail_744000061251930.json").read_text()) | {"visibility": "INTERNAL"}
    assert list(make_source().parse(json_page(document, f"{LIST}/744000061251930"))) == []


def test_list_pages_yield_only_their_unreadable_cards() -> None:
    source = make_source()
    assert list(source.parse(fixture_page("postings.json", page_url(0)))) == []
    [error] = source.parse(fixture_page("postings_page2.json", page_url(3)))
    assert isinstance(error, ParseError)
    assert str(error) == f"{page_url(3)}: item #1: a posting without an id (or not an object)"


def test_a_bad_detail_is_one_skipped_card() -> None:
    document = json.loads((FIXTURES / "detail_744000061251930.json").read_text()) | {"name": {"en": "x"}}
    [error] = make_source().parse(json_page(document, f"{LIST}/744000061251930"))
    assert isinstance(error, ParseError)
    assert "'name' is a JSON dict, expected text" in str(error)


@pytest.mark.parametrize(
    ("document", "options", "company"),
    [
        (None, {}, "Lumen Retail Group"),
        (None, {"company": "Lumen"}, "Lumen"),
        ({"company": {"identifier": "LumenRetail"}}, {}, "LumenRetail"),  # no name stated: the identifier
    ],
    ids=["stated", "company-key-wins", "identifier"],
)
def test_company(document: dict[str, Any] | None, options: dict[str, Any], company: str) -> None:
    detail = json.loads((FIXTURES / "detail_744000061251930.json").read_text()) | (document or {})
    [result] = make_source(**options).parse(json_page(detail, f"{LIST}/744000061251930"))
    assert isinstance(result, RawPosting)
    assert result.company == company


def test_the_public_page_when_the_detail_omits_it() -> None:
    document = json.loads((FIXTURES / "detail_744000061251930.json").read_text())
    del document["postingUrl"]
    [result] = make_source().parse(json_page(document, f"{LIST}/744000061251930"))
    assert isinstance(result, RawPosting)
    assert result.url == f"{SITE}744000061251930"


@pytest.mark.parametrize(
    ("fixture", "url", "content_type", "message"),
    [
        ("maintenance.html", page_url(0), "text/html", r"HTML page \('SmartRecruiters - Scheduled Maintenance'\)"),
        ("maintenance.html", f"{LIST}/1", "application/json", "got an HTML page"),
        ("empty_object.json", page_url(0), "application/json", r"a SmartRecruiters list \{'content'.*got \{\}"),
        ("empty_object.json", f"{LIST}/1", "application/json", r"expected a SmartRecruiters posting, got \{\}"),
        ("no_jobs.json", page_url(0), "application/json", "the board lists no jobs"),
    ],
    ids=["maintenance-list", "maintenance-detail", "{}-list", "{}-detail", "no-jobs"],
)
def test_wrong_content_raises(fixture: str, url: str, content_type: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        list(make_source().parse(fixture_page(fixture, url, content_type=content_type)))


def test_an_empty_later_page_or_an_allowed_empty_board_is_no_error() -> None:
    assert list(make_source().parse(fixture_page("no_jobs.json", page_url(100)))) == []
    assert list(make_source(allow_empty=True).parse(fixture_page("no_jobs.json", page_url(0)))) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"board": None}, "key 'board' is missing \\(a smartrecruiters source needs it\\)"),
        ({"max_pages": "2"}, "key 'max_pages' must be an integer, got '2'"),
        ({"company": ""}, "key 'company' must be a non-empty string"),
    ],
    ids=["no-board", "max-pages-string", "company-blank"],
)
def test_bad_options_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(SourceConfigError, match=message):
        make_source(**options)


def test_normalized_fields() -> None:
    [raw] = make_source().parse(detail_page("744000061234567"))
    assert isinstance(raw, RawPosting)
    posting = normalize_posting(raw, NormalizationContext(now=FETCHED_AT))

    assert (posting.title, posting.company) == ("Machine Learning Engineer - Recommendations", "Lumen Retail Group")
    assert (posting.location.remote, posting.location.countries) == (RemoteMode.HYBRID, ("PT",))
    assert posting.employment_types == (EmploymentType.FULL_TIME,)
    assert posting.posted_at == datetime(2026, 11, 18, 9, 41, 22, 318000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("posting_id", "seniority"),
    [
        ("744000061234567", Seniority.SENIOR),  # "Mid-Senior Level", a title with no level word
        ("744000061240112", Seniority.JUNIOR),  # "Associate"
        ("744000061251930", Seniority.JUNIOR),  # "Entry Level"
    ],
)
def test_normalized_seniority(posting_id: str, seniority: Seniority) -> None:
    [raw] = make_source().parse(detail_page(posting_id))
    assert isinstance(raw, RawPosting)
    assert normalize_posting(raw, NormalizationContext(now=FETCHED_AT)).seniority is seniority


def test_normalized_salary() -> None:
    [raw] = make_source().parse(detail_page("744000061234567"))
    assert isinstance(raw, RawPosting)
    posting = normalize_posting(raw, NormalizationContext(now=FETCHED_AT))

    assert posting.salary is not None
    assert (posting.salary.min, posting.salary.max, posting.salary.currency) == (55000, 68000, "EUR")


# --- fetch ------------------------------------------------------------------------------------------------------


def test_fetch_pages_by_offset_until_total_found_then_reads_each_detail(fetcher: Fetcher) -> None:
    ids = ["744000061234567", "744000061240112", INACTIVE, "744000061251930"]
    with respx.mock(assert_all_called=True) as router:
        lists = [
            router.get(page_url(0)).respond(200, **respond("postings.json")),
            router.get(page_url(3)).respond(200, **respond("postings_page2.json")),
        ]
        details = [router.get(f"{LIST}/{i}").respond(200, **respond(f"detail_{i}.json")) for i in ids]
        source = make_source()
        pages = list(source.fetch(fetcher))

    assert [route.call_count for route in (*lists, *details)] == [1] * 6  # totalFound 5: no third list page
    assert [page.url for page in pages] == [page_url(0), page_url(3), *(f"{LIST}/{i}" for i in ids)]
    results = [strip(result) for page in pages for result in source.parse(page)]
    assert [r for r in results if isinstance(r, RawPosting)] == list(EXPECTED.values())  # the inactive one left out
    assert sum(isinstance(r, ParseError) for r in results) == 1


def test_fetch_stops_at_an_empty_page_and_skips_a_withdrawn_posting(fetcher: Fetcher) -> None:
    first = {"offset": 0, "limit": 100, "totalFound": 500, "content": [{"id": "1"}, {"id": "2"}]}
    with respx.mock(assert_all_called=True) as router:
        router.get(page_url(0)).respond(200, json=first)
        router.get(page_url(2)).respond(200, json={"offset": 2, "limit": 100, "totalFound": 2, "content": []})
        router.get(f"{LIST}/1").respond(404)
        router.get(f"{LIST}/2").respond(200, **respond("detail_744000061251930.json"))
        pages = list(make_source().fetch(fetcher))

    assert [page.url for page in pages] == [page_url(0), f"{LIST}/2"]


def test_fetch_stops_at_max_pages(fetcher: Fetcher, caplog: pytest.LogCaptureFixture) -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.get(page_url(0)).respond(200, **respond("postings.json"))
        router.get(url__startswith=f"{LIST}/").respond(200, **respond("detail_744000061251930.json"))
        with caplog.at_level(logging.WARNING):
            pages = list(make_source(max_pages=1).fetch(fetcher))

    assert (route.call_count, len(pages)) == (1, 1 + 3)
    assert "max_pages = 1" in caplog.text


def test_fetch_a_failed_detail_fails_the_fetch(fetcher: Fetcher) -> None:
    with respx.mock(assert_all_called=True) as router:
        router.get(page_url(0)).respond(200, json={"totalFound": 1, "content": [{"id": "1"}]})
        router.get(f"{LIST}/1").respond(403)
        with pytest.raises(Exception, match="answered 403"):
            list(make_source().fetch(fetcher))


# Pages built from the keys the adapter reads, with values of every JSON type: parse never raises anything
# but ParseError, and yields only RawPosting or ParseError.
KEYS = [
    "content", "totalFound", "offset", "id", "name", "active", "visibility", "location", "city", "region",
    "country", "remote", "hybrid", "fullLocation", "typeOfEmployment", "experienceLevel", "label", "releasedDate",
    "jobAd", "sections", "jobDescription", "title", "text", "postingUrl", "applyUrl", "company", "function",
]  # fmt: skip
JSON_VALUES = json_values(KEYS, ["PUBLIC", "INTERNAL", "/relative", "javascript:alert(1)", "<p>x</p>"])


@settings(max_examples=examples(200), deadline=None)
@given(document=JSON_VALUES, url=st.sampled_from([page_url(0), page_url(100), f"{LIST}/7"]))
def test_parse_raises_only_parse_error(document: Any, url: str) -> None:
    parses_to_postings_or_errors(make_source(), json_page(document, url))
