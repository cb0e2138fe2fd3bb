"""The scheduler: APScheduler triggers, database claims, a thread pool of source runs. See `scheduler`."""

from scraper.scheduling.scheduler import Runner, Scheduler, run_scheduler, slot_for

__all__ = ["Runner", "Scheduler", "run_scheduler", "slot_for"]
