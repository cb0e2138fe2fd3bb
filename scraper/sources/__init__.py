"""Source adapters, one module per kind, and the explicit registry {kind: class}."""

from __future__ import annotations

from scraper.config import SourceConfig
from scraper.sources.base import Source

REGISTRY: dict[str, type[Source]] = {}


def build_source(config: SourceConfig) -> Source:
    return REGISTRY[config.kind](config)  # type: ignore[call-arg]


__all__ = ["REGISTRY", "Source", "build_source"]
