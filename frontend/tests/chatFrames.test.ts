import { describe, expect, it } from "vitest";
import { applyFrame, emptyChat, isReplying, parseFrame, type ChatMessage, type ChatSession } from "../src/features/chat/chatFrames";

const session: ChatSession = {
  id: "s1",
  title: "Bees",
  target: { kind: "model", provider_id: "p1", model: null },
  memory_tokens: 2000,
  created_by: null,
  created_at: "2026-11-25T00:00:00Z",
  updated_at: "2026-11-25T00:00:00Z",
};

function message(id: string, changes: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id,
    session_id: "s1",
    role: "assistant",
    status: "streaming",
    content: "",
    reply_to: null,
    error: null,
    retryable: false,
    tokens_in: 0,
    tokens_out: 0,
    cost: null,
    steps: [],
    details: {},
    created_by: null,
    created_at: "2026-11-25T00:00:00Z",
    finished_at: null,
    ...changes,
  };
}

describe("chat frames", () => {
  it("starts from the history and streams tokens into the reply", () => {
    let state = applyFrame(emptyChat, { type: "history", session, messages: [message("u1", { role: "user", status: "complete", content: "hi" })] });
    state = applyFrame(state, { type: "message", message: message("r1") });
    expect(isReplying(state)).toBe(true);
    state = applyFrame(state, { type: "token", message_id: "r1", text: "Hel" });
    state = applyFrame(state, { type: "token", message_id: "r1", text: "lo" });
    expect(state.messages[1]?.content).toBe("Hello");
    state = applyFrame(state, { type: "done", message: message("r1", { status: "complete", content: "Hello" }) });
    expect(state.messages).toHaveLength(2);
    expect(isReplying(state)).toBe(false);
  });

  it("adds agent steps without their frame fields", () => {
    let state = applyFrame(emptyChat, { type: "message", message: message("r1") });
    state = applyFrame(state, { type: "step", message_id: "r1", kind: "tool_call", tool: "search" });
    expect(state.messages[0]?.steps).toEqual([{ kind: "tool_call", tool: "search" }]);
  });

  it("keeps a refusal until the next message is accepted", () => {
    let state = applyFrame(emptyChat, { type: "refused", error: "validation_error", detail: [{ field: "content", message: "must not be blank" }] });
    expect(state.refusal).toBe("must not be blank");
    state = applyFrame(state, { type: "message", message: message("u2", { role: "user" }) });
    expect(state.refusal).toBeNull();
  });

  it("replaces a failed reply by the error message and resets on a new session", () => {
    let state = applyFrame(emptyChat, { type: "message", message: message("r1") });
    state = applyFrame(state, { type: "error", message: message("r1", { role: "error", status: "failed", error: "Timed out", retryable: true }) });
    expect(state.messages[0]?.role).toBe("error");
    expect(applyFrame(state, { type: "reset" })).toEqual(emptyChat);
  });

  it("ignores frames it does not understand", () => {
    expect(parseFrame("not json")).toBeNull();
    expect(parseFrame('{"type": "gossip"}')).toBeNull();
    expect(parseFrame("[1, 2]")).toBeNull();
    expect(parseFrame('{"type": "token", "message_id": "r1", "text": "a"}')).toEqual({ type: "token", message_id: "r1", text: "a" });
  });
});
