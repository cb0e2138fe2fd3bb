"""The sources file: good files load; every bad file is refused naming the source and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.config import BUNDLED_SOURCES, load_sources, parse_interval, resolve_sources_path
from scraper.errors import SourceConfigError

KINDS = {"featured-html", "greenhouse", "rss"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15m", 900), ("2h", 7200), ("1d", 86400), ("30s", 30), (" 2h ", 7200)],
    ids=lambda v: str(v),
)
def test_parse_interval(text: str, seconds: int) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "2", "h", "0m", "2 hours", "-1h", "1.5h"])
def test_parse_interval_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="interval"):
        parse_interval(text)


def test_loads_a_source_with_kind_specific_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[[source]]
name = "acme-greenhouse"
kind = "greenhouse"
url = "https://boards-api.greenhouse.io/v1/boards/acme/jobs"
every = "2h"
board = "acme"
allow_private_network = true
""",
    )
    [config] = load_sources(path, KINDS)
    assert (config.name, config.kind, config.every_seconds, config.every) == (
        "acme-greenhouse",
        "greenhouse",
        7200,
        "2h",
    )
    assert config.enabled is True
    assert config.allow_private_network is True
    assert config.options == {"board": "acme"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('name = "x"\nkind = "carrier-pigeon"\nurl = "https://a.b/"', r"source 'x': key 'kind' = 'carrier-pigeon'"),
        ('name = "x"\nkind = "rss"', r"source 'x': key 'url' is missing"),
        ('name = "x"\nkind = "rss"\nurl = "ftp://a.b/"', r"source 'x': key 'url'"),
        ('name = "x"\nkind = "rss"\nurl = "https://a.b/"\nevery = "often"', r"source 'x': key 'every'"),
        ('name = "Bad Name"\nkind = "rss"\nurl = "https://a.b/"', r"source #1: key 'name'"),
        ('name = "x"\nkind = "rss"\nurl = "https://a.b/"\nenabled = "yes"', r"source 'x': key 'enabled'"),
        (
            'name = "x"\nkind = "rss"\nurl = "https://a.b/"\nmin_delay_seconds = "slow"',
            r"source 'x': key 'min_delay_seconds'",
        ),
    ],
    ids=["unknown kind", "missing url", "ftp url", "bad interval", "bad name", "enabled not bool", "bad delay"],
)
def test_refuses_bad_source(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, f"[[source]]\n{body}\n")
    with pytest.raises(SourceConfigError, match=message) as caught:
        load_sources(path, KINDS)
    assert str(path) in str(caught.value)


def test_refuses_duplicate_names(tmp_path: Path) -> None:
    entry = '[[source]]\nname = "x"\nkind = "rss"\nurl = "https://a.b/"\n'
    with pytest.raises(SourceConfigError, match="source 'x': key 'name' is a duplicate"):
        load_sources(write(tmp_path, entry + entry), KINDS)


def test_refuses_invalid_toml(tmp_path: Path) -> None:
    with pytest.raises(SourceConfigError, match="not valid TOML"):
        load_sources(write(tmp_path, "[[source]\n"), KINDS)


def test_resolve_prefers_configured_then_local_then_bundled(tmp_path: Path) -> None:
    assert resolve_sources_path(None, cwd=tmp_path) == BUNDLED_SOURCES
    local = write(tmp_path, "")
    assert resolve_sources_path(None, cwd=tmp_path) == local
    other = tmp_path / "other.toml"
    assert resolve_sources_path(other, cwd=tmp_path) == other


def test_bundled_sources_load() -> None:
    from scraper.sources import REGISTRY

    configs = load_sources(BUNDLED_SOURCES, REGISTRY)
    assert {c.kind for c in configs} >= {"featured-html", "greenhouse", "lever", "ashby", "json-api", "rss"}


def test_a_source_sets_its_own_network_numbers(tmp_path: Path) -> None:
    from scraper.fetching import FetchPolicy

    path = write(
        tmp_path,
        '[[source]]\nname = "x"\nkind = "rss"\nurl = "https://a.b/"\nmin_delay_seconds = 5\nmax_retries = 1\n',
    )
    [config] = load_sources(path, KINDS)
    policy = FetchPolicy.for_source(config)
    assert (policy.min_delay_seconds, policy.max_retries) == (5.0, 1)
    assert policy.max_body_bytes == FetchPolicy().max_body_bytes
