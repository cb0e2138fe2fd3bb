"""/api/v1/salaries and its history: quantiles against hand-computed values, flagged/closed/duplicate
exclusion, small groups, histogram buckets, week and month buckets over postings open during each."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.conftest import BASE_TIME, add_posting

SALARIES = [50_000.0, 60_000.0, 75_000.0, 90_000.0, 120_000.0, 200_000.0]
# percentile_cont over 6 sorted values: position (6 - 1) * q, interpolated linearly, worked out by hand:
# p10 -> 0.5 between 50k and 60k; p25 -> 1.25 between 60k and 75k; p50 -> 2.5 between 75k and 90k;
# p75 -> 3.75 between 90k and 120k; p90 -> 4.5 between 120k and 200k.
EXPECTED = {"min": 50_000, "p10": 55_000, "p25": 63_750, "p50": 82_500, "p75": 112_500, "p90": 160_000, "max": 200_000}


def seed_salaries(db: Engine) -> None:
    for amount in SALARIES:
        add_posting(db, annual_usd_mid=amount)
    add_posting(
        db,
        annual_usd_mid=1.1e9,
        salary_flagged=True,
        flagged=True,
        flags=[{"code": "salary_implausible", "message": "beyond any real salary"}],
    )
    add_posting(db, annual_usd_mid=10_000.0, closed_at=BASE_TIME)  # closed: not in the statistic
    representative = add_posting(db, annual_usd_mid=55_000.0, category="data-scientist")
    add_posting(db, annual_usd_mid=999_000.0, duplicate_of=representative, source="beta")  # a copy: not counted
    add_posting(db, category="data-engineer")  # no salary
    for amount in (80_000.0, 90_000.0):
        add_posting(db, annual_usd_mid=amount, category="data-scientist")


def stats(client: TestClient, query: str = "") -> dict[str, dict[str, object]]:
    response = client.get(f"/api/v1/salaries{query}")
    assert response.status_code == 200, response.text
    return {s["category"]: s for s in response.json()}


def test_quantiles_equal_the_hand_computed_ones(db: Engine, client: TestClient) -> None:
    seed_salaries(db)
    engineers = stats(client)["data-engineer"]
    assert {k: engineers[k] for k in EXPECTED} == pytest.approx(EXPECTED)
    assert engineers["count"] == 6 and engineers["excluded_flagged"] == 1
    assert engineers["currency"] == "USD" and engineers["period"] == "year"


def test_flagged_salaries_are_counted_only_when_asked(db: Engine, client: TestClient) -> None:
    seed_salaries(db)
    engineers = stats(client, "?include_flagged=true")["data-engineer"]
    assert engineers["count"] == 7 and engineers["excluded_flagged"] == 0
    assert engineers["max"] == 1.1e9
    assert engineers["p50"] == pytest.approx(90_000)  # 7 values: the 4th


def test_groups_under_five_have_a_count_but_no_quantiles(db: Engine, client: TestClient) -> None:
    seed_salaries(db)
    scientists = stats(client)["data-scientist"]
    assert scientists["count"] == 3
    assert all(scientists[k] is None for k in EXPECTED)
    assert scientists["histogram"] == []


def test_every_category_is_listed_and_filters_apply(db: Engine, client: TestClient) -> None:
    seed_salaries(db)
    everything = stats(client)
    assert everything["bioinformatics"]["count"] == 0
    assert list(stats(client, "?category=data-scientist")) == ["data-scientist"]
    assert stats(client, "?country=de")["data-engineer"]["count"] == 0
    assert stats(client, "?remote=remote&country=us")["data-engineer"]["count"] == 6


def test_histogram_buckets_cover_every_value_in_annual_usd(db: Engine, client: TestClient) -> None:
    seed_salaries(db)
    histogram = stats(client)["data-engineer"]["histogram"]
    assert isinstance(histogram, list)
    assert sum(b["count"] for b in histogram) == 6
    assert histogram[0] == {"lo": 40_000, "hi": 60_000, "count": 1}  # 50k
    assert histogram[-1] == {"lo": 200_000, "hi": 220_000, "count": 1}
    assert all(b["hi"] - b["lo"] == 20_000 for b in histogram)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def seed_history(db: Engine) -> None:
    """Five postings first seen Tue 2026-01-06; two close Wed 01-14; three stay open to this day."""
    for position, amount in enumerate((100_000.0, 110_000.0, 120_000.0, 130_000.0, 140_000.0)):
        closed = at("2026-01-14") if position < 2 else None
        add_posting(db, annual_usd_mid=amount, first_seen=at("2026-01-06"), closed_at=closed)
    add_posting(db, annual_usd_mid=1.1e9, first_seen=at("2026-01-06"), salary_flagged=True, flagged=True)


def test_weekly_history_counts_postings_open_during_each_week(db: Engine, client: TestClient) -> None:
    seed_history(db)
    points = client.get("/api/v1/salaries/data-engineer/history?bucket=week&since=2025-12-31").json()
    by_start = {p["start"]: p for p in points}
    assert by_start["2025-12-29"] == {"start": "2025-12-29", "count": 0, "p25": None, "p50": None, "p75": None}
    assert by_start["2026-01-05"] == {"start": "2026-01-05", "count": 5, "p25": 110_000, "p50": 120_000, "p75": 130_000}
    assert by_start["2026-01-12"]["count"] == 5  # closed on the Wednesday: open during that week
    assert by_start["2026-01-19"] == {"start": "2026-01-19", "count": 3, "p25": None, "p50": None, "p75": None}
    assert all(datetime.fromisoformat(p["start"]).weekday() == 0 for p in points)


def test_monthly_history_and_flagged_salaries(db: Engine, client: TestClient) -> None:
    seed_history(db)
    points = client.get("/api/v1/salaries/data-engineer/history?bucket=month&since=2025-12-15").json()
    assert [p["count"] for p in points[:3]] == [0, 5, 3]
    assert points[1]["p50"] == 120_000
    flagged = client.get(
        "/api/v1/salaries/data-engineer/history?bucket=month&since=2025-12-15&include_flagged=true"
    ).json()
    assert [p["count"] for p in flagged[:3]] == [0, 6, 4]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/salaries/astrologer/history", 404),
        ("/api/v1/salaries/data-engineer/history?bucket=day", 422),
        ("/api/v1/salaries/data-engineer/history?since=1900-01-01", 200),  # from the 520-bucket cap on
        ("/api/v1/salaries?category=astrologer", 422),
        ("/api/v1/salaries?since=9999-12-31T23:00:00-05:00", 200),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_bad_salary_queries_are_4xx(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text


@pytest.mark.parametrize("path", ["/api/v1/salaries", "/api/v1/salaries/data-engineer/history", "/api/v1/categories"])
def test_after_a_run_lands_aggregates_answer_at_once_with_the_previous_figures_then_the_new(
    db: Engine, client: TestClient, path: str
) -> None:
    for salary in (90_000, 100_000, 110_000, 120_000, 130_000):
        add_posting(db, annual_usd_mid=float(salary))
    first = client.get(path)
    assert first.status_code == 200
    add_posting(db, annual_usd_mid=500_000.0)  # the data version moves on

    during = client.get(path)  # answered from the previous version while the new one renders
    assert (during.content, during.headers["etag"]) == (first.content, first.headers["etag"])
    client.app.state.cache.wait_for_refreshes()  # type: ignore[attr-defined]

    after = client.get(path)
    assert after.headers["etag"] != first.headers["etag"]
    assert after.content != first.content
    assert client.get(path, headers={"If-None-Match": after.headers["etag"]}).status_code == 304
