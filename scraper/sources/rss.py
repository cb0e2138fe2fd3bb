"""rss: RSS 2.0 and Atom job feeds, We Work Remotely style (FORMATS.md section 8a).

Parses with defusedxml (no entity expansion, no external resources) and extracts strings as found;
it never interprets locations, types or dates (an item's `expires_at` is kept as `valid_through`).
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable, Iterator
from typing import ClassVar
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, tostring
from xml.etree.ElementTree import ParseError as XmlParseError

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._markup import unescape_html
from scraper.sources_file.schema import RssOptions

logger = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
# Flag emoji are pairs of regional indicator symbols (WWR <country>: "🇨🇦 Canada and 🇺🇸 United States of America").
FLAG_RE = re.compile("[\U0001f1e6-\U0001f1ff]")
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.1"
SKILL_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+(?=[^,]*$)")


class RssSource:
    """A job feed (RSS 2.0 or Atom); option `title_separator` (default ": ") splits "Company: Title", "" disables."""

    kind: ClassVar[str] = "rss"

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = RssOptions.of(config)
        self.title_separator = options.title_separator
        self.remote = options.remote  # the board's marker, as found

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        """The feed, in one request: a feed has no pagination, only a recent window."""
        yield fetcher.get(self.config.url, headers={"Accept": FEED_ACCEPT}, conditional=True)

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        return parse_feed(page, self.config.name, title_separator=self.title_separator, remote=self.remote)


def parse_feed(
    page: Page, source: str, *, title_separator: str = ": ", remote: str | None = None
) -> Iterator[RawPosting | ParseError]:
    """Every item of an RSS 2.0 or Atom feed; raises ParseError for anything else (an HTML page, a DTD bomb)."""
    root = _parse_xml(page)
    if root.tag == "rss" or root.tag.endswith("}RDF") or root.tag == "RDF":
        channel = root.find("channel")
        items = (channel if channel is not None else root).findall("item")
        if not items:
            items = root.findall("{http://purl.org/rss/1.0/}item")
        read: Callable[[Element], dict[str, str]] = _rss_item
    elif root.tag == f"{ATOM}feed":
        items = root.findall(f"{ATOM}entry")
        read = _atom_entry
    else:
        raise ParseError(f"not an RSS or Atom feed: the document is <{_local(root.tag)}>", url=page.url)
    if not items:
        # A job feed is a window of recent postings; an empty one is a broken feed, not "no jobs".
        raise ParseError("the feed has no items", url=page.url)
    for item in items:
        fields = read(item)
        yield _raw_posting(fields, item, page, source, title_separator, remote)


def _parse_xml(page: Page) -> Element:
    try:
        return SafeElementTree.fromstring(page.content)  # type: ignore[no-any-return]
    except DefusedXmlException as exc:
        raise ParseError(f"refused feed: {type(exc).__name__} (entity or DTD tricks)", url=page.url) from None
    except XmlParseError as exc:
        kind = page.content_type or "unknown content type"
        raise ParseError(f"not a well-formed XML feed ({kind}): {exc}", url=page.url) from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _rss_item(item: Element) -> dict[str, str]:
    fields: dict[str, str] = {}
    for child in item:
        name = _local(child.tag)
        if name == "content" and child.get("url"):
            fields.setdefault("media_content", child.get("url", ""))
            continue
        if name == "encoded":  # content:encoded carries the full HTML where <description> is a summary
            name = "content_encoded"
        text = (child.text or "").strip()
        if text:
            fields.setdefault(name, text)
    if "content_encoded" in fields:
        fields.setdefault("description", fields["content_encoded"])
    return fields


def _atom_entry(entry: Element) -> dict[str, str]:
    fields: dict[str, str] = {}
    for child in entry:
        name = _local(child.tag)
        if name == "link":
            if child.get("rel", "alternate") == "alternate" and child.get("href"):
                fields.setdefault("link", child.get("href", ""))
        elif name == "category":
            if child.get("term"):
                fields.setdefault("category", child.get("term", ""))
        elif name == "author":
            author = child.find(f"{ATOM}name")
            if author is not None and author.text:
                fields.setdefault("author", author.text.strip())
        elif name in {"content", "summary"}:
            text = _atom_text(child)
            if text:
                fields.setdefault("description", text)
        elif name == "id":
            fields.setdefault("guid", (child.text or "").strip())
        elif name == "published":
            fields.setdefault("pubDate", (child.text or "").strip())
        elif (child.text or "").strip():
            fields.setdefault(name, (child.text or "").strip())
    return fields


def _atom_text(element: Element) -> str:
    if element.get("type") == "xhtml":
        parts = [copy.deepcopy(part) for part in element]
        for part in parts:
            for node in part.iter():
                node.tag = _local(node.tag)  # "<html:p>" prefixes mean nothing to an HTML sanitizer
        return "".join(tostring(part, encoding="unicode") for part in parts).strip()
    return (element.text or "").strip()


def _raw_posting(
    fields: dict[str, str], item: Element, page: Page, source: str, separator: str, remote: str | None
) -> RawPosting | ParseError:
    heading = " ".join(fields.get("title", "").split())
    if not heading:
        return ParseError("feed item without a title", url=page.url)
    company, title = None, heading
    if separator and separator in heading:
        # WWR titles are "Company: Title"; later colons are the title's ("Headway: Customer Success Manager: X").
        company, title = (part.strip() for part in heading.split(separator, 1))
    url = next((value for value in (fields.get("link"), fields.get("guid")) if _is_web_url(value)), None)
    if url is None:
        return ParseError(f"feed item {heading!r} has no http(s) link", url=page.url)
    # WWR's <state> is the company's headquarters, not where the job is: "Anywhere in the World" with "Colorado"
    # is a worldwide remote job (issue 13). It stays in the payload.
    locations = [_clean_place(fields[key]) for key in ("region", "country", "location") if fields.get(key)]
    return RawPosting(
        source=source,
        external_id=fields.get("guid") or url,
        url=url,
        title=title or heading,
        company=company or fields.get("company") or None,
        locations=tuple(dict.fromkeys(place for place in locations if place)),
        remote=remote,
        employment_type=fields.get("type") or fields.get("job_type"),
        tags=split_skills(fields.get("skills", "")),
        featured=None,
        posted_at=fields.get("pubDate") or fields.get("date"),
        valid_through=fields.get("expires_at"),
        description_html=unescape_html(fields.get("description")),
        category_hint=fields.get("category"),
        fetched_at=page.fetched_at,
        payload=fields,
    )


def split_skills(text: str) -> tuple[str, ...]:
    """WWR `<skills>`: split on commas and a final "and" (a string split, nothing more).

    >>> split_skills("Go, PostgreSQL, and Kafka")
    ('Go', 'PostgreSQL', 'Kafka')
    >>> split_skills("Java and Spring")
    ('Java', 'Spring')
    """
    parts = (part.strip() for part in SKILL_SPLIT_RE.split(text.strip()) if part)
    return tuple(dict.fromkeys(part for part in parts if part))


def _clean_place(text: str) -> str:
    return " ".join(FLAG_RE.sub(" ", text).split())


def _is_web_url(value: str | None) -> bool:
    if not value:
        return False
    parts = urlsplit(value.strip())
    return parts.scheme in {"http", "https"} and bool(parts.hostname)
