"""The flow editor as a user meets it: a flow created from the list, built by dragging node types onto the
canvas and connecting handles with the mouse, its forms filled, a validation problem found on a node and
fixed, versions saved, keyboard editing, a reload, and a viewer who may only look."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, expect

from tests.agents.factories import agent_body, crew_body
from tests.conftest import PASSWORD, unique_email
from tests.e2e.conftest import ConsoleErrors, SignedIn, screenshot


def _canvas_node(page: Page, node_id: str) -> Locator:
    return page.locator(f'.react-flow__node[data-id="{node_id}"]')


def _drop(page: Page, title: str, x: int, y: int) -> None:
    """Drags a node type from the palette onto the canvas at (x, y) of the canvas."""
    item = page.get_by_role("navigation", name="Node types").get_by_role("button", name=title, exact=True)
    item.drag_to(page.get_by_role("region", name="Flow canvas"), target_position={"x": x, "y": y})


def _connect(page: Page, source: str, target: str) -> None:
    """Drags from the source node's output handle to the target node's input handle."""
    output = page.locator(f'.react-flow__handle.source[data-nodeid="{source}"][data-handleid="output"]')
    output.drag_to(page.locator(f'.react-flow__handle.target[data-nodeid="{target}"]'))


def _form(page: Page, node_id: str) -> Locator:
    _canvas_node(page, node_id).click()
    form = page.get_by_role("form", name=f"Settings of node {node_id}")
    expect(form).to_be_visible()
    return form


def _save(page: Page, message: str, expected: str) -> None:
    page.get_by_role("button", name="Save version").click()
    dialog = page.get_by_role("dialog", name="Save a version")
    dialog.get_by_label("What changed").fill(message)
    dialog.get_by_role("button", name="Save version").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text="Saved version")).to_contain_text(expected)


def _viewer_page(browser: Browser, base_url: str, admin: SignedIn, console_errors: ConsoleErrors) -> Page:
    """A viewer invited into the admin's workspace, logged in on a page of their own."""
    email = unique_email("viewer")
    invited = admin.api.post("/invitations", json={"email": email, "role": "viewer"})
    assert invited.status_code == 201, invited.text
    token = invited.json()["token"]
    accepted = httpx.post(f"{base_url}/api/v1/invitations/accept", json={"token": token, "password": PASSWORD})
    assert accepted.status_code == 200, accepted.text
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.messages.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: console_errors.messages.append(str(error)))
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


def _build_the_flow(page: Page) -> None:
    for title, x, y in (("Input", 140, 110), ("LLM call", 500, 110), ("Agent", 140, 400), ("Output", 500, 400)):
        _drop(page, title, x, y)
    for node_id in ("input_1", "llm_1", "agent_1", "output_1"):
        expect(_canvas_node(page, node_id)).to_be_visible()
    _connect(page, "input_1", "llm_1")
    _connect(page, "llm_1", "agent_1")
    _connect(page, "agent_1", "output_1")
    expect(page.locator(".react-flow__edge")).to_have_count(3)

    entry = _form(page, "input_1")
    entry.get_by_role("button", name="Add field").click()
    entry.get_by_label("Name").fill("topic")
    llm = _form(page, "llm_1")
    llm.get_by_label("Provider").select_option(label="Mock")
    # Picking a provider brings its default model.
    expect(llm.get_by_label("Model")).to_have_value("mock-1")
    llm.get_by_label("Prompt").fill("Outline {{ inputs.topic }}")
    agent = _form(page, "agent_1")
    agent_picker = agent.get_by_label("Agent *")
    expect(agent_picker.locator("option")).to_contain_text(["Choose an agent…", "Researcher"])
    agent_picker.select_option(label="Researcher")
    _form(page, "output_1").get_by_label("Value").fill("{{ nodes.agent_1.output }}")


def test_a_flow_is_built_on_the_canvas_checked_saved_edited_by_keyboard_and_reopened(
    page: Page, admin: SignedIn, base_url: str, browser: Browser, console_errors: ConsoleErrors
) -> None:
    provider = admin.api.post(
        "/llm-providers", json={"name": "Mock", "type": "mock", "default_model": "mock-1", "options": {}}
    )
    assert provider.status_code == 201, provider.text
    agent = admin.api.post("/agents", json=agent_body(provider.json()["id"]))
    assert agent.status_code == 201, agent.text
    crew = admin.api.post("/crews", json=crew_body([agent.json()["id"]]))
    assert crew.status_code == 201, crew.text

    page.goto(f"{base_url}/flows")
    expect(page.get_by_text("No flows yet")).to_be_visible()
    page.get_by_role("button", name="New flow").first.click()
    dialog = page.get_by_role("dialog", name="New flow")
    dialog.get_by_role("button", name="Create and open").click()
    expect(dialog.get_by_label("Name")).to_have_js_property("validity.valid", False)
    dialog.get_by_label("Name").fill("Research brief")
    dialog.get_by_role("button", name="Create and open").click()
    expect(page).to_have_url(re.compile(r"/flows/[0-9a-f-]{36}$"))
    flow_url = page.url
    expect(page.get_by_text("This flow is empty")).to_be_visible()

    _build_the_flow(page)
    # The agent's task is still missing: saved all the same, and shown on the node and in the problems.
    _save(page, "First draft", "Saved version 1 · 1 problem")
    agent_node = _canvas_node(page, "agent_1")
    expect(agent_node).to_contain_text("Field required")
    problems = page.get_by_role("list", name="Problems")
    _canvas_node(page, "output_1").click()
    problems.get_by_role("button").filter(has_text="Node agent_1").click()
    form = page.get_by_role("form", name="Settings of node agent_1")
    expect(form.get_by_label("Task")).to_have_accessible_description("Field required")
    form.get_by_label("Task").fill("Write a brief from {{ nodes.llm_1.output }}")
    expect(agent_node).not_to_contain_text("Field required")
    expect(page.get_by_text("No problems: this graph can be published.")).to_be_visible()
    page.get_by_role("button", name="Auto layout").click()
    input_box = _canvas_node(page, "input_1").bounding_box()
    output_box = _canvas_node(page, "output_1").bounding_box()
    assert input_box is not None
    assert output_box is not None
    assert input_box["x"] < output_box["x"]
    _save(page, "Agent writes the brief", "Saved version 2")
    screenshot(page, "flow-editor")

    # Keyboard: delete the selected node (and its edge), undo, redo, undo; copy and paste a node.
    _canvas_node(page, "output_1").click()
    page.keyboard.press("Delete")
    expect(_canvas_node(page, "output_1")).to_have_count(0)
    expect(page.locator(".react-flow__edge")).to_have_count(2)
    expect(page.get_by_text("Unsaved changes")).to_be_visible()
    page.keyboard.press("Control+z")
    expect(_canvas_node(page, "output_1")).to_be_visible()
    expect(page.locator(".react-flow__edge")).to_have_count(3)
    page.keyboard.press("Control+Shift+z")
    expect(_canvas_node(page, "output_1")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(page.get_by_text("Saved version 2")).to_be_visible()
    _canvas_node(page, "llm_1").click()
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    expect(_canvas_node(page, "llm_2")).to_be_visible()
    # Leaving with unsaved changes asks first.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Flows").click()
    leave = page.get_by_role("dialog", name="Leave without saving?")
    leave.get_by_role("button", name="Stay and keep editing").click()
    expect(page).to_have_url(flow_url)
    page.get_by_role("button", name="Undo").click()
    expect(_canvas_node(page, "llm_2")).to_have_count(0)

    page.reload()
    for node_id in ("input_1", "llm_1", "agent_1", "output_1"):
        expect(_canvas_node(page, node_id)).to_be_visible()
    expect(page.locator(".react-flow__edge")).to_have_count(3)
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("v2")
    expect(_form(page, "llm_1").get_by_label("Prompt")).to_have_value("Outline {{ inputs.topic }}")
    # A node added from the keyboard lands in the middle of the canvas; a condition's handles are labelled.
    page.get_by_role("navigation", name="Node types").get_by_role("button", name="Condition").press("Enter")
    condition = _canvas_node(page, "condition_1")
    expect(condition).to_be_visible()
    expect(condition.locator(".react-flow__handle.source")).to_have_count(2)
    expect(condition).to_contain_text("true")
    expect(condition).to_contain_text("false")
    page.keyboard.press("Control+z")
    expect(condition).to_have_count(0)

    # The list: search, and delete with a confirmation.
    scratch = admin.api.post("/flows", json={"name": "Scratch pad"})
    assert scratch.status_code == 201, scratch.text
    page.goto(f"{base_url}/flows")
    page.get_by_role("searchbox", name="Search flows").fill("scratch")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(2)
    rows.nth(1).get_by_role("button", name="Delete").click()
    page.get_by_role("dialog", name="Delete “Scratch pad”?").get_by_role("button", name="Delete flow").click()
    expect(page.get_by_text("No flows match “scratch”")).to_be_visible()
    console_errors.assert_none()

    viewer_page = _viewer_page(browser, base_url, admin, console_errors)
    viewer_page.get_by_role("navigation", name="Main").get_by_role("link", name="Flows").click()
    expect(viewer_page.get_by_role("link", name="Research brief")).to_be_visible()
    expect(viewer_page.get_by_role("button", name="New flow")).to_have_count(0)
    expect(viewer_page.get_by_role("button", name="Delete")).to_have_count(0)
    viewer_page.get_by_role("link", name="Research brief").click()
    expect(_canvas_node(viewer_page, "agent_1")).to_be_visible()
    expect(viewer_page.get_by_text("View only")).to_be_visible()
    expect(viewer_page.get_by_role("navigation", name="Node types")).to_have_count(0)
    expect(viewer_page.get_by_role("button", name="Save version")).to_have_count(0)
    expect(_form(viewer_page, "llm_1").get_by_label("Prompt")).to_be_disabled()
    viewer_page.keyboard.press("Delete")
    expect(_canvas_node(viewer_page, "llm_1")).to_be_visible()
    viewer_page.context.close()
    console_errors.assert_none()
