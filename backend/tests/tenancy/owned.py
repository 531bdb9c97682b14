"""What a tenant owns, reachable by id: each domain adds its kinds and routes here, and the cross-tenant
test refuses any route with a path parameter that is not listed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from tests.agents.factories import agent_body, create_agent, create_crew, create_tool, crew_body, provider_id, tool_body
from tests.conftest import Team, unique_email
from tests.flows.graphs import valid_graph


@dataclass(frozen=True)
class OwnedKind:
    create: Callable[[httpx.AsyncClient, Team], Awaitable[str]]
    # The owner's view of the object, compared before and after the intruder's attempt.
    read_back: Callable[[httpx.AsyncClient, Team, str], Awaitable[Any]]


async def _listed(client: httpx.AsyncClient, team: Team, path: str, key: str, value: str) -> Any:
    response = await client.get(path, params={"limit": 200}, headers=team.admin.headers)
    assert response.status_code == 200, response.text
    return [item for item in response.json()["items"] if item[key] == value]


async def _member(client: httpx.AsyncClient, team: Team) -> str:
    return team.member.user_id


async def _invitation(client: httpx.AsyncClient, team: Team) -> str:
    response = await client.post(
        "/api/v1/invitations", json={"email": unique_email("pending"), "role": "member"}, headers=team.admin.headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _api_key(client: httpx.AsyncClient, team: Team) -> str:
    response = await client.post("/api/v1/api-keys", json={"name": "ci", "role": "member"}, headers=team.admin.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _flow(client: httpx.AsyncClient, team: Team) -> str:
    response = await client.post(
        "/api/v1/flows", json={"name": "Owned flow", "graph": valid_graph()}, headers=team.admin.headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _read(client: httpx.AsyncClient, team: Team, path: str) -> Any:
    response = await client.get(path, headers=team.admin.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _llm_provider(client: httpx.AsyncClient, team: Team) -> str:
    response = await client.post(
        "/api/v1/llm-providers",
        json={"name": "Owned provider", "type": "mock", "default_model": "mock-1"},
        headers=team.admin.headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _agent(client: httpx.AsyncClient, team: Team) -> str:
    return str((await create_agent(client, team.admin, await provider_id(client, team.admin)))["id"])


async def _crew(client: httpx.AsyncClient, team: Team) -> str:
    return str((await create_crew(client, team.admin, [await _agent(client, team)]))["id"])


async def _tool(client: httpx.AsyncClient, team: Team) -> str:
    return str((await create_tool(client, team.admin, secrets={"Authorization": "Bearer owned"}))["id"])


async def _execution(client: httpx.AsyncClient, team: Team) -> str:
    flow_id = await _flow(client, team)
    response = await client.post(
        f"/api/v1/flows/{flow_id}/execute", json={"inputs": {"topic": "bees"}}, headers=team.admin.headers
    )
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


async def _settled_execution(client: httpx.AsyncClient, team: Team, execution_id: str) -> Any:
    """The execution once it stopped changing by itself, so before and after compare."""
    for _ in range(200):
        found = await _read(client, team, f"/api/v1/executions/{execution_id}")
        if found["status"] in ("succeeded", "failed", "cancelled"):
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"execution {execution_id} did not settle")


async def _chat_session(client: httpx.AsyncClient, team: Team) -> str:
    response = await client.post(
        "/api/v1/chat/sessions",
        json={"target": {"provider_id": await provider_id(client, team.admin)}},
        headers=team.admin.headers,
    )
    assert response.status_code == 201, response.text
    chat_id = str(response.json()["id"])
    async with client.stream(
        "POST", f"/api/v1/chat/sessions/{chat_id}/messages", json={"content": "hello"}, headers=team.admin.headers
    ) as streamed:
        assert streamed.status_code == 200, await streamed.aread()
        await streamed.aread()
    return chat_id


async def _chat_read_back(client: httpx.AsyncClient, team: Team, chat_id: str) -> Any:
    return [
        await _read(client, team, f"/api/v1/chat/sessions/{chat_id}"),
        await _read(client, team, f"/api/v1/chat/sessions/{chat_id}/messages"),
    ]


KINDS: dict[str, OwnedKind] = {
    "agent": OwnedKind(_agent, lambda c, t, i: _read(c, t, f"/api/v1/agents/{i}")),
    "crew": OwnedKind(_crew, lambda c, t, i: _read(c, t, f"/api/v1/crews/{i}")),
    "tool": OwnedKind(_tool, lambda c, t, i: _read(c, t, f"/api/v1/tools/{i}")),
    "member": OwnedKind(_member, lambda c, t, i: _listed(c, t, "/api/v1/members", "user_id", i)),
    "invitation": OwnedKind(_invitation, lambda c, t, i: _listed(c, t, "/api/v1/invitations", "id", i)),
    "api_key": OwnedKind(_api_key, lambda c, t, i: _listed(c, t, "/api/v1/api-keys", "id", i)),
    "flow": OwnedKind(_flow, lambda c, t, i: _read(c, t, f"/api/v1/flows/{i}")),
    "llm_provider": OwnedKind(_llm_provider, lambda c, t, i: _read(c, t, f"/api/v1/llm-providers/{i}")),
    "execution": OwnedKind(_execution, _settled_execution),
    "chat_session": OwnedKind(_chat_session, _chat_read_back),
}

# (method, path) -> (kind of the path's id, a valid body so that only ownership can refuse the call)
ROUTES_BY_ID: dict[tuple[str, str], tuple[str, dict[str, Any] | None]] = {
    ("GET", "/api/v1/agents/{agent_id}"): ("agent", None),
    ("PUT", "/api/v1/agents/{agent_id}"): ("agent", {**agent_body(str(uuid.UUID(int=7))), "version": 1}),
    ("DELETE", "/api/v1/agents/{agent_id}"): ("agent", None),
    ("GET", "/api/v1/crews/{crew_id}"): ("crew", None),
    ("PUT", "/api/v1/crews/{crew_id}"): ("crew", {**crew_body([str(uuid.UUID(int=7))]), "version": 1}),
    ("DELETE", "/api/v1/crews/{crew_id}"): ("crew", None),
    ("GET", "/api/v1/crews/{crew_id}/export-crewai"): ("crew", None),
    ("GET", "/api/v1/tools/{tool_id}"): ("tool", None),
    ("PUT", "/api/v1/tools/{tool_id}"): ("tool", {**tool_body(), "version": 1}),
    ("DELETE", "/api/v1/tools/{tool_id}"): ("tool", None),
    ("POST", "/api/v1/tools/{tool_id}/test"): ("tool", {"arguments": {"city": "Paris"}}),
    ("GET", "/api/v1/tools/{tool_id}/mcp-tools"): ("tool", None),
    ("PATCH", "/api/v1/members/{user_id}"): ("member", {"role": "admin"}),
    ("DELETE", "/api/v1/members/{user_id}"): ("member", None),
    ("DELETE", "/api/v1/invitations/{invitation_id}"): ("invitation", None),
    ("DELETE", "/api/v1/api-keys/{key_id}"): ("api_key", None),
    ("GET", "/api/v1/flows/{flow_id}"): ("flow", None),
    ("PUT", "/api/v1/flows/{flow_id}"): ("flow", {"name": "Taken", "description": "", "tags": [], "version": 2}),
    ("DELETE", "/api/v1/flows/{flow_id}"): ("flow", None),
    ("POST", "/api/v1/flows/{flow_id}/versions"): ("flow", {"graph": valid_graph(), "message": "x", "version": 2}),
    ("GET", "/api/v1/flows/{flow_id}/versions"): ("flow", None),
    ("GET", "/api/v1/flows/{flow_id}/versions/{number}"): ("flow", None),
    ("GET", "/api/v1/flows/{flow_id}/diff"): ("flow", None),
    ("GET", "/api/v1/flows/{flow_id}/export"): ("flow", None),
    ("POST", "/api/v1/flows/{flow_id}/versions/{number}/restore"): ("flow", {"version": 2}),
    ("POST", "/api/v1/flows/{flow_id}/versions/{number}/publish"): ("flow", {"version": 2}),
    ("GET", "/api/v1/llm-providers/{provider_id}"): ("llm_provider", None),
    ("PUT", "/api/v1/llm-providers/{provider_id}"): (
        "llm_provider",
        {"name": "Taken", "type": "mock", "default_model": "mock-1", "version": 1},
    ),
    ("DELETE", "/api/v1/llm-providers/{provider_id}"): ("llm_provider", None),
    ("POST", "/api/v1/llm-providers/{provider_id}/test"): ("llm_provider", {}),
    ("POST", "/api/v1/flows/{flow_id}/execute"): ("flow", {"inputs": {"topic": "bees"}}),
    ("POST", "/api/v1/run/{flow_id}"): ("flow", {"inputs": {"topic": "bees"}}),
    ("POST", "/api/v1/crews/{crew_id}/kickoff"): ("crew", {"inputs": {}}),
    ("GET", "/api/v1/executions/{execution_id}"): ("execution", None),
    ("GET", "/api/v1/executions/{execution_id}/events"): ("execution", None),
    ("POST", "/api/v1/executions/{execution_id}/cancel"): ("execution", None),
    ("POST", "/api/v1/executions/{execution_id}/retry"): ("execution", None),
    ("GET", "/api/v1/chat/sessions/{session_id}"): ("chat_session", None),
    ("PATCH", "/api/v1/chat/sessions/{session_id}"): ("chat_session", {"title": "Taken"}),
    ("DELETE", "/api/v1/chat/sessions/{session_id}"): ("chat_session", None),
    ("GET", "/api/v1/chat/sessions/{session_id}/messages"): ("chat_session", None),
    ("POST", "/api/v1/chat/sessions/{session_id}/messages"): ("chat_session", {"content": "taken"}),
    ("POST", "/api/v1/chat/sessions/{session_id}/retry"): ("chat_session", {"message_id": str(uuid.UUID(int=7))}),
    ("POST", "/api/v1/chat/sessions/{session_id}/stop"): ("chat_session", None),
}
