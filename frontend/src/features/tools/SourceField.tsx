import { lazy, Suspense, useId } from "react";

// CodeMirror is the heaviest piece of the tools pages: it loads only when a custom tool's code is shown.
const CodeEditor = lazy(async () => ({ default: (await import("./CodeEditor")).CodeEditor }));

/** A custom tool's Python source in a code editor, with its label and the API's message beside it. */
export function SourceField({
  value,
  onChange,
  readOnly,
  error,
}: {
  value: string;
  onChange: (value: string) => void;
  readOnly: boolean;
  error: string | undefined;
}) {
  const messageId = useId();
  return (
    <div>
      <p className="text-sm font-medium text-slate-700">
        Python source
      </p>
      <p className="mb-1 text-xs text-slate-500">
        One top-level function; it gets the call's arguments and runs only in the sandbox (no network, no secrets).
      </p>
      <Suspense
        fallback={
          <p role="status" className="h-48 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm">
            Loading the code editor…
          </p>
        }
      >
        <CodeEditor value={value} onChange={onChange} label="Python source" readOnly={readOnly} describedBy={messageId} />
      </Suspense>
      <p id={messageId} role="alert" className="mt-1 text-xs text-red-700">
        {error}
      </p>
    </div>
  );
}
