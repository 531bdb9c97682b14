import type { Schemas } from "../../api/client";

export type ChatMessage = Schemas["MessageOut"];
export type ChatSession = Schemas["crewloom__chat__schemas__SessionOut"];

/** The frames the chat WebSocket sends (backend/src/crewloom/chat/socket.py and replies.py). */
export type ChatFrame =
  | { type: "history"; session: ChatSession; messages: ChatMessage[] }
  | { type: "message" | "done" | "error"; message: ChatMessage }
  | { type: "token"; message_id: string; text: string }
  | ({ type: "step"; message_id: string; kind: string } & Record<string, unknown>)
  | { type: "refused"; error: string; detail: unknown };

export interface ChatState {
  session: ChatSession | null;
  messages: ChatMessage[];
  /** Why the server refused the last thing the user sent, until they send again. */
  refusal: string | null;
}

export const emptyChat: ChatState = { session: null, messages: [], refusal: null };

const frameTypes = new Set(["history", "message", "done", "error", "token", "step", "refused"]);

/** A frame from the socket's text, or null for anything this client does not understand. */
export function parseFrame(text: string): ChatFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || !("type" in value) || typeof value.type !== "string") return null;
  return frameTypes.has(value.type) ? (value as ChatFrame) : null;
}

function describeRefusal(detail: unknown): string {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((problem: unknown) =>
        typeof problem === "object" && problem !== null && "message" in problem ? String(problem.message) : "",
      )
      .filter(Boolean)
      .join("; ");
  }
  return "The message was refused.";
}

function upsert(messages: ChatMessage[], message: ChatMessage): ChatMessage[] {
  const index = messages.findIndex((known) => known.id === message.id);
  if (index === -1) return [...messages, message];
  return messages.map((known, position) => (position === index ? message : known));
}

function update(messages: ChatMessage[], id: string, change: (message: ChatMessage) => ChatMessage): ChatMessage[] {
  return messages.map((message) => (message.id === id ? change(message) : message));
}

export function applyFrame(state: ChatState, frame: ChatFrame | { type: "reset" }): ChatState {
  switch (frame.type) {
    case "reset":
      return emptyChat;
    case "history":
      return { session: frame.session, messages: frame.messages, refusal: null };
    case "message":
      return { ...state, messages: upsert(state.messages, frame.message), refusal: null };
    case "done":
    case "error":
      return { ...state, messages: upsert(state.messages, frame.message) };
    case "token":
      return {
        ...state,
        messages: update(state.messages, frame.message_id, (message) => ({
          ...message,
          content: message.content + frame.text,
        })),
      };
    case "step": {
      const step: Record<string, unknown> = { ...frame };
      delete step.type;
      delete step.message_id;
      return {
        ...state,
        messages: update(state.messages, frame.message_id, (message) => ({ ...message, steps: [...message.steps, step] })),
      };
    }
    case "refused":
      return { ...state, refusal: describeRefusal(frame.detail) };
  }
}

export function isReplying(state: ChatState): boolean {
  return state.messages.some((message) => message.status === "streaming");
}
