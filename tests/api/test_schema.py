"""schemathesis against the app's own OpenAPI schema: no server error, no response outside the schema.

Bounded (few examples per operation) and on SQLite, over a database seeded with a few postings.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import hypothesis_jsonschema._from_schema as jsonschema_strategies
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis.internal.conjecture import utils as conjecture_utils
from sqlalchemy import Engine

from api.app import create_app
from models.settings import Settings
from tests.api.conftest import ADMIN_TOKEN, BASE_TIME, add_posting, add_run, add_source
from tests.conftest import empty_tables

pytestmark = pytest.mark.slow  # thousands of generated requests


class _LegacyMany:
    """`many(...).more()` as hypothesis-jsonschema 0.23 calls it, over the iterator protocol that newer
    Hypothesis (6.150+) gives `many`. Without it every object schema (query models) fails to generate."""

    def __init__(self, data: Any, min_size: int, max_size: float, average_size: float) -> None:
        self._many = conjecture_utils.many(data, min_size=min_size, max_size=max_size, average_size=average_size)
        self._many.__enter__()
        self._elements = iter(self._many)

    def more(self) -> bool:
        try:
            next(self._elements)
        except StopIteration:
            self._many.__exit__(None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


if not hasattr(conjecture_utils.many, "more"):
    # patch only hypothesis-jsonschema's view of the module; Hypothesis itself keeps its own `many`
    jsonschema_strategies.cu = types.SimpleNamespace(**{**vars(conjecture_utils), "many": _LegacyMany})


@pytest.fixture
def api_schema(sqlite_engine: Engine) -> Iterator[schemathesis.BaseSchema]:
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
    app = create_app(Settings(database_url=url, admin_token=ADMIN_TOKEN, rate_limit="off"), version_ttl_seconds=0)
    # schemathesis 3 supports OpenAPI 3.1 (FastAPI's output) only when told to read it as 3.0
    yield schemathesis.from_asgi("/openapi.json", app, force_schema_version="30")
    empty_tables(sqlite_engine)


schema = schemathesis.from_pytest_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate()
