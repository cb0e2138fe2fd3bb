"""The sample boards' catalogue and what each board lists in a round: pure, no rendering, no I/O but the bundled files.

Five scripted boards (data/postings.toml) change while the demo runs; the generated market (market.py) gives
~25 more boards 26 weeks of past. `board_state` decides what each board lists in a round; the renderers print it.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Final

from scraper.demo.market import generate_market, load_market
from scraper.demo.records import HISTORY_WEEKS, Board, DemoJob, Pay

# The scripted boards, by key: the five formats the demo started with, each served where it always was.
SCRIPTED_BOARDS: Final = (
    Board("featured", "featured", "", "", "demo-aijobs"),
    Board("greenhouse", "greenhouse", "quillstone", "Quillstone Analytics", "demo-greenhouse"),
    Board("lever", "lever", "ferrovia", "Ferrovia Robotics", "demo-lever"),
    Board("jsonld", "jsonld", "careers", "Halcyon Health", "demo-careers"),
    Board("rss", "rss", "remote-jobs", "", "demo-remote-feed"),
)
BOARDS: Final = tuple(board.key for board in SCRIPTED_BOARDS)
# From this round on the scripted timeline is over and `[[rotation]]` postings keep the featured board moving:
# one opens every round and stays this many rounds, so it closes (two missed runs) while the demo runs.
ROTATION_START: Final = 4
ROTATION_ROUNDS: Final = 4
ROTATION_FIRST_ID: Final = 420000
PERIODS: Final = ("year", "month", "hour")
EMPLOYMENT_TYPES: Final = ("full-time", "part-time", "contract", "internship")
LEVELS: Final = ("entry", "mid", "senior", "executive")
FIRST_ROUND: Final = 1 - HISTORY_WEEKS


@dataclass(frozen=True, slots=True)
class Catalogue:
    jobs: tuple[DemoJob, ...]
    rotation: tuple[DemoJob, ...]
    boards: tuple[Board, ...] = SCRIPTED_BOARDS

    def board(self, key: str) -> Board:
        return next(board for board in self.boards if board.key == key)


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
    """What each board lists in round `round_` (0 is the start, -1 a week before it): open postings, newest
    first, current salaries.

    Deterministic: the same round always gives the same boards. Rounds 1-3 follow the bundled timeline
    (postings open and go, salaries change, absurd salaries appear); later rounds rotate featured postings.
    Rounds -25 to -1 are the generated boards' past weeks (the scripted boards list nothing then).
    """
    if round_ < FIRST_ROUND:
        raise ValueError(f"round must be {FIRST_ROUND} or more, got {round_}")
    if catalogue is None:
        return _bundled_state(round_)
    jobs = [job for job in catalogue.jobs if job.is_open(round_)] + _rotating(catalogue.rotation, round_)
    boards: dict[str, list[DemoJob]] = {board.key: [] for board in catalogue.boards}
    for job in jobs:
        boards[job.board].append(dataclasses.replace(job, salary=job.salary_in(round_), salary_changes=()))
    for listed in boards.values():
        # Newest first, as boards list them; the catalogue order breaks ties.
        listed.sort(key=lambda job: (-job.opens, job.days_ago))
    return BoardState(round=round_, boards={key: tuple(listed) for key, listed in boards.items()})


@functools.lru_cache(maxsize=64)
def _bundled_state(round_: int) -> BoardState:
    # Every request of a round asks for the same state (a careers board is one request per posting).
    return board_state(round_, load_catalogue())


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
    """The bundled boards: the scripted ones (data/postings.toml) and the generated market (data/market.toml);
    immutable, so built once."""
    text = files("scraper.demo").joinpath("data", "postings.toml").read_text(encoding="utf-8")
    scripted = parse_catalogue(tomllib.loads(text))
    boards, jobs = generate_market(load_market())
    return Catalogue(jobs=scripted.jobs + jobs, rotation=scripted.rotation, boards=SCRIPTED_BOARDS + boards)


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
