"""Conditional GET validators (ETag, Last-Modified) remembered per URL.

An in-memory store the pipeline persists between runs through `as_dict`/`from_dict`; no I/O here.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, TypedDict


class Validators(TypedDict):
    etag: str | None
    last_modified: str | None


class ValidatorStore:
    """url -> {"etag", "last_modified"}; thread-safe. A URL with neither validator is not kept."""

    def __init__(self, entries: Mapping[str, Validators] | None = None) -> None:
        self._entries: dict[str, Validators] = {}
        self._lock = threading.Lock()
        for url, validators in (entries or {}).items():
            self.set(url, validators.get("etag"), validators.get("last_modified"))

    def get(self, url: str) -> Validators | None:
        with self._lock:
            found = self._entries.get(url)
            return Validators(etag=found["etag"], last_modified=found["last_modified"]) if found else None

    def set(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._lock:
            if etag or last_modified:
                self._entries[url] = Validators(etag=etag or None, last_modified=last_modified or None)
            else:
                # A response without validators makes the old ones meaningless.
                self._entries.pop(url, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, url: object) -> bool:
        with self._lock:
            return url in self._entries

    def as_dict(self) -> dict[str, Validators]:
        with self._lock:
            return {
                url: Validators(etag=v["etag"], last_modified=v["last_modified"]) for url, v in self._entries.items()
            }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ValidatorStore:
        """Rebuild from `as_dict()` output (e.g. read back from the database); malformed entries are skipped."""
        store = cls()
        for url, value in data.items():
            if not isinstance(url, str) or not isinstance(value, Mapping):
                continue
            etag, last_modified = value.get("etag"), value.get("last_modified")
            store.set(
                url,
                etag if isinstance(etag, str) else None,
                last_modified if isinstance(last_modified, str) else None,
            )
        return store


def conditional_headers(validators: Validators | None) -> dict[str, str]:
    """The request headers that make a GET conditional on the stored validators.

    >>> conditional_headers({"etag": '"v1"', "last_modified": None})
    {'If-None-Match': '"v1"'}
    >>> conditional_headers(None)
    {}
    """
    if validators is None:
        return {}
    headers: dict[str, str] = {}
    if validators["etag"]:
        headers["If-None-Match"] = validators["etag"]
    if validators["last_modified"]:
        headers["If-Modified-Since"] = validators["last_modified"]
    return headers
