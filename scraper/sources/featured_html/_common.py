"""featured-html's shared card reading: patterns, soup construction, the page context and tag helpers.

Every layout module reads cards with these; none of them interprets salary, location, seniority or dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NamespacedAttribute, NavigableString, PageElement, PreformattedString
from bs4.filter import SoupStrainer

from models.records import RawPosting
from scraper.errors import ParseError
from scraper.fetching import Page
from scraper.sources._markup import HtmlParser, html_soup

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
    return html_soup(page.text, parser, parse_only=strainer)


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


def _inside(node: PageElement, ancestor: Tag) -> bool:
    return any(parent is ancestor for parent in node.parents)


def _strings_outside(root: Tag, excluded: list[Tag]) -> Iterator[str]:
    for node in root.descendants:
        visible = isinstance(node, NavigableString) and not isinstance(node, PreformattedString)
        if visible and not any(_inside(node, tag) for tag in excluded):
            yield str(node)
