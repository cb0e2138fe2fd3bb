"""jsonld: golden parses of the three composed pages and every malformed variant of FORMATS.md section 7."""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import Period, PeriodBasis
from models.records import RawPosting, Salary
from scraper.config import SourceConfig
from scraper.errors import ParseError, SourceConfigError
from scraper.fetching import Page
from scraper.normalization.stated import read_stated_salary
from scraper.sources.jsonld import JsonLdSource, detail_links, loads_lenient, parse_jsonld_page
from tests.properties import examples
from tests.scraper.sources._kit import loopback_fetcher

FIXTURES = Path(__file__).parents[2] / "fixtures" / "sources" / "jsonld"
FETCHED = datetime(2026, 9, 25, 12, 0, tzinfo=UTC)
URL = "https://careers.example/jobs/88"


def make_page(content: bytes, url: str = URL, fetched_at: datetime = FETCHED) -> Page:
    return Page(url=url, status=200, headers={"content-type": "text/html"}, content=content, fetched_at=fetched_at)


def fixture(name: str, **kwargs: Any) -> Page:
    return make_page((FIXTURES / name).read_bytes(), **kwargs)


def postings(page: Page) -> list[RawPosting]:
    """The page's postings without the audit payload and the raw salary value (`salaries` reads that)."""
    return [dataclasses.replace(item, payload=None, salary_format=None, salary_data=None) for item in _parsed(page)]


def salaries(page: Page) -> list[Salary | None]:
    """The salary each posting's structured value states, as normalization reads it."""
    return [read_stated_salary(item.salary_format, item.salary_data) for item in _parsed(page)]


def _parsed(page: Page) -> list[RawPosting]:
    items = list(parse_jsonld_page(page, "careers"))
    assert all(isinstance(item, RawPosting) for item in items), items
    return [item for item in items if isinstance(item, RawPosting)]


def raw(**fields: Any) -> RawPosting:
    fields.setdefault("source", "careers")
    fields.setdefault("fetched_at", FETCHED)
    return RawPosting(**fields)


def script(body: str) -> bytes:
    return f'<html><head><script type="application/ld+json">{body}</script></head><body></body></html>'.encode()


def test_clean_page_golden() -> None:
    [posting] = list(parse_jsonld_page(fixture("clean.html"), "careers"))
    assert isinstance(posting, RawPosting)
    assert posting.payload["identifier"]["value"] == "PE-2026-14"
    assert posting.salary_format == "schema_org"
    assert salaries(fixture("clean.html")) == [
        Salary(
            min=62000.0,
            max=78000.0,
            currency="EUR",
            period=Period.YEAR,
            period_basis=PeriodBasis.STATED,
            raw='{"@type":"MonetaryAmount","currency":"EUR","value":{"@type":"QuantitativeValue",'
            '"minValue":62000,"maxValue":78000,"unitText":"YEAR"}}',
        )
    ]
    assert postings(fixture("clean.html")) == [
        raw(
            external_id="PE-2026-14",
            url="https://keelson.example/careers/platform-engineer",
            title="Platform Engineer",
            company="Keelson Maritime",
            locations=("Rotterdam, ZH, NL",),
            employment_type="FULL_TIME",
            posted_at="2026-09-10",
            valid_through="2026-11-10T23:59:00+02:00",
            description_html="<p>Run our Kubernetes fleet.</p><ul><li>Terraform</li></ul>",
        )
    ]


def test_graph_page_golden() -> None:
    assert postings(fixture("graph.html")) == [
        raw(
            external_id=URL,
            url=URL,
            title="Clinical Data Scientist",
            company="Tidewell Health",
            locations=("USA", "Canada"),
            remote="TELECOMMUTE",
            employment_type="FULL_TIME, CONTRACTOR",
            posted_at="2026-09-12T08:30:00Z",
            description_html="<p>Remote role.</p>",
        )
    ]


def test_messy_page_golden_before_it_expires() -> None:
    before = datetime(2026, 7, 20, tzinfo=UTC)
    assert postings(fixture("messy.html", fetched_at=before)) == [
        raw(
            external_id=URL,
            url=URL,
            title="Warehouse Shift Lead",
            company="Northgate Logistics",  # a plain-string hiringOrganization
            locations=("12 Dock Rd, Leeds", "York, GB"),  # a string address and an object country
            remote="ON_SITE",  # not a schema.org value: kept as found
            employment_type="Full Time",
            salary_text="£14.50 - £16.00 per hour",  # a string baseSalary is text for parse_salary
            posted_at="09/14/2026",
            valid_through="2026-08-01",
            # unescaped once: the &amp;amp; was the entity for "&" inside escaped HTML; the truncation is kept
            description_html="<p>Lead a team of 12 &amp; keep us safe.</p><ul><li>Nights",
            fetched_at=before,
        )
    ]


def test_an_expired_posting_is_still_extracted_with_its_valid_through() -> None:
    # whether it has ended is the normalizer's call (it rejects it as "expired", counted in the run)
    [posting] = postings(fixture("messy.html"))
    assert posting.valid_through == "2026-08-01"


JOB = '{"@type":"JobPosting","title":"ML Engineer","url":"https://acme.example/jobs/1"'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f'[{JOB}}}, {{"@type":"Organization","name":"Acme"}}]', {"title": "ML Engineer"}),
        (
            f'{{"@type":"ItemList","itemListElement":[{{"@type":"ListItem","item":{JOB}}}}}]}}',
            {"title": "ML Engineer"},
        ),
        (f'{{"@type":"WebPage","mainEntity":{JOB}}}}}', {"title": "ML Engineer"}),
        (
            '{"@context":"https://schema.org",/* CMS */ "@type":"JobPosting", // note\n'
            ' "title":"ML Engineer", url:"https://acme.example/jobs/1", "tags":["a",],}',
            {"title": "ML Engineer", "url": "https://acme.example/jobs/1"},
        ),
        (f"<!-- {JOB}}} -->", {"title": "ML Engineer"}),
        (f"window.__job = {JOB}}};", {"title": "ML Engineer"}),
        (f'{JOB},"@type":"schema:JobPosting"}}', {"title": "ML Engineer"}),
        (f'{JOB},"@type":"http://schema.org/JobPosting"}}', {"title": "ML Engineer"}),
        (
            f'{JOB},"baseSalary":"$50,000 - $60,000","salaryCurrency":"USD"}}',
            {"salary_text": "$50,000 - $60,000", "salary": None},
        ),
        (
            f'{JOB},"baseSalary":{{"currency":"USD","value":"$120,000"}}}}',
            {"salary_text": "$120,000", "salary": None},
        ),
        (
            f'{JOB},"baseSalary":{{"@type":"MonetaryAmount","currency":"usd","value":'
            f'{{"value":"85,000","unitText":"ANNUAL"}}}}}}',
            {"salary_amounts": (85000.0, 85000.0, "USD", Period.YEAR)},
        ),
        (
            f'{JOB},"baseSalary":{{"currency":"GBP","value":{{"minValue":"40","unitText":"HOUR"}}}}}}',
            {"salary_amounts": (40.0, None, "GBP", Period.HOUR)},
        ),
        (f'{JOB},"baseSalary":95000,"salaryCurrency":"CAD"}}', {"salary_amounts": (95000.0, 95000.0, "CAD", None)}),
        (f'{JOB},"jobLocationType":"HYBRID"}}', {"remote": "HYBRID"}),
        (
            f'{JOB},"hiringOrganization":{{"@type":"Organization","name":"Acme","logo":{{"@type":"ImageObject",'
            f'"url":"https://acme.example/l.png"}}}}}}',
            {"company": "Acme"},
        ),
        (
            f'{JOB},"jobLocation":{{"@type":"Place","address":{{"@type":"PostalAddress","addressLocality":"Berlin",'
            f'"addressRegion":"BE","addressCountry":{{"@type":"Country","name":"DE"}}}}}}}}',
            {"locations": ("Berlin, BE, DE",)},
        ),
        (
            f'{JOB},"description":"&amp;lt;p&amp;gt;Double &amp;amp;amp; escaped&amp;lt;/p&amp;gt;"}}',
            {"description_html": "<p>Double &amp; escaped</p>"},
        ),
        (f'{JOB},"identifier":{{"@type":"PropertyValue","name":"Acme","value":1234}}}}', {"external_id": "1234"}),
        (f'{JOB},"identifier":"REQ-9"}}', {"external_id": "REQ-9"}),
        ('{"@type":"JobPosting","name":"Named Only"}', {"title": "Named Only", "url": URL, "external_id": URL}),
        (
            f'{JOB},"skills":["Python","SQL","Python"],"occupationalCategory":"15-2051.00"}}',
            {"tags": ("Python", "SQL"), "category_hint": "15-2051.00"},
        ),
        (f'{JOB},"datePosted":"3 days ago"}}', {"posted_at": "3 days ago"}),
    ],
    ids=lambda value: value[:60] if isinstance(value, str) else None,
)
def test_malformed_variants(body: str, expected: dict[str, Any]) -> None:
    [posting] = postings(make_page(script(body)))
    [salary] = salaries(make_page(script(body)))
    for key, value in expected.items():
        if key == "salary_amounts":
            assert salary is not None
            assert (salary.min, salary.max, salary.currency, salary.period) == value
        elif key == "salary":
            assert salary == value
        else:
            assert getattr(posting, key) == value, key


def test_several_scripts_and_a_broken_block() -> None:
    content = (
        b'<html><head><script type="application/ld+json">{"@type":"Organization","name":"Acme"}</script>'
        b'<script type="application/ld+json">{"@type":"JobPosting","title":"A","url":"/a"}</script>'
        b'<script type="application/ld+json">{"@type": "JobPosting", "title": </script>'
        b'<script type="text/javascript">var x = {"@type":"JobPosting","title":"not JSON-LD"};</script>'
        b'</head><body><script type="application/ld+json">[{"@type":"JobPosting","title":"B","url":"/b"}]</script>'
        b"</body></html>"
    )
    items = list(parse_jsonld_page(make_page(content), "careers"))
    assert [type(item).__name__ for item in items] == ["ParseError", "RawPosting", "RawPosting"]
    assert [item.url for item in items if isinstance(item, RawPosting)] == [
        "https://careers.example/a",
        "https://careers.example/b",
    ]


def test_canonical_link_is_the_url_when_the_posting_names_none() -> None:
    content = script('{"@type":"JobPosting","title":"A"}').replace(
        b"<head>", b'<head><link rel="canonical" href="https://careers.example/jobs/a">'
    )
    [posting] = postings(make_page(content, url="https://careers.example/jobs/a?utm_source=x"))
    assert posting.url == posting.external_id == "https://careers.example/jobs/a"


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body><h1>Careers</h1></body></html>",
        b'<html><script type="application/ld+json">{"@type":"Organization","name":"Acme"}</script></html>',
        b'{"jobs": []}',
    ],
    ids=["no-json-ld", "no-job-posting", "json-not-html"],
)
def test_page_without_job_postings_raises(content: bytes) -> None:
    source = JsonLdSource(SourceConfig(name="careers", kind="jsonld", url=URL, every_seconds=3600))
    with pytest.raises(ParseError):
        list(source.parse(make_page(content)))


@pytest.mark.parametrize(
    "text",
    ["[" * 5000 + "]" * 5000, '{"a": ' * 3000 + "1" + "}" * 3000],
    ids=["deep-array", "deep-object"],
)
def test_deep_nesting_is_a_parse_error_or_harmless(text: str) -> None:
    items = list(parse_jsonld_page(make_page(script(text)), "careers"))
    assert all(isinstance(item, ParseError) for item in items)


def test_loads_lenient_keeps_slashes_inside_strings() -> None:
    assert loads_lenient('{"url": "https://x.example/a//b", /* c */ "t": "a, }"}') == {
        "url": "https://x.example/a//b",
        "t": "a, }",
    }


# --- listing pages and fetch -----------------------------------------------------------------------------------------

LISTING = b"""<html><body><ul class="openings">
<li><a class="job" href="/jobs/1">One</a></li><li><a class="job" href="/jobs/2#apply">Two</a></li>
<li><a class="job" href="/jobs/1">One again</a></li><li><a class="job" href="javascript:void(0)">Bad</a></li>
<li><a class="job" href="https://ats.example/acme/3">Three</a></li><li><a href="/about">About</a></li>
</ul></body></html>"""


def test_detail_links() -> None:
    page = make_page(LISTING, url="https://careers.example/jobs/")
    assert detail_links(page, "a.job") == [
        "https://careers.example/jobs/1",
        "https://careers.example/jobs/2",
        "https://ats.example/acme/3",
    ]


def follow_config(**options: Any) -> SourceConfig:
    return SourceConfig(
        name="careers", kind="jsonld", url="https://careers.example/jobs/", every_seconds=3600, options=options
    )


def detail(number: int) -> httpx.Response:
    body = script(f'{{"@type":"JobPosting","title":"Role {number}","identifier":{{"value":"R{number}"}}}}')
    return httpx.Response(200, content=body, headers={"content-type": "text/html"})


def test_fetch_follows_detail_links_and_the_listing_parses_to_nothing() -> None:
    source = JsonLdSource(follow_config(follow="a.job"))
    with respx.mock as mock:
        mock.get("https://careers.example/jobs/").mock(return_value=httpx.Response(200, content=LISTING))
        mock.get("https://careers.example/jobs/1").mock(return_value=detail(1))
        mock.get("https://careers.example/jobs/2").mock(return_value=detail(2))
        mock.get("https://ats.example/acme/3").mock(return_value=detail(3))
        with loopback_fetcher() as client:
            pages = list(source.fetch(client))
    assert [page.url for page in pages] == [
        "https://careers.example/jobs/",
        "https://careers.example/jobs/1",
        "https://careers.example/jobs/2",
        "https://ats.example/acme/3",
    ]
    found = [item for page in pages for item in source.parse(page)]
    assert [item.external_id for item in found if isinstance(item, RawPosting)] == ["R1", "R2", "R3"]


def test_fetch_is_bounded_by_max_pages() -> None:
    source = JsonLdSource(follow_config(follow="a.job", max_pages=2))
    with respx.mock as mock:
        mock.get("https://careers.example/jobs/").mock(return_value=httpx.Response(200, content=LISTING))
        first = mock.get("https://careers.example/jobs/1").mock(return_value=detail(1))
        with loopback_fetcher() as client:
            pages = list(source.fetch(client))
        assert len(mock.calls) == 2
    assert len(pages) == 2 and first.call_count == 1


def test_fetch_without_follow_is_one_page() -> None:
    with respx.mock as mock:
        route = mock.get(URL).mock(return_value=detail(1))
        with loopback_fetcher() as client:
            pages = list(JsonLdSource(SourceConfig(name="c", kind="jsonld", url=URL, every_seconds=60)).fetch(client))
    assert len(pages) == 1 and route.call_count == 1


@pytest.mark.parametrize("options", [{"follow": ""}, {"follow": 3}, {"max_pages": 0}, {"max_pages": True}], ids=str)
def test_bad_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(SourceConfigError, match="careers"):
        JsonLdSource(follow_config(**options))


@settings(max_examples=examples(60), deadline=None)
@given(st.text(alphabet='{}[]":,/*@ \n<!->JobPostingtitle0123456789', max_size=600))
def test_never_raises_anything_but_parse_error(body: str) -> None:
    with contextlib.suppress(ParseError):
        list(parse_jsonld_page(make_page(script(body)), "careers"))
