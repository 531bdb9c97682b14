import { useEffect, useRef, useState, type KeyboardEvent, type SyntheticEvent } from "react";
import { useCan } from "../../auth/permissions";
import { Button, ErrorMessage, focusRing } from "../../ui/controls";
import { isReplying } from "./chatFrames";
import { MessageView } from "./MessageView";
import { useChatSocket } from "./useChatSocket";

/** A chat session live: its messages streaming in, the composer, and the stop button while a reply is written. */
export function Conversation({ sessionId }: { sessionId: string }) {
  const { chat, connection, send, stop, retry } = useChatSocket(sessionId);
  const canChat = useCan("chat", "execute");
  const [draft, setDraft] = useState("");
  const end = useRef<HTMLDivElement>(null);
  const replying = isReplying(chat);
  const lastLength = chat.messages.at(-1)?.content.length ?? 0;

  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" });
  }, [chat.messages.length, lastLength]);

  const submit = (event?: SyntheticEvent) => {
    event?.preventDefault();
    if (!draft.trim() || replying || connection.state !== "open") return;
    send(draft);
    setDraft("");
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey) submit(event);
  };

  return (
    <section aria-label="Conversation" className="flex min-h-0 flex-1 flex-col">
      <header className="mb-3 flex items-center justify-between">
        <h2 className="truncate text-lg font-semibold">{chat.session?.title || "New chat"}</h2>
        <span role="status" className="text-xs text-slate-500">
          {connection.state === "connecting" && "Connecting…"}
        </span>
      </header>
      {connection.state === "closed" && <ErrorMessage message={connection.reason} />}
      <ol aria-label="Messages" aria-live="polite" className="flex flex-1 flex-col gap-3 overflow-y-auto pb-4">
        {connection.state === "open" && chat.messages.length === 0 && (
          <li className="m-auto text-sm text-slate-500">No messages yet: say hello.</li>
        )}
        {chat.messages.map((message) => (
          <MessageView key={message.id} message={message} onRetry={canChat && !replying ? retry : null} />
        ))}
      </ol>
      <div ref={end} />
      <ErrorMessage message={chat.refusal} />
      {canChat ? (
        <form onSubmit={submit} className="mt-2 flex items-end gap-2">
          <label className="flex-1">
            <span className="sr-only">Message</span>
            <textarea
              value={draft}
              onChange={(event) => {
                setDraft(event.target.value);
              }}
              onKeyDown={onKeyDown}
              rows={2}
              placeholder="Write a message; Enter sends, Shift+Enter starts a new line"
              className={`block w-full resize-none rounded-lg border border-slate-300 bg-white px-3 py-2 shadow-sm ${focusRing}`}
            />
          </label>
          {replying ? (
            <Button look="danger" onClick={stop}>
              ■ Stop
            </Button>
          ) : (
            <Button type="submit" look="primary" disabled={!draft.trim() || connection.state !== "open"}>
              Send
            </Button>
          )}
        </form>
      ) : (
        <p className="mt-2 text-sm text-slate-600">Your role can read this chat but not write in it.</p>
      )}
    </section>
  );
}
