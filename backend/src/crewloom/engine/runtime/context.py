"""What a node's templates and expressions see: the run's inputs, coerced to the input node's fields,
and the outputs of the upstream nodes that succeeded."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from jinja2 import Template, TemplateError

from crewloom.engine import templates
from crewloom.engine.graph import Graph
from crewloom.engine.nodes import InputConfig, InputField
from crewloom.engine.runtime.events import InputProblem

if TYPE_CHECKING:
    import celpy
    from jinja2.sandbox import ImmutableSandboxedEnvironment

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}
_INTEGER = re.compile(r"^[+-]?\d+$")


class NodeError(Exception):
    """A node failed for a reason worth showing as is; ``retryable`` is False when another attempt would
    fail the same way (a template error, a missing service)."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


class InputsInvalid(Exception):
    def __init__(self, problems: list[InputProblem]) -> None:
        super().__init__("; ".join(f"{problem.field}: {problem.message}" for problem in problems))
        self.problems = problems


def input_fields(graph: Graph) -> list[InputField]:
    for node in graph.nodes:
        if node.type == "input":
            return InputConfig.model_validate(node.config).fields
    return []


def _coerce(kind: str, value: Any) -> Any:
    if kind == "string":
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise ValueError("must be a string")
    if kind == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            text = value.strip()
            try:
                return int(text) if _INTEGER.match(text) else float(text)
            except ValueError:
                pass
        raise ValueError("must be a number")
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError("must be a boolean")
    # A json field given as text (a form, the command line) holds the JSON document itself.
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"must be JSON: {exc.msg} at position {exc.pos}") from None
    return value


def coerce_inputs(graph: Graph, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs of a run, checked and coerced against the input node's fields, defaults applied;
    raises InputsInvalid naming every field at fault."""
    fields = input_fields(graph)
    known = {field.name for field in fields}
    problems = [
        InputProblem(field=name, message="is not a field of the flow's input") for name in inputs if name not in known
    ]
    coerced: dict[str, Any] = {}
    for field in fields:
        value = inputs.get(field.name)
        if value is None:
            if field.required and field.default is None:
                problems.append(InputProblem(field=field.name, message="is required"))
            coerced[field.name] = field.default
            continue
        try:
            coerced[field.name] = _coerce(field.type, value)
        except ValueError as exc:
            problems.append(InputProblem(field=field.name, message=str(exc)))
    if problems:
        raise InputsInvalid(problems)
    return coerced


@lru_cache(maxsize=1)
def _environment() -> ImmutableSandboxedEnvironment:
    return templates.environment()


@lru_cache(maxsize=4096)
def _compiled(source: str) -> Template:
    # A flow renders the same few templates on every run; compiling is most of rendering's cost.
    return _environment().from_string(source)


def _is_literal(source: str) -> bool:
    return "{{" not in source and "{%" not in source and "{#" not in source


def render(source: str, context: Mapping[str, Any], *, field: str) -> str:
    if _is_literal(source):
        return source
    try:
        return _compiled(source).render(context)
    except TemplateError as exc:
        raise NodeError(f"{field}: {type(exc).__name__}: {exc.message}", retryable=False) from None
    except Exception as exc:
        raise NodeError(f"{field}: the template failed: {type(exc).__name__}: {exc}", retryable=False) from None


@lru_cache(maxsize=1)
def _cel() -> celpy.Environment:
    # Building the CEL parser takes a moment; only flows with conditions need it.
    import celpy

    return celpy.Environment()


def evaluate_condition(expression: str, context: Mapping[str, Any]) -> bool:
    import celpy
    from celpy.adapter import json_to_cel
    from celpy.celparser import CELParseError
    from celpy.evaluation import CELEvalError

    environment = _cel()
    try:
        program = environment.program(environment.compile(expression))
        # CEL takes plain JSON values; the upstream outputs are a read-only view.
        activation = {
            name: json_to_cel(dict(value) if isinstance(value, Mapping) else value) for name, value in context.items()
        }
        result = program.evaluate(activation)
    except CELParseError as exc:
        raise NodeError(f"expression: not a CEL expression: {exc}", retryable=False) from None
    except CELEvalError as exc:
        raise NodeError(f"expression: {exc.args[0] if exc.args else exc}", retryable=False) from None
    except Exception as exc:
        raise NodeError(f"expression: {type(exc).__name__}: {exc}", retryable=False) from None
    if not isinstance(result, celpy.celtypes.BoolType):
        raise NodeError(f"expression: must be true or false, not {result!r}", retryable=False)
    return bool(result)
