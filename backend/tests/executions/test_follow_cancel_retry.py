"""Following an execution over SSE and resuming it, cancelling, retrying from the failed node, and
``POST /run`` for programs with an API key."""

from __future__ import annotations

import asyncio

import httpx

from tests.agents.factories import provider_id
from tests.conftest import Account, Team, register
from tests.executions.runs import (
    chain,
    create_flow,
    detail,
    execute,
    follow,
    llm_node,
    mock_provider,
    wait_for,
)
from tests.flows.graphs import edge, input_node, output_node


async def test_the_event_stream_replays_from_any_last_event_id(client: httpx.AsyncClient, account: Account) -> None:
    flow_id = await create_flow(client, account, chain(await provider_id(client, account), length=3))
    started = await execute(client, account, flow_id, {"topic": "bees"})
    events = await follow(client, account, started["id"])
    ids = [event["id"] for event in events]
    assert ids == list(range(1, len(ids) + 1))
    assert events[0]["type"] == "run_started"
    assert events[-1]["type"] == "run_succeeded"
    assert [event["node_id"] for event in events if event["type"] == "node_succeeded"] == [
        "in",
        "llm_0",
        "llm_1",
        "llm_2",
        "out",
    ]
    for resume_at in (1, len(ids) // 2, len(ids) - 1):
        assert await follow(client, account, started["id"], last_event_id=resume_at) == events[resume_at:]
    by_query = await client.get(
        f"/api/v1/executions/{started['id']}/events", params={"last_event_id": len(ids) - 1}, headers=account.headers
    )
    assert by_query.text.count("event: ") == 1
    bad = await client.get(
        f"/api/v1/executions/{started['id']}/events", headers={**account.headers, "Last-Event-ID": "soon"}
    )
    assert bad.status_code == 400


async def test_followers_see_a_live_run_as_it_goes(client: httpx.AsyncClient, account: Account) -> None:
    provider = await mock_provider(client, account, latency_ms=300)
    flow_id = await create_flow(client, account, chain(provider, length=2))
    started = await execute(client, account, flow_id, {"topic": "bees"})
    followers = await asyncio.gather(*(follow(client, account, started["id"]) for _ in range(5)))
    assert all(events == followers[0] for events in followers)
    assert any(event["type"] == "node_token" for event in followers[0])
    assert followers[0][-1]["type"] == "run_succeeded"


async def test_cancelling_a_running_execution_stops_its_nodes(client: httpx.AsyncClient, team: Team) -> None:
    provider = await mock_provider(client, team.admin, latency_ms=30_000)
    flow_id = await create_flow(client, team.admin, chain(provider))
    started = await execute(client, team.admin, flow_id, {"topic": "bees"})
    running = await wait_for(client, team.admin, started["id"], ("running",))
    assert running["status"] == "running"
    viewer = await client.post(f"/api/v1/executions/{started['id']}/cancel", headers=team.viewer.headers)
    assert viewer.status_code == 403
    response = await client.post(f"/api/v1/executions/{started['id']}/cancel", headers=team.member.headers)
    assert response.status_code == 200, response.text
    done = await wait_for(client, team.admin, started["id"], seconds=5)
    assert done["status"] == "cancelled"
    llm = next(run for run in done["nodes"] if run["node_id"] == "llm_0")
    assert llm["status"] == "cancelled"
    assert (await follow(client, team.admin, started["id"]))[-1]["type"] == "run_cancelled"
    again = await client.post(f"/api/v1/executions/{started['id']}/cancel", headers=team.admin.headers)
    assert again.status_code == 409


async def test_a_follower_of_a_queued_execution_sees_it_cancelled(client: httpx.AsyncClient) -> None:
    account = await register(client, tenant_name="Queue keepers")
    provider = await mock_provider(client, account, latency_ms=30_000)
    flow_id = await create_flow(client, account, chain(provider))
    # Enough slow runs to fill the tenant's share, so that the last one waits in the queue.
    started = [await execute(client, account, flow_id, {"topic": "bees"}) for _ in range(11)]
    waiting = started[-1]["id"]
    assert (await detail(client, account, waiting))["status"] == "queued"
    follower = asyncio.create_task(follow(client, account, waiting))
    await asyncio.sleep(0.2)
    response = await client.post(f"/api/v1/executions/{waiting}/cancel", headers=account.headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    events = await asyncio.wait_for(follower, timeout=30)
    assert [event["type"] for event in events] == ["run_cancelled"]
    for run in started[:-1]:
        await client.post(f"/api/v1/executions/{run['id']}/cancel", headers=account.headers)
    for run in started[:-1]:
        assert (await wait_for(client, account, run["id"], seconds=10))["status"] == "cancelled"


async def test_a_retry_reuses_what_succeeded_and_reruns_the_failed_node(
    client: httpx.AsyncClient, account: Account
) -> None:
    good = await provider_id(client, account)
    flaky = await mock_provider(client, account, responses=[{"error": "overloaded", "status_code": 503}])
    graph = {
        "nodes": [
            input_node(),
            llm_node("research", good, "Research {{ inputs.topic }}"),
            llm_node("write", flaky, "Write from {{ nodes.research.output }}"),
            output_node(value="{{ nodes.write.output }}"),
        ],
        "edges": [edge("in", "research"), edge("research", "write"), edge("write", "out")],
    }
    flow_id = await create_flow(client, account, graph)
    failed = await wait_for(client, account, (await execute(client, account, flow_id, {"topic": "bees"}))["id"])
    assert failed["status"] == "failed"
    assert "overloaded" in failed["error"]
    refused = await client.post(f"/api/v1/executions/{failed['id']}/retry", headers=account.headers)
    assert refused.status_code == 202

    # The provider recovers; the retry reruns only what did not succeed.
    current = (await client.get(f"/api/v1/llm-providers/{flaky}", headers=account.headers)).json()
    fixed = await client.put(
        f"/api/v1/llm-providers/{flaky}",
        json={
            "name": current["name"],
            "type": "mock",
            "default_model": "mock-1",
            "options": {},
            "version": current["version"],
        },
        headers=account.headers,
    )
    assert fixed.status_code == 200, fixed.text
    retried = await client.post(f"/api/v1/executions/{failed['id']}/retry", headers=account.headers)
    assert retried.status_code == 202
    done = await wait_for(client, account, retried.json()["id"])
    assert done["status"] == "succeeded", done
    assert done["retry_of"] == failed["id"]
    nodes = {run["node_id"]: run for run in done["nodes"]}
    assert nodes["research"]["reused"] is True
    assert nodes["research"]["model_calls"] == 0
    assert nodes["write"]["reused"] is False
    assert nodes["write"]["model_calls"] == 1
    assert done["outputs"]["out"].startswith("Mock reply to: Write from Mock reply to: Research bees")
    succeeded_again = await client.post(f"/api/v1/executions/{done['id']}/retry", headers=account.headers)
    assert succeeded_again.status_code == 409


async def test_a_program_runs_the_published_version_and_waits(client: httpx.AsyncClient, account: Account) -> None:
    flow_id = await create_flow(client, account, chain(await provider_id(client, account)))
    key = await client.post("/api/v1/api-keys", json={"name": "ci", "role": "member"}, headers=account.headers)
    headers = {"Authorization": f"Bearer {key.json()['key']}"}
    waited = await client.post(
        f"/api/v1/run/{flow_id}", params={"wait": "true"}, json={"inputs": {"topic": "bees"}}, headers=headers
    )
    assert waited.status_code == 200, waited.text
    assert waited.json()["status"] == "succeeded"
    assert waited.json()["outputs"] == {"out": "Mock reply to: Step 0 on bees"}
    queued = await client.post(f"/api/v1/run/{flow_id}", json={"inputs": {"topic": "bees"}}, headers=headers)
    assert queued.status_code == 202
    assert (await wait_for(client, account, queued.json()["id"]))["status"] == "succeeded"
    invalid = await client.post(f"/api/v1/run/{flow_id}", json={"inputs": {}}, headers=headers)
    assert invalid.status_code == 422


async def test_waiting_is_bounded(client: httpx.AsyncClient, account: Account) -> None:
    provider = await mock_provider(client, account, latency_ms=5_000)
    flow_id = await create_flow(client, account, chain(provider))
    response = await client.post(
        f"/api/v1/run/{flow_id}",
        params={"wait": "true", "timeout": 0.5},
        json={"inputs": {"topic": "x"}},
        headers=account.headers,
    )
    assert response.status_code == 202
    assert response.json()["status"] in ("queued", "running")
    await client.post(f"/api/v1/executions/{response.json()['id']}/cancel", headers=account.headers)
    assert (await detail(client, account, response.json()["id"]))["id"] == response.json()["id"]
