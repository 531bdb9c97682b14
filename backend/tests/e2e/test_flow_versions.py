"""Version history in the flow editor: a version's differences shown on the canvas, restore and publish; a flow
exported as JSON and imported back; a CrewAI project imported; what a viewer may do there."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.conftest import PASSWORD, unique_email
from tests.e2e.conftest import ConsoleErrors, SignedIn, screenshot

AGENTS_YAML = "writer:\n  role: Writer\n  goal: Write about {topic}\n  backstory: Keen on detail\n"
TASKS_YAML = "write:\n  description: Write about {topic}\n  expected_output: An article\n  agent: writer\n"


def _node(
    node_id: str, node_type: str, x: int, config: dict[str, Any], label: str | None = None, y: int = 0
) -> dict[str, Any]:
    node = {"id": node_id, "type": node_type, "position": {"x": x, "y": y}, "config": config}
    return node if label is None else {**node, "label": label}


def _flow_with_two_versions(api: httpx.Client) -> dict[str, Any]:
    """v1: in -> draft -> out. v2: draft's prompt changed, out removed, summary added."""
    provider = api.post(
        "/llm-providers", json={"name": "Mock", "type": "mock", "default_model": "mock-1", "options": {}}
    )
    assert provider.status_code == 201, provider.text
    llm = {"provider_id": provider.json()["id"], "model": "mock-1"}
    entry = _node("in", "input", 0, {"fields": [{"name": "question", "type": "string"}]})
    v1 = {
        "nodes": [
            entry,
            _node("draft", "llm", 300, {**llm, "prompt": "Answer {{ inputs.question }}"}, "Draft"),
            _node("out", "output", 600, {"value": "{{ nodes.draft.output }}"}, "Answer"),
        ],
        "edges": [{"id": "e1", "source": "in", "target": "draft"}, {"id": "e2", "source": "draft", "target": "out"}],
    }
    created = api.post("/flows", json={"name": "Support triage", "graph": v1, "message": "First draft"})
    assert created.status_code == 201, created.text
    flow = created.json()
    v2 = {
        "nodes": [
            entry,
            _node("draft", "llm", 300, {**llm, "prompt": "Answer briefly: {{ inputs.question }}"}, "Draft"),
            _node("summary", "output", 600, {"value": "{{ nodes.draft.output }}"}, "Summary", y=160),
        ],
        "edges": [
            {"id": "e1", "source": "in", "target": "draft"},
            {"id": "e3", "source": "draft", "target": "summary"},
        ],
    }
    saved = api.post(
        f"/flows/{flow['id']}/versions", json={"version": flow["version"], "graph": v2, "message": "Shorter answers"}
    )
    assert saved.status_code == 201, saved.text
    return dict(saved.json()["flow"])


def _canvas_node(page: Page, node_id: str) -> Locator:
    return page.locator(f'.react-flow__node[data-id="{node_id}"]')


def _open_history(page: Page) -> Locator:
    page.get_by_role("button", name="History").click()
    panel = page.get_by_role("complementary", name="Version history")
    expect(panel).to_be_visible()
    return panel


def _menu_item(page: Page, name: str) -> Locator:
    page.get_by_role("button", name="Import / export").click()
    return page.get_by_role("menu", name="Import / export").get_by_role("menuitem", name=name)


def test_a_version_is_compared_on_the_canvas_restored_published_exported_and_imported(
    page: Page, admin: SignedIn, base_url: str, console_errors: ConsoleErrors, tmp_path: Path
) -> None:
    flow = _flow_with_two_versions(admin.api)
    page.goto(f"{base_url}/flows/{flow['id']}")
    expect(_canvas_node(page, "summary")).to_be_visible()

    history = _open_history(page)
    versions = history.get_by_role("list", name="Versions")
    expect(versions.get_by_role("button")).to_have_count(2)
    expect(versions.get_by_role("button").first).to_contain_text("Version 2")
    expect(versions.get_by_role("button").first).to_contain_text("Current")
    expect(versions.get_by_role("button").first).to_contain_text("Shorter answers")
    expect(versions.get_by_role("button").first).to_contain_text("You")

    versions.get_by_role("button", name=re.compile("Version 1")).click()
    expect(_canvas_node(page, "summary")).to_contain_text("Added")
    expect(_canvas_node(page, "draft")).to_contain_text("Changed")
    expect(_canvas_node(page, "ghost:out")).to_contain_text("Removed")
    expect(_canvas_node(page, "in")).not_to_contain_text(re.compile("Added|Changed|Removed"))
    changes = history.get_by_role("region", name="Changes from version 1 to version 2")
    expect(changes).to_contain_text("1 added")
    expect(changes).to_contain_text("1 removed")
    expect(changes).to_contain_text("1 changed")
    expect(changes.get_by_text("Answer {{ inputs.question }}")).to_be_visible()
    expect(changes.get_by_text("Answer briefly: {{ inputs.question }}")).to_be_visible()
    # The changed nodes are brought into view beside the drawer, which covers the canvas's right edge.
    page.wait_for_function(
        """() => ['summary', 'draft', 'ghost:out'].every((id) =>
            document.querySelector(`.react-flow__node[data-id="${id}"]`).getBoundingClientRect().right <=
            document.querySelector('aside[aria-label="Version history"]').getBoundingClientRect().left)"""
    )
    screenshot(page, "flow-version-diff")

    history.get_by_role("button", name="Restore version 1").click()
    restore_dialog = page.get_by_role("dialog", name="Restore version 1?")
    expect(restore_dialog).to_contain_text("saved as version 3")
    restore_dialog.get_by_role("button", name="Restore").click()
    expect(history.get_by_text("Version 1 restored as version 3")).to_be_visible()
    expect(_canvas_node(page, "out")).to_be_visible()
    expect(_canvas_node(page, "summary")).to_have_count(0)
    expect(_canvas_node(page, "ghost:out")).to_have_count(0)
    expect(_canvas_node(page, "draft")).not_to_contain_text("Changed")
    listed = admin.api.get(f"/flows/{flow['id']}/versions").json()["items"]
    assert [version["number"] for version in listed] == [3, 2, 1]
    assert listed[0]["message"] == "Restored version 1"

    versions.get_by_role("button", name=re.compile("Version 3")).click()
    history.get_by_role("button", name="Publish version 3").click()
    page.get_by_role("dialog", name="Publish version 3?").get_by_role("button", name="Publish").click()
    expect(versions.get_by_role("button", name=re.compile("Version 3"))).to_contain_text("Published")
    assert admin.api.get(f"/flows/{flow['id']}").json()["published_version"] == 3
    history.get_by_role("button", name="Close version history").click()
    expect(history).to_be_hidden()

    with page.expect_download() as download_info:
        _menu_item(page, "Export JSON").click()
    download = download_info.value
    assert download.suggested_filename == "support-triage.v3.crewloom.json"
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)
    document = json.loads(exported.read_text())
    assert document["format"] == "crewloom.flow"
    assert [node["id"] for node in document["flow"]["graph"]["nodes"]] == ["in", "draft", "out"]

    _menu_item(page, "Import flow JSON…").click()
    import_dialog = page.get_by_role("dialog", name="Import a flow")
    not_a_flow = tmp_path / "agents.yaml"
    not_a_flow.write_text(AGENTS_YAML)
    import_dialog.get_by_label("Flow file (.json)").set_input_files(not_a_flow)
    import_dialog.get_by_role("button", name="Import").click()
    expect(import_dialog.get_by_role("alert")).to_contain_text("This file is not JSON")
    nameless = tmp_path / "nameless.json"
    nameless.write_text(json.dumps({**document, "flow": {**document["flow"], "name": " "}}))
    import_dialog.get_by_label("Flow file (.json)").set_input_files(nameless)
    import_dialog.get_by_role("button", name="Import").click()
    expect(import_dialog.get_by_role("alert")).to_contain_text("name")
    # The browser logs the refused request itself; that one is expected, and nothing else may be logged.
    assert console_errors.messages == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
    console_errors.messages.clear()
    import_dialog.get_by_label("Flow file (.json)").set_input_files(exported)
    import_dialog.get_by_role("button", name="Import").click()
    expect(page).not_to_have_url(re.compile(flow["id"]))
    expect(page).to_have_url(re.compile(r"/flows/[0-9a-f-]{36}$"))
    expect(_canvas_node(page, "out")).to_be_visible()
    flows = admin.api.get("/flows").json()["items"]
    assert sorted(item["name"] for item in flows) == ["Support triage", "Support triage"]

    agents_file, tasks_file = tmp_path / "agents.yaml", tmp_path / "tasks.yaml"
    tasks_file.write_text(TASKS_YAML)
    _menu_item(page, "Import CrewAI project…").click()
    crew_dialog = page.get_by_role("dialog", name="Import a CrewAI project")
    crew_dialog.get_by_label("Project files").set_input_files(agents_file)
    crew_dialog.get_by_role("button", name="Import").click()
    expect(crew_dialog.get_by_role("alert")).to_contain_text("Choose agents.yaml and tasks.yaml together")
    crew_dialog.get_by_label("Project files").set_input_files([agents_file, tasks_file])
    crew_dialog.get_by_label("Name (optional)").fill("News desk")
    crew_dialog.get_by_role("button", name="Import").click()
    expect(page.locator('.react-flow__node[data-id="crew"]')).to_be_visible()
    crews = admin.api.get("/crews").json()["items"]
    assert [crew["name"] for crew in crews] == ["News desk"]
    crew_flow = next(item for item in admin.api.get("/flows").json()["items"] if item["name"] == "News desk")
    expect(page).to_have_url(f"{base_url}/flows/{crew_flow['id']}")
    console_errors.assert_none()


def test_a_viewer_compares_versions_but_cannot_restore_publish_or_import(
    page: Page, admin: SignedIn, base_url: str, console_errors: ConsoleErrors
) -> None:
    flow = _flow_with_two_versions(admin.api)
    email = unique_email("viewer")
    invited = admin.api.post("/invitations", json={"email": email, "role": "viewer"})
    assert invited.status_code == 201, invited.text
    accepted = admin.api.post("/invitations/accept", json={"token": invited.json()["token"], "password": PASSWORD})
    assert accepted.status_code == 200, accepted.text
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    page.goto(f"{base_url}/flows/{flow['id']}")
    history = _open_history(page)
    history.get_by_role("list", name="Versions").get_by_role("button", name=re.compile("Version 1")).click()
    expect(_canvas_node(page, "summary")).to_contain_text("Added")
    expect(history).to_contain_text("Your role can compare versions but not restore or publish them.")
    expect(history.get_by_role("button", name=re.compile("Restore|Publish"))).to_have_count(0)
    history.get_by_role("button", name="Close version history").click()
    expect(_canvas_node(page, "ghost:out")).to_have_count(0)

    page.get_by_role("button", name="Import / export").click()
    menu = page.get_by_role("menu", name="Import / export")
    expect(menu.get_by_role("menuitem", name="Export JSON")).to_be_visible()
    expect(menu.get_by_role("menuitem", name=re.compile("Import"))).to_have_count(0)
    console_errors.assert_none()
