"""Talking to the chat API for the chat tests: sessions over HTTP, a reply over SSE, sockets over WebSocket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.conftest import Account

FINAL = ("done", "error")
# Generous: a frame that never comes fails the test instead of hanging it.
FRAME_SECONDS = 20.0


async def create_session(client: httpx.AsyncClient, account: Account, provider: str, **fields: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/chat/sessions", json={"target": {"provider_id": provider}, **fields}, headers=account.headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def parse_sse(body: str) -> list[dict[str, Any]]:
    frames = []
    for block in body.split("\n\n"):
        if not block.strip() or block.startswith(":"):
            continue
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        frame = json.loads(fields["data"])
        assert fields["event"] == frame["type"]
        frames.append(frame)
    return frames


async def send_over_sse(
    client: httpx.AsyncClient, account: Account, session_id: str, content: str
) -> list[dict[str, Any]]:
    """Every frame of the reply to ``content``, from the REST fallback."""
    async with client.stream(
        "POST", f"/api/v1/chat/sessions/{session_id}/messages", json={"content": content}, headers=account.headers
    ) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        return parse_sse((await response.aread()).decode())


async def messages(client: httpx.AsyncClient, account: Account, session_id: str) -> list[dict[str, Any]]:
    response = await client.get(
        f"/api/v1/chat/sessions/{session_id}/messages", params={"limit": 200}, headers=account.headers
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def socket_url(base_url: str, session_id: str) -> str:
    return base_url.replace("http://", "ws://", 1) + f"/api/v1/chat/sessions/{session_id}/ws"


@asynccontextmanager
async def opened(base_url: str, session_id: str) -> AsyncIterator[ClientConnection]:
    async with connect(socket_url(base_url, session_id), open_timeout=FRAME_SECONDS) as socket:
        yield socket


@asynccontextmanager
async def chat_socket(base_url: str, account: Account, session_id: str) -> AsyncIterator[ClientConnection]:
    """A socket signed in with the account's token (in a frame, never in the URL); the history is read."""
    async with opened(base_url, session_id) as socket:
        await send(socket, {"type": "auth", "token": account.access_token})
        history = await receive(socket)
        assert history["type"] == "history", history
        yield socket


async def send(socket: ClientConnection, frame: dict[str, Any]) -> None:
    await socket.send(json.dumps(frame))


async def receive(socket: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(FRAME_SECONDS):
        text = await socket.recv()
    assert isinstance(text, str)
    frame: dict[str, Any] = json.loads(text)
    return frame


async def until_final(socket: ClientConnection) -> list[dict[str, Any]]:
    """Frames up to and including the next done or error frame."""
    frames = [await receive(socket)]
    while frames[-1]["type"] not in FINAL:
        frames.append(await receive(socket))
    return frames


async def close_code(socket: ClientConnection) -> int | None:
    """The code the server closed the socket with, once it did."""
    async with asyncio.timeout(FRAME_SECONDS):
        await socket.wait_closed()
    return socket.close_code


def streamed_text(frames: list[dict[str, Any]]) -> str:
    return "".join(frame["text"] for frame in frames if frame["type"] == "token")
