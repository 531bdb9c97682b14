"""Checking JSON Schemas that users write (tool arguments, task outputs) and values against them."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError


def schema_problem(schema: dict[str, Any], *, object_only: bool = False) -> str | None:
    """Why ``schema`` is not a usable JSON Schema (draft 2020-12), or None."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(part) for part in exc.path)
        return f"not a valid JSON Schema{f' at {where}' if where else ''}: {exc.message}"
    except RecursionError:
        return "nested too deeply"
    if object_only and schema.get("type") != "object":
        return 'must describe an object: {"type": "object", "properties": {...}}'
    return None


def instance_problems(schema: dict[str, Any], instance: Any) -> list[tuple[str, str]]:
    """(dotted path, message) for each way ``instance`` breaks ``schema``, in a stable order."""
    errors = Draft202012Validator(schema).iter_errors(instance)
    found = [(".".join(str(part) for part in error.absolute_path), str(error.message)) for error in errors]
    return sorted(found)
