import type { NodeConfig } from "../graphModel";

/** How each node type is drawn: a glyph that reads without colour, an accent, and the config worth a glance. */
export interface NodeLook {
  icon: string;
  accent: string;
  summary: (config: NodeConfig, nameOf: (id: unknown) => string | null) => string;
}

const SUMMARY_LENGTH = 80;

function clip(value: unknown): string {
  if (typeof value !== "string") return "";
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > SUMMARY_LENGTH ? `${flat.slice(0, SUMMARY_LENGTH - 1)}…` : flat;
}

function joined(...parts: string[]): string {
  return parts.filter(Boolean).join(" · ");
}

function fieldNames(config: NodeConfig): string {
  const fields = Array.isArray(config.fields) ? config.fields : [];
  return fields
    .map((field: unknown) =>
      typeof field === "object" && field !== null && "name" in field && typeof field.name === "string" ? field.name : "",
    )
    .filter(Boolean)
    .join(", ");
}

function keysOf(value: unknown): string {
  return typeof value === "object" && value !== null ? Object.keys(value).join(", ") : "";
}

const looks: Record<string, NodeLook> = {
  input: { icon: "⇥", accent: "bg-sky-100 text-sky-800", summary: (config) => fieldNames(config) || "No fields yet" },
  output: { icon: "⇤", accent: "bg-emerald-100 text-emerald-800", summary: (config) => clip(config.value) },
  llm: {
    icon: "✦",
    accent: "bg-violet-100 text-violet-800",
    summary: (config, nameOf) => joined(nameOf(config.provider_id) ?? "", clip(config.model), clip(config.prompt)),
  },
  agent: {
    icon: "☺",
    accent: "bg-amber-100 text-amber-800",
    summary: (config, nameOf) => joined(nameOf(config.agent_id) ?? "No agent chosen", clip(config.task)),
  },
  crew: {
    icon: "☰",
    accent: "bg-orange-100 text-orange-800",
    summary: (config, nameOf) => joined(nameOf(config.crew_id) ?? "No crew chosen", keysOf(config.inputs)),
  },
  tool: {
    icon: "⚒",
    accent: "bg-slate-200 text-slate-800",
    summary: (config, nameOf) => joined(nameOf(config.tool_id) ?? "No tool chosen", keysOf(config.arguments)),
  },
  condition: { icon: "◇", accent: "bg-pink-100 text-pink-800", summary: (config) => clip(config.expression) },
};

const unknownLook: NodeLook = { icon: "?", accent: "bg-slate-100 text-slate-700", summary: () => "" };

export function lookOf(nodeType: string): NodeLook {
  return looks[nodeType] ?? unknownLook;
}
