"""Reading a CrewAI project (``config/agents.yaml`` and ``config/tasks.yaml``) as plain data.

Nothing in an uploaded project is ever executed: the archive is read in memory only, everything but the
two YAML files is ignored, and YAML is read with ``yaml.safe_load``, which refuses python tags.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import yaml

from crewloom.errors import Unprocessable

MAX_MEMBERS = 200
MAX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
AGENTS_FILE = "config/agents.yaml"
TASKS_FILE = "config/tasks.yaml"
# CrewAI's own placeholder syntax: {name}, but not {{name}}.
PLACEHOLDER = re.compile(r"(?<!{){([A-Za-z_][A-Za-z0-9_\-]*)}(?!})")
_YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class YamlFiles:
    agents_text: str
    tasks_text: str
    agents_name: str = AGENTS_FILE
    tasks_name: str = TASKS_FILE
    # The project's package folder (``src/<name>/config``), a hint for the crew's name.
    package: str | None = None


@dataclass(frozen=True)
class AgentSpec:
    key: str
    role: str
    goal: str
    backstory: str
    llm: str | None = None
    allow_delegation: bool = False
    max_iter: int | None = None
    max_rpm: int | None = None
    max_execution_time: int | None = None
    memory: bool = False


@dataclass(frozen=True)
class TaskSpec:
    key: str
    description: str
    expected_output: str
    agent: str
    context: list[str] = field(default_factory=list)
    human_input: bool = False


@dataclass(frozen=True)
class CrewSpec:
    agents: list[AgentSpec]
    tasks: list[TaskSpec]
    placeholders: list[str]


def _problem(field_name: str, file: str, key: str | None, message: str) -> Unprocessable:
    detail: dict[str, str] = {"field": field_name, "file": file, "message": message}
    if key is not None:
        detail["key"] = key
    return Unprocessable(detail)


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return not path.is_absolute() and ".." not in path.parts and ":" not in name


def _config_dir(name: str, wanted: str) -> str | None:
    """The folder holding ``config/<wanted>`` (``src/pkg/`` for ``src/pkg/config/agents.yaml``), if it is one."""
    path = PurePosixPath(name)
    if path.parent.name != "config" or path.stem != wanted or path.suffix not in _YAML_SUFFIXES:
        return None
    return str(path.parent.parent)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    # Declared sizes can lie: read at most the limit, whatever the header says.
    with archive.open(info) as member:
        data = member.read(MAX_UNCOMPRESSED_BYTES + 1)
    if len(data) > MAX_UNCOMPRESSED_BYTES:
        raise _problem("file", info.filename, None, f"larger than {MAX_UNCOMPRESSED_BYTES} bytes uncompressed")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _problem("file", info.filename, None, "not UTF-8 text") from exc


def _checked_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _problem("file", "", None, f"the archive has {len(members)} entries; at most {MAX_MEMBERS} are read")
    total = 0
    for info in members:
        if not _safe_member(info.filename):
            raise _problem("file", info.filename, None, "entry path leaves the archive")
        total += info.file_size
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _problem("file", "", None, f"the archive unpacks to more than {MAX_UNCOMPRESSED_BYTES} bytes")
    return members


def _pick_config_dir(members: list[zipfile.ZipInfo]) -> tuple[zipfile.ZipInfo, zipfile.ZipInfo, str]:
    agents: dict[str, zipfile.ZipInfo] = {}
    tasks: dict[str, zipfile.ZipInfo] = {}
    for info in members:
        if info.is_dir():
            continue
        if (folder := _config_dir(info.filename, "agents")) is not None:
            agents.setdefault(folder, info)
        if (folder := _config_dir(info.filename, "tasks")) is not None:
            tasks.setdefault(folder, info)
    folders = sorted(set(agents) & set(tasks))
    if not folders:
        raise _problem("file", "", None, "no folder holds both config/agents.yaml and config/tasks.yaml")
    if len(folders) > 1:
        raise _problem("file", "", None, f"several crews in the archive ({', '.join(folders)}); upload one")
    folder = folders[0]
    return agents[folder], tasks[folder], folder


_READABLE_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


def read_zip(data: bytes) -> YamlFiles:
    """The two YAML files of a zipped CrewAI project, found wherever they sit inside it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            agents_info, tasks_info, folder = _pick_config_dir(_checked_members(archive))
            for info in (agents_info, tasks_info):
                if info.flag_bits & 0x1:
                    raise _problem("file", info.filename, None, "encrypted entries are not read")
                if info.compress_type not in _READABLE_COMPRESSION:
                    raise _problem("file", info.filename, None, "compressed with a method this server does not read")
            agents_text = _read_member(archive, agents_info)
            tasks_text = _read_member(archive, tasks_info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise _problem("file", "", None, f"not a readable zip archive: {exc}") from exc
    package = PurePosixPath(folder).name if folder not in ("", ".") else None
    return YamlFiles(agents_text, tasks_text, agents_info.filename, tasks_info.filename, package)


def _load_mapping(text: str, field_name: str, file: str) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _problem(field_name, file, None, f"not valid YAML: {exc}") from exc
    if not isinstance(loaded, dict) or not loaded:
        raise _problem(field_name, file, None, "must be a mapping of names to definitions")
    for key, value in loaded.items():
        if not isinstance(key, str) or not key.strip():
            raise _problem(field_name, file, str(key), "names must be text")
        if not isinstance(value, dict):
            raise _problem(field_name, file, key, "must be a mapping of settings")
    return loaded


class _Entry:
    """One named definition of a YAML file, read field by field with errors naming ``key.field``."""

    def __init__(self, field_name: str, file: str, key: str, values: dict[str, Any]) -> None:
        self.field_name, self.file, self.key, self.values = field_name, file, key, values

    def error(self, name: str, message: str) -> Unprocessable:
        return _problem(self.field_name, self.file, f"{self.key}.{name}", message)

    def text(self, name: str, *, required: bool = True) -> str | None:
        value = self.values.get(name)
        if value is None:
            if required:
                raise self.error(name, "is missing")
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.error(name, "must be text")
        text = str(value).strip()
        if required and not text:
            raise self.error(name, "must not be empty")
        return text

    def flag(self, name: str) -> bool:
        value = self.values.get(name, False)
        if not isinstance(value, bool):
            raise self.error(name, "must be true or false")
        return value

    def number(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.error(name, "must be a whole number of at least 1")
        return value

    def names(self, name: str) -> list[str]:
        value = self.values.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.error(name, "must be a list of task names")
        return list(value)


def _agent(entry: _Entry) -> AgentSpec:
    return AgentSpec(
        key=entry.key,
        role=entry.text("role") or "",
        goal=entry.text("goal") or "",
        backstory=entry.text("backstory", required=False) or "",
        llm=entry.text("llm", required=False) or None,
        allow_delegation=entry.flag("allow_delegation"),
        max_iter=entry.number("max_iter"),
        max_rpm=entry.number("max_rpm"),
        max_execution_time=entry.number("max_execution_time"),
        memory=entry.flag("memory"),
    )


def _task(entry: _Entry, agent_keys: set[str], earlier: list[str]) -> TaskSpec:
    agent = entry.text("agent") or ""
    if agent not in agent_keys:
        raise entry.error("agent", f"names no agent of agents.yaml ({agent!r})")
    context = entry.names("context")
    for name in context:
        if name not in earlier:
            raise entry.error("context", f"{name!r} is not a task defined before this one")
    return TaskSpec(
        key=entry.key,
        description=entry.text("description") or "",
        expected_output=entry.text("expected_output") or "",
        agent=agent,
        context=context,
        human_input=entry.flag("human_input"),
    )


def placeholders_of(texts: list[str]) -> list[str]:
    """The ``{name}`` placeholders of ``texts``, each once, in order of first appearance."""
    found: dict[str, None] = {}
    for text in texts:
        found.update(dict.fromkeys(PLACEHOLDER.findall(text)))
    return list(found)


def parse_crew(files: YamlFiles, *, agents_field: str = "agents_yaml", tasks_field: str = "tasks_yaml") -> CrewSpec:
    """The agents and tasks of a CrewAI project; 422 naming the file and key of the first problem."""
    agents_data = _load_mapping(files.agents_text, agents_field, files.agents_name)
    tasks_data = _load_mapping(files.tasks_text, tasks_field, files.tasks_name)
    agents = [_agent(_Entry(agents_field, files.agents_name, key, values)) for key, values in agents_data.items()]
    agent_keys = {agent.key for agent in agents}
    tasks: list[TaskSpec] = []
    for key, values in tasks_data.items():
        tasks.append(_task(_Entry(tasks_field, files.tasks_name, key, values), agent_keys, [t.key for t in tasks]))
    texts = [text for task in tasks for text in (task.description, task.expected_output)]
    texts += [text for agent in agents for text in (agent.role, agent.goal, agent.backstory)]
    return CrewSpec(agents=agents, tasks=tasks, placeholders=placeholders_of(texts))
