import { lazy, Suspense } from "react";
import { Navigate, Route, Routes } from "react-router";
import { LoginPage } from "./features/auth/LoginPage";
import { SignupPage } from "./features/auth/SignupPage";
import { AppShell } from "./features/shell/AppShell";
import { RequireSession } from "./features/shell/RequireSession";

// Pages load on first visit, so the first screen downloads only the shell.
const AgentsRoutes = lazy(async () => ({ default: (await import("./features/agents/AgentsRoutes")).AgentsRoutes }));
const CrewsRoutes = lazy(async () => ({ default: (await import("./features/crews/CrewsRoutes")).CrewsRoutes }));
const ToolsRoutes = lazy(async () => ({ default: (await import("./features/tools/ToolsRoutes")).ToolsRoutes }));
const FlowsRoutes = lazy(async () => ({ default: (await import("./features/flows/FlowsRoutes")).FlowsRoutes }));
const ProvidersRoutes = lazy(async () => ({
  default: (await import("./features/providers/ProvidersRoutes")).ProvidersRoutes,
}));
const ChatPage = lazy(async () => ({ default: (await import("./features/chat/ChatPage")).ChatPage }));
const MembersPage = lazy(async () => ({ default: (await import("./features/members/MembersPage")).MembersPage }));
const ApiKeysPage = lazy(async () => ({ default: (await import("./features/apikeys/ApiKeysPage")).ApiKeysPage }));
const AuditPage = lazy(async () => ({ default: (await import("./features/audit/AuditPage")).AuditPage }));
const SettingsPage = lazy(async () => ({ default: (await import("./features/settings/SettingsPage")).SettingsPage }));
const ExecutionsPage = lazy(async () => ({
  default: (await import("./features/executions/ExecutionsPage")).ExecutionsPage,
}));
const ExecutionPage = lazy(async () => ({ default: (await import("./features/executions/ExecutionPage")).ExecutionPage }));
const AcceptInvitationPage = lazy(async () => ({
  default: (await import("./features/auth/AcceptInvitationPage")).AcceptInvitationPage,
}));

export function App() {
  return (
    <Suspense fallback={<p role="status" className="p-8">Loading…</p>}>
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/signup" element={<SignupPage />} />
      <Route path="/invitations/accept" element={<AcceptInvitationPage />} />
      <Route element={<RequireSession />}>
        <Route element={<AppShell />}>
          <Route path="/agents/*" element={<AgentsRoutes />} />
          <Route path="/crews/*" element={<CrewsRoutes />} />
          <Route path="/tools/*" element={<ToolsRoutes />} />
          <Route path="/flows/*" element={<FlowsRoutes />} />
          <Route path="/providers/*" element={<ProvidersRoutes />} />
          <Route path="/chat" element={<ChatPage />} />
          <Route path="/chat/:sessionId" element={<ChatPage />} />
          <Route path="/executions" element={<ExecutionsPage />} />
          <Route path="/executions/:executionId" element={<ExecutionPage />} />
          <Route path="/members" element={<MembersPage />} />
          <Route path="/api-keys" element={<ApiKeysPage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="*" element={<Navigate to="/agents" replace />} />
        </Route>
      </Route>
    </Routes>
    </Suspense>
  );
}
