"""Source adapters, one module per kind, and the explicit registry {kind: class}."""

from __future__ import annotations

from scraper.config import SourceConfig
from scraper.sources.ashby import AshbySource
from scraper.sources.bamboohr import BambooHrSource
from scraper.sources.base import Source
from scraper.sources.featured_html import FeaturedHtmlSource
from scraper.sources.greenhouse import GreenhouseSource
from scraper.sources.json_api import JsonApiSource
from scraper.sources.jsonld import JsonLdSource
from scraper.sources.lever import LeverSource
from scraper.sources.personio import PersonioSource
from scraper.sources.recruitee import RecruiteeSource
from scraper.sources.rss import RssSource
from scraper.sources.smartrecruiters import SmartRecruitersSource
from scraper.sources.workable import WorkableSource
from scraper.sources.workday import WorkdaySource

REGISTRY: dict[str, type[Source]] = {
    source.kind: source
    for source in (
        FeaturedHtmlSource,
        JsonLdSource,
        GreenhouseSource,
        LeverSource,
        AshbySource,
        RssSource,
        JsonApiSource,
        RecruiteeSource,
        PersonioSource,
        WorkableSource,
        SmartRecruitersSource,
        WorkdaySource,
        BambooHrSource,
    )
}


def build_source(config: SourceConfig) -> Source:
    return REGISTRY[config.kind](config)  # type: ignore[call-arg]


__all__ = ["REGISTRY", "Source", "build_source"]
