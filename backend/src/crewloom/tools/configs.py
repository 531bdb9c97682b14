"""The configuration of each tool type. Only non-secret values live here; credentials go in the tool's
encrypted secrets, so names that look like credentials are refused with a pointer there."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

ToolType = Literal["builtin", "custom", "http", "docker", "mcp"]
HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]

MAX_SOURCE_BYTES = 64 * 1024
_SECRET_WORDS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH", "COOKIE")
_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,127}$"
_HEADER_NAME = r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$"
# A Docker image reference: [registry[:port]/]path[:tag][@sha256:digest].
_IMAGE = re.compile(
    r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]{1,5})?/)?"
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$"
)
EMPTY_OBJECT_SCHEMA: dict[str, Any] = {"type": "object", "properties": {}}

EnvName = Annotated[str, Field(pattern=_ENV_NAME)]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
ShortText = Annotated[str, Field(max_length=4000)]


def looks_secret(name: str) -> bool:
    upper = name.upper()
    return any(word in upper for word in _SECRET_WORDS)


def _refuse_secret_names(names: list[str], what: str) -> None:
    suspicious = sorted(name for name in names if looks_secret(name))
    if suspicious:
        raise ValueError(f"{', '.join(suspicious)} look secret: put {what} in the tool's secrets instead")


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http:// or https:// URL")
    return value


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BuiltinConfig(_Config):
    tool: str = Field(min_length=1, max_length=100, description="A name from GET /tools/catalogue")
    settings: dict[str, Any] = Field(
        default_factory=dict, description="Non-secret settings, checked against the tool's settings_schema"
    )


class CustomConfig(_Config):
    """Python run only in the sandbox, with the call's arguments as the function's keyword arguments and
    nothing else: no network, and never the tool's secrets (a custom tool takes none)."""

    source: str = Field(min_length=1, description="Python source defining the tool's function; never run here")
    function_name: Identifier | None = Field(
        default=None, description="The function to call; optional when the source defines exactly one"
    )
    args_schema: dict[str, Any] = Field(default_factory=lambda: dict(EMPTY_OBJECT_SCHEMA))

    @field_validator("source")
    @classmethod
    def _size(cls, value: str) -> str:
        if len(value.encode()) > MAX_SOURCE_BYTES:
            raise ValueError(f"must be at most {MAX_SOURCE_BYTES // 1024} KB")
        return value


class HttpConfig(_Config):
    method: HttpMethod = "GET"
    url_template: str = Field(
        min_length=1, max_length=2000, description="http(s) URL; {{ arg }} inserts an argument, percent-encoded"
    )
    headers: dict[Annotated[str, Field(pattern=_HEADER_NAME)], ShortText] = Field(
        default_factory=dict, description="Non-secret headers; put Authorization and API keys in secrets"
    )
    body_template: str | None = Field(
        default=None,
        max_length=MAX_SOURCE_BYTES,
        description="Jinja2 template of the body; {{ arg }} inserts an argument",
    )
    args_schema: dict[str, Any] = Field(default_factory=lambda: dict(EMPTY_OBJECT_SCHEMA))

    @field_validator("url_template")
    @classmethod
    def _url(cls, value: str) -> str:
        return _web_url(value)

    @field_validator("headers")
    @classmethod
    def _no_secret_headers(cls, value: dict[str, str]) -> dict[str, str]:
        _refuse_secret_names(list(value), "secret headers")
        return value


class DockerConfig(_Config):
    """An image run only in the Docker sandbox (no network, read-only, no capabilities), given the call's
    arguments and never the tool's secrets (a docker tool takes none)."""

    image: str = Field(min_length=1, max_length=512, description="An image already present on the Docker engine")
    command: list[Annotated[str, Field(max_length=4000)]] = Field(default_factory=list, max_length=100)
    environment: dict[EnvName, ShortText] = Field(default_factory=dict, description="Non-secret environment variables")
    args_schema: dict[str, Any] = Field(default_factory=lambda: dict(EMPTY_OBJECT_SCHEMA))

    @field_validator("image")
    @classmethod
    def _reference(cls, value: str) -> str:
        if not _IMAGE.fullmatch(value):
            raise ValueError("not an image reference like 'python:3.12-slim' or 'ghcr.io/org/tool:1.0'")
        return value

    @field_validator("environment")
    @classmethod
    def _no_secret_variables(cls, value: dict[str, str]) -> dict[str, str]:
        _refuse_secret_names(list(value), "secret variables")
        return value


class McpConfig(_Config):
    """An MCP server, stored only: an http server is reached by the worker (each of the tool's secrets
    goes with it as the request header of that name), a stdio command only ever starts inside the
    sandbox, which never receives secrets."""

    transport: Literal["http", "stdio"]
    url: str | None = Field(default=None, max_length=2000, description="Streamable HTTP endpoint (http transport)")
    command: str | None = Field(default=None, min_length=1, max_length=500, description="Executable (stdio)")
    args: list[Annotated[str, Field(max_length=4000)]] = Field(default_factory=list, max_length=100)
    tools: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=200, description="The server's tools to offer; empty: all of them"
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _web_url(value)


CONFIG_MODELS: dict[str, type[_Config]] = {
    "builtin": BuiltinConfig,
    "custom": CustomConfig,
    "http": HttpConfig,
    "docker": DockerConfig,
    "mcp": McpConfig,
}
