"""rss: golden parses of We Work Remotely style RSS and Atom feeds (FORMATS.md section 8a), and the refusals."""

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

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError, SourceConfigError
from scraper.fetching import Page
from scraper.sources._markup import unescape_html
from scraper.sources.rss import RssSource, parse_feed, split_skills
from tests.properties import examples
from tests.scraper.sources._kit import loopback_fetcher

FIXTURES = Path(__file__).parents[2] / "fixtures" / "sources" / "rss"
FETCHED = datetime(2026, 9, 25, 12, 0, tzinfo=UTC)
FEED_URL = "https://weworkremotely.com/remote-jobs.rss"


def make_page(content: bytes, content_type: str = "application/rss+xml; charset=utf-8") -> Page:
    return Page(url=FEED_URL, status=200, headers={"content-type": content_type}, content=content, fetched_at=FETCHED)


def fixture(name: str, content_type: str = "application/rss+xml; charset=utf-8") -> Page:
    return make_page((FIXTURES / name).read_bytes(), content_type)


def raw(**fields: Any) -> RawPosting:
    fields.setdefault("source", "wwr")
    fields.setdefault("fetched_at", FETCHED)
    fields.setdefault("featured", None)
    return RawPosting(**fields)


def without_payload(items: list[RawPosting | ParseError]) -> list[RawPosting | str]:
    return [dataclasses.replace(item, payload=None) if isinstance(item, RawPosting) else str(item) for item in items]


def test_wwr_feed_golden() -> None:
    items = list(parse_feed(fixture("wwr.xml"), "wwr"))
    assert without_payload(items) == [
        raw(
            external_id="https://weworkremotely.com/remote-jobs/brightloom-senior-backend-engineer-go",
            url="https://weworkremotely.com/remote-jobs/brightloom-senior-backend-engineer-go",
            title="Senior Backend Engineer (Go)",
            company="Brightloom",
            locations=("Anywhere in the World", "Germany and United States of America"),  # flag emoji stripped
            employment_type="Full-Time",
            tags=("Go", "PostgreSQL", "Kafka"),
            posted_at="Mon, 21 Sep 2026 14:02:11 +0000",
            valid_through="Wed, 21 Oct 2026 14:02:11 +0000",
            # entity-escaped in the XML: one level undone by the parser leaves HTML whose &amp; is a literal "&"
            description_html="<p>Salary: $140k–$170k. Build event pipelines &amp; APIs.</p>",
            category_hint="Back-End Programming",
        ),
        raw(
            external_id="https://weworkremotely.com/remote-jobs/cask-co-support-specialist-tier-2",
            url="https://weworkremotely.com/remote-jobs/cask-co-support-specialist-tier-2",
            title="Support Specialist: Tier 2",  # split on the first ": " only; CDATA title
            company="Cask & Co",
            locations=("USA Only",),  # the empty <country> adds nothing
            employment_type="Contract",
            posted_at="Mon, 21 Sep 2026 09:30:00 +0000",
            description_html="<p>Help customers by email.</p>",
        ),
    ]
    first = items[0]
    assert isinstance(first, RawPosting)
    assert first.payload["media_content"] == "https://wwr-pro.s3.amazonaws.com/logos/0099/1234/logo.gif"
    assert first.payload["expires_at"] == "Wed, 21 Oct 2026 14:02:11 +0000"


def test_wwr_quirks_golden() -> None:
    items = list(parse_feed(fixture("wwr_quirks.xml"), "wwr"))
    assert without_payload(items) == [
        raw(
            external_id="https://weworkremotely.com/remote-jobs/headway-customer-success-manager-enterprise",
            # the <link> is javascript:, so the http(s) guid is the URL
            url="https://weworkremotely.com/remote-jobs/headway-customer-success-manager-enterprise",
            title="Customer Success Manager: Enterprise",
            company="Headway",
            # double space collapsed; <state> California is the company's headquarters, not the job's place
            locations=("USA Only", "Canada and United States of America"),
            employment_type="Full-Time",
            tags=("Java", "Spring"),
            posted_at="Tue, 22 Sep 2026 08:00:00 +0000",
            description_html="<p>Double-escaped: Salary &amp; equity</p>",
        ),
        raw(
            external_id="wwr-123456",
            url="https://weworkremotely.com/remote-jobs/anonymous-listing",
            title="Anonymous listing without a company",  # no colon: kept, company unknown
            locations=("Anywhere in the World",),
            employment_type="Contract",
            posted_at="Tue, 22 Sep 2026 07:00:00 +0000",
            description_html="<p>CDATA &amp; HTML</p>",
        ),
        raw(
            external_id="https://weworkremotely.com/remote-jobs/oldco-expired-role",
            url="https://weworkremotely.com/remote-jobs/oldco-expired-role",
            title="Expired Role",
            company="Oldco",
            posted_at="Mon, 03 Aug 2026 07:00:00 +0000",
            valid_through="Wed, 02 Sep 2026 07:00:00 +0000",  # the normalizer rejects it as expired, counted
            description_html="old",
        ),
        "feed item 'Linkless: No Web Link' has no http(s) link",
    ]


def test_atom_feed_golden() -> None:
    items = list(parse_feed(fixture("atom.xml", "application/atom+xml"), "wwr"))
    assert without_payload(items) == [
        raw(
            external_id="tag:feeds.example,2026:991",
            url="https://jobs.nimbus.example/applied-scientist-retrieval",
            title="Applied Scientist, Retrieval",
            company="Nimbus AI",
            posted_at="2026-09-23T09:15:00Z",
            description_html="<p>Build retrieval for agents &amp; search.</p>",
            category_hint="Machine Learning",
        ),
        raw(
            external_id="tag:feeds.example,2026:992",
            url="https://jobs.nimbus.example/platform-engineer",
            title="Platform Engineer",
            posted_at=None,  # only <updated>, which is not a posting date
            description_html="<div><p>Run the fleet.</p></div>",
        ),
    ]


def test_title_split_can_be_turned_off() -> None:
    items = list(parse_feed(fixture("wwr.xml"), "wwr", title_separator=""))
    assert [(item.company, item.title) for item in items if isinstance(item, RawPosting)] == [
        (None, "Brightloom: Senior Backend Engineer (Go)"),
        (None, "Cask & Co: Support Specialist: Tier 2"),
    ]


def test_remote_marker_comes_from_the_source_config() -> None:
    source = RssSource(
        SourceConfig(name="wwr", kind="rss", url=FEED_URL, every_seconds=3600, options={"remote": "remote-only board"})
    )
    assert {item.remote for item in source.parse(fixture("wwr.xml")) if isinstance(item, RawPosting)} == {
        "remote-only board"
    }


XXE = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&xxe;</title><link>https://a.example/1</link></item></channel></rss>"""


@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        ((FIXTURES / "billion_laughs.xml").read_bytes(), "application/rss+xml", "refused feed"),
        (XXE, "application/rss+xml", "refused feed"),
        ((FIXTURES / "maintenance.html").read_bytes(), "text/html", "not a well-formed XML feed"),
        (b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Down</p></body></html>', "text/html", "not an RSS"),
        (b'{"jobs": []}', "application/json", "not a well-formed XML feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>', "text/xml", "no items"),
        (b'<rss version="2.0"><channel><item><title>cut', "application/rss+xml", "not a well-formed"),
        (b"", "application/rss+xml", "not a well-formed"),
    ],
    ids=["billion-laughs", "external-entity", "html-page", "xhtml-page", "json", "empty-feed", "truncated", "empty"],
)
def test_refused_documents_raise(content: bytes, content_type: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        list(parse_feed(make_page(content, content_type), "wwr"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Go, PostgreSQL, and Kafka", ("Go", "PostgreSQL", "Kafka")),
        ("Java, PostgreSQL, and Spring", ("Java", "PostgreSQL", "Spring")),
        ("Java and Spring", ("Java", "Spring")),
        ("Python", ("Python",)),
        ("Python, SQL, Python", ("Python", "SQL")),
        ("", ()),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_split_skills(text: str, expected: tuple[str, ...]) -> None:
    assert split_skills(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<p>Fish &amp; chips</p>", "<p>Fish &amp; chips</p>"),
        ("&lt;p&gt;Fish &amp;amp; chips&lt;/p&gt;", "<p>Fish &amp; chips</p>"),
        ("&amp;lt;p&amp;gt;Fish&amp;lt;/p&amp;gt;", "<p>Fish</p>"),
        ("Plain text &amp; no tags", "Plain text &amp; no tags"),
    ],
    ids=lambda value: value,
)
def test_unescape_html(text: str, expected: str) -> None:
    assert unescape_html(text) == expected


def test_fetch_is_one_request_and_parses() -> None:
    source = RssSource(SourceConfig(name="wwr", kind="rss", url=FEED_URL, every_seconds=3600))
    body = (FIXTURES / "wwr.xml").read_bytes()
    with respx.mock as mock:
        route = mock.get(FEED_URL).mock(
            return_value=httpx.Response(200, content=body, headers={"content-type": "application/rss+xml"})
        )
        with loopback_fetcher() as client:
            pages = list(source.fetch(client))
    assert route.call_count == 1
    assert "application/rss+xml" in route.calls[0].request.headers["accept"]
    page = dataclasses.replace(pages[0], fetched_at=FETCHED)  # expiry is judged against the fetch time
    assert len([item for item in source.parse(page) if isinstance(item, RawPosting)]) == 2


def test_fetch_of_an_html_challenge_page_fails_loudly_in_parse() -> None:
    source = RssSource(SourceConfig(name="wwr", kind="rss", url=FEED_URL, every_seconds=3600))
    body = (FIXTURES / "maintenance.html").read_bytes()
    with respx.mock as mock:
        mock.get(FEED_URL).mock(return_value=httpx.Response(200, content=body, headers={"content-type": "text/html"}))
        with loopback_fetcher() as client:
            [page] = list(source.fetch(client))
    with pytest.raises(ParseError):
        list(source.parse(page))


@pytest.mark.parametrize("options", [{"title_separator": 1}, {"remote": True}], ids=str)
def test_bad_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(SourceConfigError, match="wwr"):
        RssSource(SourceConfig(name="wwr", kind="rss", url=FEED_URL, every_seconds=3600, options=options))


@settings(max_examples=examples(60), deadline=None)
@given(
    st.one_of(
        st.binary(max_size=1000), st.text(alphabet="<>/=\"' &;!itemrsschanneltl:\n", max_size=1000).map(str.encode)
    )
)
def test_never_raises_anything_but_parse_error(content: bytes) -> None:
    with contextlib.suppress(ParseError):
        list(parse_feed(make_page(content), "wwr"))
