"""A tiny OpenAI-compatible server on a random loopback port: it answers the good key and refuses any
other with OpenAI's own error shape, echoing the key as some servers do."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

GOOD_KEY = "sk-good-0123456789abcdefWXYZ"


@dataclass
class FakeOpenAI:
    base_url: str
    calls: list[dict[str, Any]] = field(default_factory=list)


def _app(fake: FakeOpenAI) -> Starlette:
    async def chat(request: Request) -> JSONResponse:
        body = await request.json()
        key = request.headers.get("authorization", "").removeprefix("Bearer ")
        fake.calls.append({"key": key, "body": body})
        if key != GOOD_KEY:
            error = {
                "message": f"Incorrect API key provided: {key}. You can find your API key in your account.",
                "type": "invalid_request_error",
                "param": None,
                "code": "invalid_api_key",
            }
            return JSONResponse({"error": error}, status_code=401)
        return JSONResponse(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "pong"}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 9, "completion_tokens": 1, "total_tokens": 10},
            }
        )

    return Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"])])


@contextmanager
def running_fake_openai() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(base_url="")
    server = uvicorn.Server(uvicorn.Config(_app(fake), host="127.0.0.1", port=0, log_level="warning"))
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
