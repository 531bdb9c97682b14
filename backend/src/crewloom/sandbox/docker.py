"""The Docker backend: each call is a fresh container with no network, a read-only root, a size-capped
/tmp, no capabilities, no new privileges, pids/memory/CPU limits and uid 65534, removed when it ends and
killed at its wall time. The SDK blocks, so every call runs on a thread of its own pool."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import docker
from docker.errors import DockerException, ImageNotFound
from docker.models.containers import Container
from docker.types import Ulimit
from requests.exceptions import RequestException

from crewloom.config import Settings
from crewloom.sandbox.contract import SANDBOX_ENVIRONMENT, SANDBOX_TMP, Limits, Outcome, SandboxUnavailable
from crewloom.sandbox.outcomes import Finished, image_outcome_of, outcome_of
from crewloom.sandbox.runner import runner_argv

SANDBOX_USER = "65534:65534"
IMAGE_PYTHON = "/usr/bin/python3"
CPUS = 1
FRAME_HEADER_BYTES = 8
CHUNK_BYTES = 64 * 1024
# Engine calls other than the run itself (create, wait, remove) are quick; this bounds a stuck engine.
API_TIMEOUT_SECONDS = 60
# Runs blocked in the SDK at once, per process; the default executor's handful would cap concurrency.
_runs = ThreadPoolExecutor(max_workers=32, thread_name_prefix="crewloom-docker")


@dataclass(frozen=True)
class _Streams:
    stdout: bytes
    stderr: bytes
    timed_out: bool
    overflow: str | None


def _read_frames(connection: socket.socket, deadline: float, caps: dict[int, int]) -> _Streams:
    """Demultiplex the attach stream (8-byte headers: stream number, size) until it ends, a stream passes
    its cap or the deadline comes."""
    buffers = {1: bytearray(), 2: bytearray()}
    pending = bytearray()
    names = {1: "stdout", 2: "stderr"}
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return _Streams(bytes(buffers[1]), bytes(buffers[2]), True, None)
        connection.settimeout(remaining)
        try:
            chunk = connection.recv(CHUNK_BYTES)
        except TimeoutError:
            continue
        if not chunk:
            return _Streams(bytes(buffers[1]), bytes(buffers[2]), False, None)
        pending += chunk
        while len(pending) >= FRAME_HEADER_BYTES:
            number, size = pending[0], int.from_bytes(pending[4:8], "big")
            if len(pending) < FRAME_HEADER_BYTES + size:
                break
            if number in buffers:
                buffers[number] += pending[FRAME_HEADER_BYTES : FRAME_HEADER_BYTES + size]
                if len(buffers[number]) > caps[number]:
                    del buffers[number][caps[number] :]
                    return _Streams(bytes(buffers[1]), bytes(buffers[2]), False, names[number])
            del pending[: FRAME_HEADER_BYTES + size]


@dataclass(frozen=True)
class DockerSandbox:
    base_url: str | None
    image: str
    name: str = "docker"

    @classmethod
    def from_settings(cls, settings: Settings) -> DockerSandbox:
        """The backend as configured, once its engine has answered."""
        sandbox = cls(settings.docker_host or os.environ.get("DOCKER_HOST"), settings.sandbox_image)
        client = sandbox.client()
        client.close()
        return sandbox

    def client(self) -> docker.DockerClient:
        where = self.base_url or "the default socket"
        try:
            client = (
                docker.DockerClient(base_url=self.base_url, timeout=API_TIMEOUT_SECONDS)
                if self.base_url
                else docker.from_env(timeout=API_TIMEOUT_SECONDS)
            )
            client.ping()
        except DockerException as error:
            raise SandboxUnavailable(f"docker: no engine reachable at {where}: {error}") from None
        return client

    def describe_engine(self) -> str:
        client = self.client()
        try:
            version = client.version().get("Version", "unknown")
        finally:
            client.close()
        return f"engine {version} at {self.base_url or 'the default socket'}"

    def check_image(self) -> None:
        client = self.client()
        try:
            client.images.get(self.image)
        except ImageNotFound:
            raise SandboxUnavailable(
                f"docker: the sandbox image {self.image} is not present (build it with `crewloom doctor --build-image`)"
            ) from None
        finally:
            client.close()

    def _container_options(self, limits: Limits) -> dict[str, Any]:
        return {
            "network_mode": "none",
            "read_only": True,
            "tmpfs": {SANDBOX_TMP: f"rw,nosuid,nodev,size={limits.file_size_bytes},mode=1777"},
            "cap_drop": ["ALL"],
            "security_opt": ["no-new-privileges"],
            "pids_limit": limits.processes,
            "mem_limit": limits.memory_bytes,
            "memswap_limit": limits.memory_bytes,
            "nano_cpus": CPUS * 1_000_000_000,
            "ulimits": [
                Ulimit(name="cpu", soft=limits.cpu_seconds, hard=limits.cpu_seconds + 1),
                Ulimit(name="nofile", soft=limits.open_files, hard=limits.open_files),
                Ulimit(name="fsize", soft=limits.file_size_bytes, hard=limits.file_size_bytes),
                Ulimit(name="core", soft=0, hard=0),
            ],
            "user": SANDBOX_USER,
            "working_dir": SANDBOX_TMP,
            "stdin_open": True,
            "labels": {"crewloom.sandbox": "1"},
        }

    def _run(
        self, image: str, command: list[str], environment: dict[str, str], stdin: bytes, limits: Limits, stdout_cap: int
    ) -> Finished:
        client = self.client()
        container: Container | None = None
        try:
            try:
                container = client.containers.create(
                    image,
                    command,
                    environment={**SANDBOX_ENVIRONMENT, **environment},
                    **self._container_options(limits),
                )
            except ImageNotFound:
                raise SandboxUnavailable(
                    f"docker: the image {image} is not present (images are never pulled)"
                ) from None
            attached = client.api.attach_socket(
                str(container.id), params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            )
            connection: socket.socket = getattr(attached, "_sock", attached)
            started = time.monotonic()
            container.start()
            connection.sendall(stdin)
            connection.shutdown(socket.SHUT_WR)
            streams = _read_frames(connection, started + limits.wall_seconds, {1: stdout_cap, 2: limits.output_bytes})
            connection.close()
            if streams.timed_out or streams.overflow:
                container.kill()
            status = container.wait(timeout=API_TIMEOUT_SECONDS)["StatusCode"]
            duration_ms = (time.monotonic() - started) * 1000
            container.reload()
            return Finished(
                stdout=streams.stdout,
                stderr=streams.stderr,
                report=None,
                exit_status=None if streams.timed_out or streams.overflow else int(status),
                duration_ms=duration_ms,
                timed_out=streams.timed_out,
                overflow=streams.overflow,
                out_of_memory=bool(container.attrs["State"].get("OOMKilled")),
            )
        except (DockerException, RequestException) as error:
            raise SandboxUnavailable(f"docker: the container did not run: {error}") from None
        finally:
            if container is not None:
                with contextlib.suppress(DockerException):
                    container.remove(force=True)
            client.close()

    async def _in_thread(self, *arguments: Any) -> Finished:
        return await asyncio.get_running_loop().run_in_executor(_runs, self._run, *arguments)

    async def run_python(
        self, source: str, function_name: str | None, arguments: dict[str, Any], limits: Limits
    ) -> Outcome:
        marker = "crewloom-result-" + secrets.token_hex(16)
        request = {
            "source": source,
            "function_name": function_name,
            "arguments": arguments,
            "processes": limits.processes,
            "result_marker": marker,
        }
        # The report follows the tool's own output on stdout, so stdout may hold both at their limits.
        separator = ("\n" + marker).encode()
        stdout_cap = 2 * limits.output_bytes + len(separator)
        finished = await self._in_thread(
            self.image, runner_argv(IMAGE_PYTHON), {}, json.dumps(request).encode(), limits, stdout_cap
        )
        printed, found, report = finished.stdout.rpartition(separator)
        if not found:
            printed, report = finished.stdout, b""
        overflow = finished.overflow
        if overflow == "stdout" or len(printed) > limits.output_bytes:
            overflow, printed = "stdout", printed[: limits.output_bytes]
        elif len(report) > limits.output_bytes:
            overflow = "result"
        finished = Finished(
            stdout=printed,
            stderr=finished.stderr,
            report=report or None,
            exit_status=finished.exit_status,
            duration_ms=finished.duration_ms,
            timed_out=finished.timed_out,
            overflow=overflow,
            out_of_memory=finished.out_of_memory,
        )
        return outcome_of(finished, limits)

    async def run_image(
        self, image: str, command: list[str], environment: dict[str, str], arguments: dict[str, Any], limits: Limits
    ) -> Outcome:
        finished = await self._in_thread(
            image, command, environment, json.dumps(arguments).encode(), limits, limits.output_bytes
        )
        return image_outcome_of(finished, limits)

    def stdio_command(self, argv: list[str], limits: Limits) -> list[str]:
        host = ["-H", self.base_url] if self.base_url else []
        options = [
            "--rm",
            "-i",
            "--network=none",
            "--read-only",
            f"--tmpfs={SANDBOX_TMP}:rw,nosuid,nodev,size={limits.file_size_bytes},mode=1777",
            "--cap-drop=ALL",
            "--security-opt=no-new-privileges",
            f"--pids-limit={limits.processes}",
            f"--memory={limits.memory_bytes}",
            f"--memory-swap={limits.memory_bytes}",
            f"--cpus={CPUS}",
            f"--ulimit=cpu={limits.cpu_seconds}:{limits.cpu_seconds + 1}",
            f"--ulimit=nofile={limits.open_files}:{limits.open_files}",
            f"--ulimit=fsize={limits.file_size_bytes}:{limits.file_size_bytes}",
            f"--user={SANDBOX_USER}",
            f"--workdir={SANDBOX_TMP}",
            "--label=crewloom.sandbox=1",
        ]
        return ["docker", *host, "run", *options, self.image, *argv]
