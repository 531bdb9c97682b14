"""A machine without a usable sandbox, for the tests of failing closed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crewloom.config import get_settings


@pytest.fixture
def no_sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The configured bubblewrap binary does not exist, as on a machine without one; nothing else changes."""
    monkeypatch.setenv("CREWLOOM_BWRAP_PATH", "/nonexistent/bwrap")
    # The settings are read once per process: read them again with the setting, and again without it after.
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
