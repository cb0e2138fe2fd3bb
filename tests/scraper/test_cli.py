"""The `jobfeed` command as a user runs it: a real subprocess, real databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from models import migrate
from models.db import create_db_engine
from scraper.storage.summaries import dirty_categories
from tests.api.conftest import add_posting, add_source

pytestmark = pytest.mark.slow  # the CLI as a user runs it, in subprocesses


def jobfeed(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JOBFEED_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "scraper.cli", *args],
        cwd=cwd,
        env={**environment, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_on_every_command(tmp_path: Path) -> None:
    for command in (
        [],
        ["run"],
        ["api"],
        ["schedule"],
        ["scrape"],
        ["db"],
        ["db", "upgrade"],
        ["sources"],
        ["salary"],
        ["classify"],
        ["rates", "update"],
    ):
        result = jobfeed(*command, "--help", cwd=tmp_path)
        assert result.returncode == 0, (command, result.stderr)
        assert "usage: jobfeed" in result.stdout


def test_version(tmp_path: Path) -> None:
    result = jobfeed("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("jobfeed ")


def test_db_upgrade_creates_default_sqlite_file_then_is_a_noop(tmp_path: Path) -> None:
    first = jobfeed("db", "upgrade", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    database = tmp_path / "jobfeed.db"
    assert database.is_file()
    engine = create_db_engine(f"sqlite:///{database}")
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert "postings" in inspect(engine).get_table_names()
    engine.dispose()
    second = jobfeed("db", "upgrade", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stderr


def test_db_upgrade_rebuilds_the_summaries_a_migration_marked(tmp_path: Path) -> None:
    """The salary periods' block migration marks every category for recomputation; the upgrade rebuilds them, so
    the statistics are read from summaries at once, not computed live until the next run's upkeep."""
    engine = create_db_engine(f"sqlite:///{tmp_path / 'jobfeed.db'}")
    migrate.upgrade(engine, "512dc6e95b5a")  # the revision before the block migration
    add_source(engine, "alpha")
    for salary in (90_000.0, 120_000.0, 150_000.0):
        add_posting(engine, annual_usd_mid=salary)
    assert dirty_categories(engine) == {"data-engineer"}  # (this code's upkeep cannot run on the older schema)
    result = jobfeed("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "rebuilt the salary summaries of 1 categories" in result.stderr
    assert dirty_categories(engine) == set()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM salary_periods WHERE weeks > 1")).scalar_one() > 0
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("postgresql+psycopg://jobfeed@127.0.0.1:1/jobfeed", "127.0.0.1:1/jobfeed"),
        ("postgresql+psycopg://jobfeed@db.invalid:5432/jobfeed", "db.invalid:5432/jobfeed"),
    ],
    ids=["refused port", "unknown host"],
)
def test_unreachable_database_is_one_line_exit_2(tmp_path: Path, url: str, host: str) -> None:
    result = jobfeed("db", "upgrade", cwd=tmp_path, env={"JOBFEED_DATABASE_URL": url})
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert host in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_sources_file_is_refused_naming_source_and_key(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text('[[source]]\nname = "x"\nkind = "nope"\nurl = "https://a.b/"\n')
    result = jobfeed("scrape", "--dry-run", cwd=tmp_path)
    assert result.returncode == 2
    assert "source 'x': key 'kind'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_source_name_lists_the_configured_ones(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text('[[source]]\nname = "feed"\nkind = "rss"\nurl = "https://a.b/"\n')
    result = jobfeed("scrape", "nope", "--dry-run", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown source 'nope'; configured: feed" in result.stderr


def test_salary_and_classify_print_json(tmp_path: Path) -> None:
    salary = jobfeed("salary", "USD 60K - 120K", cwd=tmp_path)
    assert salary.returncode == 0, salary.stderr
    parsed = json.loads(salary.stdout)
    assert (parsed["min"], parsed["max"], parsed["currency"], parsed["period"]) == (60000, 120000, "USD", "year")
    classify = jobfeed("classify", "--explain", "Lead Developer (AI)", cwd=tmp_path)
    assert classify.returncode == 0, classify.stderr
    result = json.loads(classify.stdout)
    assert result["category"] == "ai-engineer"
    assert result["rule"]
