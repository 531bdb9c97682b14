"""The rules of tenant administration: the tenant itself, its members and its invitations."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.audit.service import record
from crewloom.auth import schemas as auth_schemas
from crewloom.auth.api_key_format import hash_secret
from crewloom.auth.passwords import verify_password
from crewloom.auth.permissions import Role
from crewloom.auth.principal import Principal
from crewloom.auth.repository import UserRepository
from crewloom.auth.service import create_user, issue_session
from crewloom.config import Settings
from crewloom.db.migrations.runner import head
from crewloom.db.tenancy import drop_tenant_schema
from crewloom.errors import AppError, Conflict, NotFound, TenantSchemaOutdated, Unauthorized, Unprocessable
from crewloom.kit.ids import new_id
from crewloom.kit.pagination import Page, PageRequest
from crewloom.models import Invitation, Membership, Tenant, User
from crewloom.models.base import utcnow
from crewloom.tenants.repository import InvitationRepository, MemberRepository, TenantRepository
from crewloom.tenants.schemas import (
    InvitationAccept,
    InvitationCreated,
    InvitationIn,
    InvitationOut,
    MemberOut,
    TenantOut,
)


class InvitationGone(AppError):
    """The invitation existed but can no longer be accepted: used, revoked or expired."""

    status_code = 410
    code = "invitation_gone"


_LAST_ADMIN = "a workspace needs at least one admin: make another member admin first"


async def _tenant_out(repository: TenantRepository, tenant: Tenant) -> TenantOut:
    registry = await repository.get_registry(tenant.id)
    return TenantOut(
        id=tenant.id,
        name=tenant.name,
        created_at=tenant.created_at,
        schema_version=registry.version if registry else None,
    )


async def _locked_tenant(repository: TenantRepository, principal: Principal) -> Tenant:
    tenant = await repository.lock_tenant(principal.tenant_id)
    if tenant is None:
        raise NotFound("this workspace no longer exists")
    return tenant


async def get_tenant(session: AsyncSession, principal: Principal) -> TenantOut:
    repository = TenantRepository(session)
    tenant = await repository.get_tenant(principal.tenant_id)
    if tenant is None:
        raise NotFound("this workspace no longer exists")
    return await _tenant_out(repository, tenant)


async def rename_tenant(session: AsyncSession, principal: Principal, name: str) -> TenantOut:
    repository = TenantRepository(session)
    tenant = await _locked_tenant(repository, principal)
    previous = tenant.name
    if name != previous:
        tenant.name = name
        await session.flush()
        await record(
            session,
            principal,
            action="tenant.rename",
            resource_type="tenant",
            resource_id=tenant.id,
            detail={"from": previous, "to": name},
        )
    return await _tenant_out(repository, tenant)


async def delete_tenant(session: AsyncSession, principal: Principal, confirm: str) -> None:
    """Drop the tenant's schema and its row; memberships, keys, invitations, sessions and the registry
    entry go with the row. Only the exact current name confirms it."""
    repository = TenantRepository(session)
    tenant = await _locked_tenant(repository, principal)
    if confirm != tenant.name:
        raise Unprocessable({"field": "confirm", "message": "must be the workspace's exact current name"})
    await drop_tenant_schema(session, principal.schema)
    await repository.delete_tenant(tenant)


async def list_members(session: AsyncSession, principal: Principal, request: PageRequest) -> Page[MemberOut]:
    repository = MemberRepository(session)
    memberships, next_cursor = await repository.page(principal.tenant_id, request)
    users = await repository.users([membership.user_id for membership in memberships])
    return Page(
        # A user deleted between the two reads has no membership any more either: leave it out.
        items=[_member_out(member, users[member.user_id]) for member in memberships if member.user_id in users],
        next_cursor=next_cursor,
    )


def _member_out(membership: Membership, user: User) -> MemberOut:
    return MemberOut(
        user_id=membership.user_id,
        email=user.email,
        display_name=user.display_name,
        role=Role(membership.role),
        joined_at=membership.created_at,
    )


async def _member(session: AsyncSession, principal: Principal, user_id: uuid.UUID) -> Membership:
    """Locks the tenant first, so the admin count read next stays true until commit."""
    await _locked_tenant(TenantRepository(session), principal)
    membership = await MemberRepository(session).get(principal.tenant_id, user_id)
    if membership is None:
        raise NotFound("no such member in this workspace")
    return membership


async def change_role(session: AsyncSession, principal: Principal, user_id: uuid.UUID, role: Role) -> MemberOut:
    repository = MemberRepository(session)
    membership = await _member(session, principal, user_id)
    previous = membership.role
    if role != previous:
        if previous == Role.admin and await repository.count_admins(principal.tenant_id) <= 1:
            raise Conflict(_LAST_ADMIN)
        membership.role = role
        await session.flush()
        await record(
            session,
            principal,
            action="member.role_change",
            resource_type="member",
            resource_id=user_id,
            detail={"from": previous, "to": role.value},
        )
    return _member_out(membership, (await repository.users([user_id]))[user_id])


async def remove_member(session: AsyncSession, principal: Principal, user_id: uuid.UUID) -> None:
    repository = MemberRepository(session)
    membership = await _member(session, principal, user_id)
    if membership.role == Role.admin and await repository.count_admins(principal.tenant_id) <= 1:
        raise Conflict(_LAST_ADMIN)
    await repository.remove(membership, utcnow())
    await record(
        session,
        principal,
        action="member.remove",
        resource_type="member",
        resource_id=user_id,
        detail={"role": membership.role},
    )


async def create_invitation(
    session: AsyncSession, settings: Settings, principal: Principal, payload: InvitationIn
) -> InvitationCreated:
    """A new single-use token for ``email``; it replaces any invitation still pending for that email."""
    email = payload.email.lower()
    if await MemberRepository(session).find_by_email(principal.tenant_id, email) is not None:
        raise Conflict({"field": "email", "message": "already a member of this workspace"})
    repository = InvitationRepository(session)
    now = utcnow()
    await repository.revoke_pending_for_email(principal.tenant_id, email, now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        id=new_id(),
        tenant_id=principal.tenant_id,
        email=email,
        role=payload.role,
        token_hash=hash_secret(token),
        invited_by=principal.user_id,
        created_at=now,
        expires_at=now + timedelta(hours=settings.invitation_hours),
    )
    await repository.add(invitation)
    await record(
        session,
        principal,
        action="invitation.create",
        resource_type="invitation",
        resource_id=invitation.id,
        detail={"email": email, "role": payload.role.value},
    )
    return InvitationCreated(
        id=invitation.id, email=email, role=payload.role, expires_at=invitation.expires_at, token=token
    )


async def list_invitations(session: AsyncSession, principal: Principal, request: PageRequest) -> Page[InvitationOut]:
    invitations, next_cursor = await InvitationRepository(session).page_pending(principal.tenant_id, utcnow(), request)
    return Page(items=[InvitationOut.model_validate(item) for item in invitations], next_cursor=next_cursor)


async def revoke_invitation(session: AsyncSession, principal: Principal, invitation_id: uuid.UUID) -> None:
    """Idempotent for a revoked invitation; an accepted one is a 409 (remove the member instead)."""
    invitation = await InvitationRepository(session).get(principal.tenant_id, invitation_id)
    if invitation is None:
        raise NotFound("no such invitation")
    if invitation.accepted_at is not None:
        raise Conflict("this invitation was already accepted; remove the member instead")
    if invitation.revoked_at is not None:
        return
    invitation.revoked_at = utcnow()
    await session.flush()
    await record(
        session,
        principal,
        action="invitation.revoke",
        resource_type="invitation",
        resource_id=invitation.id,
        detail={"email": invitation.email, "role": invitation.role},
    )


def _acceptable(invitation: Invitation | None) -> Invitation:
    if invitation is None:
        raise NotFound("no invitation matches this token")
    if invitation.accepted_at is not None:
        raise InvitationGone("this invitation has already been used")
    if invitation.revoked_at is not None:
        raise InvitationGone("this invitation was revoked")
    if invitation.expires_at <= utcnow():
        raise InvitationGone("this invitation has expired; ask for a new one")
    return invitation


async def account_to_verify(session: AsyncSession, token: str) -> str | None:
    """The email of the existing account whose password accepting ``token`` will check, if any. Read
    without locks, so that the caller can count the attempt against that account's sign-in limits
    before the acceptance itself."""
    try:
        invitation = _acceptable(await InvitationRepository(session).find_by_token_hash(hash_secret(token)))
    except AppError:
        # The acceptance itself refuses it, under the row lock.
        return None
    user = await UserRepository(session).find_by_email(invitation.email)
    return user.email if user else None


async def accept_invitation(
    session: AsyncSession, settings: Settings, payload: InvitationAccept, address: str | None
) -> auth_schemas.SessionOut:
    """Join the tenant with the invited role: a new account is created with ``password``, an existing
    one must prove it with its own password. The invitation row stays locked until commit. An account
    created between ``account_to_verify`` and here is checked without counting: that happens once per
    account, so it opens no way to repeat guesses."""
    invitation = _acceptable(await InvitationRepository(session).lock_by_token_hash(hash_secret(payload.token)))
    tenants = TenantRepository(session)
    tenant = await tenants.get_tenant(invitation.tenant_id)
    registry = await tenants.get_registry(invitation.tenant_id)
    if tenant is None or registry is None:
        raise NotFound("no invitation matches this token")
    if registry.version != head("tenant"):
        raise TenantSchemaOutdated("this workspace's data is being upgraded; try again shortly")
    user = await UserRepository(session).find_by_email(invitation.email)
    if user is None:
        user = await create_user(
            session, email=invitation.email, password=payload.password, display_name=payload.display_name
        )
    elif not await asyncio.to_thread(verify_password, user.password_hash, payload.password):
        raise Unauthorized("wrong password for the existing account with this email")
    if await MemberRepository(session).get(tenant.id, user.id) is not None:
        raise Conflict("already a member of this workspace")
    role = Role(invitation.role)
    await tenants.add_membership(Membership(tenant_id=tenant.id, user_id=user.id, role=role, created_at=utcnow()))
    invitation.accepted_at = utcnow()
    await session.flush()
    joined = Principal(
        tenant_id=tenant.id, schema=registry.schema_name, role=role, user_id=user.id, client_address=address
    )
    await record(
        session,
        joined,
        action="invitation.accept",
        resource_type="invitation",
        resource_id=invitation.id,
        detail={"email": invitation.email, "role": role.value},
    )
    pair = await issue_session(session, settings, user_id=user.id, tenant_id=tenant.id)
    return auth_schemas.SessionOut(
        **pair.model_dump(),
        user=auth_schemas.UserOut.model_validate(user),
        tenant=auth_schemas.TenantRef.model_validate(tenant),
        role=role,
    )
