"""Live runs in Debian's Chromium: the run form generated from the input node, nodes turning from running to
succeeded as events stream, a node's output in the drawer, a reload that resumes with Last-Event-ID, a failed run
retried, a slow run cancelled, the executions list and its filters, and what a viewer may do there."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, Request, expect

from tests.conftest import PASSWORD, unique_email
from tests.e2e.conftest import ConsoleErrors, SignedIn, screenshot

REPLY = "Mock reply to: Write about bees in a warm tone"
REFUSAL = "The model refused to write about that"
# How long an expectation waits for a run to move on; a busy machine may take a while.
PROGRESS_MS = 20_000


def _prefix_of(text: str) -> re.Pattern[str]:
    """Matches any beginning of ``text``, or the words shown before the first token: never a repeated token."""
    nested = "".join(f"(?:{re.escape(character)}" for character in text) + ")?" * len(text)
    return re.compile(f"^(?:Waiting for the first tokens…|{nested})$")


def _graph_node(node_id: str, node_type: str, label: str, x: int, config: dict[str, Any]) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "label": label, "position": {"x": x, "y": 0}, "config": config}


def _flow(api: httpx.Client, *, latency_ms: int, name: str) -> str:
    """input (topic, tone) -> llm "Write" -> output, on a mock provider that fails any prompt about "explode"."""
    provider = api.post(
        "/llm-providers",
        json={
            "name": f"{name} model",
            "type": "mock",
            "default_model": "mock-1",
            "options": {
                "latency_ms": latency_ms,
                "responses": [{"match": "explode", "error": REFUSAL, "status_code": 400}],
            },
        },
    )
    assert provider.status_code == 201, provider.text
    fields = [
        {"name": "topic", "type": "string", "required": True, "description": "What to write about"},
        {"name": "tone", "type": "string", "required": False, "default": "warm"},
    ]
    llm = {
        "provider_id": provider.json()["id"],
        "model": "mock-1",
        "prompt": "Write about {{ inputs.topic }} in a {{ inputs.tone }} tone",
    }
    output = {"value": "{{ nodes.write.output }}"}
    graph: dict[str, Any] = {
        "nodes": [
            _graph_node("in", "input", "Question", 0, {"fields": fields}),
            _graph_node("write", "llm", "Write", 320, llm),
            _graph_node("out", "output", "Answer", 640, output),
        ],
        "edges": [{"id": "e1", "source": "in", "target": "write"}, {"id": "e2", "source": "write", "target": "out"}],
    }
    created = api.post("/flows", json={"name": name, "graph": graph, "message": "First version"})
    assert created.status_code == 201, created.text
    assert created.json()["problems"] == [], created.json()["problems"]
    return str(created.json()["id"])


def _node(page: Page, label: str, state: str) -> Locator:
    """A node on the run's canvas, found by its label and the state it shows in words."""
    return page.get_by_role("group", name="Run graph").get_by_role("button", name=f"{label}: {state}")


def _open_node(page: Page, node: Locator, url: str) -> None:
    """Click a node until its drawer's URL shows: a node that streams re-renders with every piece, and a click
    landing as it is replaced is lost."""
    for _ in range(3):
        node.click()
        try:
            expect(page).to_have_url(url, timeout=5_000)
        except AssertionError:
            continue
        return
    expect(page).to_have_url(url)


def _run_status(page: Page) -> Locator:
    return page.get_by_label("Run status")


def test_a_run_streams_is_reloaded_fails_is_retried_and_is_listed(
    page: Page, admin: SignedIn, base_url: str, console_errors: ConsoleErrors
) -> None:
    _flow(admin.api, latency_ms=3000, name="Bee writer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Executions").click()
    expect(page.get_by_text("No runs yet")).to_be_visible()

    page.get_by_role("button", name="New run").click()
    dialog = page.get_by_role("dialog", name="Run a flow")
    dialog.get_by_label("Flow").select_option(label="Bee writer")
    expect(dialog.get_by_label("tone")).to_have_value("warm")
    expect(dialog.get_by_label("topic")).to_have_accessible_description(re.compile("What to write about"))
    dialog.get_by_role("button", name="Start run").click()
    expect(dialog.get_by_role("alert")).to_have_text("is required")
    console_errors.forget("status of 422")
    dialog.get_by_label("topic").fill("bees")
    dialog.get_by_role("button", name="Start run").click()

    expect(page).to_have_url(re.compile(r"/executions/[0-9a-f-]{36}$"))
    expect(_node(page, "Write", "Running")).to_be_visible()
    expect(_node(page, "Question", "Succeeded")).to_be_visible()
    expect(_node(page, "Answer", "Queued")).to_be_visible()
    screenshot(page, "live-run")
    expect(_node(page, "Write", "Succeeded")).to_be_visible(timeout=PROGRESS_MS)
    expect(_node(page, "Answer", "Succeeded")).to_be_visible()
    expect(_run_status(page)).to_have_text("Succeeded")

    _node(page, "Write", "Succeeded").click()
    drawer = page.get_by_role("complementary", name="Write")
    expect(drawer.get_by_role("region", name="Output")).to_have_text(REPLY)
    expect(drawer.get_by_label("Inputs")).to_contain_text("Write about bees in a warm tone")
    screenshot(page, "live-run-node-output")
    page.reload()
    expect(_run_status(page)).to_have_text("Succeeded")
    expect(_node(page, "Write", "Succeeded")).to_be_visible()
    expect(page.get_by_role("complementary", name="Write").get_by_role("region", name="Output")).to_have_text(REPLY)
    succeeded_url = page.url

    page.get_by_role("button", name="Run again").click()
    again = page.get_by_role("dialog", name="Run a flow")
    expect(again.get_by_label("topic")).to_have_value("bees")
    again.get_by_label("topic").fill("explode")
    again.get_by_role("button", name="Start run").click()
    expect(page).not_to_have_url(succeeded_url)
    expect(_run_status(page)).to_have_text("Failed", timeout=PROGRESS_MS)
    expect(page.get_by_role("alert")).to_contain_text(REFUSAL)
    failed = _node(page, "Write", "Failed")
    expect(failed).to_contain_text(REFUSAL)
    expect(_node(page, "Answer", "Cancelled")).to_be_visible()
    failed.click()
    expect(page.get_by_role("complementary", name="Write").get_by_role("alert")).to_contain_text(REFUSAL)
    failed_url = page.url.split("?")[0]
    page.get_by_role("button", name="Retry").click()
    expect(page).not_to_have_url(re.compile(re.escape(failed_url)))
    expect(page.get_by_role("link", name="an earlier run")).to_have_attribute("href", failed_url.removeprefix(base_url))
    expect(_run_status(page)).to_have_text("Failed", timeout=PROGRESS_MS)

    page.get_by_role("link", name="← Executions").click()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="Failed")).to_have_count(2)
    expect(rows.filter(has_text="Succeeded")).to_contain_text("Bee writer")
    screenshot(page, "executions-list")
    page.get_by_label("Status").select_option("failed")
    expect(page).to_have_url(re.compile(r"\?status=failed$"))
    expect(rows).to_have_count(3)
    page.reload()
    expect(page.get_by_label("Status")).to_have_value("failed")
    expect(rows).to_have_count(3)
    page.get_by_label("Status").select_option("cancelled")
    expect(page.get_by_text("No run matches these filters")).to_be_visible()
    page.get_by_role("button", name="Clear filters").click()
    expect(rows).to_have_count(4)
    rows.filter(has_text="Succeeded").get_by_role("link").click()
    expect(_run_status(page)).to_have_text("Succeeded")
    console_errors.assert_none()


def _viewer_of(admin: SignedIn, base_url: str) -> str:
    """The email of a new viewer in the admin's workspace."""
    email = unique_email("viewer")
    invited = admin.api.post("/invitations", json={"email": email, "role": "viewer"})
    assert invited.status_code == 201, invited.text
    accepted = httpx.post(
        f"{base_url}/api/v1/invitations/accept", json={"token": invited.json()["token"], "password": PASSWORD}
    )
    assert accepted.status_code == 200, accepted.text
    return email


def test_a_slow_run_resumes_after_a_reload_is_cancelled_and_a_viewer_only_watches(
    page: Page, admin: SignedIn, base_url: str, console_errors: ConsoleErrors
) -> None:
    # Ten streamed pieces, one every three seconds.
    flow_id = _flow(admin.api, latency_ms=30_000, name="Slow writer")
    page.goto(f"{base_url}/flows/{flow_id}")
    page.get_by_role("button", name="Run", exact=True).click()
    dialog = page.get_by_role("dialog", name="Run a flow")
    dialog.get_by_label("topic").fill("bees")
    dialog.get_by_role("button", name="Start run").click()
    expect(page).to_have_url(re.compile(r"/executions/[0-9a-f-]{36}$"))
    run_url = page.url
    _open_node(page, _node(page, "Write", "Running"), f"{run_url}?node=write")
    streamed = page.get_by_role("complementary", name="Write").get_by_label("Streamed text")
    expect(streamed).to_have_text(re.compile("^Mock"), timeout=PROGRESS_MS)

    resumed_from: list[str | None] = []

    def on_request(request: Request) -> None:
        if request.url.endswith("/events"):
            resumed_from.append(request.headers.get("last-event-id"))

    page.on("request", on_request)
    page.reload()
    expect(_node(page, "Write", "Running")).to_be_visible()
    # What streamed before the reload is still there, and what streams after it follows without repeats.
    expect(streamed).to_have_text(re.compile("^Mock"))
    expect(streamed).to_have_text(_prefix_of(REPLY))
    expect(streamed).to_have_text(re.compile("^Mock reply"), timeout=PROGRESS_MS)
    expect(streamed).to_have_text(_prefix_of(REPLY))
    assert resumed_from, "the page did not follow the run's events after the reload"
    assert int(resumed_from[0] or 0) > 0, resumed_from

    page.get_by_role("button", name="Cancel run").click()
    confirm = page.get_by_role("dialog", name="Cancel this run?")
    confirm.get_by_role("button", name="Cancel run").click()
    expect(_run_status(page)).to_have_text("Cancelled", timeout=PROGRESS_MS)
    expect(_node(page, "Write", "Cancelled")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel run")).to_have_count(0)
    expect(page.get_by_role("button", name="Retry")).to_be_visible()

    viewer = _viewer_of(admin, base_url)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill(viewer)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.goto(run_url)
    expect(_run_status(page)).to_have_text("Cancelled")
    expect(_node(page, "Write", "Cancelled")).to_be_visible()
    expect(page.get_by_role("button", name="Retry")).to_have_count(0)
    expect(page.get_by_role("button", name="Run again")).to_have_count(0)
    page.get_by_role("link", name="← Executions").click()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)
    expect(page.get_by_role("button", name="New run")).to_have_count(0)
    console_errors.assert_none()
