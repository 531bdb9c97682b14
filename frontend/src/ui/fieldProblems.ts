import { ApiError } from "../api/problems";

/** A field's own problem and those of its parts (`options.latency_ms` under `options`), in one message. */
export function fieldErrorUnder(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const messages = Object.entries(error.fields)
    .filter(([name]) => name === field || name.startsWith(`${field}.`))
    .map(([name, message]) => (name === field ? message : `${name.slice(field.length + 1)}: ${message}`));
  return messages.length > 0 ? messages.join("; ") : undefined;
}

/** The problems of fields a form does not show (each as "field: message"), so that none goes unseen. */
export function problemsOutside(error: unknown, shown: readonly string[]): string[] {
  if (!(error instanceof ApiError)) return [];
  return Object.entries(error.fields)
    .filter(([name]) => !shown.some((field) => name === field || name.startsWith(`${field}.`)))
    .map(([name, message]) => `${name}: ${message}`);
}
