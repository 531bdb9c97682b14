import { useMutation } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { Button, ErrorMessage } from "../../ui/controls";
import { FormSection } from "../../ui/FormParts";

/** The tools the MCP server offers, asked of the server when the user wants them (it may start a process). */
export function McpServerTools({ toolId }: { toolId: string }) {
  const listing = useMutation({
    mutationFn: () => unwrap(api.GET("/api/v1/tools/{tool_id}/mcp-tools", { params: { path: { tool_id: toolId } } })),
  });
  return (
    <FormSection title="Server tools" description="What the saved server offers right now.">
      <Button
        busy={listing.isPending}
        onClick={() => {
          listing.mutate();
        }}
      >
        {listing.data === undefined ? "Ask the server" : "Ask again"}
      </Button>
      <ErrorMessage message={listing.error?.message} />
      {listing.data !== undefined &&
        (listing.data.items.length === 0 ? (
          <p className="text-sm text-slate-600">The server offers no tools.</p>
        ) : (
          <ul aria-label="Server tools" className="divide-y divide-slate-100 rounded-md border border-slate-200">
            {listing.data.items.map((tool) => (
              <li key={tool.name} className="p-3 text-sm">
                <code className="font-semibold">{tool.name}</code>
                <p className="text-slate-600">{tool.description}</p>
              </li>
            ))}
          </ul>
        ))}
    </FormSection>
  );
}
