"""Two API processes on one Redis: sockets on either see every reply, a stop reaches the process writing
the reply, and a reply that takes too long ends as an error that can be retried."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.chat.talk import chat_socket, create_session, receive, send, until_final
from tests.conftest import REDIS_URL, make_settings, register, separate_database
from tests.executions.runs import mock_provider
from tests.server import running_server

REPLY_TIMEOUT_SECONDS = 3.0


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    database_url = separate_database("chat")
    settings = make_settings(
        database_url,
        Path(tmp_path_factory.mktemp("chat")),
        redis_url=REDIS_URL,
        chat_reply_timeout_seconds=REPLY_TIMEOUT_SECONDS,
    )
    with running_server(settings) as first, running_server(settings) as second:
        yield first, second


async def test_a_reply_reaches_sockets_on_every_process_and_stops_from_any(servers: tuple[str, str]) -> None:
    first, second = servers
    async with httpx.AsyncClient(base_url=first, timeout=30) as client:
        account = await register(client)
        provider = await mock_provider(client, account, responses=[{"reply": "one two three"}], latency_ms=300)
        chat = await create_session(client, account, provider)
        async with chat_socket(first, account, chat["id"]) as here, chat_socket(second, account, chat["id"]) as there:
            await send(here, {"type": "send", "content": "Count"})
            frames = await until_final(here)
            assert await until_final(there) == frames
            assert frames[-1]["message"]["content"] == "one two three"
        slow = await mock_provider(client, account, latency_ms=2_000)
        chat = await create_session(client, account, slow)
        async with chat_socket(first, account, chat["id"]) as here, chat_socket(second, account, chat["id"]) as there:
            await send(here, {"type": "send", "content": "Take your time"})
            assert [(await receive(there))["type"] for _ in range(3)] == ["message", "message", "token"]
            await send(there, {"type": "stop"})
            stopped = await until_final(there)
            assert stopped[-1]["message"]["status"] == "stopped"
            assert (await until_final(here))[-1] == stopped[-1]


async def test_a_reply_that_takes_too_long_becomes_an_error(servers: tuple[str, str]) -> None:
    first, _ = servers
    async with httpx.AsyncClient(base_url=first, timeout=30) as client:
        account = await register(client)
        provider = await mock_provider(client, account, latency_ms=60_000)
        chat = await create_session(client, account, provider)
        async with chat_socket(first, account, chat["id"]) as socket:
            await send(socket, {"type": "send", "content": "Are you there?"})
            frames = await until_final(socket)
    failed = frames[-1]["message"]
    assert frames[-1]["type"] == "error"
    assert failed["content"] == f"No reply within {REPLY_TIMEOUT_SECONDS:g} s; the model may be overloaded"
    assert failed["retryable"] is True
