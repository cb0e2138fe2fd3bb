"""/api/v1/sources, the admin run request (401/403/404/409), /healthz and /metrics."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from api.app import create_app
from models.settings import Settings
from models.tables import Source
from tests.api.conftest import ADMIN_TOKEN, add_posting, add_run, app_for, settings_for

RUN_URL = "/api/v1/sources/alpha/run"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_sources_show_their_newest_run(db: Engine, client: TestClient) -> None:
    add_run(db, "alpha", "failed", minutes_ago=60, error="old failure")
    add_run(db, "alpha", "partial", minutes_ago=5, error="page 3: HTTP 503")
    sources = {s["name"]: s for s in client.get("/api/v1/sources").json()}
    assert sources["alpha"]["last_run"]["status"] == "partial"
    assert sources["alpha"]["last_run"]["error"] == "page 3: HTTP 503"
    assert sources["alpha"]["last_run"]["counts"]["fetched"] == 10
    assert sources["alpha"]["every"] == "2h" and sources["beta"]["every"] == "15m"
    assert sources["beta"]["last_run"] is None


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Basic YWRtaW46YWRtaW4="}, 401),
        (bearer("wrong"), 403),
        (bearer(ADMIN_TOKEN[:-1]), 403),
    ],
    ids=["no header", "basic auth", "wrong token", "token prefix"],
)
def test_run_request_needs_the_admin_token(client: TestClient, headers: dict[str, str], status: int) -> None:
    response = client.post(RUN_URL, headers=headers)
    assert response.status_code == status
    assert "JOBFEED_ADMIN_TOKEN" in response.json()["message"]


def test_run_request_queues_once(db: Engine, client: TestClient) -> None:
    first = client.post(RUN_URL, headers=bearer(ADMIN_TOKEN))
    assert first.status_code == 202 and first.json()["source"] == "alpha"
    with db.connect() as connection:
        assert connection.execute(select(Source.run_requested_at).where(Source.name == "alpha")).scalar() is not None
    again = client.post(RUN_URL, headers=bearer(ADMIN_TOKEN))
    assert again.status_code == 409 and "already queued" in again.json()["message"]
    assert client.post("/api/v1/sources/beta/run", headers=bearer(ADMIN_TOKEN)).status_code == 202


def test_run_request_for_an_unknown_source_is_404(client: TestClient) -> None:
    response = client.post("/api/v1/sources/nope/run", headers=bearer(ADMIN_TOKEN))
    assert response.status_code == 404 and response.json()["valid_values"] == ["alpha", "beta"]


def test_without_a_configured_token_admin_endpoints_refuse(db: Engine) -> None:
    with app_for(db, admin_token=None) as client:
        assert client.post(RUN_URL, headers=bearer("anything")).status_code == 403


def test_healthz_checks_the_database(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(tmp_path: object) -> None:
    from api.app import create_app
    from models.settings import Settings

    settings = Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"


def test_metrics(db: Engine, client: TestClient) -> None:
    add_run(db, "alpha", "failed")
    add_posting(db)
    client.get("/api/v1/jobs")
    client.get("/api/v1/jobs?limit=999")
    text = client.get("/metrics").text
    assert 'jobfeed_http_requests_total{method="GET",route="/api/v1/jobs",status="200"} 1.0' in text
    assert 'jobfeed_http_requests_total{method="GET",route="/api/v1/jobs",status="422"} 1.0' in text
    assert 'jobfeed_http_request_duration_seconds_count{route="/api/v1/jobs"} 2.0' in text
    assert 'jobfeed_source_last_run_status{source="alpha",status="failed"} 1.0' in text
    assert 'jobfeed_source_last_run_status{source="alpha",status="succeeded"} 0.0' in text
    assert 'jobfeed_open_postings{category="data-engineer"} 1.0' in text


def test_a_server_s_app_settles_its_heap_when_it_starts(db: Engine) -> None:
    """`jobfeed api`'s app freezes what start-up left (`settle`), so later full collections skip it; the apps
    tests build by the hundred do not (their heaps would never be freed). The settled app stays frozen."""
    before = gc.get_freeze_count()
    with app_for(db) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_freeze_count() <= before  # (frozen objects freed by their reference counts leave it)
    url = db.url.render_as_string(hide_password=False)
    with TestClient(create_app(settings_for(url), version_ttl_seconds=0, settle_heap=True)) as client:
        assert gc.get_freeze_count() > before
        assert client.get("/healthz").status_code == 200


def test_building_the_app_reads_no_database(tmp_path: Path) -> None:
    """The metrics registry learns the database figures' names without a query: nothing connects until a request."""
    database = tmp_path / "absent.db"
    create_app(Settings(database_url=f"sqlite:///{database}"))
    assert not database.exists()  # SQLite creates the file on the first connection


def test_two_apps_in_one_process_keep_their_own_metrics(db: Engine) -> None:
    with app_for(db) as one, app_for(db) as two:
        one.get("/healthz")
        assert 'route="/healthz"' in one.get("/metrics").text
        assert 'route="/healthz"' not in two.get("/metrics").text


def test_an_app_that_served_and_stopped_is_freed(db: Engine) -> None:
    """Nothing process-wide (FastAPI caches what it learns of each endpoint function) keeps an app alive: the
    tests build hundreds in one process, and each kept app made every later garbage collection slower."""
    with app_for(db) as client:
        for path in ("/docs", "/redoc", "/openapi.json", "/api/v1/jobs", "/"):
            assert client.get(path).status_code == 200
        app = weakref.ref(client.app)
    del client
    gc.collect()
    assert app() is None
