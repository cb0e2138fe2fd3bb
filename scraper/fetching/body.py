"""Reading a response body within the size cap and the exchange's deadline, decompressing as it streams.

Counts and bounds bytes; it does not interpret them (charset decoding is in `charset.py`).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator

import httpx

from scraper.errors import DeadlineExceeded, FetchError, ResponseTooLarge, TruncatedBody, UnsupportedEncoding

# Decompressed output is produced at most this much at a time, so a gzip bomb costs one piece
# of memory beyond the cap, not the ~1000x expansion of a whole network chunk.
OUTPUT_PIECE_BYTES = 64 * 1024
# The encodings we ask for in Accept-Encoding and decode ourselves with bounded output.
OWN_ENCODINGS = frozenset({"gzip", "x-gzip", "deflate"})
# Stacked layers beyond this are refused: no server needs them, and each costs a decoder's memory.
MAX_LAYERS = 3
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

    Every Content-Encoding layer (`gzip, gzip` is two) is undone by our own inflater, whose output
    comes in pieces of at most OUTPUT_PIECE_BYTES, so the memory of a fetch stays near the cap
    whatever the expansion. An encoding we did not ask for (br, zstd, compress), or more than
    MAX_LAYERS layers, is refused with UnsupportedEncoding before a byte of the body is read.

    Raises ResponseTooLarge as soon as the declared length or the decoded bytes pass `max_bytes`,
    DeadlineExceeded when `clock()` passes `deadline_at` between chunks (the transport bounds each
    wait by the same deadline), TruncatedBody when fewer bytes arrive than Content-Length said.
    """
    url = str(response.request.url)
    declared = declared_length(response)
    if declared is not None and declared > max_bytes:
        raise ResponseTooLarge(f"{url}: Content-Length {declared} is over the {max_bytes}-byte cap", url=url)
    encodings = content_encodings(response)
    refused = [encoding for encoding in encodings if encoding not in OWN_ENCODINGS]
    if refused:
        raise UnsupportedEncoding(
            f"{url}: Content-Encoding {', '.join(refused)} was not asked for (we accept gzip and deflate)", url=url
        )
    if len(encodings) > MAX_LAYERS:
        raise UnsupportedEncoding(
            f"{url}: {len(encodings)} stacked Content-Encodings ({', '.join(encodings)}); at most {MAX_LAYERS}",
            url=url,
        )
    # The outermost layer is the last one listed (RFC 9110 section 8.4): undo the list backwards.
    inflaters = [_Inflater(encoding) for encoding in reversed(encodings)]
    parts: list[bytes] = []
    size = 0

    def take(piece: bytes) -> None:
        nonlocal size
        size += len(piece)
        if size > max_bytes:
            raise ResponseTooLarge(f"{url}: body passed the {max_bytes}-byte cap while streaming", url=url)
        parts.append(piece)

    try:
        for chunk in response.iter_raw():
            for piece in _through(inflaters, chunk):
                take(piece)
            if clock() > deadline_at:
                raise DeadlineExceeded(f"{url}: body still arriving when the deadline passed", url=url)
        for piece in _finish(inflaters):
            take(piece)
    except zlib.error as exc:
        raise FetchError(f"{url}: body is not valid {', '.join(encodings)}: {exc}", url=url) from exc
    received = response.num_bytes_downloaded
    if declared is not None and received < declared:
        raise TruncatedBody(f"{url}: connection ended after {received} of {declared} bytes", url=url)
    return b"".join(parts), received


def _through(inflaters: list[_Inflater], data: bytes) -> Iterator[bytes]:
    """`data` passed through every layer, outermost first; each layer's pieces are bounded, so are the results."""
    if not inflaters:
        if data:
            yield data
        return
    first, rest = inflaters[0], inflaters[1:]
    for piece in first.feed(data):
        yield from _through(rest, piece)


def _finish(inflaters: list[_Inflater]) -> Iterator[bytes]:
    """Flush each layer in turn, outermost first, pushing what it held through the layers inside it."""
    for index, inflater in enumerate(inflaters):
        for piece in inflater.finish():
            yield from _through(inflaters[index + 1 :], piece)
