"""The CrewAI bridge: agents and crews given as plain specs run on CrewAI in a worker thread of their own,
their models called through the run's gateway, their steps reported as the node's events. Importing this
package does not load CrewAI; the first kickoff does, in its thread."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from crewloom.engine.bridge.session import KickoffSession
from crewloom.engine.bridge.specs import AgentSpec, CrewSpec, ModelBinding, TaskSpec
from crewloom.engine.runtime.services import Complete, NodeReporter, NodeResult
from crewloom.engine.tools import LoopLink, ToolSpec, prepare_crewai, run_in_thread

if TYPE_CHECKING:
    from crewloom.engine.bridge.kickoff import KickoffResult

AGENT_TASK_KEY = "task"
_DEFAULT_EXPECTED_OUTPUT = "A complete answer to the task."


async def _kickoff(
    crew: CrewSpec, inputs: Mapping[str, str] | None, complete: Complete, reporter: NodeReporter
) -> KickoffResult:
    def work(link: LoopLink) -> KickoffResult:
        prepare_crewai()
        from crewloom.engine.bridge.kickoff import kickoff

        return kickoff(crew, inputs, KickoffSession(link, complete, reporter))

    return await run_in_thread(work, name=f"crewloom-crew-{reporter.node_id}")


async def run_agent_task(
    agent: AgentSpec, task: str, expected_output: str, *, complete: Complete, reporter: NodeReporter
) -> NodeResult:
    """One agent doing one task; the output is its final answer. ``task`` is used as written."""
    spec = CrewSpec(
        name=agent.name,
        agents=[agent],
        tasks=[
            TaskSpec(
                key=AGENT_TASK_KEY,
                description=task,
                expected_output=expected_output.strip() or _DEFAULT_EXPECTED_OUTPUT,
                agent=agent.name,
            )
        ],
    )
    result = await _kickoff(spec, None, complete, reporter)
    return NodeResult(output=result.output, usage=result.usage)


async def kickoff_crew(
    crew: CrewSpec, inputs: Mapping[str, str], *, complete: Complete, reporter: NodeReporter
) -> NodeResult:
    """The crew run with ``inputs`` in its {placeholders}; the output is the last task's (parsed when that task
    answers JSON), and ``details["tasks"]`` lists every task's key and output in the crew's order (a list,
    because a JSONB object would not keep that order)."""
    result = await _kickoff(crew, inputs, complete, reporter)
    tasks = [{"key": key, "output": output} for key, output in result.tasks.items()]
    return NodeResult(output=result.output, usage=result.usage, details={"tasks": tasks})


__all__ = [
    "AGENT_TASK_KEY",
    "AgentSpec",
    "CrewSpec",
    "ModelBinding",
    "TaskSpec",
    "ToolSpec",
    "kickoff_crew",
    "run_agent_task",
]
