"""Lever adapter: golden parses of real-format pages, wrong content, endpoint rules and skip/limit pagination."""

from __future__ import annotations

import json
import logging
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
from scraper.sources.lever import LeverSource
from tests.properties import examples
from tests.scraper.sources._json_strategies import json_values
from tests.scraper.sources._kit import Kit, assert_golden, parses_to_postings_or_errors
from tests.scraper.sources._stated import Parsed, expect, parsed

FETCHED_AT = datetime(2026, 9, 21, 12, 0, tzinfo=UTC)
BASE = "https://api.lever.co/v0/postings/nimbusai"
STATED = PeriodBasis.STATED
JOBS = "https://jobs.lever.co/nimbusai"

KIT = Kit(
    LeverSource, "nimbus", "lever", FETCHED_AT, "https://api.lever.co", page_url=BASE + "?mode=json&skip=0&limit=100"
)
FIXTURES = KIT.fixtures
make_source = KIT.source
fixture_page = KIT.page
respond = KIT.respond


def page_url(skip: int, limit: int = 100, base: str = BASE) -> str:
    return f"{base}?mode=json&skip={skip}&limit={limit}"


def posting(**fields: Any) -> Parsed:
    return expect(**{"source": "nimbus", "company": "Nimbusai", **fields})  # the board slug made readable


def strip(result: RawPosting | ParseError) -> Parsed | ParseError:
    """The posting without the audit payload and fetch time (checked separately), with its salary as read."""
    return parsed(result)


PAGE_1 = [
    posting(
        external_id="3f0c2a8e-6d1b-4c7a-9e55-0b7d1a2c9f10",
        url=f"{JOBS}/3f0c2a8e-6d1b-4c7a-9e55-0b7d1a2c9f10",
        title="Applied Scientist, Speech",
        locations=("Toronto, ON", "Montreal, QC"),
        remote="hybrid",
        employment_type="Full-time",
        salary_text="Plus equity.",
        salary=Salary(
            min=150000.0,
            max=195000.0,
            currency="CAD",
            period=Period.YEAR,
            period_basis=STATED,
            raw="CAD 150000-195000 / per-year-salary",
        ),
        posted_at="1787564400123",
        description_html=(
            "<div>We build speech models.</div><div>You will train ASR.</div>"
            "<h3>Requirements</h3><ul><li>PhD or equivalent</li><li>PyTorch</li></ul>"
        ),
        apply_url=f"{JOBS}/3f0c2a8e-6d1b-4c7a-9e55-0b7d1a2c9f10/apply",
        category_hint="Research",
    ),
    posting(
        external_id="a71e55d2-0c44-4b1b-8f0e-2e6b4f3c1d22",
        url=f"{JOBS}/a71e55d2-0c44-4b1b-8f0e-2e6b4f3c1d22",
        title="Research Intern (Summer 2027)",
        locations=("Remote",),
        remote="remote",
        employment_type="Internship",
        posted_at="1787650800000",
        description_html="<div>Work with the research team.</div>",
        apply_url=f"{JOBS}/a71e55d2-0c44-4b1b-8f0e-2e6b4f3c1d22/apply",
    ),
    posting(
        external_id="c09b1e7f-2a3d-4e5f-8a9b-7c6d5e4f3a21",
        url=f"{JOBS}/c09b1e7f-2a3d-4e5f-8a9b-7c6d5e4f3a21",
        title="Data Labeling Contractor",  # the trailing space of `text` trimmed
        locations=("Manila",),
        remote="unspecified",
        employment_type="Contract",
        salary=Salary(
            min=6.0, max=9.0, currency="USD", period=Period.HOUR, period_basis=STATED, raw="USD 6-9 / per-hour-wage"
        ),
        posted_at="1787737200000",
        # only descriptionPlain: escaped into a paragraph; the bare <li> list gets its <ul>
        description_html="<p>Label audio.\u00a0Flexible hours.</p><h3>Nice to have</h3><ul><li>Tagalog</li></ul>",
        apply_url=f"{JOBS}/c09b1e7f-2a3d-4e5f-8a9b-7c6d5e4f3a21/apply",
        category_hint="Ops",
    ),
]

PAGE_2 = [
    posting(
        external_id="e41d7a90-5b2c-4f3e-a1d0-9c8b7a6f5e41",
        url="https://jobs.eu.lever.co/nimbusai/e41d7a90-5b2c-4f3e-a1d0-9c8b7a6f5e41",
        title="Senior Platform Engineer",
        locations=("Berlin", "Amsterdam"),  # allLocations as objects
        remote="on-site",
        employment_type="Full-Time",
        seniority="Senior",
        salary=Salary(
            min=7000.0,
            max=8500.0,
            currency="EUR",
            period=Period.MONTH,
            period_basis=STATED,
            raw="EUR 7000-8500 / per-month-salary",
        ),
        posted_at="1787823600000",
        description_html=(
            "<div>Run the platform.</div><h3>You bring</h3><ul><li>Kubernetes</li><li>Go &amp; Rust</li></ul>"
            "<div>Visa sponsorship available.</div>"
        ),
        apply_url="https://jobs.eu.lever.co/nimbusai/e41d7a90-5b2c-4f3e-a1d0-9c8b7a6f5e41/apply",
        category_hint="Engineering",
    ),
    posting(
        external_id="f5a6b7c8-d9e0-4f1a-8b2c-3d4e5f6a7b8c",
        url=f"{JOBS}/f5a6b7c8-d9e0-4f1a-8b2c-3d4e5f6a7b8c",
        title="Contract Illustrator",
        remote="remote",
        salary=Salary(
            min=2000.0,
            max=2500.0,
            currency="USD",
            period=None,
            period_basis=STATED,
            raw="USD 2000-2500 / per-fortnight-mystery",
        ),
        description_html="<p>Draw diagrams.<br>Two months.</p>",
    ),
    posting(
        external_id="0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
        url=f"{JOBS}/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
        title="Office Manager",
        locations=("Toronto, ON",),
        remote="unspecified",
        employment_type="Part-time",
        posted_at="1787910000000",  # the zero dummy salaryRange is no salary
        description_html="<div>Keep the office running.</div>",
        apply_url=f"{JOBS}/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/apply",
        category_hint="People",
    ),
]

PAGE_3: list[RawPosting | str] = [
    "item #0 (id 'bad00000-0000-4000-8000-000000000000'): 'text' is a JSON list, expected text",
    posting(
        external_id="d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6",
        url=f"{JOBS}/d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6",
        title="Recruiter",  # `categories` of the wrong type reads as none
        remote="remote",
        posted_at="1787996400000",
        description_html="<div>Find people.</div>",
        apply_url=f"{JOBS}/d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6/apply",
    ),
]


@pytest.mark.parametrize(
    ("fixture", "url", "expected"),
    [
        ("postings.json", page_url(0, 3), PAGE_1),
        ("postings_page2.json", page_url(3, 3), PAGE_2),
        ("postings_page3.json", page_url(6, 3), PAGE_3),
    ],
    ids=["postings.json", "postings_page2.json", "postings_page3.json"],
)
def test_golden_parse(fixture: str, url: str, expected: list[RawPosting | str]) -> None:
    results = list(make_source(board="nimbusai").parse(fixture_page(fixture, url=url)))
    items = json.loads((FIXTURES / fixture).read_text())

    assert_golden(results, expected, items, url=url, fetched_at=FETCHED_AT, compare=strip)
    assert all(r.featured is None for r in results if isinstance(r, RawPosting))


@pytest.mark.parametrize(
    ("url", "options", "company"),
    [
        ("https://api.lever.co", {"board": "nimbusai", "company": "Nimbus AI"}, "Nimbus AI"),
        ("https://api.lever.co", {"board": "nimbus-ai"}, "Nimbus Ai"),
        ("https://api.lever.co/v0/postings/nimbus-labs?mode=json", {}, "Nimbus Labs"),
        ("https://mirror.example/lever.json", {}, "Nimbus"),
    ],
    ids=["company-key", "board-slug", "slug-in-url", "source-name"],
)
def test_every_posting_names_its_company(url: str, options: dict[str, Any], company: str) -> None:
    results = list(make_source(url, **options).parse(fixture_page("postings.json")))
    assert {r.company for r in results if isinstance(r, RawPosting)} == {company}


@pytest.mark.parametrize(
    ("fixture", "url", "content_type", "message"),
    [
        ("maintenance.html", page_url(0), "text/html", r"got an HTML page \('Lever is down for maintenance'\)"),
        ("maintenance.html", page_url(0), "application/json", "got an HTML page"),
        ("empty_object.json", page_url(0), "application/json", r"expected a Lever JSON array, got \{\}"),
        ("not_found.json", page_url(0), "application/json", r"keys 'ok', 'error' \(Document not found\)"),
        ("empty_list.json", page_url(0), "application/json", "the board lists no jobs"),
        ("empty_list.json", BASE + "?mode=json", "application/json", "the board lists no jobs"),
    ],
    ids=["maintenance.html", "html-as-json", "{}", "not-found-object", "[]-first-page", "[]-no-skip"],
)
def test_wrong_content_raises(fixture: str, url: str, content_type: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        list(make_source(board="nimbusai").parse(fixture_page(fixture, url=url, content_type=content_type)))


@pytest.mark.parametrize(
    ("url", "options"),
    [(page_url(100), {}), (page_url(0), {"allow_empty": True})],
    ids=["[]-later-page", "[]-allowed"],
)
def test_empty_list_is_fine_past_the_first_page_or_when_allowed(url: str, options: dict[str, Any]) -> None:
    assert list(make_source(board="nimbusai", **options).parse(fixture_page("empty_list.json", url=url))) == []


@pytest.mark.parametrize(
    ("url", "options", "first_page"),
    [
        ("https://api.lever.co", {"board": "nimbusai"}, page_url(0)),
        (
            "https://api.eu.lever.co",
            {"board": "nimbusai"},
            page_url(0, base="https://api.eu.lever.co/v0/postings/nimbusai"),
        ),
        ("https://api.lever.co", {"board": "nimbusai", "page_size": 25}, page_url(0, 25)),
        (f"{BASE}?team=Research", {"board": "ignored"}, f"{BASE}?team=Research&mode=json&skip=0&limit=100"),
        (f"{BASE}?mode=json&skip=7", {}, f"{BASE}?mode=json&skip=0&limit=100"),
    ],
    ids=["bare-host", "eu-host", "page-size", "url-overrides-board", "url-with-mode-and-skip"],
)
def test_endpoint_rule(url: str, options: dict[str, Any], first_page: str) -> None:
    assert make_source(url, **options).page_url(0) == first_page


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "key 'board' is required"),
        ({"board": "x", "page_size": 0}, "key 'page_size' must be a positive integer"),
        ({"board": "x", "max_pages": "3"}, "key 'max_pages' must be an integer, got '3'"),
        ({"board": "x", "company": ""}, "key 'company' must be a non-empty string"),
    ],
    ids=["no-board", "page-size-0", "max-pages-string", "company-blank"],
)
def test_bad_options_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(SourceConfigError, match=message):
        make_source(**options)


def test_fetch_pages_until_a_short_page(fetcher: Fetcher) -> None:
    with respx.mock(assert_all_called=True) as router:
        routes = [
            router.get(page_url(0, 3)).respond(200, **respond("postings.json")),
            router.get(page_url(3, 3)).respond(200, **respond("postings_page2.json")),
            router.get(page_url(6, 3)).respond(200, **respond("postings_page3.json")),
        ]
        source = make_source(board="nimbusai", page_size=3)
        pages = list(source.fetch(fetcher))

    assert [route.call_count for route in routes] == [1, 1, 1]
    assert routes[0].calls.last.request.headers["accept"] == "application/json"
    assert [page.url for page in pages] == [page_url(0, 3), page_url(3, 3), page_url(6, 3)]
    results = [strip(result) for page in pages for result in source.parse(page)]
    assert [r for r in results if isinstance(r, Parsed)] == [*PAGE_1, *PAGE_2, PAGE_3[1]]
    assert sum(isinstance(r, ParseError) for r in results) == 1


def test_fetch_stops_after_an_empty_page(fetcher: Fetcher) -> None:
    with respx.mock(assert_all_called=True) as router:
        first = router.get(page_url(0, 3)).respond(200, **respond("postings.json"))
        second = router.get(page_url(3, 3)).respond(200, **respond("empty_list.json"))
        pages = list(make_source(board="nimbusai", page_size=3).fetch(fetcher))

    assert (first.call_count, second.call_count, len(pages)) == (1, 1, 2)


def test_fetch_stops_when_the_server_ignores_skip(fetcher: Fetcher, caplog: pytest.LogCaptureFixture) -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.get(url__startswith=BASE).respond(200, **respond("postings.json"))
        with caplog.at_level(logging.WARNING):
            pages = list(make_source(board="nimbusai", page_size=3).fetch(fetcher))

    assert route.call_count == 2
    assert len(pages) == 2
    assert "repeats earlier postings" in caplog.text


def test_fetch_stops_at_max_pages(fetcher: Fetcher, caplog: pytest.LogCaptureFixture) -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.get(page_url(0, 3)).respond(200, **respond("postings.json"))
        with caplog.at_level(logging.WARNING):
            pages = list(make_source(board="nimbusai", page_size=3, max_pages=1).fetch(fetcher))

    assert (route.call_count, len(pages)) == (1, 1)
    assert "max_pages = 1" in caplog.text


def test_fetch_stops_on_a_maintenance_page(fetcher: Fetcher) -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.get(page_url(0, 3)).respond(
            200, content=(FIXTURES / "maintenance.html").read_bytes(), headers={"content-type": "text/html"}
        )
        source = make_source(board="nimbusai", page_size=3)
        pages = list(source.fetch(fetcher))

    assert (route.call_count, len(pages)) == (1, 1)
    with pytest.raises(ParseError, match="got an HTML page"):
        list(source.parse(pages[0]))


def test_fetch_from_the_eu_host(fetcher: Fetcher) -> None:
    eu = page_url(0, base="https://api.eu.lever.co/v0/postings/nimbusai")
    with respx.mock(assert_all_called=True) as router:
        route = router.get(eu).respond(200, **respond("postings_page2.json"))
        pages = list(make_source("https://api.eu.lever.co", board="nimbusai").fetch(fetcher))

    assert (route.call_count, len(pages)) == (1, 1)


# Postings built from the keys the adapter reads, with values of every JSON type: parse never raises anything
# but ParseError, and yields only RawPosting or ParseError.
KEYS = [
    "id", "text", "categories", "location", "allLocations", "commitment", "team", "department", "level",
    "workplaceType", "createdAt", "description", "descriptionPlain", "lists", "content", "additional",
    "hostedUrl", "applyUrl", "salaryRange", "currency", "interval", "min", "max", "salaryDescriptionPlain",
]  # fmt: skip
JSON_VALUES = json_values(KEYS, ["per-hour-wage", "per-year-salary", "/relative", "javascript:alert(1)"])


@settings(max_examples=examples(200), deadline=None)
@given(document=st.lists(JSON_VALUES, max_size=4) | JSON_VALUES)
def test_parse_raises_only_parse_error(document: Any) -> None:
    parses_to_postings_or_errors(make_source(board="nimbusai"), KIT.json_page(document, page_url(0)))
