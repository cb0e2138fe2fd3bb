"""Write transactions that serialize where they must, on PostgreSQL and on SQLite alike.

No business rules here: only how a transaction begins and what it locks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, func, select, text

from models.tables import Source

# One advisory lock for every transaction that rewrites postings across sources (dedup pointers,
# outlier flags). Each takes it first, so two never hold row locks the other waits for (no deadlock);
# a batch holds it for milliseconds.
POSTINGS_LOCK_KEY = 0x6A6F6266  # "jobf"


def is_postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def _begin_sqlite_write(connection: Connection) -> None:
    # pysqlite opens its transaction lazily, at the first INSERT/UPDATE/DELETE, so reads before it
    # would see no transaction at all. A no-op UPDATE begins it and takes the database's write lock now.
    connection.execute(text("UPDATE sources SET name = name WHERE 0"))


@contextmanager
def postings_transaction(engine: Engine, *, flush_at_commit: bool = True) -> Iterator[Connection]:
    """A transaction that holds the postings write lock from its first statement to its commit.

    On PostgreSQL it also turns JIT compilation off for the transaction: a batch's per-key lookups can be
    estimated costly enough to trigger it (measured: 450 ms of compiling for 7 ms of work before a growing
    table was first analyzed). Without `flush_at_commit` its commit does not wait for the WAL flush
    (synchronous_commit off): a run's batches are made durable by the run's own synchronous commits after
    them (closing, the finished run record), since WAL is flushed in order; a crash of the server in between
    loses at most the last few hundred milliseconds of batches of a run that is then unfinished anyway.
    """
    with engine.begin() as connection:
        if is_postgres(connection):
            settings = [func.set_config("jit", "off", True)]
            if not flush_at_commit:
                settings.append(func.set_config("synchronous_commit", "off", True))
            connection.execute(select(func.pg_advisory_xact_lock(POSTINGS_LOCK_KEY), *settings))
        else:
            _begin_sqlite_write(connection)
        yield connection


def lock_source(connection: Connection, source: str) -> bool:
    """Lock one `sources` row until the transaction ends (serializes run starts); False if no such source."""
    if is_postgres(connection):
        found = connection.execute(select(Source.name).where(Source.name == source).with_for_update()).first()
        return found is not None
    _begin_sqlite_write(connection)
    return connection.execute(select(Source.name).where(Source.name == source)).first() is not None


def lock_sources(connection: Connection, sources: Sequence[str]) -> list[str]:
    """Lock many `sources` rows until the transaction ends, in name order (two lockers never deadlock); the names
    found."""
    if is_postgres(connection):
        query = select(Source.name).where(Source.name.in_(list(sources))).order_by(Source.name).with_for_update()
        return list(connection.execute(query).scalars())
    _begin_sqlite_write(connection)
    return list(connection.execute(select(Source.name).where(Source.name.in_(list(sources)))).scalars())
