"""What the CrewAI objects of one kickoff share, from its worker thread: the way back to the event loop, the
model gateway, the node's reporter, and what the kickoff collects on the way (usage, task outputs, the error
that stopped it). Loads no CrewAI."""

from __future__ import annotations

import threading
from collections.abc import Coroutine, Sequence
from typing import Any

from crewloom.engine.bridge.specs import ModelBinding
from crewloom.engine.runtime.context import NodeError
from crewloom.engine.runtime.events import Usage
from crewloom.engine.runtime.services import Complete, NodeReporter
from crewloom.engine.tools import LoopLink, Stopped
from crewloom.llm.gateway import ChatMessage, ProviderCallError


class KickoffSession:
    def __init__(self, link: LoopLink, complete: Complete, reporter: NodeReporter) -> None:
        self.link = link
        self.reporter = reporter
        self._complete = complete
        self._lock = threading.Lock()
        self._usage = Usage()
        self.failure: NodeError | None = None
        # By task key, in the order the tasks completed.
        self.task_outputs: dict[str, Any] = {}

    @property
    def usage(self) -> Usage:
        return self._usage

    def complete(self, binding: ModelBinding, messages: Sequence[ChatMessage]) -> str:
        """The model's reply, its usage counted; a provider error stops the kickoff with its message."""
        call = self._complete(
            binding.provider_id,
            binding.model,
            messages,
            node_id=self.reporter.node_id,
            max_tokens=None,
            temperature=binding.temperature,
            on_token=None,
        )
        try:
            completion = self.link.run(call)
        except ProviderCallError as exc:
            error = NodeError(f"the model call failed: {exc.message}", retryable=exc.retryable)
        else:
            with self._lock:
                self._usage += Usage(
                    tokens_in=completion.tokens_in, tokens_out=completion.tokens_out, cost=completion.cost
                )
            return completion.text
        # Raised outside the handler on purpose: CrewAI retries a call whose error chain looks rate limited,
        # and the gateway has retried already.
        raise self.fail(error)

    def emit(self, report: Coroutine[Any, Any, None]) -> None:
        """Sends one of the reporter's events, waiting until it is out."""
        self.link.run(report)

    def fail(self, error: NodeError) -> Stopped:
        """Stops the kickoff at its next step with ``error``; returns what to raise now."""
        with self._lock:
            if self.failure is None:
                self.failure = error
        self.link.close()
        # Not the error's message: CrewAI would retry a call whose error reads as rate limited.
        return Stopped("the kickoff failed")
