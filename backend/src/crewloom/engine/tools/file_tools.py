"""The built-in file tools, Crewloom's own versions of crewai-tools' FileReadTool, FileWriterTool and
DirectoryReadTool under the same names, settings and arguments, working only inside the tenant's workspace.
Paths are relative to the workspace; a ``base_dir`` setting holds a tool to a directory inside it. Imports CrewAI:
loaded only in a worker thread."""

from __future__ import annotations

from typing import Any

from crewai.tools import BaseTool
from pydantic import BaseModel, Field, PrivateAttr

from crewloom.engine.tools.workspace import Workspace, WorkspaceError

_TRUE = frozenset({"y", "yes", "t", "true", "on", "1"})
_FALSE = frozenset({"n", "no", "f", "false", "off", "0"})


class _InWorkspace(BaseTool):
    encoding: str = "utf-8"
    _workspace: Workspace = PrivateAttr()


class _ReadArguments(BaseModel):
    file_path: str | None = Field(
        None,
        description="Path of the file to read, relative to the workspace. Omit it to read the tool's default "
        "file, which only works when one was configured.",
    )
    start_line: int | None = Field(1, description="Line number to start reading from (1-indexed)")
    line_count: int | None = Field(None, description="Number of lines to read. If None, reads the entire file")


class FileRead(_InWorkspace):
    name: str = "Read a file's content"
    description: str = (
        "A tool that reads the content of a file in the workspace. Provide 'file_path', relative to the "
        "workspace; optionally 'start_line' to start from a line and 'line_count' to limit the lines read."
    )
    args_schema: type[BaseModel] = _ReadArguments
    file_path: str | None = None

    def _run(self, file_path: str | None = None, start_line: int | None = 1, line_count: int | None = None) -> str:
        path = file_path or self.file_path
        if path is None:
            raise WorkspaceError("no file_path given, and the tool has no default file")
        return self._workspace.read_text(
            path, encoding=self.encoding, start_line=start_line or 1, line_count=line_count or None
        )


class _WriteArguments(BaseModel):
    filename: str = Field(
        ...,
        description="Name of the file to write, relative to 'directory'. May include subdirectories, which are "
        "created if they do not exist.",
    )
    content: str = Field(..., description="The text content to write to the file.")
    directory: str | None = Field(
        "./", description="Directory to write the file into, relative to the workspace; its root by default."
    )
    overwrite: str | bool = Field(
        False, description="Whether to replace the file when it already exists (true/false); false by default."
    )


def _flag(value: str | bool) -> bool:
    if isinstance(value, bool):
        return value
    if value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise WorkspaceError(f"overwrite: {value!r} is neither true nor false")


class FileWriter(_InWorkspace):
    name: str = "File Writer Tool"
    description: str = (
        "A tool to write content to a file in the workspace. Accepts filename, content, and optionally a "
        "directory relative to the workspace and an overwrite flag."
    )
    args_schema: type[BaseModel] = _WriteArguments

    def _run(self, filename: str, content: str, directory: str | None = "./", overwrite: str | bool = False) -> str:
        written = self._workspace.below(directory or "").write_text(
            filename, content, encoding=self.encoding, overwrite=_flag(overwrite)
        )
        return f"Content successfully written to {written}"


class _ListArguments(BaseModel):
    directory: str = Field(..., description="Directory to list, relative to the workspace ('.' for all of it)")


class _NoArguments(BaseModel):
    pass


class DirectoryRead(_InWorkspace):
    name: str = "List files in directory"
    description: str = "A tool that lists the files of a directory of the workspace, recursively."
    args_schema: type[BaseModel] = _ListArguments
    directory: str | None = None

    def _run(self, **arguments: Any) -> str:
        directory = self.directory if self.directory is not None else arguments.get("directory")
        if directory is None:
            raise WorkspaceError("no directory given")
        return "File paths: \n-" + "\n- ".join(self._workspace.list_files(str(directory)))


def file_tool(name: str, workspace: Workspace, settings: dict[str, Any]) -> BaseTool:
    """The file tool ``name`` of the catalogue, with its settings, in ``workspace``."""
    values = dict(settings)
    inside = workspace.below(str(values.pop("base_dir", None) or ""))
    tool: _InWorkspace
    if name == "file_read":
        tool = FileRead(**values)
    elif name == "file_writer":
        tool = FileWriter(**values)
    elif name == "directory_read":
        bound = values.get("directory") is not None
        tool = DirectoryRead(**values, **({"args_schema": _NoArguments} if bound else {}))
    else:
        raise ValueError(f"{name!r} is not a file tool")
    tool._workspace = inside
    return tool
