"""`Page`, one fetched response as sources see it: URL, status, headers, bytes and their text.

A value object; how it was fetched is the fetcher's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scraper.fetching.charset import decode_text, sniff_encoding


@dataclass(frozen=True, slots=True)
class Page:
    """One fetched response. `not_modified` is a 304 to a conditional GET: unchanged, not empty.

    `headers` have lower-case keys. `encoding` is the codec `text` decodes with; None lets `text`
    work it out from the bytes and the Content-Type (see `charset.sniff_encoding`).
    """

    url: str
    status: int
    headers: dict[str, str]
    content: bytes
    fetched_at: datetime
    not_modified: bool = False
    encoding: str | None = None
    requested_url: str | None = None  # the URL asked for, when redirects led to `url`

    @property
    def text(self) -> str:
        return decode_text(
            self.content, self.encoding or sniff_encoding(self.content, self.headers.get("content-type"))
        )

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()
