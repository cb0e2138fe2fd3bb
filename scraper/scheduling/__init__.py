"""Scheduling: clock-aligned slots (`slots`, pure), the scheduler (`scheduler`), leases, the PostgreSQL queue (`queue`).

Names are imported lazily: `scraper.storage.claims` uses the pure `slots` module without pulling in the scheduler.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Runner", "Scheduler", "run_scheduler"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("scraper.scheduling.scheduler"), name)
    raise AttributeError(f"module 'scraper.scheduling' has no attribute {name!r}")
