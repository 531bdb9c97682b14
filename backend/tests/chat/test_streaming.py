"""A reply over the WebSocket: every token in order, stopping midway, several tabs on one session, and
reconnecting to the history."""

from __future__ import annotations

import httpx

from tests.chat.talk import (
    chat_socket,
    create_session,
    messages,
    opened,
    receive,
    send,
    streamed_text,
    until_final,
)
from tests.conftest import Account, Team
from tests.executions.runs import mock_provider

STORY = "Once upon a time a bee found a field of clover and told the whole hive about it before sunset."


async def test_tokens_arrive_in_order_and_make_up_the_stored_reply(
    client: httpx.AsyncClient, base_url: str, account: Account
) -> None:
    provider = await mock_provider(client, account, responses=[{"reply": STORY}], latency_ms=200)
    chat = await create_session(client, account, provider)
    async with chat_socket(base_url, account, chat["id"]) as socket:
        await send(socket, {"type": "send", "content": "Tell me a story"})
        frames = await until_final(socket)
    user, reply = frames[0]["message"], frames[1]["message"]
    assert [frames[0]["type"], frames[1]["type"]] == ["message", "message"]
    assert (user["role"], user["status"], user["content"]) == ("user", "complete", "Tell me a story")
    assert (reply["role"], reply["status"], reply["reply_to"]) == ("assistant", "streaming", user["id"])
    tokens = [frame for frame in frames if frame["type"] == "token"]
    assert len(tokens) == len(STORY.split())
    assert all(frame["message_id"] == reply["id"] for frame in tokens)
    assert streamed_text(frames) == STORY
    done = frames[-1]
    assert done["type"] == "done"
    assert done["message"]["id"] == reply["id"]
    assert done["message"]["status"] == "complete"
    assert done["message"]["content"] == STORY
    assert done["message"]["tokens_in"] == 4
    assert done["message"]["tokens_out"] == len(STORY.split())
    stored = await messages(client, account, chat["id"])
    assert [(message["role"], message["content"]) for message in stored] == [
        ("user", "Tell me a story"),
        ("assistant", STORY),
    ]
    assert stored[1]["details"]["model"] == "mock-1"
    session = (await client.get(f"/api/v1/chat/sessions/{chat['id']}", headers=account.headers)).json()
    assert session["title"] == "Tell me a story"


async def test_stopping_midway_keeps_the_partial_reply(
    client: httpx.AsyncClient, base_url: str, account: Account
) -> None:
    provider = await mock_provider(client, account, responses=[{"reply": STORY}], latency_ms=20_000)
    chat = await create_session(client, account, provider)
    async with chat_socket(base_url, account, chat["id"]) as socket:
        await send(socket, {"type": "send", "content": "Tell me a story"})
        frames = [await receive(socket) for _ in range(3)]
        assert [frame["type"] for frame in frames] == ["message", "message", "token"]
        await send(socket, {"type": "stop"})
        frames += await until_final(socket)
        done = frames[-1]["message"]
        assert frames[-1]["type"] == "done"
        assert done["status"] == "stopped"
        assert done["content"] == streamed_text(frames)
        assert STORY.startswith(done["content"])
        assert 0 < len(done["content"]) < len(STORY)
        # The conversation goes on after a stop.
        await send(socket, {"type": "send", "content": "Shorter, please"})
        assert (await receive(socket))["message"]["content"] == "Shorter, please"
        await send(socket, {"type": "stop"})
        assert (await until_final(socket))[-1]["message"]["status"] == "stopped"
    stored = await messages(client, account, chat["id"])
    assert [message["status"] for message in stored] == ["complete", "stopped", "complete", "stopped"]


async def test_every_tab_on_a_session_sees_the_conversation(
    client: httpx.AsyncClient, base_url: str, team: Team
) -> None:
    provider = await mock_provider(client, team.admin, responses=[{"reply": STORY}], latency_ms=100)
    chat = await create_session(client, team.admin, provider)
    async with (
        chat_socket(base_url, team.member, chat["id"]) as writer,
        chat_socket(base_url, team.member, chat["id"]) as second_tab,
        chat_socket(base_url, team.viewer, chat["id"]) as watcher,
    ):
        await send(writer, {"type": "send", "content": "Tell me a story"})
        seen = [await until_final(socket) for socket in (writer, second_tab, watcher)]
    assert seen[0] == seen[1] == seen[2]
    assert streamed_text(seen[0]) == STORY


async def test_a_reply_goes_on_when_its_socket_closes_and_reconnecting_gives_the_history(
    client: httpx.AsyncClient, base_url: str, account: Account
) -> None:
    provider = await mock_provider(client, account, responses=[{"reply": STORY}], latency_ms=500)
    chat = await create_session(client, account, provider)
    async with chat_socket(base_url, account, chat["id"]) as socket:
        await send(socket, {"type": "send", "content": "Tell me a story"})
        assert (await receive(socket))["type"] == "message"
    async with chat_socket(base_url, account, chat["id"]) as socket:
        # Connected while the reply is written: it is in the history, then its end arrives live.
        frames = await until_final(socket)
        assert frames[-1]["message"]["content"] == STORY
    async with opened(base_url, chat["id"]) as socket:
        await send(socket, {"type": "auth", "token": account.access_token})
        history = await receive(socket)
    assert history["session"]["id"] == chat["id"]
    assert [(message["role"], message["status"], message["content"]) for message in history["messages"]] == [
        ("user", "complete", "Tell me a story"),
        ("assistant", "complete", STORY),
    ]
