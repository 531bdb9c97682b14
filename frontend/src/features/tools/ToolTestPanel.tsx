import { useMutation } from "@tanstack/react-query";
import { useState, type SubmitEvent, type ReactNode } from "react";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Button, ErrorMessage, TextArea } from "../../ui/controls";
import { fieldErrorUnder } from "../../ui/fieldProblems";
import { FormSection } from "../../ui/FormParts";
import { bodyOrThrow } from "../../ui/formBody";
import { parseJsonObject } from "../../ui/jsonText";
import { argumentsSchema, exampleArguments } from "./toolTest";

type Tool = Schemas["ToolOut"];
type Outcome = Schemas["ToolTestOut"];

function Output({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{label}</h4>
      <pre aria-label={label} className="mt-1 max-h-64 overflow-auto rounded-md bg-slate-900 p-3 text-xs whitespace-pre-wrap text-slate-100">
        {children}
      </pre>
    </div>
  );
}

function TestOutcome({ outcome }: { outcome: Outcome }) {
  return (
    <section aria-label="Test result" className="space-y-3 rounded-lg border border-slate-200 p-4">
      <p className="flex flex-wrap items-center gap-3 text-sm">
        {outcome.ok ? (
          <span className="font-semibold text-emerald-800">
            <span aria-hidden="true">✓ </span>Succeeded
          </span>
        ) : (
          <span className="font-semibold text-red-700">
            <span aria-hidden="true">✕ </span>Failed
          </span>
        )}
        <span className="text-slate-600">{Math.round(outcome.duration_ms)} ms</span>
        {outcome.limit !== null && (
          <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">
            <span aria-hidden="true">⚠ </span>Limit hit: {outcome.limit.replaceAll("_", " ")}
          </span>
        )}
      </p>
      {outcome.error !== null && <ErrorMessage message={outcome.error} />}
      {outcome.ok && <Output label="Result">{JSON.stringify(outcome.result, null, 2)}</Output>}
      {outcome.stdout !== "" && <Output label="stdout">{outcome.stdout}</Output>}
      {outcome.stderr !== "" && <Output label="stderr">{outcome.stderr}</Output>}
    </section>
  );
}

/** Runs the saved tool once with arguments typed as JSON (custom and docker tools in the sandbox). */
export function ToolTestPanel({
  tool,
  catalogue,
  unsaved,
}: {
  tool: Tool;
  catalogue: readonly Schemas["CatalogueEntry"][];
  unsaved: boolean;
}) {
  const [argumentsText, setArgumentsText] = useState(() =>
    JSON.stringify(exampleArguments(argumentsSchema(tool, catalogue)), null, 2),
  );
  const run = useMutation({
    mutationFn: (text: string) => {
      const parsed = parseJsonObject(text);
      const body = bodyOrThrow(
        parsed.ok
          ? { ok: true, body: { arguments: parsed.value ?? {} } }
          : { ok: false, problems: { arguments: parsed.message } },
      );
      return unwrap(api.POST("/api/v1/tools/{tool_id}/test", { params: { path: { tool_id: tool.id } }, body }));
    },
  });
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    run.mutate(argumentsText);
  };
  const argumentsError = fieldErrorUnder(run.error, "arguments");
  return (
    <FormSection title="Test" description="Runs the saved tool once, as an agent's call would.">
      <form onSubmit={submit} aria-label="Test the tool" className="space-y-3">
        <TextArea
          label="Arguments (JSON)"
          rows={4}
          className="font-mono text-sm"
          value={argumentsText}
          onChange={(event) => {
            setArgumentsText(event.target.value);
          }}
          error={argumentsError}
        />
        {unsaved && <p className="text-sm text-amber-800">You have unsaved changes: the test runs the saved version.</p>}
        <Button type="submit" look="primary" busy={run.isPending}>
          {run.isPending ? "Running…" : "Run test"}
        </Button>
      </form>
      <div role="status" aria-live="polite">
        {run.data !== undefined && <TestOutcome outcome={run.data} />}
      </div>
      {argumentsError === undefined && <ErrorMessage message={run.error?.message} />}
    </FormSection>
  );
}
