"""Alembic environment: driven by SQLModel.metadata and the engine the workbook passes in."""

from alembic import context
from sqlmodel import SQLModel

import strategy.core.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from strategy.core.db import get_engine
from strategy.core.settings import get_settings

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = get_engine(get_settings().database_url)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        dbapi = connection.connection.dbapi_connection
        assert dbapi is not None  # an open connection holds its driver connection
        if sqlite:
            # Batch migrations rebuild tables; with foreign keys on, ON DELETE CASCADE would wipe
            # child rows (ENGINEERING.md). The pragma only works outside a transaction.
            dbapi.execute("PRAGMA foreign_keys = OFF")
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            dbapi.execute("PRAGMA foreign_keys = ON")


run_migrations_online()
