"""Greenhouse adapter: golden parses of real-format boards, wrong content, endpoint rules and fetch over respx."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import Period, PeriodBasis
from models.records import RawPosting, Salary
from scraper.errors import HTTPStatusError, ParseError, SourceConfigError
from scraper.fetching import Fetcher, Page
from scraper.sources.greenhouse import GreenhouseSource
from tests.properties import examples
from tests.scraper.sources._json_strategies import json_values
from tests.scraper.sources._kit import Kit, assert_golden, parses_to_postings_or_errors
from tests.scraper.sources._stated import Parsed, expect, parsed

FETCHED_AT = datetime(2026, 9, 21, 12, 0, tzinfo=UTC)
API = "https://boards-api.greenhouse.io/v1/boards/quantaforge/jobs?content=true&pay_transparency=true"
STATED = PeriodBasis.STATED

KIT = Kit(GreenhouseSource, "qf", "greenhouse", FETCHED_AT, "https://boards-api.greenhouse.io", page_url=API)
FIXTURES = KIT.fixtures
make_source = KIT.source
fixture_page = KIT.page


def posting(**fields: Any) -> Parsed:
    return expect(**{"source": "qf", "company": "QuantaForge", **fields})


def strip(result: RawPosting | ParseError) -> Parsed | ParseError:
    """The posting without the audit payload and fetch time (checked separately), with its salary as read."""
    return parsed(result)


BOARD = [
    posting(
        external_id="7301122",
        url="https://boards.greenhouse.io/quantaforge/jobs/7301122",
        title="Senior Machine Learning Engineer, Ranking",
        locations=("San Francisco, CA; New York, NY", "San Francisco, CA", "New York, NY"),
        employment_type="Full-Time",
        salary=Salary(
            min=193000.0,
            max=280000.0,
            currency="USD",
            period=Period.YEAR,
            period_basis=STATED,
            raw="Zone A Annual Salary: USD 215000-280000; Zone B Annual Salary: USD 193000-252000",
        ),
        posted_at="2026-08-12T11:00:00-04:00",
        description_html="<p>We rank &amp; recommend.</p><ul><li>5+ years ML</li></ul>",
        category_hint="Machine Learning",
    ),
    posting(
        external_id="7301988",
        url="https://careers.quantaforge.example/jobs?gh_jid=7301988",
        title="Data Engineer",
        locations=("Remote - Europe",),
        posted_at="2025-11-03T10:00:00-05:00",
        description_html="<p>Build pipelines. Competitive compensation.</p>",
        category_hint="Data",
    ),
    posting(
        external_id="7302001",
        url="https://boards.greenhouse.io/quantaforge/jobs/7302001",
        title="Annotation Specialist (Contract)",
        locations=("Hybrid - Austin", "Austin"),
        salary_text="$38 — $45.50 USD",
        salary=Salary(
            min=38.0,
            max=45.5,
            currency="USD",
            period=Period.HOUR,
            period_basis=STATED,
            raw="Hourly Pay Range: USD 38-45.5",
        ),
        posted_at="2026-08-23T08:00:00-04:00",
        description_html=(
            '<div class="pay-range"><span>$38</span><span class="divider">&mdash;</span><span>$45.50 USD</span></div>'
        ),
    ),
]

VARIANTS: list[RawPosting | str] = [
    posting(
        company="Orchard Minds",
        external_id="4410021",
        url="https://job-boards.greenhouse.io/orchardminds/jobs/4410021",
        title="Staff Research Engineer, Alignment",
        locations=("San Francisco, CA | Remote (US)", "San Francisco, CA"),
        employment_type="Full-Time, Contract",
        seniority="Staff",
        salary_text="$172,800 — $297,000 USD",
        salary=Salary(
            min=172800.0,
            max=297000.0,
            currency="USD",
            period=None,
            period_basis=STATED,
            raw="Pay Transparency Range: USD 172800-297000",
        ),
        posted_at="2026-07-01T09:30:00-07:00",
        description_html=(
            '<p>Research &amp; engineering.</p><div class="content-pay-transparency"><div class="pay-input">'
            '<div class="title">Annual Salary</div><div class="pay-range"><span>$172,800</span>'
            '<span class="divider">&mdash;</span><span>$297,000 USD</span></div></div></div>'
        ),
        category_hint="Research",
    ),
    posting(
        company="Orchard Minds Inc.",  # no company_name: the configured company
        external_id="4410022",
        url="https://job-boards.greenhouse.io/orchardminds/jobs/4410022",
        title="General Application",
        locations=("Anywhere",),
        # the Signing Bonus currency field is skipped
        salary=Salary(
            min=168500.0, max=168500.0, currency="USD", period=None, period_basis=STATED, raw="Salary: USD 168500"
        ),
    ),
    posting(
        company="Orchard Minds",
        external_id="4410023",
        url="https://careers.orchardminds.example/open-roles?gh_jid=4410023",
        title="ML Engineer, Evaluation",
        locations=("Berlin",),
        salary=Salary(
            min=90000.0,
            max=120000.0,
            currency="EUR",
            period=None,
            period_basis=STATED,
            raw="Base salary: EUR 90000-120000",
        ),
        posted_at="2026-09-01T10:00:00+02:00",
        description_html="<p>Evaluate models.</p>",
        category_hint="Engineering",
    ),
    posting(
        company="Orchard Minds",
        external_id="4410024",
        url="https://job-boards.greenhouse.io/orchardminds/jobs/4410024",
        title="Customer Support Associate",
        locations=("Remote - US",),
        salary=Salary(
            min=65.0,
            max=72.0,
            currency="USD",
            period=Period.HOUR,
            period_basis=STATED,
            raw="Zone 1 Hourly Pay Range: USD 72; Zone 2 Hourly Pay Range: USD 65-68",
        ),
        posted_at="2026-09-13T08:00:00-04:00",
        description_html="<p>Help users.</p>",
    ),
    posting(
        company="Orchard Minds",
        external_id="4410025",
        url="https://job-boards.greenhouse.io/orchardminds/jobs/4410025",
        title="Solutions Architect",
        locations=("New York, NY",),
        salary=Salary(
            min=180000.0,
            max=None,
            currency="USD",
            period=Period.YEAR,
            period_basis=STATED,
            raw="USD 180000+ (Pay Frequency: Annual)",
        ),
        posted_at="2026-09-14T08:00:00-04:00",
        description_html="<p>Design deployments.</p>",
    ),
    "item #5: a job is a JSON NoneType, expected an object",
    "item #6 (id 4410027): 'title' is a JSON dict, expected text",
]


@pytest.mark.parametrize(
    ("options", "company"),
    [({"company": "Orchard Minds Inc."}, "Orchard Minds Inc."), ({}, "Quantaforge")],
    ids=["company-key", "board-slug"],
)
def test_a_job_without_company_name_still_names_its_company(options: dict[str, Any], company: str) -> None:
    job = {"id": 1, "title": "Engineer", "absolute_url": "https://boards.greenhouse.io/quantaforge/jobs/1"}
    page = Page(url=API, status=200, headers={}, content=json.dumps({"jobs": [job]}).encode(), fetched_at=FETCHED_AT)
    [result] = make_source(board="quantaforge", **options).parse(page)
    assert isinstance(result, RawPosting)
    assert result.company == company


@pytest.mark.parametrize(
    ("fixture", "options", "expected"),
    [("board.json", {}, BOARD), ("board_variants.json", {"company": "Orchard Minds Inc."}, VARIANTS)],
    ids=["board.json", "board_variants.json"],
)
def test_golden_parse(fixture: str, options: dict[str, Any], expected: list[RawPosting | str]) -> None:
    results = list(make_source(board="quantaforge", **options).parse(fixture_page(fixture)))
    jobs = json.loads((FIXTURES / fixture).read_text())["jobs"]

    assert_golden(results, expected, jobs, url=API, fetched_at=FETCHED_AT, compare=strip)
    assert all(r.featured is None and r.remote is None for r in results if isinstance(r, RawPosting))


@pytest.mark.parametrize(
    ("fixture", "content_type", "message"),
    [
        ("maintenance.html", "text/html; charset=utf-8", "got an HTML page ('Greenhouse - Scheduled Maintenance')"),
        ("maintenance.html", "application/json", "got an HTML page"),  # a lying Content-Type
        ("empty_object.json", "application/json", "got {}"),
        ("empty_list.json", "application/json", "got []"),
        ("board_info.json", "application/json", "got an object with keys 'name', 'content'"),
        ("no_jobs.json", "application/json", "the board lists no jobs"),
    ],
    ids=["maintenance.html", "html-as-json", "{}", "[]", "board-info-no-jobs-key", "jobs-empty"],
)
def test_wrong_content_raises(fixture: str, content_type: str, message: str) -> None:
    with pytest.raises(ParseError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        list(make_source(board="quantaforge").parse(fixture_page(fixture, content_type=content_type)))


def test_truncated_json_raises() -> None:
    page = dataclasses.replace(fixture_page("board.json"), content=(FIXTURES / "board.json").read_bytes()[:500])
    with pytest.raises(ParseError, match="expected JSON"):
        list(make_source(board="quantaforge").parse(page))


def test_empty_board_allowed_when_configured() -> None:
    assert list(make_source(board="quantaforge", allow_empty=True).parse(fixture_page("no_jobs.json"))) == []


def test_not_modified_page_yields_nothing() -> None:
    page = dataclasses.replace(fixture_page("board.json"), status=304, content=b"", not_modified=True)
    assert list(make_source(board="quantaforge").parse(page)) == []


@pytest.mark.parametrize(
    ("url", "options", "endpoint"),
    [
        ("https://boards-api.greenhouse.io", {"board": "quantaforge"}, API),
        ("https://boards-api.greenhouse.io/", {"board": "quantaforge"}, API),
        (
            "http://127.0.0.1:8765",
            {"board": "quantaforge"},
            "http://127.0.0.1:8765/v1/boards/quantaforge/jobs?content=true&pay_transparency=true",
        ),
        (
            "https://boards-api.greenhouse.io/v1/boards/other/jobs?content=true",
            {"board": "quantaforge"},
            "https://boards-api.greenhouse.io/v1/boards/other/jobs?content=true",
        ),
        ("https://mirror.example/gh/quantaforge.json", {}, "https://mirror.example/gh/quantaforge.json"),
    ],
    ids=["bare-host", "bare-host-slash", "mirror-host", "url-overrides-board", "url-only"],
)
def test_endpoint_rule(url: str, options: dict[str, Any], endpoint: str) -> None:
    assert make_source(url, **options).url == endpoint


@pytest.mark.parametrize(
    ("url", "options", "message"),
    [
        ("https://boards-api.greenhouse.io", {}, "key 'board' is required"),
        ("https://boards-api.greenhouse.io", {"board": 42}, "key 'board' must be a string, got 42"),
        ("https://boards-api.greenhouse.io", {"board": "x", "allow_empty": "yes"}, "key 'allow_empty' must be true"),
    ],
    ids=["no-board", "board-not-string", "allow-empty-not-bool"],
)
def test_bad_options_refused(url: str, options: dict[str, Any], message: str) -> None:
    with pytest.raises(SourceConfigError, match=message):
        make_source(url, **options)


def test_fetch_expands_board_and_parses(fetcher: Fetcher) -> None:
    body = (FIXTURES / "board.json").read_bytes()
    with respx.mock(assert_all_called=True) as router:
        route = router.get(API).respond(200, content=body, headers={"content-type": "application/json; charset=utf-8"})
        source = make_source(board="quantaforge")
        pages = list(source.fetch(fetcher))

    assert route.call_count == 1
    assert str(route.calls.last.request.url) == API
    assert route.calls.last.request.headers["accept"] == "application/json"
    assert [page.url for page in pages] == [API]
    assert [strip(result) for result in source.parse(pages[0])] == BOARD


def test_fetch_uses_url_override(fetcher: Fetcher) -> None:
    url = "https://boards-api.greenhouse.io/v1/boards/quantaforge/jobs?content=true&pay_transparency=true&office_id=8"
    with respx.mock(assert_all_called=True) as router:
        route = router.get(url).respond(200, content=(FIXTURES / "board.json").read_bytes())
        pages = list(make_source(url, board="ignored").fetch(fetcher))

    assert route.call_count == 1
    assert str(route.calls.last.request.url) == url
    assert len(pages) == 1


def test_fetch_unknown_board_is_an_http_error(fetcher: Fetcher) -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.get(API).respond(404, json={"status": 404, "error": "Job board not found"})
        with pytest.raises(HTTPStatusError):
            list(make_source(board="quantaforge").fetch(fetcher))

    assert route.call_count == 1  # a 404 is not retried


def test_fetch_of_maintenance_page_fails_in_parse(fetcher: Fetcher) -> None:
    with respx.mock(assert_all_called=True) as router:
        router.get(API).respond(
            200, content=(FIXTURES / "maintenance.html").read_bytes(), headers={"content-type": "text/html"}
        )
        source = make_source(board="quantaforge")
        (page,) = source.fetch(fetcher)

    with pytest.raises(ParseError, match="expected JSON, got an HTML page"):
        list(source.parse(page))


# Jobs built from the keys the adapter reads, with values of every JSON type: parse never raises anything but
# ParseError, and yields only RawPosting or ParseError.
KEYS = [
    "id", "title", "company_name", "location", "offices", "departments", "absolute_url", "first_published",
    "metadata", "content", "pay_input_ranges", "name", "value", "value_type", "min_cents", "max_cents",
    "currency_type", "unit", "min_value", "max_value", "amount",
]  # fmt: skip
JSON_VALUES = json_values(KEYS, ["currency_range", "currency", "Pay Frequency", "Hourly", "&lt;p&gt;"])


@settings(max_examples=examples(200), deadline=None)
@given(document=st.fixed_dictionaries({"jobs": st.lists(JSON_VALUES, max_size=4)}) | JSON_VALUES)
def test_parse_raises_only_parse_error(document: Any) -> None:
    parses_to_postings_or_errors(make_source(board="quantaforge"), KIT.json_page(document, API))
