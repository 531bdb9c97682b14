import { describe, expect, it } from "vitest";
import { crewAiParts, exportFileName, readFlowDocument } from "../src/features/editor/transfer/transferFiles";

const named = (name: string) => ({ name });

describe("crewAiParts", () => {
  it("sends one zip as the project", () => {
    expect(crewAiParts([named("research_crew.ZIP")])).toEqual({ ok: true, value: { file: named("research_crew.ZIP") } });
  });

  it("sends agents.yaml and tasks.yaml as their own parts, in any order and either extension", () => {
    expect(crewAiParts([named("tasks.yml"), named("agents.yaml")])).toEqual({
      ok: true,
      value: { agents_yaml: named("agents.yaml"), tasks_yaml: named("tasks.yml") },
    });
  });

  it("refuses a single YAML file, other files and more than a project", () => {
    for (const files of [[named("agents.yaml")], [named("crew.py"), named("tasks.yaml")], []]) {
      const picked = crewAiParts(files);
      expect(picked.ok).toBe(false);
    }
    expect(crewAiParts([named("agents.yaml"), named("tasks.yaml"), named("extra.yaml")]).ok).toBe(false);
  });
});

describe("exportFileName", () => {
  it("makes the flow's name safe for a file and adds the version", () => {
    expect(exportFileName("Café triage / v2!", 3)).toBe("cafe-triage-v2.v3.crewloom.json");
    expect(exportFileName("***", null)).toBe("flow.crewloom.json");
  });
});

describe("readFlowDocument", () => {
  it("reads an exported flow", () => {
    const document = { format: "crewloom.flow", format_version: 1, flow: { name: "F", graph: {} } };
    expect(readFlowDocument(JSON.stringify(document))).toEqual({ ok: true, value: document });
  });

  it("explains a file that is not JSON or not a flow", () => {
    expect(readFlowDocument("agents:\n  - a")).toEqual({
      ok: false,
      message: "This file is not JSON. Choose a flow exported from Crewloom (.json).",
    });
    const other = readFlowDocument(JSON.stringify({ nodes: [] }));
    expect(other.ok).toBe(false);
    expect(readFlowDocument("null").ok).toBe(false);
  });
});
