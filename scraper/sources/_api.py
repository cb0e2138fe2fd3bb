"""Helpers shared by the JSON API adapters (greenhouse, lever, ashby, recruitee, json-api and the list/detail
kinds): the endpoint rule, decoding a page as JSON, a board's list and its items read one by one, loosely typed
fields. Pure; no I/O and no interpretation of values.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

import orjson

from models.records import RawPosting
from scraper.errors import ParseError
from scraper.fetching import Page
from scraper.sources_file.schema import is_bare_host

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_BOM = b"\xef\xbb\xbf"


# --- configuration -------------------------------------------------------------------------------


def board_endpoint(url: str, board: str | None, path: str, query: Mapping[str, str]) -> str:
    """The URL a board source fetches.

    The rule: when `board` is set and `url` is a bare host (no path, or just "/", and no query), the board's
    standard endpoint is built on that host: `path` (with `{board}` filled in) plus `query`. That covers the
    public API host, an EU host (`https://api.eu.lever.co`) and a local mirror alike. Otherwise `url` is the
    complete endpoint and is used as is (`url` overrides `board`). The schema has refused a bare host with
    no board (KindOptions.of).

    >>> board_endpoint("https://api.lever.co", "acme", "/v0/postings/{board}", {"mode": "json"})
    'https://api.lever.co/v0/postings/acme?mode=json'
    """
    if board is None or not is_bare_host(url):
        return url
    parts = urlsplit(url)
    built_path = path.format(board=quote(board, safe=""))
    return urlunsplit((parts.scheme, parts.netloc, built_path, urlencode(query), ""))


def with_query(url: str, params: Mapping[str, str], *, keep: Iterable[str] = ()) -> str:
    """`url` with `params` set in its query; a key named in `keep` that the URL already has is left as given."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in pairs}
    kept = set(keep) & present
    pairs = [(key, value) for key, value in pairs if key in kept or key not in params]
    pairs += [(key, value) for key, value in params.items() if key not in kept]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs), parts.fragment))


# --- pages -----------------------------------------------------------------------------------------


def load_json(page: Page) -> Any:
    """The page body as JSON; ParseError for an HTML page, an empty body or anything that is not JSON."""
    body = page.content.lstrip().removeprefix(_BOM).lstrip()
    if "html" in page.content_type or body[:1] == b"<":
        match = _TITLE.search(body[:4096])
        title = html.unescape(match.group(1).decode("utf-8", "replace")).strip() if match else ""
        what = f"an HTML page ({title!r})" if title else "an HTML page"
        raise ParseError(f"{page.url}: expected JSON, got {what}", url=page.url)
    if not body:
        raise ParseError(f"{page.url}: expected JSON, got an empty body", url=page.url)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    # JSON must be UTF-8, but a stray byte should cost one string, not the whole board.
    text = body.decode("utf-8", errors="replace")
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        error = exc
    # orjson refuses an escaped lone surrogate ("\ud83d", half an emoji) and a NaN, failing the whole board
    # for one string; the standard reader keeps them, and the text policy (models/text.py) cleans both.
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the reader goes
        raise ParseError(f"{page.url}: expected JSON, got something else ({error})", url=page.url) from None


def describe(document: Any) -> str:
    """A short description of an unexpected document for an error message: `{}`, `[]`, `an object with keys ...`."""
    if isinstance(document, dict):
        if not document:
            return "{}"
        keys = ", ".join(repr(key) for key in list(document)[:5])
        return f"an object with keys {keys}"
    if isinstance(document, list):
        return "[]" if not document else f"a list of {len(document)}"
    return f"a JSON {type(document).__name__}"


def json_board(page: Page, key: str, name: str) -> list[Any]:
    """The list under `key` of a board's JSON page; ParseError when the page is not that, naming what was expected
    ("expected a Greenhouse board {'jobs': [...]}, got {}")."""
    document = load_json(page)
    items = document.get(key) if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise ParseError(f"{page.url}: expected {name} {{{key!r}: [...]}}, got {describe(document)}", url=page.url)
    return items


def each_posting(
    page: Page,
    items: list[Any],
    read: Callable[[dict[str, Any], Page], RawPosting],
    *,
    what: str,
    start: int = 0,
    shown: Callable[[dict[str, Any]], bool] | None = None,
) -> Iterator[RawPosting | ParseError]:
    """Each item from `start` on read as a posting; one that is not an object or cannot be read is yielded as its
    ParseError (a skipped card, named by position and id); `shown` False leaves out an item that is not public.
    `what` names an item in the error: "a job" -> "item #5: a job is a JSON NoneType, expected an object"."""
    for index, item in enumerate(items[start:], start=start):
        if isinstance(item, dict) and shown is not None and not shown(item):
            continue
        try:
            if not isinstance(item, dict):
                raise ParseError(f"{what} is a JSON {type(item).__name__}, expected an object")
            yield read(item, page)
        except ParseError as exc:
            yield item_error(page, index, item, exc)


def require_jobs(page: Page, jobs: list[Any], allow_empty: bool) -> None:
    """An empty job list is an outage or a block far more often than a board with no openings: refuse it."""
    if not jobs and not allow_empty:
        raise ParseError(
            f"{page.url}: the board lists no jobs; if that is real, set allow_empty = true for this source",
            url=page.url,
        )


def item_error(page: Page, index: int, item: Any, error: ParseError) -> ParseError:
    """A per-item ParseError naming the page, the position and the item's id when it has one."""
    ident = item.get("id") if isinstance(item, dict) else None
    label = f"item #{index}" + (f" (id {ident!r})" if isinstance(ident, str | int) else "")
    return ParseError(f"{page.url}: {label}: {error}", url=page.url)


# --- fields ----------------------------------------------------------------------------------------


def as_text(value: Any, what: str) -> str | None:
    """A JSON scalar as trimmed text (`true`/`false` as JSON spells them); None for null or blank.

    An object or a list where text was expected is not a posting of the expected shape: ParseError.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float):
        return str(value)
    raise ParseError(f"{what!r} is a JSON {type(value).__name__}, expected text")


def text(item: Mapping[str, Any], key: str) -> str | None:
    return as_text(item.get(key), key)


def mapping(value: Any) -> Mapping[str, Any]:
    """An optional nested object: `{}` when it is absent, null or of another type (tolerant by design)."""
    return value if isinstance(value, dict) else {}


def text_list(value: Any, what: str, *, key: str | None = None) -> list[str]:
    """Text from a list of strings, or of objects whose `key` holds the text (Lever `[{"text": ...}]`).

    A single string stands for a list of one; null for none.
    """
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    found: list[str] = []
    for entry in value:
        if key is not None and isinstance(entry, dict):
            entry = entry.get(key)
        item = as_text(entry, what)
        if item is not None:
            found.append(item)
    return found


def unique(values: Iterable[str | None]) -> tuple[str, ...]:
    """The values in order of first appearance, without None and repeats."""
    return tuple(dict.fromkeys(value for value in values if value))


def absolute_url(value: str | None, base: str) -> str | None:
    """`value` resolved against the page URL; None unless the result is http(s) (a `javascript:` link is no URL)."""
    if value is None:
        return None
    url = urljoin(base, value)
    return url if urlsplit(url).scheme in ("http", "https") else None


def html_from_plain(plain: str | None) -> str | None:
    """Plain text as minimal HTML, for items that carry only a plain-text description."""
    if plain is None:
        return None
    return "<p>" + html.escape(plain).replace("\n", "<br>") + "</p>"
