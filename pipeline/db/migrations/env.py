"""Alembic environment: runs against the engine handed over by pipeline.db.migrate, or the configured URL."""

from __future__ import annotations

from alembic import context

from pipeline.db.engine import make_engine
from pipeline.db.metadata import metadata

from pipeline.db.types import ExactDecimal

config = context.config
target_metadata = metadata


def render_item(type_, obj, autogen_context):
    """Autogenerate writes our decimal type as ``ExactDecimal()`` with its import."""
    if type_ == "type" and isinstance(obj, ExactDecimal):
        autogen_context.imports.add("from pipeline.db.types import ExactDecimal")
        return "ExactDecimal()"
    return False


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            render_item=render_item,
        )
        context.run_migrations()


run_migrations_online()
