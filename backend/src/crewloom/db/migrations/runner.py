"""Runs Alembic without an env.py: the public chain once, the tenant chain once per tenant schema.

Alembic installs its ``op`` and ``context`` proxies as module globals, so two schemas must never
migrate concurrently in one process; parallel migration uses worker processes (see ``parallel``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from crewloom.models import PublicBase, TenantBase
from crewloom.models.base import PUBLIC_SCHEMA, TENANT_SCHEMA

Chain = Literal["public", "tenant"]
_HERE = Path(__file__).parent


@lru_cache(maxsize=2)
def _scripts(chain: Chain) -> tuple[Config, ScriptDirectory]:
    config = Config()
    config.set_main_option("script_location", str(_HERE / chain))
    return config, ScriptDirectory.from_config(config)


def head(chain: Chain) -> str:
    revision = _scripts(chain)[1].get_current_head()
    assert revision is not None
    return revision


def current_version(connection: Connection, version_schema: str) -> str | None:
    context = MigrationContext.configure(connection, opts={"version_table_schema": version_schema})
    return context.get_current_revision()


def upgrade(connection: Connection, chain: Chain, version_schema: str) -> str | None:
    """Upgrade one schema to head inside the connection's transaction; returns the new version."""
    config, script = _scripts(chain)
    if chain == "tenant":
        # Tenant migrations name the placeholder schema; map it for this connection only.
        connection = connection.execution_options(schema_translate_map={TENANT_SCHEMA: version_schema})

    def steps(revision: Any, _context: Any) -> Any:
        return script._upgrade_revs("head", revision)

    metadata = TenantBase.metadata if chain == "tenant" else PublicBase.metadata
    with EnvironmentContext(config, script, fn=steps, destination_rev="head") as environment:
        environment.configure(connection=connection, target_metadata=metadata, version_table_schema=version_schema)
        with environment.begin_transaction():
            environment.run_migrations()
    return current_version(connection, version_schema)


def upgrade_public(connection: Connection) -> str | None:
    return upgrade(connection, "public", PUBLIC_SCHEMA)


def stamp_tenant_schema(connection: Connection, schema: str) -> None:
    """Record head in a schema whose tables were just created from the models."""
    _, script = _scripts("tenant")
    MigrationContext.configure(connection, opts={"version_table_schema": schema}).stamp(script, "head")
