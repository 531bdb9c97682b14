"""Chat sessions over HTTP: create, list (most recently active first, in pages), rename, delete, the
title taken from the first message, and the REST fallback that streams a reply as SSE."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.agents.factories import provider_id
from tests.chat.talk import create_session, messages, parse_sse, send_over_sse
from tests.conftest import Account, Team
from tests.executions.runs import mock_provider
from tests.waiting import eventually


async def test_sessions_are_created_listed_renamed_and_deleted(client: httpx.AsyncClient, team: Team) -> None:
    provider = await provider_id(client, team.admin)
    first = await create_session(client, team.member, provider)
    second = await create_session(client, team.member, provider, title="  Planning \n the trip ", memory_tokens=500)
    third = await create_session(client, team.admin, provider, target={"provider_id": provider, "model": "mock-2"})
    assert first["target"] == {"kind": "model", "provider_id": provider, "model": "mock-1"}
    assert first["memory_tokens"] == 4000
    assert first["created_by"] == team.member.user_id
    assert (second["title"], second["memory_tokens"]) == ("Planning the trip", 500)
    assert third["target"]["model"] == "mock-2"
    # The first page, newest first; then activity moves a session to the top.
    page = await client.get("/api/v1/chat/sessions", params={"limit": 2}, headers=team.viewer.headers)
    assert [item["id"] for item in page.json()["items"]] == [third["id"], second["id"]]
    rest = await client.get(
        "/api/v1/chat/sessions", params={"limit": 2, "cursor": page.json()["next_cursor"]}, headers=team.viewer.headers
    )
    assert [item["id"] for item in rest.json()["items"]] == [first["id"]]
    assert rest.json()["next_cursor"] is None
    await send_over_sse(client, team.member, first["id"], "Plan a picnic by the river for six people")
    listed = await client.get("/api/v1/chat/sessions", headers=team.viewer.headers)
    assert [item["id"] for item in listed.json()["items"]] == [first["id"], third["id"], second["id"]]
    assert listed.json()["items"][0]["title"] == "Plan a picnic by the river for six people"
    renamed = await client.patch(
        f"/api/v1/chat/sessions/{first['id']}", json={"title": "Picnic"}, headers=team.member.headers
    )
    assert renamed.status_code == 200
    assert renamed.json()["title"] == "Picnic"
    # A later message does not take the title back.
    await send_over_sse(client, team.member, first["id"], "And bring lemonade")
    found = await client.get(f"/api/v1/chat/sessions/{first['id']}", headers=team.viewer.headers)
    assert found.json()["title"] == "Picnic"
    deleted = await client.delete(f"/api/v1/chat/sessions/{first['id']}", headers=team.member.headers)
    assert deleted.status_code == 204
    for path in (f"/api/v1/chat/sessions/{first['id']}", f"/api/v1/chat/sessions/{first['id']}/messages"):
        gone = await client.get(path, headers=team.admin.headers)
        assert gone.status_code == 404
        assert gone.json()["error"] == "not_found"


async def test_bad_input_is_refused_with_the_field(client: httpx.AsyncClient, account: Account) -> None:
    provider = await provider_id(client, account)
    invalid: list[tuple[dict[str, Any], str]] = [
        # Fields of a target are named under its kind.
        ({"target": {"provider_id": "nope"}}, "target.model.provider_id"),
        ({"target": {"kind": "flow"}}, "target.flow.flow_id"),
        ({"target": {"provider_id": provider}, "memory_tokens": 10}, "memory_tokens"),
        ({"target": {"provider_id": provider, "kind": "oracle"}}, "target"),
        ({}, "target"),
    ]
    for body, field in invalid:
        response = await client.post("/api/v1/chat/sessions", json=body, headers=account.headers)
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["field"] == field
    chat = await create_session(client, account, provider)
    for content in ({"content": ""}, {"content": " \n "}, {"content": "x" * 100_001}, {}):
        response = await client.post(
            f"/api/v1/chat/sessions/{chat['id']}/messages", json=content, headers=account.headers
        )
        assert response.status_code == 422, response.text
    blank = await client.patch(f"/api/v1/chat/sessions/{chat['id']}", json={"title": "  "}, headers=account.headers)
    assert blank.status_code == 422
    unknown = await client.post(
        "/api/v1/chat/sessions", json={"target": {"provider_id": chat["id"]}}, headers=account.headers
    )
    assert unknown.status_code == 404


async def test_the_sse_fallback_streams_the_reply_and_stores_it(client: httpx.AsyncClient, account: Account) -> None:
    provider = await mock_provider(client, account, latency_ms=100)
    chat = await create_session(client, account, provider)
    frames = await send_over_sse(client, account, chat["id"], "How are bees organised?")
    assert [frame["type"] for frame in frames[:2]] == ["message", "message"]
    assert frames[-1]["type"] == "done"
    text = "".join(frame["text"] for frame in frames if frame["type"] == "token")
    assert text == frames[-1]["message"]["content"] == "Mock reply to: How are bees organised?"
    stored = await messages(client, account, chat["id"])
    assert [message["id"] for message in stored] == [frames[0]["message"]["id"], frames[-1]["message"]["id"]]
    assert stored[1]["tokens_out"] == 7
    assert stored[1]["finished_at"] is not None
    page = await client.get(
        f"/api/v1/chat/sessions/{chat['id']}/messages", params={"limit": 1}, headers=account.headers
    )
    assert page.json()["items"][0]["role"] == "user"
    assert page.json()["next_cursor"]


async def test_stop_over_rest_ends_a_streamed_reply(client: httpx.AsyncClient, account: Account) -> None:
    provider = await mock_provider(client, account, latency_ms=20_000)
    chat = await create_session(client, account, provider)
    url = f"/api/v1/chat/sessions/{chat['id']}"

    async def read_reply() -> str:
        async with client.stream(
            "POST", f"{url}/messages", json={"content": "Go slowly"}, headers=account.headers
        ) as r:
            return (await r.aread()).decode()

    reading = asyncio.create_task(read_reply())

    async def streaming() -> bool:
        return any(message["status"] == "streaming" for message in await messages(client, account, chat["id"]))

    await eventually(streaming, what="the reply to start")
    stopped = await client.post(f"{url}/stop", headers=account.headers)
    assert stopped.status_code == 204
    frames = parse_sse(await reading)
    assert frames[-1]["type"] == "done"
    assert frames[-1]["message"]["status"] == "stopped"
    missing = await client.post(f"/api/v1/chat/sessions/{provider}/stop", headers=account.headers)
    assert missing.status_code == 404
