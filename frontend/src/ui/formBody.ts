import { ApiError } from "../api/problems";

/** A form's values as a request body, or the problems found before sending (field -> message). */
export type FormBody<T> = { ok: true; body: T } | { ok: false; problems: Record<string, string> };

/** The body, or an ApiError carrying the problems, so that they show beside their fields like the API's. */
export function bodyOrThrow<T>(drafted: FormBody<T>): T {
  if (drafted.ok) return drafted.body;
  throw new ApiError("Some fields need attention.", drafted.problems, null);
}

/** The fields every resource has. */
export interface BasicValues {
  name: string;
  description: string;
  /** Comma-separated. */
  tags: string;
}

export function basicValues(item?: { name: string; description: string; tags: readonly string[] }): BasicValues {
  return { name: item?.name ?? "", description: item?.description ?? "", tags: (item?.tags ?? []).join(", ") };
}

export function basicsBody(values: BasicValues): { name: string; description: string; tags: string[] } {
  const tags = values.tags
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag !== "");
  return { name: values.name.trim(), description: values.description, tags: [...new Set(tags)] };
}

/** Trimmed text, or null when blank: for optional fields the API takes as null. */
export function optionalText(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : trimmed;
}

/** A number from a number field, null when blank; text that is no number is passed on for the API to name. */
export function optionalNumber(text: string): number | null {
  return text.trim() === "" ? null : Number(text);
}

export function numberText(value: number | null | undefined): string {
  return value === null || value === undefined ? "" : String(value);
}
