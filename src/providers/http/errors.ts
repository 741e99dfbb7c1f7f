import type { ProviderName } from '../../domain/provider-name';

/**
 * What can go wrong talking to a provider, one subclass per failure kind. The transport raises
 * them; clients may turn an `UpstreamStatusError` into a business error; `errors/` maps the rest
 * to GraphQL codes.
 *
 * An error carries only what is safe to log: provider, method, path template, status, provider
 * error code. The upstream body (which may hold personal data) is kept in a non-enumerable field
 * so that no logger or serializer picks it up, and request headers are never stored.
 */
export abstract class UpstreamError extends Error {
  abstract readonly kind: UpstreamErrorKind;
  /** Whether repeating the same call later may succeed. */
  abstract readonly retryable: boolean;
  readonly provider: ProviderName;
  readonly method: string;
  readonly pathTemplate: string;
  readonly status?: number;

  protected constructor(
    message: string,
    call: { provider: ProviderName; method: string; pathTemplate: string; status?: number },
    options?: { cause?: unknown },
  ) {
    super(`${call.provider} ${call.method} ${call.pathTemplate}: ${message}`, options);
    this.name = new.target.name;
    this.provider = call.provider;
    this.method = call.method;
    this.pathTemplate = call.pathTemplate;
    this.status = call.status;
  }
}

export type UpstreamErrorKind =
  | 'timeout'
  | 'connection'
  | 'rate_limited'
  | 'unavailable'
  | 'circuit_open'
  | 'deadline_exceeded'
  | 'budget_exceeded'
  | 'auth'
  | 'status'
  | 'not_served'
  | 'protocol';

export interface CallInfo {
  provider: ProviderName;
  method: string;
  pathTemplate: string;
  status?: number;
}

/** One attempt took longer than its timeout. */
export class UpstreamTimeoutError extends UpstreamError {
  readonly kind = 'timeout';
  readonly retryable = true;
  constructor(call: CallInfo, timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`, call);
  }
}

/** The connection could not be made or broke (refused, reset, DNS). */
export class UpstreamConnectionError extends UpstreamError {
  readonly kind = 'connection';
  readonly retryable = true;
  constructor(call: CallInfo, cause: unknown) {
    super(`connection failed (${(cause as { code?: string })?.code ?? 'network error'})`, call, { cause });
  }
}

/** 429: the provider asks us to slow down; `retryAfterMs` when it said for how long. */
export class UpstreamRateLimitedError extends UpstreamError {
  readonly kind = 'rate_limited';
  readonly retryable = true;
  constructor(
    call: CallInfo,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`rate limited${retryAfterMs !== undefined ? `, retry after ${retryAfterMs} ms` : ''}`, call);
  }
}

/**
 * The provider's rate budget (`<P>_RATE_LIMIT_*`) had no call left before the request's deadline:
 * the call was not sent. Clients see PROVIDER_RATE_LIMITED with `extensions.retryAfter` (seconds).
 */
export class RateBudgetRefusedError extends UpstreamRateLimitedError {
  declare readonly retryAfterMs: number;
  constructor(call: CallInfo, retryAfterMs: number) {
    super(call, retryAfterMs);
    this.message = `${call.provider} ${call.method} ${call.pathTemplate}: rate budget exhausted, retry after ${retryAfterMs} ms; not sent`;
  }
}

/** 5xx (or a provider's own "retryable" failure): the provider cannot serve right now. */
export class UpstreamUnavailableError extends UpstreamError {
  readonly kind = 'unavailable';
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** The provider's own error code, when its 5xx body names one (BTC Direct ER999). */
  readonly providerCode?: string;
  constructor(call: CallInfo, options: { retryAfterMs?: number; retryable?: boolean; detail?: string; providerCode?: string } = {}) {
    super(options.detail ?? `answered ${call.status}${options.providerCode ? ` ${options.providerCode}` : ''}`, call);
    this.retryAfterMs = options.retryAfterMs;
    this.providerCode = options.providerCode;
    this.retryable = options.retryable ?? (call.status === undefined || RETRYABLE_5XX.has(call.status));
  }
}

const RETRYABLE_5XX = new Set([502, 503, 504]);

/** The provider's circuit breaker is open: the call was not made. */
export class UpstreamCircuitOpenError extends UpstreamError {
  readonly kind = 'circuit_open';
  readonly retryable = true;
  constructor(call: CallInfo) {
    super('circuit open after repeated failures; not called', call);
  }
}

/** The GraphQL request's deadline left no time for this call (or its next retry). */
export class UpstreamDeadlineExceededError extends UpstreamError {
  readonly kind = 'deadline_exceeded';
  readonly retryable = true;
  constructor(call: CallInfo, reason: string) {
    super(`request deadline exceeded (${reason})`, call);
  }
}

/** The GraphQL request has made all the upstream calls its budget allows: the call was not made. */
export class UpstreamBudgetExceededError extends UpstreamError {
  readonly kind = 'budget_exceeded';
  readonly retryable = false;
  constructor(
    call: CallInfo,
    readonly budget: number,
  ) {
    super(`request budget of ${budget} upstream calls used up; not called`, call);
  }
}

/** 401/403 for the subgraph's own credentials: a configuration problem, not the caller's. */
export class UpstreamAuthError extends UpstreamError {
  readonly kind = 'auth';
  readonly retryable = false;
  constructor(call: CallInfo, readonly providerCode?: string) {
    super(`rejected the subgraph's credentials (${call.status}${providerCode ? ` ${providerCode}` : ''})`, call);
  }
}

/**
 * Any other non-2xx answer. Clients read `body` to map provider error codes to business errors;
 * the body stays out of logs and messages.
 */
export class UpstreamStatusError extends UpstreamError {
  readonly kind = 'status';
  readonly retryable: boolean;
  declare readonly body: unknown;
  constructor(call: CallInfo & { status: number }, body: unknown, readonly providerCode?: string) {
    super(`answered ${call.status}${providerCode ? ` ${providerCode}` : ''}`, call);
    this.retryable = call.status === 408;
    Object.defineProperty(this, 'body', { value: body, enumerable: false });
  }
}

/**
 * 404 for an operation the provider documents: the configured address does not serve its API (a
 * configuration problem, e.g. another Verato stack). `hint` names the variables to check.
 */
export class UpstreamNotServedError extends UpstreamError {
  readonly kind = 'not_served';
  readonly retryable = false;
  constructor(
    call: CallInfo & { status?: number },
    readonly hint: string,
  ) {
    super(`answered ${call.status ?? 404}: not served at the configured address`, call);
  }
}

/** The answer was not what the contract promises (wrong content type, unparsable JSON). */
export class UpstreamProtocolError extends UpstreamError {
  readonly kind = 'protocol';
  readonly retryable = false;
  constructor(call: CallInfo, detail: string) {
    super(detail, call);
  }
}
