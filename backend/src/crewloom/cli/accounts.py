"""Accounts from the command line: the first administrator, password resets, the tenant list."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from dataclasses import dataclass

import typer
from sqlalchemy import select, update

from crewloom.auth.passwords import hash_password
from crewloom.auth.repository import UserRepository
from crewloom.auth.service import create_user
from crewloom.cli.database import database_url, fail, require_current_public_schema
from crewloom.config import Settings
from crewloom.db.engine import Database
from crewloom.db.session import unit_of_work
from crewloom.errors import Conflict
from crewloom.models import RefreshToken, Tenant, TenantSchema, User
from crewloom.models.base import utcnow
from crewloom.tenants.provisioning import provision_tenant

ADMIN_EMAIL = "admin@crewloom.local"
DEFAULT_TENANT = "Default"


@dataclass(frozen=True)
class Login:
    email: str
    # Known only when the account was just created; it is stored hashed.
    password: str | None


def new_password() -> str:
    return secrets.token_urlsafe(15)


async def ensure_first_admin(url: str) -> Login:
    """On a database without any account, create the administrator and the "Default" tenant in one
    transaction; otherwise name the oldest account."""
    database = Database(url, pool_size=1, max_overflow=0)
    try:
        async with unit_of_work(database) as session:
            oldest = await session.scalar(select(User.email).order_by(User.created_at).limit(1))
            if oldest is not None:
                return Login(oldest, None)
            password = new_password()
            user = await create_user(session, email=ADMIN_EMAIL, password=password, display_name="Administrator")
            await provision_tenant(session, name=DEFAULT_TENANT, admin_user_id=user.id)
            return Login(ADMIN_EMAIL, password)
    except Conflict:
        # Another process starting on the same database created it first.
        return Login(ADMIN_EMAIL, None)
    finally:
        await database.dispose()


async def reset_password(url: str, email: str) -> str | None:
    database = Database(url, pool_size=1, max_overflow=0)
    try:
        async with unit_of_work(database) as session:
            user = await UserRepository(session).find_by_email(email)
            if user is None:
                return None
            password = new_password()
            user.password_hash = hash_password(password)
            await session.execute(
                update(RefreshToken)
                .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
            return password
    finally:
        await database.dispose()


@dataclass(frozen=True)
class TenantRow:
    id: uuid.UUID
    name: str
    schema: str
    version: str | None
    status: str


async def list_tenants(url: str) -> list[TenantRow]:
    database = Database(url, pool_size=1, max_overflow=0)
    try:
        async with database.session() as session:
            rows = await session.execute(
                select(Tenant.id, Tenant.name, TenantSchema.schema_name, TenantSchema.version, TenantSchema.status)
                .join(TenantSchema, TenantSchema.tenant_id == Tenant.id)
                .order_by(Tenant.created_at)
            )
            return [TenantRow(*row) for row in rows]
    finally:
        await database.dispose()


def run_reset_password(email: str) -> int:
    with database_url(Settings()) as url:
        require_current_public_schema(url)
        password = asyncio.run(reset_password(url, email))
    if password is None:
        raise fail(f"no account with the email {email}")
    typer.echo(f"New password for {email.lower()}: {password}")
    typer.echo("Its sessions were signed out; it is shown only now.")
    return 0


def run_tenants_list() -> int:
    with database_url(Settings()) as url:
        require_current_public_schema(url)
        rows = asyncio.run(list_tenants(url))
    typer.echo(f"{'ID':<36}  {'NAME':<24}  {'SCHEMA':<34}  {'VERSION':<8}  STATUS")
    for row in rows:
        name = row.name if len(row.name) <= 24 else row.name[:23] + "…"
        typer.echo(f"{row.id!s:<36}  {name:<24}  {row.schema:<34}  {row.version or '-':<8}  {row.status}")
    typer.echo(f"{len(rows)} tenant{'' if len(rows) == 1 else 's'}")
    return 0
