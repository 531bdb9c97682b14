"""How an exported CrewAI project reaches the model a Crewloom provider reaches: the LiteLLM model
string, and the environment variables that hold the key and the URL (keys are never written)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crewloom.llm.gateway import OLLAMA_DEFAULT_URL, ProviderType

FALLBACK_MODEL = "openai/gpt-4o-mini"


@dataclass(frozen=True)
class LlmTarget:
    """How a CrewAI project reaches the model a Crewloom provider reaches."""

    model: str | None  # None: the MODEL environment variable decides
    key_env: str | None = None
    base_env: str | None = None
    base_url: str | None = None
    api_version: str | None = None
    temperature: float | None = None


# Provider type -> (LiteLLM prefix, key variable, base URL variable), as CrewAI and LiteLLM read them.
_PROVIDERS: dict[str, tuple[str, str | None, str | None]] = {
    ProviderType.openai: ("openai", "OPENAI_API_KEY", None),
    ProviderType.openai_compatible: ("openai", "OPENAI_API_KEY", "OPENAI_API_BASE"),
    ProviderType.anthropic: ("anthropic", "ANTHROPIC_API_KEY", None),
    ProviderType.azure: ("azure", "AZURE_API_KEY", "AZURE_API_BASE"),
    ProviderType.gemini: ("gemini", "GEMINI_API_KEY", None),
    ProviderType.ollama: ("ollama", None, "OLLAMA_API_BASE"),
}


def provider_types_for_prefix(prefix: str) -> list[str]:
    """The provider types a CrewAI model string like ``openai/gpt-4o`` may be served by, most direct first."""
    return [name for name, (known, _key, _base) in _PROVIDERS.items() if known == prefix]


def llm_target(
    provider_type: str, model: str, base_url: str | None, options: dict[str, Any], temperature: float | None = None
) -> LlmTarget:
    known = _PROVIDERS.get(provider_type)
    if known is None:
        # The offline mock has no CrewAI counterpart: the environment chooses the model.
        return LlmTarget(model=None, temperature=temperature)
    prefix, key_env, base_env = known
    bare = model.split("/", 1)[1] if model.startswith(f"{prefix}/") else model
    if provider_type == ProviderType.ollama:
        base_url = base_url or OLLAMA_DEFAULT_URL
    api_version = options.get("api_version") if provider_type == ProviderType.azure else None
    return LlmTarget(
        model=f"{prefix}/{bare}",
        key_env=key_env,
        base_env=base_env,
        base_url=base_url if base_env else None,
        api_version=str(api_version) if api_version else None,
        temperature=temperature,
    )


def llm_call(target: LlmTarget) -> str:
    model = repr(target.model) if target.model else f"os.environ.get('MODEL', {FALLBACK_MODEL!r})"
    arguments = [f"model={model}"]
    if target.base_env:
        arguments.append(f"base_url=os.environ.get({target.base_env!r}, {target.base_url!r})")
    if target.api_version:
        arguments.append(f"api_version=os.environ.get('AZURE_API_VERSION', {target.api_version!r})")
    if target.temperature is not None:
        arguments.append(f"temperature={float(target.temperature)!r}")
    return f"LLM({', '.join(arguments)})"
