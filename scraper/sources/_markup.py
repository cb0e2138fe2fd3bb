"""Markup helpers shared by source adapters: undoing the entity escaping feeds and APIs apply to HTML."""

from __future__ import annotations

import html
import re

_ESCAPED_TAG = re.compile(r"&(?:amp;)*lt;")


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
