/** JSON typed into a form field: parsed for the request body, or a message to show beside the field. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON object from the text; blank text is `blank` (an empty object unless told otherwise). */
export function parseJsonObject(text: string, blank: JsonObject | null = {}): Parsed<JsonObject | null> {
  if (text.trim() === "") return { ok: true, value: blank };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  return isObject(value) ? { ok: true, value } : { ok: false, message: "must be a JSON object: { … }" };
}

/** Text for a JSON field: indented, or empty for nothing. */
export function jsonText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (isObject(value) && Object.keys(value).length === 0) return "";
  return JSON.stringify(value, null, 2);
}
