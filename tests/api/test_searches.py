"""/api/v1/searches and the feeds of saved and ad-hoc searches, over real databases (both backends)."""

from __future__ import annotations

import base64
import json
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from models.tables import WebhookDelivery
from tests.api.conftest import ADMIN_TOKEN, add_posting, app_for

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
REMOTE_DE_150K = {"category": "data-engineer", "remote": "remote", "min_salary_usd": 150000}


def create(client: TestClient, **body: Any) -> Any:
    payload = {"name": "remote DE over 150k", "filters": REMOTE_DE_150K, "webhook_url": None, **body}
    return client.post("/api/v1/searches", json=payload, headers=ADMIN)


def test_create_returns_the_contract_and_the_secret_once(client: TestClient) -> None:
    response = create(client, webhook_url="https://hooks.example.com/jobs")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "name", "filters", "feeds", "webhook_url", "webhook_secret", "created_at"}
    assert body["filters"] == REMOTE_DE_150K
    assert body["webhook_url"] == "https://hooks.example.com/jobs"
    secret = body["webhook_secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert body["feeds"] == {
        ext: f"http://testserver/feeds/searches/{body['id']}.{ext}" for ext in ("rss", "atom", "json")
    }
    # the secret is never shown again
    listed = client.get("/api/v1/searches", headers=ADMIN).json()
    assert [s["id"] for s in listed] == [body["id"]] and "webhook_secret" not in listed[0]
    one = client.get(f"/api/v1/searches/{body['id']}", headers=ADMIN).json()
    assert "webhook_secret" not in one and one["name"] == "remote DE over 150k"


def test_a_search_without_webhook_has_no_secret(client: TestClient) -> None:
    body = create(client).json()
    assert body["webhook_url"] is None and body["webhook_secret"] is None


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer wrong"}, 403)],
    ids=["no token", "wrong token"],
)
def test_every_search_endpoint_is_admin_only(client: TestClient, headers: dict[str, str], status: int) -> None:
    search_id = create(client).json()["id"]
    calls = [
        ("POST", "/api/v1/searches", {"name": "x", "filters": {}}),
        ("GET", "/api/v1/searches", None),
        ("GET", f"/api/v1/searches/{search_id}", None),
        ("GET", f"/api/v1/searches/{search_id}/deliveries", None),
        ("DELETE", f"/api/v1/searches/{search_id}", None),
    ]
    for method, path, body in calls:
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code == status, (method, path, response.text)
        assert response.json()["error"] in ("unauthorized", "forbidden")


@pytest.mark.parametrize(
    ("filters", "where"),
    [
        ({"colour": "red"}, "body.filters.colour"),
        ({"remote": "sometimes"}, "body.filters.remote"),
        ({"min_salary_usd": -5}, "body.filters.min_salary_usd"),
        ({"country": "Germany"}, "body.filters.country"),
        ({"cursor": "abc"}, None),
        ({"category": "astronaut"}, None),
    ],
    ids=["unknown filter", "bad remote", "negative salary", "bad country", "cursor", "unknown category"],
)
def test_bad_filters_are_422_naming_the_filter(client: TestClient, filters: dict[str, Any], where: str | None) -> None:
    response = create(client, filters=filters)

    assert response.status_code == 422, response.text
    body = response.json()
    if where is not None:
        assert body["details"][0]["location"] == where
    assert client.get("/api/v1/searches", headers=ADMIN).json() == []


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("ftp://hooks.example.com/x", 422),  # not a webhook URL at all (the schema's pattern)
        ("http://127.0.0.1:8080/hook", 403),  # the server's policy: JOBFEED_WEBHOOKS_ALLOW_PRIVATE
        ("http://10.0.0.8/hook", 403),
        ("http://localhost/hook", 403),
    ],
)
def test_webhooks_to_private_addresses_are_refused(client: TestClient, url: str, status: int) -> None:
    response = create(client, webhook_url=url)
    assert response.status_code == status
    assert response.json()["details"][0]["location"] == "body.webhook_url"


def test_private_webhooks_are_allowed_when_configured(db: Engine) -> None:
    with app_for(db, webhooks_allow_private=True) as client:
        assert create(client, webhook_url="http://127.0.0.1:8080/hook").status_code == 201


def test_delete_removes_the_search_and_its_feeds(client: TestClient) -> None:
    search_id = create(client).json()["id"]

    assert client.delete(f"/api/v1/searches/{search_id}", headers=ADMIN).status_code == 204

    assert client.get(f"/api/v1/searches/{search_id}", headers=ADMIN).status_code == 404
    assert client.get(f"/feeds/searches/{search_id}.rss").status_code == 404
    assert client.delete(f"/api/v1/searches/{search_id}", headers=ADMIN).status_code == 404
    assert client.get(f"/api/v1/searches/{search_id}/deliveries", headers=ADMIN).status_code == 404


def _seed(db: Engine) -> dict[str, int]:
    return {
        "match": add_posting(db, title="Senior Data Engineer", annual_usd_mid=180_000.0),
        "too_cheap": add_posting(db, title="Data Engineer", annual_usd_mid=90_000.0),
        "onsite": add_posting(db, title="Staff Data Engineer", remote="onsite", annual_usd_mid=200_000.0),
        "other_role": add_posting(db, title="Data Scientist", category="data-scientist", annual_usd_mid=200_000.0),
    }


def _titles_in(fmt: str, body: bytes) -> list[str]:
    """The job titles of a feed's entries (entries read "<title> at <company> (<location>)")."""
    if fmt == "json":
        titles = [item["title"] for item in json.loads(body)["items"]]
    else:
        titles = [entry.title for entry in feedparser.parse(body).entries]
    return [title.split(" at ")[0] for title in titles]


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_a_saved_search_feed_holds_exactly_its_matches(client: TestClient, db: Engine, fmt: str) -> None:
    _seed(db)
    search_id = create(client).json()["id"]

    response = client.get(f"/feeds/searches/{search_id}.{fmt}")

    assert response.status_code == 200
    assert _titles_in(fmt, response.content) == ["Senior Data Engineer"]
    assert (
        client.get(
            f"/feeds/searches/{search_id}.{fmt}", headers={"If-None-Match": response.headers["etag"]}
        ).status_code
        == 304
    )


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_any_jobs_filter_is_an_ad_hoc_feed(client: TestClient, db: Engine, fmt: str) -> None:
    _seed(db)
    query = "category=data-engineer&remote=remote&min_salary_usd=150000&utm_source=newsletter"

    response = client.get(f"/feeds/jobs.{fmt}?{query}")

    assert response.status_code == 200
    assert _titles_in(fmt, response.content) == ["Senior Data Engineer"]
    etag = response.headers["etag"]
    assert client.get(f"/feeds/jobs.{fmt}?{query}", headers={"If-None-Match": etag}).status_code == 304
    wider = client.get(f"/feeds/jobs.{fmt}?category=data-engineer")
    assert sorted(_titles_in(fmt, wider.content)) == ["Data Engineer", "Senior Data Engineer", "Staff Data Engineer"]


def test_ad_hoc_feed_with_a_bad_filter_value_is_422(client: TestClient) -> None:
    assert client.get("/feeds/jobs.rss?remote=sometimes").status_code == 422
    assert client.get("/feeds/jobs.rss?category=astronaut").status_code == 422


def test_the_dashboard_lists_searches_with_feeds_and_last_delivery(client: TestClient, db: Engine) -> None:
    secret_path = "https://hooks.example.com/services/T000/B000/s3cr3t-token"
    search_id = create(client, webhook_url=secret_path).json()["id"]
    create(client, name="everything", filters={})
    with db.begin() as connection:
        connection.execute(
            insert(WebhookDelivery).values(
                webhook_id="msg_1", search_id=search_id, status="failed", attempts=30, postings=[1, 2]
            )
        )

    page = client.get("/searches")

    assert page.status_code == 200
    html = page.text
    assert "remote DE over 150k" in html and "everything" in html
    assert "category=data-engineer&amp;min_salary_usd=150000&amp;remote=remote" in html
    assert f'href="/feeds/searches/{search_id}.atom"' in html
    assert "hooks.example.com" in html and "s3cr3t-token" not in html and "whsec_" not in html
    assert "failed" in html
