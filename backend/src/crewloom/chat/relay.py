"""A reply from a flow or a crew: its execution runs like any other (queued, leased, logged), and its
events are relayed to the chat as they come: tokens, the agents' thoughts, tool calls and results; its
final output is the reply. Stopping the reply cancels the execution."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

from crewloom.chat.replies import ExecutionCall, Outcome, ReplyChannel, failure
from crewloom.db.engine import Database
from crewloom.db.session import unit_of_work
from crewloom.engine.runtime.events import TERMINAL_TYPES
from crewloom.errors import Conflict
from crewloom.events import EventBus, StoredEvent
from crewloom.executions import service as executions
from crewloom.queue import Dispatcher

_DATA = "data: "
# Run events that become steps of the reply, as the step's kind and the event fields it keeps.
_STEPS = {
    "agent_thought": ("thought", ("agent", "text")),
    "tool_called": ("tool_call", ("agent", "tool", "arguments")),
    "tool_returned": ("tool_result", ("agent", "tool", "output")),
}


def reply_text(outputs: dict[str, Any]) -> str:
    """A single output as the reply itself; several as one JSON object, by output node."""
    if len(outputs) == 1:
        (value,) = outputs.values()
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return json.dumps(outputs, ensure_ascii=False)


class ExecutionRelay:
    def __init__(
        self, database: Database, bus: EventBus, dispatcher: Dispatcher, *, timeout_seconds: float, heartbeat: float
    ) -> None:
        self._database = database
        self._bus = bus
        self._dispatcher = dispatcher
        self._timeout_seconds = timeout_seconds
        self._heartbeat = heartbeat

    async def outcome(self, channel: ReplyChannel, call: ExecutionCall, stop: asyncio.Event) -> Outcome:
        await self._dispatcher.submitted()
        cancelling = asyncio.create_task(self._cancel_when(stop, channel, call))
        try:
            async with asyncio.timeout(self._timeout_seconds):
                async with aclosing(self._events(channel, call)) as events:
                    async for event in events:
                        if event.type in TERMINAL_TYPES:
                            return self._ended(channel, call, event)
                        await self._relay(channel, event)
        except TimeoutError:
            await self._cancel(channel, call)
            return failure(f"no reply within {self._timeout_seconds:g} s", channel.progress)
        finally:
            cancelling.cancel()
        return failure(f"the {call.kind}'s run ended without a result", channel.progress)

    async def _events(self, channel: ReplyChannel, call: ExecutionCall) -> AsyncGenerator[StoredEvent]:
        """The run's events from its log and the bus, every one once and in order, until the last."""
        frames = executions.events(
            self._database, channel.prepared.schema, self._bus, call.execution_id, 0, heartbeat_seconds=self._heartbeat
        )
        async for chunk in frames:
            for line in chunk.splitlines():
                if line.startswith(_DATA):
                    yield StoredEvent.from_json(line.removeprefix(_DATA))

    async def _relay(self, channel: ReplyChannel, event: StoredEvent) -> None:
        if event.type == "node_token":
            await channel.token(str(event.data.get("text", "")), node_id=event.node_id)
            return
        if event.type in _STEPS:
            kind, names = _STEPS[event.type]
            await channel.step(kind, node_id=event.node_id, **{name: event.data.get(name) for name in names})

    def _ended(self, channel: ReplyChannel, call: ExecutionCall, event: StoredEvent) -> Outcome:
        usage = event.data.get("usage") or {}
        changes: dict[str, Any] = {
            "steps": channel.progress.steps,
            "tokens_in": int(usage.get("tokens_in", 0)),
            "tokens_out": int(usage.get("tokens_out", 0)),
            "cost": usage.get("cost"),
        }
        if event.type == "run_succeeded":
            return Outcome({**changes, "status": "complete", "content": reply_text(event.data.get("outputs", {}))})
        if event.type == "run_cancelled":
            return Outcome({**changes, "status": "stopped", "content": channel.progress.text})
        return failure(f"the {call.kind} failed: {event.data.get('error', 'no reason given')}", channel.progress)

    async def _cancel_when(self, stop: asyncio.Event, channel: ReplyChannel, call: ExecutionCall) -> None:
        await stop.wait()
        await self._cancel(channel, call)

    async def _cancel(self, channel: ReplyChannel, call: ExecutionCall) -> None:
        """Cancel the execution; its ``run_cancelled`` event then ends the relay."""
        async with unit_of_work(self._database, channel.prepared.schema) as session:
            execution = await executions.find_execution(session, call.execution_id)
            try:
                settled = await executions.cancel(session, call.principal, execution)
            except Conflict:
                # It ended already; its last event says how.
                return
        if settled is not None:
            await executions.publish_settled(self._bus, call.execution_id, settled)
