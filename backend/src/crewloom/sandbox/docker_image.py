"""Building the Docker sandbox's Python image without pulling anything: a root file system made of this
machine's system interpreter, its standard library and the shared libraries they load, imported with
``docker import``."""

from __future__ import annotations

import io
import os
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

from docker.errors import DockerException

from crewloom.config import Settings, get_settings
from crewloom.sandbox.contract import SANDBOX_ENVIRONMENT, SANDBOX_TMP, SandboxUnavailable
from crewloom.sandbox.docker import IMAGE_PYTHON, SANDBOX_USER, DockerSandbox

# Parts of the standard library a tool never needs: tests, GUIs, the static build tree, package tooling.
SKIPPED_STDLIB = frozenset(
    {"test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "pydoc_data", "site-packages", "dist-packages"}
)
SKIPPED_PREFIX = "config-"
PASSWD = "nobody:x:65534:65534:nobody:/tmp:/usr/sbin/nologin\n"
GROUP = "nogroup:x:65534:\n"
_LIBRARY = re.compile(r"(?:=>\s*)?(/\S+)\s+\(0x")


class _RootFs:
    """A tar stream of host paths, with every symbolic link on the way kept as a link."""

    def __init__(self, archive: tarfile.TarFile) -> None:
        self.archive = archive
        self.added: set[str] = {"/"}

    def add(self, path: str) -> None:
        path = os.path.abspath(path)
        if path in self.added:
            return
        parent = os.path.dirname(path)
        self.add(parent)
        real = os.path.join(os.path.realpath(parent), os.path.basename(path))
        if real in self.added:
            return
        self.added.add(real)
        entry = self.archive.gettarinfo(real, arcname=real.lstrip("/"))
        entry.uid = entry.gid = 0
        entry.uname = entry.gname = "root"
        if entry.isfile():
            with open(real, "rb") as content:
                self.archive.addfile(entry, content)
        else:
            self.archive.addfile(entry)
        if entry.issym():
            self.add(os.path.join(os.path.dirname(real), os.readlink(real)))

    def add_tree(self, root: str) -> None:
        for directory, subdirectories, files in os.walk(root):
            subdirectories[:] = [
                name
                for name in subdirectories
                if not (directory == root and (name in SKIPPED_STDLIB or name.startswith(SKIPPED_PREFIX)))
            ]
            self.add(directory)
            for name in files:
                self.add(os.path.join(directory, name))

    def add_text(self, path: str, text: str, mode: int = 0o644) -> None:
        data = text.encode()
        entry = tarfile.TarInfo(path.lstrip("/"))
        entry.size, entry.mode = len(data), mode
        self.archive.addfile(entry, io.BytesIO(data))

    def add_directory(self, path: str, mode: int) -> None:
        entry = tarfile.TarInfo(path.lstrip("/"))
        entry.type, entry.mode = tarfile.DIRTYPE, mode
        self.archive.addfile(entry)


def _shared_libraries(binaries: list[str]) -> set[str]:
    found: set[str] = set()
    for binary in binaries:
        listed = subprocess.run(["ldd", binary], capture_output=True, text=True, check=False).stdout  # noqa: S603,S607
        found.update(match.group(1) for match in _LIBRARY.finditer(listed))
    return found


def write_root_filesystem(python: Path, destination: Path) -> None:
    """A tar of a root file system where ``/usr/bin/python3`` is ``python`` with its standard library."""
    stdlib = subprocess.run(  # noqa: S603 - the configured interpreter
        [str(python), "-S", "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    interpreter = os.path.realpath(python)
    dynload = os.path.join(stdlib, "lib-dynload")
    extensions = [os.path.join(dynload, name) for name in os.listdir(dynload) if name.endswith(".so")]
    with tarfile.open(destination, "w") as archive:
        root = _RootFs(archive)
        root.add(interpreter)
        for library in sorted(_shared_libraries([interpreter, *extensions])):
            root.add(library)
        root.add_tree(stdlib)
        if interpreter != IMAGE_PYTHON:
            root.archive.addfile(_link(IMAGE_PYTHON, interpreter))
        root.add_text("/etc/passwd", PASSWD)
        root.add_text("/etc/group", GROUP)
        root.add_directory(SANDBOX_TMP, 0o1777)


def _link(path: str, target: str) -> tarfile.TarInfo:
    entry = tarfile.TarInfo(path.lstrip("/"))
    entry.type, entry.linkname = tarfile.SYMTYPE, target
    return entry


def build_python_image(settings: Settings | None = None) -> str:
    """Build ``CREWLOOM_SANDBOX_IMAGE`` from this machine's ``CREWLOOM_SANDBOX_PYTHON``; returns the image id."""
    settings = settings or get_settings()
    sandbox = DockerSandbox(settings.docker_host or os.environ.get("DOCKER_HOST"), settings.sandbox_image)
    repository, _, tag = settings.sandbox_image.partition(":")
    changes = [
        *(f"ENV {name}={value}" for name, value in SANDBOX_ENVIRONMENT.items()),
        f"USER {SANDBOX_USER}",
        f"WORKDIR {SANDBOX_TMP}",
        f'CMD ["{IMAGE_PYTHON}"]',
    ]
    client = sandbox.client()
    try:
        with tempfile.TemporaryDirectory(prefix="crewloom-image-") as directory:
            rootfs = Path(directory) / "rootfs.tar"
            write_root_filesystem(settings.sandbox_python, rootfs)
            client.api.import_image_from_file(str(rootfs), repository=repository, tag=tag or "latest", changes=changes)
        image = client.images.get(settings.sandbox_image)
    except (DockerException, OSError, subprocess.CalledProcessError) as error:
        raise SandboxUnavailable(f"docker: could not build {settings.sandbox_image}: {error}") from None
    finally:
        client.close()
    return str(image.id)
