"""schemathesis 4 against the app's own OpenAPI schema, every check on: no server error, no response outside
the schema, every schema-valid request accepted and every schema-invalid one refused with a documented status.

Bounded (few examples per operation and phase) and on SQLite, over a database seeded with a few postings.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from sqlalchemy import Engine

from api.app import create_app
from models.settings import Settings
from tests.api.conftest import ADMIN_TOKEN, BASE_TIME, add_posting, add_run, add_source
from tests.conftest import empty_tables

pytestmark = pytest.mark.slow  # thousands of generated requests

# The schema is read at collection from an app that never opens its database (the document does not depend on
# it), so each operation is a test item of its own that xdist can hand to any worker; the requests go to the
# seeded app of the `seeded_app` fixture. An explicit configuration, so that no schemathesis.toml lying around
# changes what runs: schemathesis 4's defaults are every built-in check, the examples, coverage and fuzzing
# phases, positive and negative data.
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    create_app(Settings(database_url="sqlite://", admin_token=ADMIN_TOKEN, rate_limit="off")),
    config=SchemathesisConfig(),
)


@pytest.fixture
def seeded_app(sqlite_engine: Engine) -> Iterator[FastAPI]:
    empty_tables(sqlite_engine)
    add_source(sqlite_engine, "alpha")
    add_run(sqlite_engine, "alpha", "succeeded")
    for hours in range(8):
        add_posting(sqlite_engine, first_seen=BASE_TIME - timedelta(hours=hours), annual_usd_mid=90_000.0 + hours)
    add_posting(
        sqlite_engine,
        salary_flagged=True,
        flagged=True,
        annual_usd_mid=1e9,
        flags=[{"code": "salary_implausible", "message": "too high"}],
    )
    url = sqlite_engine.url.render_as_string(hide_password=False)
    yield create_app(Settings(database_url=url, admin_token=ADMIN_TOKEN, rate_limit="off"), version_ttl_seconds=0)
    empty_tables(sqlite_engine)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case, seeded_app: FastAPI) -> None:
    case.call_and_validate(app=seeded_app)
