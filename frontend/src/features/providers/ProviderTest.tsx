import { useMutation } from "@tanstack/react-query";
import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Button } from "../../ui/controls";

function Outcome({ result }: { result: Schemas["ProviderTestOut"] }) {
  const latency = result.latency_ms === null ? "" : ` · ${String(result.latency_ms)} ms`;
  return result.ok ? (
    <span className="text-emerald-800">
      <span aria-hidden="true">✓ </span>Connected · {result.model}
      {latency}
    </span>
  ) : (
    <span className="text-red-700">
      <span aria-hidden="true">✕ </span>Failed · {result.model}
      {latency}: {result.error}
    </span>
  );
}

/** One tiny real call to the provider, its outcome (connected or the provider's error, and latency) inline. */
export function ProviderTest({ providerId, providerName }: { providerId: string; providerName: string }) {
  const test = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/llm-providers/{provider_id}/test", { params: { path: { provider_id: providerId } }, body: {} }),
      ),
  });
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <Button
        busy={test.isPending}
        aria-label={`Test connection to ${providerName}`}
        onClick={() => {
          test.mutate();
        }}
      >
        {test.isPending ? "Testing…" : "Test connection"}
      </Button>
      <span role="status" aria-label={`Connection test of ${providerName}`}>
        {test.data !== undefined && <Outcome result={test.data} />}
        {test.error !== null && (
          <span className="text-red-700">
            <span aria-hidden="true">✕ </span>
            {test.error.message}
          </span>
        )}
      </span>
    </div>
  );
}
