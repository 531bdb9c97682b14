"""A reporter whose events are kept, for the tool and bridge tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from crewloom.engine.runtime import NodeReporter, RunEvent

E = TypeVar("E")


@dataclass
class Recorded:
    events: list[RunEvent] = field(default_factory=list)

    async def __call__(self, event: RunEvent) -> None:
        self.events.append(event)

    def reporter(self, node_id: str) -> NodeReporter:
        return NodeReporter(node_id, self)

    def of(self, kind: type[E]) -> list[E]:
        return [event for event in self.events if isinstance(event, kind)]

    def types(self) -> list[str]:
        return [event.type for event in self.events]
