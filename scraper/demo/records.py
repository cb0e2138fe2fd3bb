"""The demo's records: a sample board, a posting on it and a salary as the board states it (pure data)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# Rounds below 0 are the weeks before the demo started (round -1 is a week before it, -25 the oldest), so
# `jobfeed demo` can replay the boards' past through the pipeline; rounds 0 and up come every `round_seconds`.
HISTORY_WEEKS: Final = 26


@dataclass(frozen=True, slots=True)
class Board:
    """One sample board: its `key` in a round's state, the wire format it speaks (`kind`), where it is served
    (`path`: the board token, site name, careers directory or feed name), and the source that reads it."""

    key: str
    kind: str
    path: str
    company: str
    source: str


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


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
