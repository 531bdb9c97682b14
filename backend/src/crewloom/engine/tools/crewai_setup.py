"""CrewAI is loaded only where agents or built-in tools run (importing it takes seconds), and quietly: no
telemetry, no tracing, no version check, nothing printed to the worker's output."""

from __future__ import annotations

import os
import warnings
from functools import cache

# Read by CrewAI when it starts its telemetry and tracing; they are process settings, never tenant data.
_QUIET_ENVIRONMENT = {
    "CREWAI_DISABLE_TELEMETRY": "true",
    "CREWAI_DISABLE_TRACKING": "true",
    "OTEL_SDK_DISABLED": "true",
    "CREWAI_TRACING_ENABLED": "false",
    "CREWAI_DISABLE_VERSION_CHECK": "true",
}


@cache
def prepare_crewai() -> None:
    """Call before the first import of crewai or crewai_tools; does its work once."""
    os.environ.update(_QUIET_ENVIRONMENT)
    # CrewAI warns that a stateful callback cannot be checkpointed; runs here are never checkpointed.
    warnings.filterwarnings("ignore", message=r".* callbacks cannot be serialized", category=UserWarning)


def quiet_worker_thread() -> None:
    """Loads CrewAI and silences its console for the rest of the calling thread: its context variables say that
    no panel nor warning is printed. Only for the threads of run_in_thread, which end with their work."""
    prepare_crewai()
    from crewai.events.event_context import EventContextConfig, MismatchBehavior, _event_context_config
    from crewai_core.printer import set_suppress_console_output

    set_suppress_console_output(True)
    # A cancelled or failed run leaves CrewAI's events unpaired, which it otherwise prints as warnings.
    _event_context_config.set(
        EventContextConfig(mismatch_behavior=MismatchBehavior.SILENT, empty_pop_behavior=MismatchBehavior.SILENT)
    )
