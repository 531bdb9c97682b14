"""What the target receives of a conversation: the newest messages within the token budget, and a short
summary of those trimmed from the oldest end."""

from __future__ import annotations

import httpx

from crewloom.chat.memory import Turn, build_context, estimate_tokens
from tests.chat.talk import create_session, messages, send_over_sse
from tests.conftest import Account
from tests.executions.runs import mock_provider


def _turns(count: int, words: int = 20) -> list[Turn]:
    return [
        Turn(role="user" if index % 2 == 0 else "assistant", content=f"Message {index}: " + "word " * words)
        for index in range(count)
    ]


def test_a_conversation_within_the_budget_is_sent_whole() -> None:
    turns = _turns(5)
    context = build_context(turns, budget=10_000)
    assert [message.content for message in context.messages] == [turn.content for turn in turns]
    assert (context.sent, context.trimmed) == (5, 0)
    assert context.tokens == sum(estimate_tokens(turn.content) for turn in turns)
    assert build_context([], budget=100).messages == []


def test_the_oldest_messages_are_trimmed_and_summarised() -> None:
    turns = _turns(30)
    budget = 600
    context = build_context(turns, budget)
    summary, *sent = context.messages
    assert summary.role == "system"
    assert [message.content for message in sent] == [turn.content for turn in turns[-context.sent :]]
    assert context.trimmed == 30 - context.sent
    assert context.trimmed > 5
    assert context.tokens <= budget
    lines = summary.content.splitlines()
    assert lines[0] == f"Earlier in this conversation ({context.trimmed} messages not shown):"
    assert lines[1] == f"- ({context.trimmed - 5} more before these)"
    latest = turns[context.trimmed - 5 : context.trimmed]
    assert lines[2:] == [f"- {turn.role}: {turn.content.strip()[:79].rstrip()}…" for turn in latest]
    # The same conversation always gives the same context.
    assert build_context(turns, budget) == context


def test_a_tight_budget_shortens_the_summary_to_fit() -> None:
    context = build_context(_turns(12), budget=80)
    assert context.tokens <= 80
    assert context.messages[0].content.startswith("Earlier in this conversation (")
    assert len(context.messages[0].content.splitlines()) < 7


def test_the_message_being_answered_is_always_sent() -> None:
    turns = [*_turns(3), Turn(role="user", content="long " * 2000)]
    context = build_context(turns, budget=50)
    assert context.messages[-1].content == turns[-1].content
    assert (context.sent, context.trimmed) == (1, 3)
    assert context.messages[0].content.startswith("Earlier in this conversation (3 messages not shown):")


async def test_the_model_receives_the_trimmed_conversation(client: httpx.AsyncClient, account: Account) -> None:
    provider = await mock_provider(client, account)
    chat = await create_session(client, account, provider, memory_tokens=120)
    question = "Tell me more about the hive and its " + "busy " * 30 + "bees"
    for _ in range(4):
        await send_over_sse(client, account, chat["id"], question)
    stored = await messages(client, account, chat["id"])
    replies = [message for message in stored if message["role"] == "assistant"]
    assert replies[0]["details"]["memory"] == {"sent": 1, "trimmed": 0, "tokens": estimate_tokens(question)}
    last = replies[-1]["details"]["memory"]
    assert last["trimmed"] > 0
    assert last["sent"] + last["trimmed"] == 7
    assert last["tokens"] <= 120
    # The mock counts the words it was given: far fewer than the whole conversation's.
    whole = sum(len(message["content"].split()) for message in stored[:-1])
    assert replies[-1]["tokens_in"] < whole
    assert replies[-1]["tokens_in"] > len(question.split())
