"""What a log line is about: the request, tenant, user, execution and node it was written for, carried in
context variables so that every logger picks them up without being handed anything, and the secrets that
must never appear in a line written for that request or execution.

A *scope* (a request, an execution) starts with fresh fields and secrets and ends by restoring what was
there before. Inside, ``bind`` adds what becomes known on the way (the principal, the node) for the rest of
the current task and the tasks it starts, and ``hide`` adds a secret to the scope's own list."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

REQUEST_ID_HEADER = "x-request-id"
# An incoming request id is kept when it is short and plain (uuids, hex, the ids proxies and tracers send);
# anything else is replaced, so that a client cannot put arbitrary text in every line of its request.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:;=/+@-]{0,127}")

_NO_FIELDS: Mapping[str, str] = MappingProxyType({})
_fields: ContextVar[Mapping[str, str]] = ContextVar("crewloom_log_fields", default=_NO_FIELDS)
# The secrets of the current scope: a list shared by every task of the scope, so a secret learned in one
# task is hidden in all of them. Collections are held by reference and read when a line is written, so a
# set that grows (a run's decrypted keys) is hidden as it grows.
_secrets: ContextVar[list[Collection[str]] | None] = ContextVar("crewloom_log_secrets", default=None)


def request_id_from(header: str | None) -> str:
    """The client's request id when it is sane, else a new one."""
    if header is not None and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


@contextmanager
def log_scope(**fields: object) -> Iterator[None]:
    """A request or an execution: ``fields`` (None values left out) on every line written inside, and an
    empty list of secrets; what was there before comes back at the end."""
    known = {name: _text(value) for name, value in fields.items() if value is not None}
    fields_token = _fields.set(MappingProxyType(known))
    secrets_token = _secrets.set([])
    try:
        yield
    finally:
        _secrets.reset(secrets_token)
        _fields.reset(fields_token)


def bind(**fields: object) -> None:
    """Add ``fields`` (None values left out) to the lines written from here on in this task and the tasks
    it starts, until the enclosing scope ends."""
    known = {name: _text(value) for name, value in fields.items() if value is not None}
    if known:
        _fields.set(MappingProxyType({**_fields.get(), **known}))


def hide(secrets: Collection[str]) -> None:
    """Never write any of ``secrets`` in a line of the current scope; a set passed here is read as it
    stands when each line is written."""
    scope = _secrets.get()
    if scope is not None:
        scope.append(secrets)


def log_fields() -> Mapping[str, str]:
    return _fields.get()


def hidden_secrets() -> set[str]:
    scope = _secrets.get()
    if not scope:
        return set()
    return {secret for secrets in scope for secret in secrets if secret}
