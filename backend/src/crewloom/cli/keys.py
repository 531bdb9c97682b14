"""``crewloom keys rotate``: every stored secret of every tenant re-encrypted under a new master key.

With the key file, the new key goes first in the file and the old ones stay until every tenant is done,
so an interruption never leaves a secret unreadable; running the command again resumes. With
CREWLOOM_MASTER_KEYS the operator owns the keys: everything moves to the first one, and the command
names the old ones that can then be removed.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field

import typer
from sqlalchemy import select

from crewloom.cli.database import database_url, fail, require_current_public_schema
from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.db.migrations.runner import head
from crewloom.db.session import unit_of_work
from crewloom.kit.encryption import KeyRing, configured_keys, key_file, new_master_key, write_key_file
from crewloom.llm.rotation import ResealReport, reseal_tenant
from crewloom.models import TenantSchema

# The second round finds what a server still holding the old keys sealed during the first.
_MAX_ROUNDS = 3


@dataclass
class TenantOutcome:
    tenant_id: uuid.UUID
    schema: str
    resealed: int = 0
    last: ResealReport = field(default_factory=ResealReport)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.last.missing_key and not self.last.raced


async def _registry(database: Database) -> list[tuple[uuid.UUID, str, str | None, str]]:
    async with database.session() as session:
        rows = await session.execute(
            select(
                TenantSchema.tenant_id, TenantSchema.schema_name, TenantSchema.version, TenantSchema.status
            ).order_by(TenantSchema.schema_name)
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]


async def _round(database: Database, ring: KeyRing, known: set[str], outcomes: list[TenantOutcome]) -> int:
    """One transaction per tenant; returns how many secrets this round re-encrypted or found changed."""
    moved = 0
    for outcome in outcomes:
        if outcome.error is not None:
            continue
        try:
            async with unit_of_work(database, outcome.schema) as session:
                report = await reseal_tenant(session, ring, outcome.tenant_id, known)
        except Exception as exc:
            outcome.error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
            continue
        outcome.resealed += report.resealed
        outcome.last = report
        moved += report.resealed + report.raced
    return moved


async def reseal_all(url: str, ring: KeyRing, known: set[str]) -> list[TenantOutcome]:
    database = Database(url, pool_size=1, max_overflow=0)
    try:
        outcomes = []
        for tenant_id, schema, version, status in await _registry(database):
            outcome = TenantOutcome(tenant_id, schema)
            if version != head("tenant") or status != "ready":
                outcome.error = f"schema at {version or 'nothing'} ({status}): run `crewloom migrate` first"
            outcomes.append(outcome)
        for _ in range(_MAX_ROUNDS):
            if not await _round(database, ring, known, outcomes):
                break
        return outcomes
    finally:
        await database.dispose()


def _report(outcome: TenantOutcome, current_id: str) -> bool:
    if outcome.error is not None:
        typer.secho(f"{outcome.schema}  failed  {outcome.error}", fg=typer.colors.RED)
        return False
    total = outcome.last.current + outcome.last.resealed
    status = "ok" if outcome.ok else "failed"
    line = f"{outcome.schema}  {status:<6}  {outcome.resealed} re-encrypted, {total} under {current_id}"
    typer.secho(line, fg=None if outcome.ok else typer.colors.RED)
    for label in outcome.last.missing_key:
        typer.secho(
            f"    {label}: its master key is not configured; restore it, or clear that key", fg=typer.colors.RED
        )
    if outcome.last.raced:
        typer.secho(
            f"    {outcome.last.raced} secret(s) kept changing meanwhile; run the command again", fg=typer.colors.RED
        )
    for label in outcome.last.damaged:
        typer.secho(f"    {label}: does not decrypt for this tenant (damaged); left as it is", fg=typer.colors.YELLOW)
    return outcome.ok


def _file_keys(settings: Settings) -> list[tuple[str, bytes]]:
    keys = configured_keys(settings)
    if len(keys) > 1:
        typer.echo(f"Resuming an unfinished rotation to master key {keys[0][0]}.")
        return keys
    keys = [new_master_key(), *keys]
    write_key_file(key_file(settings), keys)
    typer.echo(f"New master key {keys[0][0]}; the old one stays until every tenant is re-encrypted.")
    return keys


def run_rotate() -> int:
    settings = Settings()
    with database_url(settings) as url:
        require_current_public_schema(url)
        try:
            keys = configured_keys(settings) if settings.master_keys else _file_keys(settings)
        except (ValueError, KeyError, OSError) as exc:
            raise fail(f"cannot read the master keys: {exc}") from exc
        ring = KeyRing(keys)
        known = {key_id for key_id, _ in keys}
        outcomes = asyncio.run(reseal_all(url, ring, known))
    succeeded = [_report(outcome, ring.current_id) for outcome in outcomes]
    failed = succeeded.count(False)
    resealed = sum(outcome.resealed for outcome in outcomes)
    typer.echo(
        f"{len(outcomes)} tenants: {len(outcomes) - failed} ok, {failed} failed; {resealed} secrets re-encrypted"
    )
    old_ids = [key_id for key_id, _ in keys[1:]]
    if failed:
        raise fail(f"old master keys kept ({', '.join(old_ids) or 'none'}): fix the problems above and run again")
    if settings.master_keys:
        if old_ids:
            typer.secho(
                f"Every secret is under {ring.current_id}; remove {', '.join(old_ids)} from CREWLOOM_MASTER_KEYS.",
                fg=typer.colors.GREEN,
            )
        else:
            typer.secho(f"Every secret is under {ring.current_id}.", fg=typer.colors.GREEN)
        return 0
    write_key_file(key_file(settings), keys[:1])
    typer.secho(
        f"Every secret is under {ring.current_id}; removed the old keys ({', '.join(old_ids)}).", fg=typer.colors.GREEN
    )
    return 0
