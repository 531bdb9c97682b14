"""Building agents, crews and tools through the API, and flows written straight into a tenant's schema
(so that these tests do not depend on the flow editor's rules)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from crewloom.db.engine import Database
from crewloom.models import Flow, FlowVersion, TenantSchema
from tests.conftest import Account, Team


async def _tenant_schema(database: Database, tenant_id: str) -> str:
    async with database.session() as session:
        statement = select(TenantSchema.schema_name).where(TenantSchema.tenant_id == uuid.UUID(tenant_id))
        return (await session.execute(statement)).scalar_one()


async def provider_id(client: httpx.AsyncClient, account: Account) -> str:
    """The mock provider every tenant is created with."""
    response = await client.get("/api/v1/llm-providers", params={"type": "mock"}, headers=account.headers)
    assert response.status_code == 200, response.text
    return str(response.json()["items"][0]["id"])


@pytest.fixture
async def provider(client: httpx.AsyncClient, team: Team) -> str:
    return await provider_id(client, team.admin)


async def insert_flow(
    database_url: str, account: Account, configs: list[dict[str, Any]], *, latest: bool = True
) -> str:
    """A flow whose graph has one node per config. With ``latest=False`` the nodes are only in version 1
    and version 2 (the latest) is empty."""
    database = Database(database_url, pool_size=1, max_overflow=0)
    nodes = [{"id": f"n{index}", "type": "agent", "config": config} for index, config in enumerate(configs)]
    graphs = [{"nodes": nodes, "edges": []}] if latest else [{"nodes": nodes, "edges": []}, {"nodes": [], "edges": []}]
    try:
        async with database.session(await _tenant_schema(database, account.tenant_id)) as session:
            flow = Flow(id=uuid.uuid4(), name=f"Flow {uuid.uuid4().hex[:6]}", latest_version=len(graphs))
            session.add(flow)
            await session.flush()
            session.add_all(
                FlowVersion(id=uuid.uuid4(), flow_id=flow.id, number=number, graph=graph)
                for number, graph in enumerate(graphs, start=1)
            )
            await session.commit()
            return str(flow.id)
    finally:
        await database.dispose()


def agent_body(provider: str, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "Researcher",
        "role": "Researcher",
        "goal": "Find facts",
        "backstory": "Curious",
        "provider_id": provider,
        "model": "mock-1",
        **overrides,
    }


def tool_body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Weather",
        "type": "http",
        "config": {
            "method": "GET",
            "url_template": "https://api.example.com/weather?city={city}",
            "args_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        },
        **overrides,
    }


def crew_body(agent_ids: list[str], **overrides: Any) -> dict[str, Any]:
    return {
        "name": "Newsroom",
        "agent_ids": agent_ids,
        "tasks": [
            {
                "key": "research",
                "description": "Research {topic} for {audience}",
                "expected_output": "Notes",
                "agent_id": agent_ids[0],
            },
            {
                "key": "write",
                "description": "Write about {topic}",
                "expected_output": "An article",
                "agent_id": agent_ids[-1],
                "context": ["research"],
            },
        ],
        **overrides,
    }


async def _created(client: httpx.AsyncClient, account: Account, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def create_agent(client: httpx.AsyncClient, account: Account, provider: str, **overrides: Any) -> dict[str, Any]:
    return await _created(client, account, "/api/v1/agents", agent_body(provider, **overrides))


async def create_tool(client: httpx.AsyncClient, account: Account, **overrides: Any) -> dict[str, Any]:
    return await _created(client, account, "/api/v1/tools", tool_body(**overrides))


async def create_crew(
    client: httpx.AsyncClient, account: Account, agent_ids: list[str], **overrides: Any
) -> dict[str, Any]:
    return await _created(client, account, "/api/v1/crews", crew_body(agent_ids, **overrides))


def fields(response: httpx.Response) -> list[str]:
    """The fields a 422 names."""
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    return [problem["field"] for problem in (detail if isinstance(detail, list) else [detail])]


async def audit_events(client: httpx.AsyncClient, account: Account, resource_type: str) -> list[dict[str, Any]]:
    response = await client.get(
        "/api/v1/audit", params={"resource_type": resource_type, "limit": 200}, headers=account.headers
    )
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["items"]
    return events
