"""Rendering of RSS 2.0, Atom 1.0 and JSON Feed 1.1 from posting records, and the text/HTML hygiene they need.

Pure functions, no queries. A record is the mapping the job pages serialize (`record_fields` in the schema's
key order, models/posting_reads.py): feeds and pages share it, and no model is built per posting. Scraped
text is untrusted: titles become plain text with no markup left, descriptions are sanitized again (defence
in depth), characters XML forbids are dropped (the one text policy of models/text.py), and only http(s)
links are emitted.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

import orjson

from api.money import salary_text
from models.text import plain_text, sanitize_html, strip_controls

_ANGLE = re.compile("[<>]")
# An http(s) URL with a host and only printable ASCII but quotes, angle brackets and spaces after it.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:[/?#][!#-;=?-~]*)?", re.IGNORECASE)


def safe_url(url: str | None, fallback: str) -> str:
    """`url` when it is an absolute http(s) URL, else `fallback` (never a javascript: or data: link).

    >>> safe_url("javascript:alert(1)", "https://jobfeed.example/api/v1/jobs/1")
    'https://jobfeed.example/api/v1/jobs/1'
    """
    if url and _PLAIN_URL.fullmatch(url):
        return url  # what the general way below returns for it, told by one regex (feeds check every item's)
    if url:
        cleaned = strip_controls(url).strip()
        try:
            parts = urlsplit(cleaned)
        except ValueError:
            return fallback
        if parts.scheme.lower() in ("http", "https") and parts.netloc and not _ANGLE.search(cleaned):
            return cleaned.replace('"', "%22").replace(" ", "%20")
    return fallback


def _xml(text: str) -> str:
    return html.escape(strip_controls(text), quote=True)


@dataclass(frozen=True, slots=True)
class FeedMeta:
    """What a feed says about itself: title, its own URL, the HTML page and when it last changed."""

    title: str
    feed_url: str
    home_page_url: str
    description: str
    updated: datetime


Record = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class FeedEntry:
    posting: Record  # the posting record, as /api/v1/jobs serves it
    description_html: str | None
    api_url: str  # where the record lives in the API; the fallback link and the entry's id base


def item_id(posting: Record) -> str:
    """A posting's id in every feed, stable across updates of the posting."""
    return f"urn:jobfeed:posting:{posting['id']}"


def _location_text(posting: Record) -> str:
    location = posting["location"]
    if location["raw"]:
        return plain_text(location["raw"])
    parts = [*location["cities"], *location["countries"], *location["regions"]]
    if location["remote"]:
        parts.append(location["remote"])
    return plain_text(", ".join(parts))


def item_title(posting: Record) -> str:
    """ "Title at Company (Location)", each part plain text; parts that are unknown are left out."""
    title = plain_text(posting["title"]) or "Untitled job"
    company = plain_text(posting["company"])
    location = _location_text(posting)
    if company:
        title = f"{title} at {company}"
    if location:
        title = f"{title} ({location})"
    return title


def item_summary(posting: Record) -> str:
    """A plain-text summary: salary, location, employment, seniority, sources."""
    parts = []
    salary = salary_text(posting["salary"], stated=True)
    if salary:
        # a salary read in free text (not a value the source states) says so: readers weigh it accordingly
        text_origin = posting["salary"] is not None and posting["salary"]["origin"] == "text"
        parts.append(f"Salary: {salary}{', read in the posting text' if text_origin else ''}")
    location = _location_text(posting)
    if location:
        parts.append(f"Location: {location}")
    if posting["employment_types"]:
        parts.append("Employment: " + ", ".join(posting["employment_types"]))
    if posting["seniority"]:
        parts.append(f"Seniority: {posting['seniority']}")
    if posting["flags"]:
        parts.append("Flags: " + ", ".join(plain_text(f["code"]) for f in posting["flags"]))
    parts.append("Source: " + ", ".join(plain_text(s) for s in posting["sources"]))
    return ". ".join(parts) + "."


def item_content_html(entry: FeedEntry, summary: str | None = None) -> str:
    """The summary as a paragraph, then the sanitized description (`summary`: the item's, when computed)."""
    paragraph = f"<p>{html.escape(item_summary(entry.posting) if summary is None else summary)}</p>"
    return paragraph + (sanitize_html(entry.description_html) or "")


def _published(posting: Record) -> datetime:
    # first_seen is never null for a stored posting; posted_at is the board's claim and may be missing
    moment: datetime | str | None = posting["first_seen"] or posting["posted_at"]
    assert moment is not None, "feeds render stored postings, which always have first_seen"
    # records read as JSON (api/queries/pages.py) hold timestamps as their text, 2026-11-29T10:00:00Z
    return datetime.fromisoformat(moment) if isinstance(moment, str) else moment


def render_rss(meta: FeedMeta, entries: Sequence[FeedEntry]) -> bytes:
    """RSS 2.0 with an atom:link rel=self, guids that are not permalinks, HTML descriptions escaped."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>{_xml(meta.title)}</title>",
        f"<link>{_xml(meta.home_page_url)}</link>",
        f"<description>{_xml(meta.description)}</description>",
        f'<atom:link href="{_xml(meta.feed_url)}" rel="self" type="application/rss+xml"/>',
        f"<lastBuildDate>{format_datetime(meta.updated, usegmt=True)}</lastBuildDate>",
        "<generator>jobfeed</generator>",
    ]
    for entry in entries:
        posting = entry.posting
        out += [
            "<item>",
            f"<title>{_xml(item_title(posting))}</title>",
            f"<link>{_xml(safe_url(posting['url'], entry.api_url))}</link>",
            f'<guid isPermaLink="false">{_xml(item_id(posting))}</guid>',
            f"<pubDate>{format_datetime(_published(posting), usegmt=True)}</pubDate>",
            f"<category>{_xml(posting['category'])}</category>",
            f"<description>{_xml(item_content_html(entry))}</description>",
            "</item>",
        ]
    out += ["</channel>", "</rss>\n"]
    return "".join(out).encode("utf-8")


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def render_atom(meta: FeedMeta, entries: Sequence[FeedEntry]) -> bytes:
    """Atom 1.0: text titles and summaries, HTML content escaped, ids stable per posting."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<id>{_xml(meta.feed_url)}</id>",
        f'<title type="text">{_xml(meta.title)}</title>',
        f'<subtitle type="text">{_xml(meta.description)}</subtitle>',
        f"<updated>{_rfc3339(meta.updated)}</updated>",
        f'<link rel="self" type="application/atom+xml" href="{_xml(meta.feed_url)}"/>',
        f'<link rel="alternate" type="text/html" href="{_xml(meta.home_page_url)}"/>',
        "<author><name>jobfeed</name></author>",
        "<generator>jobfeed</generator>",
    ]
    for entry in entries:
        posting = entry.posting
        published = _rfc3339(_published(posting))
        summary = item_summary(posting)
        out += [
            "<entry>",
            f"<id>{_xml(item_id(posting))}</id>",
            f'<title type="text">{_xml(item_title(posting))}</title>',
            f'<link rel="alternate" type="text/html" href="{_xml(safe_url(posting["url"], entry.api_url))}"/>',
            f"<published>{published}</published>",
            f"<updated>{published}</updated>",
            f'<category term="{_xml(posting["category"])}"/>',
            f'<summary type="text">{_xml(summary)}</summary>',
            f'<content type="html">{_xml(item_content_html(entry, summary))}</content>',
            "</entry>",
        ]
    out.append("</feed>\n")
    return "".join(out).encode("utf-8")


def render_json_feed(meta: FeedMeta, entries: Sequence[FeedEntry]) -> bytes:
    """JSON Feed 1.1 with the posting record under `_jobfeed`; <, > and & are escaped as \\u00XX so
    the document stays inert even if something serves it as HTML."""
    items = []
    for entry in entries:
        posting = entry.posting
        summary = item_summary(posting)
        items.append(
            {
                "id": item_id(posting),
                "url": safe_url(posting["url"], entry.api_url),
                "title": item_title(posting),
                "content_html": item_content_html(entry, summary),
                "summary": summary,
                "date_published": _rfc3339(_published(posting)),
                "tags": [plain_text(t) for t in posting["tags"] if plain_text(t)],
                "_jobfeed": posting,
            }
        )
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": meta.title,
        "home_page_url": meta.home_page_url,
        "feed_url": meta.feed_url,
        "description": meta.description,
        "items": items,
    }
    body = orjson.dumps(document, option=orjson.OPT_UTC_Z)  # timestamps as the schema writes them
    return body.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")
