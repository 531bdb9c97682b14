"""The offline mock provider: deterministic replies, the ReAct format CrewAI parses, scripted replies and
failures, simulated latency streamed in pieces, token counts, and its options checked by the API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from crewai.agents.parser import AgentAction, AgentFinish, parse

from crewloom.llm.gateway import (
    OPTIONS_BY_TYPE,
    ChatMessage,
    Completion,
    ProviderCallError,
    ProviderConfig,
    ProviderType,
    complete,
)
from crewloom.llm.gateway.mock import MockOptions
from tests.conftest import Account
from tests.llm.conftest import PROVIDERS, create, probe

# What CrewAI 1.x sends an agent that has tools (its "tools" and "task" prompt slices), abridged.
CREWAI_SYSTEM = (
    "You are Researcher. You dig.\nYour personal goal is: find facts\n"
    "You ONLY have access to the following tools, and should NEVER make up tools that are not listed here:\n\n"
    "Tool Name: search\n\nIMPORTANT: Use the following format in your response:\n\n```\n"
    "Thought: you should always think about what to do\nAction: the action to take, only one name of [search]\n"
    "Action Input: the input to the action, just a simple JSON object\nObservation: the result of the action\n```\n\n"
    "Once all necessary information is gathered, return the following format:\n\n```\n"
    "Thought: I now know the final answer\nFinal Answer: the final answer to the original input question\n```"
)
CREWAI_TASK = (
    "\nCurrent Task: Summarise what bees eat\n\nBegin! This is VERY important to you, use the tools available "
    "and give your best Final Answer, your job depends on it!\n\nThought:"
)


def mock(**options: Any) -> ProviderConfig:
    return ProviderConfig(ProviderType.mock, options=options)


def ask(text: str) -> list[ChatMessage]:
    return [ChatMessage("user", text)]


class Tokens:
    def __init__(self) -> None:
        self.received: list[str] = []

    async def __call__(self, token: str) -> None:
        self.received.append(token)


async def test_the_default_reply_echoes_the_last_user_message_and_counts_words() -> None:
    messages = [
        ChatMessage("system", "Be brief."),
        ChatMessage("user", "First question"),
        ChatMessage("assistant", "First answer"),
        ChatMessage("user", "What is the capital of France?"),
    ]
    completion = await complete(mock(), "mock-7", messages)
    assert completion == Completion(
        text="Mock reply to: What is the capital of France?", model="mock-7", tokens_in=12, tokens_out=9, latency_ms=0
    )
    assert completion.cost is None
    assert await complete(mock(), "mock-7", messages) == completion


async def test_crewai_instructions_get_a_final_answer_that_crewai_parses() -> None:
    messages = [ChatMessage("system", CREWAI_SYSTEM), ChatMessage("user", CREWAI_TASK)]
    completion = await complete(mock(), "mock-1", messages)
    assert completion.text == (
        "Thought: I now can give a great answer\nFinal Answer: Mock reply to: Summarise what bees eat"
    )
    parsed = parse(completion.text)
    assert isinstance(parsed, AgentFinish)
    assert parsed.output == "Mock reply to: Summarise what bees eat"
    # The whole prompt in one user message, as CrewAI sends it without a system prompt.
    alone = await complete(mock(), "mock-1", [ChatMessage("user", CREWAI_SYSTEM + CREWAI_TASK)])
    assert alone.text == completion.text
    truncated = await complete(mock(), "mock-1", messages, max_tokens=3)
    assert isinstance(parse(truncated.text), AgentFinish)
    assert truncated.text.endswith("Final Answer: Mock reply to:")


async def test_a_scripted_tool_call_then_a_final_answer_drive_a_crewai_agent() -> None:
    provider = mock(
        responses=[
            {"match": "Observation", "reply": "Thought: I now know\nFinal Answer: Bees eat nectar and pollen."},
            {"reply": 'Thought: I should search\nAction: search\nAction Input: {"query": "bee diet"}'},
        ]
    )
    messages = [ChatMessage("system", CREWAI_SYSTEM), ChatMessage("user", CREWAI_TASK)]
    first = await complete(provider, "mock-1", messages)
    action = parse(first.text)
    assert isinstance(action, AgentAction)
    assert (action.tool, action.tool_input) == ("search", '{"query": "bee diet"}')
    messages += [ChatMessage("assistant", first.text), ChatMessage("user", "Observation: nectar, pollen")]
    final = parse((await complete(provider, "mock-1", messages)).text)
    assert isinstance(final, AgentFinish)
    assert final.output == "Bees eat nectar and pollen."


async def test_the_first_matching_entry_answers_verbatim() -> None:
    provider = mock(
        responses=[
            {"match": "bees", "reply": "Bees:\n  they buzz."},
            {"match": "ants", "reply": "Ants march."},
            {"match": "ants", "reply": "never reached"},
        ]
    )
    assert (await complete(provider, "m", ask("tell me about bees"))).text == "Bees:\n  they buzz."
    assert (await complete(provider, "m", ask("and ants?"))).text == "Ants march."
    assert (await complete(provider, "m", ask("and wasps?"))).text == "Mock reply to: and wasps?"
    # Only the last user message is matched; scripted replies stay verbatim even for CrewAI.
    history = [ChatMessage("system", CREWAI_SYSTEM), ChatMessage("user", "bees"), ChatMessage("user", "ants")]
    assert (await complete(provider, "m", history)).text == "Ants march."
    cut = await complete(provider, "m", ask("bees"), max_tokens=2)
    assert (cut.text, cut.tokens_out) == ("Bees:\n  they", 2)


async def test_an_error_entry_fails_the_call_with_its_message_and_status() -> None:
    provider = mock(
        responses=[
            {"match": "quota", "error": "Rate limit reached for mock-1", "status_code": 429},
            {"match": "bad", "error": "Invalid prompt", "status_code": 400},
            {"match": "odd", "error": "Something odd"},
            {"reply": "fine"},
        ]
    )
    with pytest.raises(ProviderCallError) as limited:
        await complete(provider, "m", ask("over quota"))
    assert (limited.value.message, limited.value.status_code, limited.value.retryable) == (
        "Rate limit reached for mock-1",
        429,
        True,
    )
    with pytest.raises(ProviderCallError) as refused:
        await complete(provider, "m", ask("a bad one"))
    assert (refused.value.message, refused.value.status_code, refused.value.retryable) == ("Invalid prompt", 400, False)
    with pytest.raises(ProviderCallError) as odd:
        await complete(provider, "m", ask("odd"))
    assert (odd.value.status_code, odd.value.retryable) == (None, False)
    assert (await complete(provider, "m", ask("anything else"))).text == "fine"


async def test_latency_is_simulated_and_spread_across_streamed_pieces() -> None:
    slow = mock(latency_ms=40, responses=[{"reply": "one two  three\nfour"}])
    tokens = Tokens()
    completion = await complete(slow, "m", ask("go"), on_token=tokens)
    assert tokens.received == ["one ", "two  ", "three\n", "four"]
    assert "".join(tokens.received) == completion.text
    assert (completion.latency_ms, completion.tokens_in, completion.tokens_out) == (40, 1, 4)
    quiet = await complete(slow, "m", ask("go"))
    assert quiet == completion


async def test_without_latency_the_reply_streams_as_one_piece() -> None:
    tokens = Tokens()
    completion = await complete(mock(), "m", ask("hello there"), on_token=tokens)
    assert tokens.received == ["Mock reply to: hello there"]
    assert completion.latency_ms == 0


async def test_a_failing_entry_takes_its_latency_too() -> None:
    with pytest.raises(ProviderCallError) as failed:
        await complete(mock(latency_ms=15, responses=[{"error": "down", "status_code": 503}]), "m", ask("x"))
    assert (failed.value.latency_ms, failed.value.retryable) == (15, True)


async def test_options_stored_before_they_were_checked_fail_the_call_clearly() -> None:
    with pytest.raises(ProviderCallError) as failed:
        await complete(mock(latency_ms=-1, responses=[{"match": "x"}]), "m", ask("x"))
    assert failed.value.message == (
        "the mock provider's options are invalid: options.responses.0: give either a reply or an error; "
        "options.latency_ms: Input should be greater than or equal to 0"
    )
    assert failed.value.retryable is False


def test_the_mock_understands_exactly_the_options_the_api_lets_through() -> None:
    assert set(MockOptions.model_fields) == OPTIONS_BY_TYPE[ProviderType.mock]


def _problems(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.text
    return [(problem["field"], problem["message"]) for problem in response.json()["detail"]]


@pytest.mark.parametrize(
    ("options", "problems"),
    [
        ({"latency_ms": 60_001}, [("options.latency_ms", "Input should be less than or equal to 60000")]),
        ({"latency_ms": "5"}, [("options.latency_ms", "Input should be a valid integer")]),
        ({"latency_ms": 1.5}, [("options.latency_ms", "Input should be a valid integer")]),
        ({"responses": "hello"}, [("options.responses", "Input should be a valid list")]),
        ({"responses": ["hello"]}, [("options.responses.0", "must be an object with a reply or an error")]),
        ({"responses": [{"match": "x"}]}, [("options.responses.0", "give either a reply or an error")]),
        ({"responses": [{"reply": "a", "error": "b"}]}, [("options.responses.0", "give either a reply or an error")]),
        (
            {"responses": [{"reply": "a", "status_code": 500}]},
            [("options.responses.0", "status_code goes with an error, not a reply")],
        ),
        (
            {"responses": [{"reply": "ok"}, {"error": "x", "status_code": 200}]},
            [("options.responses.1.status_code", "Input should be greater than or equal to 400")],
        ),
        (
            {"responses": [{"reply": "ok", "delay": 3}]},
            [("options.responses.0.delay", "Extra inputs are not permitted")],
        ),
        (
            {"temperature": 1},
            [("options.temperature", "not an option of a mock provider (known: latency_ms, responses)")],
        ),
    ],
)
async def test_the_api_names_each_bad_mock_option(
    client: httpx.AsyncClient, account: Account, options: dict[str, Any], problems: list[tuple[str, str]]
) -> None:
    body = {"name": "Scripted", "type": "mock", "default_model": "mock-1", "options": options}
    assert _problems(await client.post(PROVIDERS, json=body, headers=account.headers)) == problems


async def test_a_scripted_mock_made_through_the_api_answers_its_test_call(
    client: httpx.AsyncClient, account: Account
) -> None:
    options = {"latency_ms": 5, "responses": [{"match": "pong", "reply": "pong"}, {"error": "unreachable"}]}
    created = await create(
        client, account, {"name": "Scripted", "type": "mock", "default_model": "m", "options": options}
    )
    assert created["options"] == options
    result = await probe(client, account, created["id"])
    assert (result["ok"], result["reply"], result["latency_ms"]) == (True, "pong", 5)

    failing = {"responses": [{"error": "the mock is down", "status_code": 503}]}
    edit = {"name": "Scripted", "type": "mock", "default_model": "m", "options": failing, "version": 1}
    assert (await client.put(f"{PROVIDERS}/{created['id']}", json=edit, headers=account.headers)).status_code == 200
    result = await probe(client, account, created["id"])
    assert (result["ok"], result["error"]) == (False, "the mock is down")
    other_types = {"name": "Other", "type": "openai", "default_model": "m", "options": {"organization": ["a"]}}
    assert _problems(await client.post(PROVIDERS, json=other_types, headers=account.headers)) == [
        ("options.organization", "must be a string")
    ]
