"""Request and response bodies of the tenants domain: the tenant, its members and invitations."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from crewloom.auth.permissions import Role
from crewloom.auth.schemas import DisplayName, Password, WorkspaceName


class TenantOut(BaseModel):
    id: uuid.UUID
    name: str
    created_at: datetime
    schema_version: str | None = Field(description="The tenant schema's migration revision")


class TenantRename(BaseModel):
    name: WorkspaceName


class TenantDelete(BaseModel):
    confirm: str = Field(max_length=200, description="The tenant's exact current name")


class MemberOut(BaseModel):
    user_id: uuid.UUID
    email: str
    display_name: str
    role: Role
    joined_at: datetime


class MemberRoleIn(BaseModel):
    role: Role


class InvitationIn(BaseModel):
    email: EmailStr
    role: Role


class InvitationOut(BaseModel):
    """A pending invitation as lists show it; the token is never shown again."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    role: Role
    invited_by: uuid.UUID | None
    created_at: datetime
    expires_at: datetime


class InvitationCreated(BaseModel):
    id: uuid.UUID
    email: str
    role: Role
    expires_at: datetime
    token: str = Field(description="The secret to hand to the invitee; shown only in this response")


class InvitationAccept(BaseModel):
    token: str = Field(min_length=1, max_length=200)
    password: str = Password
    display_name: DisplayName = ""
