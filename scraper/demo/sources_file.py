"""The sources file `jobfeed demo` writes: one source per sample board, pointing at the local server."""

from __future__ import annotations

import json
from typing import Any

from scraper.config import parse_interval
from scraper.demo.site import GREENHOUSE_BOARD, LEVER_SITE


def demo_sources_toml(base_url: str, *, every: str = "1m") -> str:
    """A sources file (TOML) with one source per sample board at `base_url`, every `every` ("30s", "1m").

    >>> 'name = "demo-greenhouse"' in demo_sources_toml("http://127.0.0.1:8123")
    True
    """
    parse_interval(every)  # refuse a bad interval here, not when the scheduler reads the file
    base = base_url.rstrip("/")
    common = {"every": every, "enabled": True, "allow_private_network": True, "obey_robots": True}
    sources: list[dict[str, Any]] = [
        {"name": "demo-aijobs", "kind": "featured-html", "url": f"{base}/", **common, "max_pages": 5},
        {
            "name": "demo-greenhouse",
            "kind": "greenhouse",
            "url": base,
            **common,
            "board": GREENHOUSE_BOARD,
            "company": "Quillstone Analytics",
        },
        {
            "name": "demo-lever",
            "kind": "lever",
            "url": base,
            **common,
            "board": LEVER_SITE,
            "company": "Ferrovia Robotics",
            "page_size": 10,
        },
        {
            "name": "demo-careers",
            "kind": "jsonld",
            "url": f"{base}/careers/",
            **common,
            "follow": "a.job-link",
            "max_pages": 30,
        },
        {"name": "demo-remote-feed", "kind": "rss", "url": f"{base}/remote-jobs.rss", **common, "remote": "remote"},
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


def _toml_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)  # a JSON string is a TOML basic string
