import type { ProviderTokenStore } from '../../shared-state/provider-tokens';
import type { CallContext } from './transport';

/** Renew a cached token this long before it expires. */
export const TOKEN_RENEW_MARGIN_MS = 60_000;

/** A token as its issuer hands it out, with whatever the next renewal needs (e.g. a refresh token). */
export interface IssuedToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Where a token is kept for the whole fleet: the shared store and the token's name in it. */
export interface SharedTokenSlot {
  store: ProviderTokenStore;
  /** A short lowercase word, e.g. `auth0-management`. */
  name: string;
}

/**
 * A provider access token the client obtains itself (Auth0 client credentials, BTC Direct partner
 * login): cached until shortly before it expires, fetched once however many calls want it at the
 * same moment, and renewed once when the provider refuses it before then (rotated keys, revoked
 * session).
 *
 * With a `shared` slot the token is kept in the shared state (SharedState.tokens: sealed in Redis
 * with its expiry, renewed by one replica of the fleet under a lock, in process when Redis is
 * absent or down), so replicas fetch it once between them. The issuer's `previous` is then the
 * token this process issued last, if any.
 */
/** The `Authorization: Bearer` header of a token, at once when the token is. */
export function bearerHeaders(token: string | Promise<string>): Record<string, string> | Promise<Record<string, string>> {
  return typeof token === 'string' ? { authorization: `Bearer ${token}` } : token.then(bearerHeaders);
}

export class TokenCache<T extends IssuedToken> {
  private current: (T & { renewAt: number }) | null = null;
  private pending: Promise<string> | null = null;
  /** The token last handed out (shared mode), so a stale refusal can be recognised as one. */
  private handedOut: string | null = null;

  constructor(
    /** Obtains a new token; `previous` is the expiring one (null after a refusal or at first). */
    private readonly issue: (ctx: CallContext, previous: T | null) => Promise<T>,
    /** Whether a failed call means the provider no longer accepts the cached token. */
    private readonly isStaleTokenRefusal: (error: unknown) => boolean,
    private readonly shared: SharedTokenSlot | null = null,
  ) {}

  /** The cached token, at once, while it is not due for renewal; null when `token` has work to do. */
  ready(): string | null {
    if (this.shared) {
      const token = this.shared.store.fresh(this.shared.name, TOKEN_RENEW_MARGIN_MS);
      if (token !== null) this.handedOut = token;
      return token;
    }
    return this.current && Date.now() < this.current.renewAt ? this.current.token : null;
  }

  /** The token: at once while the cached one is fresh (`ready`), else a promise of a fetched one. */
  token(ctx: CallContext): string | Promise<string> {
    return this.ready() ?? this.fetch(ctx);
  }

  private fetch(ctx: CallContext): Promise<string> {
    if (this.shared) return this.sharedToken(ctx, this.shared);
    this.pending ??= this.issue(ctx, this.current)
      .then((issued) => {
        this.current = { ...issued, renewAt: Math.max(Date.now(), issued.expiresAt - TOKEN_RENEW_MARGIN_MS) };
        return issued.token;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /** Runs `send`; when it fails because the cached token went stale, drops it and tries once more. */
  async withRenewOnce<R>(send: () => Promise<R>): Promise<R> {
    try {
      return await send();
    } catch (error) {
      if (!(this.current || this.handedOut) || !this.isStaleTokenRefusal(error)) throw error;
      this.current = null;
      this.handedOut = null;
      // The fleet's copy is the refused one too; a store that cannot be reached has nothing to forget.
      if (this.shared) await this.shared.store.invalidate(this.shared.name).catch(() => undefined);
      return send();
    }
  }

  private async sharedToken(ctx: CallContext, slot: SharedTokenSlot): Promise<string> {
    const token = await slot.store.obtain(
      slot.name,
      async () => {
        const issued = await this.issue(ctx, this.current);
        this.current = { ...issued, renewAt: Math.max(Date.now(), issued.expiresAt - TOKEN_RENEW_MARGIN_MS) };
        return { value: issued.token, expiresAtEpochMs: issued.expiresAt };
      },
      { renewBeforeMs: TOKEN_RENEW_MARGIN_MS },
    );
    this.handedOut = token;
    return token;
  }
}
