"""Slot arithmetic: when a source's runs are due. Pure functions of (name, interval, clock); no I/O.

A source's slots are the instants `offset + k * every` (k an integer, seconds since the epoch): aligned to
the clock, the same in every process, never drifting from one run to the next.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def slot_offset(name: str, every_seconds: int) -> int:
    """A stable offset in [0, every) from the source's name: sources sharing an interval spread over it.

    >>> slot_offset("acme", 3600) == slot_offset("acme", 3600)
    True
    >>> 0 <= slot_offset("acme", 60) < 60
    True
    """
    if every_seconds < 1:
        raise ValueError(f"every_seconds must be at least 1, got {every_seconds}")
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % every_seconds


def slot_at(moment: datetime, every_seconds: int, offset_seconds: int = 0) -> datetime:
    """The latest slot at or before `moment`.

    >>> slot_at(datetime(2026, 12, 1, 10, 59, 59, tzinfo=UTC), 3600, 120)
    datetime.datetime(2026, 12, 1, 10, 2, tzinfo=datetime.timezone.utc)
    >>> slot_at(datetime(2026, 12, 1, 10, 1, 0, tzinfo=UTC), 3600, 120)
    datetime.datetime(2026, 12, 1, 9, 2, tzinfo=datetime.timezone.utc)
    """
    seconds = int((moment - EPOCH).total_seconds() // 1)
    k = (seconds - offset_seconds) // every_seconds
    return EPOCH + timedelta(seconds=k * every_seconds + offset_seconds)


def next_slot(moment: datetime, every_seconds: int, offset_seconds: int = 0) -> datetime:
    """The first slot strictly after `moment`."""
    return slot_at(moment, every_seconds, offset_seconds) + timedelta(seconds=every_seconds)


def slots_between(after: datetime, before: datetime, every_seconds: int, offset_seconds: int = 0) -> Iterator[datetime]:
    """The slots strictly after `after` and strictly before `before`, oldest first.

    >>> [s.minute for s in slots_between(datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
    ...                                  datetime(2026, 12, 1, 10, 4, tzinfo=UTC), 60)]
    [1, 2, 3]
    """
    slot = next_slot(after, every_seconds, offset_seconds)
    step = timedelta(seconds=every_seconds)
    while slot < before:
        yield slot
        slot += step


@dataclass(frozen=True, slots=True)
class SlotPlan:
    """What a scheduler does for one source now: run `due` (or nothing), record `missed` as missed rows.

    `folded` counts missed slots older than the ones listed (a long downtime is not thousands of rows).
    """

    due: datetime | None
    missed: tuple[datetime, ...] = ()
    folded: int = 0


def plan_slots(
    last: datetime | None, now: datetime, every_seconds: int, offset_seconds: int = 0, *, max_missed: int = 1000
) -> SlotPlan:
    """Given the source's latest recorded slot (`last`, None for a new source) and the clock: the current slot is
    due unless already recorded, and every slot between `last` and it was missed. So after any downtime there is
    at most one catch-up run (the current slot), and no slot goes unrecorded.

    >>> t = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)
    >>> plan = plan_slots(datetime(2026, 12, 1, 7, 0, tzinfo=UTC), t, 3600)
    >>> plan.due.hour, [s.hour for s in plan.missed]
    (10, [8, 9])
    >>> plan_slots(datetime(2026, 12, 1, 10, 0, tzinfo=UTC), t, 3600).due is None
    True
    """
    current = slot_at(now, every_seconds, offset_seconds)
    if last is not None and last >= current:
        return SlotPlan(due=None)
    if last is None:
        return SlotPlan(due=current)
    between = list(slots_between(last, current, every_seconds, offset_seconds))
    kept = between[-max_missed:] if max_missed > 0 else []
    return SlotPlan(due=current, missed=tuple(kept), folded=len(between) - len(kept))
