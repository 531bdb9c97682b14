"""The collector's view of a long-running process's heap."""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """What starting a process allocates (modules, the app, its routes and schemas) lives as long as the process:
    moved out of the collector's reach, so that a full collection walks only what later work allocates. Without
    it, every full collection under load walked millions of startup objects, and each froze the event loop for
    long enough to delay every event stream of the process."""
    gc.collect()
    gc.freeze()
