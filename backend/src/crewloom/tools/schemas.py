"""Request and response bodies of the tools domain."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from crewloom.kit.resources import ResourceFields, ResourceOut, VersionedUpdate
from crewloom.tools.configs import ToolType

SecretName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]{0,127}$")]
SecretValue = Annotated[str, Field(min_length=1, max_length=16384)]


class ToolFields(ResourceFields):
    type: ToolType
    config: dict[str, Any] = Field(
        default_factory=dict,
        description="The type's settings: builtin {tool, settings}; custom {source, function_name?, args_schema}; "
        "http {method, url_template, headers, body_template?, args_schema}; docker {image, command, environment}; "
        "mcp {transport, url | command + args + env}",
    )
    secrets: dict[SecretName, SecretValue] | None = Field(
        default=None,
        max_length=50,
        description="Write-only, stored encrypted. On update: absent keeps the stored secrets, {} removes them, "
        "any other object replaces them",
    )


class ToolIn(ToolFields):
    pass


class ToolUpdate(ToolFields, VersionedUpdate):
    pass


class ToolOut(ResourceOut):
    type: ToolType
    config: dict[str, Any]
    secret_names: list[str] = Field(description="Names of the stored secrets; their values are never shown")
