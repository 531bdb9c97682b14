"""HTTP tools: the URL and body templates filled with the call's arguments, the tool's secrets sent as the
request headers of their names, and a bounded exchange through the outbound guard: one timeout for the whole
of it, a capped response, a few redirects, and the secret headers only ever sent to the URL's own origin."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from crewloom.engine.runtime.context import NodeError, render
from crewloom.engine.tools.outbound import OutboundGuard, fetch
from crewloom.engine.tools.spec import ToolSpec, checked_config
from crewloom.tools.configs import HttpConfig

TIMEOUT_SECONDS = 30.0
MAX_RESPONSE_BYTES = 1024 * 1024
_EXCERPT_CHARS = 200
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_RETRYABLE_STATUSES = frozenset({408, 425, 429})


@dataclass(frozen=True)
class HttpReply:
    status: int
    text: str
    is_json: bool

    def value(self) -> Any:
        """The parsed document of a JSON response, else the text."""
        if self.is_json:
            try:
                return json.loads(self.text)
            except json.JSONDecodeError:
                pass
        return self.text


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _url(config: HttpConfig, arguments: Mapping[str, Any]) -> str:
    # Each argument is percent-encoded whole, so that a value can fill a path segment or a query parameter but
    # never add one, nor change the host.
    encoded = {name: quote(_as_text(value), safe="") for name, value in arguments.items()}
    url = render(config.url_template, encoded, field="url_template")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NodeError(f"url_template: {url!r} is not an http:// or https:// URL", retryable=False)
    return url


def _body(config: HttpConfig, arguments: Mapping[str, Any]) -> tuple[bytes | None, str | None]:
    """The request body and its content type."""
    if config.body_template is None:
        if config.method not in _BODY_METHODS:
            return None, None
        return json.dumps(dict(arguments)).encode(), "application/json"
    body = render(config.body_template, arguments, field="body_template")
    try:
        json.loads(body)
    except json.JSONDecodeError:
        return body.encode(), "text/plain; charset=utf-8"
    return body.encode(), "application/json"


def _headers(tool: ToolSpec, config: HttpConfig, content_type: str | None) -> dict[str, str]:
    headers = dict(config.headers)
    if content_type is not None and not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = content_type
    headers.update(tool.secrets)
    return headers


async def call_http(
    tool: ToolSpec,
    arguments: Mapping[str, Any],
    *,
    time_limit: float = TIMEOUT_SECONDS,
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> HttpReply:
    """One call of an http tool; a failure, including a status other than 2xx, is a NodeError that names the
    request and never holds a secret."""
    config = checked_config(tool, HttpConfig)
    url = _url(config, arguments)
    body, content_type = _body(config, arguments)
    parts = urlsplit(url)
    where = f"{config.method} {parts.scheme}://{parts.netloc}{parts.path}"
    try:
        reply = await fetch(
            config.method,
            url,
            guard=OutboundGuard(tool.access.allowed_hosts),
            headers=_headers(tool, config, content_type),
            secret_headers=tool.secrets.keys(),
            content=body,
            time_limit=time_limit,
            max_bytes=max_bytes,
            where=where,
        )
    except NodeError as exc:
        raise NodeError(tool.redact(exc.message), retryable=exc.retryable) from None
    text = tool.redact(reply.text())
    if not 200 <= reply.status < 300:
        excerpt = " ".join(text.split())[:_EXCERPT_CHARS]
        retryable = reply.status >= 500 or reply.status in _RETRYABLE_STATUSES
        raise NodeError(f"{where} answered HTTP {reply.status}: {excerpt}", retryable=retryable)
    return HttpReply(status=reply.status, text=text, is_json="json" in reply.content_type)
