"""The sources-file schema: each refusal is one line naming the file, the source and the key (a table of cases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.config import BUNDLED_SOURCES, POLICY_OPTIONS, SourceConfig, load_sources
from scraper.errors import SourceConfigError
from scraper.sources import REGISTRY
from scraper.sources_file.schema import KIND_OPTIONS, POLICY_KEYS, AtsOptions, GreenhouseOptions

GOOD = 'name = "x"\nkind = "rss"\nurl = "https://a.example/feed"\n'
ATS = 'name = "acme"\nurl = "https://acme.example"\n'

# (file text, the one line expected after "<path>: ")
REFUSED = [
    ("", "no [[source]] tables: the file lists no sources"),
    ("# only a comment\n", "no [[source]] tables: the file lists no sources"),
    (f"[[sources]]\n{GOOD}", "top-level key 'sources' is not known (a source is a [[source]] table)"),
    (f"[source]\n{GOOD}", "'source' must be an array of tables ([[source]]), not a single [source]"),
    ("title = 'mine'\n", "top-level key 'title' is not known (the file holds only [[source]] tables)"),
    (
        '[[source]]\nname = "lv"\nkind = "lever"\nurl = "https://api.lever.co"\nboard = "a"\nmax_page = 3\n',
        "source 'lv': key 'max_page' is not a key of a lever source (did you mean 'max_pages'?)",
    ),
    (
        f'[[source]]\n{ATS}kind = "workday"\n',
        "source 'acme': key 'board' is missing (a workday source needs it)",
    ),
    (
        f'[[source]]\n{ATS}kind = "bamboohr"\nboards = "acme"\n',
        "source 'acme': key 'boards' is not a key of a bamboohr source (did you mean 'board'?)",
    ),
    (
        f'[[source]]\n{ATS}kind = "workday"\nboard = "acme"\n',
        "source 'acme': key 'board' must be \"tenant/site\" (e.g. \"acme/External\"), got 'acme'",
    ),
    (
        f'[[source]]\n{ATS}kind = "personio"\nboard = "acme"\nmax_pages = 0\n',
        "source 'acme': key 'max_pages' must be a positive integer, got 0",
    ),
    (
        f'[[source]]\n{ATS}kind = "recruitee"\nboard = "acme"\ncompany = ""\n',
        "source 'acme': key 'company' must be a non-empty string, got ''",
    ),
    (
        f'[[source]]\n{ATS}kind = "smartrecruiters"\nboard = "acme"\nselectors = 1\n',
        "source 'acme': key 'selectors' is not a key of a smartrecruiters source (keys: allow_empty, "
        "allow_private_network, "
        "backoff_base_seconds, board, company, deadline_seconds, enabled, every, kind, max_body_bytes, max_pages, "
        "max_retries, min_delay_seconds, name, obey_robots, suspect_repeats, url, user_agent)",
    ),
    (f'[[source]]\n{GOOD}every = "30s"\n', "source 'x': key 'every' = '30s' is shorter than the minimum of 1m"),
    (f'[[source]]\n{GOOD}every = "31d"\n', "source 'x': key 'every' = '31d' is longer than the maximum of 30d"),
    (
        f'[[source]]\n{GOOD}every = "often"\n',
        "source 'x': key 'every' must be a number and a unit s, m, h or d (15m, 2h, 1d), got 'often'",
    ),
    (f"[[source]]\n{GOOD}every = 2\n", "source 'x': key 'every' must be a string, got 2"),
    (f"[[source]]\n{GOOD}[[source]]\n{GOOD}", "source 'x': key 'name' is a duplicate (names must be unique)"),
    ('[[source]]\nname = "x"\nkind = "carrier-pigeon"\nurl = "https://a.b/"\n', None),  # checked below
    ('[[source]]\nname = "x"\nkind = "greenhous"\nurl = "https://a.b/"\n', None),
    ('[[source]]\nname = "x"\nurl = "https://a.b/"\n', None),
    ('[[source]]\nname = "x"\nkind = "rss"\n', "source 'x': key 'url' is missing (a rss source needs it)"),
    (
        '[[source]]\nname = "x"\nkind = "rss"\nurl = "ftp://a.b/"\n',
        "source 'x': key 'url' must be an http(s) URL, got 'ftp://a.b/'",
    ),
    (
        '[[source]]\nname = "Bad Name"\nkind = "rss"\nurl = "https://a.b/"\n',
        "source #1: key 'name' must be lowercase a-z, 0-9 and '-', got 'Bad Name'",
    ),
    ('[[source]]\nkind = "rss"\nurl = "https://a.b/"\n', "source #1: key 'name' is missing (a rss source needs it)"),
    (f'[[source]]\n{GOOD}enabled = "yes"\n', "source 'x': key 'enabled' must be true or false, got 'yes'"),
    (
        f'[[source]]\n{GOOD}min_delay_seconds = "slow"\n',
        "source 'x': key 'min_delay_seconds' must be a number, got 'slow'",
    ),
    (f"[[source]]\n{GOOD}max_retries = -1\n", "source 'x': key 'max_retries' must be 0 or more, got -1"),
    (
        '[[source]]\nname = "gh"\nkind = "greenhouse"\nurl = "https://boards-api.greenhouse.io/"\n',
        "source 'gh': key 'board' is required when 'url' is a bare host (https://boards-api.greenhouse.io/); "
        'set board = "<token>" or give the full endpoint in url',
    ),
    (
        '[[source]]\nname = "fh"\nkind = "featured-html"\nurl = "https://a.b/"\ntitle_selector = "h2"\n',
        "source 'fh': key 'card_selector' is required when other selectors are set (it says what a card is)",
    ),
    (
        '[[source]]\nname = "j"\nkind = "json-api"\nurl = "https://a.b/api"\npreset = "indeed"\n',
        "source 'j': key 'preset' must be one of remoteok, remotive, got 'indeed'",
    ),
    (
        '[[source]]\nname = "j"\nkind = "json-api"\nurl = "https://a.b/api"\n[source.fields]\ntitle = "t"\npay = "p"\n',
        "source 'j': key 'fields.pay' is not one of external_id, url, title, company, remote, employment_type, "
        "seniority, salary_text, posted_at, description_html, apply_url, category_hint, locations, tags, "
        "salary_min, salary_max",
    ),
    (f'[[source]]\n{GOOD}[[source]]\nname = 3\nkind = "rss"\n', "source #2: key 'name' must be a string, got 3"),
    ("source = [1]\n", "source #1: must be a table ([[source]]), got int"),
]


def _id(case: tuple[str, str | None]) -> str:
    text, message = case
    return (message or text.splitlines()[-1])[:60]


@pytest.mark.parametrize(("text", "message"), REFUSED, ids=[_id(case) for case in REFUSED])
def test_refused_with_one_line(tmp_path: Path, text: str, message: str | None) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceConfigError) as caught:
        load_sources(path, REGISTRY.keys() | KIND_OPTIONS.keys())
    line = str(caught.value)
    assert "\n" not in line
    assert line.startswith(f"{path}: ")
    if message is not None:
        assert line == f"{path}: {message}"


def test_unknown_kind_names_the_kinds_and_the_closest(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nname = "x"\nkind = "greenhous"\nurl = "https://a.b/"\n', encoding="utf-8")
    with pytest.raises(SourceConfigError) as caught:
        load_sources(path, ["greenhouse", "lever"])
    assert str(caught.value) == f"{path}: source 'x': key 'kind' = 'greenhous' is not one of greenhouse, lever " + (
        "(did you mean 'greenhouse'?)"
    )
    path.write_text('[[source]]\nname = "x"\nurl = "https://a.b/"\n', encoding="utf-8")
    with pytest.raises(SourceConfigError, match=r"source 'x': key 'kind' is missing \(one of greenhouse, lever\)"):
        load_sources(path, ["greenhouse", "lever"])


def test_a_kind_without_an_adapter_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(f'[[source]]\n{ATS}kind = "workday"\nboard = "acme/External"\n', encoding="utf-8")
    with pytest.raises(SourceConfigError, match="key 'kind' = 'workday' is not one of greenhouse"):
        load_sources(path, ["greenhouse"])
    [config] = load_sources(path)  # the schema alone knows every kind
    assert config.options == {"board": "acme/External"}


@pytest.mark.parametrize("kind", ["workable", "smartrecruiters", "recruitee", "personio", "bamboohr"])
def test_the_new_ats_kinds_take_board_company_max_pages(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[[source]]\n{ATS}kind = "{kind}"\nboard = " acme "\ncompany = "Acme"\nmax_pages = 4\nevery = "1m"\n',
        encoding="utf-8",
    )
    [config] = load_sources(path)
    assert config.options == {"board": "acme", "company": "Acme", "max_pages": 4}
    assert AtsOptions.of(config) == AtsOptions(board="acme", company="Acme", max_pages=4)
    assert config.every_seconds == 60


def test_policy_numbers_stay_in_options_as_their_types(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        f"[[source]]\n{GOOD}min_delay_seconds = 5\nmax_retries = 1\nsuspect_repeats = 2\n", encoding="utf-8"
    )
    [config] = load_sources(path)
    assert config.options == {"min_delay_seconds": 5.0, "max_retries": 1, "suspect_repeats": 2}
    assert isinstance(config.options["min_delay_seconds"], float)
    assert set(POLICY_OPTIONS) == set(POLICY_KEYS)


def test_options_of_a_config_built_in_code_are_checked_the_same_way() -> None:
    config = SourceConfig(
        name="gh", kind="greenhouse", url="https://h.example/x", every_seconds=60, options={"bord": 1}
    )
    with pytest.raises(SourceConfigError, match=r"^source 'gh': key 'bord' is not a key of a greenhouse source"):
        GreenhouseOptions.of(config)


def test_every_adapter_has_a_schema() -> None:
    assert set(REGISTRY) <= set(KIND_OPTIONS)


def test_the_bundled_file_passes_the_schema() -> None:
    configs = load_sources(BUNDLED_SOURCES)
    assert len({config.name for config in configs}) == len(configs)
