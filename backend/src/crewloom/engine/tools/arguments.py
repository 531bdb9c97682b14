"""A tool call's arguments checked against the JSON Schema of the tool's arguments. A tool node renders every
argument from a template, so a value whose schema wants a number, a boolean, an object or an array arrives as
text and is read as JSON first."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from crewloom.engine.runtime.context import NodeError
from crewloom.tools.json_schemas import instance_problems


class ArgumentsInvalid(NodeError):
    """The arguments break the tool's schema; ``problems`` name each one's field."""

    def __init__(self, tool_name: str, problems: list[dict[str, str]]) -> None:
        listed = "; ".join(f"{problem['field']}: {problem['message']}" for problem in problems)
        super().__init__(f"the arguments of the tool {tool_name!r} are not valid: {listed}", retryable=False)
        self.problems = problems


def _kinds(schema: Any) -> set[str]:
    """The JSON types a schema names, its anyOf and oneOf choices included."""
    if not isinstance(schema, dict):
        return set()
    named = schema.get("type")
    kinds = set(named) if isinstance(named, list) else {named} if isinstance(named, str) else set()
    for choice in [*schema.get("anyOf", []), *schema.get("oneOf", [])]:
        kinds |= _kinds(choice)
    return kinds


def _wants_text(schema: Any) -> bool:
    kinds = _kinds(schema)
    return not kinds or "string" in kinds


def _typed(value: Any, schema: Any) -> Any:
    if not isinstance(value, str) or _wants_text(schema):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        # Left as text: the schema check names the field.
        return value


def checked_arguments(tool_name: str, schema: dict[str, Any], arguments: Mapping[str, Any]) -> dict[str, Any]:
    """``arguments`` typed by ``schema`` and valid against it, or ArgumentsInvalid."""
    properties: dict[str, Any] = schema.get("properties") or {}
    typed = {name: _typed(value, properties.get(name)) for name, value in arguments.items()}
    try:
        found = instance_problems(schema, typed)
    except Exception as exc:
        # A schema that was valid when saved but that the validator cannot apply (e.g. an unresolvable $ref).
        raise NodeError(f"the tool {tool_name!r} has an unusable arguments schema: {exc}", retryable=False) from None
    if found:
        problems = [{"field": ".".join(filter(None, ("arguments", path))), "message": text} for path, text in found]
        raise ArgumentsInvalid(tool_name, problems)
    return typed
