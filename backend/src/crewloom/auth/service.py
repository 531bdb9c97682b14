"""The rules of authentication: accounts, sessions (token pairs) and their rotation."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.auth import tokens
from crewloom.auth.passwords import hash_password, verify_password
from crewloom.auth.permissions import Role
from crewloom.auth.principal import Principal
from crewloom.auth.repository import MembershipView, PrincipalRepository, RefreshTokenRepository, UserRepository
from crewloom.auth.schemas import TokenPair
from crewloom.auth.throttle import LoginThrottle
from crewloom.config import Settings
from crewloom.errors import Conflict, Forbidden, NotFound, Unauthorized
from crewloom.kit.ids import new_id
from crewloom.models import RefreshToken, Tenant, User
from crewloom.models.base import utcnow
from crewloom.tenants.provisioning import provision_tenant
from crewloom.tenants.repository import TenantRepository

_WORKSPACE_NAME_LENGTH = 200


class InvalidCredentials(Unauthorized):
    """One answer for an unknown email and a wrong password, so neither reveals which it was."""

    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("email or password is incorrect")


@dataclass(frozen=True)
class SignedIn:
    user: User
    tenant_id: uuid.UUID
    tenant_name: str
    role: Role
    tokens: TokenPair


@dataclass(frozen=True)
class Identity:
    user: User | None
    tenant: Tenant
    role: Role
    memberships: list[MembershipView] = field(default_factory=list)


@dataclass(frozen=True)
class Rotation:
    """The outcome of presenting a refresh token. A refusal is returned rather than raised so that
    the revocation it caused is committed with the caller's unit of work."""

    tokens: TokenPair | None = None
    refusal: str = ""

    def accepted(self) -> TokenPair:
        if self.tokens is None:
            raise Unauthorized(self.refusal)
        return self.tokens


async def create_user(session: AsyncSession, *, email: str, password: str, display_name: str = "") -> User:
    """A new account; a taken email (in any letter case) is a 409."""
    repository = UserRepository(session)
    if await repository.find_by_email(email) is not None:
        raise Conflict({"field": "email", "message": "an account with this email already exists"})
    # argon2 takes tens of milliseconds of CPU: off the event loop, so other requests keep flowing.
    password_hash = await asyncio.to_thread(hash_password, password)
    user = User(id=new_id(), email=email.lower(), display_name=display_name, password_hash=password_hash)
    try:
        async with session.begin_nested():
            await repository.add(user)
    except IntegrityError as exc:
        raise Conflict({"field": "email", "message": "an account with this email already exists"}) from exc
    return user


async def issue_session(
    session: AsyncSession,
    settings: Settings,
    *,
    user_id: uuid.UUID,
    tenant_id: uuid.UUID,
    family_id: uuid.UUID | None = None,
) -> TokenPair:
    """An access token and a refresh token for one tenant; the refresh token starts (or continues)
    a rotation family so that reuse of a spent token can revoke the whole family."""
    refresh_id = new_id()
    family = family_id or new_id()
    access, _ = tokens.issue(
        settings,
        user_id=user_id,
        tenant_id=tenant_id,
        token_type="access",
        token_id=new_id(),
        lifetime=timedelta(minutes=settings.access_token_minutes),
    )
    refresh, refresh_expires = tokens.issue(
        settings,
        user_id=user_id,
        tenant_id=tenant_id,
        token_type="refresh",
        token_id=refresh_id,
        family_id=family,
        lifetime=timedelta(days=settings.refresh_token_days),
    )
    await RefreshTokenRepository(session).add(
        RefreshToken(id=refresh_id, family_id=family, user_id=user_id, tenant_id=tenant_id, expires_at=refresh_expires)
    )
    return TokenPair(
        access_token=access,
        refresh_token=refresh,
        expires_in=settings.access_token_minutes * 60,
        tenant_id=tenant_id,
    )


def default_workspace_name(display_name: str, email: str) -> str:
    owner = display_name.strip() or email.partition("@")[0]
    return f"{owner}'s workspace"[:_WORKSPACE_NAME_LENGTH]


async def register(
    session: AsyncSession,
    settings: Settings,
    *,
    email: str,
    password: str,
    display_name: str,
    tenant_name: str | None,
) -> SignedIn:
    """An account, its first workspace (with the account as admin) and a session, all in the
    caller's unit of work, so a failure at any step leaves nothing behind."""
    user = await create_user(session, email=email, password=password, display_name=display_name)
    name = tenant_name or default_workspace_name(display_name, user.email)
    tenant = await provision_tenant(session, name=name, admin_user_id=user.id)
    pair = await issue_session(session, settings, user_id=user.id, tenant_id=tenant.id)
    return SignedIn(user=user, tenant_id=tenant.id, tenant_name=tenant.name, role=Role.admin, tokens=pair)


async def login(
    session: AsyncSession,
    settings: Settings,
    throttle: LoginThrottle,
    *,
    email: str,
    password: str,
    tenant_id: uuid.UUID | None,
    address: str | None,
) -> SignedIn:
    """A session in the requested workspace if the user belongs to it, else in their oldest one."""
    await throttle.reserve(email, address)
    users = UserRepository(session)
    user = await users.find_by_email(email)
    # An unknown email is checked against a decoy hash, so both failures cost one full hash.
    valid = await asyncio.to_thread(verify_password, user.password_hash if user else None, password)
    if user is None or not valid:
        raise InvalidCredentials()
    await throttle.forgive(session, email, address)
    memberships = await users.list_memberships(user.id)
    if not memberships:
        raise Forbidden("this account is not a member of any workspace; ask an administrator for an invitation")
    chosen = next((m for m in memberships if m.tenant_id == tenant_id), memberships[0])
    pair = await issue_session(session, settings, user_id=user.id, tenant_id=chosen.tenant_id)
    return SignedIn(
        user=user, tenant_id=chosen.tenant_id, tenant_name=chosen.tenant_name, role=Role(chosen.role), tokens=pair
    )


async def rotate_refresh_token(session: AsyncSession, settings: Settings, token: str) -> Rotation:
    """Spend a refresh token for a new pair in the same family. A token presented a second time was
    copied by someone: the whole family is revoked, so the thief's and the owner's sessions both end."""
    claims = tokens.verify(settings, token, "refresh")
    repository = RefreshTokenRepository(session)
    stored = await repository.get_for_update(claims.token_id)
    if stored is None:
        raise Unauthorized("invalid refresh token")
    now = utcnow()
    if stored.used_at is not None or stored.revoked_at is not None:
        await repository.revoke_family(stored.family_id, now)
        return Rotation(refusal="this session has ended; sign in again")
    if await PrincipalRepository(session).find_membership(stored.user_id, stored.tenant_id) is None:
        await repository.revoke_family(stored.family_id, now)
        return Rotation(refusal="no longer a member of this workspace")
    stored.used_at = now
    pair = await issue_session(
        session, settings, user_id=stored.user_id, tenant_id=stored.tenant_id, family_id=stored.family_id
    )
    return Rotation(tokens=pair)


async def logout(session: AsyncSession, settings: Settings, token: str) -> None:
    """End the session the refresh token belongs to (its whole rotation family)."""
    claims = tokens.verify(settings, token, "refresh")
    repository = RefreshTokenRepository(session)
    stored = await repository.get_for_update(claims.token_id)
    if stored is None:
        raise Unauthorized("invalid refresh token")
    await repository.revoke_family(stored.family_id, utcnow())


async def switch_tenant(
    session: AsyncSession, settings: Settings, principal: Principal, tenant_id: uuid.UUID
) -> TokenPair:
    if principal.user_id is None:
        raise Forbidden("an API key belongs to one workspace and cannot switch; sign in as a user to switch")
    if await PrincipalRepository(session).find_membership(principal.user_id, tenant_id) is None:
        # The same answer for a workspace that exists and one that does not.
        raise NotFound("workspace not found")
    return await issue_session(session, settings, user_id=principal.user_id, tenant_id=tenant_id)


async def describe(session: AsyncSession, principal: Principal) -> Identity:
    """The caller: their account and workspaces for a user, only the workspace for an API key."""
    tenant = await TenantRepository(session).get_tenant(principal.tenant_id)
    if tenant is None:
        raise Unauthorized("this workspace no longer exists")
    if principal.user_id is None:
        return Identity(user=None, tenant=tenant, role=principal.role)
    users = UserRepository(session)
    user = await users.get(principal.user_id)
    if user is None:
        raise Unauthorized("this account no longer exists")
    return Identity(user=user, tenant=tenant, role=principal.role, memberships=await users.list_memberships(user.id))
