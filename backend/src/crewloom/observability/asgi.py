"""Every request and WebSocket as the API sees it: a request id (the client's ``X-Request-ID`` when sane,
else a new one, echoed in the response) on every log line written for it, its route template, status and
duration in the metrics, and the event streams and WebSockets open right now.

Plain ASGI rather than Starlette's BaseHTTPMiddleware, which would hold streamed responses back."""

from __future__ import annotations

import time
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crewloom.observability import metrics
from crewloom.observability.context import REQUEST_ID_HEADER, log_scope, request_id_from

_EVENT_STREAM = b"text/event-stream"


def _header(headers: Any, name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return bytes(value)
    return None


def _with_request_id(message: Message, request_id: str) -> Message:
    headers = [*message.get("headers", []), (REQUEST_ID_HEADER.encode(), request_id.encode())]
    return {**message, "headers": headers}


def _route_templates(app: Any) -> dict[int, str]:
    """The full template of each route, by the identity of the route object the router puts in the scope
    (an included router's route knows only its own part of the path)."""
    routes = getattr(app, "routes", None) or []
    return {
        id(context.original_route): context.path_format
        for context in iter_route_contexts(routes)
        if context.path_format
    }


class ObservedRequests:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._templates: dict[int, str] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        sent = _header(scope["headers"], REQUEST_ID_HEADER.encode())
        request_id = request_id_from(sent.decode("latin-1") if sent is not None else None)
        with log_scope(request_id=request_id):
            if scope["type"] == "http":
                await self._request(scope, receive, send, request_id)
            else:
                await self._websocket(scope, receive, send, request_id)

    async def _request(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        started = time.perf_counter()
        status = 500
        # An event stream's duration is its time to the first byte: how long it then stays open is no latency.
        answered_at: float | None = None

        async def observed_send(message: Message) -> None:
            nonlocal status, answered_at
            if message["type"] == "http.response.start":
                status = message["status"]
                content_type = _header(message.get("headers", []), b"content-type") or b""
                if content_type.startswith(_EVENT_STREAM):
                    answered_at = time.perf_counter()
                    metrics.connection_opened("sse")
                message = _with_request_id(message, request_id)
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            if answered_at is not None:
                metrics.connection_closed("sse")
            finished_at = answered_at if answered_at is not None else time.perf_counter()
            metrics.http_request_observed(scope["method"], self._route(scope), status, finished_at - started)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        accepted = False

        async def observed_send(message: Message) -> None:
            nonlocal accepted
            if message["type"] == "websocket.accept" and not accepted:
                accepted = True
                metrics.connection_opened("websocket")
                message = _with_request_id(message, request_id)
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            if accepted:
                metrics.connection_closed("websocket")

    def _route(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is None:
            return metrics.UNMATCHED_ROUTE
        template = self._templates.get(id(route))
        if template is None:
            # Built at the first request, once every route is in place; again if one was added since.
            self._templates = _route_templates(scope.get("app"))
            fallback = str(getattr(route, "path_format", metrics.UNMATCHED_ROUTE))
            template = self._templates.setdefault(id(route), fallback)
        return template
