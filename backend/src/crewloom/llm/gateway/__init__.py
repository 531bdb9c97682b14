"""The one way to call a model: LiteLLM for real providers, and a deterministic ``mock`` provider that
answers without any network, so that everything runs offline and in tests. LiteLLM is imported at the
first real call, never with this package."""

from __future__ import annotations

from collections.abc import Sequence

from crewloom.llm.gateway.contract import (
    KEY_REQUIRED,
    MOCK_DEFAULT_MODEL,
    OLLAMA_DEFAULT_URL,
    OPTIONS_BY_TYPE,
    ChatMessage,
    Completion,
    OnToken,
    ProviderCallError,
    ProviderConfig,
    ProviderType,
)
from crewloom.llm.gateway.failures import describe_failure
from crewloom.llm.gateway.litellm_calls import litellm_arguments, litellm_complete
from crewloom.llm.gateway.mock import mock_complete, mock_option_problems
from crewloom.observability.tracing import llm_span, record_llm_usage

__all__ = [
    "KEY_REQUIRED",
    "MOCK_DEFAULT_MODEL",
    "OLLAMA_DEFAULT_URL",
    "OPTIONS_BY_TYPE",
    "ChatMessage",
    "Completion",
    "OnToken",
    "ProviderCallError",
    "ProviderConfig",
    "ProviderType",
    "complete",
    "describe_failure",
    "litellm_arguments",
    "mock_option_problems",
]


async def complete(
    provider: ProviderConfig,
    model: str,
    messages: Sequence[ChatMessage],
    *,
    max_tokens: int | None = None,
    temperature: float | None = None,
    request_timeout: float = 60.0,
    num_retries: int = 2,
    on_token: OnToken | None = None,
    retry_backoff_seconds: float = 0.5,
) -> Completion:
    """One model call. ``on_token`` receives the reply piece by piece as it streams. Rate limits, server
    errors, timeouts (``request_timeout`` per attempt) and lost connections are retried up to
    ``num_retries`` times, waiting what the provider asks or ``retry_backoff_seconds`` doubled at each
    attempt; once part of a streamed reply reached ``on_token`` it is not retried. Failures raise
    ProviderCallError."""
    with llm_span(provider.type.value, model) as span:
        if provider.type is ProviderType.mock:
            completion = await mock_complete(
                provider.options, model, messages, max_tokens=max_tokens, on_token=on_token
            )
        else:
            completion = await litellm_complete(
                provider,
                model,
                messages,
                max_tokens=max_tokens,
                temperature=temperature,
                request_timeout=request_timeout,
                num_retries=num_retries,
                retry_backoff_seconds=retry_backoff_seconds,
                on_token=on_token,
            )
        record_llm_usage(
            span,
            model=completion.model,
            tokens_in=completion.tokens_in,
            tokens_out=completion.tokens_out,
            cost=completion.cost,
        )
    return completion
