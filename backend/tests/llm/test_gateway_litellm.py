"""Real providers through LiteLLM, against the OpenAI-compatible server on loopback: whole and streamed
replies, usage and cost, retries with backoff and Retry-After, and every failure told clearly."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from crewloom.llm.gateway import ChatMessage, Completion, ProviderCallError, ProviderConfig, ProviderType, complete
from tests.llm.fake_openai import GOOD_KEY, FakeOpenAI, Reply, pieces, prompt_tokens

QUESTION = [ChatMessage("system", "Be brief."), ChatMessage("user", "What do bees eat?")]
ANSWER = "Bees eat nectar and pollen, mostly."


@pytest.fixture
def server(fake_openai: FakeOpenAI) -> Iterator[FakeOpenAI]:
    fake_openai.reset()
    yield fake_openai
    fake_openai.reset()


def compatible(fake: FakeOpenAI, api_key: str = GOOD_KEY) -> ProviderConfig:
    return ProviderConfig(ProviderType.openai_compatible, api_key=api_key, base_url=fake.base_url)


class Tokens:
    def __init__(self) -> None:
        self.received: list[str] = []

    async def __call__(self, token: str) -> None:
        self.received.append(token)


async def call(fake: FakeOpenAI, model: str = "tiny-model", **options: Any) -> Completion:
    return await complete(compatible(fake), model, QUESTION, retry_backoff_seconds=0.01, **options)


async def failure(fake: FakeOpenAI, provider: ProviderConfig | None = None, **options: Any) -> ProviderCallError:
    with pytest.raises(ProviderCallError) as raised:
        await complete(provider or compatible(fake), "tiny-model", QUESTION, retry_backoff_seconds=0.01, **options)
    return raised.value


def expected_usage(fake: FakeOpenAI) -> tuple[int, int]:
    return prompt_tokens(fake.calls[-1]["body"]), len(pieces(ANSWER))


async def test_a_whole_reply_with_the_servers_usage(server: FakeOpenAI) -> None:
    server.answer(Reply(text=ANSWER))
    completion = await call(server, max_tokens=50, temperature=0.2)
    assert (completion.text, completion.model) == (ANSWER, "tiny-model")
    assert (completion.tokens_in, completion.tokens_out) == expected_usage(server)
    assert completion.cost is None  # no price is known for this model
    assert completion.latency_ms >= 0
    [request] = server.calls
    assert request["body"]["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What do bees eat?"},
    ]
    assert (request["body"]["max_tokens"], request["body"]["temperature"]) == (50, 0.2)
    assert "stream" not in request["body"]


async def test_a_streamed_reply_reaches_on_token_piece_by_piece(server: FakeOpenAI) -> None:
    server.answer(Reply(text=ANSWER))
    tokens = Tokens()
    completion = await call(server, on_token=tokens)
    assert tokens.received == pieces(ANSWER)
    assert len(tokens.received) == 6
    assert "".join(tokens.received) == completion.text == ANSWER
    assert (completion.tokens_in, completion.tokens_out) == expected_usage(server)
    body = server.calls[-1]["body"]
    assert (body["stream"], body["stream_options"]) == (True, {"include_usage": True})


async def test_a_stream_without_usage_is_counted(server: FakeOpenAI) -> None:
    server.answer(Reply(text=ANSWER, usage=False))
    tokens = Tokens()
    completion = await call(server, on_token=tokens)
    assert "".join(tokens.received) == completion.text == ANSWER
    assert completion.tokens_in > 0
    assert completion.tokens_out > 0


async def test_a_reply_without_usage_is_counted(server: FakeOpenAI) -> None:
    server.answer(Reply(text=ANSWER, usage=False))
    completion = await call(server)
    assert completion.text == ANSWER
    assert completion.tokens_in > 0
    assert completion.tokens_out > 0


async def test_cost_comes_from_litellms_price_table(server: FakeOpenAI) -> None:
    import litellm

    server.answer(Reply(text=ANSWER), Reply(text=ANSWER))
    whole = await call(server, model="gpt-4o-mini")
    streamed = await call(server, model="gpt-4o-mini", on_token=Tokens())
    prompt_cost, completion_cost = litellm.cost_per_token(
        model="openai/gpt-4o-mini", prompt_tokens=whole.tokens_in, completion_tokens=whole.tokens_out
    )
    assert whole.cost == pytest.approx(prompt_cost + completion_cost)
    assert whole.cost is not None
    assert whole.cost > 0
    assert streamed.cost == pytest.approx(whole.cost)
    # A self-hosted server answering under a known name is not priced as that model.
    server.answer(Reply(text=ANSWER, model="gpt-3.5-turbo"))
    local = await call(server, model="local-llama")
    assert (local.model, local.cost) == ("gpt-3.5-turbo", None)


async def test_a_wrong_key_is_refused_once_in_the_providers_words_without_the_key(server: FakeOpenAI) -> None:
    wrong = "sk-wrong-key-987654321"
    refused = await failure(server, compatible(server, api_key=wrong), num_retries=2)
    assert refused.message.startswith("authentication failed (HTTP 401): Incorrect API key provided: [redacted].")
    assert wrong not in refused.message
    assert (refused.status_code, refused.retryable) == (401, False)
    assert isinstance(refused.latency_ms, int)
    assert len(server.calls) == 1


async def test_other_client_errors_are_not_retried(server: FakeOpenAI) -> None:
    server.answer(Reply(status=400, error="Invalid value for 'temperature'."))
    refused = await failure(server, num_retries=2)
    assert refused.message == "request refused (HTTP 400): Invalid value for 'temperature'."
    assert (refused.status_code, refused.retryable, len(server.calls)) == (400, False, 1)


async def test_a_rate_limit_waits_what_the_server_asks_then_succeeds(server: FakeOpenAI) -> None:
    server.answer(Reply(status=429, error="Rate limit reached.", headers={"Retry-After": "1"}), Reply(text=ANSWER))
    completion = await call(server, num_retries=2)
    assert completion.text == ANSWER
    first, second = server.calls
    # The backoff alone would have waited about 10 ms.
    assert second["at"] - first["at"] >= 0.9


async def test_a_lasting_rate_limit_gives_up_after_every_attempt(server: FakeOpenAI) -> None:
    limited = Reply(status=429, error="Rate limit reached for tiny-model.", headers={"retry-after-ms": "20"})
    server.answer(limited, limited, limited)
    exhausted = await failure(server, num_retries=2)
    assert exhausted.message == (
        "rate limited (HTTP 429): Rate limit reached for tiny-model. (gave up after 3 attempts)"
    )
    assert (exhausted.status_code, exhausted.retryable, len(server.calls)) == (429, True, 3)


async def test_server_errors_are_retried(server: FakeOpenAI) -> None:
    server.answer(Reply(status=500), Reply(text=ANSWER))
    assert (await call(server, num_retries=1)).text == ANSWER
    server.reset()
    server.answer(Reply(status=500), Reply(status=503, error="Overloaded."))
    exhausted = await failure(server, num_retries=1)
    assert exhausted.message == "service unavailable (HTTP 503): Overloaded. (gave up after 2 attempts)"
    assert (exhausted.status_code, exhausted.retryable, len(server.calls)) == (503, True, 2)
    server.reset()
    server.answer(Reply(status=500))
    once = await failure(server, num_retries=0)
    assert once.message == "provider error (HTTP 500): The server had an error while processing your request."


async def test_a_slow_reply_times_out_and_is_retried(server: FakeOpenAI) -> None:
    server.answer(Reply(text="too late", delay_seconds=3))
    slow = await failure(server, request_timeout=0.5, num_retries=0)
    assert slow.message == "timed out after 0.5 s"
    assert (slow.status_code, slow.retryable) == (None, True)
    server.reset()
    server.answer(Reply(text="too late", delay_seconds=3), Reply(text=ANSWER))
    assert (await call(server, request_timeout=0.5, num_retries=1)).text == ANSWER
    assert len(server.calls) == 2


async def test_a_failed_stream_is_retried_before_any_token(server: FakeOpenAI) -> None:
    server.answer(Reply(status=429, error="Slow down.", headers={"retry-after": "0"}), Reply(text=ANSWER))
    tokens = Tokens()
    completion = await call(server, on_token=tokens, num_retries=1)
    assert tokens.received == pieces(ANSWER)
    assert completion.text == ANSWER
    server.answer(Reply(text="never seen", delay_seconds=3))
    slow = await failure(server, on_token=Tokens(), request_timeout=0.5, num_retries=0)
    assert slow.message == "timed out after 0.5 s"


async def test_a_stream_that_stalls_after_its_first_piece_is_not_repeated(server: FakeOpenAI) -> None:
    server.answer(Reply(text="one two three", piece_delay_seconds=3))
    tokens = Tokens()
    stalled = await failure(server, on_token=tokens, request_timeout=0.5, num_retries=2)
    assert (stalled.message, stalled.retryable) == ("timed out after 0.5 s", True)
    assert tokens.received == ["one "]
    assert len(server.calls) == 1


async def test_a_failing_on_token_is_the_callers_error_not_the_providers(server: FakeOpenAI) -> None:
    async def broken(token: str) -> None:
        raise LookupError(f"no room for {token!r}")

    server.answer(Reply(text="one two"))
    with pytest.raises(LookupError, match="no room for 'one '"):
        await call(server, on_token=broken, num_retries=2)
    assert len(server.calls) == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_no_server_is_a_connection_failure_worth_retrying() -> None:
    provider = ProviderConfig(ProviderType.openai_compatible, base_url=f"http://127.0.0.1:{_closed_port()}/v1")
    with pytest.raises(ProviderCallError) as raised:
        await complete(provider, "tiny-model", QUESTION, num_retries=1, retry_backoff_seconds=0.01)
    assert raised.value.message.startswith("could not connect (check the base URL): ")
    assert raised.value.message.endswith("(gave up after 2 attempts)")
    assert (raised.value.status_code, raised.value.retryable) == (None, True)
