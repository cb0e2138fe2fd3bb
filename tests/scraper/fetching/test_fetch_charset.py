"""Bytes to text: invalid UTF-8, cp1252, a lying <meta charset>, BOMs; titles must come out right."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
import respx

from scraper.fetching import Fetcher, Page
from scraper.fetching.charset import declared_charsets, decode_text, sniff_encoding

MakeFetcher = Callable[..., Fetcher]
TITLE = "Ingénieur·e Données – “Senior”"


def html(meta: str, title: str, encoding: str) -> bytes:
    return f"<html><head>{meta}<title>{title}</title></head><body></body></html>".encode(encoding)


CASES = [
    # (id, content-type header, body bytes, expected title)
    ("utf-8, declared in header", "text/html; charset=utf-8", html("", TITLE, "utf-8"), TITLE),
    ("utf-8, undeclared", "text/html", html("", TITLE, "utf-8"), TITLE),
    ("cp1252 bytes, undeclared", "text/html", html("", TITLE, "cp1252"), TITLE),
    ("cp1252 bytes, header says utf-8", "text/html; charset=UTF-8", html("", TITLE, "cp1252"), TITLE),
    ("cp1252 bytes, meta says utf-8", "text/html", html('<meta charset="utf-8">', TITLE, "cp1252"), TITLE),
    (
        "utf-8 bytes, meta lies iso-8859-1",
        "text/html",
        html('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">', TITLE, "utf-8"),
        TITLE,
    ),
    ("utf-8 bytes, meta lies windows-1252", "text/html", html("<meta charset=windows-1252>", TITLE, "utf-8"), TITLE),
    ("utf-8 bytes, header lies latin1", "text/html; charset=ISO-8859-1", html("", TITLE, "utf-8"), TITLE),
    ("latin-1 label means cp1252 quotes", "text/html; charset=iso-8859-1", html("", TITLE, "cp1252"), TITLE),
    (
        "honest meta windows-1251",
        "text/html",
        html('<meta charset="windows-1251">', "Инженер данных", "cp1251"),
        "Инженер данных",
    ),
    (
        "honest header shift_jis",
        "text/html; charset=Shift_JIS",
        html("", "データエンジニア", "shift_jis"),
        "データエンジニア",
    ),
    ("unknown charset label", "text/html; charset=x-bogus", html("", TITLE, "utf-8"), TITLE),
    ("utf-8 BOM", "text/html; charset=windows-1252", b"\xef\xbb\xbf" + html("", TITLE, "utf-8"), TITLE),
    ("utf-16 BOM", "text/html", html("", TITLE, "utf-16"), TITLE),
    ("stray cp1252 byte in a utf-8 page", "text/html", "Café – ".encode() + b"Caf\xe9", "Café – Café"),
    ("undefined cp1252 byte", "text/html", b"Caf\xe9 \x81", "Café \ufffd"),
    (
        "json with a meta string inside",
        "application/json",
        '{"t": "<meta charset=latin1> é"}'.encode(),
        '{"t": "<meta charset=latin1> é"}',
    ),
    (
        "xml declaration",
        "application/rss+xml",
        '<?xml version="1.0" encoding="windows-1251"?><t>Инженер</t>'.encode("cp1251"),
        '<?xml version="1.0" encoding="windows-1251"?><t>Инженер</t>',
    ),
]


def _title(text: str) -> str:
    if "<title>" not in text:
        return text
    return text.split("<title>", 1)[1].split("</title>", 1)[0]


@pytest.mark.parametrize(
    ("content_type", "body", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_page_text(content_type: str, body: bytes, expected: str) -> None:
    page = Page("https://x.example/", 200, {"content-type": content_type}, body, datetime(2026, 1, 1, tzinfo=UTC))

    text = page.text

    assert _title(text) == expected
    assert not any(0x80 <= ord(char) <= 0x9F for char in text)  # no C1 controls from a wrong guess


@pytest.mark.parametrize(
    ("content_type", "body", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_fetched_page_carries_the_sniffed_encoding(
    router: respx.MockRouter, make_fetcher: MakeFetcher, content_type: str, body: bytes, expected: str
) -> None:
    router.get("https://x.example/").mock(
        return_value=httpx.Response(200, headers={"Content-Type": content_type}, content=body)
    )

    page = make_fetcher().get("https://x.example/")

    assert page.encoding == sniff_encoding(body, content_type)
    assert _title(page.text) == expected


@pytest.mark.parametrize(
    ("content_type", "head", "expected"),
    [
        ("text/html; charset=UTF-8", b"", ["utf-8"]),
        ('text/html; charset="windows-1252"', b"", ["cp1252"]),
        ("text/html", b'<meta charset="utf-8">', ["utf-8"]),
        ("text/html", b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=EUC-JP'>", ["euc_jp"]),
        ("text/html; charset=utf-8", b"<meta charset=utf-8>", ["utf-8"]),
        ("text/html", b"<!-- " + b"x" * 5000 + b' --><meta charset="cp1251">', []),
        ("text/html; charset=utf-7", b"", []),
        (None, b"<?xml version='1.0' encoding='ISO-8859-1'?>", ["cp1252"]),
    ],
    ids=["header", "quoted header", "meta", "http-equiv", "duplicate", "meta beyond prescan", "utf-7 refused", "xml"],
)
def test_declared_charsets(content_type: str | None, head: bytes, expected: list[str]) -> None:
    assert declared_charsets(head, content_type) == expected


def test_decode_text_never_raises_on_any_byte() -> None:
    every_byte = bytes(range(256))
    for encoding in ["utf-8", "cp1252", "shift_jis", "utf-16", "no-such-codec"]:
        assert isinstance(decode_text(every_byte, encoding), str)
