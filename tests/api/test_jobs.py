"""/api/v1/jobs and /api/v1/categories: every filter, keyset pagination while inserting, dedup, errors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.conftest import BASE_TIME, add_posting

# name -> fields; first_seen descends in this order, so the expected lists below are newest first
CATALOGUE: dict[str, dict[str, Any]] = {
    "pipeline-eng": {
        "title": "Senior Pipeline Engineer",
        "company": "Lemon.io",
        "tags": ["Python", "Spark"],
        "featured": True,
        "annual_usd_mid": 150_000.0,
        "annual_usd_max": 180_000.0,
        "annual_usd_min": 120_000.0,
        "posted_at": BASE_TIME - timedelta(days=2),
    },
    "ml-eng": {
        "title": "Machine Learning Engineer",
        "category": "machine-learning-engineer",
        "company": "Globex",
        "remote": "hybrid",
        "countries": ["DE"],
        "seniority": "mid",
        "tags": ["PyTorch"],
        "employment_types": ["contract", "freelance"],
        "posted_at": BASE_TIME - timedelta(days=30),
    },
    "analyst": {
        "title": "Data Analyst",
        "category": "data-analyst",
        "company": "Initech",
        "remote": "onsite",
        "countries": ["GB"],
        "seniority": "junior",
        "featured": False,
        "annual_usd_mid": 70_000.0,
        "source": "beta",
    },
    "flagged": {
        "title": "Data Engineer",
        "company": "Umbrella",
        "annual_usd_mid": 1.1e9,
        "salary_flagged": True,
        "flagged": True,
        "flags": [{"code": "salary_implausible", "message": "beyond any real salary"}],
    },
    "closed": {"title": "Closed Data Engineer", "company": "Acme", "closed_at": BASE_TIME},
}


def seed(db: Engine) -> dict[str, int]:
    ids = {}
    for position, (name, fields) in enumerate(CATALOGUE.items()):
        ids[name] = add_posting(db, first_seen=BASE_TIME - timedelta(hours=position), **fields)
    return ids


def names(client: TestClient, url: str, ids: dict[str, int]) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    by_id = {v: k for k, v in ids.items()}
    return [by_id[item["id"]] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["pipeline-eng", "ml-eng", "analyst", "flagged"]),
        ("category=data-engineer", ["pipeline-eng", "flagged"]),
        ("q=pipeline", ["pipeline-eng"]),
        ("q=engineer+globex", ["ml-eng"]),
        ("q=initech", ["analyst"]),
        ("company=Umbrella", ["flagged"]),
        ("tag=pytorch", ["ml-eng"]),
        ("tag=Spark", ["pipeline-eng"]),
        ("featured=true", ["pipeline-eng"]),
        ("featured=false", ["analyst"]),
        ("remote=hybrid", ["ml-eng"]),
        ("remote=onsite", ["analyst"]),
        ("country=de", ["ml-eng"]),
        ("country=GB", ["analyst"]),
        ("seniority=junior", ["analyst"]),
        ("employment_type=freelance", ["ml-eng"]),
        ("min_salary_usd=160000", ["pipeline-eng"]),
        ("min_salary_usd=60000", ["pipeline-eng", "analyst"]),
        ("posted_since=2026-11-01", ["pipeline-eng", "analyst", "flagged"]),
        ("posted_since=2026-11-20T09:30:00Z", ["analyst"]),
        ("source=beta", ["analyst"]),
        ("include_flagged=false", ["pipeline-eng", "ml-eng", "analyst"]),
        ("include_closed=true", ["pipeline-eng", "ml-eng", "analyst", "flagged", "closed"]),
        ("include_closed=true&q=closed", ["closed"]),
        ("category=data-engineer&include_flagged=false&tag=python", ["pipeline-eng"]),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_filter(db: Engine, client: TestClient, query: str, expected: list[str]) -> None:
    ids = seed(db)
    assert names(client, f"/api/v1/jobs?{query}", ids) == expected


def test_category_jobs_match_the_category_filter(db: Engine, client: TestClient) -> None:
    ids = seed(db)
    assert names(client, "/api/v1/categories/data-engineer/jobs", ids) == ["pipeline-eng", "flagged"]


def test_categories_list_every_slug_with_open_jobs(db: Engine, client: TestClient) -> None:
    seed(db)
    categories = {c["slug"]: c for c in client.get("/api/v1/categories").json()}
    assert "bioinformatics" in categories and categories["bioinformatics"]["open_jobs"] == 0
    assert categories["data-engineer"]["open_jobs"] == 2  # the closed one is not open
    assert categories["data-engineer"]["salary"] == {"count": 1, "p50": None}  # flagged left out; under 5


def test_pagination_is_stable_while_postings_arrive(db: Engine, client: TestClient) -> None:
    first_ids = [add_posting(db, first_seen=BASE_TIME - timedelta(minutes=m)) for m in range(5)]
    # equal first_seen: the id breaks the tie
    first_ids += [add_posting(db, first_seen=BASE_TIME - timedelta(minutes=10)) for _ in range(2)]
    expected = first_ids[:5] + sorted(first_ids[5:], reverse=True)
    page = client.get("/api/v1/jobs?limit=3").json()
    seen = [item["id"] for item in page["items"]]
    while page["next_cursor"]:
        add_posting(db, first_seen=BASE_TIME + timedelta(minutes=len(seen)))  # newer: lands before the cursor
        page = client.get("/api/v1/jobs", params={"limit": 3, "cursor": page["next_cursor"]}).json()
        seen += [item["id"] for item in page["items"]]
    assert seen == expected


def test_one_row_per_job_listing_every_source(db: Engine, client: TestClient) -> None:
    representative = add_posting(db, source="alpha")
    add_posting(db, source="beta", duplicate_of=representative)
    items = client.get("/api/v1/jobs").json()["items"]
    assert [(i["id"], i["sources"]) for i in items] == [(representative, ["alpha", "beta"])]
    assert [i["id"] for i in client.get("/api/v1/jobs?source=beta").json()["items"]] == [representative]


def test_record_shape(db: Engine, client: TestClient) -> None:
    posting_id = add_posting(
        db, annual_usd_min=60_000.0, annual_usd_max=120_000.0, annual_usd_mid=90_000.0, salary_raw="USD 60K - 120K"
    )
    item = client.get("/api/v1/jobs").json()["items"][0]
    assert item["id"] == posting_id
    assert set(item) == {
        "id",
        "source",
        "sources",
        "external_id",
        "url",
        "title",
        "title_raw",
        "featured",
        "company",
        "category",
        "location",
        "employment_types",
        "seniority",
        "tags",
        "salary",
        "flags",
        "posted_at",
        "first_seen",
        "last_seen",
        "closed_at",
    }
    assert item["salary"]["raw"] == "USD 60K - 120K" and item["salary"]["annual_usd_max"] == 120_000
    assert item["location"] == {
        "raw": "Remote, US",
        "remote": "remote",
        "countries": ["US"],
        "regions": [],
        "cities": [],
    }
    assert item["first_seen"] == "2026-11-20T12:00:00Z"


def test_detail_sanitizes_the_description(db: Engine, client: TestClient) -> None:
    posting_id = add_posting(
        db,
        description_html='<p onmouseover="steal()">Join us<script>alert(1)</script> '
        '<a href="javascript:alert(1)">apply</a><img src=x onerror="alert(1)"></p>',
    )
    body = client.get(f"/api/v1/jobs/{posting_id}").json()
    html = body["description_html"]
    assert "Join us" in html
    for live in ("<script", "onerror", "onmouseover", "javascript:"):
        assert live not in html


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/api/v1/jobs?limit=500", 422, "less than or equal to 200"),
        ("/api/v1/jobs?limit=0", 422, "query.limit"),
        ("/api/v1/jobs?cursor=not-a-cursor", 422, "next_cursor"),
        ("/api/v1/jobs?category=astrologer", 422, "data-engineer"),
        ("/api/v1/jobs?remote=sometimes", 422, "query.remote"),
        ("/api/v1/jobs?country=USA", 422, "query.country"),
        ("/api/v1/jobs?posted_since=yesterday", 422, "query.posted_since"),
        ("/api/v1/jobs?min_salary_usd=-1", 422, "query.min_salary_usd"),
        ("/api/v1/jobs?q=%00", 422, "NUL"),
        ("/api/v1/jobs?categroy=data-engineer", 422, "unknown parameter"),
        ("/api/v1/jobs/0", 422, "posting_id"),
        ("/api/v1/jobs/99999999999999999999", 422, "posting_id"),
        ("/api/v1/jobs/424242", 404, "424242"),
        ("/api/v1/categories/astrologer/jobs", 404, "machine-learning-engineer"),
        ("/api/v1/nothing-here", 404, "/api/v1"),
    ],
    ids=lambda value: value if isinstance(value, str) and value.startswith("/") else None,
)
def test_bad_input_is_a_json_4xx_saying_what_to_change(client: TestClient, url: str, status: int, says: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    body = response.json()
    assert body["error"] and says in body["message"]


def test_unknown_slug_lists_the_valid_ones(client: TestClient) -> None:
    body = client.get("/api/v1/categories/astrologer/jobs").json()
    assert "data-engineer" in body["valid_values"] and "other" in body["valid_values"]


def test_etag_and_last_modified_give_304_until_the_data_changes(db: Engine, client: TestClient) -> None:
    add_posting(db)
    first = client.get("/api/v1/jobs")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get("/api/v1/jobs", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/api/v1/jobs", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/api/v1/jobs?limit=5", headers={"If-None-Match": etag}).status_code == 200
    add_posting(db, first_seen=BASE_TIME + timedelta(hours=1))
    after = client.get("/api/v1/jobs", headers={"If-None-Match": etag})
    assert after.status_code == 200 and len(after.json()["items"]) == 2
    assert after.headers["etag"] != etag


# Notes are not outliers (issue 13.5): include_flagged and the outliers code concern salary findings.
def test_include_flagged_false_keeps_a_posting_whose_only_finding_is_a_note(db: Engine, client: TestClient) -> None:
    ids = seed(db)
    ids["no-company"] = add_posting(
        db,
        title="Data Engineer, Nameless",
        company=None,
        annual_usd_mid=140_000.0,
        flagged=True,
        flags=[{"code": "company_missing", "message": "the posting names no company"}],
        first_seen=BASE_TIME + timedelta(hours=1),
    )
    assert names(client, "/api/v1/jobs?include_flagged=false", ids) == [
        "no-company",
        "pipeline-eng",
        "ml-eng",
        "analyst",
    ]


@pytest.mark.parametrize("code", ["salary_implausible", "company_missing", "salary_outlier", "salary_not_positive"])
def test_outliers_accept_every_known_code(db: Engine, client: TestClient, code: str) -> None:
    ids = seed(db)
    expected = ["flagged"] if code == "salary_implausible" else []
    assert names(client, f"/api/v1/outliers?code={code}", ids) == expected


def test_outliers_refuse_an_unknown_code_naming_the_valid_ones(client: TestClient) -> None:
    response = client.get("/api/v1/outliers?code=salary_implausable")
    assert response.status_code == 422
    body = response.json()
    assert "salary_implausable" in body["message"]
    assert {"salary_implausible", "company_missing", "salary_outlier"} <= set(body["valid_values"])


def test_the_record_says_where_its_salary_was_read(db: Engine, client: TestClient) -> None:
    read_in_text = add_posting(db, annual_usd_mid=120_000.0, salary_origin="text")
    stated = add_posting(db, annual_usd_mid=130_000.0, salary_origin="structured")
    assert client.get(f"/api/v1/jobs/{read_in_text}").json()["salary"]["origin"] == "text"
    assert client.get(f"/api/v1/jobs/{stated}").json()["salary"]["origin"] == "structured"
