"""Edits of a sources file as text: append, remove, enable or disable one [[source]], every other line kept as written.

Pure functions from text to text; each result is checked against the schema before it is returned, so an edit
can never leave a file that `jobfeed` would refuse. Writing the file (atomically) is `write_sources`.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit

from scraper.config import SourceConfig, parse_sources
from scraper.errors import SourceConfigError
from scraper.sources_file.schema import KIND_OPTIONS

HEADER = re.compile(r"^\s*\[\[\s*source\s*\]\]\s*(?:#.*)?$")
ENABLED = re.compile(r"^(\s*enabled\s*=\s*)(true|false)(.*)$")
NAME = re.compile(r"^\s*name\s*=")
SUBTABLE = re.compile(r"^\s*\[")
# The order keys are written in: the common keys first, as DESIGN.md section 4 shows them.
KEY_ORDER = ("name", "kind", "url", "board", "company", "every", "enabled", "allow_private_network")


@dataclass(frozen=True, slots=True)
class Block:
    """Lines [start, end) of one [[source]] table: the comment lines right above its header belong to it."""

    start: int
    end: int


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def blocks(text: str) -> list[Block]:
    lines = _lines(text)
    headers = [index for index, line in enumerate(lines) if HEADER.match(line)]
    starts: list[int] = []
    for number, header in enumerate(headers):
        floor = headers[number - 1] + 1 if number else 0
        start = header
        while start > floor and lines[start - 1].lstrip().startswith("#"):
            start -= 1
        starts.append(start)
    return [Block(start, starts[n + 1] if n + 1 < len(starts) else len(lines)) for n, start in enumerate(starts)]


def check(text: str, origin: str, known_kinds: Iterable[str] = KIND_OPTIONS) -> list[SourceConfig]:
    """The sources of a file's text, checked by the schema (SourceConfigError naming `origin` otherwise)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceConfigError(f"{origin}: not valid TOML: {exc}") from None
    return parse_sources(document, known_kinds, origin=origin)


def _locate(text: str, name: str, origin: str) -> tuple[list[str], Block]:
    names = [config.name for config in check(text, origin)]
    if name not in names:
        raise SourceConfigError(f"{origin}: no source named {name!r} (sources: {', '.join(names)})")
    found = blocks(text)
    if len(found) != len(names):  # a [[source]] header inside a multi-line string, or inline tables
        raise SourceConfigError(f"{origin}: cannot edit this file as text: its [[source]] headers are not one per line")
    return _lines(text), found[names.index(name)]


def render_source(table: Mapping[str, Any], comment: str | None = None) -> str:
    """One [[source]] table as TOML (tomlkit quotes and escapes), keys in the documented order, a comment above."""
    ordered = {key: table[key] for key in KEY_ORDER if key in table}
    ordered.update({key: value for key, value in table.items() if key not in ordered})
    body = tomlkit.dumps({"source": [ordered]})
    lines = [f"# {line}".rstrip() + "\n" for line in (comment or "").splitlines()]
    return "".join(lines) + body


def append_source(text: str, table: Mapping[str, Any], origin: str, *, comment: str | None = None) -> str:
    """`text` with one more [[source]] at its end; refused if the result breaks the schema (a duplicate name...)."""
    head = text.rstrip("\n")
    result = (head + "\n\n" if head else "") + render_source(table, comment)
    check(result, origin)
    return result


def remove_source(text: str, name: str, origin: str) -> str:
    """`text` without the source `name` (and the comment lines right above its header)."""
    lines, block = _locate(text, name, origin)
    kept = lines[: block.start] + lines[block.end :]
    result = "".join(kept)
    result = re.sub(r"\n{3,}", "\n\n", result).strip("\n") + "\n"
    if not blocks(result):
        raise SourceConfigError(f"{origin}: {name!r} is the only source, and a sources file lists at least one")
    check(result, origin)
    return result


def set_enabled(text: str, name: str, enabled: bool, origin: str) -> str:
    """`text` with `enabled = true|false` for source `name`: the line changed in place, else added after `name`."""
    lines, block = _locate(text, name, origin)
    value = "true" if enabled else "false"
    own = range(block.start, block.end)
    header = next(index for index in own if HEADER.match(lines[index]))
    top = [index for index in own if index > header]
    top = top[: next((n for n, index in enumerate(top) if SUBTABLE.match(lines[index])), len(top))]
    for index in top:
        match = ENABLED.match(lines[index])
        if match:
            lines[index] = f"{match.group(1)}{value}{match.group(3)}" + ("\n" if lines[index].endswith("\n") else "")
            break
    else:
        after = next((index for index in top if NAME.match(lines[index])), header)
        lines.insert(after + 1, f"enabled = {value}\n")
    result = "".join(lines)
    check(result, origin)
    return result


def write_sources(path: Path, text: str) -> None:
    """Replace the file atomically (a temp file in the same directory, then rename): never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
