import { useState } from "react";
import Markdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { focusRing } from "../../ui/controls";

const prose =
  "text-sm leading-relaxed text-slate-800 [&_a]:text-indigo-700 [&_a]:underline [&_blockquote]:border-l-4 [&_blockquote]:pl-3 [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_code]:font-mono [&_h1]:text-lg [&_h1]:font-semibold [&_h2]:font-semibold [&_h3]:font-semibold [&_li]:my-0.5 [&_ol]:list-decimal [&_ol]:pl-5 [&_p]:my-2 [&_pre]:overflow-x-auto [&_pre]:rounded [&_pre]:bg-slate-100 [&_pre]:p-2 [&_table]:text-left [&_td]:border [&_td]:px-2 [&_th]:border [&_th]:px-2 [&_ul]:list-disc [&_ul]:pl-5";

export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <pre
      aria-label={label}
      className="max-h-96 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100"
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** A node's output: text as formatted markdown (or as written), anything else as JSON. */
export function OutputView({ value }: { value: unknown }) {
  const [raw, setRaw] = useState(false);
  if (typeof value !== "string") return <JsonBlock value={value} label="Output" />;
  return (
    <div>
      <div className="mb-2 flex justify-end">
        <button
          type="button"
          aria-pressed={raw}
          onClick={() => {
            setRaw(!raw);
          }}
          className={`rounded px-2 py-0.5 text-xs font-medium text-slate-600 hover:bg-slate-100 ${focusRing}`}
        >
          {raw ? "Show formatted" : "Show as written"}
        </button>
      </div>
      {raw ? (
        <pre aria-label="Output" className="whitespace-pre-wrap rounded-md bg-slate-50 p-3 font-mono text-xs text-slate-800">
          {value}
        </pre>
      ) : (
        <div aria-label="Output" role="region" className={`rounded-md bg-slate-50 p-3 ${prose}`}>
          <Markdown remarkPlugins={[remarkGfm]}>{value}</Markdown>
        </div>
      )}
    </div>
  );
}
