"""Start-up checks the commands run before any work, each failing as one line a user can act on: the database
URL's kind, a SQLite file that must already exist, a port already in use."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SUPPORTED_BACKENDS = ("postgresql", "sqlite")


class StartupError(Exception):
    """A start-up check failed; the message is one line saying what to change."""


def check_database_url(url: str) -> None:
    """StartupError unless `url` is a PostgreSQL or SQLite URL.

    >>> check_database_url("postgresql://u@db/jobs"); check_database_url("sqlite:///./jobfeed.db")
    >>> check_database_url("mysql://u@db/jobs")
    Traceback (most recent call last):
    ...
    scraper.startup.StartupError: database URL 'mysql://u@db/jobs' is not supported: use postgresql://... or sqlite:///FILE
    """
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise StartupError(f"database URL {url!r} is not a database URL") from None
    if backend not in SUPPORTED_BACKENDS:
        raise StartupError(f"database URL {url!r} is not supported: use postgresql://... or sqlite:///FILE")


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for another backend or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.query.get("uri") == "true" and parsed.database.startswith("file:"):
        return Path(parsed.database.removeprefix("file:"))  # sqlite:///file:PATH?mode=ro&uri=true
    return Path(parsed.database)


def require_existing_sqlite(url: str) -> None:
    """StartupError when `url` names a SQLite file that does not exist (connecting would create it empty)."""
    path = sqlite_file(url)
    if path is not None and not path.exists():
        raise StartupError(
            f"no database at {path}: run 'jobfeed db upgrade' (or 'jobfeed run') first, "
            "or point JOBFEED_DATABASE_URL at an existing one"
        )


def check_port_free(host: str, port: int) -> None:
    """StartupError when nothing can listen on host:port (in use, or not ours to bind)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        raise StartupError(f"cannot listen on {host}: {exc.strerror or exc}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise StartupError(
                    f"port {port} on {host} is already in use: stop the other server or pass --port"
                ) from None
            raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
