"""Bytes to text for fetched pages: which charset to believe, and a UTF-8 decoder that falls back to cp1252.

Pure functions; a declaration is evidence to check against the bytes, never taken on faith.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?encoding\s*=\s*["']([\w.:+-]+)""", re.IGNORECASE)
# The HTML standard prescans 1024 bytes; real pages put long comments and scripts first.
PRESCAN_BYTES = 4096
FALLBACK_ERRORS = "jobfeed-cp1252"


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 rejected as cp1252: a cp1252 page, or a cp1252 snippet in a UTF-8 page."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error(FALLBACK_ERRORS, _cp1252_fallback)


def canonical_codec(label: str | None) -> str | None:
    """The Python codec for a charset label, or None for a label we will not use.

    Latin-1 and ASCII labels mean windows-1252, as in every browser (the WHATWG Encoding
    standard): servers say iso-8859-1 and send curly quotes from 0x80-0x9F.

    >>> [canonical_codec(x) for x in ("UTF8", "iso-8859-1", "Shift_JIS", "bogus", "utf-7")]
    ['utf-8', 'cp1252', 'shift_jis', None, None]
    """
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("'\"")).name
    except LookupError:
        return None
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    # UTF-7 is a known XSS vector and no job board uses it.
    if name == "utf-7":
        return None
    return name


def declared_charsets(content: bytes, content_type: str | None) -> list[str]:
    """Codecs the response declares, strongest first: the Content-Type header, then the document.

    >>> declared_charsets(b'<meta charset="windows-1251">', "text/html; charset=UTF-8")
    ['utf-8', 'cp1251']
    >>> declared_charsets(b'{"a": "<meta charset=latin1>"}', "application/json")
    []
    """
    found: list[str] = []
    header = _HEADER_CHARSET.search(content_type or "")
    if header:
        found.append(header.group(1))
    # JSON is UTF-8 by definition (RFC 8259); a meta tag inside a JSON string is just text.
    if "json" not in (content_type or "").lower():
        head = content[:PRESCAN_BYTES]
        document = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
        if document:
            found.append(document.group(1).decode("ascii", errors="replace"))
    codecs_found = [codec for codec in map(canonical_codec, found) if codec is not None]
    return list(dict.fromkeys(codecs_found))


def sniff_encoding(content: bytes, content_type: str | None = None) -> str:
    """The codec to decode `content` with (see `decode_text` for how "utf-8" treats invalid bytes).

    A BOM wins (as in browsers). A declared charset is believed only if the bytes decode with it
    and, for a legacy charset, are not valid non-ASCII UTF-8: text that is valid UTF-8 is UTF-8
    whatever the page says, while real legacy text almost never is. Otherwise UTF-8.

    >>> sniff_encoding("Café".encode("cp1252"), "text/html")
    'utf-8'
    >>> sniff_encoding("Ingénieur".encode(), "text/html; charset=iso-8859-1")
    'utf-8'
    >>> sniff_encoding("Инженер".encode("cp1251"), "text/html; charset=windows-1251")
    'cp1251'
    """
    for bom, codec in _BOMS:
        if content.startswith(bom):
            return codec
    for codec in declared_charsets(content, content_type):
        if codec == "utf-8":
            return codec
        if codec.startswith(("utf-16", "utf-32")):
            # Without a BOM these are almost always a template's mistake on an ASCII-compatible page.
            continue
        if not content.isascii() and _decodes(content, "utf-8"):
            return "utf-8"
        if _decodes(content, codec):
            return codec
    return "utf-8"


def decode_text(content: bytes, encoding: str) -> str:
    """`content` as text: UTF-8 with cp1252 for the bytes that are not UTF-8, other codecs with U+FFFD.

    >>> decode_text(b"\\x93Data\\x94 \\x96 Caf\\xc3\\xa9", "utf-8")
    '“Data” – Café'
    """
    codec = canonical_codec(encoding) or "utf-8"
    if codec == "utf-8":
        text = content.decode("utf-8", errors=FALLBACK_ERRORS)
    else:
        text = content.decode(codec, errors="replace")
    return text.removeprefix("\ufeff")


def _decodes(content: bytes, codec: str) -> bool:
    try:
        content.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
