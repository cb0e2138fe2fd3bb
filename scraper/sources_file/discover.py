"""From any careers URL to a source: the URL's own shape first, else the page fetched politely and looked into.

I/O only through the shared Fetcher (robots, throttle, size cap); what a page means is decided by the pure
functions of recognize.py and the jsonld adapter's parser.
"""

from __future__ import annotations

from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources.jsonld import parse_jsonld_page
from scraper.sources_file.recognize import Recognized, embedded_sources, recognize_url

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


def is_feed(page: Page) -> bool:
    """An RSS or Atom document, by its content type or, for a generic XML type, its root element."""
    if any(kind in page.content_type for kind in FEED_TYPES):
        return True
    head = page.content[:2048].lstrip().lower()
    xml = "xml" in page.content_type or head.startswith(b"<?xml")
    return xml and (b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head)


def recognize_page(page: Page) -> Recognized | None:
    """What a fetched page is a source of: a feed, an embedded ATS board, or JSON-LD JobPostings (in that order)."""
    if is_feed(page):
        return Recognized("rss", page.url)
    embedded = embedded_sources(page.url, page.text)
    if embedded:
        return embedded[0]
    postings = [item for item in parse_jsonld_page(page, "discover") if not isinstance(item, ParseError)]
    return Recognized("jsonld", page.url) if postings else None


def discover(url: str, fetcher: Fetcher) -> Recognized | None:
    """The source `url` stands for; fetches the page only when its shape alone does not say (FetchError on failure)."""
    found = recognize_url(url)
    if found is not None:
        return found
    return recognize_page(fetcher.get(url))
