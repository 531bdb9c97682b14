import { Route, Routes } from "react-router";
import { ProviderEditor } from "./ProviderEditor";
import { ProvidersPage } from "./ProvidersPage";

/** /providers, /providers/new and /providers/:providerId. */
export function ProvidersRoutes() {
  return (
    <Routes>
      <Route index element={<ProvidersPage />} />
      <Route path="new" element={<ProviderEditor />} />
      <Route path=":providerId" element={<ProviderEditor />} />
    </Routes>
  );
}
