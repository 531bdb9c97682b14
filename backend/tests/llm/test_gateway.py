"""The gateway's pure parts: the mock provider, how each type maps onto LiteLLM, and failure messages."""

from __future__ import annotations

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
