"""Declarative bases: shared tables live in ``public``; tenant tables are declared against a placeholder
schema that each request maps to the tenant's own ``t_<id>`` with ``schema_translate_map``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from crewloom.kit.ids import new_id

TENANT_SCHEMA = "tenant"
PUBLIC_SCHEMA = "public"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class PublicBase(DeclarativeBase):
    metadata = MetaData(schema=PUBLIC_SCHEMA, naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True)}


class TenantBase(DeclarativeBase):
    metadata = MetaData(schema=TENANT_SCHEMA, naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True)}


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)


class CreatedAtMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
