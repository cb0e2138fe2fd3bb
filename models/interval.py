"""How a source's interval is spelled (`every` in the sources file and the API, DESIGN.md section 4)."""

from __future__ import annotations

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def format_interval(seconds: int) -> str:
    """The sources file's spelling of an interval: the largest whole unit.

    >>> format_interval(900), format_interval(7200), format_interval(86400), format_interval(90)
    ('15m', '2h', '1d', '90s')
    """
    for unit in ("d", "h", "m"):
        size = UNIT_SECONDS[unit]
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
