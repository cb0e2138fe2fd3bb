"""Personio job feed: `GET {url}/xml`, one XML document `<workzag-jobs><position>...` per board -> RawPosting.

Parses with defusedxml (no entity expansion, no external resources) and extracts strings as found, often German.
Personio states no salary field (pay only in the description text) and no workplace field. Where the shape
comes from: tests/fixtures/sources/personio/README.md.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, urlencode, urlsplit, urlunsplit
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XmlParseError

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.errors import ParseError
from scraper.fetching import Fetcher, Page
from scraper.sources._api import board_endpoint, unique
from scraper.sources._company import company_name
from scraper.sources_file.schema import AtsOptions

ENDPOINT_PATH = "/xml"
ROOT_TAG = "workzag-jobs"
FEED_ACCEPT = "application/xml, text/xml;q=0.9, */*;q=0.1"


class PersonioSource:
    """A Personio board: `board = "acme"` with `url = "https://acme.jobs.personio.de"` (or `.com`, or a mirror);
    a `url` with a path is the complete endpoint (`.../xml?language=en` picks the feed's language).

    Options: `board` (required), `company` (else the position's `subcompany`, else the board slug made readable),
    `max_pages` (accepted; there is no pagination). The feed lists published positions only. An empty
    `<workzag-jobs/>` is a board with no openings; an HTML page or any other document is an error.
    """

    kind: ClassVar[str] = "personio"

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        options = AtsOptions.of(config)
        self.board = options.board
        self.url = board_endpoint(config.url, options.board, ENDPOINT_PATH, {})

    def fetch(self, fetcher: Fetcher) -> Iterator[Page]:
        yield fetcher.get(self.url, headers={"Accept": FEED_ACCEPT}, conditional=True)

    def parse(self, page: Page) -> Iterator[RawPosting | ParseError]:
        if page.not_modified:  # unchanged since the last run: nothing to re-read
            return
        root = _parse_xml(page)
        if root.tag != ROOT_TAG:
            raise ParseError(f"{page.url}: expected a Personio feed <{ROOT_TAG}>, got <{root.tag}>", url=page.url)
        job_url = _job_url_parts(page.url)
        for index, position in enumerate(root.findall("position")):
            fields = _fields(position)
            try:
                yield self._posting(fields, page, job_url)
            except ParseError as exc:
                ident = fields.get("id")
                label = f"position #{index}" + (f" (id {ident!r})" if isinstance(ident, str) else "")
                yield ParseError(f"{page.url}: {label}: {exc}", url=page.url)

    def _posting(self, fields: dict[str, Any], page: Page, job_url: tuple[str, str]) -> RawPosting:
        ident = _str(fields.get("id"))
        if ident is None:
            raise ParseError("a position without an <id> (its page cannot be linked)")
        offices: list[Any] = fields.get("additionalOffices") or []
        return RawPosting(
            source=self.config.name,
            external_id=ident,
            url=job_url[0] + quote(ident, safe="") + job_url[1],
            title=_str(fields.get("name")),
            company=company_name(self.config, _str(fields.get("subcompany"))),
            locations=unique([_str(fields.get("office")), *(_str(office) for office in offices)]),
            # "full-time, permanent": the schedule and the contract, as stated
            employment_type=", ".join(unique([_str(fields.get("schedule")), _str(fields.get("employmentType"))]))
            or None,
            seniority=_str(fields.get("seniority")),
            posted_at=_str(fields.get("createdAt")),
            description_html=_description(fields.get("jobDescriptions") or []),
            category_hint=_str(fields.get("department")) or _str(fields.get("recruitingCategory")),
            fetched_at=page.fetched_at,
            payload=fields,
        )


def _parse_xml(page: Page) -> Element:
    try:
        return SafeElementTree.fromstring(page.content)  # type: ignore[no-any-return]
    except DefusedXmlException as exc:
        message = f"{page.url}: refused feed: {type(exc).__name__} (entity or DTD tricks)"
        raise ParseError(message, url=page.url) from None
    except XmlParseError as exc:
        kind = page.content_type or "unknown content type"
        raise ParseError(f"{page.url}: not a well-formed Personio XML feed ({kind}): {exc}", url=page.url) from None


def _fields(position: Element) -> dict[str, Any]:
    """A position as plain data, every child kept: text, `additionalOffices` as a list of offices,
    `jobDescriptions` as a list of `{"name", "value"}`. It is also the audit payload."""
    fields: dict[str, Any] = {}
    for child in position:
        if child.tag == "additionalOffices":
            fields[child.tag] = [_element_text(office) for office in child.findall("office")]
        elif child.tag == "jobDescriptions":
            fields[child.tag] = [
                {"name": _element_text(entry.find("name")), "value": _element_text(entry.find("value"))}
                for entry in child.findall("jobDescription")
            ]
        else:
            fields.setdefault(child.tag, _element_text(child))
    return fields


def _element_text(element: Element | None) -> str | None:
    if element is None:
        return None
    return "".join(element.itertext()).strip() or None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _description(sections: list[Any]) -> str | None:
    """Each `jobDescription` as the board shows it: its name as a heading, then its HTML value."""
    parts: list[str] = []
    for section in sections:
        name, value = _str(section.get("name")), _str(section.get("value"))
        if value is None:
            continue
        parts.append((f"<h3>{html.escape(name)}</h3>" if name else "") + value)
    return "".join(parts) or None


def _job_url_parts(feed_url: str) -> tuple[str, str]:
    """The public page of a position is `prefix + id + suffix`: the feed's base (its URL without the trailing
    `/xml`) + `/job/{id}`, keeping the feed's `language` so that a German feed links the German page.
    """
    parts = urlsplit(feed_url)
    base = parts.path.rstrip("/").removesuffix("/xml")
    language = parse_qs(parts.query).get("language", [])[:1]
    suffix = "?" + urlencode({"language": language[0]}) if language else ""
    return urlunsplit((parts.scheme, parts.netloc, f"{base}/job/", "", "")), suffix
