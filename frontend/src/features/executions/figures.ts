/** How durations, costs, token counts and times of runs read on screen. */

export function formatDuration(milliseconds: number | null): string {
  if (milliseconds === null || !Number.isFinite(milliseconds) || milliseconds < 0) return "—";
  if (milliseconds < 1000) return `${String(Math.round(milliseconds))} ms`;
  const seconds = milliseconds / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${String(minutes)} min ${String(Math.floor(seconds % 60))} s`;
  return `${String(Math.floor(minutes / 60))} h ${String(minutes % 60)} min`;
}

/** The time between two instants; until `now` while the second is unknown. */
export function elapsed(startedAt: string | null, finishedAt: string | null, now: number = Date.now()): number | null {
  if (startedAt === null) return null;
  const end = finishedAt === null ? now : Date.parse(finishedAt);
  return Math.max(0, end - Date.parse(startedAt));
}

/** Costs are in US dollars; small ones keep enough digits to tell apart. */
export function formatCost(cost: number | null | undefined): string {
  if (cost === null || cost === undefined) return "—";
  if (cost === 0) return "$0";
  return cost < 0.01 ? `$${cost.toPrecision(2)}` : `$${cost.toFixed(2)}`;
}

const counts = new Intl.NumberFormat("en");

export function formatTokens(tokensIn: number, tokensOut: number): string {
  return `${counts.format(tokensIn + tokensOut)} tokens`;
}

const dateTimes = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium" });

export function formatTime(at: string | null | undefined): string {
  return at === null || at === undefined ? "—" : dateTimes.format(new Date(at));
}
