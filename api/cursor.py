"""The opaque keyset cursor of newest-first lists: (first_seen, id) of the last row of a page.

Encoding only; a cursor that this module did not issue is refused with InvalidCursor, never guessed at.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta

_PREFIX = "v1."
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_ID = 2**63 - 1


class InvalidCursor(ValueError):
    """The cursor was not issued by this API (or was altered)."""


def encode_cursor(first_seen: datetime, posting_id: int) -> str:
    """The cursor that continues after the row (first_seen, posting_id).

    >>> encode_cursor(datetime(2026, 11, 29, 10, 0, tzinfo=UTC), 42)
    'djEuMTc5NTk0NjQwMDAwMDAwMC40Mg'
    """
    micros = (first_seen - _EPOCH) // timedelta(microseconds=1)
    raw = f"{_PREFIX}{micros}.{posting_id}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """(first_seen, id) from a cursor of `encode_cursor`; InvalidCursor for anything else.

    >>> decode_cursor(encode_cursor(datetime(2026, 11, 29, 10, 0, tzinfo=UTC), 42))
    (datetime.datetime(2026, 11, 29, 10, 0, tzinfo=datetime.timezone.utc), 42)
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidCursor("cursor is not one this API issued: pass next_cursor from a previous page") from exc
    if not raw.startswith(_PREFIX):
        raise InvalidCursor("cursor is not one this API issued: pass next_cursor from a previous page")
    parts = raw[len(_PREFIX) :].split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise InvalidCursor("cursor is not one this API issued: pass next_cursor from a previous page")
    micros, posting_id = int(parts[0]), int(parts[1])
    try:
        first_seen = _EPOCH + timedelta(microseconds=micros)
    except OverflowError as exc:
        raise InvalidCursor("cursor is out of range: pass next_cursor from a previous page") from exc
    if posting_id > _MAX_ID or first_seen.year > 9000:
        raise InvalidCursor("cursor is out of range: pass next_cursor from a previous page")
    return first_seen, posting_id
