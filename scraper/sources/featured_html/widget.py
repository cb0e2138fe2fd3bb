"""featured-html's "Featured Job" widget, read by its text structure as a reader sees it (FORMATS.md section 1).

The widget has no stable markup: "Featured Job 👀", a title, "@ Company | Location", a line of badges.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, CData, Tag
from bs4.element import NavigableString, PreformattedString

from models.records import RawPosting
from scraper.errors import ParseError
from scraper.sources.featured_html._common import _attr, _clean, _Context, split_badge_line

# The widget as a reader sees it: "Featured Job 👀", a title, "@ Company | Location", a line of badges.
WIDGET_MARKER_RE = re.compile(r"^featured\s+jobs?\b\W*", re.IGNORECASE)
WIDGET_AT_RE = re.compile(r"^@\s*(?P<company>[^|]+?)\s*\|\s*(?P<location>.*?)\s*$")
WIDGET_MAX_LINE = 300  # a "line" longer than this is prose, not a card field

BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "dt", "fieldset"}
    | {"figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li"}
    | {
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "head", "svg"})


@dataclass(slots=True)
class _Line:
    text: str
    hrefs: list[str] = field(default_factory=list)


def text_lines(root: Tag) -> list[str]:
    """The non-empty lines a reader sees in `root` (block elements and `<br>` break lines); for tests and audit."""
    return [line.text for line in _lines(root)]


def _lines(root: Tag) -> list[_Line]:
    lines: list[_Line] = []
    parts: list[str] = []
    hrefs: list[str] = []

    def flush() -> None:
        text = _clean("".join(parts))
        if text:
            lines.append(_Line(text, list(hrefs)))
            hrefs.clear()
        parts.clear()

    # An explicit stack instead of recursion: hostile pages nest deeper than Python's recursion limit.
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            flush()
        elif isinstance(node, str) and not isinstance(node, NavigableString):
            parts.append(node)  # a separator pushed below
        elif isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString) or isinstance(node, CData):
                parts.append(str(node))
        elif isinstance(node, Tag):
            if node.name in SKIPPED_TAGS:
                continue
            if node.name == "br":
                flush()
                continue
            href = _attr(node, "href") if node.name == "a" else None
            if href:
                hrefs.append(href)
            children = list(node.children)
            if node.name in BLOCK_TAGS:
                flush()
                stack.append(None)
                stack.extend(reversed(children))
            elif node.name == "span":
                # Badges are spans set apart by CSS padding, not by whitespace in the markup.
                stack.append(" ")
                stack.extend(reversed(children))
                stack.append(" ")
            else:
                stack.extend(reversed(children))
    flush()
    return lines


def _widget_cards(soup: BeautifulSoup, context: _Context) -> Iterator[RawPosting | ParseError]:
    body = soup.body or soup
    lines = [line for line in _lines(body) if len(line.text) <= WIDGET_MAX_LINE]
    card_starts = [index for index, line in enumerate(lines) if WIDGET_AT_RE.match(line.text)]
    any_marker = any(WIDGET_MARKER_RE.match(line.text) for line in lines)
    for index in card_starts:
        yield _widget_card(lines, index, any_marker, context)


def _widget_card(lines: list[_Line], at_index: int, any_marker: bool, context: _Context) -> RawPosting | ParseError:
    at_match = WIDGET_AT_RE.match(lines[at_index].text)
    assert at_match is not None  # the caller selected this line by the same pattern
    title_line = lines[at_index - 1] if at_index > 0 else None
    if title_line is None or WIDGET_AT_RE.match(title_line.text):
        return context.error(f"featured-job card {lines[at_index].text!r} has no title line")
    title = title_line.text
    marker_line = lines[at_index - 2] if at_index > 1 else None
    featured = False
    marker_in_title = WIDGET_MARKER_RE.match(title)
    if marker_in_title:
        title = title[marker_in_title.end() :].strip()
        featured = True
        if not title:
            return context.error(f"featured-job card {lines[at_index].text!r} has no title line")
    elif marker_line is not None and WIDGET_MARKER_RE.match(marker_line.text):
        featured = True
    badge_line = lines[at_index + 1] if at_index + 1 < len(lines) else None
    if badge_line is not None and (
        WIDGET_MARKER_RE.match(badge_line.text)
        or WIDGET_AT_RE.match(badge_line.text)
        or (at_index + 2 < len(lines) and WIDGET_AT_RE.match(lines[at_index + 2].text))
    ):
        badge_line = None  # the next line already belongs to the next card
    employment, seniority, salary = split_badge_line(badge_line.text) if badge_line else (None, None, None)
    shown = [marker_line if featured else None, title_line, lines[at_index], badge_line]
    url = next(
        (href for line in shown if line is not None and line is not lines[at_index] for href in line.hrefs), None
    )
    location = at_match.group("location")
    card_lines = [line.text for line in shown if line is not None]
    return context.posting(
        url=url,
        title=title,
        company=at_match.group("company"),
        locations=(location,) if location else (),
        employment_type=employment,
        seniority=seniority,
        salary_text=salary,
        featured=True if featured else (False if any_marker else None),
        payload="\n".join(card_lines),
    )
