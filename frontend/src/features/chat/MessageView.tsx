import { memo } from "react";
import Markdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { Button } from "../../ui/controls";
import type { ChatMessage } from "./chatFrames";

function describeStep(step: Record<string, unknown>): string {
  const { kind, ...rest } = step;
  const fields = Object.entries(rest)
    .map(([name, value]) => `${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" · ");
  return `${typeof kind === "string" ? kind : "step"}${fields ? ` — ${fields}` : ""}`;
}

function Steps({ steps }: { steps: ChatMessage["steps"] }) {
  if (steps.length === 0) return null;
  return (
    <details className="mt-2 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-xs text-slate-700">
      <summary className="cursor-pointer font-medium">
        {steps.length} agent step{steps.length === 1 ? "" : "s"}
      </summary>
      <ol className="mt-2 list-decimal space-y-1 pl-5">
        {steps.map((step, index) => (
          // Steps only ever grow at the end, so their position is their identity.
          <li key={index} className="break-words">
            {describeStep(step)}
          </li>
        ))}
      </ol>
    </details>
  );
}

const statusNote: Partial<Record<ChatMessage["status"], string>> = {
  stopped: "Stopped",
  streaming: "Writing…",
};

/** One message: the user's words, a reply rendered as markdown with its agent steps, or an error with retry. */
export const MessageView = memo(function MessageView({
  message,
  onRetry,
}: {
  message: ChatMessage;
  onRetry: ((messageId: string) => void) | null;
}) {
  if (message.role === "user") {
    return (
      <li className="ml-auto max-w-2xl rounded-2xl rounded-br-sm bg-indigo-600 px-4 py-2 whitespace-pre-wrap text-white">
        <span className="sr-only">You: </span>
        {message.content}
      </li>
    );
  }
  if (message.role === "error") {
    return (
      <li role="alert" className="max-w-2xl rounded-2xl rounded-bl-sm border border-red-200 bg-red-50 px-4 py-3 text-red-900">
        <p className="font-medium">⚠ The reply failed</p>
        <p className="mt-1 text-sm">{message.error ?? message.content}</p>
        <Steps steps={message.steps} />
        {message.retryable && onRetry !== null && (
          <Button
            className="mt-2"
            onClick={() => {
              onRetry(message.id);
            }}
          >
            Retry
          </Button>
        )}
      </li>
    );
  }
  const note = statusNote[message.status];
  return (
    <li className="max-w-3xl rounded-2xl rounded-bl-sm bg-white px-4 py-3 shadow-sm" aria-busy={message.status === "streaming"}>
      <span className="sr-only">Reply: </span>
      <div className="chat-markdown text-slate-900">
        <Markdown remarkPlugins={[remarkGfm]}>{message.content}</Markdown>
      </div>
      <Steps steps={message.steps} />
      {note !== undefined && (
        <p className="mt-1 flex items-center gap-1 text-xs text-slate-500">
          {message.status === "streaming" && (
            <span aria-hidden="true" className="inline-block size-3 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600" />
          )}
          {note}
        </p>
      )}
    </li>
  );
});
