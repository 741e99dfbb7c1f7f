/**
 * A token bucket like the tenant's Management API bucket (contract B6): `burst` requests at once,
 * refilled at `perSecond`. Each answer reports the bucket in X-RateLimit-* headers.
 */
export interface RateLimitSettings {
  burst: number;
  perSecond: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class TokenBucket {
  private tokens: number;
  private refilledAt = Date.now();

  constructor(private settings: RateLimitSettings) {
    this.tokens = settings.burst;
  }

  /** Replaces the bucket's settings and fills it (e.g. a benchmark enforcing a tenant's quota). */
  configure(settings: RateLimitSettings): void {
    this.settings = settings;
    this.tokens = settings.burst;
    this.refilledAt = Date.now();
  }

  take(): RateLimitDecision {
    this.refill();
    const allowed = this.tokens >= 1;
    if (allowed) this.tokens -= 1;
    return { allowed, headers: this.headers() };
  }

  private refill(): void {
    const now = Date.now();
    const earned = ((now - this.refilledAt) / 1000) * this.settings.perSecond;
    this.tokens = Math.min(this.settings.burst, this.tokens + earned);
    this.refilledAt = now;
  }

  /** X-RateLimit-Reset is the epoch second by which the bucket is full again. */
  private headers(): Record<string, string> {
    const secondsToFull = (this.settings.burst - this.tokens) / this.settings.perSecond;
    return {
      'x-ratelimit-limit': String(this.settings.burst),
      'x-ratelimit-remaining': String(Math.floor(this.tokens)),
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000 + secondsToFull)),
    };
  }
}
