"""Personio adapter: golden parses of real-format XML feeds, wrong content, options, fetch over respx, fuzzing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import EmploymentType, RemoteMode, Seniority
from models.records import RawPosting
from scraper.errors import ParseError, SourceConfigError
from scraper.fetching import Fetcher, Page
from scraper.normalization.posting import NormalizationContext, normalize_posting
from scraper.sources.personio import PersonioSource
from tests.properties import examples
from tests.scraper.sources._kit import Kit, parses_to_postings_or_errors, strip

FETCHED_AT = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
FEED = "https://kiefer-analytics.jobs.personio.de/xml"
JOBS = "https://kiefer-analytics.jobs.personio.de/job"

KIT = Kit(
    PersonioSource,
    "kiefer",
    "personio",
    FETCHED_AT,
    "https://kiefer-analytics.jobs.personio.de",
    {"board": "kiefer-analytics"},
    page_url=FEED,
    content_type="text/xml; charset=UTF-8",
)
FIXTURES = KIT.fixtures
make_source = KIT.source
fixture_page = KIT.page


def posting(ident: str, **fields: Any) -> RawPosting:
    return RawPosting(**{"source": "kiefer", "external_id": ident, "url": f"{JOBS}/{ident}", **fields})


FEED_POSTINGS = [
    posting(
        "1843207",
        title="Senior Machine Learning Engineer (m/w/d)",
        company="Kiefer Analytics GmbH",
        locations=("München", "Berlin", "Remote (Deutschland)"),
        employment_type="full-time, permanent",
        seniority="experienced",
        posted_at="2026-09-15T08:30:12+00:00",
        description_html=(
            "<h3>Deine Aufgaben</h3><ul><li>Du entwickelst Prognosemodelle für den Energiehandel.</li>"
            "<li>Du bringst Modelle in Produktion.</li></ul>"
            "<h3>Dein Profil</h3><ul><li>5+ Jahre Erfahrung mit Python &amp; PyTorch</li></ul>"
            "<h3>Was wir bieten</h3><p>Gehalt: 70.000 € – 85.000 € brutto/Jahr, 30 Tage Urlaub.</p>"
        ),
        category_hint="Engineering",
    ),
    posting(
        "1843311",
        title="Werkstudent Data Science (m/w/d)",
        company="Kiefer Analytics GmbH",
        locations=("Berlin",),
        employment_type="part-time, working_student",
        seniority="student",
        posted_at="2026-09-22T14:05:00+00:00",
        description_html="<h3>Über uns</h3><p>Wir machen Energiedaten nutzbar.</p>",
        category_hint="Data",
    ),
    posting(
        "1843390",
        title="Praktikum Performance Marketing (m/w/d)",
        company="Kiefer Analytics",  # no subcompany: the board slug made readable
        locations=("Hamburg",),
        employment_type="full-time, intern",
        seniority="entry-level",
        posted_at="2026-09-28T09:00:00+00:00",
        description_html="<h3>Deine Aufgaben</h3><p>Kampagnen planen und auswerten.</p>",  # entity-escaped value
        category_hint="Marketing",  # no department: the recruiting category
    ),
]


def test_golden_parse() -> None:
    results = list(make_source().parse(fixture_page("feed.xml")))
    assert [strip(result) for result in results] == FEED_POSTINGS
    first = results[0]
    assert isinstance(first, RawPosting)
    assert first.fetched_at == FETCHED_AT
    assert first.remote is None  # Personio states no workplace mode
    assert first.payload["yearsOfExperience"] == "5-7"
    assert first.payload["additionalOffices"] == ["Berlin", "Remote (Deutschland)"]
    assert [section["name"] for section in first.payload["jobDescriptions"]] == [
        "Deine Aufgaben",
        "Dein Profil",
        "Was wir bieten",
    ]


def test_a_position_without_id_is_a_bad_card() -> None:
    bad, good = make_source().parse(fixture_page("feed_variants.xml"))
    assert isinstance(bad, ParseError)
    assert str(bad) == f"{FEED}: position #0: a position without an <id> (its page cannot be linked)"
    assert isinstance(good, RawPosting)
    assert (good.title, good.locations, good.employment_type) == ("Backend Engineer (Go)", ("Remote",), "freelance")


def test_normalized_feed() -> None:
    context = NormalizationContext(now=FETCHED_AT)
    found = {
        r.title: normalize_posting(r, context)
        for r in make_source().parse(fixture_page("feed.xml"))
        if isinstance(r, RawPosting)
    }
    ml = found["Senior Machine Learning Engineer (m/w/d)"]
    assert ml.company == "Kiefer Analytics GmbH"
    assert ml.employment_types == (EmploymentType.FULL_TIME,)
    assert ml.seniority is Seniority.SENIOR
    assert ml.location.countries == ("DE",)
    assert ml.posted_at == datetime(2026, 9, 15, 8, 30, 12, tzinfo=UTC)
    intern = found["Praktikum Performance Marketing (m/w/d)"]
    assert EmploymentType.INTERNSHIP in intern.employment_types
    freelance = list(make_source().parse(fixture_page("feed_variants.xml")))[1]
    assert isinstance(freelance, RawPosting)
    remote = normalize_posting(freelance, context)
    assert remote.location.remote is RemoteMode.REMOTE  # read from the office text, not invented by the adapter


@pytest.mark.parametrize(
    ("options", "companies"),
    [
        ({"company": "Kiefer"}, ["Kiefer", "Kiefer", "Kiefer"]),
        ({}, ["Kiefer Analytics GmbH", "Kiefer Analytics GmbH", "Kiefer Analytics"]),
        ({"board": "kiefer"}, ["Kiefer Analytics GmbH", "Kiefer Analytics GmbH", "Kiefer"]),
    ],
    ids=["company-key", "subcompany-else-slug", "other-slug"],
)
def test_every_position_names_its_company(options: dict[str, Any], companies: list[str]) -> None:
    results = make_source(**options).parse(fixture_page("feed.xml"))
    assert [r.company for r in results if isinstance(r, RawPosting)] == companies


def test_the_feed_language_carries_into_job_links() -> None:
    url = f"{FEED}?language=de"
    results = list(make_source(url).parse(fixture_page("feed.xml", url=url)))
    assert next(r.url for r in results if isinstance(r, RawPosting)) == f"{JOBS}/1843207?language=de"


def test_a_mirror_path_links_under_the_mirror() -> None:
    url = "http://127.0.0.1:8080/boards/kiefer/xml"
    results = list(make_source(url).parse(fixture_page("feed.xml", url=url)))
    assert (
        next(r.url for r in results if isinstance(r, RawPosting)) == "http://127.0.0.1:8080/boards/kiefer/job/1843207"
    )


def test_an_empty_feed_is_a_board_with_no_openings() -> None:
    assert list(make_source().parse(fixture_page("empty_feed.xml"))) == []


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("maintenance.html", "not a well-formed Personio XML feed"),
        ("other_root.xml", "expected a Personio feed <workzag-jobs>, got <error>"),
        ("billion_laughs.xml", "refused feed: EntitiesForbidden"),
    ],
    ids=["maintenance.html", "other-root", "billion-laughs"],
)
def test_wrong_content_raises(fixture: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        list(make_source().parse(fixture_page(fixture)))


def test_an_empty_body_raises() -> None:
    page = Page(url=FEED, status=200, headers={}, content=b"", fetched_at=FETCHED_AT)
    with pytest.raises(ParseError, match="not a well-formed"):
        list(make_source().parse(page))


@pytest.mark.parametrize(
    ("url", "endpoint"),
    [
        ("https://kiefer-analytics.jobs.personio.de", FEED),
        ("https://kiefer-analytics.jobs.personio.com/", "https://kiefer-analytics.jobs.personio.com/xml"),
        (f"{FEED}?language=en", f"{FEED}?language=en"),
    ],
    ids=["bare-host", "dot-com", "full-endpoint"],
)
def test_endpoint_rule(url: str, endpoint: str) -> None:
    assert make_source(url).url == endpoint


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"board": None}, "key 'board' is missing \\(a personio source needs it\\)"),
        ({"max_pages": "2"}, "key 'max_pages' must be an integer, got '2'"),
        ({"company": ""}, "key 'company' must be a non-empty string"),
    ],
    ids=["no-board", "max-pages-text", "company-blank"],
)
def test_bad_options_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(SourceConfigError, match=message):
        make_source(**options)


def test_fetch_reads_the_feed_in_one_request(fetcher: Fetcher) -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.get(FEED).respond(
            200, content=(FIXTURES / "feed.xml").read_bytes(), headers={"content-type": "text/xml; charset=UTF-8"}
        )
        source = make_source()
        pages = list(source.fetch(fetcher))

    assert route.call_count == 1
    assert "application/xml" in route.calls.last.request.headers["accept"]
    assert [strip(result) for result in source.parse(pages[0])] == FEED_POSTINGS


# Feeds built from Personio's element names with arbitrary text and nesting: parse never raises anything but
# ParseError, and yields only RawPosting or ParseError.
TAGS = [
    "id", "name", "office", "subcompany", "additionalOffices", "jobDescriptions", "jobDescription", "value",
    "employmentType", "schedule", "seniority", "createdAt", "department", "recruitingCategory",
]  # fmt: skip
ELEMENTS = st.recursive(
    st.text(max_size=12).map(escape),
    lambda inner: (
        st.builds(lambda tag, body: f"<{tag}>{body}</{tag}>", st.sampled_from(TAGS), inner)
        | st.lists(inner, max_size=3).map("".join)
    ),
    max_leaves=10,
)


@settings(max_examples=examples(200), deadline=None)
@given(
    body=st.lists(ELEMENTS.map(lambda inner: f"<position>{inner}</position>"), max_size=3).map("".join),
    root=st.sampled_from(["workzag-jobs", "position", "rss"]),
)
def test_parse_raises_only_parse_error(body: str, root: str) -> None:
    document = f'<?xml version="1.0" encoding="UTF-8"?><{root}>{body}</{root}>'.encode()
    parses_to_postings_or_errors(make_source(), KIT.raw_page(document, FEED))
