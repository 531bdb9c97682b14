"""A small OpenAI-compatible server on a random loopback port. It refuses any key but the good one with
OpenAI's own error shape (echoing the key as some servers do), and otherwise answers each call with the
next reply a test scripted: JSON or server-sent events (as the request asks), with or without usage,
an HTTP error with headers, or a reply held back for a while."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

GOOD_KEY = "sk-good-0123456789abcdefWXYZ"
_ERROR_TYPES = {401: "invalid_request_error", 429: "rate_limit_exceeded", 500: "server_error"}


@dataclass(frozen=True)
class Reply:
    """How the server answers one call; the default is a plain "pong"."""

    text: str = "pong"
    status: int = 200
    error: str = "The server had an error while processing your request."
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0
    # A pause before each streamed piece but the first, as a server that stalls mid-reply.
    piece_delay_seconds: float = 0.0
    # The model the server says answered; by default the one asked for.
    model: str | None = None
    # Whether usage is sent: in the JSON body, or as the last event of a stream that asked for it.
    usage: bool = True


@dataclass
class FakeOpenAI:
    base_url: str
    calls: list[dict[str, Any]] = field(default_factory=list)
    script: deque[Reply] = field(default_factory=deque)

    def answer(self, *replies: Reply) -> None:
        """The replies of the next calls, in order; calls beyond them get the default reply."""
        self.script.extend(replies)

    def reset(self) -> None:
        self.script.clear()
        self.calls.clear()


def pieces(text: str) -> list[str]:
    """The deltas a streamed reply is sent in: one word with the spaces after it."""
    return re.findall(r"\S+\s*", text)


def prompt_tokens(body: Mapping[str, Any]) -> int:
    return sum(len(str(message.get("content", "")).split()) for message in body["messages"])


def _error(status: int, message: str, headers: Mapping[str, str]) -> JSONResponse:
    error = {"message": message, "type": _ERROR_TYPES.get(status, "invalid_request_error"), "param": None, "code": None}
    return JSONResponse({"error": error}, status_code=status, headers=dict(headers))


def _usage(body: Mapping[str, Any], text: str) -> dict[str, int]:
    prompt, completion = prompt_tokens(body), len(pieces(text))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _json_reply(body: Mapping[str, Any], reply: Reply) -> JSONResponse:
    answer: dict[str, Any] = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": reply.model or body["model"],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.text}, "finish_reason": "stop"}],
    }
    if reply.usage:
        answer["usage"] = _usage(body, reply.text)
    return JSONResponse(answer, headers=dict(reply.headers))


def _stream_reply(body: Mapping[str, Any], reply: Reply) -> StreamingResponse:
    def chunk(choices: list[dict[str, Any]], **extra: Any) -> str:
        model = reply.model or body["model"]
        event = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": model}
        return f"data: {json.dumps({**event, 'choices': choices, **extra})}\n\n"

    async def events() -> AsyncIterator[str]:
        for position, piece in enumerate(pieces(reply.text)):
            if position and reply.piece_delay_seconds:
                await asyncio.sleep(reply.piece_delay_seconds)
            delta = {"role": "assistant", "content": piece} if position == 0 else {"content": piece}
            yield chunk([{"index": 0, "delta": delta, "finish_reason": None}])
        yield chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}])
        if reply.usage and (body.get("stream_options") or {}).get("include_usage"):
            yield chunk([], usage=_usage(body, reply.text))
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream", headers=dict(reply.headers))


def _app(fake: FakeOpenAI) -> Starlette:
    async def chat(request: Request) -> Response:
        body = await request.json()
        key = request.headers.get("authorization", "").removeprefix("Bearer ")
        fake.calls.append({"key": key, "body": body, "at": time.monotonic()})
        if key != GOOD_KEY:
            message = f"Incorrect API key provided: {key}. You can find your API key in your account."
            return _error(401, message, {})
        reply = fake.script.popleft() if fake.script else Reply()
        if reply.delay_seconds:
            await asyncio.sleep(reply.delay_seconds)
        if reply.status != 200:
            return _error(reply.status, reply.error, reply.headers)
        return _stream_reply(body, reply) if body.get("stream") else _json_reply(body, reply)

    return Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"])])


@contextmanager
def running_fake_openai() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(base_url="")
    config = uvicorn.Config(_app(fake), host="127.0.0.1", port=0, log_level="warning", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the fake OpenAI server did not start")
        time.sleep(0.02)
    fake.base_url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/v1"
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(timeout=20)
