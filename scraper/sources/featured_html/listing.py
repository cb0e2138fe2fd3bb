"""featured-html listing pages: which card layout a page uses, the ~2024 `ul#job-list` cards and the htmx list.

The current card layout is read in current_card.py; this module tries it first, then the older layouts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import BeautifulSoup, Tag

from models.records import RawPosting
from scraper.errors import ParseError
from scraper.sources.featured_html._common import (
    _attr,
    _classes,
    _clean,
    _Context,
    _inside,
    _is_featured_badge,
    _split_badges,
    _strings_outside,
    _tags,
    _text,
)
from scraper.sources.featured_html.current_card import _current_card


def _listing_cards(soup: BeautifulSoup, context: _Context) -> Iterator[RawPosting | ParseError]:
    # Hand walking, not .select: this runs on every listing page, and the strained tree is already small
    # (bench/parse.py measures it).
    current = [li for li in _tags(soup, "li") if {"position-relative", "justify-content-between"} <= set(_classes(li))]
    if current:
        yield from (_current_card(li, context) for li in current)
        return
    older = soup.select('ul#job-list a.col.py-2[href]:not([href=""])')
    if older:
        yield from (_card_2024(anchor, context) for anchor in older)
        return
    for li in soup.select("li.list-group-item"):
        htmx_link = next((a for a in li.select("a[hx-get]") if _attr(a, "hx-get")), None)
        if htmx_link is not None:
            yield context.posting(
                url=_attr(htmx_link, "hx-get"),
                title=_text(htmx_link) or None,
                payload={"text": _text(li)},
                featured=None,
            )


def _card_2024(anchor: Tag, context: _Context) -> RawPosting | ParseError:
    """~2024 layout: `ul#job-list a.col.py-2[href]`, a heading for the title, one for the location, badges."""
    headings = [tag for tag in _tags(anchor) if re.fullmatch(r"h[1-6]", tag.name)]
    if not headings:
        return context.error("job-list entry without a title heading")
    featured_badges = [span for span in anchor.select("span") if _is_featured_badge(span)]
    title = _clean(" ".join(_strings_outside(headings[0], featured_badges)))
    badges = [
        _text(span)
        for span in anchor.select("span.badge")
        if span not in featured_badges and not _inside(span, headings[0])
    ]
    employment, seniority, salary = _split_badges(badges)
    dates = [_text(tag) for tag in anchor.select("small, time, .text-muted")]
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
