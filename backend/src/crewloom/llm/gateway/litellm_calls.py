"""Calls to real providers through LiteLLM: each type mapped onto LiteLLM's arguments, the reply whole
or streamed, usage (counted here when the server sends none), cost from LiteLLM's packaged price table,
and our own retries with exponential backoff."""

from __future__ import annotations

import asyncio
import importlib
import os
import random
import time
from collections.abc import Mapping, Sequence
from typing import Any

from crewloom.llm.gateway.contract import (
    KEY_REQUIRED,
    OLLAMA_DEFAULT_URL,
    OPTIONS_BY_TYPE,
    ChatMessage,
    Completion,
    OnToken,
    ProviderCallError,
    ProviderConfig,
    ProviderType,
)
from crewloom.llm.gateway.failures import MAX_WAIT_SECONDS, judge

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


_loaded: dict[str, Any] = {}


async def _litellm() -> Any:
    """LiteLLM, imported on first use (it takes seconds, so in a thread, off the event loop) with the
    price table it ships rather than one fetched from the network."""
    module: Any = _loaded.get("litellm")
    if module is None:
        os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
        # Concurrent first calls each wait in their thread on Python's import lock until the module is
        # whole, where sys.modules would hand a half-imported one to all but the first.
        module = await asyncio.to_thread(importlib.import_module, "litellm")
        module.suppress_debug_info = True
        # Imported here, like LiteLLM: logging's redaction reaches into the engine, which imports this module.
        from crewloom.observability.logging import adopt_litellm_loggers

        adopt_litellm_loggers()
        _loaded["litellm"] = module
    return module


def backoff_seconds(attempt: int, base: float, retry_after: float | None) -> float:
    """The pause before attempt ``attempt + 1``: what the provider asked for, else ``base`` doubled at
    each attempt with some jitter so that many callers do not come back at once; capped either way."""
    if retry_after is not None:
        return min(retry_after, MAX_WAIT_SECONDS)
    return min(base * 2.0**attempt, MAX_WAIT_SECONDS) * random.uniform(0.75, 1.0)  # noqa: S311 - not a secret


class _Call:
    """One model call as LiteLLM takes it, attempted as often as its retries allow."""

    def __init__(
        self,
        litellm: Any,
        model: str,
        messages: Sequence[ChatMessage],
        arguments: dict[str, Any],
        request_timeout: float,
        priced_as_served: bool,
    ) -> None:
        self.litellm = litellm
        self.model = model
        self.prefixed = str(arguments["model"])
        self.messages = [{"role": message.role, "content": message.content} for message in messages]
        self.arguments = {**arguments, "messages": self.messages}
        self.request_timeout = request_timeout
        self.priced_as_served = priced_as_served
        # Once part of a reply reached the caller, another attempt would repeat it.
        self.streamed = False
        # The caller's own on_token failed: its error is not the provider's.
        self.token_sink_failed = False

    async def whole(self) -> tuple[str, str, Any]:
        async with asyncio.timeout(self.request_timeout):
            response: Any = await self.litellm.acompletion(**self.arguments)
        usage = getattr(response, "usage", None)
        return response.choices[0].message.content or "", str(getattr(response, "model", None) or ""), usage

    async def stream(self, on_token: OnToken) -> tuple[str, str, Any]:
        """The reply as it comes; the timeout bounds each wait for the next piece, not the whole reply."""
        parts: list[str] = []
        served_model, usage = "", None
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(self.request_timeout) as deadline:
            stream: Any = await self.litellm.acompletion(**self.arguments, **self._stream_arguments())
            try:
                async for chunk in stream:
                    served_model = served_model or str(getattr(chunk, "model", None) or "")
                    usage = getattr(chunk, "usage", None) or usage
                    delta = chunk.choices[0].delta.content if chunk.choices else None
                    if delta:
                        parts.append(delta)
                        self.streamed = True
                        await self._deliver(on_token, delta)
                    deadline.reschedule(loop.time() + self.request_timeout)
            finally:
                await stream.aclose()
        return "".join(parts), served_model, usage

    async def _deliver(self, on_token: OnToken, delta: str) -> None:
        try:
            await on_token(delta)
        except Exception:
            self.token_sink_failed = True
            raise

    def _stream_arguments(self) -> dict[str, Any]:
        provider_name, bare = self.prefixed.split("/", 1)
        supported = self.litellm.get_supported_openai_params(model=bare, custom_llm_provider=provider_name) or []
        if "stream_options" in supported:
            return {"stream": True, "stream_options": {"include_usage": True}}
        return {"stream": True}

    def tokens(self, text: str, usage: Any) -> tuple[int, int]:
        """Usage as the server reported it, else as LiteLLM's tokenizer for the model counts it."""
        tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0)
        if tokens_in:
            return tokens_in, int(getattr(usage, "completion_tokens", 0) or 0)
        counted_in = self.litellm.token_counter(model=self.prefixed, messages=self.messages)
        counted_out = self.litellm.token_counter(model=self.prefixed, text=text, count_response_tokens=True)
        return int(counted_in), int(counted_out)

    def cost(self, served_model: str, tokens_in: int, tokens_out: int) -> float | None:
        """In US dollars, for the model asked for or else the one that answered (an Azure deployment's
        model); None when LiteLLM's price table knows neither."""
        prefix = self.prefixed.split("/", 1)[0] + "/"
        candidates = (self.model, served_model) if self.priced_as_served else (self.model,)
        for name in dict.fromkeys(name for name in candidates if name):
            try:
                prompt_cost, completion_cost = self.litellm.cost_per_token(
                    model=name if name.startswith(prefix) else prefix + name,
                    prompt_tokens=tokens_in,
                    completion_tokens=tokens_out,
                )
            except Exception:  # noqa: S112 - an unpriced model is not a failed call
                continue
            return float(prompt_cost) + float(completion_cost)
        return None


async def litellm_complete(
    provider: ProviderConfig,
    model: str,
    messages: Sequence[ChatMessage],
    *,
    max_tokens: int | None,
    temperature: float | None,
    request_timeout: float,
    num_retries: int,
    retry_backoff_seconds: float,
    on_token: OnToken | None,
) -> Completion:
    arguments = litellm_arguments(provider, model)
    litellm = await _litellm()
    # Retries are ours (with Retry-After honoured and the attempts counted in the message), not LiteLLM's
    # nor the OpenAI client's.
    arguments.update(timeout=request_timeout, num_retries=0, max_retries=0)
    if max_tokens is not None:
        arguments["max_tokens"] = max_tokens
    if temperature is not None:
        arguments["temperature"] = temperature
    # Self-hosted OpenAI-compatible servers may answer under any name (llama.cpp says "gpt-3.5-turbo"):
    # only the name asked for prices their calls.
    priced_as_served = provider.type is not ProviderType.openai_compatible
    call = _Call(litellm, model, messages, arguments, request_timeout, priced_as_served)
    started = time.perf_counter()
    attempts = max(0, num_retries) + 1
    attempt = 0
    while True:
        attempt += 1
        try:
            text, served_model, usage = await (call.stream(on_token) if on_token else call.whole())
        except Exception as exc:  # every provider failure becomes a ProviderCallError
            if call.token_sink_failed:
                raise
            failure = judge(exc, provider.api_key, request_timeout)
            if failure.retryable and not call.streamed and attempt < attempts:
                await asyncio.sleep(backoff_seconds(attempt - 1, retry_backoff_seconds, failure.retry_after))
                continue
            message = failure.message
            if failure.retryable and attempt > 1:
                message += f" (gave up after {attempt} attempts)"
            raise ProviderCallError(
                message, status_code=failure.status_code, latency_ms=_elapsed_ms(started), retryable=failure.retryable
            ) from None
        tokens_in, tokens_out = call.tokens(text, usage)
        return Completion(
            text=text,
            model=served_model or model,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            latency_ms=_elapsed_ms(started),
            cost=call.cost(served_model, tokens_in, tokens_out),
        )


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
