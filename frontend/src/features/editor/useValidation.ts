import { useEffect, useState } from "react";
import { api } from "../../api/client";
import { toApiError } from "../../api/problems";
import { currentGraph, useEditorStore } from "./store";

/** How long editing pauses before the graph is checked. */
const DEBOUNCE_MS = 500;

/**
 * Checks the graph with the API whenever it changes (debounced); answers that arrive after a newer
 * check started are dropped. Returns what the check is doing, for the problems panel.
 */
export function useValidation(enabled: boolean): string | null {
  const [status, setStatus] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let ticket = 0;
    const check = async () => {
      ticket += 1;
      const mine = ticket;
      setStatus("Checking…");
      const { data, error, response } = await api.POST("/api/v1/flows/validate", { body: { graph: currentGraph() } });
      if (mine !== ticket) return;
      if (data === undefined) {
        setStatus(`Could not check: ${toApiError(error, response.status).message}`);
        return;
      }
      useEditorStore.getState().setProblems(data.problems);
      setStatus(null);
    };
    const unsubscribe = useEditorStore.subscribe((state, previous) => {
      if (state.revision === previous.revision) return;
      clearTimeout(timer);
      timer = setTimeout(() => void check(), DEBOUNCE_MS);
    });
    void check();
    return () => {
      unsubscribe();
      clearTimeout(timer);
      ticket += 1;
    };
  }, [enabled]);
  return status;
}
