import { useMutation } from "@tanstack/react-query";
import { api } from "../../api/client";
import { toApiError } from "../../api/problems";
import { Button } from "../../ui/controls";

function filenameOf(response: Response, fallback: string): string {
  const disposition = response.headers.get("Content-Disposition") ?? "";
  return /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallback;
}

async function downloadProject(crewId: string): Promise<string> {
  const { data, error, response } = await api.GET("/api/v1/crews/{crew_id}/export-crewai", {
    params: { path: { crew_id: crewId } },
    parseAs: "blob",
  });
  if (!response.ok || data === undefined) throw toApiError(error, response.status);
  const filename = filenameOf(response, "crew.zip");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(data);
  link.download = filename;
  link.click();
  // The download reads the blob after this task; let it go once it surely has.
  setTimeout(() => {
    URL.revokeObjectURL(link.href);
  }, 10_000);
  return filename;
}

/** Downloads the crew as a CrewAI project (a zip that `crewai run` executes; no keys in it). */
export function CrewExport({ crewId }: { crewId: string }) {
  const download = useMutation({ mutationFn: () => downloadProject(crewId) });
  return (
    <span className="flex items-center gap-2">
      <Button
        busy={download.isPending}
        onClick={() => {
          download.mutate();
        }}
      >
        <span aria-hidden="true">⤓</span> Export CrewAI project
      </Button>
      <span role="status" className="text-xs">
        {download.error !== null && <span className="text-red-700">{download.error.message}</span>}
        {download.data !== undefined && <span className="text-slate-600">Downloaded {download.data}</span>}
      </span>
    </span>
  );
}
