"""Write the next revision of a chain from the difference between the models and the migrations:
``make migration chain=tenant message="what changed"``.

It upgrades a scratch database to the chain's head, compares it with the models and renders the
operations into a new file beside the others; read the result before committing it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
from pathlib import Path

import asyncpg
import sqlalchemy
from alembic.autogenerate import produce_migrations, render_python_code
from alembic.operations.ops import DowngradeOps, UpgradeOps
from sqlalchemy import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from crewloom.db.engine import async_url
from crewloom.db.migrations import runner
from crewloom.db.migrations.compare import comparison_context, models_in
from crewloom.models import PublicBase, TenantBase
from crewloom.models.base import PUBLIC_SCHEMA, TENANT_SCHEMA

_HERE = Path(__file__).parent
_BARE_TYPE = re.compile(r"(?<![\w.\"'])([A-Z]\w*)\(")
_TEMPLATE = '''"""{message}

Revision ID: {revision}
Revises: {down_revision}
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "{revision}"
down_revision: str | None = "{down_revision}"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
{upgrade}


def downgrade() -> None:
{downgrade}
'''


def _render(connection: Connection, chain: runner.Chain) -> tuple[str, str]:
    # Public is the scratch connection's default schema, which Alembic reflects as None.
    schema = TENANT_SCHEMA if chain == "tenant" else PUBLIC_SCHEMA
    runner.upgrade(connection, chain, schema)
    source = TenantBase.metadata if chain == "tenant" else PublicBase.metadata
    compared = TENANT_SCHEMA if chain == "tenant" else None
    operations = produce_migrations(comparison_context(connection, compared), models_in(source, compared))

    def body(operations_of: UpgradeOps | DowngradeOps | None) -> str:
        assert operations_of is not None
        lines = [line for line in render_python_code(operations_of).splitlines() if "### " not in line]
        code = "\n".join(line for line in lines if line.strip())
        # Alembic leaves types nested in dialect types (ARRAY(String), JSONB's Text) unqualified.
        code = _BARE_TYPE.sub(lambda match: f"sa.{match[1]}(" if hasattr(sqlalchemy, match[1]) else match[0], code)
        return code if code else "    pass"

    return body(operations.upgrade_ops), body(operations.downgrade_ops)


async def _generate(url: str, chain: runner.Chain) -> tuple[str, str]:
    parsed = make_url(async_url(url))
    admin = await asyncpg.connect(parsed.set(drivername="postgresql", database="postgres").render_as_string(False))
    try:
        await admin.execute(f'drop database if exists "{parsed.database}" with (force)')
        await admin.execute(f'create database "{parsed.database}"')
        engine = create_async_engine(async_url(url))
        try:
            async with engine.begin() as connection:
                # The tenant chain is written against the placeholder schema; here it is a real one.
                await connection.exec_driver_sql(f'create schema if not exists "{TENANT_SCHEMA}"')
                return await connection.run_sync(_render, chain)
        finally:
            await engine.dispose()
    finally:
        await admin.execute(f'drop database if exists "{parsed.database}" with (force)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("chain", choices=["public", "tenant"])
    parser.add_argument("message")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "CREWLOOM_SCRATCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/crewloom_scratch"
        ),
        help="a database this may drop and recreate",
    )
    arguments = parser.parse_args()
    chain: runner.Chain = arguments.chain
    upgrade, downgrade = asyncio.run(_generate(arguments.database_url, chain))
    if upgrade.strip() == "pass":
        print(f"the {chain} chain already matches the models; nothing written")
        return
    down_revision = runner.head(chain)
    revision = f"{down_revision[0]}{int(down_revision[1:]) + 1:04d}"
    slug = "_".join(re.findall(r"[a-z0-9]+", arguments.message.lower()))[:40].rstrip("_")
    path = _HERE / chain / "versions" / f"{revision}_{slug}.py"
    path.write_text(
        _TEMPLATE.format(
            message=arguments.message,
            revision=revision,
            down_revision=down_revision,
            upgrade=upgrade,
            downgrade=downgrade,
        )
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
