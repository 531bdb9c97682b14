"""The files of one tenant, under its workspace directory. A path is always relative to the workspace, and it is
opened one component at a time from the workspace's own descriptor, never following a symbolic link: neither
``..``, an absolute path, nor a link (even one swapped in between a check and a use) leads out of it."""

from __future__ import annotations

import errno
import io
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from itertools import islice
from pathlib import Path
from typing import BinaryIO

MAX_READ_BYTES = 1024 * 1024
MAX_LISTED_FILES = 1000
_DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a FIFO must fail or return at once rather than wait for its other end.
_FILE_FLAGS = os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


class WorkspaceError(Exception):
    """A path the workspace refuses, or a file it cannot read or write; the message says which and why."""


def _parts(path: str) -> list[str]:
    if "\x00" in path:
        raise WorkspaceError(f"{path!r} holds a NUL character")
    if path.startswith(("/", "\\")):
        raise WorkspaceError(f"{path!r} is an absolute path: paths are relative to the workspace")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise WorkspaceError(f"{path!r} leads out of the workspace: '..' is not allowed")
    return parts


def _shown(parts: list[str]) -> str:
    return "/".join(parts) or "."


def _failure(error: OSError, parts: list[str]) -> WorkspaceError:
    shown = _shown(parts)
    if error.errno == errno.ELOOP:
        return WorkspaceError(f"{shown}: a symbolic link is on the way, and file tools do not follow links")
    if error.errno == errno.ENOENT:
        return WorkspaceError(f"{shown}: no such file or directory in the workspace")
    if error.errno == errno.ENOTDIR:
        return WorkspaceError(f"{shown}: a file is where a directory should be")
    if error.errno == errno.EISDIR:
        return WorkspaceError(f"{shown}: a directory, not a file")
    if error.errno == errno.EEXIST:
        return WorkspaceError(f"{shown}: already exists; write with overwrite to replace it")
    return WorkspaceError(f"{shown}: {error.strerror or type(error).__name__}")


def _is_link(name: str, directory: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=directory, follow_symlinks=False).st_mode)
    except OSError:
        return False


class Workspace:
    """A directory of a tenant's files: ``root`` and, below it, the directory ``base`` tools are held to."""

    def __init__(self, root: Path, base: str = "") -> None:
        self._root = root
        self._base = _parts(base)

    def below(self, directory: str) -> Workspace:
        """The same workspace with paths relative to, and held inside, ``directory``."""
        return Workspace(self._root, "/".join([*self._base, *_parts(directory)]))

    @contextmanager
    def _directory(self, parts: list[str], *, create: bool = False) -> Iterator[int]:
        self._root.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(self._root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            for depth, part in enumerate(parts, start=1):
                try:
                    if create:
                        with suppress(FileExistsError):
                            os.mkdir(part, 0o700, dir_fd=descriptor)
                    inner = os.open(part, _DIRECTORY_FLAGS, dir_fd=descriptor)
                except OSError as exc:
                    # A link to a directory fails as "not a directory": told as the link it is.
                    if exc.errno == errno.ENOTDIR and _is_link(part, descriptor):
                        exc = OSError(errno.ELOOP, "a symbolic link")
                    raise _failure(exc, parts[:depth]) from None
                os.close(descriptor)
                descriptor = inner
            yield descriptor
        finally:
            os.close(descriptor)

    @contextmanager
    def _file(self, path: str, flags: int, *, create: bool = False) -> Iterator[tuple[BinaryIO, list[str]]]:
        parts = [*self._base, *_parts(path)]
        if len(parts) == len(self._base):
            raise WorkspaceError(f"{path!r} names no file")
        with self._directory(parts[:-1], create=create) as directory:
            try:
                descriptor = os.open(parts[-1], flags | _FILE_FLAGS, 0o600, dir_fd=directory)
            except OSError as exc:
                raise _failure(exc, parts) from None
        try:
            mode = os.fstat(descriptor).st_mode
            if not stat.S_ISREG(mode):
                raise _failure(
                    OSError(errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL, "not a regular file"), parts
                )
            file = os.fdopen(descriptor, "wb" if flags & os.O_WRONLY else "rb")
        except BaseException:
            os.close(descriptor)
            raise
        with file:
            yield file, parts

    def read_text(
        self, path: str, *, encoding: str = "utf-8", start_line: int = 1, line_count: int | None = None
    ) -> str:
        """The file's text, or ``line_count`` of its lines from ``start_line`` (1 is the first)."""
        with self._file(path, os.O_RDONLY) as (file, parts):
            if start_line <= 1 and line_count is None and os.fstat(file.fileno()).st_size > MAX_READ_BYTES:
                raise WorkspaceError(
                    f"{_shown(parts)} is larger than {MAX_READ_BYTES // 1024} KB: read it in windows of "
                    "start_line and line_count"
                )
            first = max(start_line - 1, 0)
            last = None if line_count is None else first + line_count
            lines: list[str] = []
            size = 0
            try:
                with io.TextIOWrapper(file, encoding=encoding) as text:
                    for line in islice(text, first, last):
                        size += len(line)
                        if size > MAX_READ_BYTES:
                            raise WorkspaceError(
                                f"{_shown(parts)}: the lines asked for are more than {MAX_READ_BYTES // 1024} KB"
                            )
                        lines.append(line)
            except (UnicodeDecodeError, LookupError) as exc:
                raise WorkspaceError(f"{_shown(parts)} cannot be read as {encoding}: {exc}") from None
        return "".join(lines)

    def write_text(self, path: str, content: str, *, encoding: str = "utf-8", overwrite: bool = False) -> str:
        """Writes the file, creating its directories; the path written, relative to the workspace."""
        try:
            data = content.encode(encoding)
        except (UnicodeEncodeError, LookupError) as exc:
            raise WorkspaceError(f"{path!r} cannot be written as {encoding}: {exc}") from None
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
        with self._file(path, flags, create=True) as (file, parts):
            file.write(data)
        return _shown(parts)

    def list_files(self, directory: str = "") -> list[str]:
        """The files under ``directory``, relative to the workspace, sorted; links are listed, never entered."""
        parts = [*self._base, *_parts(directory)]
        found: list[str] = []
        with self._directory(parts) as descriptor:
            for folder, _, files, _ in os.fwalk(".", dir_fd=descriptor, follow_symlinks=False):
                inside = [part for part in folder.split("/") if part != "."]
                found.extend(_shown([*parts, *inside, name]) for name in files)
                if len(found) > MAX_LISTED_FILES:
                    break
        return sorted(found)
