import { describe, expect, it } from "vitest";
import { loadJournal, saveJournal } from "../src/features/executions/journalStorage";
import type { RunJournal } from "../src/features/executions/runState";

class MemoryStorage {
  readonly items = new Map<string, string>();
  constructor(private readonly capacity = Infinity) {}
  get length() {
    return this.items.size;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    const used = [...this.items].reduce((sum, [name, text]) => (name === key ? sum : sum + text.length), 0);
    if (used + value.length > this.capacity) throw new DOMException("full", "QuotaExceededError");
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const journal: RunJournal = {
  through: 12,
  nodes: {
    llm: {
      streamed: "Hello",
      logs: [{ id: 3, at: "2025-01-01T00:00:00Z", message: "calling", tone: "info" }],
      steps: [{ id: 4, at: "2025-01-01T00:00:00Z", kind: "thought", agent: "Writer", subject: "", text: "hm" }],
    },
  },
};

describe("the stored journal", () => {
  it("comes back as it was stored, per execution", () => {
    const storage = new MemoryStorage();
    saveJournal("e1", journal, storage);
    expect(loadJournal("e1", storage)).toEqual(journal);
    expect(loadJournal("e2", storage)).toBeNull();
  });

  it("is ignored when it is not a journal", () => {
    const storage = new MemoryStorage();
    for (const text of ["{", "[]", '{"through":"12","nodes":{}}', '{"through":1,"nodes":{"a":{"streamed":1}}}']) {
      storage.setItem("crewloom.run.e1", text);
      expect(loadJournal("e1", storage)).toBeNull();
    }
  });

  it("makes room by dropping other runs' journals, else keeps none rather than a stale one", () => {
    const size = JSON.stringify(journal).length;
    const storage = new MemoryStorage(size + 10);
    storage.setItem("crewloom.run.old", "x".repeat(size));
    storage.setItem("unrelated", "y");
    saveJournal("e1", journal, storage);
    expect(loadJournal("e1", storage)).toEqual(journal);
    expect(storage.getItem("crewloom.run.old")).toBeNull();
    expect(storage.getItem("unrelated")).toBe("y");

    const tiny = new MemoryStorage(size);
    saveJournal("e1", { through: 1, nodes: {} }, tiny);
    saveJournal("e1", { ...journal, nodes: { ...journal.nodes, more: { streamed: "x".repeat(size), logs: [], steps: [] } } }, tiny);
    expect(loadJournal("e1", tiny)).toBeNull();
  });
});
