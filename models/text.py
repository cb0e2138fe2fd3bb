"""The one text policy for everything jobfeed stores or shows: which characters go, and which HTML stays.

Pure functions shared by the scraper (before storage) and the API (before rendering); no I/O.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

import nh3

# Characters no stored or rendered text may hold, one set for both: C0 controls but tab, newline and
# carriage return (PostgreSQL refuses NUL, XML 1.0 refuses them all), DEL and the C1 controls, lone
# surrogates (a bad decode or a JSON "\ud83d" escape leaves them: PostgreSQL's json type refuses them and
# so does UTF-8, which failed a whole batch), and the noncharacters U+FFFE and U+FFFF (XML refuses them).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACE = re.compile(r"\s+")
_ANGLE = re.compile("[<>]")
# What HTML parsing can change in a text: tags, character references, carriage returns (made newlines) and a
# byte-order mark (dropped). A text with none of them comes back from the sanitizer as it went in, so
# `plain_text` skips it (feeds call it for every title, company, place and tag: most are plain).
_PARSED = re.compile("[<>&\r\ufeff]")
# Links a description may keep; every other scheme (javascript:, data:, vbscript:) loses its href.
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Built once: `nh3.clean` builds its sanitizer from the options on every call, 6x the cost of the cleaning
# itself for a 1 KB description (44 us against 7 us), and feeds sanitize every item's description again.
_DESCRIPTION_CLEANER = nh3.Cleaner(url_schemes=set(URL_SCHEMES), link_rel=LINK_REL)
_TEXT_CLEANER = nh3.Cleaner(tags=set())


# The forbidden characters' bytes in UTF-8 (surrogates encoded as such): the ASCII ones, and the lead bytes of
# the C1 controls (0xC2), the surrogates (0xED) and the noncharacters (0xEF 0xBF 0xBE/0xBF).
_FORBIDDEN_ASCII = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_FORBIDDEN_LEADS = (b"\xc2", b"\xed", b"\xef\xbf\xbe", b"\xef\xbf\xbf")


def _surely_clean(text: str) -> bool:
    """True when `text` holds no forbidden character, told from its UTF-8 bytes (byte scans in C, several
    times faster than the regex over a description); False also when unsure (a 0xC2 lead byte: U+00A0, ©, £)."""
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded.translate(None, _FORBIDDEN_ASCII)) != len(encoded):
        return False
    return text.isascii() or not any(lead in encoded for lead in _FORBIDDEN_LEADS)


def strip_controls(text: str) -> str:
    """`text` without the forbidden characters, its layout (tabs, line breaks) kept.

    >>> strip_controls("Data\\x00 Engineer\\x07\\n\\x85\\ud83d")
    'Data Engineer\\n'
    """
    # Every forbidden character is unprintable (Cc, Cs, Cn): most texts are told clean by one C loop.
    if text.isprintable() or _surely_clean(text):
        return text
    return _FORBIDDEN.sub("", text) if _FORBIDDEN.search(text) else text


def clean_text(text: str | None) -> str | None:
    """One line of text: no forbidden characters, runs of white space as one space; None for nothing left.

    >>> clean_text("  Data\\x00 Engineer\\n ")
    'Data Engineer'
    >>> clean_text("\\x07") is None
    True
    """
    if text is None:
        return None
    return _SPACE.sub(" ", strip_controls(text)).strip() or None


def clean_json(value: Any) -> Any:
    """A JSON-shaped value with every string (keys too) through `strip_controls`, tuples as lists, and NaN
    and the infinities (which Python's JSON reader accepts and JSON itself, PostgreSQL's included, does not)
    as null.

    >>> clean_json({"t\\x00": ["a\\ud83d", 1, None, float("nan")]})
    {'t': ['a', 1, None, None]}
    """
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {clean_json(key): clean_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(item) for item in value]
    return value


def sanitize_html(fragment: str | None) -> str | None:
    """Description HTML safe to store and to embed: nh3's allow-list (no scripts, no event handlers),
    http(s)/mailto links only, `rel` on every link, no forbidden characters; None for nothing left.

    >>> sanitize_html('<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:alert(1)">x</a></p>')
    '<p>Hi <a rel="noopener noreferrer nofollow">x</a></p>'
    """
    if fragment is None:
        return None
    # stripped after too: a character reference (&#1;) decodes to a forbidden character inside nh3
    cleaned = strip_controls(_DESCRIPTION_CLEANER.clean(strip_controls(fragment)))
    return cleaned.strip() or None


def plain_text(text: str | None) -> str:
    """Text with no markup left in it, whatever a reader does with it (shows it as text or as HTML).

    Tags are dropped (a script's content too) and the angle brackets that remain are removed, so even
    a reader that decodes the text as HTML finds no element to run.

    >>> plain_text("Senior <script>alert(1)</script>Engineer &lt;img onerror=x&gt;")
    'Senior Engineer img onerror=x'
    """
    if not text:
        return ""
    if text.isprintable() and "  " not in text and not _PARSED.search(text):
        return text.strip()  # no markup, no forbidden character, no space but single ' ' (the common title)
    text = strip_controls(text)
    if _PARSED.search(text):
        text = strip_controls(html.unescape(_TEXT_CLEANER.clean(text)))
    return _SPACE.sub(" ", _ANGLE.sub("", text)).strip()
