import type { Schemas } from "../../../api/client";

export type FlowDocument = Schemas["FlowDocument-Input"];

/** What the CrewAI import endpoint takes: a zip of the project, or its two YAML files. */
export type CrewAiParts<F> = { file: F } | { agents_yaml: F; tasks_yaml: F };

export type Picked<T> = { ok: true; value: T } | { ok: false; message: string };

const YAML = /\.ya?ml$/i;

function baseName(name: string): string {
  return name.split(/[\\/]/).pop()?.toLowerCase() ?? "";
}

/** The files a user picked, as the endpoint's parts: one zip, or agents.yaml with tasks.yaml. */
export function crewAiParts<F extends { name: string }>(files: readonly F[]): Picked<CrewAiParts<F>> {
  const [only] = files;
  if (files.length === 1 && only !== undefined && baseName(only.name).endsWith(".zip")) {
    return { ok: true, value: { file: only } };
  }
  const agents = files.find((file) => YAML.test(file.name) && baseName(file.name).startsWith("agents."));
  const tasks = files.find((file) => YAML.test(file.name) && baseName(file.name).startsWith("tasks."));
  if (files.length === 2 && agents !== undefined && tasks !== undefined) {
    return { ok: true, value: { agents_yaml: agents, tasks_yaml: tasks } };
  }
  return { ok: false, message: "Choose agents.yaml and tasks.yaml together, or one zip of the CrewAI project." };
}

/** The name of the exported file: the flow's name made safe for any file system, and the version. */
export function exportFileName(flowName: string, version: number | null): string {
  const slug =
    flowName
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80) || "flow";
  return version === null ? `${slug}.crewloom.json` : `${slug}.v${String(version)}.crewloom.json`;
}

function isFlowDocument(value: unknown): value is FlowDocument {
  return (
    typeof value === "object" &&
    value !== null &&
    "format" in value &&
    value.format === "crewloom.flow" &&
    "flow" in value &&
    typeof value.flow === "object" &&
    value.flow !== null
  );
}

/** A file's text as a flow document; the API judges the rest, this only catches files of another kind. */
export function readFlowDocument(text: string): Picked<FlowDocument> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, message: "This file is not JSON. Choose a flow exported from Crewloom (.json)." };
  }
  if (!isFlowDocument(parsed)) {
    return { ok: false, message: 'This JSON is not a Crewloom flow: it has no "format": "crewloom.flow".' };
  }
  return { ok: true, value: parsed };
}
