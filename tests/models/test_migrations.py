"""Migrations: one head, up/down/up on both backends, and no difference between models and migrations."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from models import migrate
from models.db import create_db_engine
from models.tables import Base, declared_in
from tests.conftest import BACKENDS


@pytest.fixture(params=BACKENDS)
def blank_engine(request: pytest.FixtureRequest, tmp_path) -> Engine:  # type: ignore[no-untyped-def]
    """An empty database of each backend, not yet migrated."""
    if request.param == "sqlite":
        engine = create_db_engine(f"sqlite:///{tmp_path / 'blank.db'}")
    else:
        from sqlalchemy import text

        base = create_db_engine(request.getfixturevalue("postgres_url"))
        with base.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS blank CASCADE"))
            connection.execute(text("CREATE SCHEMA blank"))
        base.dispose()
        engine = create_db_engine(
            request.getfixturevalue("postgres_url"), connect_args={"options": "-c search_path=blank"}
        )
    yield engine
    engine.dispose()


def test_single_head() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1


def test_upgrade_downgrade_upgrade(blank_engine: Engine) -> None:
    migrate.upgrade(blank_engine)
    assert {"sources", "postings", "posting_changes", "scrape_runs"} <= set(inspect(blank_engine).get_table_names())
    assert migrate.current_revision(blank_engine) == migrate.head_revision()
    migrate.downgrade(blank_engine, "base")
    assert set(inspect(blank_engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(blank_engine)
    assert migrate.current_revision(blank_engine) == migrate.head_revision()


def test_models_match_migrations(engine: Engine) -> None:
    with engine.connect() as connection:
        include = declared_in(connection.dialect.name)
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
