"""The bundled sources file: every source in it, enabled, disabled or commented out, passes the schema."""

from __future__ import annotations

import re
import tomllib

from scraper.config import BUNDLED_SOURCES, load_sources, parse_sources
from scraper.sources import REGISTRY
from scraper.sources_file.schema import KIND_OPTIONS

TEXT = BUNDLED_SOURCES.read_text(encoding="utf-8")
# A commented-out source: "# [[source]]" and the "# key = value" lines right under it.
COMMENTED = re.compile(r"^# \[\[source\]\]\n(?:# \w+ = .*\n)+", re.MULTILINE)


def commented_out() -> str:
    return "".join(re.sub(r"^# ", "", block, flags=re.MULTILINE) for block in COMMENTED.findall(TEXT))


def test_the_active_sources_load_with_this_build_s_adapters() -> None:
    configs = load_sources(BUNDLED_SOURCES, REGISTRY)
    assert len(configs) >= 25
    assert {c.kind for c in configs} >= {"featured-html", "greenhouse", "lever", "ashby", "json-api", "rss"}


def test_the_commented_out_sources_pass_the_schema_too() -> None:
    configs = parse_sources(tomllib.loads(commented_out()), origin="the commented-out part of the bundled file")
    active = {config.name for config in load_sources(BUNDLED_SOURCES)}
    assert not active & {config.name for config in configs}
    kinds = {config.kind for config in configs} | {config.kind for config in load_sources(BUNDLED_SOURCES)}
    assert kinds >= set(KIND_OPTIONS) - {"jsonld"}  # a JSON-LD careers page is each company's own URL


def test_ats_sources_name_their_company() -> None:
    configs = load_sources(BUNDLED_SOURCES) + parse_sources(tomllib.loads(commented_out()), origin="commented")
    ats = [config for config in configs if "board" in config.options]
    assert ats and all(config.options.get("company") for config in ats)
