import { Navigate, Route, Routes } from "react-router";
import { AgentsPage } from "./features/agents/AgentsPage";
import { LoginPage } from "./features/auth/LoginPage";
import { SignupPage } from "./features/auth/SignupPage";
import { AppShell } from "./features/shell/AppShell";
import { RequireSession } from "./features/shell/RequireSession";

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/signup" element={<SignupPage />} />
      <Route element={<RequireSession />}>
        <Route element={<AppShell />}>
          <Route path="/agents" element={<AgentsPage />} />
          <Route path="*" element={<Navigate to="/agents" replace />} />
        </Route>
      </Route>
    </Routes>
  );
}
