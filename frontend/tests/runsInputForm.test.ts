import { describe, expect, it } from "vitest";
import type { Schemas } from "../src/api/client";
import {
  initialFormValues,
  inputErrorField,
  inputFormFields,
  inputsFromForm,
} from "../src/features/executions/inputForm";

const graph: Schemas["Graph-Output"] = {
  nodes: [
    {
      id: "in",
      type: "input",
      position: { x: 0, y: 0 },
      config: {
        fields: [
          { name: "topic", type: "string", required: true, description: "What to write about" },
          { name: "words", type: "number", required: false, default: 120 },
          { name: "formal", type: "boolean", default: true },
          { name: "extra", type: "json", required: false, default: { tone: "warm" } },
          { name: "note" },
        ],
      },
    },
    { id: "out", type: "output", position: { x: 0, y: 0 }, config: { value: "{{ inputs.topic }}" } },
  ],
  edges: [{ id: "e", source: "in", target: "out" }],
};

describe("the run form", () => {
  it("has a field per input, with its type, need and description", () => {
    expect(inputFormFields(graph)).toEqual([
      { name: "topic", type: "string", required: true, hasDefault: false, description: "What to write about" },
      { name: "words", type: "number", required: false, hasDefault: true, description: "" },
      { name: "formal", type: "boolean", required: true, hasDefault: true, description: "" },
      { name: "extra", type: "json", required: false, hasDefault: true, description: "" },
      { name: "note", type: "string", required: true, hasDefault: false, description: "" },
    ]);
  });

  it("starts from the defaults, or from an earlier run's inputs", () => {
    expect(initialFormValues(graph)).toEqual({
      topic: "",
      words: "120",
      formal: true,
      extra: '{\n  "tone": "warm"\n}',
      note: "",
    });
    expect(initialFormValues(graph, { topic: "bees", formal: false, extra: [1] })).toMatchObject({
      topic: "bees",
      formal: false,
      extra: "[\n  1\n]",
    });
  });

  it("sends what was filled in and leaves empty fields to the API's defaults and checks", () => {
    const fields = inputFormFields(graph);
    expect(
      inputsFromForm(fields, { topic: " bees ", words: " 12 ", formal: false, extra: "", note: "", unknown: "x" }),
    ).toEqual({ topic: " bees ", words: "12", formal: false });
  });

  it("has no fields without an input node, or with a malformed one", () => {
    expect(inputFormFields(null)).toEqual([]);
    expect(inputFormFields({ nodes: [{ id: "in", type: "input", config: { fields: "topic" } }], edges: [] })).toEqual([]);
    expect(
      inputFormFields({ nodes: [{ id: "in", type: "input", config: { fields: [{ type: "number" }, { name: "ok", type: "odd" }] } }] }),
    ).toEqual([{ name: "ok", type: "string", required: true, hasDefault: false, description: "" }]);
  });

  it("finds the API's message for a field under inputs.<name>", () => {
    expect(inputErrorField("topic")).toBe("inputs.topic");
  });
});
