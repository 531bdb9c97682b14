"""Registration, sign-in, token rotation, sign-out, workspace switching and the caller's identity."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from crewloom.auth import service
from crewloom.auth.permissions import Action, Resource
from crewloom.auth.principal import Allow, AppSettings, Principal, PublicSession, client_address
from crewloom.auth.schemas import (
    LoginIn,
    MembershipOut,
    MeOut,
    RefreshIn,
    RegisterIn,
    SessionOut,
    SwitchTenantIn,
    TenantRef,
    TokenPair,
    UserOut,
)
from crewloom.auth.throttle import LoginThrottle
from crewloom.db.session import get_database, unit_of_work

router = APIRouter(tags=["auth"])


def _session_out(signed_in: service.SignedIn) -> SessionOut:
    return SessionOut(
        **signed_in.tokens.model_dump(),
        user=UserOut.model_validate(signed_in.user),
        tenant=TenantRef(id=signed_in.tenant_id, name=signed_in.tenant_name),
        role=signed_in.role,
    )


@router.post("/auth/register", status_code=status.HTTP_201_CREATED)
async def register(body: RegisterIn, session: PublicSession, settings: AppSettings) -> SessionOut:
    """Create an account and its first workspace, with the new user as its admin, and sign in."""
    signed_in = await service.register(
        session,
        settings,
        email=body.email,
        password=body.password,
        display_name=body.display_name,
        tenant_name=body.tenant_name,
    )
    return _session_out(signed_in)


@router.post("/auth/login")
async def login(body: LoginIn, request: Request, session: PublicSession, settings: AppSettings) -> SessionOut:
    signed_in = await service.login(
        session,
        settings,
        LoginThrottle(get_database(request), settings),
        email=body.email,
        password=body.password,
        tenant_id=body.tenant_id,
        address=client_address(request),
    )
    return _session_out(signed_in)


@router.post("/auth/refresh")
async def refresh(body: RefreshIn, request: Request, settings: AppSettings) -> TokenPair:
    """Exchange a refresh token for a new pair; each refresh token works once."""
    # The unit of work closes before a refusal is raised, so revoking a reused token's family sticks.
    async with unit_of_work(get_database(request)) as session:
        rotation = await service.rotate_refresh_token(session, settings, body.refresh_token)
    return rotation.accepted()


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(body: RefreshIn, session: PublicSession, settings: AppSettings) -> None:
    await service.logout(session, settings, body.refresh_token)


@router.post("/auth/switch-tenant")
async def switch_tenant(
    body: SwitchTenantIn,
    principal: Annotated[Principal, Depends(Allow(Resource.session, Action.write))],
    session: PublicSession,
    settings: AppSettings,
) -> TokenPair:
    """A token pair for another workspace the signed-in user belongs to."""
    return await service.switch_tenant(session, settings, principal, body.tenant_id)


@router.get("/me")
async def me(
    principal: Annotated[Principal, Depends(Allow(Resource.session, Action.read))], session: PublicSession
) -> MeOut:
    identity = await service.describe(session, principal)
    return MeOut(
        user=UserOut.model_validate(identity.user) if identity.user else None,
        tenant=TenantRef.model_validate(identity.tenant),
        role=identity.role,
        memberships=[MembershipOut.model_validate(m) for m in identity.memberships],
    )
