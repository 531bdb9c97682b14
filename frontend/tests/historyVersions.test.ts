import { describe, expect, it } from "vitest";
import {
  authorName,
  mergeVersionPages,
  versionRow,
  type VersionContext,
  type VersionSummary,
} from "../src/features/editor/history/versionList";
import { versionActionError } from "../src/features/editor/history/versionActionError";

const now = new Date("2025-03-14T12:00:00Z");
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

const version = (number: number, overrides: Partial<VersionSummary> = {}): VersionSummary => ({
  number,
  author_id: "u-ada",
  created_at: minutesAgo(number),
  message: `Change ${String(number)}`,
  ...overrides,
});

const context: VersionContext = {
  latest: 3,
  published: 2,
  authors: new Map([
    ["u-ada", "Ada"],
    ["u-me", "Grace"],
  ]),
  myUserId: "u-me",
};

describe("mergeVersionPages", () => {
  it("orders every loaded version newest first and keeps one of each", () => {
    const merged = mergeVersionPages([{ items: [version(5), version(4)] }, { items: [version(4), version(2), version(3)] }]);
    expect(merged.map((entry) => entry.number)).toEqual([5, 4, 3, 2]);
  });

  it("is empty before any page loads", () => {
    expect(mergeVersionPages([])).toEqual([]);
  });
});

describe("versionRow", () => {
  it("badges the current and the published version", () => {
    expect(versionRow(version(3), context).badges).toEqual(["Current"]);
    expect(versionRow(version(3), context).isCurrent).toBe(true);
    expect(versionRow(version(2), context).badges).toEqual(["Published"]);
    expect(versionRow(version(2), { ...context, latest: 2 }).badges).toEqual(["Current", "Published"]);
    expect(versionRow(version(1), context).badges).toEqual([]);
  });

  it("says so when a version was saved without a message", () => {
    const row = versionRow(version(1, { message: "   " }), context);
    expect(row.message).toBe("No message");
    expect(row.hasMessage).toBe(false);
    expect(versionRow(version(1), context)).toMatchObject({ title: "Version 1", message: "Change 1", hasMessage: true });
  });

  it("names the author: you, a member by name, or neither", () => {
    expect(versionRow(version(1, { author_id: "u-me" }), context).author).toBe("You");
    expect(versionRow(version(1), context).author).toBe("Ada");
    expect(authorName("u-gone", context)).toBe("An API key or a former member");
    expect(authorName(null, context)).toBe("Unknown author");
  });
});

describe("versionActionError", () => {
  it("words a refused publish with the version's first problems", () => {
    const refused = {
      error: "validation_error",
      detail: {
        message: "version 2 has 4 problem(s); fix them and save before publishing",
        problems: [{ message: "a" }, { message: "b" }, { message: "c" }, { message: "d" }],
      },
    };
    const error = versionActionError(refused, 422);
    expect(error.message).toBe("version 2 has 4 problem(s); fix them and save before publishing: a; b; c (and 1 more)");
    expect(error.status).toBe(422);
  });

  it("reads other refusals as the shared reader does", () => {
    expect(versionActionError({ detail: "flow changed since you opened it" }, 409).message).toBe(
      "flow changed since you opened it",
    );
    expect(versionActionError({ detail: { message: "no problems listed" } }, 422).message).toBe("no problems listed");
    expect(versionActionError(undefined, 403).message).toBe("Your role does not allow this.");
  });
});
