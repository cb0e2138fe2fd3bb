"""The sample boards' catalogue and what each board lists in a round: pure, no rendering, no I/O but the bundled file.

`board_state` decides what each board lists in a round (postings open and go, salaries change); the renderers print it.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Final

BOARDS: Final = ("featured", "greenhouse", "lever", "jsonld", "rss")
# From this round on the scripted timeline is over and `[[rotation]]` postings keep the featured board moving:
# one opens every round and stays this many rounds, so it closes (two missed runs) while the demo runs.
ROTATION_START: Final = 4
ROTATION_ROUNDS: Final = 4
ROTATION_FIRST_ID: Final = 420000
PERIODS: Final = ("year", "month", "hour")
EMPLOYMENT_TYPES: Final = ("full-time", "part-time", "contract", "internship")
LEVELS: Final = ("entry", "mid", "senior", "executive")


@dataclass(frozen=True, slots=True)
class Pay:
    """A salary as a board states it: `min`-`max` `currency` per `period` (year, month or hour)."""

    currency: str
    min: int
    max: int
    period: str


@dataclass(frozen=True, slots=True)
class DemoJob:
    """One sample posting on one board; `salary` is the one it states in the round at hand (see `board_state`)."""

    board: str
    id: str
    title: str
    company: str
    location: str
    remote: bool = False
    employment: str = "full-time"
    level: str | None = None
    salary: Pay | None = None
    tags: tuple[str, ...] = ()
    team: str | None = None
    days_ago: int = 0
    featured: bool = False
    opens: int = 0
    closes: int | None = None
    salary_changes: tuple[tuple[int, Pay], ...] = ()

    def is_open(self, round_: int) -> bool:
        return self.opens <= round_ and (self.closes is None or round_ < self.closes)

    def salary_in(self, round_: int) -> Pay | None:
        salary = self.salary
        for start, changed in self.salary_changes:
            if start <= round_:
                salary = changed
        return salary

    @property
    def slug(self) -> str:
        return f"{slugify(self.title)}-{slugify(self.id)}"


@dataclass(frozen=True, slots=True)
class Catalogue:
    jobs: tuple[DemoJob, ...]
    rotation: tuple[DemoJob, ...]


@dataclass(frozen=True, slots=True)
class BoardState:
    """What every sample board lists in one round, newest first, each posting with the salary it states then."""

    round: int
    boards: Mapping[str, tuple[DemoJob, ...]]

    def ids(self, board: str) -> list[str]:
        return [job.id for job in self.boards[board]]

    def find(self, board: str, predicate: Callable[[DemoJob], bool]) -> DemoJob | None:
        return next((job for job in self.boards[board] if predicate(job)), None)


def board_state(round_: int, catalogue: Catalogue | None = None) -> BoardState:
    """What each board lists in round `round_` (0 is the start): open postings, newest first, current salaries.

    Deterministic: the same round always gives the same boards. Rounds 1-3 follow the bundled timeline
    (postings open and go, salaries change, absurd salaries appear); later rounds rotate featured postings.
    """
    if round_ < 0:
        raise ValueError(f"round must be 0 or more, got {round_}")
    catalogue = catalogue or load_catalogue()
    jobs = [job for job in catalogue.jobs if job.is_open(round_)] + _rotating(catalogue.rotation, round_)
    boards: dict[str, tuple[DemoJob, ...]] = {}
    for board in BOARDS:
        listed = [
            dataclasses.replace(job, salary=job.salary_in(round_), salary_changes=())
            for job in jobs
            if job.board == board
        ]
        # Newest first, as boards list them; the catalogue order breaks ties.
        listed.sort(key=lambda job: (-job.opens, job.days_ago))
        boards[board] = tuple(listed)
    return BoardState(round=round_, boards=boards)


def _rotating(templates: tuple[DemoJob, ...], round_: int) -> list[DemoJob]:
    if not templates or round_ < ROTATION_START:
        return []
    first = max(ROTATION_START, round_ - ROTATION_ROUNDS + 1)
    return [
        dataclasses.replace(
            templates[number % len(templates)],
            id=str(ROTATION_FIRST_ID + number),
            opens=number,
            closes=number + ROTATION_ROUNDS,
        )
        for number in range(first, round_ + 1)
    ]


@functools.cache
def load_catalogue() -> Catalogue:
    """The bundled sample postings (data/postings.toml); immutable, so read once."""
    text = files("scraper.demo").joinpath("data", "postings.toml").read_text(encoding="utf-8")
    return parse_catalogue(tomllib.loads(text))


def parse_catalogue(document: Mapping[str, Any]) -> Catalogue:
    """The catalogue of a postings document; ValueError naming the entry and key for anything malformed."""
    jobs = tuple(_job(entry, f"job #{index}") for index, entry in enumerate(document.get("job", []), start=1))
    rotation = tuple(
        _job({"board": "featured", "id": "rotation", "company": "Demo Company", **entry}, f"rotation #{index}")
        for index, entry in enumerate(document.get("rotation", []), start=1)
    )
    seen: set[tuple[str, str]] = set()
    for job in jobs:
        if (job.board, job.id) in seen:
            raise ValueError(f"{job.board} job {job.id!r} is listed twice")
        seen.add((job.board, job.id))
    return Catalogue(jobs=jobs, rotation=rotation)


def _job(entry: Any, label: str) -> DemoJob:
    if not isinstance(entry, dict):
        raise ValueError(f"{label}: must be a table")

    def string(key: str, default: str | None = None, choices: tuple[str, ...] = ()) -> str:
        value = entry.get(key, default)
        if not isinstance(value, str) or not value or (choices and value not in choices):
            expected = f"one of {', '.join(choices)}" if choices else "a non-empty string"
            raise ValueError(f"{label}: key {key!r} must be {expected}, got {value!r}")
        return value

    def integer(key: str, default: int | None) -> int | None:
        value = entry.get(key, default)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError(f"{label}: key {key!r} must be a whole number, got {value!r}")
        return value

    changes: list[tuple[int, Pay]] = []
    new_salary = entry.get("new_salary")
    if new_salary is not None:
        if not isinstance(new_salary, dict) or not isinstance(new_salary.get("round"), int):
            raise ValueError(f"{label}: key 'new_salary' must be {{ round = N, salary = [...] }}")
        changes.append((new_salary["round"], _pay(new_salary.get("salary"), f"{label}: new_salary")))
    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ValueError(f"{label}: key 'tags' must be a list of strings")
    team = entry.get("team")
    if team is not None and not isinstance(team, str):
        raise ValueError(f"{label}: key 'team' must be a string")
    level = entry.get("level")
    if level is not None and level not in LEVELS:
        raise ValueError(f"{label}: key 'level' must be one of {', '.join(LEVELS)}, got {level!r}")
    return DemoJob(
        board=string("board", choices=BOARDS),
        id=string("id"),
        title=string("title"),
        company=string("company"),
        location=string("location"),
        remote=entry.get("remote", False) is True,
        employment=string("type", "full-time", EMPLOYMENT_TYPES),
        level=level,
        salary=_pay(entry["salary"], f"{label}: salary") if "salary" in entry else None,
        tags=tuple(tags),
        team=team,
        days_ago=integer("days_ago", 0) or 0,
        featured=entry.get("featured", False) is True,
        opens=integer("opens", 0) or 0,
        closes=integer("closes", None),
        salary_changes=tuple(changes),
    )


def _pay(value: Any, label: str) -> Pay:
    if (
        not isinstance(value, list)
        or len(value) != 4
        or not isinstance(value[0], str)
        or not all(isinstance(amount, int) and amount > 0 for amount in value[1:3])
        or value[3] not in PERIODS
    ):
        raise ValueError(f"{label}: must be [currency, min, max, period] with period one of {', '.join(PERIODS)}")
    return Pay(currency=value[0], min=value[1], max=value[2], period=value[3])


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
