import { useQuery } from "@tanstack/react-query";
import { api, describeError } from "../../api/client";
import { queryKeys } from "../../api/queryKeys";
import { ErrorMessage } from "../../ui/controls";

export function AgentsPage() {
  const agents = useQuery({
    queryKey: queryKeys.agents.list(),
    queryFn: async () => {
      const { data, error } = await api.GET("/api/v1/agents", { params: { query: { sort: "name" } } });
      if (data === undefined) throw new Error(describeError(error));
      return data;
    },
  });
  return (
    <section aria-labelledby="agents-title">
      <h1 id="agents-title" className="mb-6 text-2xl font-bold">
        Agents
      </h1>
      {agents.isPending && <p role="status">Loading agents…</p>}
      <ErrorMessage message={agents.error?.message ?? null} />
      {agents.data?.items.length === 0 && (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center">
          <p className="font-medium">No agents yet</p>
          <p className="mt-1 text-sm text-slate-600">
            An agent is a role with a goal, a model and tools; crews and flows put agents to work.
          </p>
        </div>
      )}
      {agents.data && agents.data.items.length > 0 && (
        <table className="w-full overflow-hidden rounded-xl bg-white text-left text-sm shadow">
          <thead className="bg-slate-100 text-slate-700">
            <tr>
              <th scope="col" className="px-4 py-2">Name</th>
              <th scope="col" className="px-4 py-2">Role</th>
              <th scope="col" className="px-4 py-2">Model</th>
            </tr>
          </thead>
          <tbody>
            {agents.data.items.map((agent) => (
              <tr key={agent.id} className="border-t border-slate-100">
                <td className="px-4 py-2 font-medium">{agent.name}</td>
                <td className="px-4 py-2">{agent.role}</td>
                <td className="px-4 py-2">{agent.model}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
