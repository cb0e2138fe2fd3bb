"""The sources file (DESIGN.md section 4): read, check and turn into SourceConfig values.

A bad file is refused whole, with a message naming the file, the source and the key; nothing starts.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.interval import format_interval
from scraper.errors import SourceConfigError
from scraper.sources_file.schema import (
    KIND_OPTIONS,
    MIN_EVERY_SECONDS,
    OPTION_KEYS,
    check_table,
)
from scraper.sources_file.schema import parse_interval as parse_interval  # re-exported: the demo and tests use it

BUNDLED_SOURCES = Path(__file__).parent / "data" / "sources.toml"
# Network numbers a source may set for itself (FetchPolicy fields), e.g. a slower pace for a fragile board.
POLICY_OPTIONS: dict[str, type[int] | type[float]] = {
    "min_delay_seconds": float,
    "max_retries": int,
    "backoff_base_seconds": float,
    "deadline_seconds": float,
    "max_body_bytes": int,
}


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


def resolve_sources_path(configured: Path | None, cwd: Path | None = None) -> Path:
    """The sources file to read: the configured one, else ./sources.toml if present, else the bundled list."""
    if configured is not None:
        return configured
    local = (cwd or Path.cwd()) / "sources.toml"
    return local if local.is_file() else BUNDLED_SOURCES


def load_sources(path: Path, known_kinds: Iterable[str] = KIND_OPTIONS) -> list[SourceConfig]:
    """Read and check a sources file; raise SourceConfigError naming the file, source and key."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceConfigError(f"{path}: sources file not found") from None
    except IsADirectoryError:
        raise SourceConfigError(f"{path}: is a directory, not a sources file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_sources(document, known_kinds, origin=str(path))


def parse_sources(
    document: dict[str, Any],
    known_kinds: Iterable[str] = KIND_OPTIONS,
    *,
    origin: str,
    min_every_seconds: int = MIN_EVERY_SECONDS,
) -> list[SourceConfig]:
    """Every [[source]] table of a parsed file, each checked by its kind's schema (scraper.sources_file.schema).

    `min_every_seconds` is for the demo alone, whose sample boards change every few seconds.
    """
    kinds = list(known_kinds)
    for key in document:
        if key != "source":
            hint = difflib.get_close_matches(key, ["source"], n=1)
            tip = " (a source is a [[source]] table)" if hint else " (the file holds only [[source]] tables)"
            raise SourceConfigError(f"{origin}: top-level key {key!r} is not known{tip}")
    entries = document.get("source")
    if entries is None or entries == []:
        raise SourceConfigError(f"{origin}: no [[source]] tables: the file lists no sources")
    if not isinstance(entries, list):
        raise SourceConfigError(f"{origin}: 'source' must be an array of tables ([[source]]), not a single [source]")
    configs: list[SourceConfig] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        keys, options = check_table(entry, origin, index, kinds, min_every_seconds=min_every_seconds)
        if keys.name in seen:
            raise SourceConfigError(f"{origin}: source {keys.name!r}: key 'name' is a duplicate (names must be unique)")
        seen.add(keys.name)
        given = keys.model_dump(include=set(OPTION_KEYS), exclude_none=True)
        configs.append(
            SourceConfig(
                name=keys.name,
                kind=keys.kind,
                url=keys.url,
                every_seconds=parse_interval(keys.every),
                enabled=keys.enabled,
                allow_private_network=keys.allow_private_network,
                obey_robots=keys.obey_robots,
                user_agent=keys.user_agent,
                options={**options.model_dump(exclude_unset=True), **given},
            )
        )
    return configs
