"""Markup helpers shared by source adapters: a page read as HTML, and the entity escaping feeds and APIs apply."""

from __future__ import annotations

import html
import re
from typing import Literal

from bs4 import BeautifulSoup
from bs4.filter import SoupStrainer

HtmlParser = Literal["lxml", "html.parser"]

_ESCAPED_TAG = re.compile(r"&(?:amp;)*lt;")
# XML declarations at the very start, closed or cut off: `<?xml version="1.0"?>`, or a bare `<?xml`.
_LEADING_XML_DECLARATIONS = re.compile(r"\A(?:\s*<\?xml[^>]*(?:>|\Z))+")


def html_soup(text: str, parser: HtmlParser = "lxml", parse_only: SoupStrainer | None = None) -> BeautifulSoup:
    """`text` read as HTML, whatever its first line claims.

    The text is decoded already, so a leading XML declaration (XHTML pages carry one) says nothing the parser
    needs; it is dropped first, because BeautifulSoup warns of "XML parsed as HTML" on seeing it, and reading
    as HTML is exactly what an HTML source asks for. Dropping it touches no process-wide warning filter, so
    runs on other threads are unaffected.

    >>> html_soup('<?xml version="1.0"?><html><body><p>Hi</p></body></html>').p.get_text()
    'Hi'
    >>> html_soup("<?xml").get_text()
    ''
    """
    return BeautifulSoup(_LEADING_XML_DECLARATIONS.sub("", text), parser, parse_only=parse_only)


def unescape_html(text: str | None) -> str | None:
    """Description HTML: a text with no tags but escaped ones ("&lt;p&gt;") is unescaped, twice if double-escaped.

    Greenhouse `content` and We Work Remotely descriptions arrive entity-escaped, some feeds twice
    (FORMATS.md section 0.3); a text that already holds real tags is left alone.

    >>> unescape_html("&lt;p&gt;Fish &amp;amp; chips&lt;/p&gt;")
    '<p>Fish &amp; chips</p>'
    >>> unescape_html("<p>Fish &amp; chips</p>")
    '<p>Fish &amp; chips</p>'
    """
    if text is None:
        return None
    for _ in range(3):  # at most triple escaping; more is not a description
        if "<" in text or not _ESCAPED_TAG.search(text):
            break
        text = html.unescape(text)
    return text
