"""An execution's event as it is stored and sent: the runtime's dataclasses made into JSON-safe
records, with secrets taken out before anything leaves the worker."""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import re
from collections.abc import Collection, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from crewloom.engine.runtime.events import RunEvent

REDACTED = "[redacted]"
# Shorter secrets would blank out ordinary words.
MIN_SECRET_LENGTH = 4
# Deeper values are written as text: a cyclic or absurdly nested output must not break the log.
_MAX_DEPTH = 32
# PostgreSQL's JSONB refuses NUL characters in strings.
_NUL = "\x00"


@dataclasses.dataclass(frozen=True, kw_only=True)
class StoredEvent:
    """One event of the replayable log; ``id`` counts up from 1 within an execution."""

    id: int
    type: str
    node_id: str | None
    data: dict[str, Any]
    at: datetime

    def to_json(self) -> str:
        return self._json

    @functools.cached_property
    def _json(self) -> str:
        # Made once per event, however many followers it is sent to.
        document = {"id": self.id, "type": self.type, "node_id": self.node_id, "data": self.data, "at": self.at}
        # JSON escapes line breaks inside strings, so the document always fits one SSE data line.
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=_as_text)

    @classmethod
    def from_json(cls, text: str) -> StoredEvent:
        document = json.loads(text)
        event = cls(
            id=int(document["id"]),
            type=document["type"],
            node_id=document["node_id"],
            data=document["data"],
            at=datetime.fromisoformat(document["at"]),
        )
        # The text read is the text to send: written by to_json, it needs no second encoding.
        event.__dict__["_json"] = text
        return event

    def sse_frame(self) -> str:
        return self._frame

    @functools.cached_property
    def _frame(self) -> str:
        return f"id: {self.id}\nevent: {self.type}\ndata: {self._json}\n\n"


def _as_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def to_record(event: RunEvent) -> tuple[str, str | None, dict[str, Any]]:
    """The runtime event as ``(type, node_id, data)``, ``data`` holding every other field as JSON."""
    data = {
        field.name: json_safe(getattr(event, field.name))
        for field in dataclasses.fields(event)
        if field.name not in ("type", "node_id")
    }
    return event.type, getattr(event, "node_id", None), data


def json_safe(value: Any, depth: int = 0) -> Any:
    """``value`` as plain JSON: dataclasses and Pydantic models become objects, anything else unknown
    becomes its text."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return value.replace(_NUL, "\ufffd")
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if depth >= _MAX_DEPTH:
        return json_safe(str(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: json_safe(getattr(value, field.name), depth + 1) for field in dataclasses.fields(value)}
    if isinstance(value, BaseModel):
        return json_safe(value.model_dump(mode="json"), depth + 1)
    if isinstance(value, Mapping):
        return {json_safe(str(key)): json_safe(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item, depth + 1) for item in value]
    return json_safe(_as_text(value))


def redact(data: Any, secrets: Collection[str]) -> Any:
    """``data`` with every occurrence of a secret, in any string, key or nested value, replaced."""
    pattern = _secret_pattern(frozenset(secret for secret in secrets if len(secret) >= MIN_SECRET_LENGTH))
    if pattern is None:
        return data
    return _redact(data, pattern)


@lru_cache(maxsize=64)
def _secret_pattern(secrets: frozenset[str]) -> re.Pattern[str] | None:
    if not secrets:
        return None
    # Longest first, so a secret containing another is replaced whole.
    return re.compile("|".join(re.escape(secret) for secret in sorted(secrets, key=len, reverse=True)))


def _redact(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, Mapping):
        return {_redact(key, pattern): _redact(item, pattern) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact(item, pattern) for item in value]
    if isinstance(value, tuple):
        return tuple(_redact(item, pattern) for item in value)
    return value
