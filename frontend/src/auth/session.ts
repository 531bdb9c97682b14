import { create } from "zustand";
import { api, onSessionRejected, publicApi, tokens, type Schemas } from "../api/client";

export interface Identity {
  user: Schemas["UserOut"] | null;
  tenant: Schemas["TenantRef"];
  role: Schemas["Role"];
}

interface SessionState {
  status: "unknown" | "signed-in" | "signed-out";
  identity: Identity | null;
}

export const useSession = create<SessionState>(() => ({ status: "unknown", identity: null }));

onSessionRejected(() => {
  useSession.setState({ status: "signed-out", identity: null });
});

export function signedIn(session: Schemas["crewloom__auth__schemas__SessionOut"]): void {
  tokens.hold(session);
  useSession.setState({
    status: "signed-in",
    identity: { user: session.user, tenant: session.tenant, role: session.role },
  });
}

/** Resumes the tab's session after a reload from its refresh token, if it has one. */
export async function resumeSession(): Promise<void> {
  if ((await tokens.accessToken()) === null) {
    useSession.setState({ status: "signed-out", identity: null });
    return;
  }
  const { data } = await api.GET("/api/v1/me");
  useSession.setState(
    data ? { status: "signed-in", identity: data } : { status: "signed-out", identity: null },
  );
}

export async function signOut(): Promise<void> {
  const refreshToken = tokens.refreshToken;
  tokens.drop();
  useSession.setState({ status: "signed-out", identity: null });
  if (refreshToken !== null) {
    await publicApi.POST("/api/v1/auth/logout", { body: { refresh_token: refreshToken } });
  }
}
