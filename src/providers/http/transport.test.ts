import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { credentialMarker } from '../../emulators/call-log';
import { startEmulator, type EmulatorHandler, type RunningEmulator } from '../../emulators/harness';
import { createLogger } from '../../observability/logger';
import { createMetrics, type Metrics } from '../../observability/metrics';
import {
  UpstreamAuthError,
  UpstreamBudgetExceededError,
  UpstreamConnectionError,
  UpstreamDeadlineExceededError,
  UpstreamError,
  UpstreamProtocolError,
  UpstreamRateLimitedError,
  UpstreamStatusError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  RateBudgetRefusedError,
} from './errors';
import { RateBudgetExceededError, type RateBudget } from '../../budgets/rate-budget';
import { UpstreamCallBudget } from './budget';
import type { ProviderPolicy } from './policy';
import { HttpTransport, type CallContext, type TransportOptions } from './transport';

const API_KEY = 'sk_test_TRANSPORT_SECRET_KEY_0001';
const BEARER = 'TRANSPORT_SECRET_BEARER_0002';
const PII_EMAIL = 'alice.martin@example.com';

const POLICY: ProviderPolicy = {
  timeoutMs: 1_500,
  retries: 2,
  backoffBaseMs: 5,
  backoffCapMs: 20,
  concurrency: 4,
  breakerThreshold: 0.5,
  breakerWindowMs: 10_000,
  breakerMinimumCalls: 20,
  breakerHalfOpenAfterMs: 5_000,
};

/** A provider stand-in: each path answers one way. */
const handler: EmulatorHandler = (req) => {
  switch (req.path) {
    case '/json':
      return { status: 200, json: { ok: true, items: [1, 2] } };
    case '/echo':
      return { status: 201, json: { received: req.body } };
    case '/empty':
      return { status: 204 };
    case '/text':
      return { status: 200, text: 'plain words', headers: { 'content-type': 'text/plain' } };
    case '/badjson':
      return { status: 200, text: '{"half":', headers: { 'content-type': 'application/json' } };
    case '/missing':
      return { status: 404, json: { error: 'not_found', detail: `No identity for ${PII_EMAIL}` } };
    case '/invalid':
      return { status: 400, json: { error: 'validation_error', detail: `Field email (${PII_EMAIL}) is invalid` } };
    case '/denied':
      return { status: 401, json: { error: 'unauthorized', detail: 'bad key' } };
    case '/unavailable':
      return { status: 503, json: { error: 'unavailable', detail: 'maintenance' } };
    default:
      return { status: 200, json: { ok: true, path: req.path } };
  }
};

let emulator: RunningEmulator;
let metrics: Metrics;
const transports: HttpTransport[] = [];

function transport(overrides: Partial<TransportOptions> = {}): HttpTransport {
  const created = new HttpTransport({
    provider: 'verifa',
    baseUrl: `${emulator.url}/`,
    policy: POLICY,
    logger: createLogger({ level: 'silent' }),
    metrics,
    errors: {
      errorCode: (body) => {
        const code = (body as { error?: unknown } | undefined)?.error;
        return typeof code === 'string' ? code : undefined;
      },
      isCredentialFailure: (status) => status === 401 || status === 403,
    },
    authHeaders: async () => ({ 'x-api-key': API_KEY, authorization: `Bearer ${BEARER}` }),
    ...overrides,
  });
  transports.push(created);
  return created;
}

function ctx(deadlineInMs = 5_000, requestId = 'req-transport-1'): CallContext {
  return { requestId, deadline: Date.now() + deadlineInMs, budget: new UpstreamCallBudget(1_000) };
}

/** The error a call rejects with (fails the test if it resolves), recorded for the leak check. */
async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(UpstreamError);
  expectNothingSensitive(outcome.error as UpstreamError);
  return outcome.error as UpstreamError;
}

/** No credential, header, request id or upstream body text on any surface a logger or client may see. */
function expectNothingSensitive(error: Error): void {
  const surfaces = [error.message, String(error), error.stack ?? '', JSON.stringify(error), Object.keys(error).join(',')];
  for (const surface of surfaces) {
    expect(surface).not.toContain(API_KEY);
    expect(surface).not.toContain(BEARER);
    expect(surface).not.toContain(PII_EMAIL);
    expect(surface).not.toContain('req-transport-1');
    expect(surface).not.toMatch(/x-api-key|authorization/i);
  }
}

async function retriesCounted(): Promise<number> {
  const { values } = await metrics.upstreamRetries.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}

beforeAll(async () => {
  emulator = await startEmulator('transport-test', handler);
});

beforeEach(() => {
  metrics = createMetrics();
  emulator.clearCalls();
  emulator.setFaults(null);
});

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

afterAll(async () => {
  await emulator.close();
});

describe('HttpTransport: successful answers', () => {
  it('parses a 2xx JSON answer and sends accept, x-request-id, the auth headers and the query', async () => {
    const response = await transport().send(ctx(5_000, 'req-abc-123'), {
      method: 'GET',
      path: '/json',
      pathTemplate: '/json',
      query: { limit: 2, offset: 0, skipped: undefined, q: 'a b&c' },
      retry: 'safe',
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true, items: [1, 2] });

    expect(emulator.calls).toHaveLength(1);
    const [call] = emulator.calls;
    expect(call).toMatchObject({ method: 'GET', path: '/json', query: { limit: '2', offset: '0', q: 'a b&c' } });
    expect(call.query).not.toHaveProperty('skipped');
    expect(call.headers).toMatchObject({ accept: 'application/json', 'x-request-id': 'req-abc-123', 'x-api-key': credentialMarker(API_KEY), authorization: credentialMarker(`Bearer ${BEARER}`) });
    expect(call.headers).not.toHaveProperty('content-type');
    expect(call.body).toBeUndefined();
  });

  it('sends a body as JSON with its content type, and request headers next to the auth headers', async () => {
    const response = await transport().send(ctx(), {
      method: 'POST',
      path: '/echo',
      pathTemplate: '/echo',
      body: { name: 'x', n: 1 },
      headers: { 'idempotency-key': 'key-1' },
      retry: 'never',
    });
    expect(response).toMatchObject({ status: 201, body: { received: { name: 'x', n: 1 } } });
    expect(emulator.calls[0].headers).toMatchObject({ 'content-type': 'application/json', 'idempotency-key': 'key-1', 'x-api-key': credentialMarker(API_KEY) });
  });

  it('sends auth headers that are ready at once (a static key, a cached token) as it sends those it had to wait for', async () => {
    await transport({ authHeaders: () => ({ 'x-api-key': API_KEY }) }).send(ctx(), { method: 'GET', path: '/json', pathTemplate: '/json', retry: 'safe' });
    expect(emulator.calls[0].headers).toMatchObject({ 'x-api-key': credentialMarker(API_KEY) });
  });

  it('waits for credentials no longer than the request deadline, and then sends nothing (UpstreamDeadlineExceededError)', async () => {
    const error = await failureOf(transport({ authHeaders: () => new Promise(() => undefined) }).send(ctx(150), { method: 'GET', path: '/json', pathTemplate: '/json', retry: 'safe' }));
    expect(error).toBeInstanceOf(UpstreamDeadlineExceededError);
    expect(emulator.calls).toHaveLength(0);
  });

  it('leaves out the auth headers with skipAuth (the call that obtains them)', async () => {
    await transport().send(ctx(), { method: 'POST', path: '/echo', pathTemplate: '/echo', body: {}, skipAuth: true, retry: 'safe' });
    expect(emulator.calls[0].headers).not.toHaveProperty('x-api-key');
    expect(emulator.calls[0].headers).not.toHaveProperty('authorization');
  });

  it('answers an empty 2xx body as undefined', async () => {
    const response = await transport().send(ctx(), { method: 'DELETE', path: '/empty', pathTemplate: '/empty', retry: 'safe' });
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
  });

  it('returns a 404 listed in acceptStatuses instead of throwing', async () => {
    const response = await transport().send(ctx(), { method: 'GET', path: '/missing', pathTemplate: '/missing', retry: 'safe', acceptStatuses: [404] });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: 'not_found', detail: `No identity for ${PII_EMAIL}` });
    expect(emulator.calls).toHaveLength(1);
  });
});

describe('HttpTransport: protocol and status errors', () => {
  it('a 2xx with a non-JSON content type is an UpstreamProtocolError, not retried', async () => {
    const error = await failureOf(transport().send(ctx(), { method: 'GET', path: '/text', pathTemplate: '/text', retry: 'safe' }));
    expect(error).toBeInstanceOf(UpstreamProtocolError);
    expect(error.message).toContain('expected JSON, got text/plain');
    expect(error.message).not.toContain('plain words');
    expect(emulator.countCalls('GET', '/text')).toBe(1);
  });

  it('malformed JSON is an UpstreamProtocolError', async () => {
    const error = await failureOf(transport().send(ctx(), { method: 'GET', path: '/badjson', pathTemplate: '/badjson', retry: 'safe' }));
    expect(error).toBeInstanceOf(UpstreamProtocolError);
    expect(error).toMatchObject({ kind: 'protocol', retryable: false, status: 200 });
    expect(error.message).toContain('could not be parsed');
  });

  it('with ignoreSuccessBody a 2xx is a success whatever its body (text, malformed JSON); an error body is still read', async () => {
    for (const path of ['/text', '/badjson', '/empty', '/json']) {
      const response = await transport().send(ctx(), { method: 'GET', path, pathTemplate: path, retry: 'safe', ignoreSuccessBody: true });
      expect(response.body).toBeUndefined();
    }
    const error = await failureOf(transport().send(ctx(), { method: 'GET', path: '/missing', pathTemplate: '/missing', retry: 'safe', ignoreSuccessBody: true }));
    expect(error).toMatchObject({ kind: 'status', status: 404, providerCode: 'not_found' });
  });

  it('a 404 not accepted is an UpstreamStatusError with the provider code, keeping the body out of sight', async () => {
    const error = await failureOf(
      transport().send(ctx(), { method: 'GET', path: '/missing', pathTemplate: '/identities/{id}', retry: 'safe' }),
    );
    expect(error).toBeInstanceOf(UpstreamStatusError);
    const statusError = error as UpstreamStatusError;
    expect(statusError).toMatchObject({ provider: 'verifa', method: 'GET', pathTemplate: '/identities/{id}', status: 404, providerCode: 'not_found', retryable: false });
    expect(statusError.message).toBe('verifa GET /identities/{id}: answered 404 not_found');

    // The body is there for the client to read, but not enumerable: no serializer picks it up.
    expect(statusError.body).toEqual({ error: 'not_found', detail: `No identity for ${PII_EMAIL}` });
    expect(Object.keys(statusError)).not.toContain('body');
    expect(Object.getOwnPropertyDescriptor(statusError, 'body')?.enumerable).toBe(false);
    const json = JSON.stringify(statusError);
    expect(json).not.toContain(PII_EMAIL);
    expect(json).not.toContain('No identity');
    expect(json).not.toMatch(/x-api-key|authorization|x-request-id/i);
    expect(JSON.stringify({ ...statusError })).not.toContain(PII_EMAIL);
    expect(emulator.countCalls('GET', '/missing')).toBe(1);
  });

  it('a 400 is sent once and surfaces as an UpstreamStatusError', async () => {
    const error = await failureOf(transport().send(ctx(), { method: 'GET', path: '/invalid', pathTemplate: '/invalid', retry: 'safe' }));
    expect(error).toBeInstanceOf(UpstreamStatusError);
    expect(error).toMatchObject({ status: 400, providerCode: 'validation_error' });
    expect(emulator.countCalls('GET', '/invalid')).toBe(1);
  });

  it("a 401 for the subgraph's own credentials is an UpstreamAuthError, sent once", async () => {
    const error = await failureOf(transport().send(ctx(), { method: 'GET', path: '/denied', pathTemplate: '/denied', retry: 'safe' }));
    expect(error).toBeInstanceOf(UpstreamAuthError);
    expect(error).toMatchObject({ status: 401, providerCode: 'unauthorized', retryable: false });
    expect(emulator.countCalls('GET', '/denied')).toBe(1);
  });
});

describe('HttpTransport: retries', () => {
  it('retries a 429 after its Retry-After (retry: safe) and succeeds, counting the retry', async () => {
    emulator.setFaults({ status: 429, retryAfterSeconds: 0.06, times: 1, pathPrefix: '/flaky' });
    const response = await transport().send(ctx(), { method: 'GET', path: '/flaky', pathTemplate: '/flaky', retry: 'safe' });
    expect(response).toMatchObject({ status: 200, body: { ok: true, path: '/flaky' } });
    const [first, retried] = emulator.calls.filter((call) => call.path === '/flaky');
    expect(retried.at - first.at).toBeGreaterThanOrEqual(55);
    expect(emulator.countCalls('GET', '/flaky')).toBe(2);
    expect(await retriesCounted()).toBe(1);
  });

  it('retries a 503 on a safe read up to the policy (1 + 2 attempts), then throws UpstreamUnavailableError', async () => {
    const error = await failureOf(transport().send(ctx(), { method: 'GET', path: '/unavailable', pathTemplate: '/unavailable', retry: 'safe' }));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ status: 503, retryable: true });
    expect(emulator.countCalls('GET', '/unavailable')).toBe(1 + POLICY.retries);
    expect(await retriesCounted()).toBe(POLICY.retries);
  });

  it('sends a POST with retry: never exactly once, even on a 503', async () => {
    emulator.setFaults({ status: 503, pathPrefix: '/write' });
    const error = await failureOf(transport().send(ctx(), { method: 'POST', path: '/write', pathTemplate: '/write', body: { a: 1 }, retry: 'never' }));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(emulator.countCalls('POST', '/write')).toBe(1);
    expect(await retriesCounted()).toBe(0);
  });

  it('answers a 429 whose Retry-After exceeds the remaining deadline at once, without waiting or retrying', async () => {
    emulator.setFaults({ status: 429, retryAfterSeconds: 10, pathPrefix: '/slow429' });
    const error = await failureOf(transport().send(ctx(2_000), { method: 'GET', path: '/slow429', pathTemplate: '/slow429', retry: 'safe' }));
    expect(error).toBeInstanceOf(UpstreamRateLimitedError);
    expect((error as UpstreamRateLimitedError).retryAfterMs).toBe(10_000);
    expect(emulator.countCalls('GET', '/slow429')).toBe(1);
  });
});

describe('HttpTransport: timeouts and deadlines', () => {
  it('gives up on a provider that never answers after the per-attempt timeout (UpstreamTimeoutError)', async () => {
    emulator.setFaults({ hang: true, pathPrefix: '/hang' });
    const error = await failureOf(transport().send(ctx(), { method: 'POST', path: '/hang', pathTemplate: '/hang', body: {}, retry: 'never' }));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error.message).toContain(`no answer within ${POLICY.timeoutMs} ms`);
    expect(emulator.countCalls('POST', '/hang')).toBe(1);
  });

  it('never outlives the request deadline, retries included', async () => {
    emulator.setFaults({ hang: true, pathPrefix: '/hang' });
    const error = await failureOf(transport().send(ctx(300), { method: 'GET', path: '/hang', pathTemplate: '/hang', retry: 'safe' }));
    expect(error instanceof UpstreamTimeoutError || error instanceof UpstreamDeadlineExceededError).toBe(true);
    // A second attempt gets only what is left of the deadline, so at most two fit in 300 ms.
    expect(emulator.countCalls('GET', '/hang')).toBeGreaterThanOrEqual(1);
    expect(emulator.countCalls('GET', '/hang')).toBeLessThanOrEqual(2);
  });

  it('does not call at all once the request deadline is exhausted (UpstreamDeadlineExceededError)', async () => {
    const error = await failureOf(transport().send(ctx(10), { method: 'GET', path: '/json', pathTemplate: '/json', retry: 'safe' }));
    expect(error).toBeInstanceOf(UpstreamDeadlineExceededError);
    expect(error.message).toContain('request deadline exceeded');
    const past = await failureOf(transport().send(ctx(-1_000), { method: 'GET', path: '/json', pathTemplate: '/json', retry: 'never' }));
    expect(past).toBeInstanceOf(UpstreamDeadlineExceededError);
    expect(emulator.calls).toHaveLength(0);
  });

  it('a refused connection is an UpstreamConnectionError', async () => {
    const closed = await startEmulator('closed', handler);
    const url = closed.url;
    await closed.close();
    const error = await failureOf(transport({ baseUrl: url }).send(ctx(), { method: 'GET', path: '/json', pathTemplate: '/json', retry: 'never' }));
    expect(error).toBeInstanceOf(UpstreamConnectionError);
    expect(error.retryable).toBe(true);
  });
});

describe('HttpTransport: an answer cut off after its headers', () => {
  let server: http.Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
      // /stalls never sends the rest; /drops closes the connection instead.
      if (req.url === '/drops') setTimeout(() => res.socket?.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function durationStatuses(): Promise<string[]> {
    const { values } = await metrics.upstreamDuration.get();
    return values.filter((v) => v.metricName?.endsWith('_count')).map((v) => String(v.labels.status));
  }

  it('a body that stalls past the attempt timeout is an UpstreamTimeoutError, recorded under the status that had arrived', async () => {
    const policy = { ...POLICY, timeoutMs: 100 };
    const error = await failureOf(transport({ baseUrl, policy }).send(ctx(), { method: 'POST', path: '/stalls', pathTemplate: '/stalls', body: {}, retry: 'never' }));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(await durationStatuses()).toEqual(['200']);
  });

  it('a connection lost mid-body is an UpstreamConnectionError, recorded under the status that had arrived', async () => {
    const error = await failureOf(transport({ baseUrl }).send(ctx(), { method: 'POST', path: '/drops', pathTemplate: '/drops', body: {}, retry: 'never' }));
    expect(error).toBeInstanceOf(UpstreamConnectionError);
    expect(await durationStatuses()).toEqual(['200']);
  });
});

describe("HttpTransport: the request's upstream call budget", () => {
  it('draws one call per send; once the budget is spent, a call fails without reaching the provider', async () => {
    const budgeted: CallContext = { ...ctx(), budget: new UpstreamCallBudget(2) };
    const json = { method: 'GET', path: '/json', pathTemplate: '/json', retry: 'safe' } as const;
    await transport().send(budgeted, json);
    await transport().send(budgeted, json);
    const error = await failureOf(transport().send(budgeted, json));
    expect(error).toBeInstanceOf(UpstreamBudgetExceededError);
    expect((error as UpstreamBudgetExceededError).budget).toBe(2);
    expect(error.retryable).toBe(false);
    expect(emulator.countCalls('GET', '/json')).toBe(2);
    expect(budgeted.budget.spent).toBe(2);
  });

  it("retries of a call and the subgraph's credential requests draw nothing", async () => {
    const budgeted: CallContext = { ...ctx(), budget: new UpstreamCallBudget(1) };
    await transport().send(budgeted, { method: 'POST', path: '/token', pathTemplate: '/token', retry: 'safe', skipAuth: true });
    emulator.setFaults({ status: 503, times: 1, pathPrefix: '/json' });
    await transport().send(budgeted, { method: 'GET', path: '/json', pathTemplate: '/json', retry: 'safe' });
    expect(emulator.countCalls('GET', '/json')).toBe(2);
    expect(budgeted.budget.spent).toBe(1);
  });
});

describe('HttpTransport: what errors carry', () => {
  it('keeps the auth headers out of every kind of error (status, auth, protocol, unavailable, rate limit)', async () => {
    emulator.setFaults({ status: 429, retryAfterSeconds: 30, pathPrefix: '/limited' });
    const t = transport();
    const send = (path: string) =>
      t.send(ctx(1_000), { method: 'GET', path, pathTemplate: path, retry: 'never' }).then(
        () => {
          throw new Error(`${path} succeeded`);
        },
        (error: unknown) => error as Error,
      );
    const errors = await Promise.all([send('/missing'), send('/invalid'), send('/denied'), send('/text'), send('/badjson'), send('/unavailable'), send('/limited')]);
    expect(errors.map((e) => e.constructor)).toEqual([
      UpstreamStatusError,
      UpstreamStatusError,
      UpstreamAuthError,
      UpstreamProtocolError,
      UpstreamProtocolError,
      UpstreamUnavailableError,
      UpstreamRateLimitedError,
    ]);
    errors.forEach(expectNothingSensitive);
    // The upstream saw the credentials, so the absence above is not for want of sending them.
    expect(emulator.calls.every((call) => call.headers['x-api-key'] === credentialMarker(API_KEY) && call.headers['x-request-id'] === 'req-transport-1')).toBe(true);
  });
});

describe("HttpTransport: the provider's rate budget", () => {
  function recordingBudget(refuseAfter: number) {
    const seen: { acquired: number; observed: number } = { acquired: 0, observed: 0 };
    const budget: RateBudget = {
      provider: 'verifa',
      limited: true,
      idle: false,
      async acquire() {
        if (seen.acquired >= refuseAfter) throw new RateBudgetExceededError('verifa', 2_500);
        seen.acquired++;
      },
      observe: () => void seen.observed++,
    };
    return { budget, seen };
  }

  it('takes one call per attempt and hands every answer to it; a refusal is not sent and carries its wait', async () => {
    const { budget, seen } = recordingBudget(1);
    const t = transport({ rateBudget: budget });
    await t.send(ctx(), { method: 'GET', path: '/json', pathTemplate: '/json', retry: 'safe' });
    expect(seen).toEqual({ acquired: 1, observed: 1 });
    const refused = await failureOf(t.send(ctx(), { method: 'GET', path: '/json', pathTemplate: '/json', retry: 'safe' }));
    expect(refused).toBeInstanceOf(RateBudgetRefusedError);
    expect(refused).toBeInstanceOf(UpstreamRateLimitedError);
    expect((refused as RateBudgetRefusedError).retryAfterMs).toBe(2_500);
    expect(emulator.calls).toHaveLength(1);
  });

  it('draws for retries too', async () => {
    const { budget, seen } = recordingBudget(100);
    emulator.setFaults({ status: 503, times: 1 });
    await transport({ rateBudget: budget }).send(ctx(), { method: 'GET', path: '/json', pathTemplate: '/json', retry: 'safe' });
    expect(emulator.calls).toHaveLength(2);
    expect(seen).toEqual({ acquired: 2, observed: 2 });
  });
});
