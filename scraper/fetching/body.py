"""Reading a response body within the size cap and the exchange's deadline, decompressing as it streams.

Counts and bounds bytes; it does not interpret them (charset decoding is in `charset.py`).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator

import httpx

from scraper.errors import DeadlineExceeded, FetchError, ResponseTooLarge, TruncatedBody

# Decompressed output is produced at most this much at a time, so a gzip bomb costs one piece
# of memory beyond the cap, not the ~1000x expansion of a whole network chunk.
OUTPUT_PIECE_BYTES = 64 * 1024
# The encodings we ask for in Accept-Encoding and decode ourselves with bounded output.
OWN_ENCODINGS = frozenset({"gzip", "x-gzip", "deflate"})
GZIP_MAGIC = b"\x1f\x8b"


class _Inflater:
    """Streaming gzip/deflate decoder whose output comes in pieces of bounded size."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._pending = b""  # deflate only: the first bytes, until the zlib header can be told apart
        self._inflate: zlib._Decompress | None = zlib.decompressobj(zlib.MAX_WBITS | 16) if self._gzip else None
        self._finished = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._inflate is None:
            self._pending += data
            if len(self._pending) < 2:
                return
            data, self._pending = self._pending, b""
            # "deflate" should be zlib-wrapped (RFC 9110) but some servers send a raw stream.
            zlib_wrapped = (data[0] & 0x0F) == 8 and ((data[0] << 8) | data[1]) % 31 == 0
            self._inflate = zlib.decompressobj(zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS)
        while data and not self._finished:
            piece = self._inflate.decompress(data, OUTPUT_PIECE_BYTES)
            if piece:
                yield piece
            if self._inflate.eof:
                data = self._inflate.unused_data
                # A gzip body may be several members back to back; anything else after the end is padding.
                if self._gzip and data.startswith(GZIP_MAGIC):
                    self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
                else:
                    self._finished = True
            else:
                data = self._inflate.unconsumed_tail

    def finish(self) -> Iterator[bytes]:
        if self._pending:
            yield from self.feed(b"")
        if self._inflate is not None and not self._finished:
            tail = self._inflate.flush()
            if tail:
                yield tail


def content_encodings(response: httpx.Response) -> list[str]:
    """The Content-Encoding layers applied to the body, outermost last, without `identity`."""
    header = response.headers.get("content-encoding", "")
    return [token for token in (part.strip().lower() for part in header.split(",")) if token and token != "identity"]


def declared_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def read_body(
    response: httpx.Response,
    *,
    max_bytes: int,
    deadline_at: float,
    clock: Callable[[], float],
) -> tuple[bytes, int]:
    """The decoded body and the number of bytes that came over the wire.

    Raises ResponseTooLarge as soon as the declared length or the decoded bytes pass `max_bytes`,
    DeadlineExceeded when `clock()` passes `deadline_at` between chunks (each wait for a chunk is
    bounded by the read timeout), TruncatedBody when fewer bytes arrive than Content-Length said.
    """
    url = str(response.request.url)
    declared = declared_length(response)
    if declared is not None and declared > max_bytes:
        raise ResponseTooLarge(f"{url}: Content-Length {declared} is over the {max_bytes}-byte cap", url=url)
    encodings = content_encodings(response)
    inflater = _Inflater(encodings[0]) if len(encodings) == 1 and encodings[0] in OWN_ENCODINGS else None
    # Encodings we did not ask for (br, zstd, stacked layers) go through httpx's decoders, whose
    # output per chunk is not bounded; the cap still stops the read after that chunk.
    chunks = response.iter_raw() if inflater is not None or not encodings else response.iter_bytes()
    parts: list[bytes] = []
    size = 0

    def take(piece: bytes) -> None:
        nonlocal size
        size += len(piece)
        if size > max_bytes:
            raise ResponseTooLarge(f"{url}: body passed the {max_bytes}-byte cap while streaming", url=url)
        parts.append(piece)

    try:
        for chunk in chunks:
            for piece in inflater.feed(chunk) if inflater is not None else (chunk,):
                take(piece)
            if clock() > deadline_at:
                raise DeadlineExceeded(f"{url}: body still arriving when the deadline passed", url=url)
        if inflater is not None:
            for piece in inflater.finish():
                take(piece)
    except zlib.error as exc:
        raise FetchError(f"{url}: body is not valid {encodings[0]}: {exc}", url=url) from exc
    except httpx.DecodingError as exc:
        raise FetchError(f"{url}: body could not be decoded ({', '.join(encodings)}): {exc}", url=url) from exc
    received = response.num_bytes_downloaded
    if declared is not None and received < declared:
        raise TruncatedBody(f"{url}: connection ended after {received} of {declared} bytes", url=url)
    return b"".join(parts), received
