import { Route, Routes } from "react-router";
import { AgentEditor } from "./AgentEditor";
import { AgentsPage } from "./AgentsPage";

/** /agents, /agents/new and /agents/:agentId. */
export function AgentsRoutes() {
  return (
    <Routes>
      <Route index element={<AgentsPage />} />
      <Route path="new" element={<AgentEditor />} />
      <Route path=":agentId" element={<AgentEditor />} />
    </Routes>
  );
}
