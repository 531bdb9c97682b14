import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useStore } from "zustand";
import { createStore, type StoreApi } from "zustand/vanilla";
import { api, tokens } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { followRunEvents, type ConnectionState } from "./eventStream";
import { loadJournal, saveJournal } from "./journalStorage";
import { adoptDetail, applyEvents, awaitsEvents, initialLiveRun, resumeAfter, type LiveRun } from "./runState";

// Storing the journal on every chunk of tokens would rewrite it many times a second; this often is enough, since
// a reload in between resumes from the last stored event and replays the rest.
const SAVE_EVERY_MS = 400;

interface Following {
  run: LiveRun;
  connection: ConnectionState | null;
  streamError: string | null;
}

function executionDetailQuery(executionId: string) {
  return {
    queryKey: queryKeys.executions.detail(executionId),
    queryFn: () =>
      unwrap(api.GET("/api/v1/executions/{execution_id}", { params: { path: { execution_id: executionId } } })),
  };
}

/** Keeps the journal in the tab's storage, at most every SAVE_EVERY_MS and once more when the page goes away. */
function useStoredJournal(executionId: string, store: StoreApi<Following>) {
  useEffect(() => {
    let saved = store.getState().run.journal;
    const save = () => {
      const { journal } = store.getState().run;
      if (journal === saved) return;
      saved = journal;
      saveJournal(executionId, journal);
    };
    const timer = setInterval(save, SAVE_EVERY_MS);
    window.addEventListener("pagehide", save);
    return () => {
      clearInterval(timer);
      window.removeEventListener("pagehide", save);
      save();
    };
  }, [executionId, store]);
}

/** An execution as it stands and as it goes: its detail, then its events from where this tab stopped.
 * Mount it once per execution (key the component by the execution's id). */
export function useLiveRun(executionId: string) {
  const queryClient = useQueryClient();
  const detail = useQuery({ ...executionDetailQuery(executionId), staleTime: 0, refetchOnWindowFocus: false });
  const [store] = useState(() =>
    createStore<Following>()(() => ({
      run: initialLiveRun(loadJournal(executionId)),
      connection: null,
      streamError: null,
    })),
  );
  const following = useStore(store);

  useEffect(() => {
    const snapshot = detail.data;
    if (snapshot !== undefined) store.setState((state) => ({ run: adoptDetail(state.run, snapshot) }));
  }, [detail.data, store]);

  useStoredJournal(executionId, store);

  const awaiting = awaitsEvents(following.run);
  useEffect(() => {
    if (!awaiting) return;
    const stop = new AbortController();
    store.setState({ streamError: null });
    followRunEvents({
      url: `/api/v1/executions/${encodeURIComponent(executionId)}/events`,
      after: () => resumeAfter(store.getState().run),
      accessToken: () => tokens.accessToken(),
      onEvents: (events) => {
        store.setState((state) => ({ run: applyEvents(state.run, events) }));
      },
      onConnection: (connection) => {
        store.setState({ connection });
        // The final detail holds what events do not: model calls, and the duration as the server measured it.
        if (connection === "ended") void queryClient.invalidateQueries({ queryKey: queryKeys.executions.all });
      },
      signal: stop.signal,
    })
      .catch((error: unknown) => {
        store.setState({ streamError: error instanceof Error ? error.message : "The run's events could not be followed." });
      });
    return () => {
      stop.abort();
    };
  }, [executionId, awaiting, queryClient, store]);

  return {
    detail,
    run: following.run,
    connection: awaiting ? following.connection : null,
    streamError: following.streamError,
  };
}
