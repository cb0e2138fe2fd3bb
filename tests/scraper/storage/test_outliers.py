"""recompute_outliers sets and clears `salary_outlier` against the category's open postings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from models.records import Flag, NormalizedPosting
from scraper.storage.outliers import recompute_outliers
from scraper.storage.postings import close_missing, upsert_postings

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
IMPLAUSIBLE = Flag("salary_implausible", "annual maximum 1.1 billion USD is beyond any real salary")


def outlier_codes(stored: dict[str, Any]) -> dict[str, tuple[list[str], bool, bool]]:
    return {
        key: ([flag["code"] for flag in row.flags], row.salary_flagged, row.flagged)
        for key, row in stored.items()
        if row.flags
    }


def category(make_posting: Callable[..., NormalizedPosting], size: int = 24) -> list[NormalizedPosting]:
    return [
        make_posting(f"p{i}", title=f"Role {i}", salary=(60_000 + 6_000 * i, 70_000 + 6_000 * i)) for i in range(size)
    ]


def test_sets_and_clears_the_flag(
    store: Engine,
    make_posting: Callable[..., NormalizedPosting],
    new_run: Callable[..., int],
    rows: Callable[[Engine], dict[str, Any]],
) -> None:
    run_id = new_run(store)
    high = make_posting("high", title="Lead", salary=(5_000_000, 6_000_000))
    huge = make_posting("huge", title="Typo", salary=(1_111_111_000, 1_111_111_000), flags=(IMPLAUSIBLE,))
    other = make_posting("other-cat", category="data-scientist", salary=(9_000_000, 9_000_000))
    upsert_postings(store, "board", [*category(make_posting), high, huge, other], run_id=run_id, now=T0)

    assert recompute_outliers(store, {"data-engineer", "data-scientist"}) == 1
    # the implausible one keeps only its own flag: it is not in the distribution, so not judged against it
    assert outlier_codes(rows(store)) == {
        "board/high": (["salary_outlier"], True, True),
        "board/huge": (["salary_implausible"], True, True),
    }
    message = rows(store)["board/high"].flags[0]["message"]
    assert message.startswith("annual midpoint 5.5 million USD")
    assert recompute_outliers(store, {"data-engineer"}) == 0  # nothing to change the second time

    # the salary is corrected: the flag no longer holds
    upsert_postings(
        store, "board", [make_posting("high", title="Lead", salary=(150_000, 160_000))], run_id=run_id, now=T0 + HOUR
    )
    assert recompute_outliers(store, {"data-engineer"}) == 0  # the rewrite already dropped it with the old salary
    assert "board/high" not in outlier_codes(rows(store))

    # back up, then the category shrinks below the minimum sample: cleared again
    upsert_postings(store, "board", [high], run_id=run_id, now=T0 + 2 * HOUR)
    assert recompute_outliers(store, {"data-engineer"}) == 1
    assert (
        close_missing(store, "board", ["high", "huge", "p0"], run_id=run_id, now=T0 + 3 * HOUR, misses_to_close=1) == 24
    )  # p1..p23 and other-cat
    assert recompute_outliers(store, {"data-engineer"}) == 1
    assert outlier_codes(rows(store)) == {"board/huge": (["salary_implausible"], True, True)}


def test_keeps_other_flags_when_clearing(
    store: Engine,
    make_posting: Callable[..., NormalizedPosting],
    new_run: Callable[..., int],
    rows: Callable[[Engine], dict[str, Any]],
) -> None:
    run_id = new_run(store)
    stale = Flag("posted_long_ago", "posted over a year ago")
    high = make_posting("high", title="Lead", salary=(5_000_000, 6_000_000), flags=(stale,))
    upsert_postings(store, "board", [*category(make_posting), high], run_id=run_id, now=T0)
    recompute_outliers(store, {"data-engineer"})
    assert outlier_codes(rows(store)) == {"board/high": (["posted_long_ago", "salary_outlier"], True, True)}
    close_missing(store, "board", ["high"], run_id=run_id, now=T0 + HOUR, misses_to_close=1)
    recompute_outliers(store, {"data-engineer"})
    assert outlier_codes(rows(store)) == {"board/high": (["posted_long_ago"], False, True)}


def test_a_run_judges_only_its_own_postings(
    store: Engine,
    make_posting: Callable[..., NormalizedPosting],
    new_run: Callable[..., int],
    rows: Callable[[Engine], dict[str, Any]],
) -> None:
    from scraper.storage.outliers import OutlierJudge

    run_id = new_run(store)
    upsert_postings(store, "board", category(make_posting), run_id=run_id, now=T0)
    # another source's outlier, stored earlier and not judged yet
    earlier = make_posting("far", source="other", title="Lead", salary=(9_000_000, 9_000_000))
    upsert_postings(store, "other", [earlier], run_id=new_run(store, "other"), now=T0)
    # this run of `board` sees its 24 postings again plus one outlier of its own
    high = make_posting("high", title="Lead", salary=(5_000_000, 6_000_000))
    upsert_postings(store, "board", [*category(make_posting), high], run_id=run_id, now=T0 + HOUR)

    judge = OutlierJudge()
    assert judge.judge_run(store, "board", {"data-engineer"}, T0 + HOUR) == 1
    assert outlier_codes(rows(store)) == {"board/high": (["salary_outlier"], True, True)}  # `other/far` untouched
    assert judge.judge_run(store, "board", {"data-engineer"}, T0 + HOUR) == 0
    # the other source's own run judges its posting against the same (cached) bounds
    assert judge.judge_run(store, "other", {"data-engineer"}, T0) == 1
    assert "other/far" in outlier_codes(rows(store))
