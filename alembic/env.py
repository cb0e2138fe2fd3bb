"""Alembic environment: runs migrations on the connection handed in by models.migrate, or on JOBFEED_DATABASE_URL."""

from __future__ import annotations

from sqlalchemy import Connection

from alembic import context
from models.db import create_db_engine
from models.settings import Settings
from models.tables import Base, declared_in

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
        include_object=declared_in(connection.dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = config.get_main_option("sqlalchemy.url") or Settings().database_url
    engine = create_db_engine(url)
    with engine.connect() as conn:
        run(conn)
    engine.dispose()
