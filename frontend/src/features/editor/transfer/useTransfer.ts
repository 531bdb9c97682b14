import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { api } from "../../../api/client";
import { unwrap } from "../../../api/problems";
import { queryKeys } from "../../../api/queryKeys";
import { exportFileName, type CrewAiParts, type FlowDocument } from "./transferFiles";

function download(fileName: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  // Revoked once the click has handed the file to the browser's download.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 0);
}

/** Downloads the flow's document (its graph and every agent, crew, tool and provider it uses, without keys). */
export function useExportFlow(flowId: string) {
  return useMutation({
    mutationFn: async (version: number | null) => {
      const document = await unwrap(
        api.GET("/api/v1/flows/{flow_id}/export", { params: { path: { flow_id: flowId }, query: { version } } }),
      );
      download(exportFileName(document.flow.name, version), `${JSON.stringify(document, null, 2)}\n`);
    },
  });
}

/** After an import: what it created is listed afresh, and the new flow opens in the editor. */
function useOpenImported() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return (flowId: string) => {
    for (const resource of ["flows", "agents", "crews", "tools", "providers"] as const) {
      void queryClient.invalidateQueries({ queryKey: queryKeys[resource].all });
    }
    void navigate(`/flows/${flowId}`);
  };
}

export function useImportFlow() {
  const openImported = useOpenImported();
  return useMutation({
    mutationFn: (document: FlowDocument) => unwrap(api.POST("/api/v1/flows/import", { body: { document } })),
    onSuccess: (imported) => {
      openImported(imported.flow_id);
    },
  });
}

export interface CrewAiImport {
  parts: CrewAiParts<File>;
  name: string;
  providerId: string;
}

export function useImportCrewAi() {
  const openImported = useOpenImported();
  return useMutation({
    mutationFn: ({ parts, name, providerId }: CrewAiImport) => {
      const form = new FormData();
      for (const [field, file] of Object.entries(parts)) form.append(field, file);
      if (name.trim()) form.append("name", name.trim());
      if (providerId) form.append("provider_id", providerId);
      return unwrap(api.POST("/api/v1/crews/import-crewai", { body: {}, bodySerializer: () => form }));
    },
    onSuccess: (imported) => {
      openImported(imported.flow_id);
    },
  });
}
