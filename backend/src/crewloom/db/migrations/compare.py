"""Comparing a migrated schema with the models, as Alembic sees them: used to check that the chains
build exactly the models, and to write the next revision of a chain."""

from __future__ import annotations

from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import BLANK_SCHEMA, Connection, MetaData


def models_in(source: MetaData, schema: str | None) -> MetaData:
    """The models of ``source`` placed in ``schema`` (None: the connection's default schema, which is
    how Alembic reflects public), keeping their index names as the migrations spell them."""
    metadata = MetaData(naming_convention=source.naming_convention)
    # Foreign keys follow their tables (the models only refer within their own schema).
    target = BLANK_SCHEMA if schema is None else schema
    for model in source.sorted_tables:
        # SQLAlchemy documents a None schema and a BLANK_SCHEMA result, but its annotations omit both.
        copy = model.to_metadata(metadata, schema=schema, referred_schema_fn=lambda *_: target)  # type: ignore[arg-type]
        names = {tuple(column.name for column in index.columns): index.name for index in model.indexes}
        for index in copy.indexes:
            index.name = names[tuple(column.name for column in index.columns)]
    return metadata


def comparison_context(connection: Connection, schema: str | None) -> MigrationContext:
    """A context that sees only ``schema`` (None: the default schema) and ignores the version table."""

    def only_this_schema(name: str | None, kind: str, _parents: Any) -> bool:
        return kind != "schema" or name == schema

    return MigrationContext.configure(
        connection,
        opts={"include_schemas": True, "include_name": only_this_schema, "version_table_schema": schema},
    )
