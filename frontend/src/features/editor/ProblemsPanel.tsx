import { focusRing } from "../../ui/controls";
import { problemPlace, type Problem } from "./overlays";
import { useEditorStore } from "./store";

function focusProblem(problem: Problem) {
  const nodeIds = [problem.node_id, ...(problem.node_ids ?? [])].filter((id): id is string => typeof id === "string");
  const edgeIds = typeof problem.edge_id === "string" ? [problem.edge_id] : [];
  useEditorStore.getState().focusElements(nodeIds, edgeIds);
}

/** Every problem of the graph; choosing one selects what it names and brings it into view. */
export function ProblemsPanel({ status }: { status: string | null }) {
  const problems = useEditorStore((state) => state.problems);
  return (
    <section aria-labelledby="problems-title" className="flex max-h-full flex-col">
      <h2 id="problems-title" className="flex items-center gap-2 px-4 pt-3 pb-2 text-sm font-semibold">
        Problems
        <span
          className={`rounded-full px-2 py-0.5 text-xs ${problems.length === 0 ? "bg-emerald-100 text-emerald-800" : "bg-red-100 text-red-800"}`}
        >
          {problems.length}
        </span>
        {status !== null && (
          <span role="status" className="ml-auto text-xs font-normal text-slate-500">
            {status}
          </span>
        )}
      </h2>
      {problems.length === 0 ? (
        <p className="px-4 pb-3 text-sm text-slate-600">
          <span aria-hidden="true" className="text-emerald-600">
            ✓{" "}
          </span>
          No problems: this graph can be published.
        </p>
      ) : (
        <ul aria-label="Problems" className="min-h-0 flex-1 space-y-1 overflow-y-auto px-2 pb-3">
          {problems.map((problem, index) => (
            <li key={index}>
              <button
                type="button"
                onClick={() => {
                  focusProblem(problem);
                }}
                className={`flex w-full gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-red-50 ${focusRing}`}
              >
                <span aria-hidden="true" className="text-red-600">
                  ⚠
                </span>
                <span className="min-w-0">
                  <span className="block text-xs font-semibold text-slate-700">
                    {problemPlace(problem)}
                    {typeof problem.field === "string" && <span className="font-normal text-slate-500"> · {problem.field}</span>}
                  </span>
                  <span className="block text-slate-800">{problem.message}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
