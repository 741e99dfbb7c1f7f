export interface RateLimitWindow {
  limit: number;
  remaining: number;
  /** End of the current window, unix seconds. */
  resetAt: number;
  /** Seconds until the window ends (at least 1). */
  retryAfterSeconds: number;
  exceeded: boolean;
}

const WINDOW_MS = 60_000;

/** A fixed one-minute window of `limitPerMinute` requests, opened by the first request after the last one ended. */
export class RateLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(private readonly limitPerMinute: number) {}

  /** Counts one request and describes the window it fell into. */
  consume(now = Date.now()): RateLimitWindow {
    if (now >= this.windowStart + WINDOW_MS) {
      this.windowStart = now;
      this.used = 0;
    }
    this.used += 1;
    const windowEnd = this.windowStart + WINDOW_MS;
    return {
      limit: this.limitPerMinute,
      remaining: Math.max(0, this.limitPerMinute - this.used),
      resetAt: Math.ceil(windowEnd / 1000),
      retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)),
      exceeded: this.used > this.limitPerMinute,
    };
  }
}

export function rateLimitHeaders(window: RateLimitWindow): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(window.limit),
    'X-RateLimit-Remaining': String(window.remaining),
    'X-RateLimit-Reset': String(window.resetAt),
  };
}
