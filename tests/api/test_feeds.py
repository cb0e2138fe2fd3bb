"""Feeds: RSS/Atom/JSON Feed parse cleanly (feedparser bozo 0, JSON Feed required fields), item ids stay put,
conditional GETs answer 304, and hostile scraped text yields well-formed feeds with nothing live in them."""

from __future__ import annotations

from datetime import timedelta

import feedparser
import pytest
from defusedxml import ElementTree
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from models.tables import Posting
from tests.api.conftest import BASE_TIME, add_change, add_posting

FORMATS = ["rss", "atom", "json"]
HOSTILE_TITLE = 'Data <script>alert("t")</script>Engineer ]]> <img src=x onerror=alert(1)>\x07\x1b'
HOSTILE_DESCRIPTION = (
    '<p onclick="steal()">Hi</p><script>alert("d")</script>]]><img src=x onerror="alert(1)">'
    '<a href="javascript:alert(1)">apply</a><a href=" JaVaScRiPt:alert(2)">again</a>\x01\x0b'
)
LIVE = ("<script", "onerror", "onclick", "javascript:")


def entries(client: TestClient, path: str) -> list[dict[str, str]]:
    """(id, title, link, summary) of each entry: through feedparser (bozo must be 0) for RSS and Atom;
    feedparser 6 reads no JSON Feed, so that one is checked against the 1.1 required fields."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    if path.split("?")[0].endswith(".json"):
        document = response.json()
        assert document["version"] == "https://jsonfeed.org/version/1.1" and isinstance(document["title"], str)
        for item in document["items"]:
            assert isinstance(item["id"], str) and isinstance(item.get("content_html"), str)
        return [{k: item[v] for k, v in FIELDS.items()} for item in document["items"]]
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return [{k: entry[k] for k in FIELDS} for entry in parsed.entries]


FIELDS = {"id": "id", "title": "title", "link": "url", "summary": "summary"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_feeds_parse_cleanly(db: Engine, client: TestClient, fmt: str) -> None:
    add_posting(
        db,
        title="Data Engineer",
        company="Acme",
        location_raw="Berlin, DE",
        salary_raw="EUR 70K - 90K",
        annual_usd_min=75_000.0,
        annual_usd_max=97_000.0,
        annual_usd_mid=86_000.0,
    )
    add_posting(db, title="Analyst", category="data-analyst", first_seen=BASE_TIME - timedelta(hours=1))
    found = entries(client, f"/feeds/data-engineer.{fmt}")
    assert len(found) == 1
    entry = found[0]
    assert entry["title"] == "Data Engineer at Acme (Berlin, DE)"
    assert "EUR 70K - 90K" in entry["summary"]
    assert entry["link"].startswith("https://alpha.example/jobs/")
    assert len(entries(client, f"/feeds/all.{fmt}")) == 2


def test_json_feed_has_its_required_fields_and_the_record(db: Engine, client: TestClient) -> None:
    posting_id = add_posting(db)
    document = client.get("/feeds/all.json").json()
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str) and document["items"]
    item = document["items"][0]
    assert isinstance(item["id"], str) and ("content_html" in item or "content_text" in item)
    assert item["_jobfeed"]["id"] == posting_id and item["_jobfeed"]["sources"] == ["alpha"]
    assert client.get("/feeds/all.json").headers["content-type"].startswith("application/feed+json")


@pytest.mark.parametrize("fmt", FORMATS)
def test_item_ids_are_stable_across_updates(db: Engine, client: TestClient, fmt: str) -> None:
    posting_id = add_posting(db)
    before = entries(client, f"/feeds/all.{fmt}")[0]["id"]
    with db.begin() as connection:
        connection.execute(update(Posting).where(Posting.id == posting_id).values(title="Staff Data Engineer"))
    add_change(db, posting_id)
    after = entries(client, f"/feeds/all.{fmt}")[0]
    assert after["title"].startswith("Staff Data Engineer") and after["id"] == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_conditional_get(db: Engine, client: TestClient, fmt: str) -> None:
    add_posting(db)
    first = client.get(f"/feeds/all.{fmt}")
    assert client.get(f"/feeds/all.{fmt}", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    since = first.headers["last-modified"]
    assert client.get(f"/feeds/all.{fmt}", headers={"If-Modified-Since": since}).status_code == 304
    add_posting(db, first_seen=BASE_TIME + timedelta(days=1))
    assert client.get(f"/feeds/all.{fmt}", headers={"If-None-Match": first.headers["etag"]}).status_code == 200


def _hostile(db: Engine) -> None:
    nul = "" if db.dialect.name == "postgresql" else "\x00"  # PostgreSQL text cannot hold NUL at all
    add_posting(
        db,
        title=HOSTILE_TITLE + nul,
        company="<b>Evil</b> & Co]]>",
        url="javascript:alert(1)",
        location_raw="<svg onload=alert(1)>",
        description_html=HOSTILE_DESCRIPTION + nul,
        tags=["<script>x</script>"],
        salary_raw="USD <i>1</i>",
    )


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_hostile_text_yields_well_formed_xml_with_nothing_live(db: Engine, client: TestClient, fmt: str) -> None:
    _hostile(db)
    body = client.get(f"/feeds/all.{fmt}").content
    root = ElementTree.fromstring(body)  # well-formed, or this raises
    texts = [element.text or "" for element in root.iter()]
    markup = [e.tag for e in root.iter() if e.tag.rsplit("}", 1)[-1] in {"script", "img", "a", "svg", "b", "i"}]
    assert markup == []
    titles = [e.text or "" for e in root.iter() if e.tag.endswith("title")]
    assert all("<" not in title and ">" not in title for title in titles)
    for text in texts:  # the HTML carried in descriptions, once XML-decoded, is sanitized
        for live in LIVE:
            assert live not in text.lower()
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0 and parsed.entries[0].title.startswith("Data Engineer")
    assert parsed.entries[0].link.startswith("http://testserver/api/v1/jobs/")


def test_hostile_text_in_the_json_feed_and_detail_is_inert(db: Engine, client: TestClient) -> None:
    _hostile(db)
    body = client.get("/feeds/all.json").content
    assert b"<" not in body and b">" not in body  # escaped as \u003c / \u003e even inside the record
    document = client.get("/feeds/all.json").json()
    item = document["items"][0]
    for live in LIVE:
        assert live not in item["content_html"].lower()
        assert live not in item["title"].lower()
    assert item["url"].startswith("http://testserver/api/v1/jobs/")
    detail = client.get(f"/api/v1/jobs/{item['_jobfeed']['id']}").json()
    for live in LIVE:
        assert live not in (detail["description_html"] or "").lower()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/feeds/astrologer.rss", 404),
        ("/feeds/all.rss?limit=201", 422),
        ("/feeds/all.atom?category=nope", 422),
        ("/feeds/all.xml", 404),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_bad_feed_requests(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["message"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_urls_with_tracking_parameters_still_answer(db: Engine, client: TestClient, fmt: str) -> None:
    add_posting(db, title="Data Engineer", company="Acme")
    found = entries(client, f"/feeds/data-engineer.{fmt}?utm_source=newsletter&utm_medium=email&_=1732881234")
    assert [entry["title"] for entry in found] == ["Data Engineer at Acme (Remote, US)"]


def test_the_jobs_api_still_refuses_a_misspelt_filter(client: TestClient) -> None:
    response = client.get("/api/v1/jobs?categroy=data-engineer")
    assert response.status_code == 422
    assert "categroy" in response.text


def test_a_salary_read_in_text_says_so_in_the_feed(db: Engine, client: TestClient) -> None:
    add_posting(db, title="Read In Text", annual_usd_mid=120_000.0, salary_origin="text")
    add_posting(db, title="Stated", annual_usd_mid=130_000.0, salary_origin="structured", first_seen=BASE_TIME)
    items = {item["_jobfeed"]["title"]: item for item in client.get("/feeds/all.json").json()["items"]}
    assert items["Read In Text"]["_jobfeed"]["salary"]["origin"] == "text"
    assert "read in the posting text" in items["Read In Text"]["summary"]
    assert "read in the posting text" not in items["Stated"]["summary"]
