"""The keyset cursor of newest-first lists: (first_seen, id) of the last row of a page.

Encoding only. Its shape is CURSOR_PATTERN (models/schemas.py), which the OpenAPI schema states and request
validation enforces; every cursor of that shape is a position in the list, so none is refused once it is read.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from models.schemas import CURSOR_PATTERN

_SHAPE = re.compile(CURSOR_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_MIN_MICROS = (datetime.min.replace(tzinfo=UTC) - _EPOCH) // _MICROSECOND
_MAX_MICROS = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _MICROSECOND
_MAX_ID = 2**63 - 1


class InvalidCursor(ValueError):
    """The text does not have the shape of a cursor."""


def encode_cursor(first_seen: datetime, posting_id: int) -> str:
    """The cursor that continues after the row (first_seen, posting_id).

    >>> encode_cursor(datetime(2026, 11, 29, 10, 0, tzinfo=UTC), 42)
    '1795946400000000.42'
    """
    return f"{(first_seen - _EPOCH) // _MICROSECOND}.{posting_id}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """(first_seen, id) from a cursor; InvalidCursor for text of another shape.

    A position past the representable instants or ids stands at the nearest one: the list continues from there.

    >>> decode_cursor(encode_cursor(datetime(2026, 11, 29, 10, 0, tzinfo=UTC), 42))
    (datetime.datetime(2026, 11, 29, 10, 0, tzinfo=datetime.timezone.utc), 42)
    >>> decode_cursor("999999999999999999.9999999999999999999")
    (datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.timezone.utc), 9223372036854775807)
    """
    if not _SHAPE.fullmatch(cursor):
        raise InvalidCursor("cursor is not one this API issued: pass next_cursor from a previous page")
    micros, posting_id = cursor.split(".")
    first_seen = _EPOCH + min(max(int(micros), _MIN_MICROS), _MAX_MICROS) * _MICROSECOND
    return first_seen, min(int(posting_id), _MAX_ID)
