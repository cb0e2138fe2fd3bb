"""featured-html: boards printing job cards as aijobs.net does (listing cards, older layouts, "Featured Job" widget).

Extracts strings as printed (FORMATS.md section 1); it never interprets salary, location, seniority or dates.
`fetch` pages through `?page=N` via the Fetcher; `parse` is pure.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal
from urllib.parse import urljoin, urlsplit

import httpx
from bs4 import BeautifulSoup, CData, Tag
from bs4.element import NamespacedAttribute, NavigableString, PageElement, PreformattedString
from bs4.filter import SoupStrainer

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources_file.schema import FeaturedHtmlOptions

logger = logging.getLogger(__name__)

HtmlParser = Literal["lxml", "html.parser"]

# Job URLs: the current form puts the numeric id last, older ones first (FORMATS.md section 1, "Job URL / id").
JOB_ID_PATTERNS = (
    re.compile(r"^/job/[^/]+-(\d+)/?$"),
    re.compile(r"^/job/(\d+)-[^/]*/?$"),
    re.compile(r"^/job/(\d+)/?$"),
    re.compile(r"^/hiring/jobs/[^/]+-(\d+)/?$"),  # Foorilla
)
FEATURED_BADGES = frozenset({"featured", "feat.", "feat", "sponsored"})
REMOTE_BADGE = "R"
# Salary badges are recognised by their text: "<ISO3> <figure>" or a currency symbol and a figure.
SALARY_START_RE = re.compile(r"(?:\b[A-Z]{3}\s*|[$€£¥₹]\s?)\d")
SENIORITY_RE = re.compile(r"\b[A-Za-z]+-level(?:\s*/\s*[A-Za-z][\w-]*)?|\b[A-Za-z][\w-]*\s*/\s*Expert\b")
# A detail page labels its relative date ("Found 8h ago", "Published 15d ago"); the label is not the date.
DATE_LABEL_RE = re.compile(r"^(?:Found|Published|Posted)\s+(?P<date>.+)$", re.IGNORECASE)
# The widget as a reader sees it: "Featured Job 👀", a title, "@ Company | Location", a line of badges.
WIDGET_MARKER_RE = re.compile(r"^featured\s+jobs?\b\W*", re.IGNORECASE)
WIDGET_AT_RE = re.compile(r"^@\s*(?P<company>[^|]+?)\s*\|\s*(?P<location>.*?)\s*$")
WIDGET_MAX_LINE = 300  # a "line" longer than this is prose, not a card field

BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "dt", "fieldset"}
    | {"figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li"}
    | {
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "head", "svg"})


class FeaturedHtmlSource:
    """aijobs.net-style boards: listing cards, older layouts, detail pages and the "Featured Job" widget."""

    kind: ClassVar[str] = "featured-html"

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = FeaturedHtmlOptions.of(config)
        self.max_pages = options.max_pages
        self.page_param = options.page_param
        self.selectors = options.selectors

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        """The listing pages, newest first, until a page has no new cards or `max_pages` is reached."""
        seen: set[str] = set()
        for number in range(1, self.max_pages + 1):
            url = self.config.url if number == 1 else page_url(self.config.url, self.page_param, number)
            page = fetcher.get(url, conditional=number == 1)
            if page.not_modified:
                # The newest page is unchanged, so there is nothing newer behind it either.
                yield page
                return
            # Parsing here as well as in the pipeline doubles the CPU per page, which is small beside
            # the politeness delay; it is what tells "past the last page" or "?page ignored" apart.
            keys = self._card_keys(page)
            if number > 1 and not keys - seen:
                return
            yield page
            if not keys:
                return
            seen |= keys

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        return parse_featured_html(page, self.config.name, self.selectors)

    def _card_keys(self, page: Page) -> set[str]:
        try:
            return {
                item.external_id or item.url or ""
                for item in self.parse(page)
                if isinstance(item, RawPosting) and (item.external_id or item.url)
            }
        except ParseError:
            return set()


def page_url(url: str, param: str, number: int) -> str:
    """`url` with its page parameter set: page_url("https://aijobs.net/", "page", 2) -> "https://aijobs.net/?page=2"."""
    return str(httpx.URL(url).copy_set_param(param, str(number)))


def job_id(url: str | None) -> str | None:
    """The numeric job id of an aijobs.net job URL, in either URL form; None for any other URL.

    >>> job_id("https://aijobs.net/job/ml-engineer-remote-200475/")
    '200475'
    >>> job_id("/job/172587-data-scientist-mfxd/")
    '172587'
    """
    if not url:
        return None
    path = urlsplit(url).path
    for pattern in JOB_ID_PATTERNS:
        match = pattern.match(path)
        if match:
            return match.group(1)
    return None


def split_badge_line(text: str) -> tuple[str | None, str | None, str | None]:
    """(employment type text, seniority text, salary text) of a widget's badge line, by string splits only.

    >>> split_badge_line("Full Time Freelance Contract Senior-level / Expert USD 60K - 120K")
    ('Full Time Freelance Contract', 'Senior-level / Expert', 'USD 60K - 120K')
    """
    rest = _clean(text)
    salary = None
    salary_match = SALARY_START_RE.search(rest)
    if salary_match:
        salary = rest[salary_match.start() :].strip()
        rest = rest[: salary_match.start()]
    seniority = None
    seniority_match = SENIORITY_RE.search(rest)
    if seniority_match:
        seniority = _clean(seniority_match.group(0))
        rest = rest[: seniority_match.start()] + " " + rest[seniority_match.end() :]
    return _clean(rest) or None, seniority or None, salary or None


def parse_featured_html(
    page: Page,
    source: str,
    selectors: Mapping[str, str] | None = None,
    *,
    parser: HtmlParser = "lxml",
    strain: bool = True,
) -> Iterator[RawPosting | ParseError]:
    """Every posting on a featured-html page; raises ParseError if the page carries none of the known layouts.

    `parser`/`strain` exist for bench/parse.py, which times the same extraction on other BeautifulSoup setups.
    """
    context = _Context(page=page, source=source)
    if selectors and "card_selector" in selectors:
        soup = _soup(page, parser)
        items = list(_custom_cards(soup, selectors, context))
        if not items:
            raise ParseError(f"no element matches card_selector {selectors['card_selector']!r}", url=page.url)
        yield from items
        return
    soup = _soup(page, parser, LISTING_STRAINER if strain else None)
    items = list(_listing_cards(soup, context))
    if not items:
        full = _soup(page, parser) if strain else soup
        items = list(_detail_postings(full, context)) + list(_widget_cards(full, context))
    if not items:
        raise ParseError("no job cards, job detail or featured-job widget on the page", url=page.url)
    yield from items


# --- soup construction -------------------------------------------------------------------------------------------


class _FunctionStrainer(SoupStrainer):
    """A SoupStrainer that decides on a tag's raw name and attributes with a function.

    `SoupStrainer(class_="...")` compares whole class strings and silently drops a card that carries one
    extra class (DESIGN.md section 8); a function over the split class list does not.
    """

    def __init__(self, keep: Callable[[str, Mapping[str, str]], bool]) -> None:
        super().__init__()  # no rules of its own: `allow_tag_creation` below decides (bs4 >= 4.13 calls it)
        self._keep = keep

    def allow_tag_creation(
        self, nsprefix: str | None, name: str, attrs: Mapping[str | NamespacedAttribute, str] | None
    ) -> bool:
        return self._keep(name, {str(key): value for key, value in (attrs or {}).items()})

    def allow_string_creation(self, string: str) -> bool:
        return False


def _starts_listing_card(name: str, attrs: Mapping[str, str]) -> bool:
    classes = attrs.get("class", "").split()
    if name == "li":
        return ("position-relative" in classes and "justify-content-between" in classes) or "list-group-item" in classes
    return name == "ul" and attrs.get("id") == "job-list"


LISTING_STRAINER = _FunctionStrainer(_starts_listing_card)


def _soup(page: Page, parser: HtmlParser, strainer: SoupStrainer | None = None) -> BeautifulSoup:
    # Text, not bytes: the Page decodes once by the fetcher's charset rules, and BeautifulSoup's own encoding
    # sniffing on bytes cost about as much as building the strained tree (measured with bench/parse.py).
    return BeautifulSoup(page.text, parser, parse_only=strainer)


# --- shared helpers ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    page: Page
    source: str

    def posting(self, *, url: str | None, **fields: Any) -> RawPosting:
        absolute = urljoin(self.page.url, url) if url else None
        return RawPosting(
            source=self.source,
            external_id=job_id(absolute) or absolute,
            url=absolute,
            fetched_at=self.page.fetched_at,
            **fields,
        )

    def error(self, message: str) -> ParseError:
        return ParseError(message, url=self.page.url)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _text(element: Tag | None) -> str:
    return _clean(element.get_text(" ")) if element is not None else ""


def _attr(tag: Tag, name: str) -> str | None:
    value = tag.get(name)
    if value is None:
        return None
    return value if isinstance(value, str) else " ".join(value)


def _classes(tag: Tag) -> list[str]:
    return list(tag.get_attribute_list("class"))


def _tags(root: Tag, name: str | None = None) -> Iterator[Tag]:
    for node in root.descendants:
        if isinstance(node, Tag) and (name is None or node.name == name):
            yield node


def _child_tags(root: Tag) -> list[Tag]:
    return [node for node in root.children if isinstance(node, Tag)]


def _dedupe(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def _is_featured_badge(tag: Tag) -> bool:
    return tag.name == "span" and _text(tag).lower() in FEATURED_BADGES


def _split_badges(texts: Iterable[str]) -> tuple[str | None, str | None, str | None]:
    """Badges as separate strings -> (employment type, seniority, salary), recognised by their text."""
    employment: list[str] = []
    seniority: list[str] = []
    salary: str | None = None
    for text in texts:
        if salary is None and SALARY_START_RE.match(text):
            salary = text
        elif SENIORITY_RE.search(text):
            seniority.append(text)
        else:
            employment.append(text)
    return " ".join(employment) or None, " ".join(seniority) or None, salary


# --- current listing cards and older listing layouts ---------------------------------------------------------------


def _listing_cards(soup: BeautifulSoup, context: _Context) -> Iterator[RawPosting | ParseError]:
    found = False
    for li in _tags(soup, "li"):
        classes = _classes(li)
        if "position-relative" in classes and "justify-content-between" in classes:
            found = True
            yield _current_card(li, context)
    if found:
        return
    for ul in _tags(soup, "ul"):
        if _attr(ul, "id") == "job-list":
            for anchor in _tags(ul, "a"):
                if _attr(anchor, "href") and {"col", "py-2"} <= set(_classes(anchor)):
                    found = True
                    yield _card_2024(anchor, context)
    if found:
        return
    for li in _tags(soup, "li"):
        htmx_link = next((a for a in _tags(li, "a") if _attr(a, "hx-get")), None)
        if htmx_link is not None and "list-group-item" in _classes(li):
            yield context.posting(
                url=_attr(htmx_link, "hx-get"),
                title=_text(htmx_link) or None,
                payload={"text": _text(li)},
                featured=None,
            )


def _current_card(card: Tag, context: _Context) -> RawPosting | ParseError:
    anchors = [a for a in _tags(card, "a") if _attr(a, "href")]
    anchor = next((a for a in anchors if "stretched-link" in _classes(a)), anchors[0] if anchors else None)
    if anchor is None:
        return context.error("listing card without a job link")
    featured = False
    title_parts: list[str] = []
    for child in anchor.children:
        if isinstance(child, Tag) and _is_featured_badge(child):
            featured = True
        elif isinstance(child, Tag):
            title_parts.append(child.get_text(" "))
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            title_parts.append(str(child))
    title = _clean(" ".join(title_parts))
    if not title:
        return context.error("listing card without a title")

    columns = _child_tags(card)
    right = next((tag for tag in _tags(card, "div") if "text-end" in _classes(tag)), None)
    if right is None and len(columns) > 1:
        right = columns[-1]
    title_row = anchor.parent if isinstance(anchor.parent, Tag) and anchor.parent is not card else None
    salary = None
    if title_row is not None:
        salary = next((_text(span) for span in _child_tags(title_row) if span.name == "span" and _text(span)), None)
    left_spans = [
        span
        for span in _tags(card, "span")
        if not _inside(span, anchor) and (right is None or not _inside(span, right))
    ]
    tags = _dedupe(_text(span) for span in left_spans if not span.has_attr("class"))
    perks = [_text(span) for span in left_spans if "text-success" in _classes(span)]

    seniority: list[str] = []
    employment: list[str] = []
    location = None
    remote = None
    posted_at = None
    if right is not None:
        for row in _child_tags(right):
            spans = [span for span in _tags(row, "span")]
            if "text-muted" in _classes(row):
                posted_at = _text(row) or None
            elif any({"text-bg-warning", "text-bg-secondary"} & set(_classes(span)) for span in spans):
                for span in spans:
                    if "text-bg-warning" in _classes(span):
                        seniority.append(_text(span))
                    elif "text-bg-secondary" in _classes(span):
                        employment.append(_text(span))
            else:
                remote_badges = [span for span in spans if _text(span) == REMOTE_BADGE]
                remote = REMOTE_BADGE if remote_badges else remote
                location = _clean(" ".join(_strings_outside(row, remote_badges))) or location
    return context.posting(
        url=_attr(anchor, "href"),
        title=title,
        locations=(location,) if location else (),
        remote=remote,
        employment_type=" ".join(filter(None, employment)) or None,
        seniority=" ".join(filter(None, seniority)) or None,
        salary_text=salary,
        tags=tags,
        featured=featured,
        posted_at=posted_at,
        # The card's text and its perks (the one thing no RawPosting field keeps); serializing the card's
        # HTML instead cost twice as much as extracting it.
        payload={"href": _attr(anchor, "href"), "text": _text(card), "perks": perks},
    )


def _card_2024(anchor: Tag, context: _Context) -> RawPosting | ParseError:
    """~2024 layout: `ul#job-list a.col.py-2[href]`, a heading for the title, one for the location, badges."""
    headings = [tag for tag in _tags(anchor) if re.fullmatch(r"h[1-6]", tag.name)]
    if not headings:
        return context.error("job-list entry without a title heading")
    featured_badges = [span for span in _tags(anchor, "span") if _is_featured_badge(span)]
    title = _clean(" ".join(_strings_outside(headings[0], featured_badges)))
    badges = [
        _text(span)
        for span in _tags(anchor, "span")
        if "badge" in _classes(span) and span not in featured_badges and not _inside(span, headings[0])
    ]
    employment, seniority, salary = _split_badges(badges)
    dates = [_text(tag) for tag in _tags(anchor) if tag.name in {"small", "time"} or "text-muted" in _classes(tag)]
    location = _text(headings[1]) if len(headings) > 1 else ""
    return context.posting(
        url=_attr(anchor, "href"),
        title=title or None,
        locations=(location,) if location else (),
        employment_type=employment,
        seniority=seniority,
        salary_text=salary,
        featured=bool(featured_badges),
        posted_at=next((date for date in reversed(dates) if date and date != location), None),
        payload={"href": _attr(anchor, "href"), "text": _text(anchor)},
    )


def _inside(node: PageElement, ancestor: Tag) -> bool:
    return any(parent is ancestor for parent in node.parents)


def _strings_outside(root: Tag, excluded: list[Tag]) -> Iterator[str]:
    for node in root.descendants:
        visible = isinstance(node, NavigableString) and not isinstance(node, PreformattedString)
        if visible and not any(_inside(node, tag) for tag in excluded):
            yield str(node)


# --- detail pages (current and older) ------------------------------------------------------------------------------


def _detail_postings(soup: BeautifulSoup, context: _Context) -> Iterator[RawPosting | ParseError]:
    head_fluid = next((div for div in _tags(soup, "div") if "head-fluid" in _classes(div)), None)
    if head_fluid is not None:
        yield _older_detail(head_fluid, soup, context)
        return
    h1 = next(_tags(soup, "h1"), None)
    # An article page also has an h1 (and /company/ links in its widget); a job page has the badge row too.
    has_badge_row = any("py-4" in _classes(p) for p in _tags(soup, "p"))
    if h1 is None or not ("font-monospace" in _classes(h1) or has_badge_row):
        return
    yield _current_detail(h1, soup, context)


def _current_detail(h1: Tag, soup: BeautifulSoup, context: _Context) -> RawPosting | ParseError:
    title = _text(h1)
    if not title:
        return context.error("job detail page with an empty title")
    location_tag = h1.find_next("strong")
    location = _text(location_tag) if isinstance(location_tag, Tag) else ""
    remote = None
    if isinstance(location_tag, Tag):
        sibling = location_tag.find_next_sibling("span")
        if isinstance(sibling, Tag) and _text(sibling) == REMOTE_BADGE:
            remote = REMOTE_BADGE
    badge_row = next((p for p in _tags(soup, "p") if "py-4" in _classes(p)), None)
    badges = [_text(span) for span in _tags(badge_row, "span")] if badge_row is not None else []
    employment, seniority, salary = _split_badges(badge for badge in badges if badge)
    company_link = next((a for a in _tags(soup, "a") if (_attr(a, "href") or "").startswith("/company/")), None)
    posted_at = None
    for span in _tags(soup, "span"):
        match = DATE_LABEL_RE.match(_text(span))
        if match:
            posted_at = match.group("date")
            break
    sections = _sections(soup)
    skills = sections.get("skills/tech-stack")
    tags = _dedupe(_text(a) for a in _tags(skills, "a")) if skills is not None else ()
    return context.posting(
        url=_canonical_url(soup) or context.page.url,
        title=title,
        company=_company_from_link(company_link),
        locations=(location,) if location else (),
        remote=remote,
        employment_type=employment,
        seniority=seniority,
        salary_text=salary,
        tags=tags,
        featured=None,
        posted_at=posted_at,
        description_html="".join(str(tag) for heading, body in _section_pairs(soup) for tag in (heading, body)) or None,
        payload={
            "og:title": _meta(soup, "og:title"),
            "og:description": _meta(soup, "og:description"),
            "company_link": str(company_link) if company_link is not None else None,
        },
    )


def _older_detail(head: Tag, soup: BeautifulSoup, context: _Context) -> RawPosting | ParseError:
    """Older layout: `div.head-fluid` h1 (title), h3 (location), the first three `span.badge`, `h2.h5` (company)."""
    title = _text(next(_tags(head, "h1"), None))
    if not title:
        return context.error("head-fluid detail page without a title")
    location_tag = next(_tags(head, "h3"), None)
    company_tag = next((h2 for h2 in _tags(soup, "h2") if "h5" in _classes(h2)), None)
    badges = [_text(span) for span in _tags(soup, "span") if "badge" in _classes(span)][:3]
    employment, seniority, salary = _split_badges(badge for badge in badges if badge)
    location = _text(location_tag) if isinstance(location_tag, Tag) else ""
    return context.posting(
        url=_canonical_url(soup) or context.page.url,
        title=title,
        company=_text(company_tag).removeprefix("@").strip() or None,
        locations=(location,) if location else (),
        employment_type=employment,
        seniority=seniority,
        salary_text=salary,
        featured=None,
        payload={"badges": badges},
    )


def _sections(soup: BeautifulSoup) -> dict[str, Tag]:
    return {_text(heading).lower(): body for heading, body in _section_pairs(soup)}


def _section_pairs(soup: BeautifulSoup) -> list[tuple[Tag, Tag]]:
    pairs = []
    for heading in _tags(soup, "h5"):
        body = heading.find_next_sibling()
        if isinstance(body, Tag):
            pairs.append((heading, body))
    return pairs


def _company_from_link(link: Tag | None) -> str | None:
    """aijobs.net masks the company ("@ Q..."); its name is in the link slug (FORMATS.md section 1)."""
    if link is None:
        return None
    shown = _text(link).removeprefix("@").strip()
    if shown and not shown.endswith("..."):
        return shown
    slug = urlsplit(_attr(link, "href") or "").path.rstrip("/").rsplit("/", 1)[-1]
    name = re.sub(r"-\d+$", "", slug).replace("-", " ").strip()
    return name.title() or None


def _canonical_url(soup: BeautifulSoup) -> str | None:
    for link in _tags(soup, "link"):
        if "canonical" in (_attr(link, "rel") or "").split():
            return _attr(link, "href")
    return _meta(soup, "og:url")


def _meta(soup: BeautifulSoup, prop: str) -> str | None:
    for meta in _tags(soup, "meta"):
        if _attr(meta, "property") == prop or _attr(meta, "name") == prop:
            return _attr(meta, "content")
    return None


# --- the "Featured Job" widget, read by its text structure ---------------------------------------------------------


@dataclass(slots=True)
class _Line:
    text: str
    hrefs: list[str] = field(default_factory=list)


def text_lines(root: Tag) -> list[str]:
    """The non-empty lines a reader sees in `root` (block elements and `<br>` break lines); for tests and audit."""
    return [line.text for line in _lines(root)]


def _lines(root: Tag) -> list[_Line]:
    lines: list[_Line] = []
    parts: list[str] = []
    hrefs: list[str] = []

    def flush() -> None:
        text = _clean("".join(parts))
        if text:
            lines.append(_Line(text, list(hrefs)))
            hrefs.clear()
        parts.clear()

    # An explicit stack instead of recursion: hostile pages nest deeper than Python's recursion limit.
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            flush()
        elif isinstance(node, str) and not isinstance(node, NavigableString):
            parts.append(node)  # a separator pushed below
        elif isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString) or isinstance(node, CData):
                parts.append(str(node))
        elif isinstance(node, Tag):
            if node.name in SKIPPED_TAGS:
                continue
            if node.name == "br":
                flush()
                continue
            href = _attr(node, "href") if node.name == "a" else None
            if href:
                hrefs.append(href)
            children = list(node.children)
            if node.name in BLOCK_TAGS:
                flush()
                stack.append(None)
                stack.extend(reversed(children))
            elif node.name == "span":
                # Badges are spans set apart by CSS padding, not by whitespace in the markup.
                stack.append(" ")
                stack.extend(reversed(children))
                stack.append(" ")
            else:
                stack.extend(reversed(children))
    flush()
    return lines


def _widget_cards(soup: BeautifulSoup, context: _Context) -> Iterator[RawPosting | ParseError]:
    body = soup.body or soup
    lines = [line for line in _lines(body) if len(line.text) <= WIDGET_MAX_LINE]
    card_starts = [index for index, line in enumerate(lines) if WIDGET_AT_RE.match(line.text)]
    any_marker = any(WIDGET_MARKER_RE.match(line.text) for line in lines)
    for index in card_starts:
        yield _widget_card(lines, index, any_marker, context)


def _widget_card(lines: list[_Line], at_index: int, any_marker: bool, context: _Context) -> RawPosting | ParseError:
    at_match = WIDGET_AT_RE.match(lines[at_index].text)
    assert at_match is not None  # the caller selected this line by the same pattern
    title_line = lines[at_index - 1] if at_index > 0 else None
    if title_line is None or WIDGET_AT_RE.match(title_line.text):
        return context.error(f"featured-job card {lines[at_index].text!r} has no title line")
    title = title_line.text
    marker_line = lines[at_index - 2] if at_index > 1 else None
    featured = False
    marker_in_title = WIDGET_MARKER_RE.match(title)
    if marker_in_title:
        title = title[marker_in_title.end() :].strip()
        featured = True
        if not title:
            return context.error(f"featured-job card {lines[at_index].text!r} has no title line")
    elif marker_line is not None and WIDGET_MARKER_RE.match(marker_line.text):
        featured = True
    badge_line = lines[at_index + 1] if at_index + 1 < len(lines) else None
    if badge_line is not None and (
        WIDGET_MARKER_RE.match(badge_line.text)
        or WIDGET_AT_RE.match(badge_line.text)
        or (at_index + 2 < len(lines) and WIDGET_AT_RE.match(lines[at_index + 2].text))
    ):
        badge_line = None  # the next line already belongs to the next card
    employment, seniority, salary = split_badge_line(badge_line.text) if badge_line else (None, None, None)
    shown = [marker_line if featured else None, title_line, lines[at_index], badge_line]
    url = next(
        (href for line in shown if line is not None and line is not lines[at_index] for href in line.hrefs), None
    )
    location = at_match.group("location")
    card_lines = [line.text for line in shown if line is not None]
    return context.posting(
        url=url,
        title=title,
        company=at_match.group("company"),
        locations=(location,) if location else (),
        employment_type=employment,
        seniority=seniority,
        salary_text=salary,
        featured=True if featured else (False if any_marker else None),
        payload="\n".join(card_lines),
    )


# --- boards described by CSS selectors in the source's config -------------------------------------------------------


def _custom_cards(
    soup: BeautifulSoup, selectors: Mapping[str, str], context: _Context
) -> Iterator[RawPosting | ParseError]:
    for card in soup.select(selectors["card_selector"]):
        link = _select(card, selectors.get("link_selector")) or (
            card if card.name == "a" and _attr(card, "href") else card.find("a", href=True)
        )
        link_tag = link if isinstance(link, Tag) else None
        title_tag = _select(card, selectors.get("title_selector")) or link_tag
        title = _text(title_tag)
        if not title:
            yield context.error("card without a title")
            continue
        location = _text(_select(card, selectors.get("location_selector")))
        yield context.posting(
            url=_attr(link_tag, "href") if link_tag is not None else None,
            title=title,
            company=_text(_select(card, selectors.get("company_selector"))) or None,
            locations=(location,) if location else (),
            salary_text=_text(_select(card, selectors.get("salary_selector"))) or None,
            payload={"text": _text(card)},
        )


def _select(card: Tag, selector: str | None) -> Tag | None:
    return card.select_one(selector) if selector else None
