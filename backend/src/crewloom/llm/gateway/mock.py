"""The offline ``mock`` provider: deterministic replies without any network, in the ReAct format CrewAI
parses when the conversation asks for it, scripted replies and failures, and a simulated latency."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from crewloom.llm.gateway.contract import ChatMessage, Completion, OnToken, ProviderCallError
from crewloom.llm.gateway.failures import retryable_status

# CrewAI's format instructions for agents that may use tools end with this line's pattern; an agent
# without it takes any text as its answer.
REACT_MARKER = "Final Answer:"
REACT_THOUGHT = "Thought: I now can give a great answer\nFinal Answer: "
# Where CrewAI's task prompt states the task, and where its own instructions after it begin.
_TASK_HEADING = "Current Task:"
_WORD = re.compile(r"\S+")
_PIECE = re.compile(r"\s*\S+\s*")


class ScriptedResponse(BaseModel):
    """One scripted answer: the first whose ``match`` occurs in the last user message (or that has no
    ``match``) gives its ``reply`` verbatim, or fails the call with ``error``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    match: str | None = Field(default=None, min_length=1, max_length=2000)
    reply: str | None = Field(default=None, max_length=100_000)
    error: str | None = Field(default=None, min_length=1, max_length=2000)
    status_code: int | None = Field(default=None, ge=400, le=599, strict=True)

    @model_validator(mode="after")
    def _one_outcome(self) -> ScriptedResponse:
        if (self.reply is None) == (self.error is None):
            raise ValueError("give either a reply or an error")
        if self.status_code is not None and self.error is None:
            raise ValueError("status_code goes with an error, not a reply")
        return self


class MockOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    responses: list[ScriptedResponse] = Field(default_factory=list, max_length=100)
    latency_ms: int = Field(default=0, ge=0, le=60_000, strict=True)


_NO_OPTIONS = MockOptions()


def mock_option_problems(options: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for each problem of the mock's options, fields named from ``options``; names
    the mock does not know are left to the caller, who reports them with the other types' names."""
    known = {name: value for name, value in options.items() if name in MockOptions.model_fields}
    try:
        MockOptions.model_validate(known)
    except ValidationError as exc:
        return [(_field(error["loc"]), _message(error)) for error in exc.errors()]
    return []


def _field(location: tuple[int | str, ...]) -> str:
    return ".".join(["options", *(str(part) for part in location)])


def _message(error: Any) -> str:
    if error["type"] == "model_type":
        return "must be an object with a reply or an error"
    return str(error["msg"]).removeprefix("Value error, ")


def _parsed(options: Mapping[str, Any]) -> MockOptions:
    if not options:
        return _NO_OPTIONS
    try:
        return MockOptions.model_validate(dict(options))
    except ValidationError as exc:
        problems = "; ".join(f"{_field(error['loc'])}: {_message(error)}" for error in exc.errors())
        raise ProviderCallError(f"the mock provider's options are invalid: {problems}") from None


def _truncated(text: str, max_words: int | None) -> str:
    """The text up to its ``max_words``-th word, its own spacing and line breaks kept."""
    if max_words is None:
        return text
    if max_words <= 0:
        return ""
    for position, word in enumerate(_WORD.finditer(text), start=1):
        if position == max_words:
            return text[: word.end()]
    return text


def _words(text: str) -> int:
    return len(text.split())


def _wants_react(messages: Sequence[ChatMessage]) -> bool:
    return any(message.role != "assistant" and REACT_MARKER in message.content for message in messages)


def _subject(prompt: str, react: bool) -> str:
    """What the default reply echoes. In CrewAI's prompts only the task itself, since an echo of the
    instructions (with their own "Final Answer:") would confuse CrewAI's parser."""
    if react and _TASK_HEADING in prompt:
        prompt = prompt.rsplit(_TASK_HEADING, 1)[1].split("\n\n", 1)[0]
    if react:
        prompt = prompt.replace(REACT_MARKER, "Final Answer")
    return " ".join(prompt.split())


def _scripted(options: MockOptions, prompt: str) -> ScriptedResponse | None:
    return next((entry for entry in options.responses if entry.match is None or entry.match in prompt), None)


def _default_reply(messages: Sequence[ChatMessage], prompt: str, max_tokens: int | None) -> str:
    react = _wants_react(messages)
    reply = _truncated(f"Mock reply to: {_subject(prompt, react)}".strip(), max_tokens)
    return REACT_THOUGHT + reply if react else reply


async def _deliver(text: str, latency_ms: int, on_token: OnToken | None) -> None:
    """Wait the simulated latency, spread across the streamed pieces when someone follows them."""
    if on_token is None:
        if latency_ms:
            await asyncio.sleep(latency_ms / 1000)
        return
    pieces = (_PIECE.findall(text) or [text]) if latency_ms else [text]
    for piece in pieces:
        if latency_ms:
            await asyncio.sleep(latency_ms / 1000 / len(pieces))
        if piece:
            await on_token(piece)


async def mock_complete(
    options: Mapping[str, Any],
    model: str,
    messages: Sequence[ChatMessage],
    *,
    max_tokens: int | None,
    on_token: OnToken | None,
) -> Completion:
    parsed = _parsed(options)
    prompt = next((message.content for message in reversed(messages) if message.role == "user"), "")
    scripted = _scripted(parsed, prompt)
    if scripted is not None and scripted.error is not None:
        if parsed.latency_ms:
            await asyncio.sleep(parsed.latency_ms / 1000)
        status = scripted.status_code
        raise ProviderCallError(
            scripted.error, status_code=status, latency_ms=parsed.latency_ms, retryable=retryable_status(status)
        )
    if scripted is not None and scripted.reply is not None:
        text = _truncated(scripted.reply, max_tokens)
    else:
        text = _default_reply(messages, prompt, max_tokens)
    await _deliver(text, parsed.latency_ms, on_token)
    return Completion(
        text=text,
        model=model,
        tokens_in=sum(_words(message.content) for message in messages),
        tokens_out=_words(text),
        latency_ms=parsed.latency_ms,
    )
