"""Chatting with a flow or a crew: the message fills its chat input (and ``history`` the conversation so
far), its run's tokens and agent steps stream to the chat, its output is the reply, and stopping the
reply cancels the run."""

from __future__ import annotations

from typing import Any

import httpx

from tests.agents.factories import create_agent, create_crew, create_tool, provider_id
from tests.chat.talk import chat_socket, create_session, receive, send, send_over_sse, until_final
from tests.conftest import Account, Team, register
from tests.executions.runs import create_flow, detail, llm_node, mock_provider, wait_for
from tests.flows.graphs import edge, input_node, output_node


def _answering_flow(provider: str) -> dict[str, Any]:
    """input (question, history) -> llm -> output."""
    return {
        "nodes": [
            input_node("in", "question", "history"),
            llm_node("answer", provider, "{{ inputs.question }}"),
            output_node("out", "{{ nodes.answer.output }}"),
        ],
        "edges": [edge("in", "answer"), edge("answer", "out")],
    }


async def _chat_with_flow(client: httpx.AsyncClient, account: Account, provider: str) -> dict[str, Any]:
    flow_id = await create_flow(client, account, _answering_flow(provider))
    return await create_session(client, account, provider, target={"kind": "flow", "flow_id": flow_id})


async def test_a_flow_answers_with_its_output_and_gets_the_conversation(
    client: httpx.AsyncClient, base_url: str, account: Account
) -> None:
    chat = await _chat_with_flow(client, account, await mock_provider(client, account, latency_ms=200))
    assert chat["target"]["kind"] == "flow"
    async with chat_socket(base_url, account, chat["id"]) as socket:
        await send(socket, {"type": "send", "content": "What do bees eat?"})
        first = await until_final(socket)
        await send(socket, {"type": "send", "content": "And wasps?"})
        second = await until_final(socket)
    assert first[-1]["type"] == "done"
    reply = first[-1]["message"]
    assert reply["content"] == "Mock reply to: What do bees eat?"
    tokens = [frame for frame in first if frame["type"] == "token"]
    assert "".join(frame["text"] for frame in tokens) == reply["content"]
    assert {frame["node_id"] for frame in tokens} == {"answer"}
    assert reply["tokens_out"] == len(reply["content"].split())
    run = await detail(client, account, reply["details"]["execution_id"])
    assert run["status"] == "succeeded"
    assert run["inputs"] == {"question": "What do bees eat?", "history": ""}
    later = await detail(client, account, second[-1]["message"]["details"]["execution_id"])
    assert later["inputs"] == {
        "question": "And wasps?",
        "history": "User: What do bees eat?\n\nAssistant: Mock reply to: What do bees eat?",
    }


async def test_stopping_a_flow_reply_cancels_its_run(client: httpx.AsyncClient, base_url: str, team: Team) -> None:
    chat = await _chat_with_flow(client, team.admin, await mock_provider(client, team.admin, latency_ms=30_000))
    async with chat_socket(base_url, team.member, chat["id"]) as socket:
        await send(socket, {"type": "send", "content": "Take your time"})
        started = [await receive(socket) for _ in range(2)]
        run_id = started[1]["message"]["details"]["execution_id"]
        await wait_for(client, team.admin, run_id, ("running",))
        await send(socket, {"type": "stop"})
        frames = await until_final(socket)
    assert frames[-1]["type"] == "done"
    assert frames[-1]["message"]["status"] == "stopped"
    assert (await detail(client, team.admin, run_id))["status"] == "cancelled"


async def test_a_failed_run_is_an_error_message_that_can_be_retried(
    client: httpx.AsyncClient, account: Account
) -> None:
    provider = await mock_provider(
        client, account, responses=[{"match": "bees", "error": "overloaded", "status_code": 503}]
    )
    chat = await _chat_with_flow(client, account, provider)
    frames = await send_over_sse(client, account, chat["id"], "Tell me about bees")
    failed = frames[-1]["message"]
    assert frames[-1]["type"] == "error"
    assert failed["content"].startswith("The flow failed: node 'answer' failed:")
    assert "overloaded" in failed["content"]
    assert failed["retryable"] is True


async def test_an_agent_answers_with_the_conversation_as_its_task(
    client: httpx.AsyncClient, base_url: str, account: Account
) -> None:
    provider = await provider_id(client, account)
    agent = await create_agent(client, account, provider)
    chat = await create_session(client, account, provider, target={"kind": "agent", "agent_id": agent["id"]})
    assert chat["target"] == {"kind": "agent", "agent_id": agent["id"]}
    async with chat_socket(base_url, account, chat["id"]) as socket:
        await send(socket, {"type": "send", "content": "Hello there"})
        first = (await until_final(socket))[-1]
        await send(socket, {"type": "send", "content": "What did I say?"})
        second = (await until_final(socket))[-1]
    assert first["type"] == second["type"] == "done"
    assert "Hello there" in first["message"]["content"]
    run = await detail(client, account, second["message"]["details"]["execution_id"])
    assert run["status"] == "succeeded"
    assert run["kind"] == "agent"
    assert run["outputs"]["output"] == second["message"]["content"]
    listed = await client.get("/api/v1/executions", headers=account.headers)
    assert listed.status_code == 200, listed.text
    assert run["id"] in [item["id"] for item in listed.json()["items"]]
    assert run["inputs"] == {
        "message": "What did I say?",
        "history": f"User: Hello there\n\nAssistant: {first['message']['content']}",
    }
    deleted = await client.delete(f"/api/v1/agents/{agent['id']}", headers=account.headers)
    assert deleted.status_code == 204, deleted.text
    refused = await client.post(
        f"/api/v1/chat/sessions/{chat['id']}/messages", json={"content": "Still there?"}, headers=account.headers
    )
    assert refused.status_code == 409
    assert "agent was deleted" in refused.json()["detail"]


async def _crew_chat(client: httpx.AsyncClient, account: Account, provider: str, **agent: Any) -> dict[str, Any]:
    """A chat with a one-agent crew whose task asks the {question}."""
    agent_id = (await create_agent(client, account, provider, **agent))["id"]
    tasks = [{"key": "answer", "description": "Answer: {question}", "expected_output": "A reply", "agent_id": agent_id}]
    crew = await create_crew(client, account, [agent_id], tasks=tasks)
    return await create_session(client, account, provider, target={"kind": "crew", "crew_id": crew["id"]})


def _stored(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in step.items() if key not in ("type", "message_id")} for step in steps]


async def test_a_crew_answers_with_its_final_output(client: httpx.AsyncClient, base_url: str, account: Account) -> None:
    chat = await _crew_chat(client, account, await provider_id(client, account))
    async with chat_socket(base_url, account, chat["id"]) as socket:
        await send(socket, {"type": "send", "content": "Weather in Paris?"})
        frames = await until_final(socket)
    reply = frames[-1]["message"]
    assert frames[-1]["type"] == "done", reply
    run = await detail(client, account, reply["details"]["execution_id"])
    assert run["kind"] == "crew"
    assert run["inputs"] == {"question": "Weather in Paris?"}
    assert reply["content"] == run["outputs"]["output"]
    assert "Weather in Paris?" in reply["content"]
    # An agent without tools answers at once: no steps.
    assert [frame for frame in frames if frame["type"] == "step"] == reply["steps"] == []


async def test_agent_steps_stream_and_stay_with_the_message(
    client: httpx.AsyncClient, base_url: str, account: Account
) -> None:
    # The tool cannot reach its host (loopback is refused to tools), and the agent keeps asking for it.
    url = "http://127.0.0.1:9/weather?city={city}"
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    tool = await create_tool(client, account, config={"method": "GET", "url_template": url, "args_schema": schema})
    asks = 'Thought: I need the weather\nAction: Weather\nAction Input: {"city": "Paris"}'
    provider = await mock_provider(client, account, responses=[{"reply": asks}])
    chat = await _crew_chat(client, account, provider, tool_ids=[tool["id"]])
    async with chat_socket(base_url, account, chat["id"]) as socket:
        await send(socket, {"type": "send", "content": "Weather in Paris?"})
        frames = await until_final(socket)
    failed = frames[-1]["message"]
    assert frames[-1]["type"] == "error"
    assert failed["content"].startswith("The crew failed: ")
    assert "not making progress" in failed["content"]
    steps = [frame for frame in frames if frame["type"] == "step"]
    assert [step["kind"] for step in steps[:3]] == ["thought", "tool_call", "tool_result"]
    assert (steps[1]["tool"], steps[1]["arguments"]) == ("Weather", {"city": "Paris"})
    assert failed["steps"] == _stored(steps)


async def test_targets_must_exist_here_and_take_a_message(client: httpx.AsyncClient, account: Account) -> None:
    provider = await provider_id(client, account)
    no_text = await create_flow(
        client,
        account,
        {"nodes": [input_node("in", "history"), output_node("out", "done")], "edges": [edge("in", "out")]},
    )
    refused = await client.post(
        "/api/v1/chat/sessions", json={"target": {"kind": "flow", "flow_id": no_text}}, headers=account.headers
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"]["field"] == "target"
    agent = await create_agent(client, account, provider)
    fixed = await create_crew(
        client,
        account,
        [agent["id"]],
        tasks=[{"key": "a", "description": "Say hello", "expected_output": "Hello", "agent_id": agent["id"]}],
    )
    refused = await client.post(
        "/api/v1/chat/sessions", json={"target": {"kind": "crew", "crew_id": fixed["id"]}}, headers=account.headers
    )
    assert refused.status_code == 422, refused.text
    stranger = await register(client, tenant_name="Elsewhere")
    theirs = await _chat_with_flow(client, stranger, await provider_id(client, stranger))
    for target in (theirs["target"], {"kind": "crew", "crew_id": theirs["target"]["flow_id"]}):
        missing = await client.post("/api/v1/chat/sessions", json={"target": target}, headers=account.headers)
        assert missing.status_code == 404, missing.text
