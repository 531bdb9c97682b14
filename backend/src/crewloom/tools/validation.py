"""Checking a tool's configuration for its type, naming each problem's field (config.<field>)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from crewloom.errors import Unprocessable
from crewloom.tools import catalogue
from crewloom.tools.configs import CONFIG_MODELS, BuiltinConfig, CustomConfig, DockerConfig, HttpConfig, McpConfig
from crewloom.tools.custom_source import check_source
from crewloom.tools.json_schemas import schema_problem

Problems = list[dict[str, Any]]


def _args_schema(schema: dict[str, Any]) -> Problems:
    problem = schema_problem(schema, object_only=True)
    return [{"field": "config.args_schema", "message": problem}] if problem else []


def _builtin(config: BuiltinConfig, secret_names: set[str]) -> Problems:
    entry = catalogue.find(config.tool)
    if entry is None:
        return [{"field": "config.tool", "message": f"no built-in tool {config.tool!r}; see GET /tools/catalogue"}]
    allowed = set(catalogue.secret_settings(entry))
    unexpected = [
        {"field": f"secrets.{name}", "message": f"the {entry.name} tool takes no secret of this name"}
        for name in sorted(secret_names - allowed)
    ]
    return unexpected + catalogue.settings_problems(entry, config.settings, secret_names)


def _custom(config: CustomConfig, secret_names: set[str]) -> Problems:
    function_name, problems = check_source(config.source, config.function_name)
    config.function_name = function_name
    if secret_names:
        problems.append(
            {"field": "secrets", "message": "custom tools run in the sandbox, which never receives secrets"}
        )
    return problems + _args_schema(config.args_schema)


def _docker(config: DockerConfig, secret_names: set[str]) -> Problems:
    problems = _args_schema(config.args_schema)
    if secret_names:
        problems.append(
            {"field": "secrets", "message": "docker tools run in the sandbox, which never receives secrets"}
        )
    return problems


def _http(config: HttpConfig, secret_names: set[str]) -> Problems:
    return _args_schema(config.args_schema)


def _mcp(config: McpConfig, secret_names: set[str]) -> Problems:
    problems: Problems = []
    if config.transport == "http":
        if config.url is None:
            problems.append({"field": "config.url", "message": "required for the http transport"})
        if config.command is not None or config.args:
            problems.append({"field": "config.command", "message": "only for the stdio transport"})
    else:
        if config.command is None:
            problems.append({"field": "config.command", "message": "required for the stdio transport"})
        if config.url is not None:
            problems.append({"field": "config.url", "message": "only for the http transport"})
        if secret_names:
            problems.append(
                {"field": "secrets", "message": "a stdio server runs in the sandbox, which never receives secrets"}
            )
    return problems


_CHECKS: dict[str, Callable[[Any, set[str]], Problems]] = {
    "builtin": _builtin,
    "custom": _custom,
    "http": _http,
    "docker": _docker,
    "mcp": _mcp,
}


def checked_config(tool_type: str, raw: dict[str, Any], secret_names: set[str]) -> dict[str, Any]:
    """The configuration as stored (defaults filled in), or 422 listing every problem found."""
    try:
        config = CONFIG_MODELS[tool_type].model_validate(raw)
    except ValidationError as exc:
        raise Unprocessable(
            [
                {"field": ".".join(["config", *(str(part) for part in error["loc"])]), "message": error["msg"]}
                for error in exc.errors()
            ]
        ) from exc
    problems = _CHECKS[tool_type](config, secret_names)
    if problems:
        raise Unprocessable(problems)
    return config.model_dump(mode="json")
