"""The built-in file tools work only inside their tenant's workspace: relative paths, no '..', no absolute
path, no symbolic link followed, and one tenant never sees another's files."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from crewloom.engine.runtime import NodeError
from crewloom.engine.tools import ToolSpec, run_tool
from crewloom.engine.tools.access import ToolAccess, tenant_workspace
from tests.engine.tools.recording import Recorded


def file_tool(name: str, workspace: Path | None, **settings: Any) -> ToolSpec:
    return ToolSpec(
        id=uuid.uuid4(),
        name="Files",
        description="",
        type="builtin",
        config={"tool": name, "settings": settings},
        access=ToolAccess(workspace=workspace),
    )


async def call(tool: ToolSpec, **arguments: Any) -> Any:
    return (await run_tool(tool, arguments, Recorded().reporter("files"))).output


async def refusal(tool: ToolSpec, **arguments: Any) -> str:
    with pytest.raises(NodeError) as failure:
        await call(tool, **arguments)
    assert not failure.value.retryable
    return failure.value.message


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tenant_workspace(tmp_path / "data", uuid.uuid4())
    root.mkdir(parents=True)
    return root


async def test_a_file_written_in_the_workspace_reads_back(workspace: Path) -> None:
    written = await call(file_tool("file_writer", workspace), filename="notes/today.md", content="Bees\nmake honey\n")

    assert written == "Content successfully written to notes/today.md"
    assert (workspace / "notes" / "today.md").read_text() == "Bees\nmake honey\n"
    assert await call(file_tool("file_read", workspace), file_path="notes/today.md") == "Bees\nmake honey\n"
    assert await call(file_tool("file_read", workspace), file_path="./notes//today.md", start_line=2) == "make honey\n"
    listing = await call(file_tool("directory_read", workspace), directory=".")
    assert listing == "File paths: \n-notes/today.md"


async def test_a_file_is_replaced_only_when_asked(workspace: Path) -> None:
    writer = file_tool("file_writer", workspace)
    await call(writer, filename="a.txt", content="first")

    assert "a.txt: already exists" in await refusal(writer, filename="a.txt", content="second")
    await call(writer, filename="a.txt", content="second", overwrite="true")
    assert (workspace / "a.txt").read_text() == "second"


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("../x", "'../x' leads out of the workspace: '..' is not allowed"),
        ("notes/../../x", "'notes/../../x' leads out of the workspace"),
        ("/etc/passwd", "'/etc/passwd' is an absolute path: paths are relative to the workspace"),
        ("/", "'/' is an absolute path"),
        ("nul\x00byte", "holds a NUL character"),
        ("missing.txt", "missing.txt: no such file or directory in the workspace"),
        ("notes", "notes: a directory, not a file"),
    ],
)
async def test_a_path_that_leaves_the_workspace_is_refused(workspace: Path, path: str, problem: str) -> None:
    (workspace / "notes").mkdir(parents=True)

    assert problem in await refusal(file_tool("file_read", workspace), file_path=path)


@pytest.mark.parametrize(
    ("filename", "directory", "problem"),
    [
        ("../escaped.txt", "./", "leads out of the workspace"),
        ("escaped.txt", "..", "leads out of the workspace"),
        ("escaped.txt", "{outside}", "is an absolute path"),
        ("{outside}/escaped.txt", "./", "is an absolute path"),
    ],
)
async def test_a_write_that_leaves_the_workspace_is_refused(
    workspace: Path, tmp_path: Path, filename: str, directory: str, problem: str
) -> None:
    tool = file_tool("file_writer", workspace)

    message = await refusal(
        tool, filename=filename.format(outside=tmp_path), content="x", directory=directory.format(outside=tmp_path)
    )

    assert problem in message
    assert sorted(os.listdir(tmp_path)) == ["data"]
    assert sorted(os.listdir(workspace.parent)) == [workspace.name]
    assert os.listdir(workspace) == []


def plant_links(workspace: Path, outside: Path) -> None:
    """A secret outside the workspace, and links to it and to /etc inside."""
    outside.mkdir()
    (outside / "secret.txt").write_text("not for tools")
    os.symlink("/etc", workspace / "etc")
    os.symlink(outside, workspace / "elsewhere")
    os.symlink(outside / "secret.txt", workspace / "secret.txt")


async def test_symbolic_links_are_never_followed(workspace: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    plant_links(workspace, outside)
    link_problem = "a symbolic link is on the way, and file tools do not follow links"

    assert link_problem in await refusal(file_tool("file_read", workspace), file_path="etc/passwd")
    assert link_problem in await refusal(file_tool("file_read", workspace), file_path="secret.txt")
    assert link_problem in await refusal(file_tool("directory_read", workspace), directory="etc")
    writer = file_tool("file_writer", workspace)
    assert link_problem in await refusal(writer, filename="planted.txt", content="x", directory="elsewhere")
    assert link_problem in await refusal(writer, filename="secret.txt", content="x", overwrite=True)
    assert (outside / "secret.txt").read_text() == "not for tools"
    assert sorted(os.listdir(outside)) == ["secret.txt"]
    # A listing names the links but never enters them.
    listing = await call(file_tool("directory_read", workspace), directory=".")
    assert listing == "File paths: \n-secret.txt"


async def test_one_tenant_never_sees_another_tenants_files(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first, second = uuid.uuid4(), uuid.uuid4()
    first_root, second_root = tenant_workspace(data_dir, first), tenant_workspace(data_dir, second)
    await call(file_tool("file_writer", first_root), filename="plans.txt", content="first tenant's plans")

    reader = file_tool("file_read", second_root)
    assert "plans.txt: no such file" in await refusal(reader, file_path="plans.txt")
    assert "leads out of the workspace" in await refusal(reader, file_path=f"../{first}/plans.txt")
    assert "is an absolute path" in await refusal(reader, file_path=str(first_root / "plans.txt"))
    assert await call(file_tool("directory_read", second_root), directory=".") == "File paths: \n-"
    assert first_root.parent == second_root.parent == data_dir / "workspaces"


async def test_base_dir_holds_a_tool_to_a_directory_of_the_workspace(workspace: Path) -> None:
    (workspace / "shared").mkdir(parents=True)
    (workspace / "shared" / "faq.txt").write_text("Bees sleep.")
    (workspace / "private.txt").write_text("keep out")

    reader = file_tool("file_read", workspace, base_dir="shared", file_path="faq.txt")
    assert await call(reader) == "Bees sleep."
    assert "leads out of the workspace" in await refusal(reader, file_path="../private.txt")
    writer = file_tool("file_writer", workspace, base_dir="shared/out")
    assert await call(writer, filename="a.txt", content="x") == "Content successfully written to shared/out/a.txt"
    bound = file_tool("directory_read", workspace, directory="shared")
    assert await call(bound) == "File paths: \n-shared/faq.txt\n- shared/out/a.txt"


@pytest.mark.parametrize(
    ("name", "settings"), [("file_read", {"base_dir": "/etc"}), ("file_writer", {"base_dir": ".."})]
)
async def test_a_base_dir_outside_the_workspace_stops_the_tool(
    workspace: Path, name: str, settings: dict[str, str]
) -> None:
    message = await refusal(file_tool(name, workspace, **settings), file_path="x")

    assert message.startswith(f"the {name} built-in tool could not start: ")


async def test_a_file_tool_without_a_workspace_is_refused() -> None:
    message = await refusal(file_tool("file_read", None), file_path="x")

    assert message == "the file_read built-in tool needs a workspace, and this run has none"


def write_lines(path: Path, count: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"line {number}\n" for number in range(count)))


async def test_a_large_file_is_read_in_windows(workspace: Path) -> None:
    write_lines(workspace / "big.txt", 200_000)
    reader = file_tool("file_read", workspace)

    assert "read it in windows of start_line and line_count" in await refusal(reader, file_path="big.txt")
    assert await call(reader, file_path="big.txt", start_line=100_001, line_count=2) == "line 100000\nline 100001\n"
