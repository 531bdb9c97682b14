/** A tool's secrets as edited: write-only, so the form only ever holds new values. On save they are kept,
 * replaced all at once, or removed (the API's "absent", object and {}). */

export interface SecretRow {
  name: string;
  value: string;
}

export interface SecretsDraft {
  change: "keep" | "replace" | "clear";
  rows: SecretRow[];
}

export function keptSecrets(): SecretsDraft {
  return { change: "keep", rows: [] };
}

/** New values for every secret: the stored names (or the ones a built-in tool asks for), values blank. */
export function replacingSecrets(names: readonly string[]): SecretsDraft {
  return { change: "replace", rows: (names.length > 0 ? names : [""]).map((name) => ({ name, value: "" })) };
}

export type SecretsBody = { ok: true; secrets: Record<string, string> | undefined } | { ok: false; problems: Record<string, string> };

/** The `secrets` of a request: undefined keeps the stored ones. A new tool without any row sends none. */
export function secretsBody(draft: SecretsDraft): SecretsBody {
  if (draft.change === "keep") return { ok: true, secrets: undefined };
  if (draft.change === "clear") return { ok: true, secrets: {} };
  const problems: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  draft.rows.forEach((row, index) => {
    const name = row.name.trim();
    if (name === "" && row.value === "") return;
    if (name === "") problems[`secrets.${String(index)}`] = "give the secret a name";
    else if (row.value === "") problems[`secrets.${name}`] = "type the value (stored values are never shown, so every secret is set again)";
    else secrets[name] = row.value;
  });
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, secrets };
}
