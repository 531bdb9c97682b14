import { lazy, Suspense } from "react";
import { Route, Routes } from "react-router";
import { FlowsPage } from "./FlowsPage";

// The editor (canvas library and all) is its own chunk, fetched when a flow is opened.
const FlowEditorPage = lazy(async () => ({ default: (await import("../editor/FlowEditorPage")).FlowEditorPage }));
const EditorRunButton = lazy(async () => ({
  default: (await import("../executions/EditorRunButton")).EditorRunButton,
}));

export function FlowsRoutes() {
  return (
    <Routes>
      <Route index element={<FlowsPage />} />
      <Route
        path=":flowId"
        element={
          <FlowEditorPage
            toolbarActions={
              <Suspense fallback={null}>
                <EditorRunButton />
              </Suspense>
            }
          />
        }
      />
    </Routes>
  );
}
