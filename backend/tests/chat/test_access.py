"""Who may use a chat: the socket's sign-in frame, viewers who read but do not send, and other tenants,
who find nothing (the REST routes are walked by tests/tenancy)."""

from __future__ import annotations

import httpx

from tests.agents.factories import provider_id
from tests.chat.talk import chat_socket, close_code, create_session, messages, opened, receive, send, until_final
from tests.conftest import Team, register
from tests.executions.runs import mock_provider


async def test_the_socket_needs_a_valid_token_in_its_first_frame(
    client: httpx.AsyncClient, base_url: str, team: Team
) -> None:
    chat = await create_session(client, team.admin, await provider_id(client, team.admin))
    for first in ({"type": "send", "content": "hi"}, {"type": "auth", "token": "not-a-token"}, {"token": "x"}):
        async with opened(base_url, chat["id"]) as socket:
            await send(socket, first)
            assert await close_code(socket) == 4401
    async with opened(base_url, chat["id"]) as socket:
        await socket.send("not json")
        assert await close_code(socket) == 4401
    revoked_key = await client.post(
        "/api/v1/api-keys", json={"name": "chat", "role": "member"}, headers=team.admin.headers
    )
    key = revoked_key.json()
    await client.delete(f"/api/v1/api-keys/{key['id']}", headers=team.admin.headers)
    async with opened(base_url, chat["id"]) as socket:
        await send(socket, {"type": "auth", "token": key["key"]})
        assert await close_code(socket) == 4401


async def test_an_api_key_signs_the_socket_in(client: httpx.AsyncClient, base_url: str, team: Team) -> None:
    chat = await create_session(client, team.admin, await provider_id(client, team.admin))
    created = await client.post("/api/v1/api-keys", json={"name": "bot", "role": "member"}, headers=team.admin.headers)
    async with opened(base_url, chat["id"]) as socket:
        await send(socket, {"type": "auth", "token": created.json()["key"]})
        assert (await receive(socket))["type"] == "history"
        await send(socket, {"type": "send", "content": "hello from a program"})
        assert (await until_final(socket))[-1]["message"]["content"] == "Mock reply to: hello from a program"


async def test_another_tenant_cannot_open_or_touch_the_session(
    client: httpx.AsyncClient, base_url: str, team: Team
) -> None:
    chat = await create_session(client, team.admin, await provider_id(client, team.admin))
    intruder = await register(client, tenant_name="Intruder")
    async with opened(base_url, chat["id"]) as socket:
        await send(socket, {"type": "auth", "token": intruder.access_token})
        assert await close_code(socket) == 4404
    listed = await client.get("/api/v1/chat/sessions", headers=intruder.headers)
    assert listed.status_code == 200
    assert listed.json()["items"] == []
    # The intruder's own provider cannot be the target of a chat in the team's tenant, nor the reverse.
    foreign = await client.post(
        "/api/v1/chat/sessions",
        json={"target": {"provider_id": await provider_id(client, team.admin)}},
        headers=intruder.headers,
    )
    assert foreign.status_code == 404
    assert await messages(client, team.admin, chat["id"]) == []


async def test_a_viewer_reads_but_may_not_send(client: httpx.AsyncClient, base_url: str, team: Team) -> None:
    chat = await create_session(client, team.admin, await provider_id(client, team.admin))
    async with chat_socket(base_url, team.member, chat["id"]) as socket:
        await send(socket, {"type": "send", "content": "hello"})
        await until_final(socket)
    async with opened(base_url, chat["id"]) as socket:
        await send(socket, {"type": "auth", "token": team.viewer.access_token})
        history = await receive(socket)
        assert [message["content"] for message in history["messages"]] == ["hello", "Mock reply to: hello"]
        await send(socket, {"type": "send", "content": "let me in"})
        assert await close_code(socket) == 4403
    for method, path, body in (
        ("POST", "/api/v1/chat/sessions", {"target": {"provider_id": await provider_id(client, team.admin)}}),
        ("POST", f"/api/v1/chat/sessions/{chat['id']}/messages", {"content": "let me in"}),
        ("PATCH", f"/api/v1/chat/sessions/{chat['id']}", {"title": "Mine"}),
        ("DELETE", f"/api/v1/chat/sessions/{chat['id']}", None),
        ("POST", f"/api/v1/chat/sessions/{chat['id']}/stop", None),
    ):
        response = await client.request(method, path, json=body, headers=team.viewer.headers)
        assert response.status_code == 403, f"{method} {path}: {response.text}"
    assert len(await messages(client, team.viewer, chat["id"])) == 2


async def test_bad_frames_are_refused_and_the_socket_stays_open(
    client: httpx.AsyncClient, base_url: str, team: Team
) -> None:
    provider = await mock_provider(client, team.admin, latency_ms=20_000)
    chat = await create_session(client, team.admin, provider)
    async with chat_socket(base_url, team.member, chat["id"]) as socket:
        for frame in ({"type": "dance"}, {"type": "send", "content": "   "}, {"type": "send"}):
            await send(socket, frame)
            refused = await receive(socket)
            assert (refused["type"], refused["error"]) == ("refused", "validation_error"), refused
        await socket.send("{not json")
        assert (await receive(socket))["type"] == "refused"
        await send(socket, {"type": "send", "content": "first"})
        assert [(await receive(socket))["type"] for _ in range(2)] == ["message", "message"]
        # One reply at a time: a second message waits for the first (or a stop).
        await send(socket, {"type": "send", "content": "second"})
        busy = await receive(socket)
        assert (busy["type"], busy["error"]) == ("refused", "conflict")
        await send(socket, {"type": "stop"})
        assert (await until_final(socket))[-1]["message"]["status"] == "stopped"
        await send(socket, {"type": "retry", "message_id": chat["id"]})
        assert (await receive(socket))["error"] == "not_found"
    assert [message["content"] for message in await messages(client, team.admin, chat["id"])] == ["first", ""]
