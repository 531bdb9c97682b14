import createClient, { type Middleware } from "openapi-fetch";
import { TokenKeeper } from "../auth/tokens";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

// Sign-in and refresh calls carry no token, so they go through a client without the auth middleware.
const publicApi = createClient<paths>();

export const tokens = new TokenKeeper(async (refreshToken) => {
  const { data } = await publicApi.POST("/api/v1/auth/refresh", { body: { refresh_token: refreshToken } });
  return data ?? null;
}, globalThis.sessionStorage);

const listeners = new Set<() => void>();

/** Called when the API refuses the session (expired, signed out elsewhere). */
export function onSessionRejected(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const bearer: Middleware = {
  async onRequest({ request }) {
    const token = await tokens.accessToken();
    if (token !== null) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) {
      tokens.drop();
      listeners.forEach((listener) => {
        listener();
      });
    }
    return response;
  },
};

export const api = createClient<paths>();
api.use(bearer);
export { publicApi };

/** A readable sentence from an API error body ({error, detail}) or a validation error list. */
export function describeError(error: unknown): string {
  if (typeof error === "object" && error !== null && "detail" in error) {
    const { detail } = error;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) {
      return detail
        .map((problem: unknown) =>
          typeof problem === "object" && problem !== null && "field" in problem && "message" in problem
            ? `${String(problem.field)}: ${String(problem.message)}`
            : JSON.stringify(problem),
        )
        .join("; ");
    }
  }
  return "Something went wrong; please try again.";
}
