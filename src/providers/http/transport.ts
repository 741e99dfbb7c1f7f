import { Agent } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header';
import { RateBudgetExceededError, type RateBudget } from '../../budgets/rate-budget';
import type { ProviderName } from '../../domain/provider-name';
import type { Logger } from '../../observability/logger';
import type { Metrics } from '../../observability/metrics';
import {
  UpstreamAuthError,
  UpstreamConnectionError,
  UpstreamError,
  UpstreamProtocolError,
  RateBudgetRefusedError,
  UpstreamRateLimitedError,
  UpstreamStatusError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type CallInfo,
} from './errors';
import type { ProviderPolicy } from './policy';
import { ProviderResilience, SharedTimeouts, beforeDeadline, deadlineSignal, type CallContext } from './resilience';
import { AnswerInterruptedError, AnswerTooLargeError, exchange, type Exchanged } from './exchange';
import type { ShapeCheck } from './shape';

/**
 * Time a call must still have when its wait for the rate budget ends: a wait that leaves less
 * is refused at once (PROVIDER_RATE_LIMITED, retryable) rather than sent to time out.
 */
const BUDGET_DEADLINE_MARGIN_MS = 200;
const NO_HEADERS: Record<string, string> = Object.freeze({});

export type { CallContext } from './resilience';

export interface TransportRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH';
  /** Path below the provider's base URL, already percent-encoded. */
  path: string;
  /** The same path with `{placeholders}`: what logs and metrics show. */
  pathTemplate: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
  /**
   * `safe`: reads, and writes carrying an idempotency key, may be retried.
   * `never`: a write without a key is sent exactly once.
   */
  retry: 'safe' | 'never';
  /** Non-2xx statuses the client handles itself (returned instead of thrown), e.g. a 404 read. */
  acceptStatuses?: readonly number[];
  /** Send without the provider's auth headers (the call that obtains them). */
  skipAuth?: boolean;
  /** Inspects a 2xx JSON answer inside the retry loop; may throw a retryable UpstreamError. */
  inspect?: (body: unknown, call: CallInfo & { status: number }) => void;
  /** The documented shape of a 2xx answer; one that does not match is an UpstreamProtocolError. */
  shape?: ShapeCheck;
  /** A 2xx is a success whatever its body (none is documented): the body is not read. */
  ignoreSuccessBody?: boolean;
}

/** One call of the rate budget, taken before its request was known; spent by the first send that claims it. */
export class BudgetReservation {
  private spent = false;

  claim(): boolean {
    if (this.spent) return false;
    this.spent = true;
    return true;
  }
}

export interface TransportResponse<T = unknown> {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or undefined for an empty body. */
  body: T;
}

export interface ProviderErrorReading {
  /** The provider's own error code in an error body (ER706, inexistent_user, not_found…). */
  errorCode(body: unknown): string | undefined;
  /**
   * Whether a 4xx means the subgraph's own credentials were refused (a configuration
   * problem) rather than a caller-supplied token (a business error the client maps).
   */
  isCredentialFailure(status: number, code: string | undefined): boolean;
}

export interface TransportOptions {
  provider: ProviderName;
  baseUrl: string;
  policy: ProviderPolicy;
  logger: Logger;
  metrics: Metrics;
  errors: ProviderErrorReading;
  /**
   * Headers every call carries (authentication): at once when they are ready (a static key, a
   * cached token), a promise when a token has to be fetched or renewed first.
   */
  authHeaders(ctx: CallContext): Record<string, string> | Promise<Record<string, string>>;
  /**
   * The provider's (fleet-wide) rate budget: every attempt takes a call from it first, waiting
   * when the wait ends before the request's deadline, else failing at once (rate_limited, not
   * sent); every answer's X-RateLimit-* headers are handed to it. Absent: no budget.
   */
  rateBudget?: RateBudget;
  /** TLS of its connections (PEM): a client certificate and key for mutual TLS, and/or the CAs to trust instead of the system's. */
  tls?: { cert?: string; key?: string; ca?: string };
}

/**
 * The one HTTP transport every provider client uses: keep-alive connections, per-attempt
 * timeouts bounded by the request deadline, retries/breaker/concurrency cap (resilience.ts),
 * JSON parsing that checks the content type, typed errors, and one log line + metric per call.
 */
export class HttpTransport {
  readonly resilience: ProviderResilience;
  private readonly agent: Agent;
  /** The base URL's scheme, host and port, and its path (no trailing slash). */
  private readonly origin: string;
  private readonly basePath: string;
  private readonly timeouts = new SharedTimeouts();

  constructor(private readonly options: TransportOptions) {
    const base = new URL(options.baseUrl);
    this.origin = base.origin;
    this.basePath = base.pathname.replace(/\/+$/, '');
    // Every attempt is bounded by its abort signal (see `attempt`), so undici's own headers and body
    // timers (300 s by default, re-armed on every call) are off.
    this.agent = new Agent({
      connections: options.policy.concurrency,
      keepAliveTimeout: 10_000,
      headersTimeout: 0,
      bodyTimeout: 0,
      ...(options.tls ? { connect: { ...options.tls } } : {}),
    });
    this.resilience = new ProviderResilience(options.provider, options.policy, {
      onRetry: (provider) => options.metrics.upstreamRetries.inc({ provider }),
      onBreakerStateChange: (provider, state) => {
        options.metrics.breakerTransitions.inc({ provider, state });
        options.metrics.breakerOpen.set({ provider }, state === 'open' ? 1 : 0);
        // An open breaker fails every call to the provider; recovering from it is news, not trouble.
        options.logger[state === 'open' ? 'warn' : 'info']({ provider, state }, 'circuit breaker state change');
      },
    });
  }

  /**
   * `reserved`: a call of the rate budget taken beforehand (`reserveBudgetCall`), spent by this
   * send's first attempt instead of taking one; a reservation serves one send only.
   */
  async send<T = unknown>(ctx: CallContext, req: TransportRequest, reserved?: BudgetReservation): Promise<TransportResponse<T>> {
    const call: CallInfo = { provider: this.options.provider, method: req.method, pathTemplate: req.pathTemplate };
    // A credential request serves the process, not the GraphQL request that happened to need it.
    if (!req.skipAuth) ctx.budget.draw(call);
    // Credentials are ready before the call takes a concurrency slot: a token request goes
    // through this transport too, and must never queue behind the call that waits for it.
    const credentials = req.skipAuth ? NO_HEADERS : this.credentials(ctx, call);
    const authHeaders = credentials instanceof Promise ? await credentials : credentials;
    // Waiting for the rate budget holds no connection slot.
    const budget = this.options.rateBudget;
    if (budget && !budget.idle && !reserved?.claim()) await this.takeBudgetCall(ctx, call);
    return this.resilience.execute(ctx, call, req.retry === 'safe', (attempt, timeoutMs) =>
      this.attempt<T>(ctx, req, call, authHeaders, attempt, timeoutMs),
    );
  }

  /** Whether a rate budget is configured, so that calls may wait for it. */
  get rateBudgeted(): boolean {
    return this.options.rateBudget?.limited === true;
  }

  /**
   * Takes one call of the rate budget now, as `send` would (waiting, or refusing with
   * RateBudgetRefusedError), for a `send` whose request is settled only once the wait is over.
   * Credentials come first, as in `send`: a token request takes a call of the budget too, and must
   * not wait behind the call that holds this reservation.
   */
  async reserveBudgetCall(ctx: CallContext, call: Omit<CallInfo, 'provider'>): Promise<BudgetReservation> {
    const info: CallInfo = { provider: this.options.provider, ...call };
    const credentials = this.credentials(ctx, info);
    if (credentials instanceof Promise) await credentials;
    if (this.options.rateBudget) await this.takeBudgetCall(ctx, info);
    return new BudgetReservation();
  }

  /** The auth headers; only one that has to be waited for races the request's deadline. */
  private credentials(ctx: CallContext, call: CallInfo): Record<string, string> | Promise<Record<string, string>> {
    const headers = this.options.authHeaders(ctx);
    return headers instanceof Promise ? beforeDeadline(ctx, call, headers, 'credentials') : headers;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** One call of the rate budget, leaving an attempt its minimum time before the deadline; refused: RateBudgetRefusedError, nothing sent. */
  private async takeBudgetCall(ctx: CallContext, call: CallInfo): Promise<void> {
    await this.options.rateBudget!.acquire(ctx.deadline - BUDGET_DEADLINE_MARGIN_MS).catch((error: unknown) => {
      throw error instanceof RateBudgetExceededError ? new RateBudgetRefusedError(call, error.retryAfterMs) : error;
    });
  }

  private async attempt<T>(
    ctx: CallContext,
    req: TransportRequest,
    call: CallInfo,
    authHeaders: Record<string, string>,
    attempt: number,
    timeoutMs: number,
  ): Promise<TransportResponse<T>> {
    if (attempt > 1 && this.options.rateBudget && !this.options.rateBudget.idle) {
      // A retry is a call too. (The first attempt took its call in `send`, before a connection slot.)
      await this.takeBudgetCall(ctx, call);
      timeoutMs = Math.max(1, Math.min(timeoutMs, ctx.deadline - Date.now()));
    }
    const started = performance.now();
    let status: number | undefined;
    let failure: unknown;
    // An attempt that may run until the request's deadline shares the request's one signal; one
    // with a shorter timeout shares the signal of the attempts started with it (SharedTimeouts).
    // (undici's headersTimeout/bodyTimeout would be cheaper still, but its timers fire up to a
    // second late; they are off.)
    const signal = timeoutMs < ctx.deadline - Date.now() ? this.timeouts.signal(timeoutMs) : deadlineSignal(ctx);
    try {
      const headers: Record<string, string> = {
        accept: 'application/json',
        'x-request-id': ctx.requestId,
        ...authHeaders,
        ...req.headers,
      };
      let payload: string | undefined;
      if (req.body !== undefined) {
        payload = JSON.stringify(req.body);
        headers['content-type'] = 'application/json';
      }
      // The agent itself, with origin and path apart: a URL would be parsed again on every call.
      let answer: Exchanged;
      try {
        answer = await exchange(this.agent, { origin: this.origin, path: this.pathOf(req), method: req.method, headers, body: payload }, signal);
      } catch (error) {
        if (error instanceof AnswerInterruptedError) status = error.statusCode;
        if (error instanceof AnswerTooLargeError) throw new UpstreamProtocolError(call, error.message);
        if (signal.aborted) throw new UpstreamTimeoutError(call, timeoutMs);
        throw new UpstreamConnectionError(call, error instanceof AnswerInterruptedError ? error.cause : error);
      }
      status = answer.statusCode;
      const { headers: answerHeaders, text } = answer;
      this.recordRateLimit(answerHeaders);
      this.options.rateBudget?.observe(answerHeaders);
      const answered: CallInfo & { status: number } = { provider: call.provider, method: call.method, pathTemplate: call.pathTemplate, status };
      const ignored = req.ignoreSuccessBody === true && status >= 200 && status < 300;
      const body = ignored ? undefined : parseBody(text, answerHeaders['content-type'], answered);
      if ((status >= 200 && status < 300) || req.acceptStatuses?.includes(status)) {
        if (status < 300 && !ignored && text.length > 0 && body === undefined) {
          throw new UpstreamProtocolError(answered, `expected JSON, got ${contentTypeOf(answerHeaders) ?? 'no content type'}`);
        }
        if (status < 300) {
          req.inspect?.(body, answered);
          if (req.shape && !req.shape(body)) throw new UpstreamProtocolError(answered, 'the answer does not have the documented shape');
        }
        return { status, headers: answerHeaders, body: body as T };
      }
      throw this.statusError(answered, answerHeaders, body);
    } catch (error) {
      if (error instanceof UpstreamError && status === undefined) status = error.status;
      failure = error;
      throw error;
    } finally {
      this.record(ctx, call, status, failure, attempt, performance.now() - started);
    }
  }

  private pathOf(req: TransportRequest): string {
    let path = this.basePath + req.path;
    if (req.query) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(req.query)) if (value !== undefined) params.set(key, String(value));
      const search = params.toString();
      if (search) path += `?${search}`;
    }
    return path;
  }

  private statusError(call: CallInfo & { status: number }, headers: IncomingHttpHeaders, body: unknown): UpstreamError {
    const { status } = call;
    const code = this.options.errors.errorCode(body);
    if (status === 429) return new UpstreamRateLimitedError(call, retryAfterMs(headers, { rateLimited: true }));
    if (status >= 500) return new UpstreamUnavailableError(call, { retryAfterMs: retryAfterMs(headers), providerCode: code });
    if (status >= 400 && this.options.errors.isCredentialFailure(status, code)) {
      return new UpstreamAuthError(call, code);
    }
    return new UpstreamStatusError(call, body, code);
  }

  /** Providers that announce their rate-limit budget (Verifa, Auth0) get it shown as a gauge. */
  private recordRateLimit(headers: IncomingHttpHeaders): void {
    const remaining = Number(headers['x-ratelimit-remaining']);
    if (headers['x-ratelimit-remaining'] !== undefined && Number.isFinite(remaining)) {
      this.options.metrics.upstreamRateLimitRemaining.set({ provider: this.options.provider }, remaining);
    }
  }

  private record(ctx: CallContext, call: CallInfo, status: number | undefined, failure: unknown, attempt: number, ms: number): void {
    const statusLabel = status === undefined ? 'none' : String(status);
    this.options.metrics.upstreamDuration.observe(
      { provider: call.provider, operation: `${call.method} ${call.pathTemplate}`, status: statusLabel },
      ms / 1000,
    );
    const level = upstreamCallLevel(status, failure);
    // At the default level (info) a successful call writes nothing: not even its fields are built.
    if (!this.options.logger.isLevelEnabled(level)) return;
    this.options.logger[level](
      {
        requestId: ctx.requestId,
        provider: call.provider,
        method: call.method,
        path: call.pathTemplate,
        status: status ?? null,
        durationMs: Math.round(ms * 10) / 10,
        attempt,
      },
      'upstream call',
    );
  }
}

/**
 * `warn` when the call failed: no answer (timeout, connection), 5xx, 429, a refusal of the
 * subgraph's own credentials, an answer that breaks the contract or asks for a retry. `debug`
 * otherwise, other 4xx included: those answer one request (not found, already linked).
 */
export function upstreamCallLevel(status: number | undefined, failure: unknown): 'warn' | 'debug' {
  if (status === undefined || status >= 500 || status === 429) return 'warn';
  return failure instanceof UpstreamError && !(failure instanceof UpstreamStatusError) ? 'warn' : 'debug';
}

function contentTypeOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers['content-type'];
  return Array.isArray(value) ? value[0] : value;
}

/** JSON when the content type says so; undefined for an empty or non-JSON body. */
function parseBody(text: string, contentType: string | string[] | undefined, call: CallInfo & { status: number }): unknown {
  if (text.length === 0) return undefined;
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  if (!type || !/[/+]json\b/i.test(type)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new UpstreamProtocolError(call, 'the JSON body could not be parsed');
  }
}

/**
 * `Retry-After` (seconds or an HTTP date); for a 429 without it, `X-RateLimit-Reset` (epoch seconds),
 * which Verifa and Auth0 send on every answer.
 */
export function retryAfterMs(
  headers: IncomingHttpHeaders,
  { rateLimited = false, now = Date.now() }: { rateLimited?: boolean; now?: number } = {},
): number | undefined {
  const retryAfter = headers['retry-after'];
  const value = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  if (value) {
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  if (!rateLimited) return undefined;
  const reset = headers['x-ratelimit-reset'];
  const resetValue = Number(Array.isArray(reset) ? reset[0] : reset);
  if (reset !== undefined && Number.isFinite(resetValue)) return Math.max(0, resetValue * 1000 - now);
  return undefined;
}
