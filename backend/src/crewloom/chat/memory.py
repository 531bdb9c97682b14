"""What a target is given of a conversation: the newest messages that fit a token budget, and in front of
them a short, deterministic summary of those that did not (no model call is spent on it)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from crewloom.llm import gateway

# A common rule of thumb for English and code; deterministic, offline and tokenizer-free.
_CHARACTERS_PER_TOKEN = 4
# Each message also costs a few tokens of framing (role, separators) in every provider's format.
_TOKENS_PER_MESSAGE = 4
# The summary names at most this many trimmed messages (the most recent ones), each cut to one short line.
_SUMMARY_LINES = 5
_SUMMARY_LINE_CHARACTERS = 80
# The summary may take up to this fraction (1/n) of the budget from older messages.
_SUMMARY_SHARE = 4


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Context:
    messages: list[gateway.ChatMessage]
    sent: int
    trimmed: int
    tokens: int


def estimate_tokens(text: str) -> int:
    return _TOKENS_PER_MESSAGE + math.ceil(len(text) / _CHARACTERS_PER_TOKEN)


def _first_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(line) <= _SUMMARY_LINE_CHARACTERS:
        return line
    return line[: _SUMMARY_LINE_CHARACTERS - 1].rstrip() + "…"


def summary_of(trimmed: Sequence[Turn], lines: int = _SUMMARY_LINES) -> str:
    """A count of the trimmed messages and the first line of the latest ``lines`` of them."""
    shown = trimmed[len(trimmed) - lines :] if lines else []
    summary = [f"Earlier in this conversation ({len(trimmed)} messages not shown):"]
    if len(trimmed) > len(shown):
        summary.append(f"- ({len(trimmed) - len(shown)} more before these)")
    summary.extend(f"- {turn.role}: {_first_line(turn.content)}" for turn in shown)
    return "\n".join(summary)


def _fitting_summary(trimmed: Sequence[Turn], room: int) -> str:
    """The most detailed summary within ``room`` tokens; at least the count."""
    for lines in range(min(_SUMMARY_LINES, len(trimmed)), 0, -1):
        summary = summary_of(trimmed, lines)
        if estimate_tokens(summary) <= room:
            return summary
    return summary_of(trimmed, 0)


def build_context(turns: Sequence[Turn], budget: int) -> Context:
    """The conversation for the target, newest last. The last turn (the message being answered) is always
    sent; older ones are added newest first while they fit, leaving room for the summary of those left
    out (up to a share of the budget), which says as much as the rest of the budget allows."""
    if not turns:
        return Context(messages=[], sent=0, trimmed=0, tokens=0)
    *older, last = turns
    used = estimate_tokens(last.content)
    kept: list[Turn] = []
    for position in range(len(older) - 1, -1, -1):
        cost = estimate_tokens(older[position].content)
        reserve = min(estimate_tokens(summary_of(older[:position])), budget // _SUMMARY_SHARE) if position else 0
        if used + cost + reserve > budget:
            break
        kept.append(older[position])
        used += cost
    kept.reverse()
    trimmed = older[: len(older) - len(kept)]
    messages = [gateway.ChatMessage(role=turn.role, content=turn.content) for turn in [*kept, last]]
    if trimmed:
        summary = _fitting_summary(trimmed, budget - used)
        messages.insert(0, gateway.ChatMessage(role="system", content=summary))
        used += estimate_tokens(summary)
    return Context(messages=messages, sent=len(kept) + 1, trimmed=len(trimmed), tokens=used)
