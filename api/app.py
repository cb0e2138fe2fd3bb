"""The FastAPI application factory: settings -> engine, session factory, cache, metrics, routers.

Nothing is built at import; `uvicorn.run("api.app:server_app", factory=True)` calls `server_app()`.
Must not import `scraper`: the database is the contract between the two.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.cache import ResponseCache
from api.docs import describe_choices, install_docs
from api.errors import install_error_handlers
from api.limits import LimitsMiddleware, document_limits, parse_rate_limit
from api.metrics import Metrics, MetricsMiddleware
from api.queries.pages import Pages
from api.routers import categories, dashboard, exports, feeds, health, jobs, outliers, salaries, searches, sources
from models.db import create_db_engine, session_factory
from models.flags import FLAG_CODES
from models.settings import Settings
from models.taxonomy import load_taxonomy

# Connections kept open for requests (from anyio's worker threads, up to 40 at once; 10 more are opened past
# these and closed after). 16 concurrent clients never open one per request, and several workers stay within
# PostgreSQL's default of 100 connections.
KEPT_CONNECTIONS = 20
# The async pool of job pages and feeds on PostgreSQL (api/queries/pages.py): one event loop needs few
# connections, and fewer backends contend less for two cores and the buffer cache.
PAGE_CONNECTIONS = 8
DESCRIPTION = (
    "Job postings gathered from job boards, by role category: filtered lists, feeds (RSS, Atom, JSON Feed), "
    "salary statistics and their history, the outliers validation caught, and the health of each source."
)


def settle() -> None:
    """Collect the garbage of start-up once, then freeze what is left out of every later collection.

    A server starts with ~150,000 objects (routes, schemas, the taxonomy) that live as long as it does; each
    full collection walked them all, a 100-230 ms pause in whatever request it fell on (seen as one cold
    /salaries?since= at 330 ms where its neighbours took 35 ms).
    """
    gc.collect()
    gc.freeze()


def server_app() -> FastAPI:
    """The app a server runs (`jobfeed api`): `create_app` whose heap is settled once it has started."""
    return create_app(settle_heap=True)


def create_app(
    settings: Settings | None = None, *, version_ttl_seconds: float = 1.0, settle_heap: bool = False
) -> FastAPI:
    """The API over `settings.database_url` (from the environment when `settings` is None).

    Responses are cached by data version; the version is re-read at most every `version_ttl_seconds`
    (0 re-reads it on every request, for tests that write between requests). `settle_heap` freezes the heap
    when the app starts (`settle`): for a server's one app, not for a process that builds many (tests).
    """
    settings = settings or Settings()
    taxonomy = load_taxonomy(settings.taxonomy)
    engine = create_db_engine(settings.database_url, connections=KEPT_CONNECTIONS)
    sessions = session_factory(engine)
    metrics = Metrics(sessions)
    cache = ResponseCache(version_ttl_seconds=version_ttl_seconds)

    # PostgreSQL: job pages and feeds read on an async pool, opened here on the server's event loop (an app
    # whose lifespan never runs, a TestClient outside `with`, keeps the generic path in a thread).
    pages = Pages(engine, connections=PAGE_CONNECTIONS) if engine.dialect.name == "postgresql" else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if pages is not None:
            await pages.pool.open()
            app.state.pages = pages
        if settle_heap:
            settle()
        try:
            yield
        finally:
            app.state.pages = None
            if pages is not None:
                await pages.pool.close()
            cache.close()
            engine.dispose()

    app = FastAPI(
        title="jobfeed", version="1", description=DESCRIPTION, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    install_docs(app)  # /docs and /redoc from packaged assets: they work offline
    choices = {"category": [category.slug for category in taxonomy], "code": FLAG_CODES}
    describe_choices(app, choices, bodies=["SearchFilters"])
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = sessions
    # Cached renders only read: each statement is its own transaction, with no BEGIN and ROLLBACK round trips
    # around it (one statement per page, so a page still reads one snapshot).
    app.state.read_sessions = session_factory(engine.execution_options(isolation_level="AUTOCOMMIT"))
    app.state.taxonomy = taxonomy
    app.state.pages = None
    app.state.cache = cache
    app.state.metrics = metrics
    install_error_handlers(app)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    # Added last, so outermost: a refused request costs no routing, no session, no metrics label.
    rate_limit = parse_rate_limit(settings.rate_limit)
    app.add_middleware(LimitsMiddleware, rate_limit=rate_limit)
    document_limits(app, rate_limit)
    # The routers' own routes, not include_router: FastAPI builds each route (its parameters' validators, its
    # handler) when the router module declares it; include_router builds every route of a router again, for each
    # app, on the app's first request that reaches it (up to 40 ms of CPU a test app). The schema and the answers
    # are the same, and the routes hold nothing of an app: endpoints reach it through the request.
    for module in (exports, jobs, categories, salaries, outliers, sources, searches, feeds, health, dashboard):
        app.router.routes.extend(module.router.routes)
    return app
