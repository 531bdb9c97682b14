/** Reading and writing one value of a node's config, where an empty value means "leave it out". */

export type ConfigObject = Record<string, unknown>;

export function isConfigObject(value: unknown): value is ConfigObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown): ConfigObject {
  return isConfigObject(value) ? value : {};
}

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return "";
}

/** The object with `name` set to `value`, or without `name` when the value is empty. */
export function withValue(object: ConfigObject, name: string, value: unknown): ConfigObject {
  if (value !== undefined && value !== "") return { ...object, [name]: value };
  return Object.fromEntries(Object.entries(object).filter(([key]) => key !== name));
}

/** A typed number, or nothing for a blank or unreadable one. */
export function numberFrom(text: string, integer: boolean): number | undefined {
  if (text.trim() === "") return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  return integer ? Math.trunc(value) : value;
}

/** Renames a key in place, so rows keep their order while a name is typed. */
export function renameKey(object: ConfigObject, from: string, to: string): ConfigObject {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key === from ? to : key, value]));
}

/** The first `<stem>_<n>` not yet a key. */
export function freeKey(object: ConfigObject, stem: string): string {
  for (let number = 1; ; number += 1) {
    const key = `${stem}_${String(number)}`;
    if (!(key in object)) return key;
  }
}
