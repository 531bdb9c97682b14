"""Objects a flow refers to, written straight into a tenant's schema so that these tests do not depend
on the routes of other domains."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from crewloom.db.engine import Database
from crewloom.models import Agent, Crew, LlmProvider, TenantSchema, Tool


@dataclass(frozen=True)
class Objects:
    provider_id: str
    agent_id: str
    crew_id: str
    tool_id: str


async def insert_objects(database_url: str, tenant_id: str) -> Objects:
    """One provider, agent, crew and tool in the tenant."""
    database = Database(database_url, pool_size=1, max_overflow=0)
    try:
        async with database.session() as session:
            schema = (
                await session.execute(
                    select(TenantSchema.schema_name).where(TenantSchema.tenant_id == uuid.UUID(tenant_id))
                )
            ).scalar_one()
        async with database.session(schema) as session:
            provider = LlmProvider(id=uuid.uuid4(), name="Mock", type="mock", default_model="mock")
            session.add(provider)
            await session.flush()
            agent = Agent(id=uuid.uuid4(), name="Writer", role="w", goal="g", provider_id=provider.id, model="mock")
            tool = Tool(id=uuid.uuid4(), name="Search", type="builtin", config={})
            session.add_all([agent, tool])
            await session.flush()
            crew = Crew(id=uuid.uuid4(), name="Team", agent_ids=[agent.id], tasks=[])
            session.add(crew)
            await session.commit()
            return Objects(str(provider.id), str(agent.id), str(crew.id), str(tool.id))
    finally:
        await database.dispose()
