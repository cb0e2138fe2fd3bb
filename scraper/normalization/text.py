"""Clean scraped text before it is stored or shown: no NUL or control characters, sanitized HTML."""

from __future__ import annotations

import re

import nh3

# C0 controls except tab/newline/carriage return, DEL, C1 controls, and lone surrogates a bad decode can leave.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SPACE = re.compile(r"\s+")


def clean_text(text: str | None) -> str | None:
    """One line of text without control characters and with single spaces; None for nothing left.

    >>> clean_text("  Data\\x00 Engineer\\n ")
    'Data Engineer'
    >>> clean_text("\\x07") is None
    True
    """
    if text is None:
        return None
    cleaned = _SPACE.sub(" ", _CONTROL.sub("", text)).strip()
    return cleaned or None


def sanitize_html(html: str | None) -> str | None:
    """Description HTML with scripts, event handlers and javascript: links removed (nh3's safe defaults).

    >>> sanitize_html('<p onclick="x()">Hi<script>alert(1)</script></p>')
    '<p>Hi</p>'
    """
    if html is None:
        return None
    cleaned = nh3.clean(_CONTROL.sub("", html), link_rel="noopener noreferrer nofollow").strip()
    return cleaned or None
