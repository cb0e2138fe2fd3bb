"""Cross-source dedup of postings that name no company, against real PostgreSQL and SQLite.

On one board the same title, location, salary and posting date are one posting (issue 13.5): an aijobs.net
listing card names no company, and two sources reading the same board (the listing page and its htmx fragment)
must not serve its jobs twice. The cards are the board's real listing fixture, parsed, normalized and validated
as a run does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from models.records import BOARD_FINGERPRINT_PREFIX, NormalizedPosting, RawPosting
from models.tables import Posting
from scraper.config import SourceConfig
from scraper.fetching import Page
from scraper.normalization.posting import NormalizationContext, fingerprint, normalize_posting
from scraper.sources.featured_html import FeaturedHtmlSource
from scraper.storage.postings import close_missing, upsert_postings
from scraper.validation.posting import validate_posting

LISTING = Path(__file__).parents[2] / "fixtures" / "sources" / "featured_html" / "listing_fragment.html"
BOARD = "https://ai-jobs.net/"
MORNING = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
AFTERNOON = MORNING + timedelta(hours=3)  # "3h ago" is another time but the same day
# The listing's cards: 310245 and 309877 state a salary and a date; 310198 ("Data Analyst") states no salary.
PAID, UNPAID, OTHER_PAID = "310245", "310198", "309877"


def cards(fetched_at: datetime) -> list[RawPosting]:
    config = SourceConfig(name="aijobs", kind="featured-html", url=BOARD, every_seconds=7200)
    page = Page(
        url=BOARD,
        status=200,
        headers={"content-type": "text/html"},
        content=LISTING.read_bytes(),
        fetched_at=fetched_at,
    )
    found = [raw for raw in FeaturedHtmlSource(config).parse(page) if isinstance(raw, RawPosting)]
    assert {raw.external_id for raw in found} == {PAID, UNPAID, OTHER_PAID}
    assert all(raw.company is None for raw in found)
    return found


def stored(source: str, raws: list[RawPosting], now: datetime) -> list[NormalizedPosting]:
    context = NormalizationContext(now=now)
    return [
        validate_posting(
            normalize_posting(dataclasses.replace(raw, source=source), context), rates=context.rates, now=now
        )
        for raw in raws
    ]


def store_run(
    engine: Engine, new_run: Callable[..., int], source: str, postings: list[NormalizedPosting], now: datetime
) -> None:
    upsert_postings(engine, source, postings, run_id=new_run(engine), now=now)


def duplicate_of(engine: Engine) -> dict[str, str | None]:
    with engine.connect() as connection:
        found = connection.execute(select(Posting.id, Posting.source, Posting.external_id, Posting.duplicate_of)).all()
    names = {row.id: f"{row.source}/{row.external_id}" for row in found}
    return {names[row.id]: names.get(row.duplicate_of) for row in found}


def test_one_board_read_by_two_sources_is_one_posting_per_job(store: Engine, new_run: Callable[..., int]) -> None:
    board = stored("board", cards(MORNING), MORNING)
    other = stored("other", cards(AFTERNOON), AFTERNOON)
    assert all(posting.fingerprint.startswith(BOARD_FINGERPRINT_PREFIX) for posting in board if posting.salary)
    store_run(store, new_run, "board", board, MORNING)
    store_run(store, new_run, "other", other, AFTERNOON)

    assert duplicate_of(store) == {
        f"board/{PAID}": None,
        f"board/{OTHER_PAID}": None,
        f"board/{UNPAID}": None,
        f"other/{PAID}": f"board/{PAID}",
        f"other/{OTHER_PAID}": f"board/{OTHER_PAID}",
        f"other/{UNPAID}": None,  # no salary: title, location and date alone are too little to tell
    }

    # the representative closes: the other source's copy stands alone, and comes back under it on reopening
    assert (
        close_missing(store, "board", [], run_id=new_run(store), now=AFTERNOON + timedelta(hours=1), misses_to_close=1)
        == 3
    )
    assert duplicate_of(store)[f"other/{PAID}"] is None
    store_run(store, new_run, "board", board, AFTERNOON + timedelta(hours=2))
    assert duplicate_of(store)[f"other/{PAID}"] == f"board/{PAID}"


def _salary(text: str) -> Callable[[RawPosting], RawPosting]:
    return lambda raw: dataclasses.replace(raw, salary_text=text)


@pytest.mark.parametrize(
    "change",
    [
        _salary("USD 190K-250K"),
        lambda raw: dataclasses.replace(raw, url=raw.url.replace("ai-jobs.net", "remote-jobs.example")),  # type: ignore[union-attr]
        lambda raw: dataclasses.replace(raw, posted_at="2d ago"),
        lambda raw: dataclasses.replace(raw, title="Staff LLM Training Engineer"),
        lambda raw: dataclasses.replace(raw, locations=("Remote - Canada",)),
        lambda raw: dataclasses.replace(raw, salary_text=None),
        lambda raw: dataclasses.replace(raw, posted_at=None),
    ],
    ids=["another salary", "another board", "another day", "another title", "another location", "no salary", "no date"],
)
def test_not_one_posting(
    store: Engine, new_run: Callable[..., int], change: Callable[[RawPosting], RawPosting]
) -> None:
    [paid] = [raw for raw in cards(MORNING) if raw.external_id == PAID]
    store_run(store, new_run, "board", stored("board", [paid], MORNING), MORNING)
    store_run(store, new_run, "other", stored("other", [change(paid)], MORNING), MORNING)
    assert duplicate_of(store) == {f"board/{PAID}": None, f"other/{PAID}": None}


def test_a_posting_stored_before_board_keys_links_once_it_is_seen_again(
    store: Engine, new_run: Callable[..., int]
) -> None:
    """A posting without a company stored with the old company-blind key (title and location alone, which links
    nothing) gets its board key on its next sighting, which rewrites it (the key is part of its content) and runs
    the dedup pass: no migration, and no duplicate left behind."""
    [paid] = stored("board", [raw for raw in cards(MORNING) if raw.external_id == PAID], MORNING)
    old_key = fingerprint(None, paid.title, paid.location.raw)
    store_run(store, new_run, "board", [dataclasses.replace(paid, fingerprint=old_key)], MORNING)
    [copy] = stored("other", [raw for raw in cards(AFTERNOON) if raw.external_id == PAID], AFTERNOON)
    store_run(store, new_run, "other", [copy], AFTERNOON)
    assert duplicate_of(store) == {f"board/{PAID}": None, f"other/{PAID}": None}

    store_run(store, new_run, "board", [paid], AFTERNOON + timedelta(hours=2))
    assert duplicate_of(store) == {f"board/{PAID}": None, f"other/{PAID}": f"board/{PAID}"}


def test_the_old_company_blind_key_still_links_nothing(store: Engine, new_run: Callable[..., int]) -> None:
    [paid] = stored("board", [raw for raw in cards(MORNING) if raw.external_id == PAID], MORNING)
    old_key = fingerprint(None, paid.title, paid.location.raw)
    store_run(store, new_run, "board", [dataclasses.replace(paid, fingerprint=old_key)], MORNING)
    store_run(store, new_run, "other", [dataclasses.replace(paid, source="other", fingerprint=old_key)], MORNING)
    assert duplicate_of(store) == {f"board/{PAID}": None, f"other/{PAID}": None}
