import { Route, Routes } from "react-router";
import { CrewEditor } from "./CrewEditor";
import { CrewImport } from "./CrewImport";
import { CrewsPage } from "./CrewsPage";

/** /crews, /crews/new, /crews/import and /crews/:crewId. */
export function CrewsRoutes() {
  return (
    <Routes>
      <Route index element={<CrewsPage />} />
      <Route path="new" element={<CrewEditor />} />
      <Route path="import" element={<CrewImport />} />
      <Route path=":crewId" element={<CrewEditor />} />
    </Routes>
  );
}
