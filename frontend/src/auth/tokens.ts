/** The session's tokens: the access token in memory only, the refresh token also in the tab's
 * sessionStorage so a reload (or a deep link opened in the tab) resumes the session. Each refresh token
 * works once, so concurrent callers share one refresh. */

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export type RefreshTokens = (refreshToken: string) => Promise<TokenPair | null>;

type RefreshStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

const STORAGE_KEY = "crewloom.refresh_token";
// Refresh a little before expiry so a request never leaves with a token about to lapse.
const EARLY_REFRESH_MS = 30_000;

interface HeldTokens {
  access: string;
  refresh: string;
  expiresAt: number;
}

export class TokenKeeper {
  private tokens: HeldTokens | null = null;
  private pendingRefresh: Promise<string | null> | null = null;

  constructor(
    private readonly refreshTokens: RefreshTokens,
    private readonly storage: RefreshStorage | null,
    private readonly now: () => number = Date.now,
  ) {}

  hold(pair: TokenPair): void {
    this.tokens = {
      access: pair.access_token,
      refresh: pair.refresh_token,
      expiresAt: this.now() + pair.expires_in * 1000,
    };
    this.storage?.setItem(STORAGE_KEY, pair.refresh_token);
  }

  drop(): void {
    this.tokens = null;
    this.storage?.removeItem(STORAGE_KEY);
  }

  get refreshToken(): string | null {
    return this.tokens?.refresh ?? this.storage?.getItem(STORAGE_KEY) ?? null;
  }

  /** A usable access token, refreshed first when it is about to expire; null when signed out. */
  accessToken(): Promise<string | null> {
    if (this.tokens && this.tokens.expiresAt - EARLY_REFRESH_MS > this.now()) {
      return Promise.resolve(this.tokens.access);
    }
    const refreshToken = this.refreshToken;
    if (refreshToken === null) return Promise.resolve(null);
    this.pendingRefresh ??= this.rotate(refreshToken).finally(() => {
      this.pendingRefresh = null;
    });
    return this.pendingRefresh;
  }

  private async rotate(refreshToken: string): Promise<string | null> {
    const pair = await this.refreshTokens(refreshToken).catch(() => null);
    if (pair === null) {
      this.drop();
      return null;
    }
    this.hold(pair);
    return pair.access_token;
  }
}
