import type { EmulatorHandler, EmulatorRequest } from '../harness';
import { DEMO_CREDENTIALS } from '../seed';
import { MAX_IDEMPOTENCY_KEY_LENGTH, requestFingerprint } from './idempotency';
import { inflectKeys, isKeyInflection, type KeyInflection } from './key-inflection';
import { RateLimiter, rateLimitHeaders, type RateLimitWindow } from './rate-limiter';
import { isObject, notFound, validationError, VerifaApiError, type Route, type RouteResult } from './route';
import { IDENTITY_ROUTES } from './routes-identities';
import { RELATIONSHIP_ROUTES } from './routes-relationships';
import type { VerifaStore } from './store';

export const API_PREFIX = '/api/v1';

const ROUTES: Route[] = [...IDENTITY_ROUTES, ...RELATIONSHIP_ROUTES];
const API_KEY = DEMO_CREDENTIALS.verifa.apiKey;

export interface VerifaHandlerOptions {
  rateLimitPerMinute: number;
}

interface Reply extends RouteResult {
  headers?: Record<string, string>;
}

/**
 * Every answer, errors and 429s included, carries the X-RateLimit-* headers and has its keys
 * inflected as the Key-Inflection header asks (snake when absent or invalid).
 */
export function createVerifaHandler(store: VerifaStore, options: VerifaHandlerOptions): EmulatorHandler {
  const limiter = new RateLimiter(options.rateLimitPerMinute);
  return (req) => {
    const window = limiter.consume();
    const reply = answerOrError(req, store, window);
    return {
      status: reply.status,
      headers: { ...rateLimitHeaders(window), ...reply.headers },
      json: inflectKeys(reply.body, requestedInflection(req)),
    };
  };
}

function answerOrError(req: EmulatorRequest, store: VerifaStore, window: RateLimitWindow): Reply {
  try {
    return answer(req, store, window);
  } catch (error) {
    if (!(error instanceof VerifaApiError)) throw error;
    return { status: error.status, body: error.toBody(), headers: error.headers };
  }
}

function answer(req: EmulatorRequest, store: VerifaStore, window: RateLimitWindow): RouteResult {
  if (window.exceeded) {
    throw new VerifaApiError(429, 'rate_limited', `Rate limit exceeded. Retry after ${window.retryAfterSeconds} seconds.`, {
      'Retry-After': String(window.retryAfterSeconds),
    });
  }
  // (inferred) error code for the 401.
  if (header(req, 'x-api-key') !== API_KEY) throw new VerifaApiError(401, 'unauthorized', 'Invalid API key.');
  validateOptionalHeaders(req);
  const { route, params } = matchRoute(req.method, req.path);
  // (inferred) code and status for an unparseable body.
  if (req.bodyIsMalformed) throw new VerifaApiError(400, 'invalid_json', 'Request body is not valid JSON.');
  const body = req.body ?? {};
  if (!isObject(body)) throw validationError('Request body must be a JSON object.');
  const run = () => route.handle({ params, query: req.query, body, store });
  return req.method === 'POST' ? runIdempotently(req, body, store, run) : run();
}

// (inferred) malformed optional headers are 400 validation errors.
function validateOptionalHeaders(req: EmulatorRequest): void {
  const version = header(req, 'verifa-version');
  if (version !== undefined && !isCalendarDate(version)) {
    throw validationError('Invalid Verifa-Version header; expected a date in YYYY-MM-DD format.', 400);
  }
  const inflection = header(req, 'key-inflection');
  if (inflection !== undefined && !isKeyInflection(inflection)) {
    throw validationError('Invalid Key-Inflection header; expected snake, camel or kebab.', 400);
  }
}

function requestedInflection(req: EmulatorRequest): KeyInflection {
  const inflection = header(req, 'key-inflection');
  return inflection !== undefined && isKeyInflection(inflection) ? inflection : 'snake';
}

/**
 * Idempotency-Key on a POST: a key seen with the same method, path and body replays the stored
 * reply without running the route again; seen with anything else it is a 422. Only successful
 * replies are stored (inferred), so a failed attempt can be retried under the same key.
 */
function runIdempotently(req: EmulatorRequest, body: Record<string, unknown>, store: VerifaStore, run: () => RouteResult): RouteResult {
  const key = header(req, 'idempotency-key');
  if (key === undefined) return run();
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw validationError(`Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`); // (inferred)
  }
  const fingerprint = requestFingerprint(req.method, req.path, body);
  const previous = store.idempotency.lookup(API_KEY, key, fingerprint);
  if (previous.kind === 'replay') return previous.reply;
  if (previous.kind === 'mismatch') {
    throw new VerifaApiError(422, 'idempotency_mismatch', 'Idempotency key has already been used with different parameters.');
  }
  const result = run();
  // A snapshot: later changes to the resource must not alter the replayed reply.
  const stored = { status: result.status, body: structuredClone(result.body) };
  store.idempotency.remember(API_KEY, key, fingerprint, stored);
  return stored;
}

function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } {
  if (path !== API_PREFIX && !path.startsWith(`${API_PREFIX}/`)) throw notFound('Not found.');
  const segments = path.slice(API_PREFIX.length).split('/').filter(Boolean).map(decodeSegment);
  const candidates = ROUTES.flatMap((route) => {
    const params = matchSegments(route.pattern, segments);
    return params ? [{ route, params }] : [];
  });
  const match = candidates.find((candidate) => candidate.route.method === method);
  if (match) return match;
  // (inferred) code for a known path with another method.
  if (candidates.length > 0) throw new VerifaApiError(405, 'method_not_allowed', 'Method not allowed.');
  throw notFound('Not found.');
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    if (part.startsWith(':')) params[part.slice(1)] = segments[index];
    else if (part !== segments[index]) return undefined;
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw notFound('Not found.');
  }
}

function header(req: EmulatorRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}
