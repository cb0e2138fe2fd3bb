"""Every posting from an ATS source names its company (DESIGN.md section 9): the source's `company` key, else
the name the API states, else the board slug made readable. Pure; shared by every ATS adapter.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from scraper.config import SourceConfig
from scraper.sources_file.schema import KIND_OPTIONS

_SEPARATORS = re.compile(r"[-_.+\s]+")


def readable_slug(slug: str) -> str:
    """A board slug as a company name: words split on `-`, `_`, `.`, each capitalised, inner case kept.

    A Workday board `"tenant/site"` names its tenant.

    >>> readable_slug("orbital")
    'Orbital'
    >>> readable_slug("acme-labs")
    'Acme Labs'
    >>> readable_slug("LumenLabs")
    'LumenLabs'
    >>> readable_slug("acme/External_Careers")
    'Acme'
    """
    head = slug.strip().split("/", 1)[0]
    words = [word for word in _SEPARATORS.split(head) if word]
    return " ".join(word[:1].upper() + word[1:] for word in words) or slug.strip()


def board_in_url(url: str, endpoint_path: str) -> str | None:
    """The `{board}` segment of `url` when its path follows `endpoint_path` ("/v0/postings/{board}"); else None.

    >>> board_in_url("https://api.lever.co/v0/postings/acme-labs?mode=json", "/v0/postings/{board}")
    'acme-labs'
    >>> board_in_url("https://example.com/feed", "/v0/postings/{board}") is None
    True
    """
    prefix = endpoint_path.partition("{board}")[0]
    path = urlsplit(url).path
    if not prefix or not path.startswith(prefix):
        return None
    segment = path[len(prefix) :].split("/", 1)[0]
    return unquote(segment).strip() or None


def slug_company(config: SourceConfig, endpoint_path: str | None = None) -> str:
    """The board slug made readable: the `board` key, else the board in a full endpoint `url`, else the source name.

    Never empty: a source name is always set, so an ATS posting always names some company.
    """
    board = _typed(config, "board")
    if board is None and endpoint_path is not None:
        board = board_in_url(config.url, endpoint_path)
    return readable_slug(board or config.name)


def company_name(config: SourceConfig, stated: str | None = None, *, endpoint_path: str | None = None) -> str:
    """The company of a posting from an ATS whose format names none, or names only the account:
    the `company` key, else `stated` (the account/board name the API gives), else the readable slug.
    """
    return _typed(config, "company") or stated or slug_company(config, endpoint_path)


def _typed(config: SourceConfig, key: str) -> str | None:
    """An ATS source's `board` or `company` as its kind's schema reads it (checked, stripped)."""
    value = getattr(KIND_OPTIONS[config.kind].of(config), key, None)
    return value if isinstance(value, str) else None
