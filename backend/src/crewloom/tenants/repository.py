"""Queries of the tenants domain: tenants, the registry, memberships, invitations."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.kit.pagination import PageRequest, paginate
from crewloom.models import Invitation, Membership, RefreshToken, Tenant, TenantSchema, User


class TenantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_tenant(self, tenant: Tenant, registry: TenantSchema) -> None:
        self.session.add(tenant)
        await self.session.flush()
        self.session.add(registry)
        await self.session.flush()

    async def add_membership(self, membership: Membership) -> None:
        self.session.add(membership)
        await self.session.flush()

    async def get_tenant(self, tenant_id: uuid.UUID) -> Tenant | None:
        return await self.session.get(Tenant, tenant_id)

    async def lock_tenant(self, tenant_id: uuid.UUID) -> Tenant | None:
        """The tenant row, locked: serializes membership changes so two admins cannot demote each
        other at once, and renames against deletion."""
        return (
            await self.session.execute(select(Tenant).where(Tenant.id == tenant_id).with_for_update())
        ).scalar_one_or_none()

    async def delete_tenant(self, tenant: Tenant) -> None:
        await self.session.delete(tenant)
        await self.session.flush()

    async def get_registry(self, tenant_id: uuid.UUID) -> TenantSchema | None:
        return await self.session.get(TenantSchema, tenant_id)

    async def list_registry(self) -> list[TenantSchema]:
        return list((await self.session.execute(select(TenantSchema).order_by(TenantSchema.schema_name))).scalars())


class MemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page(self, tenant_id: uuid.UUID, request: PageRequest) -> tuple[list[Membership], str | None]:
        return await paginate(
            self.session,
            select(Membership).where(Membership.tenant_id == tenant_id),
            request=request,
            sort=Membership.created_at,
            tiebreak=Membership.user_id,
        )

    async def users(self, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, User]:
        if not user_ids:
            return {}
        rows = await self.session.execute(select(User).where(User.id.in_(user_ids)))
        return {user.id: user for user in rows.scalars()}

    async def get(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> Membership | None:
        return await self.session.get(Membership, (tenant_id, user_id))

    async def find_by_email(self, tenant_id: uuid.UUID, email: str) -> Membership | None:
        return (
            await self.session.execute(
                select(Membership)
                .join(User, User.id == Membership.user_id)
                .where(Membership.tenant_id == tenant_id, User.email == email.lower())
            )
        ).scalar_one_or_none()

    async def count_admins(self, tenant_id: uuid.UUID) -> int:
        count = await self.session.scalar(
            select(func.count()).where(Membership.tenant_id == tenant_id, Membership.role == "admin")
        )
        return int(count or 0)

    async def remove(self, membership: Membership, when: datetime) -> None:
        """Drop the membership and end the member's sessions in this tenant."""
        await self.session.delete(membership)
        await self.session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.tenant_id == membership.tenant_id,
                RefreshToken.user_id == membership.user_id,
                RefreshToken.revoked_at.is_(None),
            )
            .values(revoked_at=when)
        )
        await self.session.flush()


class InvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, invitation: Invitation) -> None:
        self.session.add(invitation)
        await self.session.flush()

    async def get(self, tenant_id: uuid.UUID, invitation_id: uuid.UUID) -> Invitation | None:
        return (
            await self.session.execute(
                select(Invitation).where(Invitation.id == invitation_id, Invitation.tenant_id == tenant_id)
            )
        ).scalar_one_or_none()

    async def find_by_token_hash(self, token_hash: str) -> Invitation | None:
        return (
            await self.session.execute(select(Invitation).where(Invitation.token_hash == token_hash))
        ).scalar_one_or_none()

    async def lock_by_token_hash(self, token_hash: str) -> Invitation | None:
        """The invitation, locked until the transaction ends, so that one token is accepted once."""
        return (
            await self.session.execute(select(Invitation).where(Invitation.token_hash == token_hash).with_for_update())
        ).scalar_one_or_none()

    async def page_pending(
        self, tenant_id: uuid.UUID, now: datetime, request: PageRequest
    ) -> tuple[list[Invitation], str | None]:
        return await paginate(
            self.session,
            select(Invitation).where(
                Invitation.tenant_id == tenant_id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            ),
            request=request,
            sort=Invitation.created_at,
            tiebreak=Invitation.id,
            descending=True,
        )

    async def revoke_pending_for_email(self, tenant_id: uuid.UUID, email: str, when: datetime) -> None:
        await self.session.execute(
            update(Invitation)
            .where(
                Invitation.tenant_id == tenant_id,
                Invitation.email == email,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .values(revoked_at=when)
        )
