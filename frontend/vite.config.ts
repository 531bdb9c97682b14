import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// `npm run dev` serves the UI with hot reload and forwards the API to `crewloom up` on port 8000.
const api = process.env.CREWLOOM_API_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: { proxy: { "/api": api, "/healthz": api } },
  test: { include: ["tests/**/*.test.ts"], environment: "node" },
});
