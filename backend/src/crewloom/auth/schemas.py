"""Request and response bodies of the auth domain."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from crewloom.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from crewloom.auth.permissions import Role

Password = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
# Signed JWTs of ours are a few hundred characters; anything far longer is not one.
_TOKEN_LENGTH = Field(min_length=1, max_length=4096)


def _showable(value: str) -> str:
    # Control characters cannot be shown, and NUL cannot even be stored in PostgreSQL text.
    if any(unicodedata.category(character) == "Cc" for character in value):
        raise ValueError("must not contain control characters")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


DisplayName = Annotated[str, StringConstraints(max_length=200), AfterValidator(_showable)]
WorkspaceName = Annotated[
    str, StringConstraints(min_length=1, max_length=200), AfterValidator(_showable), AfterValidator(_not_blank)
]


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    display_name: str
    created_at: datetime


class TenantRef(BaseModel):
    """A workspace as sessions name it; the tenants domain's TenantOut is the full record."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    tenant_id: uuid.UUID


class SessionOut(TokenPair):
    """A signed-in session: who, in which workspace, with which role, and its tokens."""

    user: UserOut
    tenant: TenantRef
    role: Role


class RegisterIn(BaseModel):
    email: EmailStr
    password: str = Password
    display_name: DisplayName = ""
    tenant_name: WorkspaceName | None = Field(default=None, description="Defaults to “<display name>'s workspace”")


class LoginIn(BaseModel):
    # Only looked up, never stored: a format check would lock out addresses such as admin@crewloom.local.
    email: str = Field(min_length=1, max_length=320)
    password: str = Password
    tenant_id: uuid.UUID | None = Field(
        default=None, description="The workspace to sign in to; the oldest membership when absent or not a member"
    )


class RefreshIn(BaseModel):
    refresh_token: str = _TOKEN_LENGTH


class SwitchTenantIn(BaseModel):
    tenant_id: uuid.UUID


class MembershipOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    tenant_id: uuid.UUID
    tenant_name: str
    role: Role


class MeOut(BaseModel):
    user: UserOut | None = Field(description="Null when the caller is an API key")
    tenant: TenantRef
    role: Role
    memberships: list[MembershipOut] = Field(description="The user's workspaces; empty for an API key")
