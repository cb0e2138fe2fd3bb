"""`jobfeed export`: the API's export on stdout, filters as options, a refused filter as one line and status 2."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import Engine

from scraper.cli import main
from tests.api.conftest import add_posting, add_source


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_export_writes_every_matching_posting(
    committing_engine: Engine, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    add_source(committing_engine, "alpha")
    for n in range(3):
        add_posting(committing_engine, title=f"Engineer {n}", remote="remote")
    add_posting(committing_engine, title="Office job", remote="onsite")
    add_posting(committing_engine, title="Scientist", category="data-scientist", remote="remote")

    assert (
        main(
            ["--database-url", url_of(committing_engine), "export", "--category", "data-engineer", "--remote", "remote"]
        )
        == 0
    )
    lines = capsysbinary.readouterr().out.decode().splitlines()
    assert sorted(json.loads(line)["title"] for line in lines) == ["Engineer 0", "Engineer 1", "Engineer 2"]

    assert main(["--database-url", url_of(committing_engine), "export", "--format", "csv", "--remote", "remote"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode())))
    assert sorted(row["title"] for row in rows) == ["Engineer 0", "Engineer 1", "Engineer 2", "Scientist"]


def test_a_refused_filter_is_one_line_and_status_2(
    committing_engine: Engine, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["--database-url", url_of(committing_engine), "export", "--remote", "mars"]) == 2
    captured = capsysbinary.readouterr()
    assert captured.out == b""
    error = captured.err.decode().strip()
    assert error.startswith("jobfeed: export:") and "remote" in error and "\n" not in error


def test_export_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "--format" in capsys.readouterr().out
