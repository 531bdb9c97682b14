"""One key ring per process: built once, and rebuilt only when the key file is replaced, so that a
running server follows ``crewloom keys rotate`` without a restart and never seals under a removed key."""

from __future__ import annotations

import threading

from fastapi import Request

from crewloom.config import Settings
from crewloom.kit.encryption import KeyRing, key_file

_Stamp = tuple[int, int] | None


class KeyRingSource:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._ring: KeyRing | None = None
        self._stamp: _Stamp = None

    def _file_stamp(self) -> _Stamp:
        if self._settings.master_keys:
            # Keys from the environment change only with a restart.
            return None
        try:
            status = key_file(self._settings).stat()
        except FileNotFoundError:
            return None
        # The file is replaced atomically: a new inode or a new mtime means new keys.
        return status.st_ino, status.st_mtime_ns

    def current(self) -> KeyRing:
        stamp = self._file_stamp()
        with self._lock:
            if self._ring is None or stamp != self._stamp:
                self._ring = KeyRing.from_settings(self._settings)
                self._stamp = self._file_stamp()
            return self._ring


async def get_keyring(request: Request) -> KeyRing:
    # Async, so it runs on the event loop: two first requests never build two sources.
    state = request.app.state
    source: KeyRingSource | None = getattr(state, "keyring_source", None)
    if source is None:
        source = KeyRingSource(state.settings)
        state.keyring_source = source
    return source.current()
