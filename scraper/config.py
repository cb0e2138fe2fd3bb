"""The sources file (DESIGN.md section 4): read, check and turn into SourceConfig values.

A bad file is refused whole, with a message naming the file, the source and the key; nothing starts.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.interval import UNIT_SECONDS, format_interval
from scraper.errors import SourceConfigError

BUNDLED_SOURCES = Path(__file__).parent / "data" / "sources.toml"
NAME_RE = re.compile(r"^[a-z0-9-]+$")
INTERVAL_RE = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
# Network numbers a source may set for itself (FetchPolicy fields), e.g. a slower pace for a fragile board.
POLICY_OPTIONS: dict[str, type[int] | type[float]] = {
    "min_delay_seconds": float,
    "max_retries": int,
    "backoff_base_seconds": float,
    "deadline_seconds": float,
    "max_body_bytes": int,
}
COMMON_KEYS = {"name", "kind", "url", "every", "enabled", "allow_private_network", "obey_robots", "user_agent"}


@dataclass(frozen=True, slots=True)
class SourceConfig:
    name: str
    kind: str
    url: str
    every_seconds: int
    enabled: bool = True
    allow_private_network: bool = False
    obey_robots: bool = True
    user_agent: str | None = None
    options: dict[str, Any] = field(default_factory=dict)  # kind-specific keys: board, max_pages, selectors...

    @property
    def every(self) -> str:
        return format_interval(self.every_seconds)


def parse_interval(text: str) -> int:
    """Seconds in an interval written as "15m", "2h", "1d" (or "30s"); ValueError otherwise.

    >>> parse_interval("2h")
    7200
    """
    match = INTERVAL_RE.match(text) if isinstance(text, str) else None
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"interval {text!r} is not a positive number followed by s, m, h or d (e.g. 15m, 2h, 1d)")
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)]


def resolve_sources_path(configured: Path | None, cwd: Path | None = None) -> Path:
    """The sources file to read: the configured one, else ./sources.toml if present, else the bundled list."""
    if configured is not None:
        return configured
    local = (cwd or Path.cwd()) / "sources.toml"
    return local if local.is_file() else BUNDLED_SOURCES


def load_sources(path: Path, known_kinds: Iterable[str]) -> list[SourceConfig]:
    """Read and check a sources file; raise SourceConfigError naming the file, source and key."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceConfigError(f"{path}: sources file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_sources(document, known_kinds, origin=str(path))


def parse_sources(document: dict[str, Any], known_kinds: Iterable[str], *, origin: str) -> list[SourceConfig]:
    kinds = sorted(known_kinds)
    entries = document.get("source", [])
    if not isinstance(entries, list):
        raise SourceConfigError(f"{origin}: 'source' must be an array of tables ([[source]])")
    configs: list[SourceConfig] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        label = f"{origin}: source #{index}"
        if not isinstance(entry, dict):
            raise SourceConfigError(f"{label}: must be a table")
        name = entry.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise SourceConfigError(f"{label}: key 'name' must be a string of a-z, 0-9 and '-', got {name!r}")
        label = f"{origin}: source {name!r}"
        if name in seen:
            raise SourceConfigError(f"{label}: duplicate name (names must be unique)")
        seen.add(name)
        kind = entry.get("kind")
        if kind not in kinds:
            raise SourceConfigError(f"{label}: key 'kind' = {kind!r} is not one of {', '.join(kinds)}")
        url = entry.get("url")
        if not isinstance(url, str) or not re.match(r"^https?://[^/\s]+", url):
            raise SourceConfigError(f"{label}: key 'url' is missing or not an http(s) URL, got {url!r}")
        try:
            every = parse_interval(entry.get("every", "1h"))
        except ValueError as exc:
            raise SourceConfigError(f"{label}: key 'every': {exc}") from None
        flags = {}
        for key, default in (("enabled", True), ("allow_private_network", False), ("obey_robots", True)):
            value = entry.get(key, default)
            if not isinstance(value, bool):
                raise SourceConfigError(f"{label}: key {key!r} must be true or false, got {value!r}")
            flags[key] = value
        user_agent = entry.get("user_agent")
        if user_agent is not None and not isinstance(user_agent, str):
            raise SourceConfigError(f"{label}: key 'user_agent' must be a string")
        options = {key: value for key, value in entry.items() if key not in COMMON_KEYS}
        for key, number_type in POLICY_OPTIONS.items():
            value = options.get(key)
            if value is not None:
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise SourceConfigError(f"{label}: key {key!r} must be a number of 0 or more, got {value!r}")
                options[key] = number_type(value)
        configs.append(
            SourceConfig(
                name=name, kind=kind, url=url, every_seconds=every, user_agent=user_agent, options=options, **flags
            )
        )
    return configs
