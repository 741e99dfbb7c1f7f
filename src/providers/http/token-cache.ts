import type { CallContext } from './transport';

/** Renew a cached token this long before it expires. */
export const TOKEN_RENEW_MARGIN_MS = 60_000;

/** A token as its issuer hands it out, with whatever the next renewal needs (e.g. a refresh token). */
export interface IssuedToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * A provider access token the client obtains itself (Auth0 client credentials, BTC Direct partner
 * login): cached until shortly before it expires, fetched once however many calls want it at the
 * same moment, and renewed once when the provider refuses it before then (rotated keys, revoked
 * session).
 */
export class TokenCache<T extends IssuedToken> {
  private current: (T & { renewAt: number }) | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    /** Obtains a new token; `previous` is the expiring one (null after a refusal or at first). */
    private readonly issue: (ctx: CallContext, previous: T | null) => Promise<T>,
    /** Whether a failed call means the provider no longer accepts the cached token. */
    private readonly isStaleTokenRefusal: (error: unknown) => boolean,
  ) {}

  async token(ctx: CallContext): Promise<string> {
    if (this.current && Date.now() < this.current.renewAt) return this.current.token;
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
      if (!this.current || !this.isStaleTokenRefusal(error)) throw error;
      this.current = null;
      return send();
    }
  }
}
