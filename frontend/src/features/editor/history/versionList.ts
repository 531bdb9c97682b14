import type { Schemas } from "../../../api/client";

export type VersionSummary = Schemas["FlowVersionSummary"];

export type VersionBadge = "Current" | "Published";

export interface VersionRow {
  number: number;
  title: string;
  message: string;
  hasMessage: boolean;
  author: string;
  createdAt: string;
  badges: VersionBadge[];
  /** The saved version the canvas started from: nothing to compare or restore. */
  isCurrent: boolean;
}

export interface VersionContext {
  latest: number;
  published: number | null;
  /** Display names by user id, of the workspace's members. */
  authors: ReadonlyMap<string, string>;
  myUserId: string | null;
}

/** Versions of every loaded page, newest first, each once (a version saved between two pages repeats one). */
export function mergeVersionPages(pages: readonly { items: readonly VersionSummary[] }[]): VersionSummary[] {
  const byNumber = new Map<number, VersionSummary>();
  for (const page of pages) for (const version of page.items) byNumber.set(version.number, version);
  return [...byNumber.values()].sort((left, right) => right.number - left.number);
}

export function authorName(authorId: string | null, context: Pick<VersionContext, "authors" | "myUserId">): string {
  if (authorId === null) return "Unknown author";
  if (authorId === context.myUserId) return "You";
  return context.authors.get(authorId) ?? "An API key or a former member";
}

export function versionRow(version: VersionSummary, context: VersionContext): VersionRow {
  const badges: VersionBadge[] = [];
  if (version.number === context.latest) badges.push("Current");
  if (version.number === context.published) badges.push("Published");
  const message = version.message.trim();
  return {
    number: version.number,
    title: `Version ${String(version.number)}`,
    message: message || "No message",
    hasMessage: message !== "",
    author: authorName(version.author_id, context),
    createdAt: version.created_at,
    badges,
    isCurrent: version.number === context.latest,
  };
}
