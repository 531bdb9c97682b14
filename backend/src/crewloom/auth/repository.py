"""Queries of the auth domain."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.models import ApiKey, LoginFailure, Membership, RefreshToken, Tenant, TenantSchema, User


@dataclass(frozen=True)
class MembershipContext:
    role: str
    schema_name: str
    version: str | None


@dataclass(frozen=True)
class ApiKeyContext:
    key: ApiKey
    schema_name: str
    version: str | None


@dataclass(frozen=True)
class MembershipView:
    tenant_id: uuid.UUID
    tenant_name: str
    role: str


class PrincipalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find_membership(self, user_id: uuid.UUID, tenant_id: uuid.UUID) -> MembershipContext | None:
        row = (
            await self.session.execute(
                select(Membership.role, TenantSchema.schema_name, TenantSchema.version)
                .join(TenantSchema, TenantSchema.tenant_id == Membership.tenant_id)
                .where(Membership.user_id == user_id, Membership.tenant_id == tenant_id)
            )
        ).one_or_none()
        return MembershipContext(row.role, row.schema_name, row.version) if row else None

    async def find_api_key(self, prefix: str) -> ApiKeyContext | None:
        row = (
            await self.session.execute(
                select(ApiKey, TenantSchema.schema_name, TenantSchema.version)
                .join(TenantSchema, TenantSchema.tenant_id == ApiKey.tenant_id)
                .where(ApiKey.prefix == prefix)
            )
        ).one_or_none()
        return ApiKeyContext(row[0], row[1], row[2]) if row else None


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find_by_email(self, email: str) -> User | None:
        return (await self.session.execute(select(User).where(User.email == email.lower()))).scalar_one_or_none()

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def add(self, user: User) -> None:
        self.session.add(user)
        await self.session.flush()

    async def list_memberships(self, user_id: uuid.UUID) -> list[MembershipView]:
        """The user's workspaces, oldest membership first."""
        rows = await self.session.execute(
            select(Membership.tenant_id, Tenant.name, Membership.role)
            .join(Tenant, Tenant.id == Membership.tenant_id)
            .where(Membership.user_id == user_id)
            .order_by(Membership.created_at, Membership.tenant_id)
        )
        return [MembershipView(tenant_id, name, role) for tenant_id, name, role in rows]


class RefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, token: RefreshToken) -> None:
        self.session.add(token)
        await self.session.flush()

    async def get_for_update(self, token_id: uuid.UUID) -> RefreshToken | None:
        return (
            await self.session.execute(select(RefreshToken).where(RefreshToken.id == token_id).with_for_update())
        ).scalar_one_or_none()

    async def revoke_family(self, family_id: uuid.UUID, when: datetime) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=when)
        )


class LoginFailureRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def increment(self, key: str, *, now: datetime, reset_if_opened_by: datetime) -> tuple[int, datetime]:
        """Count one more under ``key``; a window opened at or before ``reset_if_opened_by`` has ended
        and a new one starts at ``now``. Returns the count and the window's start. The upsert locks
        the row, so concurrent increments of one key are serialised."""
        fresh = insert(LoginFailure).values(key=key, count=1, window_started_at=now)
        ended = LoginFailure.window_started_at <= reset_if_opened_by
        statement = fresh.on_conflict_do_update(
            index_elements=[LoginFailure.key],
            set_={
                "count": case((ended, 1), else_=LoginFailure.count + 1),
                "window_started_at": case(
                    (ended, fresh.excluded.window_started_at), else_=LoginFailure.window_started_at
                ),
            },
        ).returning(LoginFailure.count, LoginFailure.window_started_at)
        count, started = (await self.session.execute(statement)).one()
        return int(count), started

    async def decrement(self, key: str) -> None:
        await self.session.execute(
            update(LoginFailure)
            .where(LoginFailure.key == key, LoginFailure.count > 0)
            .values(count=LoginFailure.count - 1)
        )

    async def remove(self, key: str) -> None:
        await self.session.execute(delete(LoginFailure).where(LoginFailure.key == key))
