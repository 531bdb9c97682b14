import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { tokens } from "../../api/client";
import { applyFrame, emptyChat, parseFrame } from "./chatFrames";

export type Connection = { state: "connecting" | "open" } | { state: "closed"; reason: string };

// Closing codes 4400–4499 are refusals (4000 + the HTTP status): reconnecting would be refused again.
const REFUSED_FIRST = 4400;
const REFUSED_LAST = 4499;
const RECONNECT_MAX_MS = 10_000;

function socketUrl(sessionId: string): string {
  const url = new URL(`/api/v1/chat/sessions/${sessionId}/ws`, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/** One chat session's live conversation: the history, then every frame, reconnecting when the line drops. */
export function useChatSocket(sessionId: string) {
  const [chat, dispatch] = useReducer(applyFrame, emptyChat);
  const [connection, setConnection] = useState<Connection>({ state: "connecting" });
  const socket = useRef<WebSocket | null>(null);

  useEffect(() => {
    let leaving = false;
    let attempt = 0;
    let retryTimer: number | undefined;
    dispatch({ type: "reset" });

    const connect = () => {
      setConnection({ state: "connecting" });
      const opened = new WebSocket(socketUrl(sessionId));
      socket.current = opened;
      opened.onopen = () => {
        void tokens.accessToken().then((token) => {
          opened.send(JSON.stringify({ type: "auth", token: token ?? "" }));
        });
      };
      opened.onmessage = (event: MessageEvent<string>) => {
        const frame = parseFrame(event.data);
        if (frame === null) return;
        if (frame.type === "history") {
          attempt = 0;
          setConnection({ state: "open" });
        }
        dispatch(frame);
      };
      opened.onclose = (event) => {
        if (leaving) return;
        if (event.code >= REFUSED_FIRST && event.code <= REFUSED_LAST) {
          setConnection({ state: "closed", reason: event.reason || "The chat refused the connection." });
          return;
        }
        setConnection({ state: "connecting" });
        attempt += 1;
        retryTimer = window.setTimeout(connect, Math.min(500 * 2 ** attempt, RECONNECT_MAX_MS));
      };
    };
    connect();
    return () => {
      leaving = true;
      window.clearTimeout(retryTimer);
      socket.current?.close(1000);
      socket.current = null;
    };
  }, [sessionId]);

  const sendFrame = useCallback((frame: object) => {
    socket.current?.send(JSON.stringify(frame));
  }, []);

  return {
    chat,
    connection,
    send: (content: string) => {
      sendFrame({ type: "send", content });
    },
    stop: () => {
      sendFrame({ type: "stop" });
    },
    retry: (messageId: string) => {
      sendFrame({ type: "retry", message_id: messageId });
    },
  };
}
