"""The rules of authentication: accounts, sessions (token pairs) and their rotation."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.auth import tokens
from crewloom.auth.passwords import hash_password
from crewloom.auth.repository import RefreshTokenRepository, UserRepository
from crewloom.auth.schemas import TokenPair
from crewloom.config import Settings
from crewloom.errors import Conflict
from crewloom.kit.ids import new_id
from crewloom.models import RefreshToken, User


async def create_user(session: AsyncSession, *, email: str, password: str, display_name: str = "") -> User:
    """A new account; a taken email (in any letter case) is a 409."""
    repository = UserRepository(session)
    if await repository.find_by_email(email) is not None:
        raise Conflict({"field": "email", "message": "an account with this email already exists"})
    user = User(id=new_id(), email=email.lower(), display_name=display_name, password_hash=hash_password(password))
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
