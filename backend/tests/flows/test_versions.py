"""Flow versions: every save a new immutable version, stale editors refused, diff, restore, publish."""

from __future__ import annotations

import copy
from typing import Any

import httpx

from tests.conftest import Account
from tests.flows.graphs import edge, input_node, node, output_node, valid_graph
from tests.flows.test_flows_api import FLOWS, create


async def save(
    client: httpx.AsyncClient, account: Account, flow: dict[str, Any], graph: dict[str, Any], message: str = ""
) -> dict[str, Any]:
    response = await client.post(
        f"{FLOWS}/{flow['id']}/versions",
        json={"graph": graph, "message": message, "version": flow["version"]},
        headers=account.headers,
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def version(client: httpx.AsyncClient, account: Account, flow: dict[str, Any], number: int) -> dict[str, Any]:
    response = await client.get(f"{FLOWS}/{flow['id']}/versions/{number}", headers=account.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def with_condition() -> dict[str, Any]:
    return {
        "nodes": [
            input_node(),
            node("if", "condition", {"expression": "inputs.topic == 'x'"}),
            output_node("yes", "yes {{ inputs.topic }}"),
            output_node("no", "no"),
        ],
        "edges": [edge("in", "if"), edge("if", "yes", "true"), edge("if", "no", "false")],
    }


async def test_saves_number_versions_and_never_change_them(client: httpx.AsyncClient, account: Account) -> None:
    flow = await create(client, account, graph=valid_graph(), message="one")
    first = await version(client, account, flow, 1)
    saved = await save(client, account, flow, with_condition(), "two")
    assert saved["version"]["number"] == 2
    assert saved["version"]["message"] == "two"
    assert saved["version"]["author_id"] == account.user_id
    assert saved["problems"] == []
    assert saved["flow"]["latest_version"] == 2
    assert saved["flow"]["version"] == flow["version"] + 1
    assert saved["flow"]["graph"] == saved["version"]["graph"]
    assert await version(client, account, flow, 1) == first
    listed = (await client.get(f"{FLOWS}/{flow['id']}/versions", headers=account.headers)).json()
    assert [(item["number"], item["message"]) for item in listed["items"]] == [(2, "two"), (1, "one")]
    assert all("graph" not in item for item in listed["items"])
    paged = (await client.get(f"{FLOWS}/{flow['id']}/versions", params={"limit": 1}, headers=account.headers)).json()
    rest = await client.get(
        f"{FLOWS}/{flow['id']}/versions", params={"limit": 1, "cursor": paged["next_cursor"]}, headers=account.headers
    )
    assert [item["number"] for item in paged["items"] + rest.json()["items"]] == [2, 1]
    missing = await client.get(f"{FLOWS}/{flow['id']}/versions/9", headers=account.headers)
    assert missing.status_code == 404


async def test_a_stale_save_is_refused_naming_the_newer_version(client: httpx.AsyncClient, account: Account) -> None:
    flow = await create(client, account, graph=valid_graph())
    await save(client, account, flow, with_condition(), "first editor")
    response = await client.post(
        f"{FLOWS}/{flow['id']}/versions",
        json={"graph": valid_graph(), "message": "second editor", "version": flow["version"]},
        headers=account.headers,
    )
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert detail["field"] == "version"
    assert detail["current_version"] == flow["version"] + 1
    assert f"version {flow['version'] + 1}" in detail["message"]
    got = (await client.get(f"{FLOWS}/{flow['id']}", headers=account.headers)).json()
    assert got["latest_version"] == 2


async def test_an_invalid_graph_is_saved_with_its_problems(client: httpx.AsyncClient, account: Account) -> None:
    flow = await create(client, account, graph=valid_graph())
    draft = {"nodes": [input_node(), node("if", "condition", {"expression": "1 +"})], "edges": [edge("in", "if")]}
    saved = await save(client, account, flow, draft, "wip")
    assert saved["version"]["number"] == 2
    assert [(item["code"], item.get("node_id")) for item in saved["problems"]] == [
        ("missing_output", None),
        ("invalid_expression", "if"),
        ("condition_branches", "if"),
    ]
    detail = await version(client, account, flow, 2)
    assert detail["problems"] == saved["problems"]
    assert detail["graph"] == saved["version"]["graph"]


async def test_diff_of_two_versions(client: httpx.AsyncClient, account: Account) -> None:
    before = with_condition()
    flow = await create(client, account, graph=before)
    after = copy.deepcopy(before)
    after["nodes"][1]["config"]["expression"] = "inputs.topic != 'x'"
    after["nodes"][1]["position"] = {"x": 10, "y": 20}
    after["nodes"][2]["label"] = "Yes"
    del after["nodes"][3]
    after["nodes"].append(output_node("maybe", "maybe"))
    after["edges"][2] = edge("if", "maybe", "false", "if-no")
    after["settings"] = {"failure_policy": "continue"}
    saved = await save(client, account, flow, after)
    response = await client.get(f"{FLOWS}/{flow['id']}/diff", params={"base": 1, "target": 2}, headers=account.headers)
    assert response.status_code == 200, response.text
    diff = response.json()
    stored = saved["version"]["graph"]
    first = (await version(client, account, flow, 1))["graph"]
    assert diff == {
        "base": 1,
        "target": 2,
        "nodes": {
            "added": [stored["nodes"][3]],
            "removed": [first["nodes"][3]],
            "changed": [
                {
                    "id": "if",
                    "fields": {
                        "position": {"before": {"x": 0.0, "y": 0.0}, "after": {"x": 10.0, "y": 20.0}},
                        "config.expression": {"before": "inputs.topic == 'x'", "after": "inputs.topic != 'x'"},
                    },
                },
                {"id": "yes", "fields": {"label": {"before": None, "after": "Yes"}}},
            ],
        },
        "edges": {
            "added": [],
            "removed": [],
            "changed": [{"id": "if-no", "fields": {"target": {"before": "no", "after": "maybe"}}}],
        },
        "settings": {"failure_policy": {"before": "stop", "after": "continue"}},
    }
    latest = await client.get(f"{FLOWS}/{flow['id']}/diff", headers=account.headers)
    assert latest.json() == diff
    same = await client.get(f"{FLOWS}/{flow['id']}/diff", params={"base": 2, "target": 2}, headers=account.headers)
    assert same.json()["nodes"] == {"added": [], "removed": [], "changed": []}
    missing = await client.get(f"{FLOWS}/{flow['id']}/diff", params={"base": 1, "target": 7}, headers=account.headers)
    assert missing.status_code == 404


async def test_restore_saves_the_old_graph_as_a_new_version(client: httpx.AsyncClient, account: Account) -> None:
    flow = await create(client, account, graph=valid_graph())
    saved = await save(client, account, flow, with_condition())
    response = await client.post(
        f"{FLOWS}/{flow['id']}/versions/1/restore",
        json={"version": saved["flow"]["version"]},
        headers=account.headers,
    )
    assert response.status_code == 201, response.text
    restored = response.json()
    assert restored["version"]["number"] == 3
    assert restored["version"]["message"] == "Restored version 1"
    assert restored["version"]["graph"] == (await version(client, account, flow, 1))["graph"]
    assert restored["flow"]["latest_version"] == 3
    stale = await client.post(
        f"{FLOWS}/{flow['id']}/versions/2/restore",
        json={"version": saved["flow"]["version"], "message": "late"},
        headers=account.headers,
    )
    assert stale.status_code == 409


async def test_publish_refuses_problems_and_accepts_a_valid_version(
    client: httpx.AsyncClient, account: Account
) -> None:
    flow = await create(client, account, graph={"nodes": [input_node()], "edges": []})
    saved = await save(client, account, flow, valid_graph())
    current = saved["flow"]["version"]
    refused = await client.post(
        f"{FLOWS}/{flow['id']}/versions/1/publish", json={"version": current}, headers=account.headers
    )
    assert refused.status_code == 422
    body = refused.json()
    assert body["error"] == "validation_error"
    assert [problem["code"] for problem in body["detail"]["problems"]] == ["missing_output"]
    assert "version 1" in body["detail"]["message"]

    published = await client.post(
        f"{FLOWS}/{flow['id']}/versions/2/publish", json={"version": current}, headers=account.headers
    )
    assert published.status_code == 200, published.text
    assert published.json()["published_version"] == 2
    got = (await client.get(f"{FLOWS}/{flow['id']}", headers=account.headers)).json()
    assert got["published_version"] == 2

    stale = await client.post(
        f"{FLOWS}/{flow['id']}/versions/2/publish", json={"version": current}, headers=account.headers
    )
    assert stale.status_code == 409
    missing = await client.post(
        f"{FLOWS}/{flow['id']}/versions/5/publish", json={"version": got["version"]}, headers=account.headers
    )
    assert missing.status_code == 404
