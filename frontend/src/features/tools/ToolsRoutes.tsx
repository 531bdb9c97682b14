import { Route, Routes } from "react-router";
import { ToolEditor } from "./ToolEditor";
import { ToolsPage } from "./ToolsPage";

/** /tools, /tools/new and /tools/:toolId. */
export function ToolsRoutes() {
  return (
    <Routes>
      <Route index element={<ToolsPage />} />
      <Route path="new" element={<ToolEditor />} />
      <Route path=":toolId" element={<ToolEditor />} />
    </Routes>
  );
}
