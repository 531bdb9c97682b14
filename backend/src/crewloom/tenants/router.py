"""The caller's tenant, its members and its invitations (and accepting one, which needs no login)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from crewloom.auth.permissions import Action, Resource
from crewloom.auth.principal import Allow, AppSettings, Principal, TenantSession, client_address
from crewloom.auth.schemas import SessionOut
from crewloom.auth.throttle import LoginThrottle
from crewloom.db.session import get_database, unit_of_work
from crewloom.kit.pagination import Page, PageRequest, page_request
from crewloom.tenants import service
from crewloom.tenants.schemas import (
    InvitationAccept,
    InvitationCreated,
    InvitationIn,
    InvitationOut,
    MemberOut,
    MemberRoleIn,
    TenantDelete,
    TenantOut,
    TenantRename,
)

router = APIRouter(tags=["tenants"])
Paging = Annotated[PageRequest, Depends(page_request)]


@router.get("/tenant", summary="The caller's tenant")
async def get_tenant(
    principal: Annotated[Principal, Depends(Allow(Resource.tenant, Action.read))], session: TenantSession
) -> TenantOut:
    return await service.get_tenant(session, principal)


@router.patch("/tenant", summary="Rename the tenant")
async def rename_tenant(
    payload: TenantRename,
    principal: Annotated[Principal, Depends(Allow(Resource.tenant, Action.write))],
    session: TenantSession,
) -> TenantOut:
    return await service.rename_tenant(session, principal, payload.name)


@router.delete(
    "/tenant",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete the tenant and all of its data; confirm with its exact current name",
)
async def delete_tenant(
    payload: TenantDelete,
    principal: Annotated[Principal, Depends(Allow(Resource.tenant, Action.delete))],
    session: TenantSession,
) -> Response:
    await service.delete_tenant(session, principal, payload.confirm)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/members", summary="List the tenant's members, oldest first")
async def list_members(
    principal: Annotated[Principal, Depends(Allow(Resource.members, Action.read))],
    session: TenantSession,
    page: Paging,
) -> Page[MemberOut]:
    return await service.list_members(session, principal, page)


@router.patch("/members/{user_id}", summary="Change a member's role")
async def change_member_role(
    user_id: uuid.UUID,
    payload: MemberRoleIn,
    principal: Annotated[Principal, Depends(Allow(Resource.members, Action.write))],
    session: TenantSession,
) -> MemberOut:
    return await service.change_role(session, principal, user_id, payload.role)


@router.delete("/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a member")
async def remove_member(
    user_id: uuid.UUID,
    principal: Annotated[Principal, Depends(Allow(Resource.members, Action.delete))],
    session: TenantSession,
) -> Response:
    await service.remove_member(session, principal, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/invitations",
    status_code=status.HTTP_201_CREATED,
    summary="Invite someone by email (the token is shown only once)",
)
async def create_invitation(
    payload: InvitationIn,
    principal: Annotated[Principal, Depends(Allow(Resource.invitations, Action.write))],
    session: TenantSession,
    settings: AppSettings,
) -> InvitationCreated:
    return await service.create_invitation(session, settings, principal, payload)


@router.get("/invitations", summary="List pending invitations, newest first")
async def list_invitations(
    principal: Annotated[Principal, Depends(Allow(Resource.invitations, Action.read))],
    session: TenantSession,
    page: Paging,
) -> Page[InvitationOut]:
    return await service.list_invitations(session, principal, page)


@router.post(
    "/invitations/accept",
    summary="Accept an invitation: 404 for an unknown token, 410 for a used, revoked or expired one",
)
async def accept_invitation(payload: InvitationAccept, request: Request, settings: AppSettings) -> SessionOut:
    # Checking an existing account's password counts against its sign-in limits, or any admin could
    # test anyone's password by inviting them. Each step has a transaction of its own: a refusal rolls
    # the acceptance back yet stays counted, and no step holds a pooled connection while taking another.
    database = get_database(request)
    address = client_address(request)
    throttle = LoginThrottle(database, settings)
    async with unit_of_work(database) as session:
        email = await service.account_to_verify(session, payload.token)
    if email is not None:
        await throttle.reserve(email, address)
    async with unit_of_work(database) as session:
        accepted = await service.accept_invitation(session, settings, payload, address)
        if email is not None:
            await throttle.forgive(session, email, address)
    return accepted


@router.delete("/invitations/{invitation_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke an invitation")
async def revoke_invitation(
    invitation_id: uuid.UUID,
    principal: Annotated[Principal, Depends(Allow(Resource.invitations, Action.delete))],
    session: TenantSession,
) -> Response:
    await service.revoke_invitation(session, principal, invitation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
