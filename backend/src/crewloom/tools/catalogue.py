"""The built-in tools offered here, read once from catalogue.json (written by catalogue_build.py)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pydantic import BaseModel, Field

from crewloom.tools.catalogue_build import CATALOGUE_PATH
from crewloom.tools.json_schemas import instance_problems

SECRET_MARK = "x-secret"


class CatalogueEntry(BaseModel):
    name: str = Field(description="What a builtin tool's config.tool names")
    class_name: str
    title: str
    description: str
    settings_schema: dict[str, Any] = Field(
        description='JSON Schema of the settings; properties marked "x-secret": true go in the tool\'s secrets'
    )
    args_schema: dict[str, Any] = Field(description="JSON Schema of the arguments an agent calls the tool with")
    requires: list[str] = Field(description="What the worker needs besides the tool itself, e.g. embedding_provider")


class Catalogue(BaseModel):
    items: list[CatalogueEntry]


@cache
def catalogue() -> Catalogue:
    return Catalogue(items=[CatalogueEntry(**entry) for entry in json.loads(CATALOGUE_PATH.read_text())])


def find(name: str) -> CatalogueEntry | None:
    return next((entry for entry in catalogue().items if entry.name == name), None)


def secret_settings(entry: CatalogueEntry) -> dict[str, bool]:
    """The secret settings of a tool, each with whether it is required."""
    required = set(entry.settings_schema.get("required", []))
    properties: dict[str, dict[str, Any]] = entry.settings_schema.get("properties", {})
    return {name: name in required for name, schema in properties.items() if schema.get(SECRET_MARK)}


def settings_problems(entry: CatalogueEntry, settings: dict[str, Any], secret_names: set[str]) -> list[dict[str, str]]:
    """Problems of a builtin tool's settings: non-secret ones checked against the schema, secret ones
    required among the tool's secrets and refused in plain settings."""
    secrets = secret_settings(entry)
    problems = [
        {"field": f"config.settings.{name}", "message": "a secret: send it in secrets, not in settings"}
        for name in sorted(settings)
        if name in secrets
    ]
    problems += [
        {"field": f"secrets.{name}", "message": f"required by the {entry.name} tool"}
        for name, required in sorted(secrets.items())
        if required and name not in secret_names
    ]
    plain_schema = {
        **entry.settings_schema,
        "properties": {
            name: schema for name, schema in entry.settings_schema.get("properties", {}).items() if name not in secrets
        },
        "required": [name for name in entry.settings_schema.get("required", []) if name not in secrets],
    }
    plain = {name: value for name, value in settings.items() if name not in secrets}
    problems += [
        {"field": "config.settings" + (f".{path}" if path else ""), "message": message}
        for path, message in instance_problems(plain_schema, plain)
    ]
    return problems
