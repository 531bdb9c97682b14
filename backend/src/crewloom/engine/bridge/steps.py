"""What agents do, reported as the node's events. CrewAI calls its step callback only once a tool has run,
and never for a final answer, so thoughts and tool calls are read from each reply as the model gives it (with
CrewAI's own parser), tool results from the step callback, task outputs from the task callback. Imports
CrewAI: loaded only in a worker thread."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from crewai.agents.parser import AgentAction, OutputParserError, parse
from crewai.tasks.task_output import TaskOutput
from crewai.utilities.string_utils import sanitize_tool_name

from crewloom.engine.bridge.session import KickoffSession
from crewloom.engine.bridge.specs import TaskSpec
from crewloom.engine.runtime.context import NodeError
from crewloom.engine.runtime.handlers import parse_json_reply
from crewloom.engine.tools import ToolSpec

# Tool results can be large; an event carries the beginning only (the agent sees all of it).
MAX_EVENT_TEXT = 10_000
_THOUGHT_PREFIX = "Thought:"


def shortened(text: str) -> str:
    if len(text) <= MAX_EVENT_TEXT:
        return text
    return f"{text[:MAX_EVENT_TEXT]}… ({len(text) - MAX_EVENT_TEXT} more characters)"


def _arguments(tool_input: str) -> Any:
    try:
        return json.loads(tool_input)
    except json.JSONDecodeError:
        return tool_input


class AgentSteps:
    """The reports of one agent: its ``reply`` hook (see GatewayLLM) and its CrewAI step callback."""

    def __init__(self, agent: str, session: KickoffSession, tools: Iterable[ToolSpec]) -> None:
        self._agent = agent
        self._session = session
        # The model names a tool as CrewAI listed it; events use the workspace's name.
        self._tool_names = {sanitize_tool_name(tool.name): tool.name for tool in tools}

    def _tool(self, called: str) -> str:
        return self._tool_names.get(sanitize_tool_name(called), called)

    def reply(self, text: str) -> None:
        try:
            step = parse(text)
        except OutputParserError:
            return  # CrewAI tells the model its format was wrong
        thought = step.thought.removeprefix(_THOUGHT_PREFIX).strip()
        reporter = self._session.reporter
        if thought:
            self._session.emit(reporter.thought(self._agent, shortened(thought)))
        if isinstance(step, AgentAction):
            self._session.emit(
                reporter.tool_called(self._tool(step.tool), _arguments(step.tool_input), agent=self._agent)
            )

    def step(self, step: object) -> None:
        # Between two steps is where a cancelled agent stops.
        self._session.link.check()
        if isinstance(step, AgentAction) and step.result is not None:
            self._session.emit(
                self._session.reporter.tool_returned(
                    self._tool(step.tool), shortened(str(step.result)), agent=self._agent
                )
            )


class TaskReport:
    """A task's CrewAI callback: its output, parsed when the task answers JSON, recorded and reported."""

    def __init__(self, task: TaskSpec, agent: str, session: KickoffSession) -> None:
        self._task = task
        self._agent = agent
        self._session = session

    def __call__(self, output: TaskOutput) -> None:
        value: Any = output.raw
        if self._task.output_format == "json":
            try:
                value = parse_json_reply(output.raw, self._task.output_schema or {})
            except NodeError as exc:
                raise self._session.fail(
                    NodeError(f"task {self._task.key}: {exc.message}", retryable=exc.retryable)
                ) from None
        self._session.task_outputs[self._task.key] = value
        self._session.emit(self._session.reporter.task_completed(self._task.key, self._agent, value))
