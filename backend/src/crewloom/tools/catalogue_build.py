"""Build tools/catalogue.json from crewai-tools: the built-in tools that work here, each with the JSON
Schema of its settings and of its arguments. Run by ``make catalogue``; never imported by the API, which
only reads the JSON file (importing crewai-tools takes seconds).

Each candidate is instantiated offline: first with no environment at all, then with placeholder values
for the secrets it declares, then with a placeholder embedding key. A tool that still refuses to start
is left out, and the reason is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

CATALOGUE_PATH = Path(__file__).with_name("catalogue.json")
EMBEDDING_PROVIDER = "embedding_provider"
_EMBEDDING_ENV = "OPENAI_API_KEY"
_PLACEHOLDER = "placeholder-for-catalogue-build"
_EMBEDDING_NOTE = (
    " Needs an embedding provider (an OpenAI-compatible embeddings key) configured on the worker to index content."
)

_PATH = "A path the tool is bound to; when set, the agent cannot choose another."
_SEARCH = {
    "limit": "How many matching chunks a search returns.",
    "similarity_threshold": "The least similarity (0..1) a chunk needs to be returned.",
}


@dataclass(frozen=True)
class Candidate:
    name: str
    class_name: str
    # Constructor settings offered to users, with what each one means.
    settings: dict[str, str]


CANDIDATES = (
    Candidate(
        "file_read",
        "FileReadTool",
        {
            "file_path": _PATH,
            "base_dir": "The directory reads are confined to.",
            "encoding": "Text encoding of the files.",
        },
    ),
    Candidate("directory_read", "DirectoryReadTool", {"directory": _PATH}),
    Candidate(
        "file_writer",
        "FileWriterTool",
        {"base_dir": "The directory writes are confined to.", "encoding": "Text encoding of the files."},
    ),
    Candidate("json_search", "JSONSearchTool", {"json_path": _PATH, **_SEARCH}),
    Candidate("csv_search", "CSVSearchTool", {"csv": _PATH, **_SEARCH}),
    Candidate("txt_search", "TXTSearchTool", {"txt": _PATH, **_SEARCH}),
    Candidate("directory_search", "DirectorySearchTool", {"directory": _PATH, **_SEARCH}),
    Candidate(
        "website_search",
        "WebsiteSearchTool",
        {"website": "A website the tool is bound to; when set, the agent cannot choose another.", **_SEARCH},
    ),
    Candidate(
        "scrape_website",
        "ScrapeWebsiteTool",
        {"website_url": "A website the tool is bound to; when set, the agent cannot choose another."},
    ),
    Candidate(
        "scrape_element_from_website",
        "ScrapeElementFromWebsiteTool",
        {
            "website_url": "A website the tool is bound to; when set, the agent cannot choose another.",
            "css_element": "The CSS selector of the element to read.",
        },
    ),
    Candidate(
        "serper_dev_search",
        "SerperDevTool",
        {
            "n_results": "How many results a search returns.",
            "search_type": "'search' for web results or 'news' for news.",
            "country": "Country code of the search, e.g. 'us'.",
            "location": "Location of the search, e.g. 'Paris, France'.",
            "locale": "Language of the results, e.g. 'en'.",
        },
    ),
    Candidate("serper_scrape_website", "SerperScrapeWebsiteTool", {}),
)


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Only ``values`` besides the basics: a key in the builder's own environment must not make a tool
    look as if it needed nothing."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update({key: value for key, value in saved.items() if key in ("PATH", "HOME", "TMPDIR")})
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _setting_types(tool_class: type[Any]) -> dict[str, Any]:
    """Each constructor setting's type: a declared field, or else an explicit constructor parameter."""
    types = {name: field.annotation for name, field in tool_class.model_fields.items()}
    types.update({name: hint for name, hint in typing.get_type_hints(tool_class.__init__).items() if name not in types})
    return types


def _settings_schema(tool_class: type[Any], candidate: Candidate, secrets: list[str]) -> dict[str, Any]:
    types = _setting_types(tool_class)
    properties: dict[str, Any] = {}
    for name, description in candidate.settings.items():
        schema = TypeAdapter(types[name]).json_schema()
        field = tool_class.model_fields.get(name)
        if field is not None and not field.is_required() and field.default is not None:
            schema["default"] = field.default
        properties[name] = {**schema, "description": description}
    for name in secrets:
        properties[name] = {"type": "string", "description": f"The {name} credential.", "x-secret": True}
    return {"type": "object", "properties": properties, "required": secrets, "additionalProperties": False}


def _instantiate(tool_class: type[Any], secrets: list[str]) -> tuple[Any, list[str]] | str:
    """The tool and what it requires, or why it cannot work here."""
    attempts: list[tuple[dict[str, str], list[str]]] = [
        ({}, []),
        (dict.fromkeys(secrets, _PLACEHOLDER), []),
        ({**dict.fromkeys(secrets, _PLACEHOLDER), _EMBEDDING_ENV: _PLACEHOLDER}, [EMBEDDING_PROVIDER]),
    ]
    failure = ""
    for environment, requires in attempts:
        with _environment(environment):
            try:
                return tool_class(), requires
            except Exception as exc:
                failure = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return failure


def _entry(candidate: Candidate) -> dict[str, Any] | str:
    import crewai_tools

    tool_class = getattr(crewai_tools, candidate.class_name, None)
    if tool_class is None:
        return "not in this version of crewai-tools"
    probe_secrets = [variable.name for variable in tool_class.model_fields["env_vars"].default_factory()]
    outcome = _instantiate(tool_class, probe_secrets)
    if isinstance(outcome, str):
        return outcome
    tool, requires = outcome
    secrets = sorted(variable.name for variable in tool.env_vars if variable.required)
    description = " ".join(str(tool.description).split())
    if EMBEDDING_PROVIDER in requires:
        description += _EMBEDDING_NOTE
    return {
        "name": candidate.name,
        "class_name": candidate.class_name,
        "title": tool.name,
        "description": description,
        "settings_schema": _settings_schema(tool_class, candidate, secrets),
        "args_schema": tool.args_schema.model_json_schema(),
        "requires": requires,
    }


def build() -> list[dict[str, Any]]:
    entries = []
    for candidate in CANDIDATES:
        outcome = _entry(candidate)
        if isinstance(outcome, str):
            print(f"left out {candidate.class_name}: {outcome}", file=sys.stderr)
            continue
        entries.append(outcome)
    return entries


def render(entries: list[dict[str, Any]]) -> str:
    return json.dumps(entries, indent=2, sort_keys=True, default=str) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=CATALOGUE_PATH, help="where to write the catalogue")
    arguments = parser.parse_args(argv)
    arguments.output.write_text(render(build()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
