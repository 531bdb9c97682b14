"""What every workspace resource shares: list filters (name search, tags, sorting, cursor pages), the
common fields in and out, lookups that answer 404 across tenants, and version-checked updates."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from crewloom.errors import Conflict, NotFound
from crewloom.kit.pagination import PageRequest, paginate
from crewloom.models.base import ResourceMixin

ResourceT = TypeVar("ResourceT", bound=ResourceMixin)
SortKey = Literal["name", "-name", "created_at", "-created_at", "updated_at", "-updated_at"]
Tag = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$")]


class ResourceQuery(BaseModel):
    search: str | None = None
    tags: list[str] = []
    sort: SortKey = "-updated_at"
    page: PageRequest = PageRequest()


def resource_query(
    q: Annotated[str | None, Query(max_length=200, description="Part of the name, any letter case")] = None,
    tag: Annotated[list[str] | None, Query(description="Only resources carrying every one of these tags")] = None,
    sort: Annotated[SortKey, Query(description="Field to sort by; a leading '-' sorts descending")] = "-updated_at",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")] = None,
) -> ResourceQuery:
    return ResourceQuery(search=q, tags=tag or [], sort=sort, page=PageRequest(limit=limit, cursor=cursor))


class ResourceFields(BaseModel):
    """The fields a client sends for any resource."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    tags: list[Tag] = Field(default_factory=list, max_length=20)

    @field_validator("name")
    @classmethod
    def _name_is_not_blank(cls, value: str) -> str:
        if not value.strip() or any(ord(character) < 32 for character in value):
            raise ValueError("must be visible text on one line")
        return value.strip()

    @field_validator("tags")
    @classmethod
    def _tags_are_unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(tag.strip() for tag in value))


class VersionedUpdate(BaseModel):
    version: int = Field(ge=1, description="The version this edit started from; a stale one answers 409")


class ResourceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    description: str
    tags: list[str]
    version: int
    created_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class ResourceRepository(Generic[ResourceT]):
    model: type[ResourceT]
    label: str

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find(self, resource_id: uuid.UUID) -> ResourceT | None:
        return await self.session.get(self.model, resource_id)

    async def get(self, resource_id: uuid.UUID) -> ResourceT:
        """The resource of this tenant, or 404: another tenant's id is simply not found here."""
        found = await self.find(resource_id)
        if found is None:
            raise NotFound(f"no {self.label} with id {resource_id}")
        return found

    async def get_many(self, resource_ids: Sequence[uuid.UUID]) -> list[ResourceT]:
        """Those of ``resource_ids`` that exist in this tenant, in no particular order."""
        if not resource_ids:
            return []
        statement = select(self.model).where(self.model.id.in_(resource_ids))
        return list((await self.session.execute(statement)).scalars())

    def filtered(self, query: ResourceQuery) -> Select[Any]:
        statement = select(self.model)
        if query.search:
            pattern = query.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            statement = statement.where(self.model.name.ilike(f"%{pattern}%", escape="\\"))
        if query.tags:
            statement = statement.where(self.model.tags.contains(query.tags))
        return statement

    async def list(self, query: ResourceQuery) -> tuple[list[ResourceT], str | None]:
        field = query.sort.lstrip("-")
        return await paginate(
            self.session,
            self.filtered(query),
            request=query.page,
            sort=getattr(self.model, field),
            tiebreak=self.model.id,
            descending=query.sort.startswith("-"),
        )

    async def add(self, resource: ResourceT) -> ResourceT:
        self.session.add(resource)
        await self.session.flush()
        return resource

    async def delete(self, resource: ResourceT) -> None:
        """Callers refuse deleting what is in use; a reference added concurrently is caught by the
        foreign key and answered the same way."""
        try:
            async with self.session.begin_nested():
                await self.session.delete(resource)
        except IntegrityError as exc:
            raise Conflict({"message": f"this {self.label} was just put to use elsewhere; reload and retry"}) from exc

    async def update(self, resource: ResourceT, expected_version: int, changes: dict[str, Any]) -> ResourceT:
        """Apply ``changes`` if nobody changed the resource since ``expected_version``; else 409 naming
        the newer version (checked here, and again by the UPDATE itself against concurrent writers)."""
        if resource.version != expected_version:
            raise _stale(self.label, resource.version)
        for field, value in changes.items():
            setattr(resource, field, value)
        try:
            await self.session.flush()
        except StaleDataError as exc:
            await self.session.rollback()
            raise _stale(self.label, None) from exc
        return resource


class UsedBy(BaseModel):
    """A resource that refers to the one being deleted."""

    type: Literal["agent", "crew", "flow"]
    id: uuid.UUID
    name: str


def refuse_if_used(label: str, users: list[UsedBy]) -> None:
    """Deleting what is in use is a 409 listing its users, the same for every resource."""
    if users:
        names = ", ".join(f"{user.type} {user.name!r}" for user in users)
        raise Conflict(
            {
                "message": f"this {label} is used by {names}: remove it from them first",
                "used_by": [user.model_dump(mode="json") for user in users],
            }
        )


def _stale(label: str, current: int | None) -> Conflict:
    newer = f"version {current}" if current is not None else "a newer version"
    return Conflict(
        {
            "field": "version",
            "message": f"this {label} was changed by someone else (now at {newer}); reload it and edit again",
            "current_version": current,
        }
    )
