"""Request and response bodies of the tools domain."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from crewloom.kit.resources import ResourceFields, ResourceOut, VersionedUpdate
from crewloom.tools.configs import ToolType

SecretName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]{0,127}$")]
SecretValue = Annotated[str, Field(min_length=1, max_length=16384)]


class ToolFields(ResourceFields):
    type: ToolType
    config: dict[str, Any] = Field(
        default_factory=dict,
        description="The type's settings: builtin {tool, settings}; custom {source, function_name?, args_schema}; "
        "http {method, url_template, headers, body_template?, args_schema}; "
        "docker {image, command, environment, args_schema}; mcp {transport, url | command + args, tools}",
    )
    secrets: dict[SecretName, SecretValue] | None = Field(
        default=None,
        max_length=50,
        description="Write-only, stored encrypted. On update: absent keeps the stored secrets, {} removes them, "
        "any other object replaces them. http and mcp (http transport) tools send them as request headers; "
        "builtin tools take the ones their settings mark secret; custom, docker and stdio mcp tools run in the "
        "sandbox, which never receives secrets, so they take none",
    )


class ToolIn(ToolFields):
    pass


class ToolUpdate(ToolFields, VersionedUpdate):
    pass


class ToolOut(ResourceOut):
    type: ToolType
    config: dict[str, Any]
    secret_names: list[str] = Field(description="Names of the stored secrets; their values are never shown")


class ToolTestIn(BaseModel):
    arguments: dict[str, Any] = Field(
        default_factory=dict,
        description="Checked against the tool's args_schema (a builtin tool's: the catalogue's). For an mcp "
        "tool, 'tool' names the server's tool to call and the other arguments are its own",
    )


class ToolTestOut(BaseModel):
    ok: bool
    result: Any = Field(description="What the tool returned (null when it failed)")
    error: str | None
    stdout: str = Field(description="What a sandboxed tool printed (capped)")
    stderr: str
    duration_ms: float
    limit: str | None = Field(
        description="The sandbox limit the call hit: wall_time, cpu_time, memory, processes, open_files, "
        "file_size or output"
    )


class McpToolOut(BaseModel):
    name: str
    description: str
    input_schema: dict[str, Any]


class McpToolsOut(BaseModel):
    items: list[McpToolOut]
