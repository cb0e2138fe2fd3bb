"""Engine and session construction from a database URL, built where called, never at import."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, cast

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    import psycopg


def normalize_url(url: str) -> str:
    """Use psycopg 3 for a bare postgresql:// URL (SQLAlchemy would pick psycopg2, which we do not ship)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


# An integer of 19 digits or more may lie outside 64 bits, where orjson reads a float and json an int.
_LONG_INTEGER_TEXT, _LONG_INTEGER_BYTES = re.compile(r"\d{19}"), re.compile(rb"\d{19}")


def read_json(text: str | bytes) -> Any:
    """What `json.loads(text)` returns, read by orjson (several times faster: a page of postings reads six JSON
    columns a row) wherever the two agree; json reads what orjson refuses (NaN, lone surrogates, 1e400).

    >>> read_json(b'{"tags": ["Python"], "n": 12345678901234567890123}')
    {'tags': ['Python'], 'n': 12345678901234567890123}
    """
    long_integer = _LONG_INTEGER_TEXT.search(text) if isinstance(text, str) else _LONG_INTEGER_BYTES.search(text)
    if long_integer is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def create_db_engine(url: str, *, connections: int | None = None, **kwargs: Any) -> Engine:
    """An Engine for `url`; SQLite gets WAL, foreign keys and a busy timeout, PostgreSQL a pre-ping pool.

    `connections`: how many connections PostgreSQL's pool keeps open (its default, 5, makes a server busy with
    more concurrent requests than that open and close a connection per request)."""
    url = normalize_url(url)
    kwargs.setdefault("json_deserializer", read_json)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if connections is not None:
        kwargs.setdefault("pool_size", connections)
    # A prepared statement planned before an index existed keeps its slow plan (DESIGN.md section 8).
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("options", "-c plan_cache_mode=force_custom_plan")
    return create_engine(url, connect_args=connect_args, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def driver_connection(connection: Connection) -> psycopg.Connection[Any]:
    """The psycopg connection under a PostgreSQL `connection`, in its transaction (binary reads, COPY)."""
    return cast("psycopg.Connection[Any]", connection.connection.driver_connection)
