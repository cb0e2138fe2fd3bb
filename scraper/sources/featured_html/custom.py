"""featured-html boards described by CSS selectors in the source's config (card_selector and friends)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from bs4 import BeautifulSoup, Tag

from models.records import RawPosting
from scraper.errors import ParseError
from scraper.sources.featured_html._common import _attr, _Context, _text


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
