"""Remote mode from a format's own workplace field: the values real payloads carry, read the same for every kind."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from models.enums import RemoteMode
from models.records import RawPosting
from scraper.config import SourceConfig
from scraper.fetching import Page
from scraper.normalization.location import parse_location
from scraper.normalization.posting import NormalizationContext, normalize_posting
from scraper.normalization.workplace import parse_workplace
from scraper.sources.greenhouse import GreenhouseSource
from scraper.sources.rss import parse_feed

REMOTE, HYBRID, ONSITE = RemoteMode.REMOTE, RemoteMode.HYBRID, RemoteMode.ONSITE

# (value as the source hands it over, mode, vetoes a remote reading of the text)
VALUES = [
    # Greenhouse "Location Type" custom metadata
    ("Remote", REMOTE, False),
    ("On-Site", ONSITE, False),
    ("Hybrid (Travel-Required)", HYBRID, False),
    ("Remote - US", REMOTE, False),
    # Lever workplaceType
    ("remote", REMOTE, False),
    ("hybrid", HYBRID, False),
    ("onsite", ONSITE, False),
    ("unspecified", None, False),
    # Ashby workplaceType / isRemote
    ("Remote", REMOTE, False),
    ("OnSite", ONSITE, False),
    ("Hybrid", HYBRID, False),
    ("true", REMOTE, False),
    ("false", None, True),
    # JSON-LD jobLocationType
    ("TELECOMMUTE", REMOTE, False),
    ("ON_SITE", ONSITE, False),
    # Workable "remote": true, "workplace": "hybrid" / "on_site" / "remote"
    ("hybrid", HYBRID, False),
    ("on_site", ONSITE, False),
    # Recruitee remote / hybrid / on_site booleans (the name of the one that is true)
    ("on_site", ONSITE, False),
    # BambooHR isRemote and locationType ("0" on site, "1" remote, "2" hybrid)
    ("1", REMOTE, False),
    ("2", HYBRID, False),
    ("0", None, True),
    # Workday remoteType
    ("Fully Remote", REMOTE, False),
    ("Flexible", None, False),
    ("On Site", ONSITE, False),
    # other spellings
    ("Non-Remote", ONSITE, False),
    ("Work from home", REMOTE, False),
    ("", None, False),
    (None, None, False),
]


@pytest.mark.parametrize(("value", "mode", "vetoes"), VALUES, ids=[repr(v[0]) for v in VALUES])
def test_parse_workplace(value: str | None, mode: RemoteMode | None, vetoes: bool) -> None:
    assert parse_workplace(value) == (mode, vetoes)


@pytest.mark.parametrize(
    ("locations", "value", "mode"),
    [
        (["Berlin"], "Hybrid (Travel-Required)", HYBRID),  # the stated value wins over the text
        (["Remote - US"], "false", None),  # isRemote=false vetoes the text's "Remote"
        (["Remote - US"], None, REMOTE),  # no value: the text decides
        (["New York, NY"], "TELECOMMUTE", REMOTE),
    ],
)
def test_the_stated_value_decides_over_the_text(locations: list[str], value: str | None, mode: RemoteMode) -> None:
    assert parse_location(locations, remote_hint=value).remote is mode


def test_greenhouse_location_type_metadata_reaches_the_posting() -> None:
    job = {
        "id": 1,
        "title": "Data Engineer",
        "absolute_url": "https://boards.greenhouse.io/acme/jobs/1",
        "location": {"name": "Berlin"},
        "metadata": [
            {"id": 7, "name": "Location Type", "value": "Hybrid (Travel-Required)", "value_type": "single_select"}
        ],
    }
    page = Page(
        url="https://boards-api.greenhouse.io/v1/boards/acme/jobs",
        status=200,
        headers={"content-type": "application/json"},
        content=json.dumps({"jobs": [job]}).encode(),
        fetched_at=datetime(2026, 12, 4, tzinfo=UTC),
    )
    source = GreenhouseSource(
        SourceConfig(
            name="acme",
            kind="greenhouse",
            url="https://boards-api.greenhouse.io",
            every_seconds=3600,
            options={"board": "acme", "company": "Acme"},
        )
    )
    [raw] = list(source.parse(page))
    assert isinstance(raw, RawPosting) and raw.remote == "Hybrid (Travel-Required)"
    posting = normalize_posting(raw, NormalizationContext(now=datetime(2026, 12, 4, tzinfo=UTC)))
    assert (posting.location.remote, posting.location.countries) == (HYBRID, ("DE",))


def test_wwr_anywhere_in_the_world_with_a_headquarters_state_is_worldwide_remote() -> None:
    feed = b"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><item>
      <title>Brightloom: Senior Backend Engineer</title><region>Anywhere in the World</region>
      <country></country><state>Colorado</state>
      <guid>https://weworkremotely.com/remote-jobs/brightloom-senior-backend-engineer</guid>
      <link>https://weworkremotely.com/remote-jobs/brightloom-senior-backend-engineer</link>
    </item></channel></rss>"""
    page = Page(
        url="https://weworkremotely.com/remote-jobs.rss",
        status=200,
        headers={"content-type": "application/rss+xml"},
        content=feed,
        fetched_at=datetime(2026, 12, 4, tzinfo=UTC),
    )
    [raw] = list(parse_feed(page, "wwr"))
    assert isinstance(raw, RawPosting) and raw.payload["state"] == "Colorado"
    location = normalize_posting(raw, NormalizationContext(now=datetime(2026, 12, 4, tzinfo=UTC))).location
    assert (location.remote, location.countries, location.regions) == (REMOTE, (), ("WORLDWIDE",))
