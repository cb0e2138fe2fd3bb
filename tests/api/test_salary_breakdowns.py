"""/api/v1/salaries?group_by=: one statistic per seniority, country or remote mode within each category, the
same whether computed live (rows written around the pipeline) or read from the summaries the pipeline keeps."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from lxml import html
from sqlalchemy import Engine

from scraper.storage.summaries import refresh_summaries
from tests.api.conftest import add_posting

SENIOR = [100_000.0, 110_000.0, 120_000.0, 130_000.0, 140_000.0]  # p50 120k
JUNIOR = [50_000.0, 60_000.0]


def seed(db: Engine) -> None:
    for amount in SENIOR:
        add_posting(db, annual_usd_mid=amount, seniority="senior", countries=["US", "DE"], remote="remote")
    for amount in JUNIOR:
        add_posting(db, annual_usd_mid=amount, seniority="junior", countries=["DE"], remote="hybrid")
    add_posting(db, annual_usd_mid=70_000.0, seniority=None, countries=[], remote=None)
    add_posting(
        db,
        annual_usd_mid=5e9,
        seniority="senior",
        salary_flagged=True,
        flagged=True,
        flags=[{"code": "salary_implausible", "message": "beyond any real salary"}],
    )
    add_posting(db, annual_usd_mid=90_000.0, category="data-scientist", seniority="lead", countries=["GB"])


def groups(client: TestClient, query: str) -> dict[tuple[str, str | None], dict[str, object]]:
    response = client.get(f"/api/v1/salaries?{query}")
    assert response.status_code == 200, response.text
    return {(s["category"], s["group"]): s for s in response.json()}


@pytest.mark.parametrize("summarized", [False, True], ids=["live", "summaries"])
def test_breakdowns_by_seniority_country_and_remote(db: Engine, client: TestClient, summarized: bool) -> None:
    seed(db)
    if summarized:
        assert set(refresh_summaries(db)) == {"data-engineer", "data-scientist"}
    by_seniority = groups(client, "group_by=seniority")
    assert list(by_seniority) == [
        ("data-engineer", "junior"),
        ("data-engineer", "senior"),
        ("data-engineer", None),
        ("data-scientist", "lead"),
    ]
    senior = by_seniority[("data-engineer", "senior")]
    assert (senior["count"], senior["excluded_flagged"], senior["p50"], senior["group_by"]) == (
        5,
        1,
        120_000,
        "seniority",
    )
    assert by_seniority[("data-engineer", "junior")]["p50"] is None  # under 5: a count, no quantiles

    by_country = groups(client, "group_by=country&category=data-engineer")
    assert {key: s["count"] for key, s in by_country.items()} == {
        ("data-engineer", "DE"): 7,  # a posting naming two countries counts in each
        ("data-engineer", "US"): 5,
        ("data-engineer", None): 1,
    }
    assert groups(client, "group_by=country&country=us").keys() == {("data-engineer", "US")}

    by_remote = groups(client, "group_by=remote&country=DE&include_flagged=true")
    assert {key: s["count"] for key, s in by_remote.items()} == {
        ("data-engineer", "remote"): 5,
        ("data-engineer", "hybrid"): 2,
    }


def test_summaries_answer_as_the_live_computation_did(db: Engine, client: TestClient) -> None:
    seed(db)
    queries = ["", "?group_by=seniority", "?group_by=remote&include_flagged=true", "?country=DE", "?remote=hybrid"]
    live = {query: client.get(f"/api/v1/salaries{query}").json() for query in queries}
    live_history = client.get("/api/v1/salaries/data-engineer/history?bucket=month").json()
    refresh_summaries(db)
    assert {query: client.get(f"/api/v1/salaries{query}").json() for query in queries} == live
    assert client.get("/api/v1/salaries/data-engineer/history?bucket=month").json() == live_history


def test_an_unknown_group_is_a_422_naming_the_valid_ones(client: TestClient) -> None:
    response = client.get("/api/v1/salaries?group_by=company")
    assert response.status_code == 422
    assert "seniority" in response.text


def test_category_page_tables_by_seniority_and_country(db: Engine, client: TestClient) -> None:
    seed(db)
    refresh_summaries(db)
    tree = html.fromstring(client.get("/categories/data-engineer").text)
    tables = tree.xpath("//table[contains(@class, 'breakdown')]")
    assert len(tables) == 2
    rows = [[cell.text_content().strip() for cell in row.xpath("th|td")] for row in tables[0].xpath(".//tbody/tr")]
    assert rows[1] == ["Senior", "5", "$110k", "$120k", "$130k"]
    assert [row[0] for row in rows] == ["Junior", "Senior", "Not stated"]
    countries = [row.xpath("th")[0].text_content() for row in tables[1].xpath(".//tbody/tr")]
    assert countries == ["DE", "US", "Not stated"]  # most salaries first
