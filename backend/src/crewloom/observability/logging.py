"""Log lines: one JSON object per line (``ts``, ``level``, ``logger``, ``message``, the ids of the request,
tenant, user, execution and node when known, ``exc_info``), or plain text for a person at a terminal.
Configured once per process by ``crewloom api``, ``up`` and ``worker``; uvicorn's, Celery's and LiteLLM's
loggers go through the same handler.

Whatever the code logs, a line never carries a secret: the secrets registered for the request or execution
(its bearer token, the keys a run decrypted) are taken out as the engine takes them out of events, and so is
anything shaped like a credential (bearer tokens, JWTs, API keys, ``password=...``), as a second line of
defence for what nobody registered."""

from __future__ import annotations

import json
import logging
import logging.config
import re
from datetime import UTC, datetime
from typing import Any, Literal

from crewloom.config import Settings
from crewloom.events.record import redact
from crewloom.observability.context import hidden_secrets, log_fields

LogFormat = Literal["json", "text"]

# The context fields, in the order they are written.
CONTEXT_FIELDS = ("request_id", "tenant_id", "user_id", "api_key_id", "execution_id", "node_id")
_REDACTED = "[redacted]"
_CREDENTIAL_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{8,}"), rf"\1\2{_REDACTED}"),
    # JWTs: access and refresh tokens, and anyone else's.
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), _REDACTED),
    # Crewloom API keys keep their visible prefix, which lists show anyway.
    (re.compile(r"\b(cl_[a-z0-9]{8}_)[A-Za-z0-9_-]+"), rf"\1{_REDACTED}"),
    # Provider keys: OpenAI and Anthropic (sk-...), Google (AIza...).
    (re.compile(r"\b(?:sk|rk|pk)-[A-Za-z0-9_-]{16,}"), _REDACTED),
    (re.compile(r"\bAIza[0-9A-Za-z_-]{30,}"), _REDACTED),
    # name=value, name: value and "name": "value" (quoted values whole) for names that hold credentials.
    (
        re.compile(
            r"(?i)\b(password|passwd|secret|client_secret|token|access_token|refresh_token|api[_-]?key|x-api-key"
            r"|authorization)([\"']?\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|[^\s\"',;&}]+)"
        ),
        rf"\1\2{_REDACTED}",
    ),
)
# LiteLLM gives its loggers a plain-text handler of its own when it is imported, and logs every call at INFO.
_LITELLM_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy")
_configured = False


def without_secrets(text: str, secrets: set[str]) -> str:
    """``text`` without the registered ``secrets`` nor anything shaped like a credential."""
    if secrets:
        text = redact(text, secrets)
    for pattern, replacement in _CREDENTIAL_SHAPES:
        text = pattern.sub(replacement, text)
    return text


class ContextFilter(logging.Filter):
    """Puts the context of the task that logs on the record, as the record is made: a handler that formats
    later, or in another thread, still writes the right ids and hides the right secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "crewloom_fields"):
            setattr(record, "crewloom_fields", log_fields())  # noqa: B010 (LogRecord declares no such attribute)
            setattr(record, "crewloom_secrets", hidden_secrets())  # noqa: B010
        return True


def _context(record: logging.LogRecord) -> tuple[dict[str, str], set[str]]:
    fields = getattr(record, "crewloom_fields", None)
    secrets = getattr(record, "crewloom_secrets", None)
    return (
        dict(fields if fields is not None else log_fields()),
        secrets if secrets is not None else hidden_secrets(),
    )


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields, secrets = _context(record)
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": without_secrets(record.getMessage(), secrets),
        }
        line.update((name, fields[name]) for name in CONTEXT_FIELDS if name in fields)
        if record.exc_info:
            line["exc_info"] = without_secrets(self.formatException(record.exc_info), secrets)
        if record.stack_info:
            line["stack_info"] = without_secrets(self.formatStack(record.stack_info), secrets)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(crewloom_context)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        fields, secrets = _context(record)
        shown = " ".join(f"{name}={fields[name]}" for name in CONTEXT_FIELDS if name in fields)
        setattr(record, "crewloom_context", f" [{shown}]" if shown else "")  # noqa: B010
        return without_secrets(super().format(record), secrets)


def default_format(settings: Settings, *, local: bool) -> tuple[LogFormat, str]:
    """The format and level a command logs at: what the settings say, else JSON at INFO for the servers
    (their lines go to a collector) and text at WARNING for ``crewloom up`` (read by a person, who wants
    the banner and the problems, not a line per request)."""
    log_format: LogFormat = settings.log_format or ("text" if local else "json")
    level = (settings.log_level or ("WARNING" if local else "INFO")).upper()
    return log_format, level


def logging_config(log_format: LogFormat, level: str) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` document: one handler on stderr for every logger. uvicorn applies it
    in each of its worker processes too."""
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": f"{__name__}.ContextFilter"}},
        "formatters": {"line": {"()": f"{__name__}.{formatter.__name__}"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "line",
                "filters": ["context"],
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            # uvicorn's own handlers give way to the root's, so its lines (the access log too) share the format.
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": True},
            # Its INFO is a line per model call, its DEBUG whole requests.
            **{name: {"level": "WARNING" if level in ("DEBUG", "INFO") else level} for name in _LITELLM_LOGGERS},
        },
    }


def configure_logging(log_format: LogFormat, level: str) -> dict[str, Any]:
    """Configure this process's logging; the document, for uvicorn to apply in its workers."""
    global _configured
    config = logging_config(log_format, level)
    logging.config.dictConfig(config)
    # Warnings (Celery's about running as root, deprecations) become lines of the same format.
    logging.captureWarnings(True)
    _configured = True
    return config


def adopt_litellm_loggers() -> None:
    """Once LiteLLM is imported: its lines go through our handler only, formatted and redacted like the rest,
    rather than through its own plain-text handler as well."""
    if not _configured:
        return
    for name in _LITELLM_LOGGERS:
        logging.getLogger(name).handlers.clear()


def configure_worker_logging(log_format: LogFormat, level: str) -> None:
    """As configure_logging, and Celery is told to leave logging alone: by default its worker replaces the
    root logger's handlers with its own, and prints a plain-text banner that a JSON log does not want."""
    from celery import signals  # type: ignore[import-untyped]

    configure_logging(log_format, level)
    signals.setup_logging.connect(_leave_logging_alone, weak=False)
    if log_format == "json":
        signals.celeryd_init.connect(_no_banner, weak=False)


def _leave_logging_alone(**_: Any) -> None:
    """Celery configures logging itself unless a receiver of ``setup_logging`` does."""


def _no_banner(instance: Any, **_: Any) -> None:
    instance.quiet = True
