"""jsonld: any page carrying schema.org JobPosting JSON-LD, tolerant of the malformed variants of FORMATS.md section 7.

Extracts fields as found, `baseSalary` included (normalization/stated/schema_org.py reads it).
It does not interpret dates, locations or employment types. `fetch` may follow detail links from a listing page.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.filter import SoupStrainer

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._markup import html_soup, unescape_html
from scraper.sources_file.schema import JsonLdOptions

logger = logging.getLogger(__name__)

NESTING_KEYS = ("@graph", "itemListElement", "item", "mainEntity", "mainEntityOfPage", "hasPart")
MAX_DEPTH = 12
ADDRESS_PARTS = ("addressLocality", "addressRegion", "addressCountry")


class JsonLdSource:
    """Career pages with schema.org JobPosting JSON-LD; option `follow` names detail links on a listing page."""

    kind: ClassVar[str] = "jsonld"

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = JsonLdOptions.of(config)
        self.follow = options.follow
        self.max_pages = options.max_pages  # the listing plus detail pages

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        """The page at `url`, then (with `follow`) each detail page it links to, `max_pages` pages in all."""
        listing = fetcher.get(self.config.url)
        yield listing
        if self.follow is None or listing.not_modified:
            return
        for url in detail_links(listing, self.follow)[: self.max_pages - 1]:
            yield fetcher.get(url)

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        items = list(parse_jsonld_page(page, self.config.name))
        if items:
            yield from items
        elif not (self.follow and detail_links(page, self.follow)):
            # A listing page whose postings live on the detail pages it links to carries none itself.
            raise ParseError("no schema.org JobPosting JSON-LD on the page", url=page.url)


def detail_links(page: Page, selector: str) -> list[str]:
    """Absolute http(s) URLs of the `<a href>` elements `selector` matches, in page order, without duplicates."""
    soup = html_soup(page.text)
    links: dict[str, None] = {}
    for anchor in soup.select(selector):
        href = anchor.get("href")
        if not isinstance(href, str) or not href.strip():
            continue
        url = urljoin(page.url, href.strip()).split("#", 1)[0]
        if urlsplit(url).scheme in {"http", "https"} and url != page.url:
            links[url] = None
    return list(links)


def parse_jsonld_page(page: Page, source: str) -> Iterator[RawPosting | ParseError]:
    """Every JobPosting in the page's JSON-LD blocks; a block that is not even lenient JSON is yielded as ParseError."""
    soup = html_soup(page.text, parse_only=SoupStrainer(_is_jsonld_script))
    blocks: list[object] = []
    for script in soup.find_all(_is_jsonld_script):
        text = script.get_text() if isinstance(script, Tag) else ""
        if not text.strip():
            continue
        try:
            blocks.append(loads_lenient(text))
        except ValueError as exc:
            yield ParseError(f"JSON-LD block is not JSON: {exc}", url=page.url)
    ids = _ids(blocks)
    canonical = _canonical(soup, page)
    for posting in _job_postings(blocks, 0):
        yield _raw_posting(posting, ids, canonical, page, source)


def _is_jsonld_script(tag: Tag | str) -> bool:
    # In a strainer the function gets the tag name; in find_all it gets the Tag (bs4 >= 4.13).
    if isinstance(tag, str):
        return tag in {"script", "link"}
    if tag.name == "link":
        return False
    kind = tag.get("type")
    return tag.name == "script" and isinstance(kind, str) and "ld+json" in kind.lower()


def loads_lenient(text: str) -> object:
    """JSON as career pages print it: comments, trailing commas, unquoted keys, HTML comments or JS around it.

    >>> loads_lenient('{"a": 1, // note\\n "b": [2,],}')
    {'a': 1, 'b': [2]}
    >>> loads_lenient('<!-- {a: "x"} -->')
    {'a': 'x'}
    """
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError:
        pass
    except RecursionError:
        raise ValueError("nested too deeply") from None
    cleaned = _clean_json(text)
    try:
        return json.loads(cleaned, strict=False)
    except json.JSONDecodeError as exc:
        raise ValueError(str(exc)) from None
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _clean_json(text: str) -> str:
    """Drop comments and trailing commas and quote bare keys, outside strings; keep the outermost value."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == '"':
            end = i + 1
            while end < n and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            out.append(text[i : end + 1])
            i = end + 1
        elif text.startswith("//", i) and not (i > 0 and text[i - 1] == ":"):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close < 0 else close + 2
        elif text.startswith("<!--", i) or text.startswith("-->", i):
            i += 4 if char == "<" else 3
        elif char == ",":
            rest = text[i + 1 :].lstrip()
            if rest[:1] in {"}", "]"}:
                i += 1
            else:
                out.append(char)
                i += 1
        else:
            match = _BARE_KEY_RE.match(text, i) if char.isalpha() or char in "_$@" else None
            if match and _last_significant(out) in {"{", ","}:
                out.append(f'"{match.group(1)}"')
                i = match.end(1)
            else:
                out.append(char)
                i += 1
    cleaned = "".join(out)
    starts = [pos for pos in (cleaned.find("{"), cleaned.find("[")) if pos >= 0]
    if not starts:
        return cleaned
    start = min(starts)
    end = max(cleaned.rfind("}"), cleaned.rfind("]"))
    return cleaned[start : end + 1] if end > start else cleaned[start:]


def _last_significant(out: list[str]) -> str:
    for piece in reversed(out):
        stripped = piece.rstrip()
        if stripped:
            return stripped[-1]
    return ""


_BARE_KEY_RE = re.compile(r"([A-Za-z_$@][\w$@-]*)\s*(?=:)")


def _job_postings(node: object, depth: int) -> Iterator[Mapping[str, Any]]:
    if depth > MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _job_postings(item, depth + 1)
    elif isinstance(node, Mapping):
        if _is_job_posting(node):
            yield node
            return
        for key in NESTING_KEYS:
            if key in node:
                yield from _job_postings(node[key], depth + 1)


def _is_job_posting(node: Mapping[str, Any]) -> bool:
    kinds = node.get("@type")
    names = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(name, str) and name.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "JobPosting" for name in names)


def _ids(blocks: list[object]) -> dict[str, Mapping[str, Any]]:
    """Every object with an `@id`, so `{"@id": "...#org"}` references inside a @graph resolve."""
    found: dict[str, Mapping[str, Any]] = {}
    stack: list[tuple[object, int]] = [(block, 0) for block in blocks]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, Mapping):
            node_id = node.get("@id")
            if isinstance(node_id, str) and len(node) > 1:
                found.setdefault(node_id, node)
            stack.extend((value, depth + 1) for value in node.values() if isinstance(value, list | Mapping))
    return found


def _canonical(soup: BeautifulSoup, page: Page) -> str:
    for link in soup.find_all("link"):
        if isinstance(link, Tag) and "canonical" in link.get_attribute_list("rel"):
            href = link.get("href")
            if isinstance(href, str) and href.strip():
                return urljoin(page.url, href.strip())
    return page.url


def _raw_posting(
    posting: Mapping[str, Any], ids: Mapping[str, Mapping[str, Any]], canonical: str, page: Page, source: str
) -> RawPosting | ParseError:
    title = _string(posting.get("title")) or _string(posting.get("name"))
    if not title:
        return ParseError("JobPosting without a title", url=page.url)
    url_value = _string(posting.get("url"))
    url = urljoin(page.url, url_value) if url_value else canonical
    base_salary = posting.get("baseSalary")
    return RawPosting(
        source=source,
        external_id=_identifier(posting.get("identifier")) or url,
        url=url,
        title=title,
        company=_organization(posting.get("hiringOrganization"), ids),
        locations=_locations(posting),
        remote=_joined(posting.get("jobLocationType")),
        employment_type=_joined(posting.get("employmentType")),
        seniority=_string(posting.get("experienceRequirements")),
        salary_text=_salary_text(base_salary),
        salary_format="schema_org" if base_salary is not None else None,
        salary_data=_salary_data(posting),
        tags=_skills(posting.get("skills")),
        featured=None,
        posted_at=_string(posting.get("datePosted")),
        valid_through=_string(posting.get("validThrough")),
        description_html=unescape_html(_string(posting.get("description"))),
        category_hint=_joined(posting.get("occupationalCategory")),
        fetched_at=page.fetched_at,
        payload=dict(posting),
    )


def _string(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def _joined(value: object) -> str | None:
    values = value if isinstance(value, list) else [value]
    return ", ".join(text for text in map(_string, values) if text) or None


def _identifier(value: object) -> str | None:
    if isinstance(value, list):
        return next((found for found in map(_identifier, value) if found), None)
    if isinstance(value, Mapping):
        return _string(value.get("value")) or _string(value.get("@id"))
    return _string(value)


def _organization(value: object, ids: Mapping[str, Mapping[str, Any]]) -> str | None:
    if isinstance(value, list):
        return next((found for found in (_organization(item, ids) for item in value) if found), None)
    if isinstance(value, Mapping):
        name = _string(value.get("name"))
        ref = value.get("@id")
        if name is None and isinstance(ref, str) and ref in ids:
            name = _string(ids[ref].get("name"))
        return name
    return _string(value)


def _locations(posting: Mapping[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    places = posting.get("jobLocation")
    for place in places if isinstance(places, list) else [places]:
        address = place.get("address") if isinstance(place, Mapping) else place
        text = _address(address)
        if text is None and isinstance(place, Mapping):
            text = _string(place.get("name"))
        if text:
            found.append(text)
    required = posting.get("applicantLocationRequirements")
    for area in required if isinstance(required, list) else [required]:
        text = _string(area.get("name")) if isinstance(area, Mapping) else _string(area)
        if text:
            found.append(text)
    return tuple(dict.fromkeys(found))


def _address(address: object) -> str | None:
    if isinstance(address, list):
        address = address[0] if address else None
    if not isinstance(address, Mapping):
        return _string(address)
    parts = []
    for key in ADDRESS_PARTS:
        value = address.get(key)
        text = _string(value.get("name")) if isinstance(value, Mapping) else _string(value)
        if text:
            parts.append(text)
    return ", ".join(parts) or _string(address.get("name"))


def _salary_data(posting: Mapping[str, Any]) -> dict[str, Any] | None:
    """`baseSalary` and the top-level `salaryCurrency` as found (normalization/stated/schema_org.py reads them)."""
    if posting.get("baseSalary") is None:
        return None
    return {key: posting[key] for key in ("baseSalary", "salaryCurrency") if key in posting}


def _salary_text(base_salary: object) -> str | None:
    """The free text of a salary schema.org could not state as numbers ("$50,000 - $60,000", "$120,000")."""
    if isinstance(base_salary, Mapping):
        value = base_salary.get("value")
        if isinstance(value, Mapping):
            value = value.get("value", value.get("minValue"))
        return _string(value) if isinstance(value, str) else None
    return _string(base_salary) if isinstance(base_salary, str) else None


def _skills(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        values = value.split(",")
    elif isinstance(value, list):
        values = [item for item in value if isinstance(item, str)]
    else:
        return ()
    return tuple(dict.fromkeys(item.strip() for item in values if item.strip()))
