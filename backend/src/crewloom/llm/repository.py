"""Queries of the LLM providers domain, and of every sealed secret a tenant stores (for key rotation)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crewloom.kit.encryption import Sealed
from crewloom.kit.resources import ResourceQuery, ResourceRepository, UsedBy
from crewloom.llm.schemas import ProviderQuery
from crewloom.models import Agent, Crew, LlmProvider, Tool
from crewloom.models.base import TENANT_SCHEMA

SecretOwner = Literal["llm_provider", "tool"]


class ProviderRepository(ResourceRepository[LlmProvider]):
    model = LlmProvider
    label = "LLM provider"

    def filtered(self, query: ResourceQuery) -> Select[Any]:
        statement = super().filtered(query)
        if isinstance(query, ProviderQuery) and query.type is not None:
            statement = statement.where(LlmProvider.type == query.type)
        return statement

    async def users(self, provider_id: uuid.UUID, limit: int) -> list[UsedBy]:
        """The agents and crews that call this provider, by name, at most ``limit`` of each."""
        agents = await self.session.execute(
            select(Agent.id, Agent.name).where(Agent.provider_id == provider_id).order_by(Agent.name).limit(limit)
        )
        crews = await self.session.execute(
            select(Crew.id, Crew.name).where(Crew.manager_provider_id == provider_id).order_by(Crew.name).limit(limit)
        )
        return [UsedBy(type="agent", id=row.id, name=row.name) for row in agents] + [
            UsedBy(type="crew", id=row.id, name=row.name) for row in crews
        ]

    async def insert_into(self, schema: str, values: dict[str, Any]) -> None:
        # The schema is named on the statement, so this works from a session bound to ``public`` (a
        # tenant being provisioned has no tenant-bound session yet).
        await self.session.execute(
            insert(LlmProvider).values(**values),
            execution_options={"schema_translate_map": {TENANT_SCHEMA: schema}},
        )


@dataclass(frozen=True)
class StoredSecret:
    owner: SecretOwner
    id: uuid.UUID
    name: str
    sealed: Sealed


class SealedSecretRepository:
    """Every encrypted value of one tenant: provider API keys and tool secrets."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def all(self) -> list[StoredSecret]:
        providers = await self.session.execute(
            select(LlmProvider.id, LlmProvider.name, LlmProvider.api_key_ciphertext, LlmProvider.api_key_key_id)
            .where(LlmProvider.api_key_ciphertext.is_not(None))
            .order_by(LlmProvider.id)
        )
        tools = await self.session.execute(
            select(Tool.id, Tool.name, Tool.secrets_ciphertext, Tool.secrets_key_id)
            .where(Tool.secrets_ciphertext.is_not(None))
            .order_by(Tool.id)
        )
        found = [StoredSecret("llm_provider", row[0], row[1], Sealed(row[2] or b"", row[3] or "")) for row in providers]
        return found + [StoredSecret("tool", row[0], row[1], Sealed(row[2] or b"", row[3] or "")) for row in tools]

    async def replace(self, secret: StoredSecret, sealed: Sealed) -> bool:
        """Swap the ciphertext only if it is still the one read, so a key changed meanwhile is kept. The
        resource's version and updated_at stay: re-encryption is not an edit."""
        if secret.owner == "llm_provider":
            statement = (
                update(LlmProvider)
                .where(
                    LlmProvider.id == secret.id,
                    LlmProvider.api_key_ciphertext == secret.sealed.ciphertext,
                    LlmProvider.api_key_key_id == secret.sealed.key_id,
                )
                .values(
                    api_key_ciphertext=sealed.ciphertext,
                    api_key_key_id=sealed.key_id,
                    updated_at=LlmProvider.updated_at,
                )
            )
        else:
            statement = (
                update(Tool)
                .where(
                    Tool.id == secret.id,
                    Tool.secrets_ciphertext == secret.sealed.ciphertext,
                    Tool.secrets_key_id == secret.sealed.key_id,
                )
                .values(secrets_ciphertext=sealed.ciphertext, secrets_key_id=sealed.key_id, updated_at=Tool.updated_at)
            )
        result = await self.session.execute(statement.execution_options(synchronize_session=False))
        return bool(getattr(result, "rowcount", 0))
