"""featured-html job detail pages: the current layout (h1 + badge row + h5 sections) and the older `div.head-fluid`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from models.records import RawPosting
from scraper.errors import ParseError
from scraper.sources.featured_html._common import (
    REMOTE_BADGE,
    _attr,
    _classes,
    _Context,
    _dedupe,
    _split_badges,
    _text,
)

# A detail page labels its relative date ("Found 8h ago", "Published 15d ago"); the label is not the date.
DATE_LABEL_RE = re.compile(r"^(?:Found|Published|Posted)\s+(?P<date>.+)$", re.IGNORECASE)


def _detail_postings(soup: BeautifulSoup, context: _Context) -> Iterator[RawPosting | ParseError]:
    head_fluid = soup.select_one("div.head-fluid")
    if head_fluid is not None:
        yield _older_detail(head_fluid, soup, context)
        return
    h1 = soup.find("h1")
    # An article page also has an h1 (and /company/ links in its widget); a job page has the badge row too.
    if not isinstance(h1, Tag) or not ("font-monospace" in _classes(h1) or soup.select_one("p.py-4")):
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
    badge_row = soup.select_one("p.py-4")
    badges = [_text(span) for span in badge_row.find_all("span")] if badge_row is not None else []
    employment, seniority, salary = _split_badges(badge for badge in badges if badge)
    company_link = soup.select_one('a[href^="/company/"]')
    dates = (DATE_LABEL_RE.match(_text(span)) for span in soup.find_all("span"))
    posted_at = next((match.group("date") for match in dates if match), None)
    sections = _sections(soup)
    skills = sections.get("skills/tech-stack")
    tags = _dedupe(_text(a) for a in skills.find_all("a")) if skills is not None else ()
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
    title = _text(head.select_one("h1"))
    if not title:
        return context.error("head-fluid detail page without a title")
    location = _text(head.select_one("h3"))
    badges = [_text(span) for span in soup.select("span.badge", limit=3)]
    employment, seniority, salary = _split_badges(badge for badge in badges if badge)
    return context.posting(
        url=_canonical_url(soup) or context.page.url,
        title=title,
        company=_text(soup.select_one("h2.h5")).removeprefix("@").strip() or None,
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
    for heading in soup.find_all("h5"):
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
    link = soup.select_one("link[rel~=canonical]")
    return _attr(link, "href") if link is not None else _meta(soup, "og:url")


def _meta(soup: BeautifulSoup, prop: str) -> str | None:
    meta = soup.select_one(f'meta[property="{prop}"], meta[name="{prop}"]')
    return _attr(meta, "content") if meta is not None else None
