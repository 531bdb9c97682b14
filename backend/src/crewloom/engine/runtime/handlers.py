"""One handler per node type: from the node's config and its context to the node's result."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from crewloom.engine.nodes import (
    AgentConfig,
    ConditionConfig,
    CrewConfig,
    LlmConfig,
    NodeConfig,
    OutputConfig,
    ToolConfig,
)
from crewloom.engine.runtime.context import NodeError, evaluate_condition, render
from crewloom.engine.runtime.events import Usage
from crewloom.engine.runtime.services import NodeReporter, NodeResult, RunServices
from crewloom.llm.gateway import ChatMessage, ProviderCallError

_FENCE = re.compile(r"^```(?:json)?\s*\n(.*)\n```$", re.DOTALL)


@dataclass(frozen=True, kw_only=True)
class NodeCall:
    config: NodeConfig
    # ``inputs`` and ``nodes`` as templates and expressions see them.
    context: Mapping[str, Any]
    # The config's templates rendered against the context, by field path (see NodeConfig.templates).
    rendered: Mapping[str, str]
    services: RunServices
    reporter: NodeReporter


Handler = Callable[[NodeCall], Awaitable[NodeResult]]


def _unavailable(what: str) -> NodeError:
    return NodeError(f"{what} are not available in this runtime", retryable=False)


async def run_input(call: NodeCall) -> NodeResult:
    return NodeResult(output=dict(call.context["inputs"]))


async def run_output(call: NodeCall) -> NodeResult:
    assert isinstance(call.config, OutputConfig)
    return NodeResult(output=call.rendered["value"])


async def run_condition(call: NodeCall) -> NodeResult:
    assert isinstance(call.config, ConditionConfig)
    return NodeResult(output=evaluate_condition(call.config.expression, call.context))


def parse_json_reply(text: str, schema: dict[str, Any]) -> Any:
    # No typing stubs are installed for jsonschema.
    import jsonschema

    # Models often wrap JSON in a Markdown fence even when told not to.
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    try:
        value = json.loads(fenced.group(1) if fenced else stripped)
    except json.JSONDecodeError as exc:
        raise NodeError(f"the reply is not JSON ({exc.msg} at position {exc.pos}): {text[:200]!r}") from None
    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(part) for part in exc.absolute_path) or "the reply"
        raise NodeError(f"the reply does not match the output schema at {where}: {exc.message}") from None
    except jsonschema.SchemaError as exc:
        raise NodeError(f"the output schema is not a valid JSON Schema: {exc.message}", retryable=False) from None
    return value


async def run_llm(call: NodeCall) -> NodeResult:
    config = call.config
    assert isinstance(config, LlmConfig)
    if call.services.complete is None:
        raise _unavailable("model calls")
    messages = []
    if config.system:
        messages.append(ChatMessage(role="system", content=call.rendered["system"]))
    messages.append(ChatMessage(role="user", content=call.rendered["prompt"]))
    # JSON is parsed whole at the end; only text replies are worth following token by token.
    on_token = call.reporter.token if config.output_format == "text" else None
    try:
        completion = await call.services.complete(
            config.provider_id,
            config.model,
            messages,
            node_id=call.reporter.node_id,
            max_tokens=config.max_tokens,
            temperature=config.temperature,
            on_token=on_token,
        )
    except ProviderCallError as exc:
        raise NodeError(f"the model call failed: {exc.message}") from None
    usage = Usage(tokens_in=completion.tokens_in, tokens_out=completion.tokens_out, cost=completion.cost)
    if config.output_format == "json" and config.output_schema is not None:
        return NodeResult(output=parse_json_reply(completion.text, config.output_schema), usage=usage)
    return NodeResult(output=completion.text, usage=usage)


def _under(rendered: Mapping[str, str], prefix: str) -> dict[str, str]:
    return {path.removeprefix(prefix): value for path, value in rendered.items() if path.startswith(prefix)}


async def run_agent(call: NodeCall) -> NodeResult:
    config = call.config
    assert isinstance(config, AgentConfig)
    if call.services.run_agent is None:
        raise _unavailable("agents")
    return await call.services.run_agent(config, call.rendered["task"], call.reporter)


async def run_crew(call: NodeCall) -> NodeResult:
    config = call.config
    assert isinstance(config, CrewConfig)
    if call.services.run_crew is None:
        raise _unavailable("crews")
    return await call.services.run_crew(config, _under(call.rendered, "inputs."), call.reporter)


async def run_tool(call: NodeCall) -> NodeResult:
    config = call.config
    assert isinstance(config, ToolConfig)
    if call.services.run_tool is None:
        raise _unavailable("tools")
    return await call.services.run_tool(config, _under(call.rendered, "arguments."), call.reporter)


def render_templates(config: NodeConfig, context: Mapping[str, Any]) -> dict[str, str]:
    return {path: render(source, context, field=path) for path, source in config.templates().items()}


HANDLERS: dict[str, Handler] = {
    "input": run_input,
    "output": run_output,
    "condition": run_condition,
    "llm": run_llm,
    "agent": run_agent,
    "crew": run_crew,
    "tool": run_tool,
}
