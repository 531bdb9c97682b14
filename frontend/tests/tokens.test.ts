import { describe, expect, it } from "vitest";
import { TokenKeeper, type TokenPair } from "../src/auth/tokens";

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const pair = (n: number, expiresIn = 900): TokenPair => ({
  access_token: `access-${String(n)}`,
  refresh_token: `refresh-${String(n)}`,
  expires_in: expiresIn,
});

/** A keeper whose refresh answers with successive pairs (or refuses) and records the tokens it got. */
function keeper(answers: (TokenPair | null)[], storage = new MemoryStorage()) {
  let clock = 1_000_000;
  const used: string[] = [];
  const tokens = new TokenKeeper(
    (refreshToken) => {
      used.push(refreshToken);
      return Promise.resolve(answers.shift() ?? null);
    },
    storage,
    () => clock,
  );
  return { tokens, used, storage, advance: (ms: number) => (clock += ms) };
}

describe("TokenKeeper", () => {
  it("returns the held access token while it is fresh, without refreshing", async () => {
    const { tokens, used } = keeper([]);
    tokens.hold(pair(1));
    expect(await tokens.accessToken()).toBe("access-1");
    expect(used).toEqual([]);
  });

  it("refreshes once for concurrent callers when the token is about to expire", async () => {
    const { tokens, used, storage, advance } = keeper([pair(2), pair(3)]);
    tokens.hold(pair(1, 60));
    advance(45_000);
    const results = await Promise.all([tokens.accessToken(), tokens.accessToken(), tokens.accessToken()]);
    expect(results).toEqual(["access-2", "access-2", "access-2"]);
    expect(used).toEqual(["refresh-1"]);
    expect(storage.getItem("crewloom.refresh_token")).toBe("refresh-2");
  });

  it("resumes a reloaded tab from the stored refresh token", async () => {
    const storage = new MemoryStorage();
    keeper([], storage).tokens.hold(pair(1));
    const { tokens, used } = keeper([pair(2)], storage);
    expect(await tokens.accessToken()).toBe("access-2");
    expect(used).toEqual(["refresh-1"]);
  });

  it("signs out when the refresh is refused", async () => {
    const { tokens, storage, advance } = keeper([null]);
    tokens.hold(pair(1, 10));
    advance(20_000);
    expect(await tokens.accessToken()).toBeNull();
    expect(tokens.refreshToken).toBeNull();
    expect(storage.items.size).toBe(0);
  });

  it("has no token before anyone signs in", async () => {
    const { tokens, used } = keeper([pair(1)]);
    expect(await tokens.accessToken()).toBeNull();
    expect(used).toEqual([]);
  });
});
