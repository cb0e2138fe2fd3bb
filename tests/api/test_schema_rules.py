"""Each disagreement schemathesis 4 found between the OpenAPI schema and what the API accepts, as one request
and the status the schema documents for it (tests/api/test_schema.py runs the generated requests)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from models.schemas import CURSOR_PATTERN, NO_NUL_PATTERN, WEBHOOK_URL_PATTERN
from models.taxonomy import SLUG_PATTERN, load_taxonomy
from tests.api.conftest import ADMIN_TOKEN, BASE_TIME, add_posting, app_for

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def documented(openapi: dict[str, Any], method: str, path: str, status: int) -> bool:
    return str(status) in openapi["paths"][path][method]["responses"]


def parameter(openapi: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    (found,) = [p for p in openapi["paths"][path]["get"]["parameters"] if p["name"] == name]
    schema: dict[str, Any] = found["schema"]
    return schema


def string_branch(schema: dict[str, Any]) -> dict[str, Any]:
    (branch,) = [b for b in schema.get("anyOf", [schema]) if b.get("type") == "string"]
    return branch


# -- the cursor: its shape is in the schema, and every cursor of that shape is answered ---------------------


def test_the_schema_states_the_cursor_shape_that_the_api_issues(
    db: Engine, client: TestClient, openapi: dict[str, Any]
) -> None:
    newest = add_posting(db, first_seen=BASE_TIME)
    add_posting(db, first_seen=BASE_TIME - timedelta(hours=1))
    assert string_branch(parameter(openapi, "/api/v1/jobs", "cursor"))["pattern"] == CURSOR_PATTERN
    cursor = client.get("/api/v1/jobs", params={"limit": 1}).json()["next_cursor"]
    assert re.fullmatch(CURSOR_PATTERN, cursor)
    assert cursor == f"{(BASE_TIME - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)}.{newest}"


@pytest.mark.parametrize(
    ("cursor", "count"),
    [
        ("999999999999999999.9999999999999999999", 3),  # past the last instant and id: from the newest on
        ("0.0", 0),  # 1970: nothing is older
        ("-999999999999999999.1", 0),  # before year 1
    ],
)
def test_a_cursor_of_the_documented_shape_is_a_position_in_the_list(
    db: Engine, client: TestClient, cursor: str, count: int
) -> None:
    for hours in range(3):
        add_posting(db, first_seen=BASE_TIME - timedelta(hours=hours))
    for path in ("/api/v1/jobs", "/api/v1/jobs.ndjson", "/api/v1/outliers"):
        response = client.get(path, params={"cursor": cursor})
        assert response.status_code == 200, response.text
    assert len(client.get("/api/v1/jobs", params={"cursor": cursor}).json()["items"]) == count


@pytest.mark.parametrize("cursor", ["djEuMTc5NTk0NjQwMDAwMDAwMC40Mg", "1.2\n", "1.2\x00", "1\x07.2", "1.2.3", ""])
def test_a_cursor_of_another_shape_is_a_documented_422(
    client: TestClient, cursor: str, openapi: dict[str, Any]
) -> None:
    response = client.get("/api/v1/jobs", params={"cursor": cursor})
    assert response.status_code == 422 and documented(openapi, "get", "/api/v1/jobs", 422)
    assert "next_cursor" in response.json()["message"]


# -- dates and times: RFC 3339 text only, as the schema's formats say -------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/salaries?since=0.5",
        "/api/v1/salaries.csv?since=1700000000",
        "/api/v1/jobs?posted_since=0.5",
        "/api/v1/jobs?posted_since=2026-11-01T09:00:00",  # no offset: neither a date-time nor a date
        "/feeds/jobs.rss?posted_since=0.5",
        "/feeds/data-engineer.atom?posted_since=20261101",
        "/api/v1/salaries/data-engineer/history?since=2026-11-01T00:00:00Z",  # a day is asked for
    ],
)
def test_a_unix_time_or_other_non_rfc3339_text_is_a_documented_422(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.text
    assert "RFC 3339" in response.json()["message"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/salaries?since=2026-11-01",
        "/api/v1/salaries?since=2026-11-01T09:00:00%2B01:00",
        "/api/v1/jobs?posted_since=2026-11-01t09:00:00.5z",
        "/feeds/jobs.json?posted_since=2026-11-01T09:00:00Z",
        "/api/v1/salaries/data-engineer/history?since=2026-11-01",
    ],
)
def test_rfc3339_dates_and_date_times_are_accepted(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 200


def test_history_since_a_day_before_the_cap_starts_at_the_cap(client: TestClient) -> None:
    points = client.get("/api/v1/salaries/data-engineer/history", params={"since": "1900-01-01"}).json()
    today = datetime.now(UTC).date()
    assert 520 <= len(points) <= 521
    assert today - timedelta(weeks=521) <= datetime.fromisoformat(points[0]["start"]).date()


# -- path slugs, text and codes: the rule is in the schema, and enforced -----------------------------------


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/api/v1/categories/data%00engineer/jobs", "/api/v1/categories/{slug}/jobs"),
        ("/api/v1/categories/data%0Aengineer/jobs", "/api/v1/categories/{slug}/jobs"),
        ("/api/v1/salaries/Data-Engineer/history", "/api/v1/salaries/{slug}/history"),
        ("/feeds/data--engineer.rss", "/feeds/{slug}.rss"),
        ("/feeds/%1B.json", "/feeds/{slug}.json"),
    ],
)
def test_a_slug_outside_the_pattern_is_a_documented_422(
    client: TestClient, url: str, path: str, openapi: dict[str, Any]
) -> None:
    response = client.get(url)
    assert response.status_code == 422 and documented(openapi, "get", path, 422)
    slug = [p for p in openapi["paths"][path]["get"]["parameters"] if p["name"] == "slug"]
    assert slug[0]["schema"]["pattern"] == SLUG_PATTERN


def test_a_slug_of_the_pattern_naming_no_category_is_a_documented_404(
    client: TestClient, openapi: dict[str, Any]
) -> None:
    assert client.get("/api/v1/categories/astrologer/jobs").status_code == 404
    assert documented(openapi, "get", "/api/v1/categories/{slug}/jobs", 404)


def test_a_taxonomy_slug_outside_the_pattern_is_refused_when_loaded(tmp_path: Path) -> None:
    taxonomy = tmp_path / "taxonomy.toml"
    taxonomy.write_text('[[category]]\nslug = "other"\nname = "Other"\n[[category]]\nslug = "Data Eng"\nname = "x"\n')
    with pytest.raises(ValueError, match="Data Eng"):
        load_taxonomy(taxonomy)


def test_nul_in_text_is_a_documented_422_and_the_schema_says_so(client: TestClient, openapi: dict[str, Any]) -> None:
    assert string_branch(parameter(openapi, "/api/v1/jobs", "q"))["pattern"] == NO_NUL_PATTERN
    response = client.get("/api/v1/jobs", params={"company": "Ac\x00me"})
    assert response.status_code == 422 and "NUL" in response.json()["message"]


@pytest.mark.parametrize(
    "url", ["/api/v1/categories/data-engineer/jobs?category=astrologer", "/feeds/data-engineer.rss?category=astrologer"]
)
def test_an_unknown_category_parameter_beside_a_slug_is_a_422(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 422


def test_a_flag_code_is_one_of_the_schema_enum(client: TestClient, openapi: dict[str, Any]) -> None:
    assert "salary_outlier" in string_branch(parameter(openapi, "/api/v1/outliers", "code"))["enum"]
    assert client.get("/api/v1/outliers", params={"code": "0"}).status_code == 422


# -- saved searches: the body's rules in the schema, the server's policy a 403 --------------------------------


def test_the_search_body_states_its_filters_and_webhook_url(openapi: dict[str, Any]) -> None:
    components = openapi["components"]["schemas"]
    assert "data-engineer" in string_branch(components["SearchFilters"]["properties"]["category"])["enum"]
    assert "cursor" not in components["SearchFilters"]["properties"]
    assert string_branch(components["SearchIn"]["properties"]["webhook_url"])["pattern"] == WEBHOOK_URL_PATTERN


@pytest.mark.parametrize(
    ("webhook_url", "status"),
    [("ftp://hooks.example.com/x", 422), ("http://[::1]/hook", 422), ("http://10.0.0.8/hook", 403)],
)
def test_a_webhook_url_of_another_shape_is_422_and_a_private_one_403(
    client: TestClient, webhook_url: str, status: int, openapi: dict[str, Any]
) -> None:
    body = {"name": "x", "filters": {}, "webhook_url": webhook_url}
    response = client.post("/api/v1/searches", json=body, headers=ADMIN)
    assert response.status_code == status and documented(openapi, "post", "/api/v1/searches", status)


@pytest.mark.parametrize(
    "filters",
    [{"include_closed": 0}, {"featured": "true"}, {"limit": "50"}, {"min_salary_usd": "5"}, {"limit": 2.5}],
    ids=str,
)
def test_a_filter_of_another_json_type_is_a_documented_422(client: TestClient, filters: dict[str, Any]) -> None:
    response = client.post("/api/v1/searches", json={"name": "x", "filters": filters}, headers=ADMIN)
    assert response.status_code == 422 and "must be a JSON" in response.json()["message"]


def test_json_numbers_and_booleans_are_filters(client: TestClient) -> None:
    filters = {"include_closed": True, "featured": None, "limit": 20.0, "min_salary_usd": 5}
    response = client.post("/api/v1/searches", json={"name": "x", "filters": filters}, headers=ADMIN)
    assert response.status_code == 201 and response.json()["filters"] == {
        "include_closed": True,
        "limit": 20,
        "min_salary_usd": 5.0,
    }


def test_a_body_that_is_not_text_is_a_documented_400(client: TestClient, openapi: dict[str, Any]) -> None:
    headers = {**ADMIN, "Content-Type": "application/json"}
    response = client.post("/api/v1/searches", content=b"\x10\xff\x1aijF\xff", headers=headers)
    assert response.status_code == 400 and documented(openapi, "post", "/api/v1/searches", 400)


# -- 405: Allow names every method of the path ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "allowed"),
    [("/api/v1/searches", "GET, HEAD, POST"), ("/api/v1/searches/1", "DELETE, GET, HEAD")],
)
def test_405_allow_lists_every_method_of_the_path(client: TestClient, path: str, allowed: str) -> None:
    response = client.options(path, headers=ADMIN)
    assert response.status_code == 405 and response.headers["allow"] == allowed


def test_private_webhooks_stay_allowed_when_configured(db: Engine) -> None:
    with app_for(db, webhooks_allow_private=True) as client:
        body = {"name": "x", "filters": {}, "webhook_url": "http://127.0.0.1:8080/hook"}
        assert client.post("/api/v1/searches", json=body, headers=ADMIN).status_code == 201
