"""What callers of the gateway hand in and get back: the provider, the messages, the completion and the
one error every failed call raises."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
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
# Non-secret options each type understands. Real providers pass them to LiteLLM under the same name; the
# mock's script them (their shape is checked by ``gateway.mock.MockOptions``).
OPTIONS_BY_TYPE: Mapping[ProviderType, frozenset[str]] = {
    ProviderType.openai: frozenset({"organization"}),
    ProviderType.azure: frozenset({"api_version"}),
    ProviderType.mock: frozenset({"responses", "latency_ms"}),
}

OnToken = Callable[[str], Awaitable[None]]


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
    # In US dollars from LiteLLM's packaged price table; None when the model has no known price.
    cost: float | None = None


class ProviderCallError(Exception):
    """The provider refused or failed the call; ``message`` carries its own words, never the key.
    ``retryable`` tells whether the same call may succeed later (rate limits, server errors, timeouts,
    lost connections), as opposed to a refusal that will repeat."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        latency_ms: int | None = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.latency_ms = latency_ms
        self.retryable = retryable
