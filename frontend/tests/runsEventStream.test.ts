import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api/problems";
import { followRunEvents, type ConnectionState } from "../src/features/executions/eventStream";
import type { RunEvent } from "../src/features/executions/runEvents";

const frame = (id: number, type: string) =>
  `id: ${String(id)}\nevent: ${type}\ndata: ${JSON.stringify({ id, type, node_id: null, data: {}, at: "2025-01-01T00:00:00Z" })}\n\n`;

/** A response whose body yields these chunks, then ends (or fails, as a dropped connection does). */
function streamed(chunks: readonly string[], fail = false): Response {
  const encoder = new TextEncoder();
  const left = [...chunks];
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = left.shift();
      if (chunk !== undefined) controller.enqueue(encoder.encode(chunk));
      else if (fail) controller.error(new TypeError("network error"));
      else controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
}

interface Call {
  lastEventId: string | null;
  authorization: string | null;
}

function server(responses: (() => Response)[]) {
  const calls: Call[] = [];
  const fetch = (_url: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    calls.push({ lastEventId: headers.get("Last-Event-ID"), authorization: headers.get("Authorization") });
    const next = responses.shift();
    return next === undefined ? Promise.reject(new TypeError("no more answers")) : Promise.resolve(next());
  };
  return { calls, fetch };
}

async function follow(responses: (() => Response)[], stop = new AbortController()) {
  const { calls, fetch } = server(responses);
  const received: RunEvent[] = [];
  const states: ConnectionState[] = [];
  await followRunEvents({
    url: "/api/v1/executions/e1/events",
    after: () => received.at(-1)?.id ?? 0,
    accessToken: () => Promise.resolve("token-1"),
    onEvents: (events) => {
      received.push(...events);
    },
    onConnection: (state) => {
      states.push(state);
    },
    signal: stop.signal,
    fetch,
    firstPauseMs: 1,
  });
  return { calls, received, states };
}

describe("followRunEvents", () => {
  it("resumes with Last-Event-ID after a dropped connection and ends at the terminal event", async () => {
    const { calls, received, states } = await follow([
      () => streamed([frame(1, "run_started"), frame(2, "node_started").slice(0, 20)], true),
      () => new Response("busy", { status: 503 }),
      () => streamed([": heartbeat\n\n", frame(2, "node_started"), frame(3, "run_succeeded"), frame(4, "late")]),
    ]);
    expect(calls).toEqual([
      { lastEventId: "0", authorization: "Bearer token-1" },
      { lastEventId: "1", authorization: "Bearer token-1" },
      { lastEventId: "1", authorization: "Bearer token-1" },
    ]);
    expect(received.map((event) => [event.id, event.type])).toEqual([
      [1, "run_started"],
      [2, "node_started"],
      [3, "run_succeeded"],
    ]);
    expect(states).toEqual(["connecting", "live", "reconnecting", "reconnecting", "live", "ended"]);
  });

  it("gives up with the API's error when the stream is refused for good", async () => {
    const refused = () =>
      new Response(JSON.stringify({ error: "not_found", detail: "no execution with id e1" }), { status: 404 });
    await expect(follow([refused])).rejects.toEqual(new ApiError("no execution with id e1", {}, 404));
  });

  it("stops when the caller aborts, without connecting again", async () => {
    const stop = new AbortController();
    const pending = follow([() => streamed([frame(1, "run_started")])], stop);
    stop.abort();
    const { calls } = await pending;
    expect(calls.length).toBeLessThanOrEqual(1);
  });
});
