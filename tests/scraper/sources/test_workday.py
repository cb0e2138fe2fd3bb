"""Workday adapter: golden parses of real-format pages, unposted jobs left out, wrong content, paging by first total."""

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
from scraper.sources.workday import WorkdaySource
from tests.properties import examples
from tests.scraper.sources._json_strategies import json_values
from tests.scraper.sources._kit import Kit, parses_to_postings_or_errors, strip

FETCHED_AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
HOST = "https://halcyon.wd1.myworkdayjobs.com"
CXS = f"{HOST}/wday/cxs/halcyon/Careers"
LIST = f"{CXS}/jobs"
SITE = f"{HOST}/Careers"
PATHS = {
    "R-104233": "/job/Seattle-WA/Senior-Data-Scientist--Claims_R-104233",
    "R-104301": "/job/Remote-USA/Clinical-NLP-Annotator_R-104301",
    "R-103990": "/job/Seattle-WA/Director--Data-Platform_R-103990",
    "R-104310": "/job/London/Machine-Learning-Engineer_R-104310",
}

KIT = Kit(WorkdaySource, "halcyon", "workday", FETCHED_AT, HOST, {"board": "halcyon/Careers"})
FIXTURES = KIT.fixtures
make_source = KIT.source
fixture_page = KIT.page
json_page = KIT.json_page
respond = KIT.respond


def detail_page(req: str) -> Page:
    return fixture_page(f"detail_{req}.json", CXS + PATHS[req])


def posting(**fields: Any) -> RawPosting:
    return RawPosting(**{"source": "halcyon", "company": "Halcyon Health", **fields})


EXPECTED = {
    "R-104233": posting(
        external_id="R-104233",
        url=SITE + PATHS["R-104233"],
        title="Senior Data Scientist, Claims",
        locations=("Seattle, WA", "Austin, TX"),
        remote="Hybrid",
        employment_type="Full time",
        posted_at="2026-11-29",
        description_html=(
            "<p><b>Who we are</b></p><p>Halcyon Health pays claims for 4 million members.</p>"
            "<p><b>What you will do</b></p><ul><li>Model claim fraud</li><li>Ship to production</li></ul>"
            "<p>The pay range for this position is $142,000.00 - $178,000.00 USD annually.</p>"
        ),
    ),
    "R-104301": posting(
        external_id="R-104301",
        url=SITE + PATHS["R-104301"],
        title="Clinical NLP Annotator",
        locations=("Remote - USA",),
        remote="Fully Remote",
        employment_type="Part time",
        posted_at="2026-12-02",
        description_html="<p>Label clinical notes from home.</p><p>Hourly rate: $32 - $38 per hour.</p>",
    ),
    "R-104310": posting(
        external_id="R-104310",
        url=SITE + PATHS["R-104310"],
        title="Machine Learning Engineer",
        locations=("London",),
        remote="On-site",
        employment_type="Full time",
        posted_at="2026-12-01",
        description_html=(
            "<p>Build the models behind our UK claims service.</p><p>Salary: £70,000 - £85,000 per annum.</p>"
        ),
    ),
}


@pytest.mark.parametrize("req", sorted(EXPECTED))
def test_golden_parse_of_a_detail(req: str) -> None:
    [result] = make_source().parse(detail_page(req))

    assert strip(result) == EXPECTED[req]
    assert isinstance(result, RawPosting)
    assert result.payload == json.loads((FIXTURES / f"detail_{req}.json").read_text())
    assert result.fetched_at == FETCHED_AT
    assert result.salary_format is None and result.salary_text is None  # stated in the description only


@pytest.mark.parametrize("fixture", ["detail_R-103990.json", "detail_withdrawn.json"], ids=["posted-false", "no-info"])
def test_a_job_not_posted_never_appears(fixture: str) -> None:
    assert list(make_source().parse(fixture_page(fixture, CXS + PATHS["R-103990"]))) == []


def test_list_pages_yield_only_their_unreadable_cards() -> None:
    source = make_source()
    assert list(source.parse(fixture_page("jobs.json", LIST))) == []
    [error] = source.parse(fixture_page("jobs_page2.json", LIST))
    assert isinstance(error, ParseError)
    assert str(error) == f"{LIST}: item #1: a job without an externalPath (or not an object)"


def test_a_bad_detail_is_one_skipped_card() -> None:
    document = json.loads((FIXTURES / "detail_R-104310.json").read_text())
    document["jobPostingInfo"]["title"] = {"en": "x"}
    [error] = make_source().parse(json_page(document, CXS + PATHS["R-104310"]))
    assert isinstance(error, ParseError)
    assert "'title' is a JSON dict, expected text" in str(error)


@pytest.mark.parametrize(
    ("change", "options", "company", "url"),
    [
        ({}, {"company": "Halcyon"}, "Halcyon", SITE + PATHS["R-104310"]),
        ({"hiringOrganization": None}, {}, "Halcyon", SITE + PATHS["R-104310"]),  # the tenant made readable
        ({"externalUrl": None}, {}, "Halcyon Health", SITE + PATHS["R-104310"]),  # built from the API path
    ],
    ids=["company-key-wins", "tenant", "no-external-url"],
)
def test_company_and_url(change: dict[str, Any], options: dict[str, Any], company: str, url: str) -> None:
    document = json.loads((FIXTURES / "detail_R-104310.json").read_text())
    if "hiringOrganization" in change:
        del document["hiringOrganization"]
    if "externalUrl" in change:
        del document["jobPostingInfo"]["externalUrl"]
    [result] = make_source(**options).parse(json_page(document, CXS + PATHS["R-104310"]))
    assert isinstance(result, RawPosting)
    assert (result.company, result.url) == (company, url)


@pytest.mark.parametrize(
    ("fixture", "url", "content_type", "message"),
    [
        ("maintenance.html", LIST, "text/html", r"HTML page \('Workday is currently unavailable.'\)"),
        ("maintenance.html", CXS + PATHS["R-104310"], "application/json", "got an HTML page"),
        ("empty_object.json", LIST, "application/json", r"a Workday job list \{'jobPostings'.*got \{\}"),
        ("empty_object.json", CXS + PATHS["R-104310"], "application/json", r"a Workday job detail, got \{\}"),
        ("no_jobs.json", LIST, "application/json", "the board lists no jobs"),
    ],
    ids=["maintenance-list", "maintenance-detail", "{}-list", "{}-detail", "no-jobs"],
)
def test_wrong_content_raises(fixture: str, url: str, content_type: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        list(make_source().parse(fixture_page(fixture, url, content_type=content_type)))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"board": None}, "key 'board' is missing \\(a workday source needs it\\)"),
        ({"board": "halcyon"}, "key 'board' must be \"tenant/site\""),
        ({"board": "halcyon/Careers/x"}, "key 'board' must be \"tenant/site\""),
        ({"max_pages": -1}, "key 'max_pages' must be a positive integer"),
    ],
    ids=["no-board", "no-site", "three-parts", "max-pages-negative"],
)
def test_bad_options_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(SourceConfigError, match=message):
        make_source(**options)


def test_normalized_fields() -> None:
    [raw] = make_source().parse(detail_page("R-104233"))
    assert isinstance(raw, RawPosting)
    posting = normalize_posting(raw, NormalizationContext(now=FETCHED_AT))

    assert (posting.title, posting.company) == ("Senior Data Scientist, Claims", "Halcyon Health")
    assert (posting.location.remote, posting.location.countries) == (RemoteMode.HYBRID, ("US",))
    assert posting.employment_types == (EmploymentType.FULL_TIME,)
    assert posting.posted_at == datetime(2026, 11, 29, tzinfo=UTC)


def test_normalized_salary() -> None:
    [raw] = make_source().parse(detail_page("R-104233"))
    assert isinstance(raw, RawPosting)
    posting = normalize_posting(raw, NormalizationContext(now=FETCHED_AT))

    assert posting.salary is not None
    assert (posting.salary.min, posting.salary.max, posting.salary.currency) == (142000, 178000, "USD")


# --- fetch ------------------------------------------------------------------------------------------------------


def query(offset: int) -> dict[str, Any]:
    return {"appliedFacets": {}, "limit": 20, "offset": offset, "searchText": ""}


def test_fetch_keeps_the_first_page_total_then_reads_each_detail(fetcher: Fetcher) -> None:
    reqs = ["R-104233", "R-104301", "R-103990", "R-104310"]
    with respx.mock(assert_all_called=True) as router:
        lists = [
            router.post(LIST, json=query(0)).respond(200, **respond("jobs.json")),
            # page 2 says total 0: the first page's 5 still holds, so no third page is asked for
            router.post(LIST, json=query(3)).respond(200, **respond("jobs_page2.json")),
        ]
        details = [router.get(CXS + PATHS[r]).respond(200, **respond(f"detail_{r}.json")) for r in reqs]
        source = make_source()
        pages = list(source.fetch(fetcher))

    assert [route.call_count for route in (*lists, *details)] == [1] * 6
    assert [page.url for page in pages] == [LIST, LIST, *(CXS + PATHS[r] for r in reqs)]
    results = [strip(result) for page in pages for result in source.parse(page)]
    assert [r for r in results if isinstance(r, RawPosting)] == list(EXPECTED.values())  # the unposted one left out
    assert sum(isinstance(r, ParseError) for r in results) == 1


def test_fetch_stops_at_an_empty_page_and_skips_a_withdrawn_job(fetcher: Fetcher) -> None:
    first = {"total": 900, "jobPostings": [{"externalPath": "/job/A_1"}, {"externalPath": "/job/B_2"}]}
    with respx.mock(assert_all_called=True) as router:
        router.post(LIST, json=query(0)).respond(200, json=first)
        router.post(LIST, json=query(2)).respond(200, json={"total": 0, "jobPostings": []})
        router.get(f"{CXS}/job/A_1").respond(410)
        router.get(f"{CXS}/job/B_2").respond(200, **respond("detail_R-104310.json"))
        pages = list(make_source().fetch(fetcher))

    assert [page.url for page in pages] == [LIST, f"{CXS}/job/B_2"]


def test_fetch_stops_at_max_pages(fetcher: Fetcher, caplog: pytest.LogCaptureFixture) -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.post(LIST).respond(200, **respond("jobs.json"))
        router.get(url__startswith=f"{CXS}/job/").respond(200, **respond("detail_R-104310.json"))
        with caplog.at_level(logging.WARNING):
            pages = list(make_source(max_pages=1).fetch(fetcher))

    assert (route.call_count, len(pages)) == (1, 1 + 3)
    assert "max_pages = 1" in caplog.text


def test_fetch_from_a_mirror(fetcher: Fetcher) -> None:
    mirror = "http://127.0.0.1:8080/wd"
    with respx.mock(assert_all_called=True) as router:
        route = router.post(f"{mirror}/wday/cxs/halcyon/Careers/jobs").respond(200, **respond("no_jobs.json"))
        list(make_source(mirror).fetch(fetcher))
    assert route.call_count == 1


# Pages built from the keys the adapter reads, with values of every JSON type: parse never raises anything
# but ParseError, and yields only RawPosting or ParseError.
KEYS = [
    "jobPostings", "total", "externalPath", "title", "jobPostingInfo", "posted", "hiringOrganization", "name",
    "jobReqId", "id", "externalUrl", "location", "additionalLocations", "jobRequisitionLocation", "descriptor",
    "remoteType", "timeType", "startDate", "postedOn", "endDate", "jobDescription",
]  # fmt: skip
JSON_VALUES = json_values(KEYS, ["/job/x", "Hybrid", "/relative", "javascript:alert(1)", "<p>x</p>"])


@settings(max_examples=examples(200), deadline=None)
@given(document=JSON_VALUES, url=st.sampled_from([LIST, CXS + PATHS["R-104310"]]))
def test_parse_raises_only_parse_error(document: Any, url: str) -> None:
    parses_to_postings_or_errors(make_source(), json_page(document, url))
