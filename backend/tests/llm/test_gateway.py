"""The gateway's pure parts: the mock provider, how each type maps onto LiteLLM, failure messages, and
how long to wait before another attempt."""

from __future__ import annotations

import email.utils
import time

import pytest

from crewloom.llm.gateway import (
    ChatMessage,
    ProviderCallError,
    ProviderConfig,
    ProviderType,
    complete,
    describe_failure,
    litellm_arguments,
)
from crewloom.llm.gateway.failures import MAX_WAIT_SECONDS, retry_after_seconds
from crewloom.llm.gateway.litellm_calls import backoff_seconds


async def test_the_mock_answers_deterministically_and_counts_words() -> None:
    messages = [ChatMessage("system", "Be brief."), ChatMessage("user", "What is the capital of France?")]
    first = await complete(ProviderConfig(ProviderType.mock), "mock-1", messages)
    again = await complete(ProviderConfig(ProviderType.mock), "mock-1", messages)
    assert first == again
    assert first.text == "Mock reply to: What is the capital of France?"
    assert (first.tokens_in, first.tokens_out, first.model) == (8, 9, "mock-1")
    short = await complete(ProviderConfig(ProviderType.mock), "mock-1", messages, max_tokens=3)
    assert (short.text, short.tokens_out) == ("Mock reply to:", 3)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            ProviderConfig(ProviderType.openai, api_key="sk-1", options={"organization": "org"}),
            {"model": "openai/m", "api_key": "sk-1", "api_base": "https://api.openai.com/v1", "organization": "org"},
        ),
        (ProviderConfig(ProviderType.anthropic, api_key="a"), {"model": "anthropic/m", "api_key": "a"}),
        (ProviderConfig(ProviderType.gemini, api_key="g"), {"model": "gemini/m", "api_key": "g"}),
        (
            ProviderConfig(ProviderType.azure, api_key="z", base_url="https://r.example", options={"api_version": "v"}),
            {"model": "azure/m", "api_key": "z", "api_base": "https://r.example", "api_version": "v"},
        ),
        (ProviderConfig(ProviderType.ollama), {"model": "ollama/m", "api_base": "http://127.0.0.1:11434"}),
        (
            ProviderConfig(ProviderType.openai_compatible, base_url="http://h/v1"),
            {"model": "openai/m", "api_key": "no-key", "api_base": "http://h/v1"},
        ),
    ],
)
def test_each_type_maps_onto_litellm(config: ProviderConfig, expected: dict[str, str]) -> None:
    assert litellm_arguments(config, "m") == expected


@pytest.mark.parametrize("kind", [ProviderType.openai, ProviderType.anthropic, ProviderType.azure, ProviderType.gemini])
def test_keyed_types_never_fall_back_to_the_servers_environment(kind: ProviderType) -> None:
    with pytest.raises(ProviderCallError, match="no API key"):
        litellm_arguments(ProviderConfig(kind), "m")


def test_the_config_never_shows_its_key() -> None:
    assert "sk-secret" not in repr(ProviderConfig(ProviderType.openai, api_key="sk-secret"))


class AuthenticationError(Exception):
    status_code = 401

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def test_failures_keep_the_providers_words_without_the_key() -> None:
    error = AuthenticationError(
        "litellm.AuthenticationError: AuthenticationError: OpenAIException - Incorrect API key provided: sk-abc."
    )
    assert (
        describe_failure(error, "sk-abc") == "authentication failed (HTTP 401): Incorrect API key provided: [redacted]."
    )
    assert describe_failure(RuntimeError("boom"), None) == "call failed: boom"


def test_a_refused_connection_is_named_so_whatever_status_litellm_gives_it() -> None:
    class InternalServerError(Exception):
        status_code = 500

    error = InternalServerError("litellm.InternalServerError: OpenAIException - Connection error.")
    error.__cause__ = ConnectionRefusedError(111, "Connection refused")
    assert describe_failure(error, None) == "could not connect (check the base URL): Connection error."


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5", "retry-after-ms": "40"}, 0.04),
        ({"retry-after": "-4"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_is_read_in_seconds_or_milliseconds(headers: dict[str, str], seconds: float | None) -> None:
    assert retry_after_seconds(headers) == seconds


def test_retry_after_may_be_a_date() -> None:
    waited = retry_after_seconds({"retry-after": email.utils.formatdate(time.time() + 120, usegmt=True)})
    assert waited is not None
    assert 100 < waited <= 120


def test_backoff_doubles_with_jitter_and_honours_the_server_within_a_cap() -> None:
    for attempt, ceiling in ((0, 0.5), (1, 1.0), (2, 2.0)):
        assert 0.75 * ceiling <= backoff_seconds(attempt, 0.5, None) <= ceiling
    assert backoff_seconds(20, 0.5, None) <= MAX_WAIT_SECONDS
    assert backoff_seconds(0, 0.5, 7.0) == 7.0
    assert backoff_seconds(0, 0.5, 3600.0) == MAX_WAIT_SECONDS
