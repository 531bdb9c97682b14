from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from crewloom.engine.bridge import CrewSpec, ModelBinding, TaskSpec, kickoff_crew
from crewloom.engine.runtime import NodeError, TaskCompleted, Usage
from tests.engine.bridge.scripted import COST, PROVIDER, TOKENS_IN, TOKENS_OUT, ScriptedComplete, agent, final
from tests.engine.tools.recording import Recorded

SCORE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"title": {"type": "string"}, "score": {"type": "integer"}},
    "required": ["title", "score"],
}


def newsroom(suffix: str = "") -> CrewSpec:
    return CrewSpec(
        name="Newsroom",
        agents=[
            agent("researcher", "research" + suffix),
            agent("writer", "write" + suffix),
            agent("editor", "edit" + suffix),
        ],
        tasks=[
            TaskSpec(
                key="research",
                description="Research {topic} for {audience}",
                expected_output="Notes",
                agent="researcher",
            ),
            TaskSpec(
                key="write",
                description="Write about {topic}",
                expected_output="A draft",
                agent="writer",
                context=["research"],
            ),
            TaskSpec(
                key="edit",
                description="Edit the draft",
                expected_output="An article",
                agent="editor",
                context=["write"],
            ),
        ],
    )


def newsroom_script(tag: str = "") -> dict[str, list[Any]]:
    return {
        "research" + tag: [final(f"NOTES{tag}: bees dance")],
        "write" + tag: [final(f"DRAFT{tag}: bees dance to share food")],
        "edit" + tag: [final(f"ARTICLE{tag}: Bees dance to share where food is.")],
    }


async def test_a_crew_of_three_passes_context_and_records_every_task(capsys: pytest.CaptureFixture[str]) -> None:
    complete = ScriptedComplete(newsroom_script())
    recorded = Recorded()

    result = await kickoff_crew(
        newsroom(), {"topic": "bees", "audience": "children"}, complete=complete, reporter=recorded.reporter("crew")
    )

    tasks = {
        "research": "NOTES: bees dance",
        "write": "DRAFT: bees dance to share food",
        "edit": "ARTICLE: Bees dance to share where food is.",
    }
    assert result.output == tasks["edit"]
    assert result.details == {"tasks": [{"key": key, "output": output} for key, output in tasks.items()]}
    assert result.usage == Usage(tokens_in=3 * TOKENS_IN, tokens_out=3 * TOKENS_OUT, cost=3 * COST)
    assert recorded.of(TaskCompleted) == [
        TaskCompleted(node_id="crew", task="research", agent="researcher", output=tasks["research"]),
        TaskCompleted(node_id="crew", task="write", agent="writer", output=tasks["write"]),
        TaskCompleted(node_id="crew", task="edit", agent="editor", output=tasks["edit"]),
    ]
    [research], [write], [edit] = complete.of("research"), complete.of("write"), complete.of("edit")
    assert "Research bees for children" in research.text()
    assert "Write about bees" in write.text()
    # Each task reads exactly the outputs its context names.
    assert tasks["research"] in write.text()
    assert tasks["write"] in edit.text()
    assert tasks["research"] not in edit.text()
    assert capsys.readouterr().out == ""


async def test_a_missing_placeholder_is_a_clear_error() -> None:
    complete = ScriptedComplete(newsroom_script())

    with pytest.raises(NodeError, match="audience"):
        await kickoff_crew(newsroom(), {"topic": "bees"}, complete=complete, reporter=Recorded().reporter("crew"))

    assert complete.calls == []


def scorer(output_schema: dict[str, Any] | None = SCORE_SCHEMA) -> CrewSpec:
    return CrewSpec(
        name="Scoring",
        agents=[agent("critic", "critic")],
        tasks=[
            TaskSpec(
                key="score",
                description="Score the article about {topic}",
                expected_output="A title and a score",
                agent="critic",
                output_format="json",
                output_schema=output_schema,
            )
        ],
    )


async def test_a_json_task_output_is_parsed() -> None:
    complete = ScriptedComplete({"critic": [final('```json\n{"title": "Bees", "score": 4}\n```')]})
    recorded = Recorded()

    result = await kickoff_crew(scorer(), {"topic": "bees"}, complete=complete, reporter=recorded.reporter("score"))

    assert result.output == {"title": "Bees", "score": 4}
    assert result.details == {"tasks": [{"key": "score", "output": {"title": "Bees", "score": 4}}]}
    assert recorded.of(TaskCompleted)[0].output == {"title": "Bees", "score": 4}
    prompt = complete.calls[0].text()
    assert "Give your final answer as one JSON document and nothing else." in prompt
    assert '"score"' in prompt


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("a fine article", "task score: the reply is not JSON"),
        ('{"title": "Bees", "score": "high"}', "task score: the reply does not match the output schema at score"),
    ],
)
async def test_a_json_task_output_that_does_not_fit_fails_the_node(answer: str, problem: str) -> None:
    complete = ScriptedComplete({"critic": [final(answer)]})
    recorded = Recorded()

    with pytest.raises(NodeError, match=problem):
        await kickoff_crew(scorer(), {"topic": "bees"}, complete=complete, reporter=recorded.reporter("score"))

    assert recorded.of(TaskCompleted) == []


async def test_two_crews_at_once_do_not_interfere() -> None:
    complete = ScriptedComplete({**newsroom_script("-a"), **newsroom_script("-b")}, latency=0.01)
    first, second = Recorded(), Recorded()

    results = await asyncio.gather(
        kickoff_crew(
            newsroom("-a"), {"topic": "ants", "audience": "adults"}, complete=complete, reporter=first.reporter("a")
        ),
        kickoff_crew(
            newsroom("-b"), {"topic": "bees", "audience": "children"}, complete=complete, reporter=second.reporter("b")
        ),
    )

    assert [result.output for result in results] == [
        "ARTICLE-a: Bees dance to share where food is.",
        "ARTICLE-b: Bees dance to share where food is.",
    ]
    assert [event.output for event in first.of(TaskCompleted)] == [
        task["output"] for task in results[0].details["tasks"]
    ]
    assert {getattr(event, "node_id", None) for event in first.events} == {"a"}
    assert {getattr(event, "node_id", None) for event in second.events} == {"b"}
    assert all("-a" in str(event.output) for event in first.of(TaskCompleted))
    assert {call.node_id for call in complete.calls if call.model.endswith("-a")} == {"a"}
    assert "Research ants for adults" in complete.of("research-a")[0].text()
    assert "Research bees for children" in complete.of("research-b")[0].text()


async def test_a_hierarchical_crew_needs_a_manager() -> None:
    crew = CrewSpec(
        name="Managed",
        agents=[agent("researcher", "research")],
        tasks=[TaskSpec(key="research", description="Research", expected_output="Notes", agent=None)],
        process="hierarchical",
    )

    with pytest.raises(NodeError, match="a hierarchical crew needs a manager model or a manager agent") as failure:
        await kickoff_crew(crew, {}, complete=ScriptedComplete({}), reporter=Recorded().reporter("crew"))

    assert not failure.value.retryable


async def test_a_hierarchical_crew_runs_its_tasks_through_the_manager() -> None:
    complete = ScriptedComplete({"manager": [final("Managed notes")], "research": []})
    crew = CrewSpec(
        name="Managed",
        agents=[agent("researcher", "research")],
        tasks=[TaskSpec(key="research", description="Research {topic}", expected_output="Notes", agent=None)],
        process="hierarchical",
        manager_llm=ModelBinding(provider_id=PROVIDER, model="manager"),
    )
    recorded = Recorded()

    result = await kickoff_crew(crew, {"topic": "bees"}, complete=complete, reporter=recorded.reporter("crew"))

    assert result.output == "Managed notes"
    assert recorded.of(TaskCompleted) == [
        TaskCompleted(node_id="crew", task="research", agent="manager", output="Managed notes")
    ]
    assert "Research bees" in complete.calls[0].text()


async def test_a_planning_crew_plans_with_a_workspace_model() -> None:
    plan = {"list_of_plans_per_task": [{"task_number": 1, "task": "Research", "plan": "Read three field guides"}]}
    complete = ScriptedComplete({"research": [final(json.dumps(plan)), final("Notes on bees")]})
    crew = CrewSpec(
        name="Planned",
        agents=[agent("researcher", "research")],
        tasks=[TaskSpec(key="research", description="Research {topic}", expected_output="Notes", agent="researcher")],
        planning=True,
    )

    result = await kickoff_crew(crew, {"topic": "bees"}, complete=complete, reporter=Recorded().reporter("crew"))

    assert result.output == "Notes on bees"
    assert len(complete.calls) == 2
    assert "Read three field guides" in complete.calls[1].text()
