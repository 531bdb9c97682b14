"""A provider that fails: the failure becomes an error message with a clear reason, the socket stays
open, the user's message is kept, and the reply can be retried once the provider answers again."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from crewloom.db.engine import Database
from crewloom.models import ChatMessage, TenantSchema
from crewloom.models.base import utcnow
from tests.agents.factories import provider_id
from tests.chat.talk import (
    chat_socket,
    create_session,
    messages,
    parse_sse,
    receive,
    send,
    send_over_sse,
    until_final,
)
from tests.conftest import Account, Team
from tests.executions.runs import mock_provider

OVERLOADED = [{"match": "weather", "error": "overloaded", "status_code": 503}]


async def _script(client: httpx.AsyncClient, account: Account, provider: str, responses: list[Any]) -> None:
    """Rescript a mock provider, as an admin repairing a provider would."""
    current = (await client.get(f"/api/v1/llm-providers/{provider}", headers=account.headers)).json()
    response = await client.put(
        f"/api/v1/llm-providers/{provider}",
        json={
            "name": current["name"],
            "type": "mock",
            "default_model": "mock-1",
            "options": {"responses": responses},
            "version": current["version"],
        },
        headers=account.headers,
    )
    assert response.status_code == 200, response.text


async def test_a_provider_failure_becomes_an_error_message_that_can_be_retried(
    client: httpx.AsyncClient, base_url: str, team: Team
) -> None:
    provider = await mock_provider(client, team.admin, responses=OVERLOADED)
    chat = await create_session(client, team.admin, provider)
    async with chat_socket(base_url, team.member, chat["id"]) as socket:
        await send(socket, {"type": "send", "content": "What is the weather?"})
        frames = await until_final(socket)
        failed = frames[-1]["message"]
        assert frames[-1]["type"] == "error"
        assert (failed["role"], failed["status"], failed["retryable"]) == ("error", "failed", True)
        assert failed["content"] == failed["error"] == "The model provider failed: overloaded"
        assert failed["reply_to"] == frames[0]["message"]["id"]
        # The socket stays open and the conversation goes on.
        await send(socket, {"type": "send", "content": "Hello"})
        assert (await until_final(socket))[-1]["message"]["content"] == "Mock reply to: Hello"
        # Retrying while the provider still fails gives another error message.
        await send(socket, {"type": "retry", "message_id": failed["id"]})
        again = await until_final(socket)
        assert again[0]["message"]["id"] == failed["id"]
        assert again[0]["message"]["retryable"] is False
        assert again[-1]["type"] == "error"
        await send(socket, {"type": "retry", "message_id": failed["id"]})
        assert (await receive(socket))["error"] == "conflict"
        await _script(client, team.admin, provider, [{"match": "weather", "reply": "Sunny all day."}])
        await send(socket, {"type": "retry", "message_id": again[-1]["message"]["id"]})
        retried = await until_final(socket)
    assert retried[-1]["type"] == "done"
    assert retried[-1]["message"]["content"] == "Sunny all day."
    assert retried[-1]["message"]["reply_to"] == failed["reply_to"]
    stored = await messages(client, team.admin, chat["id"])
    assert [(message["role"], message["status"]) for message in stored] == [
        ("user", "complete"),
        ("error", "failed"),
        ("user", "complete"),
        ("assistant", "complete"),
        ("error", "failed"),
        ("assistant", "complete"),
    ]
    assert stored[0]["content"] == "What is the weather?"


async def test_rate_limits_are_named_and_retried_over_sse(client: httpx.AsyncClient, account: Account) -> None:
    provider = await mock_provider(
        client, account, responses=[{"match": "busy", "error": "too many requests", "status_code": 429}]
    )
    chat = await create_session(client, account, provider)
    async with client.stream(
        "POST",
        f"/api/v1/chat/sessions/{chat['id']}/messages",
        json={"content": "are you busy"},
        headers=account.headers,
    ) as response:
        frames = parse_sse((await response.aread()).decode())
    assert [frame["type"] for frame in frames] == ["message", "message", "error"]
    failed = frames[-1]["message"]
    assert failed["content"] == "The model provider failed: too many requests"
    await _script(client, account, provider, [])
    async with client.stream(
        "POST", f"/api/v1/chat/sessions/{chat['id']}/retry", json={"message_id": failed["id"]}, headers=account.headers
    ) as response:
        assert response.status_code == 200
        retried = parse_sse((await response.aread()).decode())
    assert retried[-1]["type"] == "done"
    assert retried[-1]["message"]["content"] == "Mock reply to: are you busy"
    refused = await client.post(
        f"/api/v1/chat/sessions/{chat['id']}/retry", json={"message_id": failed["id"]}, headers=account.headers
    )
    assert refused.status_code == 409


async def test_a_deleted_provider_is_refused_with_the_reason(client: httpx.AsyncClient, account: Account) -> None:
    provider = await mock_provider(client, account)
    chat = await create_session(client, account, provider)
    deleted = await client.delete(f"/api/v1/llm-providers/{provider}", headers=account.headers)
    assert deleted.status_code == 204, deleted.text
    found = (await client.get(f"/api/v1/chat/sessions/{chat['id']}", headers=account.headers)).json()
    assert found["target"] is None
    response = await client.post(
        f"/api/v1/chat/sessions/{chat['id']}/messages", json={"content": "anyone there?"}, headers=account.headers
    )
    assert response.status_code == 409
    assert "provider was deleted" in response.json()["detail"]


async def test_a_reply_abandoned_by_its_process_becomes_an_error_that_can_be_retried(
    client: httpx.AsyncClient, account: Account, database_url: str
) -> None:
    chat = await create_session(client, account, await provider_id(client, account))
    await send_over_sse(client, account, chat["id"], "Hello")
    # As a process that died while writing a reply leaves it: still streaming, long after its time.
    reply = (await messages(client, account, chat["id"]))[-1]
    database = Database(database_url, pool_size=1, max_overflow=0)
    try:
        async with database.session() as session:
            schema = (
                await session.execute(
                    select(TenantSchema.schema_name).where(TenantSchema.tenant_id == uuid.UUID(account.tenant_id))
                )
            ).scalar_one()
        async with database.session(schema) as session:
            await session.execute(
                update(ChatMessage)
                .where(ChatMessage.id == uuid.UUID(reply["id"]))
                .values(status="streaming", created_at=utcnow() - timedelta(hours=1))
            )
            await session.commit()
    finally:
        await database.dispose()
    frames = await send_over_sse(client, account, chat["id"], "Are you back?")
    assert frames[-1]["message"]["content"] == "Mock reply to: Are you back?"
    abandoned = next(message for message in await messages(client, account, chat["id"]) if message["id"] == reply["id"])
    assert (abandoned["role"], abandoned["status"], abandoned["retryable"]) == ("error", "failed", True)
    assert abandoned["content"] == "The reply was interrupted (the server stopped while writing it)"
