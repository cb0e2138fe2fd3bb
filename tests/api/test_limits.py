"""Request limits and headers, injected: oversized bodies (413), a burst from one client (429 + Retry-After),
security headers on the dashboard; a trigger while a run is active (409); suspect runs shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from api.limits import RateLimit, parse_rate_limit
from models.settings import Settings
from models.tables import ScrapeRun
from tests.api.conftest import ADMIN_TOKEN, add_run, app_for

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
MIB = 1 << 20


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/api/v1/sources/alpha/run"), ("GET", "/api/v1/jobs")], ids=["post", "get"]
)
def test_a_body_over_one_mib_is_413(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, content=b"x" * (2 * MIB), headers=ADMIN)

    assert response.status_code == 413
    assert "1024 KiB" in response.json()["message"]


def test_a_body_within_the_cap_passes(client: TestClient) -> None:
    assert client.request("GET", "/api/v1/jobs", content=b"x" * 1000).status_code == 200


def test_a_burst_from_one_client_gets_429_with_retry_after(db: Engine) -> None:
    # 5 an hour: the bucket holds 5 and refills too slowly to matter, however slow the requests are.
    with app_for(db, rate_limit="5/h") as client:
        statuses = [client.get("/api/v1/categories").status_code for _ in range(8)]
        limited = client.get("/api/v1/categories")
        health = [client.get("/healthz").status_code for _ in range(10)]

    assert statuses[:5] == [200] * 5 and 429 in statuses[5:]
    assert limited.status_code == 429
    assert 600 < int(limited.headers["Retry-After"]) <= 720  # one token every 720 s
    assert "retry after" in limited.json()["message"]
    assert set(health) == {200}  # monitors are not limited


def test_the_rate_limit_is_on_by_default_and_off_disables_it(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOBFEED_RATE_LIMIT", raising=False)
    assert parse_rate_limit(Settings().rate_limit) == RateLimit(per_second=20.0, burst=20)
    with app_for(db, rate_limit="20/h") as client:  # a bucket of 20 that refills once every 180 s
        statuses = [client.get("/api/v1/sources").status_code for _ in range(30)]
    assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}
    with app_for(db, rate_limit="off") as client:
        assert {client.get("/api/v1/sources").status_code for _ in range(100)} == {200}


def test_the_openapi_schema_documents_the_413_and_429_the_middleware_answers(
    db: Engine, openapi: dict[str, Any]
) -> None:
    with app_for(db, rate_limit="5/h") as client:
        schema = client.get("/openapi.json").json()
    unlimited = openapi  # the schema of app_for's default, rate_limit="off"

    jobs = schema["paths"]["/api/v1/jobs"]["get"]["responses"]
    assert jobs["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    error = jobs["429"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert error in schema["components"]["schemas"]
    assert "413" in schema["paths"]["/api/v1/searches"]["post"]["responses"]
    assert "429" not in schema["paths"]["/healthz"]["get"]["responses"]  # monitors are not limited
    assert "429" not in unlimited["paths"]["/api/v1/jobs"]["get"]["responses"]
    assert "413" in unlimited["paths"]["/api/v1/jobs"]["get"]["responses"]


@pytest.mark.parametrize("text", ["20", "fast", "0/s", "20/s;burst="])
def test_a_bad_rate_limit_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="JOBFEED_RATE_LIMIT"):
        parse_rate_limit(text)


def test_the_dashboard_sends_csp_and_nosniff(client: TestClient) -> None:
    page = client.get("/")
    api = client.get("/api/v1/sources")
    docs = client.get("/docs")

    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in docs.headers  # Swagger UI's page needs its inline script


def test_a_trigger_while_a_run_is_active_is_409_naming_the_run(db: Engine, client: TestClient) -> None:
    now = datetime.now(UTC)
    with db.begin() as connection:
        run_id = connection.execute(
            insert(ScrapeRun)
            .values(
                source="alpha",
                status="running",
                trigger="schedule",
                started_at=now,
                lease_expires_at=now + timedelta(minutes=2),
                details={},
                http={},
            )
            .returning(ScrapeRun.id)
        ).scalar_one()

    response = client.post("/api/v1/sources/alpha/run", headers=ADMIN)

    assert response.status_code == 409
    assert f"Run {run_id} of 'alpha'" in response.json()["message"]
    assert client.post("/api/v1/sources/beta/run", headers=ADMIN).status_code == 202


def test_a_run_whose_lease_expired_does_not_block_a_trigger(db: Engine, client: TestClient) -> None:
    past = datetime.now(UTC) - timedelta(hours=1)
    with db.begin() as connection:
        connection.execute(
            insert(ScrapeRun).values(
                source="alpha", status="running", started_at=past, lease_expires_at=past, details={}, http={}
            )
        )

    assert client.post("/api/v1/sources/alpha/run", headers=ADMIN).status_code == 202


def test_last_run_says_suspect_and_deferred_until(db: Engine, client: TestClient) -> None:
    add_run(db, "alpha", "succeeded")
    until = datetime(2030, 1, 1, tzinfo=UTC)
    with db.begin() as connection:
        connection.execute(ScrapeRun.__table__.update().values(suspect=True))
        connection.execute(
            insert(ScrapeRun).values(
                source="beta", status="deferred", deferred_until=until, started_at=until, details={}, http={}
            )
        )

    sources = {s["name"]: s["last_run"] for s in client.get("/api/v1/sources").json()}

    assert sources["alpha"]["suspect"] is True and sources["alpha"]["deferred_until"] is None
    assert sources["beta"]["status"] == "deferred" and sources["beta"]["deferred_until"].startswith("2030-01-01")


def test_docs_and_redoc_work_offline(client: TestClient) -> None:
    for page, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        html = client.get(page).text
        assert f"/docs-assets/{asset}" in html
        assert "cdn.jsdelivr.net" not in html and "fonts.googleapis.com" not in html
        script = client.get(f"/docs-assets/{asset}")
        assert script.status_code == 200 and len(script.content) > 100_000


def test_the_schema_names_the_categories_a_query_takes(client: TestClient, openapi: dict[str, Any]) -> None:
    parameters = openapi["paths"]["/api/v1/jobs"]["get"]["parameters"]
    (category,) = [p for p in parameters if p["name"] == "category"]
    enums = [branch.get("enum") for branch in category["schema"].get("anyOf", [category["schema"]])]

    assert ["ai-engineer" in (values or []) for values in enums].count(True) == 1
    assert client.get("/api/v1/jobs", params={"category": "not-a-category"}).status_code == 422
