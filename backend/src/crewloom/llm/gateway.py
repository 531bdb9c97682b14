"""The one way to call a model: LiteLLM for real providers, and a deterministic ``mock`` provider that
answers without any network, so that everything runs offline and in tests."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


class ProviderType(StrEnum):
    openai = "openai"
    anthropic = "anthropic"
    azure = "azure"
    gemini = "gemini"
    ollama = "ollama"
    openai_compatible = "openai_compatible"
    mock = "mock"


OLLAMA_DEFAULT_URL = "http://127.0.0.1:11434"
MOCK_DEFAULT_MODEL = "mock-1"
# Types whose calls cannot work without a key. Calling them without one would let LiteLLM fall back to
# the server's own environment (OPENAI_API_KEY, ...), spending the operator's account for a tenant.
KEY_REQUIRED = frozenset({ProviderType.openai, ProviderType.anthropic, ProviderType.azure, ProviderType.gemini})
# Non-secret options each type understands, passed to LiteLLM under the same name.
OPTIONS_BY_TYPE: Mapping[ProviderType, frozenset[str]] = {
    ProviderType.openai: frozenset({"organization"}),
    ProviderType.azure: frozenset({"api_version"}),
}
_PREFIXES: Mapping[ProviderType, str] = {
    ProviderType.openai: "openai/",
    ProviderType.anthropic: "anthropic/",
    ProviderType.azure: "azure/",
    ProviderType.gemini: "gemini/",
    ProviderType.ollama: "ollama/",
    ProviderType.openai_compatible: "openai/",
}
# Pinned so that an OPENAI_BASE_URL in the server's environment never redirects a tenant's calls.
_OPENAI_URL = "https://api.openai.com/v1"
# Sent to OpenAI-compatible servers that need no key, for the same reason as KEY_REQUIRED.
_NO_KEY = "no-key"
_KINDS = {
    "AuthenticationError": "authentication failed",
    "PermissionDeniedError": "permission denied",
    "NotFoundError": "not found (check the model name and the base URL)",
    "RateLimitError": "rate limited",
    "Timeout": "timed out",
    "APIConnectionError": "could not connect",
    "BadRequestError": "request refused",
    "ContextWindowExceededError": "prompt too long for the model",
    "ContentPolicyViolationError": "refused by the content policy",
    "UnprocessableEntityError": "request refused",
    "ServiceUnavailableError": "service unavailable",
    "InternalServerError": "provider error",
}
_LITELLM_PREFIX = re.compile(r"^(?:litellm\.\w+:\s*|\w+Error:\s*|\w+Exception\s*-\s*)+")


@dataclass(frozen=True)
class ProviderConfig:
    type: ProviderType
    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    tokens_in: int
    tokens_out: int
    latency_ms: int


class ProviderCallError(Exception):
    """The provider refused or failed the call; ``message`` carries its own words, never the key."""

    def __init__(self, message: str, *, status_code: int | None = None, latency_ms: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.latency_ms = latency_ms


async def complete(
    provider: ProviderConfig,
    model: str,
    messages: Sequence[ChatMessage],
    *,
    max_tokens: int | None = None,
    temperature: float | None = None,
    request_timeout: float = 60.0,
    num_retries: int = 2,
) -> Completion:
    if provider.type is ProviderType.mock:
        return _mock_complete(model, messages, max_tokens)
    return await _litellm_complete(
        provider,
        model,
        messages,
        max_tokens=max_tokens,
        temperature=temperature,
        request_timeout=request_timeout,
        num_retries=num_retries,
    )


def _words(text: str) -> int:
    return len(text.split())


def _mock_complete(model: str, messages: Sequence[ChatMessage], max_tokens: int | None) -> Completion:
    prompt = next((message.content for message in reversed(messages) if message.role == "user"), "")
    words = f"Mock reply to: {prompt}".split()
    if max_tokens is not None:
        words = words[:max_tokens]
    text = " ".join(words)
    return Completion(
        text=text,
        model=model,
        tokens_in=sum(_words(message.content) for message in messages),
        tokens_out=len(words),
        latency_ms=0,
    )


def litellm_arguments(provider: ProviderConfig, model: str) -> dict[str, Any]:
    """The provider-specific part of a LiteLLM call: the prefixed model, the key, the URL, the options."""
    if provider.type in KEY_REQUIRED and not provider.api_key:
        raise ProviderCallError("this provider has no API key: set one on the provider")
    arguments: dict[str, Any] = {"model": _PREFIXES[provider.type] + model}
    api_key = provider.api_key
    if provider.type is ProviderType.openai_compatible:
        api_key = api_key or _NO_KEY
    if api_key:
        arguments["api_key"] = api_key
    base_url = provider.base_url
    if provider.type is ProviderType.openai:
        base_url = _OPENAI_URL
    elif provider.type is ProviderType.ollama:
        base_url = base_url or OLLAMA_DEFAULT_URL
    if base_url:
        arguments["api_base"] = base_url
    known = OPTIONS_BY_TYPE.get(provider.type, frozenset())
    arguments.update({name: value for name, value in provider.options.items() if name in known})
    return arguments


async def _litellm_complete(
    provider: ProviderConfig,
    model: str,
    messages: Sequence[ChatMessage],
    *,
    max_tokens: int | None,
    temperature: float | None,
    request_timeout: float,
    num_retries: int,
) -> Completion:
    arguments = litellm_arguments(provider, model)
    # The packaged cost map, not a download at first import.
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    import litellm

    litellm.suppress_debug_info = True
    optional: dict[str, Any] = {}
    if max_tokens is not None:
        optional["max_tokens"] = max_tokens
    if temperature is not None:
        optional["temperature"] = temperature
    started = time.perf_counter()
    try:
        response: Any = await litellm.acompletion(
            messages=[{"role": message.role, "content": message.content} for message in messages],
            timeout=request_timeout,
            num_retries=num_retries,
            **arguments,
            **optional,
        )
    except Exception as exc:
        elapsed = _elapsed_ms(started)
        raise ProviderCallError(
            describe_failure(exc, provider.api_key), status_code=getattr(exc, "status_code", None), latency_ms=elapsed
        ) from None
    elapsed = _elapsed_ms(started)
    usage = getattr(response, "usage", None)
    return Completion(
        text=response.choices[0].message.content or "",
        model=str(getattr(response, "model", None) or model),
        tokens_in=int(getattr(usage, "prompt_tokens", 0) or 0),
        tokens_out=int(getattr(usage, "completion_tokens", 0) or 0),
        latency_ms=elapsed,
    )


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def describe_failure(exc: BaseException, secret: str | None) -> str:
    """What went wrong in the provider's own words, without LiteLLM's class-name prefixes, and with the
    key blanked out should the provider echo it back."""
    raw = str(getattr(exc, "message", None) or exc).strip()
    text = _LITELLM_PREFIX.sub("", raw).strip() or raw
    status = getattr(exc, "status_code", None)
    kind = _KINDS.get(type(exc).__name__, "call failed")
    message = f"{kind} (HTTP {status}): {text}" if isinstance(status, int) else f"{kind}: {text}"
    if secret:
        message = message.replace(secret, "[redacted]")
    return message
