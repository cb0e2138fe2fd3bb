"""Edits of the sources file keep every comment, blank line and key order that they do not touch."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from scraper.errors import SourceConfigError
from scraper.sources_file.edit import append_source, remove_source, render_source, set_enabled, write_sources

FILE = """\
# My sources: the boards I follow.
# (a header comment, kept whatever happens below)

[[source]]
name = "aijobs"          # the featured board
kind = "featured-html"
url = "https://aijobs.net/"
every = "2h"
max_pages = 3

# Anthropic's board: pay ranges are in the API.
[[source]]
name = "anthropic-greenhouse"
kind = "greenhouse"
board = "anthropic"
url = "https://boards-api.greenhouse.io"
enabled = true  # keep an eye on it
every = "6h"

# A custom JSON list.
[[source]]
name = "custom"
kind = "json-api"
url = "https://api.example.org/jobs"

[source.fields]
title = "position"
company = "org"

# closing remark about the file
"""


def names(text: str) -> list[str]:
    return [entry["name"] for entry in tomllib.loads(text)["source"]]


def test_append_keeps_everything_and_adds_a_commented_table() -> None:
    table = {"every": "6h", "board": "mistral", "kind": "lever", "name": "mistral-lever", "url": "https://api.lever.co"}
    result = append_source(FILE, table, "sources.toml", comment="Mistral AI\nadded from https://jobs.lever.co/mistral")
    assert result.startswith(FILE.rstrip("\n") + "\n\n")
    assert result.endswith(
        "# Mistral AI\n# added from https://jobs.lever.co/mistral\n[[source]]\n"
        'name = "mistral-lever"\nkind = "lever"\nurl = "https://api.lever.co"\nboard = "mistral"\nevery = "6h"\n'
    )
    assert names(result) == ["aijobs", "anthropic-greenhouse", "custom", "mistral-lever"]


def test_append_to_an_empty_file() -> None:
    result = append_source("", {"name": "x", "kind": "rss", "url": "https://a.example/feed.rss"}, "new.toml")
    assert result == '[[source]]\nname = "x"\nkind = "rss"\nurl = "https://a.example/feed.rss"\n'


def test_append_escapes_what_it_writes() -> None:
    table = {"name": "x", "kind": "rss", "url": 'https://a.example/f?q="a\\b"'}
    assert tomllib.loads(append_source("", table, "new.toml"))["source"][0]["url"] == 'https://a.example/f?q="a\\b"'


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"name": "aijobs", "kind": "rss", "url": "https://a.example/f.rss"},
            "source 'aijobs': key 'name' is a duplicate",
        ),
        ({"name": "y", "kind": "lever", "url": "https://api.lever.co"}, "source 'y': key 'board' is required"),
    ],
    ids=["duplicate", "no-board"],
)
def test_append_refuses_what_the_schema_refuses(table: dict[str, str], message: str) -> None:
    with pytest.raises(SourceConfigError, match=message):
        append_source(FILE, table, "sources.toml")


def test_remove_takes_the_table_and_the_comment_right_above_it() -> None:
    result = remove_source(FILE, "anthropic-greenhouse", "sources.toml")
    assert "Anthropic" not in result and "anthropic" not in result
    assert result == FILE.replace(
        """# Anthropic's board: pay ranges are in the API.
[[source]]
name = "anthropic-greenhouse"
kind = "greenhouse"
board = "anthropic"
url = "https://boards-api.greenhouse.io"
enabled = true  # keep an eye on it
every = "6h"

""",
        "",
    )


def test_remove_the_last_table_keeps_its_subtables_with_it_and_the_rest() -> None:
    result = remove_source(FILE, "custom", "sources.toml")
    assert names(result) == ["aijobs", "anthropic-greenhouse"]
    assert "position" not in result and "# A custom JSON list." not in result
    assert result.startswith("# My sources: the boards I follow.\n# (a header comment, kept whatever happens below)\n")


def test_remove_the_first_keeps_the_file_header() -> None:
    result = remove_source(FILE, "aijobs", "sources.toml")
    assert result.startswith(
        "# My sources: the boards I follow.\n# (a header comment, kept whatever happens below)\n\n# Anthropic's"
    )
    assert names(result) == ["anthropic-greenhouse", "custom"]


def test_remove_refuses_an_unknown_name_and_the_only_source() -> None:
    with pytest.raises(SourceConfigError, match=r"sources.toml: no source named 'nope' \(sources: aijobs, "):
        remove_source(FILE, "nope", "sources.toml")
    only = '[[source]]\nname = "x"\nkind = "rss"\nurl = "https://a.example/f.rss"\n'
    with pytest.raises(SourceConfigError, match="'x' is the only source"):
        remove_source(only, "x", "sources.toml")


def test_disable_changes_the_line_in_place_keeping_its_comment() -> None:
    result = set_enabled(FILE, "anthropic-greenhouse", False, "sources.toml")
    assert result == FILE.replace("enabled = true  # keep an eye on it", "enabled = false  # keep an eye on it")


def test_disable_adds_the_key_after_the_name_when_absent() -> None:
    result = set_enabled(FILE, "custom", False, "sources.toml")
    assert result == FILE.replace('name = "custom"\n', 'name = "custom"\nenabled = false\n')
    assert tomllib.loads(result)["source"][2]["enabled"] is False
    assert set_enabled(result, "custom", True, "sources.toml") == FILE.replace(
        'name = "custom"\n', 'name = "custom"\nenabled = true\n'
    )


def test_enable_does_not_touch_a_subtable_key_of_the_same_name() -> None:
    text = FILE.replace('company = "org"', 'company = "org"\nenabled = "x"')
    with pytest.raises(SourceConfigError):  # `fields.enabled` is not a field: the file was already bad
        set_enabled(text, "custom", False, "sources.toml")


def test_render_source_puts_the_common_keys_first() -> None:
    text = render_source({"max_pages": 2, "url": "https://a.example/", "name": "n", "kind": "jsonld"})
    assert text == '[[source]]\nname = "n"\nkind = "jsonld"\nurl = "https://a.example/"\nmax_pages = 2\n'


def test_write_sources_replaces_atomically(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    write_sources(path, FILE)
    assert path.read_text(encoding="utf-8") == FILE
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["sources.toml"]
