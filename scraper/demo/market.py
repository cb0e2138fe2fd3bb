"""The generated market of `jobfeed demo`: ~25 boards and ~1,000 postings over 26 weeks, drawn from data/market.toml.

Pure and seeded: the same file gives the same boards, postings, openings, closings and salary changes every time.
A posting opens in a past week (a negative round), may close in a later one and may be repriced on the way.
"""

from __future__ import annotations

import dataclasses
import functools
import random
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Final

from scraper.demo.records import HISTORY_WEEKS, Board, DemoJob, Pay

KINDS: Final = ("greenhouse", "lever", "ashby", "jsonld", "rss")
# A level's share of postings, the word its title starts with, and its pay against a mid-level posting.
LEVEL_MIX: Final = (("entry", 0.15, "Junior ", 0.72), ("mid", 0.4, "", 1.0), ("senior", 0.35, "Senior ", 1.3))
STAFF: Final = ("executive", 0.1, "Staff ", 1.6)
# Titles that already say their rank ("Head of", "Director") take no level word.
RANKED: Final = ("Head of", "Director", "Lead")
FIRST_ID: Final = 8_000_000  # generated ids are numbers, as Greenhouse's are; each board gets its own thousand
ABSURD_FACTOR: Final = 1000  # "USD 150000K": three zeros too many, as a careless form entry has them


@dataclass(frozen=True, slots=True)
class Category:
    slug: str
    titles: tuple[str, ...]
    usd: tuple[int, int]
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BoardSpec:
    kind: str
    path: str
    companies: tuple[str, ...]
    currency: str
    scale: float
    period: str
    locations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Market:
    seed: int
    initial: int
    cadence: int
    no_salary: float
    absurd: int
    categories: tuple[Category, ...]
    boards: tuple[BoardSpec, ...]


@functools.cache
def load_market() -> Market:
    """The bundled market (data/market.toml)."""
    text = files("scraper.demo").joinpath("data", "market.toml").read_text(encoding="utf-8")
    return parse_market(tomllib.loads(text))


def parse_market(document: Mapping[str, Any]) -> Market:
    """A market document; ValueError naming the entry and key for anything malformed."""
    try:
        categories = tuple(
            Category(
                slug=str(entry["slug"]),
                titles=tuple(map(str, entry["titles"])),
                usd=(int(entry["usd"][0]), int(entry["usd"][1])),
                tags=tuple(map(str, entry["tags"])),
            )
            for entry in document["category"]
        )
        boards = tuple(
            BoardSpec(
                kind=str(entry["kind"]),
                path=str(entry["path"]),
                companies=tuple(map(str, entry.get("companies") or [entry["company"]])),
                currency=str(entry["currency"]),
                scale=float(entry["scale"]),
                period=str(entry.get("period", "year")),
                locations=tuple(map(str, entry["locations"])),
            )
            for entry in document["board"]
        )
        market = Market(
            seed=int(document["seed"]),
            initial=int(document["initial"]),
            cadence=int(document["cadence"]),
            no_salary=float(document["no_salary"]),
            absurd=int(document["absurd"]),
            categories=categories,
            boards=boards,
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"market: missing or malformed {exc}") from None
    for spec in boards:
        if spec.kind not in KINDS or spec.period not in ("year", "month") or not spec.locations:
            raise ValueError(
                f"market: board {spec.path!r} needs a kind of {', '.join(KINDS)}, year or month, locations"
            )
    if len({spec.path for spec in boards}) != len(boards):
        raise ValueError("market: two boards share a path")
    return market


def generate_market(market: Market) -> tuple[tuple[Board, ...], tuple[DemoJob, ...]]:
    """Every generated board and every posting it ever lists.

    Each board lists `initial` postings from the oldest week (round -25) on; every `cadence` weeks (boards
    staggered) it opens one to three postings, closes one or two and reprices one; a few postings state an
    absurd range. Rounds are weeks here: `opens = -25` opened 25 weeks before the demo started.
    """
    rng = random.Random(market.seed)
    boards: list[Board] = []
    jobs: list[DemoJob] = []
    oldest = 1 - HISTORY_WEEKS
    for index, spec in enumerate(market.boards):
        board = Board(
            key=f"{spec.kind}-{spec.path.lower()}",
            kind=spec.kind,
            path=spec.path,
            company=spec.companies[0] if len(spec.companies) == 1 else "",
            source=f"demo-{spec.path.lower()}",
        )
        boards.append(board)
        made = _BoardJobs(market, spec, board, rng, first_id=FIRST_ID + 1000 * index)
        for _ in range(market.initial):
            made.open(oldest, days_ago=rng.randint(0, 3))
        for week in range(oldest + 1, 1):
            if (week - index) % market.cadence:
                continue
            for job_index in rng.sample(made.open_at(week), k=min(rng.randint(1, 2), len(made.open_at(week)))):
                made.close(job_index, week)
            if made.open_at(week):
                made.reprice(rng.choice(made.open_at(week)), week)
            for _ in range(rng.randint(1, 3)):
                made.open(week, days_ago=rng.randint(0, 5))
        jobs.extend(made.jobs)
    _make_absurd(jobs, market.absurd, rng)
    return tuple(boards), tuple(jobs)


class _BoardJobs:
    """The postings of one generated board as they are drawn, open and closed week by week."""

    def __init__(self, market: Market, spec: BoardSpec, board: Board, rng: random.Random, *, first_id: int) -> None:
        self.market, self.spec, self.board, self.rng, self.first_id = market, spec, board, rng, first_id
        self.jobs: list[DemoJob] = []

    def open(self, week: int, *, days_ago: int) -> None:
        rng, spec = self.rng, self.spec
        category = rng.choice(self.market.categories)
        level, _, prefix, factor = rng.choices((*LEVEL_MIX, STAFF), weights=[mix[1] for mix in (*LEVEL_MIX, STAFF)])[0]
        base = rng.choice(category.titles)
        title = base if base.startswith(RANKED) else prefix + base
        location = rng.choice(spec.locations)
        salary = None
        if rng.random() >= self.market.no_salary:
            usd = rng.uniform(*category.usd) * factor * rng.lognormvariate(0, 0.08)
            salary = _pay(usd * spec.scale, spec.currency, spec.period, spread=rng.uniform(0.08, 0.16))
        number = len(self.jobs)
        self.jobs.append(
            DemoJob(
                board=self.board.key,
                id=str(self.first_id + number),
                title=title,
                company=rng.choice(spec.companies),
                location=location,
                remote=location.startswith("Remote"),
                employment="contract" if rng.random() < 0.06 else "full-time",
                level=level,
                salary=salary,
                tags=tuple(rng.sample(category.tags, 3)),
                team=category.slug.replace("-", " ").title(),
                days_ago=days_ago,
                opens=week,
            )
        )

    def open_at(self, week: int) -> list[int]:
        return [index for index, job in enumerate(self.jobs) if job.is_open(week)]

    def close(self, index: int, week: int) -> None:
        self.jobs[index] = _replace(self.jobs[index], closes=week)

    def reprice(self, index: int, week: int) -> None:
        job = self.jobs[index]
        current = job.salary_in(week)
        if current is None:
            return
        raise_by = self.rng.uniform(1.04, 1.12)
        changed = Pay(current.currency, _round(current.min * raise_by), _round(current.max * raise_by), current.period)
        self.jobs[index] = _replace(job, salary_changes=(*job.salary_changes, (week, changed)))


def _pay(annual: float, currency: str, period: str, *, spread: float) -> Pay:
    amount = annual / 12 if period == "month" else annual
    return Pay(currency, _round(amount * (1 - spread)), _round(amount * (1 + spread)), period)


def _round(amount: float) -> int:
    step = 100 if amount < 20_000 else 1000
    return max(step, round(amount / step) * step)


def _make_absurd(jobs: list[DemoJob], count: int, rng: random.Random) -> None:
    # Among postings still open at the end with a salary that never changes, so the flags stay on the dashboard.
    candidates = [
        index for index, job in enumerate(jobs) if job.salary and job.closes is None and not job.salary_changes
    ]
    for index in sorted(rng.sample(candidates, k=min(count, len(candidates)))):
        job = jobs[index]
        if job.salary is not None:
            pay = job.salary
            absurd = Pay(pay.currency, pay.min * ABSURD_FACTOR, pay.max * ABSURD_FACTOR, pay.period)
            jobs[index] = _replace(job, salary=absurd)


def _replace(job: DemoJob, **changes: Any) -> DemoJob:
    return dataclasses.replace(job, **changes)


def titles_of(market: Market) -> Sequence[tuple[str, str]]:
    """(category slug, title) of every title a posting can carry, level words included."""
    return [
        (category.slug, title if title.startswith(RANKED) else prefix + title)
        for category in market.categories
        for title in category.titles
        for _, _, prefix, _ in (*LEVEL_MIX, STAFF)
    ]
