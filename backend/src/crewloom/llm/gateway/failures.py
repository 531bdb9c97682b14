"""How a failed provider call is told to people (in the provider's own words, never with the key) and
judged for another attempt: rate limits, server errors, timeouts and lost connections may pass; any
other refusal would only repeat."""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

# LiteLLM's class for an error does not always follow the status (a 503 may come as BadRequestError), so
# the status decides, then the class for what a status cannot tell.
_KINDS_BY_STATUS = {
    400: "request refused",
    401: "authentication failed",
    403: "permission denied",
    404: "not found (check the model name and the base URL)",
    408: "timed out",
    422: "request refused",
    429: "rate limited",
    502: "service unavailable",
    503: "service unavailable",
    504: "service unavailable",
}
_KINDS_BY_CLASS = {
    "ContextWindowExceededError": "prompt too long for the model",
    "ContentPolicyViolationError": "refused by the content policy",
    "AuthenticationError": "authentication failed",
    "PermissionDeniedError": "permission denied",
    "NotFoundError": "not found (check the model name and the base URL)",
    "RateLimitError": "rate limited",
    "Timeout": "timed out",
    "BadRequestError": "request refused",
    "UnprocessableEntityError": "request refused",
    "ServiceUnavailableError": "service unavailable",
    "InternalServerError": "provider error",
}
_SPECIFIC_CLASSES = frozenset({"ContextWindowExceededError", "ContentPolicyViolationError"})
_LITELLM_PREFIX = re.compile(r"^(?:litellm\.\w+:\s*|\w+Error:\s*|\w+Exception\s*-\s*)+")
# LiteLLM reports a refused or dropped connection as a server error (HTTP 500); the exceptions it was
# raised from tell the truth.
_CONNECTION_ERRORS = frozenset({"APIConnectionError", "ConnectError", "ClientConnectorError", "RemoteProtocolError"})
_TIMEOUT_ERRORS = frozenset({"Timeout", "APITimeoutError", "TimeoutException", "TimeoutError"})
_CONNECTION_KIND = "could not connect (check the base URL)"
# A server asking for a longer pause than this is retried after this long all the same.
MAX_WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class Failure:
    message: str
    status_code: int | None
    retryable: bool
    # The pause the provider asked for (Retry-After), in seconds.
    retry_after: float | None = None


def retryable_status(status: int | None) -> bool:
    return status is not None and (status in (408, 429) or 500 <= status <= 599)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _raised_from(exc: BaseException, names: frozenset[str]) -> bool:
    return any(cls.__name__ in names for link in _chain(exc) for cls in type(link).__mro__)


def _timed_out(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError) or _raised_from(exc, _TIMEOUT_ERRORS)


def _lost_connection(exc: BaseException) -> bool:
    return any(isinstance(link, ConnectionError) for link in _chain(exc)) or _raised_from(exc, _CONNECTION_ERRORS)


def _providers_words(exc: BaseException) -> str:
    raw = str(getattr(exc, "message", None) or exc).strip()
    return _LITELLM_PREFIX.sub("", raw).strip() or raw


def _redacted(message: str, secret: str | None) -> str:
    return message.replace(secret, "[redacted]") if secret else message


def describe_failure(exc: BaseException, secret: str | None) -> str:
    """What went wrong in the provider's own words, without LiteLLM's class-name prefixes, and with the
    key blanked out should the provider echo it back."""
    text = _providers_words(exc)
    if _lost_connection(exc) and not _timed_out(exc):
        return _redacted(f"{_CONNECTION_KIND}: {text}", secret)
    status = getattr(exc, "status_code", None)
    if not isinstance(status, int):
        return _redacted(f"{_kind(type(exc).__name__, None)}: {text}", secret)
    return _redacted(f"{_kind(type(exc).__name__, status)} (HTTP {status}): {text}", secret)


def _kind(class_name: str, status: int | None) -> str:
    if class_name in _SPECIFIC_CLASSES or status is None:
        return _KINDS_BY_CLASS.get(class_name, "call failed")
    if status in _KINDS_BY_STATUS:
        return _KINDS_BY_STATUS[status]
    if status >= 500:
        return "provider error"
    return _KINDS_BY_CLASS.get(class_name, "call failed")


def judge(exc: BaseException, secret: str | None, request_timeout: float) -> Failure:
    if _timed_out(exc):
        return Failure(f"timed out after {request_timeout:g} s", status_code=None, retryable=True)
    if _lost_connection(exc):
        return Failure(describe_failure(exc, secret), status_code=None, retryable=True)
    status = getattr(exc, "status_code", None)
    status = status if isinstance(status, int) else None
    return Failure(
        describe_failure(exc, secret),
        status_code=status,
        retryable=retryable_status(status),
        retry_after=retry_after_seconds(_headers(exc)),
    )


def _headers(exc: BaseException) -> Mapping[str, str]:
    headers = getattr(exc, "litellm_response_headers", None)
    if headers is None:
        try:
            headers = exc.response.headers  # type: ignore[attr-defined]
        except Exception:  # some errors have no response, or one that cannot be read
            return {}
    try:
        return {str(name).lower(): str(value) for name, value in headers.items()}
    except AttributeError:
        return {}


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The pause a response asks for: OpenAI's retry-after-ms, or Retry-After in seconds or as a date."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / scale)
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            continue
        return max(0.0, when.timestamp() - time.time())
    return None
