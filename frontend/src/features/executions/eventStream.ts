import { ApiError, toApiError } from "../../api/problems";
import { decodeRunEvent, TERMINAL_EVENT_TYPES, type RunEvent } from "./runEvents";
import { SseParser } from "./sse";

/** Following an execution's events over SSE with fetch (EventSource cannot send the Bearer token): each
 * connection resumes with Last-Event-ID, a dropped or silent one is replaced after a growing pause, and the
 * stream is done once the terminal event arrived. */

export type ConnectionState = "connecting" | "live" | "reconnecting" | "ended";

export interface FollowOptions {
  url: string;
  /** The id of the last event the caller holds, asked at every (re)connection. */
  after: () => number;
  accessToken: () => Promise<string | null>;
  /** The events of one received chunk, in id order. */
  onEvents: (events: RunEvent[]) => void;
  onConnection: (state: ConnectionState) => void;
  signal: AbortSignal;
  fetch?: typeof globalThis.fetch;
  /** A connection silent for this long is dropped: the server sends a heartbeat every 15 seconds. */
  silenceMs?: number;
  firstPauseMs?: number;
  longestPauseMs?: number;
}

type Outcome = "ended" | "dropped" | "dropped-after-events";

function pause(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, milliseconds);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}

/** Whether a refused connection is worth trying again: the server or the network may come back, a 4xx will not. */
function isFinalRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

async function connectOnce(options: FollowOptions, onRetryField: (milliseconds: number) => void): Promise<Outcome> {
  const connection = new AbortController();
  const drop = () => {
    connection.abort();
  };
  options.signal.addEventListener("abort", drop);
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const rearm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(drop, options.silenceMs ?? 45_000);
  };
  let received = false;
  try {
    const token = await options.accessToken();
    const headers: Record<string, string> = { Accept: "text/event-stream", "Last-Event-ID": String(options.after()) };
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    rearm();
    const response = await (options.fetch ?? globalThis.fetch)(options.url, {
      headers,
      signal: connection.signal,
      cache: "no-store",
    });
    if (!response.ok) {
      if (isFinalRefusal(response.status)) throw toApiError(await response.json().catch(() => null), response.status);
      return "dropped";
    }
    if (response.body === null) return "dropped";
    options.onConnection("live");
    const parser = new SseParser(String(options.after()));
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      rearm();
      const { done, value } = await reader.read();
      if (done) return received ? "dropped-after-events" : "dropped";
      const events: RunEvent[] = [];
      for (const item of parser.push(value)) {
        if (item.kind === "retry") onRetryField(item.milliseconds);
        if (item.kind !== "message") continue;
        const event = decodeRunEvent(item.message);
        if (event !== null) events.push(event);
      }
      if (events.length === 0) continue;
      received = true;
      options.onEvents(events);
      if (events.some((event) => TERMINAL_EVENT_TYPES.has(event.type))) {
        await reader.cancel();
        return "ended";
      }
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The network failed, the connection went silent, or the caller stopped following.
    return received ? "dropped-after-events" : "dropped";
  } finally {
    clearTimeout(watchdog);
    options.signal.removeEventListener("abort", drop);
  }
}

/** Resolves once the terminal event arrived or the signal aborted; rejects with an ApiError when the API refuses
 * the stream for good (not found, no permission). */
export async function followRunEvents(options: FollowOptions): Promise<void> {
  const firstPause = options.firstPauseMs ?? 1000;
  const longestPause = options.longestPauseMs ?? 15_000;
  const stopped = () => options.signal.aborted;
  // The server's `retry` field, once sent, replaces the growing pause.
  const server: { pauseMs: number | null } = { pauseMs: null };
  let nextPause = firstPause;
  options.onConnection("connecting");
  while (!stopped()) {
    const outcome = await connectOnce(options, (milliseconds) => {
      server.pauseMs = milliseconds;
    });
    if (outcome === "ended") {
      options.onConnection("ended");
      return;
    }
    if (stopped()) return;
    if (outcome === "dropped-after-events") nextPause = firstPause;
    options.onConnection("reconnecting");
    await pause(server.pauseMs ?? nextPause, options.signal);
    nextPause = Math.min(nextPause * 2, longestPause);
  }
}
