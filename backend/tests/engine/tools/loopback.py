"""An HTTP server on loopback for the tool tests, in a thread of its own:

- ``/echo...`` answers JSON describing the request (method, path, query, headers, body);
- ``/text`` answers plain text; ``/status/<code>`` answers that status;
- ``/big`` answers more than a megabyte;
- ``/hold`` answers only once ``release`` is set, and sets ``entered`` when a request arrives;
- ``/redirect?to=<url>[&status=<code>]`` redirects there (302 unless told), or to itself without ``to``;
- ``/page`` answers a small HTML page."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

HOLD_LIMIT_SECONDS = 30
PAGE = (
    b"<html><head><title>Hive</title></head><body><h1 class='title'>Bees</h1>"
    b"<p class='fact'>Bees make honey.</p><p class='fact'>A hive holds 40000 bees.</p></body></html>"
)


@dataclass
class Loopback:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


def _handler(state: Loopback) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            request = {
                "method": self.command,
                "path": parts.path,
                "query": parts.query,
                "headers": dict(self.headers.items()),
                "body": self.rfile.read(length).decode() if length else "",
            }
            state.requests.append(request)
            if parts.path == "/hold":
                state.entered.set()
                state.release.wait(HOLD_LIMIT_SECONDS)
                self._answer(200, b"released", "text/plain")
            elif parts.path == "/text":
                self._answer(200, b"plain words", "text/plain; charset=utf-8")
            elif parts.path.startswith("/status/"):
                status = int(parts.path.removeprefix("/status/"))
                self._answer(status, f"refused   because\n{request['headers']}".encode(), "text/plain")
            elif parts.path == "/big":
                self._answer(200, b"x" * (1024 * 1024 + 10), "text/plain")
            elif parts.path == "/redirect":
                query = parse_qs(parts.query)
                self.send_response(int(query.get("status", ["302"])[0]))
                self.send_header("Location", query.get("to", [self.path])[0])
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif parts.path == "/page":
                self._answer(200, PAGE, "text/html; charset=utf-8")
            else:
                self._answer(200, json.dumps(request).encode(), "application/json")

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle  # noqa: N815 - named by http.server

    return Handler


@contextmanager
def running_loopback() -> Iterator[Loopback]:
    state = Loopback(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    host, port = server.server_address[:2]
    state.url = f"http://{host!s}:{port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    with running_loopback() as state:
        yield state


@pytest.fixture
def second_loopback() -> Iterator[Loopback]:
    """Another server on loopback: another origin, for redirects that leave one."""
    with running_loopback() as state:
        yield state
