"""A reply from a model: called through the gateway with the provider's key opened only now, its tokens
relayed as they stream, its usage recorded like every other model call."""

from __future__ import annotations

import asyncio

from crewloom.chat.memory import estimate_tokens
from crewloom.chat.replies import ModelCall, Outcome, ReplyChannel, failure, until_stopped
from crewloom.kit.encryption import KeyRing, SecretUnavailable
from crewloom.llm import gateway
from crewloom.models import LlmUsage
from crewloom.observability.context import hide


class _KeyUnusable(Exception):
    pass


def _usage(
    call: ModelCall, *, completion: gateway.Completion | None = None, error: gateway.ProviderCallError | None = None
) -> LlmUsage:
    usage = LlmUsage(provider_id=call.provider_id, provider_type=call.provider_type.value, model=call.model)
    if completion is not None:
        usage.tokens_in, usage.tokens_out = completion.tokens_in, completion.tokens_out
        usage.cost, usage.latency_ms = completion.cost, completion.latency_ms
    if error is not None:
        usage.error, usage.latency_ms = error.message[:2000], error.latency_ms or 0
    return usage


class ModelReply:
    def __init__(self, keyring: KeyRing, timeout_seconds: float) -> None:
        self._keyring = keyring
        self._timeout_seconds = timeout_seconds

    def _provider(self, channel: ReplyChannel, call: ModelCall) -> gateway.ProviderConfig:
        try:
            api_key = self._keyring.open(call.sealed_key, channel.prepared.tenant_id) if call.sealed_key else None
        except SecretUnavailable as exc:
            raise _KeyUnusable(
                f"the provider's stored API key cannot be used ({exc}); an admin must set it again"
            ) from None
        if api_key:
            hide((api_key,))
        return gateway.ProviderConfig(
            type=call.provider_type, api_key=api_key, base_url=call.base_url, options=call.options
        )

    async def outcome(self, channel: ReplyChannel, call: ModelCall, stop: asyncio.Event) -> Outcome:
        try:
            provider = self._provider(channel, call)
            work = asyncio.create_task(gateway.complete(provider, call.model, call.messages, on_token=channel.token))
            finished = await until_stopped(work, stop, self._timeout_seconds)
            completion = work.result() if finished else None
        except _KeyUnusable as exc:
            return failure(str(exc))
        except gateway.ProviderCallError as exc:
            return failure(f"the model provider failed: {exc.message}", usage=_usage(call, error=exc))
        except TimeoutError:
            return failure(f"no reply within {self._timeout_seconds:g} s; the model may be overloaded")
        if completion is None:
            partial = channel.progress.text
            # Stopped midway: the provider reports no usage, so what was sent and received is estimated.
            return Outcome(
                {
                    "status": "stopped",
                    "content": partial,
                    "tokens_in": sum(estimate_tokens(message.content) for message in call.messages),
                    "tokens_out": estimate_tokens(partial) if partial else 0,
                }
            )
        return Outcome(
            {
                "status": "complete",
                "content": completion.text,
                "tokens_in": completion.tokens_in,
                "tokens_out": completion.tokens_out,
                "cost": completion.cost,
            },
            _usage(call, completion=completion),
        )
