/** Times as people read them: "3 minutes ago", "in 2 days", or a date when it is further away. */
const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

export function formatRelative(iso: string, now: number = Date.now()): string {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  if (Math.abs(seconds) < 45) return "just now";
  for (const [unit, length] of UNITS) {
    if (Math.abs(seconds) >= length || unit === "minute") {
      // Rounded away from now on both sides: 90 seconds ago is "2 minutes ago", as in 90 seconds is "in 2 minutes".
      return relative.format(Math.sign(seconds) * Math.round(Math.abs(seconds) / length), unit);
    }
  }
  return "just now";
}

const absolute = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

export function formatDateTime(iso: string): string {
  return absolute.format(new Date(iso));
}
