"""The sources file `jobfeed demo` writes: one source per sample board, pointing at the local server."""

from __future__ import annotations

import json
from collections.abc import Sequence

from scraper.config import parse_interval
from scraper.demo.catalogue import load_catalogue
from scraper.demo.records import Board


def demo_sources_toml(base_url: str, *, every: str = "1m", boards: Sequence[Board] | None = None) -> str:
    """A sources file (TOML) with one source per sample board (default: every bundled one) at `base_url`,
    every `every` ("30s", "1m").

    >>> 'name = "demo-greenhouse"' in demo_sources_toml("http://127.0.0.1:8123")
    True
    """
    boards = load_catalogue().boards if boards is None else boards
    parse_interval(every)  # refuse a bad interval here, not when the scheduler reads the file
    base = base_url.rstrip("/")
    common: dict[str, str | int | bool] = {
        "every": every,
        "enabled": True,
        "allow_private_network": True,
        "obey_robots": True,
    }
    sources: list[dict[str, str | int | bool]] = [
        {"name": board.source, **_where(board, base), **common, **_options(board)} for board in boards
    ]
    lines = [
        "# Sources of `jobfeed demo`: the sample boards on this machine (scraper/demo), polled every " + every + ".",
        "",
    ]
    for source in sources:
        source["min_delay_seconds"] = 0  # one local server: no host to be polite to
        lines.append("[[source]]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in source.items())
        lines.append("")
    return "\n".join(lines)


def _where(board: Board, base: str) -> dict[str, str]:
    if board.kind == "featured":
        return {"kind": "featured-html", "url": f"{base}/"}
    if board.kind in ("greenhouse", "lever", "ashby"):
        return {"kind": board.kind, "url": base, "board": board.path, "company": board.company}
    if board.kind == "jsonld":
        return {"kind": "jsonld", "url": f"{base}/{board.path}/"}
    return {"kind": "rss", "url": f"{base}/{board.path}.rss"}


def _options(board: Board) -> dict[str, str | int]:
    if board.kind == "featured":
        return {"max_pages": 5}
    if board.kind == "lever":
        return {"page_size": 10}
    if board.kind == "jsonld":
        return {"follow": "a.job-link", "max_pages": 80}  # one page per opening
    if board.key == "rss":
        return {"remote": "remote"}  # every item of the scripted remote feed is remote; it says so nowhere else
    return {}


def _toml_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)  # a JSON string is a TOML basic string
