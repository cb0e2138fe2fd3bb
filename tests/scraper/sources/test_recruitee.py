"""Recruitee adapter: golden parses, non-public offers left out, wrong content, options, fetch over respx."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import EmploymentType, Period, RemoteMode, Seniority
from models.records import RawPosting
from scraper.errors import ParseError, SourceConfigError
from scraper.fetching import Fetcher
from scraper.normalization.posting import NormalizationContext, normalize_posting
from scraper.normalization.stated import read_stated_salary
from scraper.sources.recruitee import RecruiteeSource
from tests.properties import examples
from tests.scraper.sources._json_strategies import json_values
from tests.scraper.sources._kit import Kit, assert_golden, parses_to_postings_or_errors, strip

FETCHED_AT = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
API = "https://orbital.recruitee.com/api/offers/"
CAREERS = "https://orbital.recruitee.com/o"

KIT = Kit(
    RecruiteeSource,
    "orbital",
    "recruitee",
    FETCHED_AT,
    "https://orbital.recruitee.com",
    {"board": "orbital"},
    page_url=API,
)
FIXTURES = KIT.fixtures
make_source = KIT.source
fixture_page = KIT.page


def posting(slug: str, **fields: Any) -> RawPosting:
    links = {"url": f"{CAREERS}/{slug}", "apply_url": f"{CAREERS}/{slug}/c/new"}
    return RawPosting(**{"source": "orbital", "company": "Orbital Robotics B.V.", **links, **fields})


BOARD = [
    posting(
        "machine-learning-engineer-perception",
        external_id="2620732",
        title="Machine Learning Engineer, Perception",
        locations=("Amsterdam, North Holland, Netherlands", "Eindhoven, North Brabant, Netherlands"),
        remote="hybrid",
        employment_type="fulltime_permanent",
        seniority="mid_level",
        salary_format="recruitee",
        salary_data={"min": "65000", "max": "85000", "currency": "EUR", "period": "year"},
        posted_at="2026-09-25 09:45:21 UTC",
        description_html=(
            "<p>Train the perception models that let our arms see.</p>"
            "<ul><li>PyTorch</li><li>3+ years shipping models</li></ul>"
        ),
        category_hint="Engineering",
    ),
    posting(
        "senior-data-engineer",
        external_id="2620733",
        title="Senior Data Engineer",
        locations=("Lisbon, Portugal",),
        remote="remote",
        employment_type="freelance",
        seniority="experienced",
        salary_format="recruitee",
        salary_data={"min": "5500", "max": "7000", "currency": "EUR", "period": "month"},
        posted_at="2026-09-20 08:05:00 UTC",
        description_html="<p>Own the telemetry lake.</p>",
        category_hint="Data Platform",  # department as an object
    ),
    posting(
        "warehouse-robotics-intern",
        external_id="2620734",
        title="Warehouse Robotics Intern",
        locations=("Manchester, England, United Kingdom",),  # no locations[]: the offer's own parts
        remote="on_site",
        employment_type="internship",
        seniority="student",
        salary_format="recruitee",
        salary_data={"min": "18", "max": "22.5", "currency": "GBP", "period": "hour"},
        posted_at="2026-09-10 12:00:00 UTC",  # never published_at: created_at
        description_html="<p>Help us test robots on the warehouse floor.</p>",
        category_hint="Operations",
    ),
]

VARIANTS: list[RawPosting | str] = [
    posting(
        "firmware-engineer",
        external_id="3100001",
        company="Orbital",  # no company_name: the board slug made readable
        title="Firmware Engineer",
        locations=("Utrecht, Netherlands",),  # state "Utrecht" repeats the city: said once
        remote="hybrid",  # remote and hybrid both true: hybrid
        employment_type="parttime",
        salary_format="recruitee",
        salary_data={"min": None, "max": None, "currency": "EUR", "period": None},
        posted_at="2026-09-01 07:00:00 UTC",
        description_html="<p>Write firmware.</p><p>Salary: €4.000 – €5.000 per month</p>",
    ),
    posting(
        "sales-lead-dach",
        external_id="3100002",
        company="Orbital Robotics GmbH",
        title="Sales Lead DACH",
        locations=("Berlin, Germany",),
        employment_type="fulltime_fixed_term",
        salary_format="recruitee",
        salary_data={"min": 70000, "max": 90000, "currency": "EUR", "period": "fortnight"},
        posted_at="2026-09-02 07:00:00 UTC",
        description_html="<p>Sell robots.</p>",
    ),
    "item #2 (id 3100003): 'title' is a JSON list, expected text",
    "item #3: an offer is a JSON str, expected an object",
]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [("offers.json", BOARD), ("offers_variants.json", VARIANTS)],
    ids=["offers.json", "offers_variants.json"],
)
def test_golden_parse(fixture: str, expected: list[RawPosting | str]) -> None:
    results = list(make_source().parse(fixture_page(fixture)))
    offers = json.loads((FIXTURES / fixture).read_text())["offers"]
    public = [o for o in offers if not isinstance(o, dict) or o.get("status") in (None, "published")]

    assert_golden(results, expected, public, url=API, fetched_at=FETCHED_AT)


def test_draft_and_internal_offers_are_left_out() -> None:
    titles = {r.title for r in make_source().parse(fixture_page("offers.json")) if isinstance(r, RawPosting)}
    assert titles.isdisjoint({"Head of People (draft)", "Controls Engineer (internal transfer)"})
    assert len(titles) == 3


# After normalization: the values the issue asks for (salary with currency and period, remote mode, type).
NORMALIZED = [
    ("Machine Learning Engineer, Perception", RemoteMode.HYBRID, (EmploymentType.FULL_TIME,), Seniority.MID,
     (65000.0, 85000.0, "EUR", Period.YEAR)),
    ("Senior Data Engineer", RemoteMode.REMOTE, (EmploymentType.FREELANCE,), Seniority.SENIOR,
     (5500.0, 7000.0, "EUR", Period.MONTH)),
    ("Warehouse Robotics Intern", RemoteMode.ONSITE, (EmploymentType.INTERNSHIP,), Seniority.INTERN,
     (18.0, 22.5, "GBP", Period.HOUR)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("title", "remote", "types", "seniority", "salary"), NORMALIZED, ids=[n[0] for n in NORMALIZED]
)
def test_normalized_board(
    title: str,
    remote: RemoteMode,
    types: tuple[EmploymentType, ...],
    seniority: Seniority,
    salary: tuple[float, float, str, Period],
) -> None:
    context = NormalizationContext(now=FETCHED_AT)
    by_title = {
        r.title: normalize_posting(r, context)
        for r in make_source().parse(fixture_page("offers.json"))
        if isinstance(r, RawPosting)
    }
    found = by_title[title]
    assert found.company == "Orbital Robotics B.V."
    assert found.location.remote is remote
    assert found.employment_types == types
    assert found.seniority is seniority
    assert found.salary is not None
    assert (found.salary.min, found.salary.max, found.salary.currency, found.salary.period) == salary
    assert found.posted_at is not None


def test_an_all_null_salary_is_no_salary_and_an_unknown_period_is_none() -> None:
    firmware, sales = (
        r for r in make_source().parse(fixture_page("offers_variants.json")) if isinstance(r, RawPosting)
    )
    assert read_stated_salary(firmware.salary_format, firmware.salary_data) is None  # the pay is only in the text
    salary = read_stated_salary(sales.salary_format, sales.salary_data)
    assert salary is not None
    assert (salary.min, salary.max, salary.currency, salary.period, salary.raw) == (
        70000.0,
        90000.0,
        "EUR",
        None,
        "EUR 70000-90000 / fortnight",
    )


@pytest.mark.parametrize(
    ("options", "companies"),
    [
        ({"company": "Orbital"}, ["Orbital", "Orbital"]),  # the company key wins over the API's name
        ({}, ["Orbital", "Orbital Robotics GmbH"]),  # no company_name: the board slug made readable
        ({"board": "orbital-robotics"}, ["Orbital Robotics", "Orbital Robotics GmbH"]),
    ],
    ids=["company-key", "api-name-else-slug", "slug-words"],
)
def test_every_offer_names_its_company(options: dict[str, Any], companies: list[str]) -> None:
    results = make_source(**options).parse(fixture_page("offers_variants.json"))
    assert [r.company for r in results if isinstance(r, RawPosting)] == companies


@pytest.mark.parametrize(
    ("fixture", "content_type", "message"),
    [
        ("maintenance.html", "text/html", r"got an HTML page \('Recruitee is under maintenance'\)"),
        ("maintenance.html", "application/json", "got an HTML page"),
        ("empty_object.json", "application/json", r"expected a Recruitee board \{'offers': \[...\]\}, got \{\}"),
        ("empty_list.json", "application/json", r"got \[\]"),
    ],
    ids=["maintenance.html", "html-as-json", "{}", "[]"],
)
def test_wrong_content_raises(fixture: str, content_type: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        list(make_source().parse(fixture_page(fixture, content_type=content_type)))


def test_a_board_with_no_offers_yields_nothing() -> None:
    assert list(make_source().parse(fixture_page("no_offers.json"))) == []


@pytest.mark.parametrize(
    ("url", "endpoint"),
    [
        ("https://orbital.recruitee.com", API),
        ("https://careers.orbital.example/", "https://careers.orbital.example/api/offers/"),
        ("http://127.0.0.1:8080/mirror/offers.json", "http://127.0.0.1:8080/mirror/offers.json"),
    ],
    ids=["bare-host", "custom-domain", "full-endpoint"],
)
def test_endpoint_rule(url: str, endpoint: str) -> None:
    assert make_source(url).url == endpoint


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"board": None}, "key 'board' is missing \\(a recruitee source needs it\\)"),
        ({"board": ""}, "key 'board' must be a non-empty string"),
        ({"max_pages": 0}, "key 'max_pages' must be a positive integer"),
        ({"company": 3}, "key 'company' must be a string, got 3"),
    ],
    ids=["no-board", "blank-board", "max-pages-0", "company-not-text"],
)
def test_bad_options_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(SourceConfigError, match=message):
        make_source(**options)


def test_fetch_reads_the_board_in_one_request(fetcher: Fetcher) -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.get(API).respond(
            200, content=(FIXTURES / "offers.json").read_bytes(), headers={"content-type": "application/json"}
        )
        source = make_source()
        pages = list(source.fetch(fetcher))

    assert route.call_count == 1
    assert route.calls.last.request.headers["accept"] == "application/json"
    assert [strip(result) for result in source.parse(pages[0])] == BOARD


# Offers built from the keys the adapter reads, with values of every JSON type: parse never raises anything but
# ParseError, and yields only RawPosting or ParseError.
KEYS = [
    "id", "slug", "status", "title", "company_name", "location", "locations", "city", "state", "state_name",
    "country", "full_address", "remote", "hybrid", "on_site", "employment_type_code", "experience_code", "salary",
    "min", "max", "currency", "period", "published_at", "created_at", "description", "requirements",
    "careers_url", "careers_apply_url", "department", "name",
]  # fmt: skip
JSON_VALUES = json_values(KEYS, ["published", "draft", "year", "month", "EUR", "/o/x"])


@settings(max_examples=examples(200), deadline=None)
@given(document=st.fixed_dictionaries({"offers": st.lists(JSON_VALUES, max_size=4)}) | JSON_VALUES)
def test_parse_raises_only_parse_error(document: Any) -> None:
    parses_to_postings_or_errors(make_source(), KIT.json_page(document, API))
