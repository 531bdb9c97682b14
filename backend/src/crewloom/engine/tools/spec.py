"""A workspace tool as the engine runs it: what the caller loaded from the database, secrets decrypted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from crewloom.engine.runtime.context import NodeError
from crewloom.engine.tools.access import ToolAccess

# Types whose calls run their own code: only ever in the sandbox (sandboxed.py).
SANDBOXED_TYPES = frozenset({"custom", "docker"})
REDACTED = "[redacted]"

Config = TypeVar("Config", bound=BaseModel)


@dataclass(frozen=True, kw_only=True)
class ToolSpec:
    id: uuid.UUID
    name: str
    description: str
    # builtin, custom, http, docker or mcp; ``config`` has that type's shape (crewloom.tools.configs).
    type: str
    config: dict[str, Any]
    # Used only to build requests: never logged, never put in events.
    secrets: dict[str, str] = field(default_factory=dict, repr=False)
    access: ToolAccess = field(default_factory=ToolAccess)

    def redact(self, text: str) -> str:
        """``text`` with every secret value of the tool blanked out, should a server echo one back."""
        for value in sorted(self.secrets.values(), key=len, reverse=True):
            if value:
                text = text.replace(value, REDACTED)
        return text


def checked_config(tool: ToolSpec, model: type[Config]) -> Config:
    try:
        return model.model_validate(tool.config)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "config"
        raise NodeError(
            f"the tool {tool.name!r} has an invalid configuration: {where}: {problem['msg']}", retryable=False
        ) from None


def unknown_type(tool: ToolSpec) -> NodeError:
    return NodeError(f"the tool {tool.name!r} has an unknown type {tool.type!r}", retryable=False)
