// Who is signed in on this tab: the token pair, kept in sessionStorage and refreshed before it
// expires. A host site may hand over its own platform token instead (the widget's data-token).

import { Api } from "./api";
import type { Role, TokenPair } from "./types";

export interface Claims {
  sub: string;
  role: Role;
  user_id?: string | null;
  exp?: number;
  [key: string]: unknown;
}

/** The claims of a JWT, read without verifying it (the server verifies every request). */
export function readClaims(token: string): Claims | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(json) as Claims;
  } catch {
    return null;
  }
}

type Listener = (session: Session) => void;

export class Session {
  private pair: TokenPair | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<Listener>();
  readonly api: Api;

  constructor(
    private readonly storageKey: string,
    private readonly storage: Storage | null = typeof sessionStorage === "undefined"
      ? null
      : sessionStorage,
  ) {
    this.api = new Api(() => this.token);
    const saved = this.storage?.getItem(storageKey);
    if (saved) {
      try {
        this.accept(JSON.parse(saved) as TokenPair);
      } catch {
        this.storage?.removeItem(storageKey);
      }
    }
  }

  get token(): string | null {
    return this.pair?.access_token ?? null;
  }

  get claims(): Claims | null {
    return this.token ? readClaims(this.token) : null;
  }

  get signedIn(): boolean {
    const claims = this.claims;
    return claims !== null && (claims.exp === undefined || claims.exp * 1000 > Date.now());
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Development sign-in (the server turns it off with SUPPORTGRAPH_DEV_AUTH=0). */
  async devLogin(role: Role, userId: string): Promise<void> {
    const pair = await new Api(() => null).post<TokenPair>("/api/v1/auth/dev-login", {
      role,
      user_id: userId,
    });
    this.accept(pair);
  }

  /** Use a token the host site issued (no refresh token: the host renews it). */
  useToken(accessToken: string): void {
    this.accept({ access_token: accessToken, refresh_token: "", token_type: "bearer", expires_in: 0 });
  }

  signOut(): void {
    this.pair = null;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.storage?.removeItem(this.storageKey);
    this.emit();
  }

  private accept(pair: TokenPair): void {
    this.pair = pair;
    this.storage?.setItem(this.storageKey, JSON.stringify(pair));
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    const exp = readClaims(pair.access_token)?.exp;
    if (pair.refresh_token && exp) {
      const inMs = Math.max(5_000, exp * 1000 - Date.now() - 60_000);
      this.refreshTimer = setTimeout(() => void this.refresh(), inMs);
    }
    this.emit();
  }

  private async refresh(): Promise<void> {
    if (!this.pair?.refresh_token) return;
    try {
      const pair = await new Api(() => null).post<TokenPair>("/api/v1/auth/refresh", {
        refresh_token: this.pair.refresh_token,
      });
      this.accept(pair);
    } catch {
      this.signOut();
    }
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this);
  }
}
