"""Alembic environment of the support platform's tables (`conversations`, `messages`, `feedback`).

The database is shared with the commerce store and LangGraph's checkpoints; `include_object`
keeps every other table out of the comparison, so autogenerate never proposes touching them.
Run it through `supportgraph.api.db.upgrade`, or with a Config whose `sqlalchemy.url` is set.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from supportgraph.api import tables  # noqa: F401  (registers the platform tables)
from supportgraph.api.db import VERSION_TABLE, include_object, migration_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    """Emit the migrations as SQL for the configured URL, without connecting."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        include_object=include_object,
        version_table=VERSION_TABLE,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations in one transaction on a connection to the configured URL."""
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("the Alembic Config has no sqlalchemy.url")
    engine = migration_engine(url)
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                include_object=include_object,
                version_table=VERSION_TABLE,
                render_as_batch=sqlite,
                # The migration engine begins SQLite transactions itself (BEGIN IMMEDIATE),
                # so the DDL and the version stamp commit together there as on Postgres.
                transactional_ddl=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
