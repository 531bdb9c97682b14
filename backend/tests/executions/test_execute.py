"""Starting flows and crews through the API with the in-process dispatcher, and what an execution
records: node runs with inputs, outputs, attempts, usage; totals; the skipped branch."""

from __future__ import annotations

from datetime import datetime

import httpx

from tests.agents.factories import create_agent, create_crew, provider_id
from tests.conftest import Account, Team
from tests.executions.runs import (
    branching_graph,
    chain,
    create_flow,
    detail,
    execute,
    follow,
    llm_node,
    mock_provider,
    run_custom_tool,
    wait_for,
)
from tests.flows.graphs import edge, input_node, node, output_node


async def test_a_branching_flow_runs_to_completion_and_records_every_node(
    client: httpx.AsyncClient, account: Account
) -> None:
    provider = await provider_id(client, account)
    flow_id = await create_flow(client, account, branching_graph(provider))
    started = await execute(client, account, flow_id, {"topic": "bees", "loud": "yes"})
    assert started["status"] == "queued"
    assert started["events_url"] == f"/api/v1/executions/{started['id']}/events"

    done = await wait_for(client, account, started["id"])
    assert done["status"] == "succeeded", done
    assert done["outputs"] == {"shout": "LOUD: Mock reply to: Write about bees"}
    nodes = {run["node_id"]: run for run in done["nodes"]}
    assert nodes["write"]["status"] == "succeeded"
    assert nodes["write"]["inputs"] == {"prompt": "Write about bees"}
    assert nodes["write"]["attempts"] == 1
    assert nodes["write"]["model_calls"] == 1
    assert nodes["write"]["tokens_in"] > 0
    assert nodes["write"]["tokens_out"] > 0
    assert nodes["check"]["output"] is True
    assert nodes["whisper"]["status"] == "skipped"
    assert nodes["in"]["output"] == {"topic": "bees", "loud": "yes"}
    assert done["totals"]["model_calls"] == 1
    assert done["totals"]["tokens_in"] == nodes["write"]["tokens_in"]
    assert done["started_at"]
    assert done["duration_ms"] >= 0
    # The run's times are those of its first and last events, not of when they were written.
    events = await follow(client, account, started["id"])
    assert datetime.fromisoformat(done["started_at"]) == datetime.fromisoformat(events[0]["at"])
    assert datetime.fromisoformat(done["finished_at"]) == datetime.fromisoformat(events[-1]["at"])


async def test_inputs_are_checked_against_the_input_node(client: httpx.AsyncClient, account: Account) -> None:
    flow_id = await create_flow(client, account, chain(await provider_id(client, account)))
    response = await client.post(
        f"/api/v1/flows/{flow_id}/execute", json={"inputs": {"colour": "red"}}, headers=account.headers
    )
    assert response.status_code == 422
    assert {problem["field"] for problem in response.json()["detail"]} == {"inputs.topic", "inputs.colour"}


async def test_a_version_with_problems_or_missing_is_refused(client: httpx.AsyncClient, account: Account) -> None:
    broken = {"nodes": [input_node(), output_node(value="{{ nodes.ghost.output }}")], "edges": [edge("in", "out")]}
    response = await client.post("/api/v1/flows", json={"name": "Broken", "graph": broken}, headers=account.headers)
    flow_id = response.json()["id"]
    refused = await client.post(
        f"/api/v1/flows/{flow_id}/execute", json={"inputs": {"topic": "x"}}, headers=account.headers
    )
    assert refused.status_code == 422
    assert "cannot run" in refused.json()["detail"][0]["message"]
    missing = await client.post(
        f"/api/v1/flows/{flow_id}/execute", json={"inputs": {"topic": "x"}, "version": 9}, headers=account.headers
    )
    assert missing.status_code == 404


async def test_a_version_that_ran_is_refused_once_an_object_it_names_is_gone(
    client: httpx.AsyncClient, account: Account
) -> None:
    provider = await mock_provider(client, account)
    flow_id = await create_flow(client, account, chain(provider))
    assert (await wait_for(client, account, (await execute(client, account, flow_id, {"topic": "x"}))["id"]))[
        "status"
    ] == "succeeded"
    deleted = await client.delete(f"/api/v1/llm-providers/{provider}", headers=account.headers)
    assert deleted.status_code == 204, deleted.text
    refused = await client.post(
        f"/api/v1/flows/{flow_id}/execute", json={"inputs": {"topic": "x"}}, headers=account.headers
    )
    assert refused.status_code == 422
    assert "cannot run" in refused.json()["detail"][0]["message"]


async def test_an_older_version_runs_when_asked(client: httpx.AsyncClient, account: Account) -> None:
    provider = await provider_id(client, account)
    flow_id = await create_flow(client, account, chain(provider))
    flow = (await client.get(f"/api/v1/flows/{flow_id}", headers=account.headers)).json()
    saved = await client.post(
        f"/api/v1/flows/{flow_id}/versions",
        json={"graph": {"nodes": [], "edges": []}, "message": "emptied", "version": flow["version"]},
        headers=account.headers,
    )
    assert saved.status_code == 201, saved.text
    started = await client.post(
        f"/api/v1/flows/{flow_id}/execute", json={"inputs": {"topic": "x"}, "version": 1}, headers=account.headers
    )
    assert started.status_code == 202, started.text
    done = await wait_for(client, account, started.json()["id"])
    assert done["status"] == "succeeded"


async def test_a_failing_node_fails_the_run_with_its_reason(client: httpx.AsyncClient, account: Account) -> None:
    graph = {
        "nodes": [
            input_node(),
            node("check", "condition", {"expression": "inputs.topic.size() > 'x'"}),
            output_node(),
            output_node("other"),
        ],
        "edges": [edge("in", "check"), edge("check", "out", "true"), edge("check", "other", "false")],
    }
    flow_id = await create_flow(client, account, graph)
    done = await wait_for(client, account, (await execute(client, account, flow_id, {"topic": "x"}))["id"])
    assert done["status"] == "failed"
    assert "check" in done["error"]
    check = next(run for run in done["nodes"] if run["node_id"] == "check")
    assert check["status"] == "failed"
    assert check["error"]


async def test_a_crew_of_three_agents_kicks_off_and_records_each_task(client: httpx.AsyncClient, team: Team) -> None:
    provider = await provider_id(client, team.admin)
    agents = [str((await create_agent(client, team.admin, provider, name=name))["id"]) for name in ("A", "B", "C")]
    tasks = [
        {"key": key, "description": f"{key} about {{topic}}", "expected_output": "Notes", "agent_id": agents[index]}
        for index, key in enumerate(("research", "draft", "edit"))
    ]
    crew = await create_crew(client, team.admin, agents, tasks=tasks)
    response = await client.post(
        f"/api/v1/crews/{crew['id']}/kickoff", json={"inputs": {"topic": "bees"}}, headers=team.member.headers
    )
    assert response.status_code == 202, response.text
    done = await wait_for(client, team.admin, response.json()["id"])
    assert done["status"] == "succeeded", done
    assert done["kind"] == "crew"
    assert done["crew_id"] == crew["id"]
    crew_run = next(run for run in done["nodes"] if run["node_type"] == "crew")
    assert [task["key"] for task in crew_run["details"]["tasks"]] == ["research", "draft", "edit"]
    assert "edit about bees" in done["outputs"]["output"]
    assert crew_run["model_calls"] == 3

    missing = await client.post(f"/api/v1/crews/{crew['id']}/kickoff", json={"inputs": {}}, headers=team.admin.headers)
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["field"] == "inputs.topic"


async def test_a_viewer_watches_but_cannot_start(client: httpx.AsyncClient, team: Team) -> None:
    flow_id = await create_flow(client, team.admin, chain(await provider_id(client, team.admin)))
    refused = await client.post(
        f"/api/v1/flows/{flow_id}/execute", json={"inputs": {"topic": "x"}}, headers=team.viewer.headers
    )
    assert refused.status_code == 403
    started = await execute(client, team.member, flow_id, {"topic": "x"})
    assert (await detail(client, team.viewer, started["id"]))["id"] == started["id"]


async def test_executions_are_listed_newest_first_with_filters(client: httpx.AsyncClient, account: Account) -> None:
    provider = await provider_id(client, account)
    flow_id = await create_flow(client, account, chain(provider))
    other = await create_flow(client, account, chain(provider), name="Other")
    first = await execute(client, account, flow_id, {"topic": "1"})
    second = await execute(client, account, flow_id, {"topic": "2"})
    await execute(client, account, other, {"topic": "3"})
    await wait_for(client, account, first["id"])
    await wait_for(client, account, second["id"])
    listed = await client.get("/api/v1/executions", params={"flow_id": flow_id}, headers=account.headers)
    assert [item["id"] for item in listed.json()["items"]] == [second["id"], first["id"]]
    paged = await client.get(
        "/api/v1/executions", params={"flow_id": flow_id, "limit": 1, "status": "succeeded"}, headers=account.headers
    )
    assert [item["id"] for item in paged.json()["items"]] == [second["id"]]
    rest = await client.get(
        "/api/v1/executions",
        params={"flow_id": flow_id, "limit": 1, "status": "succeeded", "cursor": paged.json()["next_cursor"]},
        headers=account.headers,
    )
    assert [item["id"] for item in rest.json()["items"]] == [first["id"]]
    future = await client.get("/api/v1/executions", params={"since": "2999-01-01T00:00:00Z"}, headers=account.headers)
    assert future.json()["items"] == []
    bad = await client.get("/api/v1/executions", params={"status": "exploded"}, headers=account.headers)
    assert bad.status_code == 422


async def test_an_llm_node_asked_for_json_parses_the_reply(client: httpx.AsyncClient, account: Account) -> None:
    from tests.executions.runs import mock_provider

    provider = await mock_provider(client, account, responses=[{"reply": '{"title": "Bees", "score": 9}'}])
    schema = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}
    graph = {
        "nodes": [
            input_node(),
            llm_node("plan", provider, "Plan {{ inputs.topic }}", output_format="json", output_schema=schema),
            output_node(value="{{ nodes.plan.output.title }} scored {{ nodes.plan.output.score }}"),
        ],
        "edges": [edge("in", "plan"), edge("plan", "out")],
    }
    done = await wait_for(
        client,
        account,
        (await execute(client, account, await create_flow(client, account, graph), {"topic": "bees"}))["id"],
    )
    assert done["outputs"] == {"out": "Bees scored 9"}


async def test_an_output_holding_nul_characters_is_recorded_not_stranded(
    client: httpx.AsyncClient, account: Account
) -> None:
    # PostgreSQL's JSONB refuses NUL: a tool that returns one must still end its run with its output.
    done = await run_custom_tool(client, account, "def nul():\n    return 'a' + chr(0) + 'b'\n", seconds=20)
    assert done["status"] == "succeeded", done
    assert done["outputs"] == {"out": "a\ufffdb"}
    [use] = [run for run in done["nodes"] if run["node_id"] == "use"]
    assert use["output"] == "a\ufffdb"
