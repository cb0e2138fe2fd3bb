"""The dashboard's HTML pages over both backends: they render, charts hold one mark per datum, every
scraped string is escaped, filters and pagination apply, unknown slugs and ids get a friendly 404."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html  # type: ignore[import-untyped]
from sqlalchemy import Engine

from api.dashboard.charts import format_usd, salary_history_chart
from api.dashboard.pages import parse_salary_input
from models.schemas import HistoryPointOut
from tests.api.conftest import add_change, add_posting, add_run

SALARIES = [50_000.0, 60_000.0, 75_000.0, 90_000.0, 120_000.0, 200_000.0]  # 20k buckets 2..10: nine bars
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
WEEKS_BACK = 3  # postings first seen 3 weeks ago are open in 4 weekly buckets up to this week


def seed(db: Engine) -> dict[str, int]:
    """Six salaried data engineers, two data scientists, a flagged hostile posting; returns some ids."""
    since = datetime.now(UTC) - timedelta(weeks=WEEKS_BACK)
    ids = {}
    for i, amount in enumerate(SALARIES):
        ids[f"de{i}"] = add_posting(
            db,
            annual_usd_mid=amount,
            first_seen=since + timedelta(minutes=i),
            seniority="senior" if i % 2 else "junior",
            countries=["US"] if i < 3 else ["DE"],
            remote="remote" if i < 4 else "onsite",
        )
    for amount in (80_000.0, 90_000.0):
        add_posting(db, annual_usd_mid=amount, category="data-scientist", first_seen=since)
    ids["hostile"] = add_posting(
        db,
        title=HOSTILE,
        title_raw=HOSTILE,
        company=HOSTILE,
        location_raw=HOSTILE,
        annual_usd_mid=1.1e9,
        salary_raw=HOSTILE,
        salary_flagged=True,
        flagged=True,
        flags=[{"code": "salary_implausible", "message": f"annual maximum {HOSTILE} is beyond any real salary"}],
        tags=[HOSTILE],
        description_html=f"<p>Fine text</p>{HOSTILE}<a href='javascript:alert(1)'>x</a>",
        payload={"title": HOSTILE},
        first_seen=since + timedelta(hours=1),
    )
    add_change(db, ids["hostile"], "title")
    return ids


def page(client: TestClient, url: str, status: int = 200) -> lxml_html.HtmlElement:
    response = client.get(url)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    tree: lxml_html.HtmlElement = lxml_html.fromstring(response.text)
    return tree


def count(tree: lxml_html.HtmlElement, css_class: str, tag: str = "*") -> int:
    return len(tree.xpath(f"//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')]"))


def test_home_lists_categories_with_one_range_bar_per_category_with_quartiles(db: Engine, client: TestClient) -> None:
    seed(db)
    tree = page(client, "/")
    categories = tree.xpath("//div[contains(@class, 'ranges')]//a[@class='cat']/text()")
    assert categories == ["Data Engineer", "Data Scientist"]  # only categories with open jobs, highest median first
    assert count(tree, "range", "rect") == 1  # data scientists have 2 salaries: too few for a range
    assert "too few for a range" in tree.text_content()
    assert tree.xpath("//head/meta[@name='viewport']")
    assert tree.xpath("//link[@rel='stylesheet']/@href") == ["/static/dashboard.css"]


def test_range_bar_positions_follow_the_quartiles(db: Engine, client: TestClient) -> None:
    seed(db)
    tree = page(client, "/")
    (label,) = tree.xpath("//svg[contains(@class, 'range-bar')]/@aria-label")
    # p25 63,750, p50 82,500, p75 112,500 (worked out in test_salaries.py)
    assert label == "25th percentile $63.8k, median $82.5k, 75th percentile $113k"
    (median,) = tree.xpath("//svg[contains(@class, 'range-bar')]/*[@class='median']/@x1")
    (bar,) = tree.xpath("//svg[contains(@class, 'range-bar')]/*[@class='range']")
    left, width = float(bar.get("x").rstrip("%")), float(bar.get("width").rstrip("%"))
    assert left < float(median.rstrip("%")) < left + width


def test_home_marks_failed_and_suspect_sources_red(db: Engine, client: TestClient) -> None:
    add_run(db, "alpha", "succeeded", minutes_ago=30)
    add_run(db, "beta", "failed", error="DNS lookup failed for beta.example")
    tree = page(client, "/")
    statuses = {
        li.xpath("string(a)"): li.xpath("string(span[contains(@class, 'status')]/@class)")
        for li in tree.xpath("//ul[@class='health']/li")
    }
    assert statuses == {"alpha": "status status-succeeded", "beta": "status status-failed"}
    assert "1/2" in tree.xpath("string(//a[contains(@class, 'tile bad')])")


def test_suspect_run_is_marked_on_the_sources_page(db: Engine, client: TestClient) -> None:
    add_run(db, "alpha", "succeeded")
    with db.begin() as connection:
        connection.exec_driver_sql("UPDATE scrape_runs SET suspect = true")
    tree = page(client, "/sources")
    assert count(tree, "status-suspect", "span") == 2  # the headline mark and the recent-runs dot
    assert "never run" in tree.text_content()  # beta


def test_category_page_has_histogram_history_and_feeds(db: Engine, client: TestClient) -> None:
    seed(db)
    tree = page(client, "/categories/data-engineer")
    assert count(tree, "bar", "rect") == 9
    assert sum(int(c) for c in tree.xpath("//rect[@class='bar']/@data-count")) == len(SALARIES)
    assert count(tree, "point", "circle") == 3 * (WEEKS_BACK + 1)
    assert count(tree, "p50", "circle") == WEEKS_BACK + 1
    text = tree.text_content()
    assert "Annual salary, USD" in text and "Postings" in text
    feeds = tree.xpath("//a[@class='feed']/@href")
    assert feeds == ["/feeds/data-engineer.rss", "/feeds/data-engineer.atom", "/feeds/data-engineer.json"]
    assert len(tree.xpath("//li[@class='job']")) == len(SALARIES) + 1  # the flagged one is listed too


def test_category_with_too_few_salaries_says_so_instead_of_charting(db: Engine, client: TestClient) -> None:
    seed(db)
    tree = page(client, "/categories/data-scientist")
    assert count(tree, "bar", "rect") == 0 and count(tree, "point", "circle") == 0
    assert "Fewer than 5 salaries" in tree.text_content()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?remote=remote", 5),  # four and the flagged one
        ("?remote=onsite&country=de", 2),
        ("?seniority=senior", 4),
        ("?min_salary=100k", 2),  # 120k and 200k; the flagged 1.1 billion never matches
        ("?min_salary=&remote=&country=&seniority=", 7),  # a submitted empty form means "any"
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_category_filters_apply(db: Engine, client: TestClient, query: str, expected: int) -> None:
    seed(db)
    tree = page(client, f"/categories/data-engineer{query}")
    assert len(tree.xpath("//li[@class='job']")) == expected


@pytest.mark.parametrize(
    "query",
    ["?remote=moon", "?country=USA", "?seniority=wizard", "?min_salary=lots", "?cursor=garbage"],
    ids=lambda v: v,
)
def test_bad_filter_values_are_named_not_fatal(db: Engine, client: TestClient, query: str) -> None:
    seed(db)
    tree = page(client, f"/categories/data-engineer{query}")
    assert tree.xpath("//p[@class='error']")
    assert len(tree.xpath("//li[@class='job']")) == 7


def test_category_pages_with_the_cursor(db: Engine, client: TestClient) -> None:
    since = datetime.now(UTC) - timedelta(days=2)
    for i in range(30):
        add_posting(db, title=f"Engineer {i:02d}", first_seen=since + timedelta(minutes=i))
    first = page(client, "/categories/data-engineer?remote=remote")
    titles = first.xpath("//a[@class='job-title']/text()")
    assert titles[0] == "Engineer 29" and len(titles) == 25
    (older,) = first.xpath("//a[@rel='next']/@href")
    assert older.startswith("?") and "remote=remote" in older and "cursor=" in older
    second = page(client, f"/categories/data-engineer{older}")
    assert second.xpath("//a[@class='job-title']/text()") == [f"Engineer {i:02d}" for i in range(4, -1, -1)]
    assert not second.xpath("//a[@rel='next']")


@pytest.mark.parametrize("url", ["/", "/categories/data-engineer", "/outliers", "/sources", "JOB"], ids=str)
def test_hostile_strings_are_escaped_everywhere(db: Engine, client: TestClient, url: str) -> None:
    ids = seed(db)
    add_run(db, "alpha", "failed", error=HOSTILE)
    body = client.get(url.replace("JOB", f"/jobs/{ids['hostile']}")).text
    tree = lxml_html.fromstring(body)
    assert not tree.xpath("//script") and not tree.xpath("//@*[starts-with(name(), 'on')]")
    assert not tree.xpath("//@*[contains(., 'javascript:')]")
    assert "<script>" not in body
    assert HOSTILE in tree.text_content()  # shown as text, as the source printed it


def test_outliers_page_gives_the_reason_in_words(db: Engine, client: TestClient) -> None:
    ids = seed(db)
    tree = page(client, "/outliers")
    (job,) = tree.xpath("//li[@class='job']")
    assert job.xpath("string(.//a[@class='job-title']/@href)") == f"/jobs/{ids['hostile']}"
    reason = job.xpath("string(.//ul[@class='flags']/li)")
    assert reason.startswith("Implausible salary. annual maximum") and HOSTILE in reason


def test_outliers_page_lists_salaries_kept_out_and_every_finding_on_request(db: Engine, client: TestClient) -> None:
    ids = seed(db)
    nameless = add_posting(
        db,
        title="Nameless Employer Role",
        company=None,
        flagged=True,
        flags=[{"code": "company_missing", "message": "the posting names no company"}],
    )
    salaries_only = page(client, "/outliers")
    assert [a.get("href") for a in salaries_only.xpath("//a[@class='job-title']")] == [f"/jobs/{ids['hostile']}"]
    assert "1 open posting state a salary that was kept out" in salaries_only.text_content()
    every = page(client, "/outliers?show=all")
    hrefs = [a.get("href") for a in every.xpath("//a[@class='job-title']")]
    assert sorted(hrefs) == sorted([f"/jobs/{ids['hostile']}", f"/jobs/{nameless}"])
    assert "Company missing." in every.text_content()
    # the home page's outliers tile counts the salary findings, not the note
    tile = page(client, "/").xpath("//a[@class='tile'][@href='/outliers']/span[@class='num']")[0]
    assert tile.text_content() == "1"


def test_job_page_shows_fields_beside_raw_values_sources_and_history(db: Engine, client: TestClient) -> None:
    ids = seed(db)
    copy = add_posting(db, source="beta", title=HOSTILE, duplicate_of=ids["hostile"])
    tree = page(client, f"/jobs/{ids['hostile']}")
    rows = {
        r.xpath("string(th)"): (r.xpath("string(td[1])"), r.xpath("string(td[2])")) for r in tree.xpath("//tbody/tr")
    }
    assert rows["Title"] == (HOSTILE, HOSTILE)
    assert rows["Salary"][1] == HOSTILE and "$1.1B" in rows["Salary"][0]
    assert rows["Remote"] == ("Remote", HOSTILE)
    assert tree.xpath("//ul[@class='listings']/li/a[1]/text()") == ["alpha", "beta"]
    assert tree.xpath("//ol[@class='changes']/li/strong/text()") == ["title"]
    description = tree.xpath("//section[contains(@class, 'description')]")[0]
    assert description.xpath(".//p/text()") == ["Fine text"] and not description.xpath(".//script")
    notice = page(client, f"/jobs/{copy}").xpath("string(//p[@class='notice'])")
    assert f"job #{ids['hostile']}" in notice


@pytest.mark.parametrize(
    "url", ["/categories/astrologer", "/categories/%3Cb%3Ebold", "/jobs/999999", "/jobs/abc", "/jobs/0"], ids=str
)
def test_unknown_pages_are_a_friendly_html_404(db: Engine, client: TestClient, url: str) -> None:
    tree = page(client, url, status=404)
    assert tree.xpath("string(//h1)") == "Not found"
    assert tree.xpath("//a[@href='/categories/data-engineer']")  # a way on
    assert not tree.xpath("//b")


def test_empty_database_renders_every_page(db: Engine, client: TestClient) -> None:
    for url in ("/", "/categories/data-engineer", "/outliers", "/sources"):
        tree = page(client, url)
        assert tree.xpath("//*[@class='empty']"), url


def test_pages_are_cached_by_data_version_and_answer_304(db: Engine, client: TestClient) -> None:
    first = client.get("/")
    assert client.get("/", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    add_posting(db, first_seen=datetime.now(UTC))
    # the home page's salary ranges are slow at scale: the previous page answers while the new one renders
    client.get("/", headers={"If-None-Match": first.headers["etag"]})
    client.app.state.cache.wait_for_refreshes()  # type: ignore[attr-defined]
    second = client.get("/", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200 and "Data Engineer" in second.text


def test_stylesheet_is_served_and_pages_stay_out_of_the_openapi_schema(
    client: TestClient, openapi: dict[str, Any]
) -> None:
    css = client.get("/static/dashboard.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/static/dashboard.css", headers={"If-None-Match": css.headers["etag"]}).status_code == 304
    paths = openapi["paths"]
    assert "/" not in paths and "/categories/{slug}" not in paths


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(120_000, "$120k"), (112_500, "$113k"), (87_500, "$87.5k"), (999_999, "$1M"), (1.1e9, "$1.1B"), (950, "$950")],
    ids=str,
)
def test_amounts_read_as_people_write_them(amount: float, shown: str) -> None:
    assert format_usd(amount) == shown


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("120000", 120_000.0), ("120k", 120_000.0), ("$95,000", 95_000.0), ("USD 80K", 80_000.0), ("  ", None)],
    ids=str,
)
def test_minimum_salary_input(typed: str, amount: float | None) -> None:
    assert parse_salary_input(typed) == amount


@pytest.mark.parametrize("typed", ["lots", "-5", "1e12", "nan", "inf"], ids=str)
def test_minimum_salary_input_refuses_what_is_not_an_amount(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_salary_input(typed)


def test_history_chart_breaks_its_lines_where_a_week_had_too_few_salaries() -> None:
    def point(day: int, p50: float | None) -> HistoryPointOut:
        quartiles = (None, None, None) if p50 is None else (p50 - 10_000, p50, p50 + 10_000)
        return HistoryPointOut(start=date(2026, 11, day), count=9, p25=quartiles[0], p50=quartiles[1], p75=quartiles[2])

    svg = str(salary_history_chart([point(2, 100_000), point(9, 110_000), point(16, None), point(23, 120_000)]))
    tree = lxml_html.fromstring(svg)
    assert len(tree.xpath("//circle[contains(@class, 'p50')]")) == 3
    assert len(tree.xpath("//polyline[contains(@class, 'p50')]")) == 1  # weeks 2-9 joined; 23 alone, a dot
    assert not salary_history_chart([point(2, None)])
