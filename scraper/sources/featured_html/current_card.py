"""featured-html's current listing card (`li.position-relative.justify-content-between`), read column by column.

The left column holds the title link, the salary beside it, tags and perks; the right one location, badges, date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bs4 import Tag
from bs4.element import NavigableString, PreformattedString

from models.records import RawPosting
from scraper.errors import ParseError
from scraper.sources.featured_html._common import (
    REMOTE_BADGE,
    _attr,
    _child_tags,
    _classes,
    _clean,
    _Context,
    _dedupe,
    _inside,
    _is_featured_badge,
    _strings_outside,
    _tags,
    _text,
)


@dataclass(slots=True)
class _RightColumn:
    """What the right column prints: location (with the remote badge), seniority and type badges, the date."""

    seniority: list[str] = field(default_factory=list)
    employment: list[str] = field(default_factory=list)
    location: str | None = None
    remote: str | None = None
    posted_at: str | None = None


def _current_card(card: Tag, context: _Context) -> RawPosting | ParseError:
    anchor = _job_link(card)
    if anchor is None:
        return context.error("listing card without a job link")
    title, featured = _title(anchor)
    if not title:
        return context.error("listing card without a title")
    right = _right_column_tag(card)
    left_spans = [
        span
        for span in _tags(card, "span")
        if not _inside(span, anchor) and (right is None or not _inside(span, right))
    ]
    column = _read_right_column(right) if right is not None else _RightColumn()
    return context.posting(
        url=_attr(anchor, "href"),
        title=title,
        locations=(column.location,) if column.location else (),
        remote=column.remote,
        employment_type=" ".join(filter(None, column.employment)) or None,
        seniority=" ".join(filter(None, column.seniority)) or None,
        salary_text=_salary_beside(anchor, card),
        tags=_dedupe(_text(span) for span in left_spans if not span.has_attr("class")),
        featured=featured,
        posted_at=column.posted_at,
        # The card's text and its perks (the one thing no RawPosting field keeps); serializing the card's
        # HTML instead cost twice as much as extracting it.
        payload={
            "href": _attr(anchor, "href"),
            "text": _text(card),
            "perks": [_text(span) for span in left_spans if "text-success" in _classes(span)],
        },
    )


def _job_link(card: Tag) -> Tag | None:
    """The card's `a.stretched-link`, else its first link."""
    anchors = [a for a in _tags(card, "a") if _attr(a, "href")]
    return next((a for a in anchors if "stretched-link" in _classes(a)), anchors[0] if anchors else None)


def _title(anchor: Tag) -> tuple[str, bool]:
    """The link's text without its "Featured" badge, and whether it had one."""
    featured = False
    parts: list[str] = []
    for child in anchor.children:
        if isinstance(child, Tag) and _is_featured_badge(child):
            featured = True
        elif isinstance(child, Tag):
            parts.append(child.get_text(" "))
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            parts.append(str(child))
    return _clean(" ".join(parts)), featured


def _right_column_tag(card: Tag) -> Tag | None:
    right = next((tag for tag in _tags(card, "div") if "text-end" in _classes(tag)), None)
    columns = _child_tags(card)
    return columns[-1] if right is None and len(columns) > 1 else right


def _salary_beside(anchor: Tag, card: Tag) -> str | None:
    """The first non-empty span in the title's row (the anchor's parent, unless that is the card itself)."""
    row = anchor.parent
    if not isinstance(row, Tag) or row is card:
        return None
    return next((_text(span) for span in _child_tags(row) if span.name == "span" and _text(span)), None)


def _read_right_column(right: Tag) -> _RightColumn:
    column = _RightColumn()
    for row in _child_tags(right):
        spans = list(_tags(row, "span"))
        if "text-muted" in _classes(row):
            column.posted_at = _text(row) or None
        elif any({"text-bg-warning", "text-bg-secondary"} & set(_classes(span)) for span in spans):
            _read_badges(spans, column)
        else:
            remote_badges = [span for span in spans if _text(span) == REMOTE_BADGE]
            column.remote = REMOTE_BADGE if remote_badges else column.remote
            column.location = _clean(" ".join(_strings_outside(row, remote_badges))) or column.location
    return column


def _read_badges(spans: list[Tag], column: _RightColumn) -> None:
    for span in spans:
        classes = _classes(span)
        if "text-bg-warning" in classes:
            column.seniority.append(_text(span))
        elif "text-bg-secondary" in classes:
            column.employment.append(_text(span))
