"""``crewloom run``: an exported flow run headless, with progress per node, its outputs on stdout and
an exit status that says how it went."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.cli.running import cli_env, run_cli
from tests.executions.runs import branching_graph

PROVIDER = uuid.UUID(int=1)


def _document(provider_options: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "format": "crewloom.flow",
        "format_version": 1,
        "flow": {"name": "Headless", "graph": branching_graph(str(PROVIDER))},
        "providers": [
            {
                "ref": str(PROVIDER),
                "name": "Offline",
                "type": "mock",
                "default_model": "mock-1",
                "options": provider_options or {},
            },
        ],
    }


@pytest.fixture
def flow_file(tmp_path: Path) -> Path:
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(_document()))
    return path


def test_a_flow_runs_headless_and_prints_its_outputs(flow_file: Path) -> None:
    finished = run_cli("run", str(flow_file), "--input", "topic=bees", "--input", "loud=no", env=cli_env())
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout) == {"whisper": "quiet: Mock reply to: Write about bees"}
    lines = finished.stderr.splitlines()
    assert "… write started" in lines
    assert any(line.startswith("✓ write succeeded in ") for line in lines)
    assert any(line.startswith("- shout skipped") for line in lines)
    assert lines.index("… write started") < lines.index("… check started")


def test_a_failing_run_exits_non_zero_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(_document({"responses": [{"error": "no capacity", "status_code": 503}]})))
    finished = run_cli("run", str(path), "--input", "topic=bees", "--input", "loud=yes", env=cli_env())
    assert finished.returncode == 1
    assert "no capacity" in finished.stderr
    assert finished.stdout == ""


def test_bad_inputs_and_bad_files_exit_with_usage_errors(flow_file: Path, tmp_path: Path) -> None:
    missing = run_cli("run", str(flow_file), "--input", "topic=bees", env=cli_env())
    assert missing.returncode == 2
    assert "input loud: is required" in missing.stderr
    malformed = run_cli("run", str(flow_file), "--input", "topic", env=cli_env())
    assert malformed.returncode == 2
    assert "is not NAME=value" in malformed.stderr
    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"flow": 3}')
    assert run_cli("run", str(garbage), env=cli_env()).returncode == 2
    absent = run_cli("run", str(tmp_path / "absent.json"), env=cli_env())
    assert absent.returncode == 2
    assert "cannot read" in absent.stderr
    dangling = _document()
    dangling["providers"] = []
    broken = tmp_path / "dangling.json"
    broken.write_text(json.dumps(dangling))
    refused = run_cli("run", str(broken), "--input", "topic=x", "--input", "loud=no", env=cli_env())
    assert refused.returncode == 2
    assert "cannot run" in refused.stderr
