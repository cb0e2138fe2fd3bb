"""featured-html: golden parses of aijobs.net fixtures (FORMATS.md section 1) and the fetch paths over respx."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from hypothesis import example, given, settings
from hypothesis import strategies as st

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError, SourceConfigError
from scraper.fetching import Page
from scraper.sources.featured_html import FeaturedHtmlSource, job_id, parse_featured_html, split_badge_line
from tests.properties import examples
from tests.scraper.sources._kit import loopback_fetcher

FIXTURES = Path(__file__).parents[2] / "fixtures" / "sources" / "featured_html"
FETCHED = datetime(2026, 9, 25, 12, 0, tzinfo=UTC)
BASE = "https://aijobs.net/"


def make_page(name: str, url: str = BASE, content: bytes | None = None) -> Page:
    body = content if content is not None else (FIXTURES / name).read_bytes()
    return Page(
        url=url, status=200, headers={"content-type": "text/html; charset=utf-8"}, content=body, fetched_at=FETCHED
    )


def raw(**fields: Any) -> RawPosting:
    fields.setdefault("source", "aijobs")
    fields.setdefault("fetched_at", FETCHED)
    return RawPosting(**fields)


def parsed(page: Page, **kwargs: Any) -> list[RawPosting]:
    items = list(parse_featured_html(page, "aijobs", **kwargs))
    assert all(isinstance(item, RawPosting) for item in items), items
    return [dataclasses.replace(item, payload=None) for item in items if isinstance(item, RawPosting)]


def config(**options: Any) -> SourceConfig:
    return SourceConfig(name="aijobs", kind="featured-html", url=BASE, every_seconds=7200, options=options)


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("make_listing", FIXTURES / "make_listing.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- golden parses -------------------------------------------------------------------------------------------------

LISTING_FRAGMENT = [
    raw(
        external_id="310245",
        url="https://aijobs.net/job/staff-llm-inference-engineer-remote-us-310245/",
        title="Staff LLM Inference Engineer",
        locations=("Remote - US",),
        remote="R",
        employment_type="Full Time",
        seniority="Senior-level",
        salary_text="USD 190K-260K",
        tags=("CUDA", "PyTorch", "vLLM"),
        featured=True,
        posted_at="3h ago",
    ),
    raw(
        external_id="310198",
        url="https://aijobs.net/job/data-analyst-rotterdam-south-holland-nl-310198/",
        title="Data Analyst",
        locations=("Rotterdam, South Holland, NL",),
        employment_type="Part Time",
        seniority="Entry-level",
        tags=("SQL", "Power BI"),
        featured=False,
        posted_at="yesterday",
    ),
    raw(
        external_id="309877",
        url="https://aijobs.net/job/ml-research-scientist-m-f-d-berlin-de-309877/",
        title="ML Research Scientist (m/f/d) & Tech Lead",
        locations=("Berlin, Berlin, DE",),
        employment_type="Contract",
        seniority="Mid-level",
        salary_text="EUR 85K-110K (estimate)",
        featured=False,
        posted_at="2w ago",
    ),
]


def test_listing_fragment_golden() -> None:
    assert parsed(make_page("listing_fragment.html")) == LISTING_FRAGMENT


def test_listing_payload_keeps_card_text_and_perks() -> None:
    first = next(iter(parse_featured_html(make_page("listing_fragment.html"), "aijobs")))
    assert isinstance(first, RawPosting)
    assert first.payload["href"] == "/job/staff-llm-inference-engineer-remote-us-310245/"
    assert first.payload["perks"] == ["Equity / stock options", "Flex hours"]
    assert "Staff LLM Inference Engineer" in first.payload["text"]


def test_detail_page_golden() -> None:
    url = "https://aijobs.net/job/staff-llm-inference-engineer-remote-us-310245/"
    [posting] = list(parse_featured_html(make_page("detail.html", url=url), "aijobs"))
    assert isinstance(posting, RawPosting)
    assert dataclasses.replace(posting, description_html=None, payload=None) == raw(
        external_id="310245",
        url=url,
        title="Staff LLM Inference Engineer",
        company="Quanta Forge Labs",  # masked "@ Q..." on the page; named by the /company/ slug
        locations=("Remote - US",),
        remote="R",
        employment_type="Full Time",
        seniority="Senior-level",
        salary_text="USD 190K-260K",  # the salary badge here is text-bg-secondary, like the type badge
        tags=("CUDA", "PyTorch"),
        featured=None,
        posted_at="3h ago",
    )
    assert posting.description_html is not None
    assert posting.description_html.startswith("<h5>Tasks</h5><ul><li>Build the model-serving stack</li>")
    assert posting.payload["og:title"] == "Staff LLM Inference Engineer - Remote - US"


WIDGET_CARDS = [
    raw(
        external_id="33040",
        url="https://aijobs.net/job/33040-data-engineer/",
        title="Data Engineer",
        company="Lemon.io",
        locations=("Remote: Europe, LATAM, Canada, UK, Asia, Oceania",),
        employment_type="Full Time Freelance Contract",
        seniority="Senior-level / Expert",
        salary_text="USD 60K - 120K",
        featured=True,
    ),
    raw(
        external_id="33113",
        url="https://aijobs.net/job/artificial-intelligence-bioinformatic-expert-galveston-tx-us-33113/",
        title="Artificial Intelligence – Bioinformatic Expert",
        company="University of Texas Medical Branch",
        locations=("Galveston, TX",),
        employment_type="Full Time",
        seniority="Senior-level / Expert",
        salary_text="USD 1111111K - 1111111K",  # kept as printed: flagged later, never dropped here
        featured=True,
    ),
    raw(
        external_id="32977",
        url="https://aijobs.net/job/32977-lead-developer-ai/",
        title="Lead Developer (AI)",
        company="Cere Network",
        locations=("San Francisco, US",),
        employment_type="Full Time",
        seniority="Senior-level / Expert",
        salary_text="USD 120K - 160K",
        featured=True,
    ),
    raw(
        external_id="33051",
        url="https://aijobs.net/job/research-engineer-remote-33051/",
        title="Research Engineer",
        company="Allora Labs",
        locations=("Remote",),
        employment_type="Full Time",
        seniority="Senior-level / Expert",
        salary_text="USD 160K - 180K",
        featured=True,
    ),
    raw(
        external_id="33052",
        url="https://aijobs.net/job/ecosystem-manager-remote-33052/",
        title="Ecosystem Manager",
        company="Allora Labs",
        locations=("Remote",),
        employment_type="Full Time",
        seniority="Mid-level / Intermediate",
        salary_text="USD 100K - 120K",
        featured=True,
    ),
    raw(
        external_id="33089",
        url="https://aijobs.net/job/founding-ai-engineer-agents-new-york-ny-us-33089/",
        title="Founding AI Engineer, Agents",
        company="Occam AI",
        locations=("New York",),
        employment_type="Full Time",
        seniority="Senior-level / Expert",
        salary_text="USD 100K - 180K",
        featured=True,
    ),
]


def test_article_widget_six_cards_golden() -> None:
    page = make_page("article_widget.html", url="https://ai-jobs.net/blog/how-vector-databases-changed-retrieval/")
    expected = [dataclasses.replace(card, url=card.url.replace("aijobs.net", "ai-jobs.net")) for card in WIDGET_CARDS]
    assert parsed(page) == expected


def test_widget_payload_is_the_card_as_read() -> None:
    first = next(iter(parse_featured_html(make_page("article_widget.html"), "aijobs")))
    assert isinstance(first, RawPosting)
    assert first.payload == (
        "Featured Job 👀\nData Engineer\n@ Lemon.io | Remote: Europe, LATAM, Canada, UK, Asia, Oceania\n"
        "Full Time Freelance Contract Senior-level / Expert USD 60K - 120K"
    )


def test_widget_read_by_text_structure_survives_other_markup() -> None:
    # Same two cards with no class names, <br> lines, a card-wide <a>, &nbsp; and badges with no whitespace between.
    assert parsed(make_page("article_widget_variant.html")) == WIDGET_CARDS[:2]


def test_older_listing_layout_golden() -> None:
    assert parsed(make_page("older_listing_2024.html")) == [
        raw(
            external_id="172587",
            url="https://aijobs.net/job/172587-data-scientist-mfxd/",
            title="Data Scientist (m/f/x/d)",
            locations=("Munich, Bavaria, Germany",),
            employment_type="Full Time",
            seniority="Mid-level",
            salary_text="EUR 60K - 80K",
            featured=True,
            posted_at="2d ago",
        ),
        raw(
            external_id="41853",
            url="https://aijobs.net/job/41853-senior-analytics-engineer/",
            title="Senior Analytics Engineer",
            locations=("Remote, US",),
            employment_type="Contract",
            seniority="Senior-level",
            featured=False,
            posted_at="3w ago",
        ),
    ]


def test_older_detail_layout_golden() -> None:
    page = make_page("older_detail.html", url="https://ai-jobs.net/job/20913-machine-learning-engineer/")
    assert parsed(page) == [
        raw(
            external_id="20913",
            url="https://ai-jobs.net/job/20913-machine-learning-engineer/",
            title="Machine Learning Engineer",
            company="Northwind Robotics",
            locations=("Toronto, Ontario, Canada",),
            employment_type="Full Time",
            seniority="Senior-level / Expert",
            salary_text="CAD 140K - 170K",
        )
    ]


def test_foorilla_htmx_fragment() -> None:
    page = make_page("foorilla_fragment.html", url="https://foorilla.com/hiring/jobs/?job_search=llm&page=1")
    assert parsed(page) == [
        raw(
            external_id="3581102",
            url="https://foorilla.com/hiring/jobs/llm-platform-engineer-remote-3581102/",
            title="LLM Platform Engineer",
        )
    ]


def test_fifty_card_listing_matches_generator() -> None:
    cards = load_generator().cards()
    postings = parsed(make_page("listing_50.html"))
    assert len(postings) == len(cards) == 50
    for card, posting in zip(cards, postings, strict=True):
        assert posting == raw(
            external_id=card["id"],
            url=BASE.rstrip("/") + card["path"],
            title=card["title"],
            locations=(card["location"],),
            remote="R" if card["remote"] else None,
            employment_type=card["type"],
            seniority=card["seniority"],
            salary_text=card["salary"],
            tags=tuple(dict.fromkeys(card["tags"])),
            featured=card["featured"],
            posted_at=card["posted"],
        )
    # Highlighted cards carry one extra class on their <li>: the function strainer keeps them.
    assert sum(card["extra_class"] for card in cards) == 5


def test_committed_listing_is_the_generators_output() -> None:
    assert (FIXTURES / "listing_50.html").read_text(encoding="utf-8") == load_generator().render()


@pytest.mark.parametrize(
    ("parser", "strain"), [("lxml", False), ("html.parser", False), ("html.parser", True)], ids=str
)
def test_other_parser_setups_extract_the_same(parser: Any, strain: bool) -> None:
    page = make_page("listing_50.html")
    assert list(parse_featured_html(page, "aijobs", parser=parser, strain=strain)) == list(
        parse_featured_html(page, "aijobs")
    )


# --- string splits -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Full Time Freelance Contract Senior-level / Expert USD 60K - 120K",
            ("Full Time Freelance Contract", "Senior-level / Expert", "USD 60K - 120K"),
        ),
        (
            "Full Time Senior-level / Expert USD 1111111K - 1111111K",
            ("Full Time", "Senior-level / Expert", "USD 1111111K - 1111111K"),
        ),
        ("Part Time Entry-level", ("Part Time", "Entry-level", None)),
        ("Contract Junior / Expert $90/hr", ("Contract", "Junior / Expert", "$90/hr")),
        ("Mid-level Full Time EUR 85K-110K (estimate)", ("Full Time", "Mid-level", "EUR 85K-110K (estimate)")),
        ("Full Time", ("Full Time", None, None)),
        ("", (None, None, None)),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_split_badge_line(line: str, expected: tuple[str | None, ...]) -> None:
    assert split_badge_line(line) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://aijobs.net/job/ml-engineer-remote-200475/", "200475"),
        ("/job/172587-data-scientist-mfxd/", "172587"),
        ("/job/41853-senior-analytics-engineer/", "41853"),
        ("https://aijobs.net/job/staff-llm-inference-engineer-remote-us-310245", "310245"),
        ("https://aijobs.net/blog/some-article-12/", None),
        ("https://aijobs.net/job/no-id-here/", None),
    ],
    ids=str,
)
def test_job_id(url: str, expected: str | None) -> None:
    assert job_id(url) == expected


# --- bad pages and bad cards -----------------------------------------------------------------------------------------


def test_page_without_cards_raises() -> None:
    page = make_page("", content=b"<html><body><h1>Down for maintenance</h1><p>Back soon.</p></body></html>")
    with pytest.raises(ParseError):
        list(parse_featured_html(page, "aijobs"))


def test_bad_card_is_yielded_as_error_and_others_continue() -> None:
    broken = b'<li class="d-flex justify-content-between position-relative"><div>No link here</div></li>'
    content = (
        (FIXTURES / "listing_fragment.html").read_bytes().replace(b'<ul id="job_list">', b'<ul id="job_list">' + broken)
    )
    items = list(parse_featured_html(make_page("", content=content), "aijobs"))
    assert isinstance(items[0], ParseError)
    assert [item.external_id for item in items[1:] if isinstance(item, RawPosting)] == ["310245", "310198", "309877"]


def test_custom_selectors_for_another_board() -> None:
    content = b"""<html><body><div class="jobs">
      <article class="job"><h2><a href="/jobs/7">Data Engineer</a></h2><p class="co">Acme</p>
        <p class="where">Lisbon, PT</p><b class="pay">EUR 50K-60K</b></article>
      <article class="job promoted"><h2><a href="/jobs/8">Analyst</a></h2><p class="co">Beta</p></article>
    </div></body></html>"""
    source = FeaturedHtmlSource(
        config(
            card_selector="article.job",
            title_selector="h2",
            company_selector=".co",
            location_selector=".where",
            salary_selector=".pay",
            link_selector="h2 a",
        )
    )
    items = [
        dataclasses.replace(item, payload=None)
        for item in source.parse(make_page("", url="https://board.example/", content=content))
        if isinstance(item, RawPosting)
    ]
    assert items == [
        raw(
            external_id="https://board.example/jobs/7",
            url="https://board.example/jobs/7",
            title="Data Engineer",
            company="Acme",
            locations=("Lisbon, PT",),
            salary_text="EUR 50K-60K",
        ),
        raw(
            external_id="https://board.example/jobs/8",
            url="https://board.example/jobs/8",
            title="Analyst",
            company="Beta",
        ),
    ]


@pytest.mark.parametrize(
    "options",
    [{"max_pages": 0}, {"max_pages": "5"}, {"title_selector": "h2"}, {"card_selector": ""}, {"page_param": 3}],
    ids=str,
)
def test_bad_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(SourceConfigError, match="aijobs"):
        FeaturedHtmlSource(config(**options))


# --- fetch ---------------------------------------------------------------------------------------------------------


def listing(*card_ids: int) -> bytes:
    cards = "".join(
        f'<li class="d-flex justify-content-between position-relative pb-2"><div><div>'
        f'<a class="font-monospace fw-bold stretched-link" href="/job/role-{n}/">Role {n}</a></div></div>'
        f'<div class="text-end"><div class="text-muted">today</div></div></li>'
        for n in card_ids
    )
    return f'<html><body><ul id="job_list">{cards}</ul></body></html>'.encode()


def html_response(body: bytes) -> httpx.Response:
    return httpx.Response(200, content=body, headers={"content-type": "text/html; charset=utf-8"})


def test_fetch_pages_until_a_page_has_no_cards() -> None:
    bodies = {None: listing(1, 2), "2": listing(3, 4), "3": listing()}
    with respx.mock(base_url=BASE) as mock:
        route = mock.get("/").mock(side_effect=lambda request: html_response(bodies[request.url.params.get("page")]))
        with loopback_fetcher() as client:
            pages = list(FeaturedHtmlSource(config(max_pages=10)).fetch(client))
    assert [page.url for page in pages] == [BASE, BASE + "?page=2"]
    assert [call.request.url.params.get("page") for call in route.calls] == [None, "2", "3"]  # 3: empty, not yielded


def test_fetch_stops_at_max_pages() -> None:
    with respx.mock(base_url=BASE) as mock:
        route = mock.get("/").mock(
            side_effect=lambda request: html_response(listing(int(request.url.params.get("page", 1))))
        )
        with loopback_fetcher() as client:
            pages = list(FeaturedHtmlSource(config(max_pages=2)).fetch(client))
    assert len(pages) == 2
    assert route.call_count == 2


def test_fetch_stops_when_the_board_ignores_the_page_parameter() -> None:
    with respx.mock(base_url=BASE) as mock:
        route = mock.get("/").mock(return_value=html_response(listing(1, 2)))
        with loopback_fetcher() as client:
            pages = list(FeaturedHtmlSource(config()).fetch(client))
    assert len(pages) == 1
    assert route.call_count == 2


def test_fetch_yields_a_first_page_that_is_no_listing_so_the_run_fails_loudly() -> None:
    with respx.mock(base_url=BASE) as mock:
        route = mock.get("/").mock(return_value=html_response(b"<html><body>Maintenance</body></html>"))
        with loopback_fetcher() as client:
            source = FeaturedHtmlSource(config())
            pages = list(source.fetch(client))
    assert len(pages) == 1 and route.call_count == 1
    with pytest.raises(ParseError):
        list(source.parse(pages[0]))


def test_fetch_stops_on_not_modified() -> None:
    class Unchanged:
        calls = 0

        def get(self, url: str, **kwargs: Any) -> Page:
            self.calls += 1
            return Page(url=url, status=304, headers={}, content=b"", fetched_at=FETCHED, not_modified=True)

    client = Unchanged()
    pages = list(FeaturedHtmlSource(config()).fetch(client))  # type: ignore[arg-type]
    assert [page.not_modified for page in pages] == [True]
    assert client.calls == 1


# --- encodings and hostile input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (
            b"<ul><li class='d-flex justify-content-between position-relative'><div><div>"
            + "<a class='stretched-link' href='/job/caf\u00e9-1/'>Café Data Lead – Zürich</a>".encode("cp1252")
            + b"</div></div></li></ul>",
            "text/html; charset=windows-1252",
        ),
        (
            b"<html><head><meta charset='windows-1252'></head><body><ul>"
            b"<li class='d-flex justify-content-between position-relative'><div><div>"
            + "<a class='stretched-link' href='/job/caf\u00e9-1/'>Café Data Lead – Zürich</a>".encode("cp1252")
            + b"</div></div></li></ul></body></html>",
            "text/html",
        ),
    ],
    ids=["cp1252-by-header", "cp1252-by-meta"],
)
def test_declared_encodings_decode_titles(content: bytes, content_type: str) -> None:
    page = dataclasses.replace(make_page("", content=content), headers={"content-type": content_type})
    [posting] = parsed(page)
    assert posting.title == "Café Data Lead – Zürich"


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    content = listing(1).replace(b"Role 1", b"Role \xff\xfe 1")
    [posting] = parsed(make_page("", content=content))
    assert posting.title is not None and posting.title.startswith("Role ") and posting.title.endswith(" 1")
    assert posting.title.isprintable()


@settings(max_examples=examples(60), deadline=None)
@given(
    st.one_of(st.binary(max_size=2000), st.text(alphabet="<>/=\"' @|lia-zFeaturedJob\n", max_size=2000).map(str.encode))
)
@example(b"<?xml")  # bs4 warned "XML parsed as HTML" (warnings are errors) until html_soup dropped the declaration
def test_never_raises_anything_but_parse_error(content: bytes) -> None:
    with contextlib.suppress(ParseError):
        list(parse_featured_html(make_page("", content=content), "aijobs"))
