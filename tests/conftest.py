"""Test session: real PostgreSQL and SQLite databases built by running the migrations.

`engine` is parametrized over both backends (JOBFEED_TEST_BACKENDS=sqlite narrows it, for make test-fast).
`committing_engine` is for tests that must commit (pipeline,
scheduler): the tables are emptied after the test. PostgreSQL tests are skipped when no server answers, except under
CI=true, where they fail.
"""

from __future__ import annotations

import gc
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import tests.properties  # noqa: F401  (hypothesis's profile: fewer examples under make test-fast)

if TYPE_CHECKING:
    from sqlalchemy import Engine

# SQLAlchemy, alembic and the models are imported by the fixtures that use them, not here: under xdist the
# controlling process loads this file too, runs no test, and would spend 0.4 s importing them before it starts
# the workers.

SLOW_MODULE = re.compile(r"^pytestmark = pytest\.mark\.slow\b", re.MULTILINE)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Under `-m "not slow"` a module marked slow as a whole is not imported at all: its imports (a browser driver,
    schemathesis, the MCP client) would cost every worker of the fast loop a second for tests it deselects."""
    if config.option.markexpr != "not slow" or collection_path.suffix != ".py":
        return None
    if collection_path.name.startswith("test_") and SLOW_MODULE.search(collection_path.read_text(encoding="utf-8")):
        return True
    return None


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Iterator[object]:
    """Collection imports every test module and builds a large heap of long-lived objects (modules, parameters,
    strategies). The cyclic garbage collector is off meanwhile (it walked that growing heap ~580 times, about 1 s of
    each worker's start-up), and the heap is then frozen, which spares every collection during the run from walking
    it again (about 6% of its CPU). Frozen as it is: its garbage (~23,000 objects of pytest's own scaffolding, no
    file or socket) is kept, as freeing it took a full collection, 0.28 s of each worker's start-up.

    During the run the youngest generation is collected every 10,000 allocations rather than 700: a tenth as many
    collections, and half as many of the oldest generation (0.2-0.3 s of each worker's CPU)."""
    gc.disable()
    try:
        return (yield)
    finally:
        gc.freeze()
        gc.set_threshold(10_000, 10, 10)
        gc.enable()


POSTGRES_ONLY_FIXTURES = frozenset({"postgres_url", "pg_engine", "committing_pg_engine"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without PostgreSQL among the backends (make test-fast), the tests of PostgreSQL-only behaviour are
    deselected, as the PostgreSQL half of every database test is: the fast loop is the SQLite loop."""
    if "postgresql" in BACKENDS:
        return
    kept, dropped = [], []
    for item in items:
        uses = POSTGRES_ONLY_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        (dropped if uses else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


POSTGRES_ADMIN_URL = os.environ.get("JOBFEED_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# The backends the database tests run on: both unless told otherwise (make test-fast runs SQLite alone). `engine`
# is parametrized over them; a test of PostgreSQL-only behaviour (`pg_engine`, `committing_pg_engine`) is
# deselected when PostgreSQL is not among them.
BACKENDS = os.environ.get("JOBFEED_TEST_BACKENDS", "postgresql,sqlite").replace(" ", "").split(",")
if not BACKENDS or not set(BACKENDS) <= {"postgresql", "sqlite"}:
    raise ValueError(f"JOBFEED_TEST_BACKENDS={os.environ['JOBFEED_TEST_BACKENDS']!r}: name postgresql and/or sqlite")
if IN_CI and BACKENDS != ["postgresql", "sqlite"]:
    raise ValueError("CI=true runs every test on both backends: unset JOBFEED_TEST_BACKENDS")


def _postgres_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    from sqlalchemy import text

    from models.db import create_db_engine

    engine = create_db_engine(POSTGRES_ADMIN_URL, pool_pre_ping=False)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        return None
    except Exception as exc:  # any failure to connect means "no server here"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test process, dropped at the end."""
    problem = _postgres_available()
    if problem is not None:
        message = f"PostgreSQL at {POSTGRES_ADMIN_URL} is unreachable: {problem}"
        if IN_CI:
            pytest.fail(message + " (CI=true: PostgreSQL tests must not be skipped)")
        pytest.skip(message)
    from sqlalchemy import text

    from models.db import create_db_engine

    name = f"jobfeed_test_{uuid.uuid4().hex[:10]}"
    admin = create_db_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'jobfeed.db'}"


def _migrated_engine(url: str) -> Engine:
    from models import migrate
    from models.db import create_db_engine

    engine = create_db_engine(url)
    migrate.upgrade(engine)
    return engine


@pytest.fixture(scope="session")
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    engine = _migrated_engine(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = _migrated_engine(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest) -> Engine:
    """A migrated engine, once per backend (`JOBFEED_TEST_BACKENDS`)."""
    fixture = "pg_engine" if request.param == "postgresql" else "sqlite_engine"
    result: Engine = request.getfixturevalue(fixture)
    return result


def empty_tables(engine: Engine) -> None:
    from models.tables import Base

    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def committing_engine(engine: Engine) -> Iterator[Engine]:
    """The migrated engine for tests that commit for real; every table is emptied afterwards."""
    empty_tables(engine)
    yield engine
    empty_tables(engine)


@pytest.fixture
def committing_pg_engine(pg_engine: Engine) -> Iterator[Engine]:
    """As `committing_engine`, for a test of PostgreSQL-only behaviour (not parametrized, never skipped)."""
    empty_tables(pg_engine)
    yield pg_engine
    empty_tables(pg_engine)


@pytest.fixture
def fixtures_dir() -> Path:
    return Path(__file__).parent / "fixtures"


class FixtureServer:
    """A real HTTP server on 127.0.0.1 serving pages from a dict that tests may change between requests."""

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        from tests.serving import serving_thread

        self.pages: dict[str, tuple[str, bytes]] = {}
        self.statuses: dict[str, int] = {}  # path -> an error status to answer instead
        self.requests: list[str] = []
        self.bodies: list[bytes] = []  # the body of each POST, in order
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # a JSON query API (Workable, Workday) answers its POSTs like a GET
                server.bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                self.do_GET()

            def do_GET(self) -> None:
                server.requests.append(self.path)
                page = server.pages.get(self.path) or server.pages.get(self.path.split("?")[0])
                status = server.statuses.get(self.path, 404 if page is None else 200)
                if status != 200 or page is None:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(b"not found")
                    return
                content_type, body = page
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = serving_thread(self._httpd)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve(self, path: str, content_type: str, body: bytes | str) -> None:
        self.statuses.pop(path, None)
        self.pages[path] = (content_type, body.encode() if isinstance(body, str) else body)

    def fail(self, path: str, status: int) -> None:
        """Answer `path` (with its query) with an error status from now on."""
        self.statuses[path] = status

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def fixture_server() -> Iterator[FixtureServer]:
    server = FixtureServer()
    yield server
    server.close()
